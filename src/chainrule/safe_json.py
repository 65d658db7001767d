"""JSON from untrusted places (a ``--spec`` file, the description inside a model or checkpoint, a history),
parsed within limits: the text's size (the memory limit / 32, see ``limits``) and its nesting depth
(``limits.MAX_JSON_DEPTH``) are checked before parsing, so no file can exhaust memory or raise
``RecursionError``; every problem is the caller's error class (``ModelFileError``, ``ConfigError``, ...)
naming ``what`` was read.
"""
import json
import os
import re

import numpy as np

from .files import open_for_reading
from .limits import JSON_EXPANSION, MAX_JSON_DEPTH, check_allocation, json_text_limit

# a JSON string, escapes included (unrolled so the regex engine never backtracks)
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


def nesting_depth(text):
    """The deepest nesting of ``[`` and ``{`` in a JSON text, brackets inside strings ignored (linear time,
    no recursion)."""
    if "[" not in text and "{" not in text:
        return 0
    skeleton = np.frombuffer(_STRING.sub('""', text).encode("utf-8", "surrogatepass"), dtype=np.uint8)
    step = np.isin(skeleton, (ord("["), ord("{"))).astype(np.int64)
    step -= np.isin(skeleton, (ord("]"), ord("}")))
    return int(np.cumsum(step).max(initial=0))


def check_text(text, what, error, max_depth=MAX_JSON_DEPTH):
    """Raise ``error`` when the JSON ``text`` is larger or deeper than chainrule reads; the readers call it
    before parsing, the writers before writing (a file chainrule would refuse to read is never written)."""
    # parsed JSON takes up to ~25x its text in memory: each character is charged JSON_EXPANSION bytes
    check_allocation(len(text) * JSON_EXPANSION, f"parsing {what} ({len(text):,} characters of JSON)", error)
    depth = nesting_depth(text)
    if depth > max_depth:
        raise error(f"{what} nests its JSON {depth} levels deep, more than the {max_depth} chainrule reads")


def loads(text, what, error, max_depth=MAX_JSON_DEPTH):
    """``json.loads(text)`` for ``what`` (e.g. ``"trace spec 'net.json'"``), or ``error`` saying what is wrong."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise error(f"{what} is not UTF-8 text ({exc})") from None
    check_text(text, what, error, max_depth)
    try:
        return json.loads(text)
    except RecursionError:   # not reachable after the depth check; kept so no JSON can ever crash a reader
        raise error(f"{what} nests its JSON too deeply to read") from None
    except ValueError as exc:   # JSONDecodeError, and int() of a number with more than 4300 digits
        raise error(f"{what} is not valid JSON: {exc}") from None


def dumps(value, what, error, **options):
    """``json.dumps(value, allow_nan=False, **options)``, refused with ``error`` when the text could not be read
    back (not JSON-ready, NaN, too large or too deep)."""
    try:
        text = json.dumps(value, allow_nan=False, **options)
    except RecursionError:
        raise error(f"{what} nests too deeply to be written as JSON") from None
    except (TypeError, ValueError) as exc:
        raise error(f"{what} must be JSON-ready (numbers, text, lists, dicts; no NaN or infinity): {exc}") from None
    check_text(text, what, error)
    return text


def load_file(path, what, error, max_depth=MAX_JSON_DEPTH):
    """A JSON file, its size checked from ``stat`` before a byte is read; a missing or unreadable file is
    ``error`` too."""
    return loads(read_text(path, what, error), what, error, max_depth)


def read_text(path, what, error):
    """The bytes of a JSON file, at most the JSON text limit (checked from ``stat`` first, and by reading no
    more than the limit: ``/dev/zero`` or a growing file cannot make it read on)."""
    path = os.fspath(path)
    try:
        handle, _ = open_for_reading(path)            # a FIFO would block open() forever
        with handle:
            size = os.fstat(handle.fileno()).st_size
            limit = json_text_limit()
            if size > limit:
                check_allocation(size * JSON_EXPANSION, f"parsing {what} ({size:,} bytes of JSON)", error)
            raw = handle.read(limit + 1)
    except IsADirectoryError:
        raise error(f"cannot read {what}: it is a folder, not a JSON file") from None
    except OSError as exc:
        raise error(f"cannot read {what}: {exc.strerror or exc}") from None
    if len(raw) > limit:
        check_allocation(len(raw) * JSON_EXPANSION, f"parsing {what} (more than {limit:,} bytes of JSON)", error)
    return raw

"""Answer files: what a learner writes, read forgivingly, and every line that cannot be read named.

The format is one value per line, in the guide's names::

    # comments start with #; blank lines are ignored
    student = Ada Lovelace
    z1 = [0.51 0.72]
    a1 = 0.6248, 0.6726            # brackets and commas are optional
    dL/dW1 = [[0.0173 0.052 ]      # numpy's printed arrays, over several lines
     [0.0196 0.0587]]
    W2_new = [0.4075 0.5004]       # a matrix may be written flat, row by row
    loss =                         # left empty: not answered

Forgiving in what it reads: ``=`` or ``:``; numbers separated by spaces, commas or ``;`` (a new row); brackets
or none; ``array(...)``; a Unicode minus (−) or dash; names in any case, with ``_`` for ``/`` as the guide's
code spells them (``dL_dW2``, ``da2_dz2``), ``dL/dz2`` for delta2, ``new W2`` or ``W2_new``; the guide's update
print ``W2: [[0.5 0.6]] -> [[0.5441 0.6484]]`` (the value after ``->`` is W2_new); a continuation line without
a name; the given values (x, target, W1, ...) copied in, which are then checked against the variant.

Strict in what it reports: a line that cannot be read is never skipped. ``parse_answers`` collects every such
line and raises one ``AnswerFileError`` naming each by its line number (an unknown name with the closest
known ones, a value of the wrong size, a bracket never closed, a decimal comma, a name given twice).
"""
import difflib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..errors import DataError
from .steps import rules

MAX_ANSWER_BYTES = 64 * 1024          # a complete answer file is about 1 KB
NOT_ANSWERED = ("", "?", "??", "...", "…", "-", "—", "tbd", "todo")
TEXT_FIELDS = ("student", "variant")  # lines that name whose answers these are


class AnswerFileError(DataError):
    """An answer file that cannot be read; ``problems`` lists ``(line, message)`` for every line at fault
    (line 0: the file as a whole)."""

    def __init__(self, source, problems):
        self.source = source
        self.problems = list(problems)
        where = f"{source}: " if source else ""
        super().__init__(where + "; ".join(f"line {line}: {message}" if line else message
                                           for line, message in self.problems))


@dataclass(frozen=True)
class Answer:
    """One value as the learner wrote it: ``value`` reshaped to the quantity's shape, None when left empty."""

    name: str
    value: np.ndarray
    line: int
    text: str


@dataclass(frozen=True)
class Answers:
    """What one answer file says: the values by name (only those it has a line for) and whose they are."""

    values: dict
    student: str | None = None
    variant: str | None = None
    given: dict = field(default_factory=dict)      # copied given values: name -> Answer
    source: str | None = None
    lines: dict = field(default_factory=dict)      # "student"/"variant" -> line number

    def answered(self, name):
        answer = self.values.get(name)
        return answer is not None and answer.value is not None


# --- names ---

@dataclass(frozen=True)
class Quantity:
    name: str
    shape: tuple
    required: bool
    step: str


@lru_cache(maxsize=None)
def quantities():
    """The exercise's values, in order: the same names and shapes for every variant (the 2 -> 2 -> 1 network)."""
    from .variant import guide_variant
    return tuple(Quantity(r.name, r.shape, r.required, r.step) for r in rules(guide_variant().solution))


GIVEN = {"x": (2,), "target": (1,), "W1": (2, 2), "b1": (2,), "W2": (1, 2), "b2": (1,), "lr": ()}


def _key(name):
    """How a name is looked up: case, spaces, ``_``, ``/`` and ``∂`` do not matter; δ is delta."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("δ", "delta").replace("∂", "d")
    return re.sub(r"[\s_/]+", "", text)


@lru_cache(maxsize=None)
def _names():
    """Lookup key -> canonical name, with the aliases the module docstring lists."""
    table = {}
    for q in quantities():
        table[_key(q.name)] = q.name
        layer = re.search(r"\d+", q.name)
        l = layer.group() if layer else ""
        if q.name.startswith("delta"):
            table[_key(f"dL/dz{l}")] = q.name
        if q.name.endswith("_new"):
            table[_key(f"new {q.name[:-4]}")] = q.name
    n_layers = max(int(q.name[1:]) for q in quantities() if re.fullmatch(r"z\d+", q.name))
    table.update({_key(k): "new_prediction" for k in (f"a{n_layers}_new", f"new a{n_layers}", "prediction_new")})
    table.update({_key(k): "new_loss" for k in ("loss_new", "loss after")})
    table.update({_key("prediction"): f"a{n_layers}", _key("mse loss"): "loss"})    # the guide's block 10 prints
    table.update({_key(k): k for k in GIVEN})
    table[_key("learning_rate")] = "lr"
    table.update({_key(k): k for k in TEXT_FIELDS})
    return table


def _canonical(name):
    return _names().get(_key(name))


def _suggest(name):
    close = difflib.get_close_matches(_key(name), list(_names()), n=3, cutoff=0.6)
    names = list(dict.fromkeys(_names()[k] for k in close))
    return f" (did you mean {' or '.join(names)}?)" if names else ""


# --- values ---

_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-", "\u2010": "-", "\u2011": "-",
                        "\u00a0": " ", "\u202f": " ", "\t": " "})
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_TOKEN = re.compile(rf"\s*(?:(?P<open>\[)|(?P<close>\])|(?P<row>;)|(?P<comma>,)|(?P<number>{_NUMBER})(?![\w.])"
                    r"|(?P<other>[^\s\[\];,]+))")
#: "=== Forward Pass ===" (the guide's printout), "Step 1: forward pass", "--- layer 1 ---": headings, skipped
_HEADING = re.compile(r"^(?:[=*~-]{2,}.*|step\s*\d+\s*[:.)-]?\s*[^\d\s\[\-+.=].*)$", re.IGNORECASE)
_ARRAY = re.compile(r"^(?:np\.|numpy\.)?array\((.*?)(?:,\s*dtype=\w+)?\)$", re.DOTALL)


def clean(text):
    """Unicode compatibility forms (fullwidth digits), minus signs and odd spaces made plain."""
    return unicodedata.normalize("NFKC", text).translate(_MINUS)


def parse_value(text):
    """A value's text as a float array (any nesting of brackets; ``;`` starts a row), or ValueError saying why."""
    text = text.strip()
    match = _ARRAY.match(text)
    if match:
        text = match.group(1).strip()
    if "." not in text and re.search(r"\d,\d", text):
        raise ValueError(f"{text!r} looks like decimal commas: write decimals with a point (0.51), and separate "
                         "values with spaces or ', '")
    stack, rows = [[]], [[]]          # the open bracket levels' items, and the rows ';' split off each
    for token in _TOKEN.finditer(text):
        kind = token.lastgroup
        if kind == "open":
            stack.append([])
            rows.append([])
        elif kind == "close":
            if len(stack) == 1:
                raise ValueError("a ']' closes no '['")
            level, level_rows = stack.pop(), rows.pop()
            stack[-1].append(_rows(level, level_rows))
        elif kind == "row":
            rows[-1].append(stack[-1])
            stack[-1] = []
        elif kind == "number":
            number = float(token.group("number"))
            if not np.isfinite(number):
                raise ValueError(f"{token.group('number')!r} is not a finite number")
            stack[-1].append(number)
        elif kind == "other":
            raise ValueError(f"cannot read {token.group('other')!r} as a number" + (
                " (write the number, not the expression)" if re.search(r"[*/+()^]", token.group("other")) else ""))
    if len(stack) > 1:
        raise ValueError(f"{len(stack) - 1} '[' never closed")
    value = _rows(stack[0], rows[0])
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list) and not rows[0]:
        value = value[0]
    try:
        array = np.array(value, dtype=np.float64)
    except ValueError:
        raise ValueError("its rows have different lengths") from None
    if array.size == 0:
        raise ValueError("no number in it")
    return array


def _rows(level, level_rows):
    """A bracket level's items, grouped into rows when ``;`` split them."""
    if not level_rows:
        return level
    return [row for row in level_rows + [level] if row]


def _fit(array, shape):
    """``array`` in ``shape`` when it has the same numbers in row-major order (brackets may be dropped or
    added: [0.746] or 0.746 for a (1,) value, a flat list for a matrix); None when it does not fit."""
    expected = np.empty(shape)
    if array.size != expected.size:
        return None
    squeezed = tuple(n for n in array.shape if n != 1)
    if len(squeezed) <= 1 or squeezed == tuple(n for n in shape if n != 1):
        return array.reshape(shape)
    return None


def _describe(shape):
    if shape == ():
        return "one number"
    if len(shape) == 1:
        return f"{shape[0]} number{'s' if shape[0] != 1 else ''}"
    return f"a {' x '.join(map(str, shape))} matrix ({int(np.prod(shape))} numbers)"


# --- lines ---

def _entries(text):
    """``(line number, name, value text)`` per entry, continuation lines joined; problems for the lines that
    are neither an entry nor a continuation."""
    entries, problems = [], []
    current = None      # [line, name, value] being continued
    for number, raw in enumerate(text.splitlines(), start=1):
        line = clean(raw).split("#", 1)[0].strip()
        if not line or _HEADING.match(line):
            continue
        if current is not None and current[2].count("[") > current[2].count("]"):
            if re.search(r"[=:]", line):
                problems.append((current[0], f"{current[1]}: '[' not closed before line {number}"))
                current = None
            else:
                current[2] += " " + line
                continue
        separator = "=" if "=" in line else ":" if ":" in line else None
        if separator is None:
            if current is not None and re.fullmatch(r"[\d\s.,;\[\]eE+>→-]+", line):
                current[2] += " " + line               # a continuation line without a name
                continue
            problems.append((number, f"cannot read {raw.strip()!r}: write one value per line as name = value"))
            current = None
            continue
        name, value = line.split(separator, 1)
        current = [number, name.strip(), value.strip()]
        entries.append(current)
    if current is not None and current[2].count("[") > current[2].count("]"):
        problems.append((current[0], f"{current[1]}: '[' never closed"))
    return [tuple(e) for e in entries if not any(p[0] == e[0] for p in problems)], problems


def parse_answers(text, source=None):
    """An ``Answers`` from the text of an answer file (see the module docstring); ``AnswerFileError`` listing
    every line that cannot be read."""
    shapes = {q.name: q.shape for q in quantities()}
    values, given, fields, lines = {}, {}, {}, {}
    entries, problems = _entries(text)
    seen = {}
    for number, name, value in entries:
        arrow = re.split(r"->|→", value)
        if len(arrow) > 1 and _canonical(name) in ("W1", "W2", "b1", "b2"):   # "W2: [[0.5 0.6]] -> [[...]]"
            problems += _check_given(number, name, arrow[0], given)
            name, value = _canonical(name) + "_new", arrow[-1]
        elif len(arrow) > 1 and str(_canonical(name)).endswith("_new"):
            value = arrow[-1]
        canonical = _canonical(name)
        if canonical is None:
            problems.append((number, f"unknown name {name!r}" + (_suggest(name) or (
                "; the names are " + ", ".join(q.name for q in quantities())))))
            continue
        if canonical in seen:
            problems.append((number, f"{canonical} is given twice (first on line {seen[canonical]})"))
            continue
        seen[canonical] = number
        if canonical in TEXT_FIELDS:
            fields[canonical], lines[canonical] = " ".join(value.split()) or None, number
            continue
        if canonical in GIVEN:
            problems += _check_given(number, canonical, value, given)
            continue
        if value.strip().casefold() in NOT_ANSWERED:
            values[canonical] = Answer(canonical, None, number, value)
            continue
        try:
            array = parse_value(value)
        except ValueError as exc:
            problems.append((number, f"{canonical} = {value}: {exc}"))
            continue
        fitted = _fit(array, shapes[canonical])
        if fitted is None:
            problems.append((number, f"{canonical} is {_describe(shapes[canonical])}, got "
                                     f"{_describe(array.shape)}: {value}"))
            continue
        values[canonical] = Answer(canonical, fitted, number, value)
    if problems:
        raise AnswerFileError(source, sorted(problems))
    return Answers(values, fields.get("student"), fields.get("variant"), given, source, lines)


def _check_given(number, name, text, given):
    """A given value copied into the file: read it (checked against the variant when marking)."""
    canonical = _canonical(name)
    try:
        array = parse_value(text)
    except ValueError as exc:
        return [(number, f"{canonical} = {text.strip()}: {exc}")]
    fitted = _fit(array, GIVEN[canonical])
    if fitted is None:
        return [(number, f"{canonical} is {_describe(GIVEN[canonical])}, got {_describe(array.shape)}")]
    given[canonical] = Answer(canonical, fitted, number, text.strip())
    return []


def read_answers(path):
    """``parse_answers`` of a file: at most ``MAX_ANSWER_BYTES``, a regular file, UTF-8 (or UTF-16 with a BOM)."""
    shown = os.fspath(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise AnswerFileError(shown, [(0, f"cannot read it: {exc.strerror or exc}")]) from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise AnswerFileError(shown, [(0, f"cannot read it: it is {kind}, not an answer file")])
    if info.st_size > MAX_ANSWER_BYTES:
        raise AnswerFileError(shown, [(0, f"it is {info.st_size:,} bytes; an answer file is at most "
                                          f"{MAX_ANSWER_BYTES:,} (a complete one is about 1 KB)")])
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_ANSWER_BYTES + 1)
    except OSError as exc:
        raise AnswerFileError(shown, [(0, f"cannot read it: {exc.strerror or exc}")]) from None
    if len(raw) > MAX_ANSWER_BYTES:
        raise AnswerFileError(shown, [(0, f"it is more than {MAX_ANSWER_BYTES:,} bytes")])
    return parse_answers(decode(raw, shown), source=shown)


def decode(raw, source=None):
    """The text of an answer file's bytes: UTF-8 (a BOM allowed), or UTF-16 when it starts with its BOM."""
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = raw.decode("utf-16")
        else:
            text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AnswerFileError(source, [(0, f"it is not UTF-8 text (byte {raw[exc.start]:#04x} at "
                                           f"position {exc.start}): save it as plain text")]) from None
    if "\0" in text:
        raise AnswerFileError(source, [(0, "it holds NUL bytes: a binary file, not plain text")])
    return text

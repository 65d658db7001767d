"""The memory budget: how much one file, one array or one setting may make chainrule allocate.

Every reader of an untrusted file (model files, checkpoints, IDX and ``.npz`` data, images, JSON) and every
setting that decides a size asks ``check_allocation(n_bytes, what, error)`` with the size it is about to
allocate, computed from the file's headers or the settings *before* anything is allocated. Above the limit
the caller's error (``ModelFileError``, ``DataError``, ``ConfigError``, ...) names the size asked for, the
limit and how to raise it:

    ModelFileError: the network in model file 'big.npz' (layer sizes [784, 300000, 5], 236,701,505
    parameters) needs 1.76 GiB (1,893,612,040 bytes), more than chainrule's memory limit of 1 GiB; if you
    really need that much, raise the limit with --max-memory 2G or CHAINRULE_MAX_MEMORY=2G

The limit is 1 GiB unless raised (or lowered): ``CHAINRULE_MAX_MEMORY=4G`` in the environment, ``--max-memory
4G`` on any command, or ``with memory_limit("4G"):`` in Python. It bounds one request, not the process: a
checkpoint of a network of N parameters holds a few arrays of N numbers, each one request.
"""
import contextlib
import contextvars
import math
import os
import re

from .errors import ConfigError

DEFAULT_MAX_MEMORY = 1 << 30          # 1 GiB: full MNIST as float64 is 376 MB, a [784, 4096, 4096, 10] net 160 MB
ENV_VAR = "CHAINRULE_MAX_MEMORY"
#: parsed JSON takes up to ~25x its text in memory (``[{}, {}, ...]``: a 64-byte dict per 4 bytes), so a JSON
#: text may be at most this fraction of the memory limit (32 MiB by default)
JSON_EXPANSION = 32
#: deeper JSON than this is refused before parsing (chainrule's own files nest fewer than 10 levels)
MAX_JSON_DEPTH = 100

_override = contextvars.ContextVar("chainrule_max_memory", default=None)
_UNITS = {"": 1, "b": 1, "k": 1 << 10, "kb": 1000, "kib": 1 << 10, "m": 1 << 20, "mb": 1000 ** 2,
          "mib": 1 << 20, "g": 1 << 30, "gb": 1000 ** 3, "gib": 1 << 30, "t": 1 << 40, "tb": 1000 ** 4,
          "tib": 1 << 40}


def parse_size(text, name="--max-memory"):
    """``"4G"``, ``"512M"``, ``"2GiB"``, ``"1.5GB"``, ``"1000000"`` (bytes) -> a number of bytes (K, M, G, T
    alone are binary: 1G = 2**30)."""
    if isinstance(text, int) and not isinstance(text, bool):
        size = text
    else:
        match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]*)?)\s*([a-zA-Z]*)\s*", str(text))
        unit = match and _UNITS.get(match.group(2).lower())
        if not unit:
            raise ConfigError(f"{name} must be a size such as 4G, 512M or 2GiB (K, M, G, T; a plain number is "
                              f"bytes), got {text!r}")
        size = int(float(match.group(1)) * unit)
    if size < 1:
        raise ConfigError(f"{name} must be at least 1 byte, got {text!r}")
    return size


def max_memory():
    """The limit in bytes: ``memory_limit(...)``/``--max-memory`` if set, else ``$CHAINRULE_MAX_MEMORY``, else 1 GiB."""
    override = _override.get()
    if override is not None:
        return override
    text = os.environ.get(ENV_VAR, "").strip()
    return parse_size(text, ENV_VAR) if text else DEFAULT_MAX_MEMORY


def set_max_memory(size):
    """Set the limit for the current context (``--max-memory``); ``None`` goes back to the environment/default.
    Returns a token for ``reset_max_memory``."""
    return _override.set(None if size is None else parse_size(size))


def reset_max_memory(token):
    """Undo ``set_max_memory`` (its token)."""
    _override.reset(token)


@contextlib.contextmanager
def memory_limit(size):
    """``with memory_limit("4G"): load_model(...)``: the limit inside the block."""
    token = set_max_memory(size)
    try:
        yield max_memory()
    finally:
        _override.reset(token)


def format_bytes(n):
    """1073741824 -> '1 GiB', 1887436800 -> '1.76 GiB', 52428800 -> '50 MiB', 999 -> '999 bytes'."""
    for unit, size in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            value = n / size
            return f"{value:.3g} {unit}" if value < 1000 else f"{value:,.0f} {unit}"
    return f"{n:,} bytes"


def _suggestion(n_bytes):
    """The smallest power of two of MiB that holds ``n_bytes``, as an option value ('8M', '2G', '8T')."""
    mib = 1
    while mib << 20 < n_bytes:
        mib *= 2
    if mib >= 1 << 20:
        return f"{mib >> 20}T"
    return f"{mib >> 10}G" if mib >= 1024 else f"{mib}M"


def check_allocation(n_bytes, what, error=ConfigError, limit=None):
    """Raise ``error`` when ``what`` would need more than ``limit`` bytes (default: ``max_memory()``).

    ``n_bytes`` is a Python int computed from headers or settings (no overflow); ``what`` says what the file
    or setting asks for, e.g. ``"model file 'x.npz' member W0.npy of shape (300000, 784) float64"``."""
    limit = max_memory() if limit is None else limit
    n_bytes = int(n_bytes)
    if n_bytes <= limit:
        return n_bytes
    suggest = _suggestion(n_bytes)
    exc = error(f"{what} needs {format_bytes(n_bytes)} ({n_bytes:,} bytes), more than chainrule's memory limit "
                f"of {format_bytes(limit)}; if you really need that much, raise the limit with --max-memory "
                f"{suggest} or {ENV_VAR}={suggest}")
    exc.requested, exc.limit = n_bytes, limit
    raise exc


def check_shape(shape, itemsize, what, error=ConfigError):
    """``check_allocation`` for an array of ``shape`` and ``itemsize`` (sizes as Python ints, so no overflow),
    after checking NumPy can represent the shape at all (an empty array whose other dimensions multiply past
    2**63 cannot be made either); returns the bytes."""
    shape = tuple(int(n) for n in shape)
    if math.prod(n for n in shape if n) * max(int(itemsize), 1) >= 2 ** 63:
        raise error(f"{what} has dimensions whose product is too large for any array")
    return check_allocation(math.prod(shape) * int(itemsize), what, error)


def network_bytes(layer_sizes, itemsize=8):
    """Bytes of the weights and biases of a network with these layer sizes (Python ints: no overflow)."""
    sizes = [int(n) for n in layer_sizes]
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])) * int(itemsize)


def check_network(layer_sizes, what, error=ConfigError, itemsize=8):
    """``check_allocation`` for the parameters of a network of ``layer_sizes`` (``itemsize`` bytes each);
    ``what`` names the network, e.g. ``"the network in model file 'x.npz'"``."""
    sizes = [int(n) for n in layer_sizes]
    n_params = network_bytes(sizes, 1)
    return check_allocation(n_params * int(itemsize), f"{what} (layer sizes {sizes}, {n_params:,} parameters)",
                            error)


def json_text_limit():
    """The largest JSON text chainrule parses: the memory limit / ``JSON_EXPANSION``."""
    return max(max_memory() // JSON_EXPANSION, 1)

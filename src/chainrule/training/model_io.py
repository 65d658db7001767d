"""Model files: a NumPy ``.npz`` with the weights and a JSON description, loaded without unpickling.

Inside the archive:
- ``W0, b0, W1, b1, ...``: the weights and biases of each layer;
- ``chainrule_model``: a JSON string (stored as a NumPy unicode scalar) with ``format``, ``format_version``,
  the architecture (``layer_sizes``, ``activations``, ``loss``, ``dtype``) and ``metadata`` (free JSON:
  classes, training settings, data split, final accuracies).

Written atomically: a temporary file in the same folder, then ``os.replace``, so a crash never leaves half a
model behind. ``load_model`` opens with ``allow_pickle=False`` and names the file and the problem when it is
not a chainrule model, is damaged, or comes from a newer format version.
"""
import json
import os
import struct
import zipfile
import zlib

import numpy as np

from ..core.network import Network
from ..errors import ChainruleError, ConfigError, ModelFileError
from .history import _jsonable
from ..files import atomic_write

FORMAT = "chainrule-model"
FORMAT_VERSION = 1
DESCRIPTION_KEY = "chainrule_model"
#: what reading a damaged zip can raise: bad headers, bad deflate data (zlib.error), flipped flag bits
#: (NotImplementedError: "compressed patched data", "strong encryption"; RuntimeError: "password required")
READ_ERRORS = (zipfile.BadZipFile, zlib.error, struct.error, EOFError, OSError, ValueError, NotImplementedError,
               RuntimeError)


def describe(net, metadata=None):
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "layer_sizes": list(net.layer_sizes), "activations": net.activation_names,
        "loss": net.loss.name, "dtype": net.dtype.name, "seed": _jsonable(net.seed),
        "metadata": _jsonable(metadata or {}),
    }


def atomic_savez(path, arrays):
    """``np.savez_compressed`` to ``path`` through a temporary file and ``os.replace``."""
    with atomic_write(path, suffix=".npz") as handle:
        np.savez_compressed(handle, **arrays)
    return os.fspath(path)


def save_model(net, path, metadata=None):
    """Save ``net`` (weights + JSON description + ``metadata``) to ``path`` (``.npz``); returns the path."""
    if not isinstance(net, Network):
        raise ConfigError(f"save_model saves a chainrule Network, got {type(net).__name__}")
    try:
        description = json.dumps(describe(net, metadata), allow_nan=False)
    except TypeError as exc:
        raise ConfigError(f"metadata must be JSON-ready (numbers, text, lists, dicts): {exc}") from None
    arrays = {DESCRIPTION_KEY: np.array(description)}
    for i, (W, b) in enumerate(zip(net.weights, net.biases)):
        arrays[f"W{i}"], arrays[f"b{i}"] = W, b
    return atomic_savez(path, arrays)


def check_npz_signature(path, what="model file"):
    """Refuse, by its first bytes, a file that is not an .npz (a zip of .npy arrays): NumPy would otherwise
    try to unpickle it and answer with advice to load it "unsafely"."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return
    if not head:
        raise ModelFileError(f"{what} {path!r} is empty (0 bytes): it was never written completely")
    if head.startswith(b"\x93NUMPY"):
        raise ModelFileError(f"{path!r} is a single NumPy array (.npy), not a chainrule {what} (an .npz)")
    raise ModelFileError(f"{path!r} is not a chainrule {what}: not an .npz archive (it starts with {head!r}); "
                         f"chainrule never unpickles files")


def read_npz(path, what="model file"):
    """Every array of a chainrule ``.npz`` (a model file or a checkpoint), read without unpickling; a missing,
    foreign, truncated or corrupted file is a ``ModelFileError`` naming the file and the problem."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ModelFileError(f"{what.split()[0]} file {path!r} does not exist")  # "model file", "checkpoint file"
    if os.path.isdir(path):
        raise ModelFileError(f"{what} {path!r} is a folder, not a file")
    check_npz_signature(path, what)
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (*READ_ERRORS, KeyError, TypeError) as exc:
        raise _damaged(path, what, exc) from None


def read_json_entry(path, arrays, key, what="model file"):
    """The JSON description stored under ``key`` (a NumPy unicode scalar), removed from ``arrays``."""
    try:
        return json.loads(str(arrays.pop(key)))
    except (ValueError, TypeError) as exc:
        raise _damaged(path, what, exc) from None


def _damaged(path, what, exc):
    return ModelFileError(f"cannot read {what} {path!r}: it is truncated, corrupted or not an .npz "
                          f"({type(exc).__name__}: {exc})")


def read_model_file(path):
    """The description dict and the weight arrays of a model file, checked; raises ``ModelFileError``."""
    path = os.fspath(path)
    arrays = read_npz(path)
    if DESCRIPTION_KEY not in arrays:
        raise ModelFileError(f"{path!r} is not a chainrule model file (no {DESCRIPTION_KEY!r} entry; "
                             f"it holds {', '.join(arrays) or 'nothing'})")
    description = read_json_entry(path, arrays, DESCRIPTION_KEY)
    if not isinstance(description, dict) or description.get("format") != FORMAT:
        raise ModelFileError(f"{path!r} is not a chainrule model file (format {description.get('format')!r})"
                             if isinstance(description, dict) else f"{path!r} has a malformed description")
    version = description.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ModelFileError(f"{path!r} has model format version {version!r}, newer than this chainrule reads "
                             f"(up to {FORMAT_VERSION}); upgrade chainrule to load it")
    return description, arrays


def load_model(path):
    """The ``Network`` saved in ``path``, with the file's JSON description as ``net.description`` and its
    metadata (classes, settings, ...) as ``net.metadata``."""
    description, arrays = read_model_file(path)
    try:
        sizes = description["layer_sizes"]
        activations = description["activations"]
        net = Network(sizes, seed=description.get("seed") if description.get("seed") is not None else 0,
                      activation=activations[:-1], output_activation=activations[-1],
                      loss=description["loss"], dtype=description["dtype"])
        n_layers = len(sizes) - 1
        missing = [name for i in range(n_layers) for name in (f"W{i}", f"b{i}") if name not in arrays]
        if missing:
            raise ModelFileError(f"model file {path!r} lacks the arrays {', '.join(missing)}")
        net.set_weights(([arrays[f"W{i}"] for i in range(n_layers)], [arrays[f"b{i}"] for i in range(n_layers)]))
    except ModelFileError:
        raise
    except (ChainruleError, KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"model file {path!r} has an inconsistent description or weights: {exc}") from None
    for i, (W, b) in enumerate(zip(net.weights, net.biases)):
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            raise ModelFileError(f"model file {path!r}: layer {i + 1} holds NaN or infinite weights")
    net.description = description
    net.metadata = description.get("metadata", {})
    return net

"""Model files: a NumPy ``.npz`` with the weights and a JSON description, loaded without unpickling.

Inside the archive:
- ``W0, b0, W1, b1, ...``: the weights and biases of each layer;
- ``chainrule_model``: a JSON string (stored as a NumPy unicode scalar) with ``format``, ``format_version``,
  the architecture (``layer_sizes``, ``activations``, ``loss``, ``dtype``) and ``metadata`` (free JSON:
  classes, training settings, data split, final accuracies).

Format version 2 adds the configs of the kinds, ``activation_configs`` (one per layer, e.g. ``{"name":
"leaky_relu", "alpha": 0.3}``), ``loss_config`` and ``layers`` (the stack: ``{"name": "dense", ...}`` for each
fully connected layer, and the layers between them such as ``{"name": "dropout", "rate": 0.2}``), rebuilt
through the registries (``ACTIVATIONS.from_config``, ``LAYERS.from_config``),
so every parameter of every kind survives a save and a load. The names stay beside them for readers that only
show them. A version 1 file (names only: every kind with its default parameters, as version 1 could only
rebuild them) still loads.

Written atomically: a temporary file in the same folder, then ``os.replace``, so a crash never leaves half a
model behind. ``load_model`` reads through ``chainrule.safe_npz`` (nothing unpickled, every member within the
memory budget and its declared size), checks the description (layer sizes within the budget) before any weight
is read, and names the file and the problem when it is not a chainrule model, is damaged, or comes from a newer
format version. ``save_model`` refuses what ``load_model`` would refuse (NaN or infinite weights), so a diverged
network never replaces a good file.
"""
import os

import numpy as np

from .. import safe_json
from ..core.activations import ACTIVATIONS
from ..core.network import Network
from ..core.validation import check_parameters
from ..errors import ChainruleError, ConfigError, InputValueError, ModelFileError
from ..files import atomic_write
from ..limits import check_network
from ..safe_npz import NpzReader
from .history import _jsonable

FORMAT = "chainrule-model"
FORMAT_VERSION = 2
DESCRIPTION_KEY = "chainrule_model"


def describe(net, metadata=None):
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "layer_sizes": list(net.layer_sizes), "activations": net.activation_names,
        "loss": net.loss.name, "dtype": net.dtype.name, "seed": _jsonable(net.seed),
        "activation_configs": [layer.activation.config() for layer in net.layers],
        "loss_config": net.loss.config(),
        "layers": [layer.config() for layer in net.stack],
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
    check_parameters(net)
    try:
        description = describe(net, metadata)
    except RecursionError:
        raise ConfigError("metadata nests too deeply to be written as JSON") from None
    description = safe_json.dumps(description, "metadata", ConfigError)
    problem = non_finite_weights(net.weights, net.biases)
    if problem:
        raise InputValueError(f"save_model refuses to write {os.fspath(path)!r}: the network's {problem}, which "
                              f"load_model would refuse; any previous file there is kept as it was")
    arrays = {DESCRIPTION_KEY: np.array(description)}
    for i, (W, b) in enumerate(zip(net.weights, net.biases)):
        arrays[f"W{i}"], arrays[f"b{i}"] = W, b
    return atomic_savez(path, arrays)


def open_npz(path, what="model file"):
    """A chainrule ``.npz`` (a model file or a checkpoint) opened for checked reading (``safe_npz``): members
    listed, nothing inflated yet; a missing, foreign, truncated or corrupted file is a ``ModelFileError``."""
    path = os.fspath(path)
    label = f"{what.split()[0]} file {path!r}"          # "model file 'm.npz'", "checkpoint file 'c.npz'"
    return NpzReader(path, label, ModelFileError,
                     damaged=f"cannot read {what} {path!r}: it is truncated, corrupted or not an .npz ({{exc}})")


def read_npz(path, what="model file"):
    """Every array of a chainrule ``.npz``, read within the memory budget, without unpickling."""
    with open_npz(path, what) as archive:
        return archive.read_all()


def read_json_entry(path, arrays, key, what="model file"):
    """The JSON description stored under ``key`` (a NumPy unicode scalar), removed from ``arrays``."""
    entry = arrays.pop(key)
    if not isinstance(entry, np.ndarray) or entry.shape != () or entry.dtype.kind != "U":
        raise _damaged(path, what, TypeError(f"entry {key!r} is not a text scalar"))
    return safe_json.loads(str(entry), f"the {key!r} entry of {what} {path!r}", ModelFileError)


def _damaged(path, what, exc):
    return ModelFileError(f"cannot read {what} {path!r}: it is truncated, corrupted or not an .npz "
                          f"({type(exc).__name__}: {exc})")


def check_description(path, description):
    """The model description's format, version and architecture, checked (sizes within the memory budget)
    before any array is read or made; returns the layer sizes."""
    if not isinstance(description, dict) or description.get("format") != FORMAT:
        raise ModelFileError(f"{path!r} is not a chainrule model file (format {description.get('format')!r})"
                             if isinstance(description, dict) else f"{path!r} has a malformed description")
    version = description.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ModelFileError(f"{path!r} has model format version {version!r}, newer than this chainrule reads "
                             f"(up to {FORMAT_VERSION}); upgrade chainrule to load it")
    sizes = description.get("layer_sizes")
    if not isinstance(sizes, list) or len(sizes) < 2 or \
            not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in sizes):
        raise ModelFileError(f"model file {path!r} has an inconsistent description: layer_sizes must be a list of "
                             f"at least two whole numbers >= 1, got {str(sizes)[:200]}")
    itemsize = 4 if description.get("dtype") == "float32" else 8
    check_network(sizes, f"the network in model file {path!r}", ModelFileError, itemsize)
    return sizes


def weight_names(sizes):
    return [name for i in range(len(sizes) - 1) for name in (f"W{i}", f"b{i}")]


def check_weight_headers(path, archive, sizes):
    """Every ``W{i}``/``b{i}`` member present with the shape the layer sizes give, from the headers alone."""
    missing = [name for name in weight_names(sizes) if name not in archive]
    if missing:
        raise ModelFileError(f"model file {path!r} lacks the arrays {', '.join(missing[:10])}"
                             + (f" and {len(missing) - 10} more" if len(missing) > 10 else ""))
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        for name, shape in ((f"W{i}", (n_out, n_in)), (f"b{i}", (n_out,))):
            header = archive.header(name)
            if header.shape != shape or header.dtype.kind != "f":
                raise ModelFileError(f"model file {path!r} has an inconsistent description or weights: {name} is "
                                     f"a {header.shape} {header.dtype} array, but layer_sizes {sizes} need "
                                     f"{shape} floats")


def read_model_file(path):
    """The description dict and the weight arrays of a model file, checked; raises ``ModelFileError``.
    The description is read and checked first, then the headers of the weights, then the weights."""
    path = os.fspath(path)
    with open_npz(path) as archive:
        if DESCRIPTION_KEY not in archive:
            raise ModelFileError(f"{path!r} is not a chainrule model file (no {DESCRIPTION_KEY!r} entry; "
                                 f"it holds {', '.join(archive.names) or 'nothing'})")
        description = read_json_entry(path, {DESCRIPTION_KEY: archive.read(DESCRIPTION_KEY)}, DESCRIPTION_KEY)
        sizes = check_description(path, description)
        check_weight_headers(path, archive, sizes)
        return description, archive.read_all(weight_names(sizes))


def load_model(path):
    """The ``Network`` saved in ``path``, with the file's JSON description as ``net.description`` and its
    metadata (classes, settings, ...) as ``net.metadata``."""
    description, arrays = read_model_file(path)
    sizes = description["layer_sizes"]
    n_layers = len(sizes) - 1
    weights = ([arrays[f"W{i}"] for i in range(n_layers)], [arrays[f"b{i}"] for i in range(n_layers)])
    problem = non_finite_weights(*weights)
    if problem:
        raise ModelFileError(f"model file {path!r}: {problem}")
    try:
        activations = description.get("activation_configs", description["activations"])
        if not isinstance(activations, list) or len(activations) != n_layers:
            raise ConfigError(f"activations must be a list of {n_layers} names or configs, "
                              f"got {str(activations)[:200]}")
        seed = description.get("seed")
        net = Network(sizes, seed=seed if isinstance(seed, int) and not isinstance(seed, bool) else 0,
                      activation=[ACTIVATIONS.create(a) for a in activations[:-1]], output_activation=activations[-1],
                      loss=description.get("loss_config", description["loss"]), dtype=description["dtype"],
                      stack=description.get("layers"))
        net.set_weights(weights)
    except (ChainruleError, KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"model file {path!r} has an inconsistent description or weights: {exc}") from None
    net.description = description
    net.metadata = description.get("metadata", {})
    if not isinstance(net.metadata, dict):
        raise ModelFileError(f"model file {path!r} has an inconsistent description: metadata must be a JSON "
                             f"object, got {type(net.metadata).__name__}")
    return net


def non_finite_weights(weights, biases):
    """'layer 2 holds NaN or infinite weights (W1: 3 of 6 values)' for the first such layer, else None. The
    reader refuses such a network, so the writers refuse to write it."""
    for i, (W, b) in enumerate(zip(weights, biases)):
        for name, array in ((f"W{i}", W), (f"b{i}", b)):
            finite = np.isfinite(array)
            if not finite.all():
                return (f"layer {i + 1} holds NaN or infinite weights ({name}: {int(array.size - finite.sum()):,} "
                        f"of {array.size:,} values)")
    return None

"""Checkpoints: everything a training run needs to continue, in one file that loads without unpickling.

    history = fit(net, X, y, epochs=30, learning_rate=0.5, checkpoint="run/checkpoint.npz")
    # ... Ctrl-C, a crash, or a new process later:
    history = fit(net, X, y, epochs=30, learning_rate=0.5, resume="run/checkpoint.npz")

A checkpoint holds ``TrainingRun.state_dict()``: weights, optimizer state (velocities, Adam moments, step count),
schedule position, the network's random-generator state, the epoch (and, after Ctrl-C, the position inside
the epoch: its shuffled order and the batches done), the history so far and the callbacks' state. The resumed
run is bit-identical to one that was never interrupted.

The file is an ``.npz``: every array of the state is one ``.npy`` entry (``W0, b0, ...`` are the weights, so
``load_model`` and ``chainrule evaluate`` read a checkpoint as a model), and the nested structure is JSON in the
``chainrule_checkpoint`` entry, where an array appears as ``{"__array__": "s3"}``. Python floats go through
JSON's shortest round-trip form, so they come back bit for bit; NaN and infinities are spelled out.

Written atomically (temporary file, ``fsync``, ``os.replace``): a crash or Ctrl-C mid-write leaves the
previous checkpoint intact; a state with NaN or infinite weights or optimizer buffers is refused, not written.
Read without unpickling, within the memory budget (``chainrule.safe_npz``), and the state checked part by part
(``checkpoint_check``); a missing, truncated, corrupted, foreign or tampered file, or one from a newer format
version, raises ``ModelFileError`` naming the file and the problem.
"""
import hashlib
import math
import os

import numpy as np

from .. import safe_json
from ..errors import ConfigError, InputValueError, ModelFileError
from ..files import atomic_write
from .checkpoint_check import check_state, non_finite_state
from .model_io import DESCRIPTION_KEY as MODEL_KEY
from .model_io import check_description, read_json_entry, read_npz
from .model_io import describe

FORMAT = "chainrule-checkpoint"
FORMAT_VERSION = 1
CHECKPOINT_KEY = "chainrule_checkpoint"

#: settings that must match between the checkpoint and the run that resumes it
RESUME_SETTINGS = ("learning_rate", "batch_size", "optimizer", "schedule", "weight_decay", "early_stopping",
                   "n_train", "n_validation")


# --- nested state <-> JSON + arrays ---

def _pack(value, arrays, names):
    if isinstance(value, np.ndarray):
        key = names.get(id(value))
        if key is None:
            key = names[id(value)] = f"s{len(arrays)}"
            arrays[key] = value
        return {"__array__": key}
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise ConfigError(f"checkpoint state keys must be strings, got {key!r}")
        return {key: _pack(item, arrays, names) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_pack(item, arrays, names) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return {"__float__": repr(value)}          # 'nan', 'inf', '-inf'
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ConfigError(f"cannot store a {type(value).__name__} in a checkpoint (only numbers, text, lists, "
                      f"dicts and NumPy arrays)")


def _unpack(value, arrays, path):
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            key = value["__array__"]
            if not isinstance(key, str) or key not in arrays:
                raise ModelFileError(f"checkpoint {path!r} is damaged: its description refers to an array "
                                     f"{key!r} the file does not hold")
            return arrays[key]
        if set(value) == {"__float__"}:
            if value["__float__"] not in ("nan", "inf", "-inf"):
                raise ModelFileError(f"checkpoint {path!r} is damaged: {value!r} is not a spelled-out float "
                                     f"('nan', 'inf' or '-inf')")
            return float(value["__float__"])
        return {key: _unpack(item, arrays, path) for key, item in value.items()}
    if isinstance(value, list):
        return [_unpack(item, arrays, path) for item in value]
    return value


def data_fingerprint(X, Y):
    """A short hash of a training set (shapes, dtypes, row and column sums), to notice a resume on other data
    without hashing every byte of a large set."""
    X, Y = np.asarray(X), np.asarray(Y)
    digest = hashlib.sha256()
    for array in (X, Y):
        digest.update(f"{array.shape}{array.dtype}".encode())
        flat = array.reshape(len(array), -1)
        digest.update(np.ascontiguousarray(flat.sum(axis=1, dtype=np.float64)).tobytes())
        digest.update(np.ascontiguousarray(flat.sum(axis=0, dtype=np.float64)).tobytes())
    return digest.hexdigest()[:16]


# --- files ---

def save_checkpoint(path, state, net, settings=None, metadata=None, fingerprint=None):
    """Write ``state`` (a ``TrainingRun.state_dict()``) for ``net`` to ``path`` atomically; returns the path."""
    arrays, names = {}, {}
    for i, (W, b) in enumerate(zip(state["weights"], state["biases"])):
        for key, array in ((f"W{i}", W), (f"b{i}", b)):
            arrays[key], names[id(array)] = array, key
    description = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "epoch": int(state["epoch"]),
        "in_epoch": state.get("partial_epoch") is not None,
        "settings": _pack(settings or {}, {}, {}), "data": fingerprint,
        "metadata": _pack(metadata or {}, {}, {}), "state": _pack(state, arrays, names),
    }
    problem = non_finite_state(state)
    if problem:
        raise InputValueError(f"refusing to write checkpoint {os.fspath(path)!r}: {problem}, and resuming from it "
                              f"would be refused; the previous checkpoint there is kept as it was")
    model = describe(net, metadata)
    arrays[CHECKPOINT_KEY] = np.array(safe_json.dumps(description, "the checkpoint's state", ConfigError))
    arrays[MODEL_KEY] = np.array(safe_json.dumps(model, "the checkpoint's metadata", ConfigError))
    with atomic_write(path, suffix=".npz") as handle:
        np.savez(handle, **arrays)
    return os.fspath(path)


class Checkpoint:
    """A checkpoint read from disk: ``state`` (for ``fit(resume=...)``), ``epoch``, ``settings``, ``metadata``,
    ``model`` (the network's description), ``data`` (fingerprint of the training set) and ``path``."""

    def __init__(self, path, description, model, state):
        self.path, self.description, self.model, self.state = path, description, model, state
        self.epoch = int(description["epoch"])
        self.in_epoch = bool(description.get("in_epoch"))
        self.settings = description.get("settings") or {}
        self.metadata = description.get("metadata") or {}
        self.data = description.get("data")

    def __repr__(self):
        where = f"inside epoch {self.epoch + 1}" if self.in_epoch else f"after epoch {self.epoch}"
        return f"Checkpoint({self.path!r}, {where})"

    def check_compatible(self, net, settings=None, fingerprint=None):
        """Raise ``ConfigError`` when ``net``, the fit ``settings`` or the data differ from the checkpoint's."""
        mine = {"layer_sizes": list(net.layer_sizes), "activations": net.activation_names,
                "loss": net.loss.name, "dtype": net.dtype.name}
        if "activation_configs" in self.model:     # format 2 on: the kinds' parameters too (leaky_relu's alpha)
            mine["activation_configs"] = [layer.activation.config() for layer in net.layers]
            mine["layers"] = [layer.config() for layer in net.stack]
        theirs = {key: self.model.get(key) for key in mine}
        if mine != theirs:
            raise ConfigError(f"checkpoint {self.path!r} was saved from a network with {theirs}, but the network "
                              f"to resume has {mine}")
        for key in RESUME_SETTINGS:
            if settings is not None and key in self.settings and key in settings and \
                    _pack(settings[key], {}, {}) != self.settings[key]:
                raise ConfigError(f"checkpoint {self.path!r} was saved with {key}={self.settings[key]!r}, but this run "
                                  f"has {key}={settings[key]!r}; resume with the checkpoint's settings")
        if fingerprint is not None and self.data is not None and fingerprint != self.data:
            raise ConfigError(f"checkpoint {self.path!r} was saved training on other data (fingerprint "
                              f"{self.data}, this data {fingerprint}); resume with the same training set")


def load_checkpoint(path):
    """Read a checkpoint written by ``save_checkpoint``; raises ``ModelFileError`` naming the file and problem."""
    path = os.fspath(path)
    arrays = read_npz(path, "checkpoint")
    if CHECKPOINT_KEY not in arrays:
        if MODEL_KEY in arrays:
            raise ModelFileError(f"{path!r} is a chainrule model file, not a checkpoint: it holds the weights "
                                 f"but not the optimizer state, epoch and history needed to resume "
                                 f"(load it with load_model)")
        raise ModelFileError(f"{path!r} is not a chainrule checkpoint (no {CHECKPOINT_KEY!r} entry; it holds "
                             f"{', '.join(list(arrays)[:8]) or 'nothing'})")
    description = read_json_entry(path, arrays, CHECKPOINT_KEY, "checkpoint")
    model = read_json_entry(path, arrays, MODEL_KEY, "checkpoint") if MODEL_KEY in arrays else {}
    _check_description(path, description)
    state = _unpack(description["state"], arrays, path)
    for key in ("epoch", "weights", "biases", "rng_state", "optimizer", "schedule", "history"):
        if not isinstance(state, dict) or key not in state:
            raise ModelFileError(f"checkpoint {path!r} is damaged: its state lacks {key!r}")
    if model:
        sizes = check_description(path, model)
    elif _is_weight_list(state["weights"]):
        sizes = [state["weights"][0].shape[1]] + [W.shape[0] for W in state["weights"]]
    else:
        raise ModelFileError(f"checkpoint {path!r} is damaged: its state's weights are not a list of matrices")
    check_state(path, state, sizes)
    for key in ("settings", "metadata"):
        if not isinstance(description.get(key) or {}, dict):
            raise ModelFileError(f"checkpoint {path!r} is damaged: its {key} must be a JSON object")
    return Checkpoint(path, description, model, state)


def _is_weight_list(weights):
    return isinstance(weights, list) and weights and all(isinstance(W, np.ndarray) and W.ndim == 2 for W in weights)


def _check_description(path, description):
    if not isinstance(description, dict):
        raise ModelFileError(f"checkpoint {path!r} has a malformed description")
    if description.get("format") != FORMAT:
        raise ModelFileError(f"{path!r} is not a chainrule checkpoint (format {description.get('format')!r})")
    version = description.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version > FORMAT_VERSION:
        raise ModelFileError(f"checkpoint {path!r} has format version {version!r}, newer than this chainrule "
                             f"reads (up to {FORMAT_VERSION}); upgrade chainrule to resume from it")
    if not isinstance(description.get("state"), dict) or not isinstance(description.get("epoch"), int):
        raise ModelFileError(f"checkpoint {path!r} is damaged: its description lacks the state or the epoch")


class CheckpointSaver:
    """Saves the run to ``path`` after every ``every`` epochs, at the end, and when training is interrupted
    (Ctrl-C). ``fit(checkpoint=path)`` makes one; ``fit`` calls ``save`` itself, after every callback has had
    its say for the epoch, so the checkpoint holds everything the callbacks recorded."""

    def __init__(self, path, every=1, metadata=None):
        if isinstance(every, bool) or int(every) != every or every < 1:
            raise ConfigError(f"checkpoint_every must be a whole number of epochs >= 1, got {every!r}")
        self.path, self.every, self.metadata = os.fspath(path), int(every), metadata
        self.fingerprint = None
        self.saved = 0

    def save(self, run):
        if self.fingerprint is None:
            self.fingerprint = data_fingerprint(run.X, run.Y)
        save_checkpoint(self.path, run.state_dict(), run.net, run.history.settings, self.metadata, self.fingerprint)
        self.saved += 1
        return self.path

    def on_epoch_saved(self, run):
        """Called by ``fit`` at the end of each epoch: save every ``every`` epochs and at the last one."""
        if run.history.epochs % self.every == 0 or run.history.epochs >= run.epochs or run.stop_training:
            self.save(run)

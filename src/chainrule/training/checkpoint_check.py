"""What a checkpoint's training state must look like, checked when it is read (and, for the values, when it
is written: a state chainrule would refuse to resume from is never saved).

A checkpoint's JSON can be edited by hand and its arrays replaced; without these checks a garbage
random-generator key, a velocity of the wrong shape or a shuffled order with indices out of range would fail
deep inside NumPy in the middle of the resumed run (or, worse, train on). Each check names the part of the
state and what was expected::

    ModelFileError: checkpoint 'c.npz' is damaged: rng_state.key must be 624 whole numbers in 0..2**32-1
    (a MT19937 key), got a (3,) float64 array
"""
import numpy as np

from ..errors import ModelFileError

MT19937_KEY = 624


class _Checker:
    def __init__(self, path):
        self.path = path

    def fail(self, where, expected, value):
        raise ModelFileError(f"checkpoint {self.path!r} is damaged: {where} must be {expected}, got {_show(value)}")

    def whole(self, value, where, low=0, high=None):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low or \
                (high is not None and value > high):
            self.fail(where, f"a whole number >= {low}" + (f" and <= {high}" if high is not None else ""), value)
        return int(value)

    def number(self, value, where, positive=False):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or \
                not np.isfinite(value) or (positive and value <= 0):
            self.fail(where, "a finite number" + (" > 0" if positive else ""), value)

    def kind(self, value, types, where, expected):
        if not isinstance(value, types):
            self.fail(where, expected, value)
        return value

    def arrays(self, values, shapes, where, finite=True):
        """A list of float arrays of exactly ``shapes``."""
        self.kind(values, list, where, f"a list of {len(shapes)} arrays")
        if len(values) != len(shapes):
            self.fail(where, f"a list of {len(shapes)} arrays", values)
        for i, (array, shape) in enumerate(zip(values, shapes)):
            if not isinstance(array, np.ndarray) or array.dtype.kind != "f" or array.shape != tuple(shape):
                self.fail(f"{where}[{i}]", f"a {tuple(shape)} float array", array)
            if finite and not np.all(np.isfinite(array)):
                self.fail(f"{where}[{i}]", "finite (no NaN or infinity)", array)


def _show(value):
    if isinstance(value, np.ndarray):
        return f"a {value.shape} {value.dtype} array"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def parameter_shapes(layer_sizes):
    """The shapes of W0, b0, W1, b1, ... (the optimizer's order) for these layer sizes."""
    return [shape for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]) for shape in ((n_out, n_in), (n_out,))]


def check_state(path, state, layer_sizes):
    """Raise ``ModelFileError`` unless ``state`` (a checkpoint's unpacked training state) can be resumed by a
    network of ``layer_sizes``."""
    c = _Checker(path)
    c.kind(state, dict, "the state", "a JSON object")
    c.whole(state.get("epoch"), "epoch")
    shapes = parameter_shapes(layer_sizes)
    c.arrays(state.get("weights"), shapes[0::2], "weights")
    c.arrays(state.get("biases"), shapes[1::2], "biases")

    rng = c.kind(state.get("rng_state"), dict, "rng_state", "a JSON object (the network's MT19937 state)")
    key = rng.get("key")
    if not isinstance(key, np.ndarray) or key.shape != (MT19937_KEY,) or key.dtype.kind not in "ui" or \
            (key.size and (key.min() < 0 or key.max() > 2 ** 32 - 1)):
        c.fail("rng_state.key", f"{MT19937_KEY} whole numbers in 0..2**32-1 (a MT19937 key)", key)
    c.whole(rng.get("pos"), "rng_state.pos", 0, MT19937_KEY)
    c.whole(rng.get("has_gauss"), "rng_state.has_gauss", 0, 1)
    c.number(rng.get("cached_gaussian"), "rng_state.cached_gaussian")

    optimizer = c.kind(state.get("optimizer"), dict, "optimizer", "a JSON object (the optimizer's state)")
    c.kind(optimizer.get("name"), str, "optimizer.name", "an optimizer name")
    if "t" in optimizer:
        c.whole(optimizer["t"], "optimizer.t")
    for name, buffer in optimizer.items():
        if name not in ("name", "t") and buffer is not None:
            c.arrays(buffer, shapes, f"optimizer.{name}")

    schedule = c.kind(state.get("schedule"), dict, "schedule", "a JSON object (the schedule's state)")
    c.kind(schedule.get("name"), str, "schedule.name", "a schedule name")
    c.number(schedule.get("base_lr"), "schedule.base_lr", positive=True)
    c.whole(schedule.get("epochs"), "schedule.epochs", 1)
    for name, value in schedule.items():
        if name not in ("name", "base_lr", "epochs") and not isinstance(value, (str, type(None))):
            c.number(value, f"schedule.{name}")

    history = c.kind(state.get("history"), dict, "history", "a JSON object (the history so far)")
    for name, value in history.items():
        if name in ("metrics",):
            c.kind(value, dict, "history.metrics", "a JSON object of lists")
            for metric, series in value.items():
                c.kind(series, list, f"history.metrics.{metric}", "a list")
        elif name in ("settings",):
            c.kind(value, dict, "history.settings", "a JSON object")
        elif name not in ("stop_reason", "best_epoch", "epochs"):
            c.kind(value, list, f"history.{name}", "a list")

    partial = state.get("partial_epoch")
    if partial is not None:
        c.kind(partial, dict, "partial_epoch", "a JSON object or null")
        order = partial.get("order")
        if not isinstance(order, np.ndarray) or order.ndim != 1 or order.dtype.kind not in "ui" or \
                not np.array_equal(np.sort(order), np.arange(len(order))):
            c.fail("partial_epoch.order", "a shuffled order of the training rows (a permutation of 0..n-1)", order)
        c.whole(partial.get("next_batch"), "partial_epoch.next_batch")
        c.whole(partial.get("seen"), "partial_epoch.seen", 0, len(order))
        c.number(partial.get("total"), "partial_epoch.total")
        norm_sums = partial.get("norm_sums")
        if not isinstance(norm_sums, np.ndarray) or norm_sums.shape != (len(layer_sizes) - 1,) or \
                not np.all(np.isfinite(norm_sums)):
            c.fail("partial_epoch.norm_sums", f"{len(layer_sizes) - 1} finite numbers", norm_sums)

    callbacks = state.get("callbacks", {})
    c.kind(callbacks, dict, "callbacks", "a JSON object")
    for name, value in callbacks.items():
        c.kind(value, dict, f"callbacks.{name}", "a JSON object")


def non_finite_state(state):
    """'optimizer.m[2] holds 3 NaN or infinite values' for the first non-finite array a checkpoint would store
    in its weights or optimizer state (which ``check_state`` refuses), else None."""
    optimizer = state.get("optimizer") or {}
    parts = [("weights", state.get("weights")), ("biases", state.get("biases"))]
    parts += [(f"optimizer.{name}", value) for name, value in optimizer.items() if isinstance(value, list)]
    for where, arrays in parts:
        for i, array in enumerate(arrays or []):
            finite = np.isfinite(array)
            if not finite.all():
                return f"{where}[{i}] holds {int(finite.size - finite.sum()):,} NaN or infinite values"
    return None

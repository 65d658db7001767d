"""Putting the learner's numbers beside others: conventions undone, tolerances fitted to the learner's dtype.

``Normalizer`` turns what the learner's class returned into the guide's conventions (flat vectors, W of
shape (n_out, n_in), biases (n_out,), batches one example per row) and notes every convention it undid, so a
difference of convention alone is a note, never a failure. ``Tolerance.for_dtype`` is what "the same number"
means for float64 and float32 arithmetic. ``records_agree`` compares two records of one probe field by field:
how the mistake models are matched against the learner's code.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .records import CaseRecord, EpochRecord, LossRecord, Params, RunRecord, StepRecord, Value


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float            # relative to the largest magnitude in the array compared

    @classmethod
    def for_dtype(cls, dtype, long=False):
        """float64: 1e-7 (the same math in another order agrees to ~1e-15); float32: 2e-4 on one pass, 2e-3
        over a run of steps (float32 keeps ~7 digits, and errors add up over a step or a run)."""
        eps = float(np.finfo(np.dtype(dtype)).eps) if np.dtype(dtype).kind == "f" else float(np.finfo(np.float64).eps)
        rtol = max(1e-7, min(1e-2, 2048 * eps))
        if long and eps > 1e-10:
            rtol *= 10
        return cls(rtol, rtol)


def agree(mine, ref, tol: Tolerance) -> bool:
    """Same shape and the same numbers within ``tol``; None agrees only with None."""
    if mine is None or ref is None:
        return mine is None and ref is None
    mine, ref = np.asarray(mine, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    if mine.shape != ref.shape:
        return False
    if mine.size == 0:
        return True
    finite = np.isfinite(ref)
    if not np.array_equal(finite, np.isfinite(mine)) or not np.array_equal(mine[~finite], ref[~finite], equal_nan=True):
        return False
    scale = max(float(np.max(np.abs(ref[finite]), initial=0.0)), 1e-300)
    return bool(np.all(np.abs(mine[finite] - ref[finite]) <= tol.atol * scale + tol.rtol * np.abs(ref[finite])))


def values_agree(mine: Value, ref: Value, tol: Tolerance) -> bool:
    if mine is None or ref is None:
        return mine is ref
    if mine.kind != ref.kind:
        return False
    if mine.kind == "array":
        return agree(mine.array, ref.array, tol)
    if mine.kind == "sequence":
        return len(mine.items) == len(ref.items) and all(values_agree(a, b, tol) for a, b in zip(mine.items, ref.items))
    return mine.kind == "none" or mine.text == ref.text


def params_agree(mine: Params, ref: Params, tol: Tolerance) -> bool:
    if mine is None or ref is None:
        return mine is ref
    return len(mine.weights) == len(ref.weights) and len(mine.biases) == len(ref.biases) and \
        all(values_agree(a, b, tol) for a, b in zip(mine.weights + mine.biases, ref.weights + ref.biases))


def scalar_agree(mine, ref, tol: Tolerance) -> bool:
    if mine is None or ref is None:
        return mine is None and ref is None
    return agree(np.float64(mine), np.float64(ref), tol)


# --- the learner's conventions, undone ---

class Normalizer:
    """The guide's conventions for the records of a class that holds its numbers in ``convention``."""

    def __init__(self, convention, archs):
        self.convention = convention
        self.archs = archs
        self.notes = set()      # the conventions undone, in words

    def _array(self, value: Value, shape, transpose=False, what=""):
        """``value`` as an array of ``shape`` when it holds exactly those numbers in another convention: a matrix
        transposed if the learner's weights are (n_in, n_out); a vector (n,) held as (n, 1), (1, n) or a number."""
        if value is None or value.kind != "array":
            return value
        array = value.array
        if transpose and array.ndim == 2 and array.shape == tuple(reversed(shape)) and array.shape != tuple(shape):
            array = array.T
        elif transpose and array.ndim == 2 and array.shape == tuple(shape) == tuple(reversed(shape)) \
                and self.convention.orientation == "in_out":
            array = array.T
        vector = len(shape) == 1 or (len(shape) == 2 and 1 in shape and not transpose)
        if vector and len(shape) == 2 and array.ndim == 2:
            vector = False          # a (1, n) weight matrix given as (n, 1) is transposed, not another convention
        if vector and array.shape != tuple(shape) and array.size == int(np.prod(shape)) and \
                [d for d in array.shape if d != 1] == [d for d in shape if d != 1]:
            if what:
                form = "numbers" if array.ndim == 0 else "columns (n, 1)" if array.ndim == 2 and array.shape[-1] == 1 \
                    else "rows (1, n)" if array.ndim == 2 else f"arrays of shape {array.shape}"
                self.notes.add(f"{what} as {form}")
            array = array.reshape(shape)
        return dataclasses.replace(value, array=array)

    def _layers(self, value, shapes, transpose, what):
        if value is None or value.kind != "sequence" or len(value.items) != len(shapes):
            return value
        return dataclasses.replace(value, items=[self._vector(self._array(v, s, transpose, what), s)
                                                 for v, s in zip(value.items, shapes)])

    def _vector(self, value, shape):
        """A column (n, 1) or row (1, n) where the guide has something else, from a class that holds its vectors
        that way: a vector (n,) (a bias gradient returned in a weight gradient's place, say)."""
        if value is None or value.kind != "array" or value.array.ndim != 2 or value.array.shape == tuple(shape):
            return value
        singleton = {"column": 1, "row": 0}.get(self.convention.vector)
        if singleton is None or value.array.shape[singleton] != 1:
            return value
        return dataclasses.replace(value, array=value.array.reshape(-1))

    def weight_shapes(self, arch):
        sizes = self.archs[arch].sizes
        return [(o, i) for i, o in zip(sizes[:-1], sizes[1:])]

    def bias_shapes(self, arch):
        return [(o,) for o in self.archs[arch].sizes[1:]]

    def params(self, params: Params, arch):
        if params is None:
            return None
        transpose = self.convention.orientation == "in_out"
        ws = self.weight_shapes(arch)
        bs = self.bias_shapes(arch)
        weights = [self._array(v, s, transpose) for v, s in zip(params.weights, ws)] + params.weights[len(ws):]
        biases = [self._array(v, s, False) for v, s in zip(params.biases, bs)] + params.biases[len(bs):]
        return Params(weights, biases)

    def output(self, value, arch, rows=None):
        n_out = self.archs[arch].sizes[-1]
        shape = (rows, n_out) if rows else (n_out,)
        if value is not None and value.kind == "array" and rows and value.array.shape == (n_out, rows) and n_out != rows:
            self.notes.add("forward() of a batch returns one example per column")
            value = dataclasses.replace(value, array=value.array.T)
        return self._array(value, shape, what="" if rows else "forward() returns outputs")

    def grads(self, weight_grads, bias_grads, arch):
        transpose = self.convention.orientation == "in_out"
        return (self._layers(weight_grads, self.weight_shapes(arch), transpose, ""),
                self._layers(bias_grads, self.bias_shapes(arch), False, "backward() returns bias gradients"))

    def numerical(self, numerical, arch):
        """Central differences (taken on the learner's arrays) as (weights, biases) in the guide's shapes."""
        if numerical is None:
            return None
        weights = [self._array(Value("array", array=a), s, self.convention.orientation == "in_out").array
                   for a, s in zip(numerical.weights, self.weight_shapes(arch))]
        biases = [self._array(Value("array", array=a), s).array for a, s in zip(numerical.biases, self.bias_shapes(arch))]
        return weights, biases

    def record(self, record, spec):
        """A copy of a probe's record in the guide's conventions."""
        if isinstance(record, CaseRecord):
            example = spec.examples[record.example]
            arch = example.arch
            wg, bg = self.grads(record.weight_grads, record.bias_grads, arch)
            return dataclasses.replace(record, start=self.params(record.start, arch), weight_grads=wg, bias_grads=bg,
                                       output=self.output(record.output, arch, len(example.x) if example.batch else None))
        if isinstance(record, StepRecord):
            arch = spec.steps[record.step].arch
            wg, bg = self.grads(record.own_weight_grads, record.own_bias_grads, arch)
            return dataclasses.replace(record, start=self.params(record.start, arch), own_weight_grads=wg,
                                       own_bias_grads=bg, after=self.params(record.after, arch))
        if isinstance(record, RunRecord):
            arch = spec.runs[record.run].arch
            return dataclasses.replace(record, start=self.params(record.start, arch), after=self.params(record.after, arch))
        if isinstance(record, EpochRecord):
            arch = spec.epochs[record.run].arch
            epochs = [dataclasses.replace(e, after=self.params(e.after, arch)) for e in record.epochs]
            return dataclasses.replace(record, start=self.params(record.start, arch), epochs=epochs)
        if hasattr(record, "params") and hasattr(record, "arch"):
            return dataclasses.replace(record, params=self.params(record.params, record.arch))
        return record


# --- two records of one probe ---

def errors_agree(mine, other) -> bool:
    if (mine.error is None) != (other.error is None):
        return False
    if mine.error is None:
        return True
    return mine.error.type == other.error.type and mine.stage == other.stage


def _loss_agree(mine, other, tol):
    """A returned loss: one number, whether as a float, a 0-d array or an array of one element."""
    if mine is not None and other is not None and mine.kind == other.kind == "array" and \
            mine.array.size == other.array.size == 1:
        return scalar_agree(float(mine.array.reshape(-1)[0]), float(other.array.reshape(-1)[0]), tol)
    return values_agree(mine, other, tol)


def _returns_nothing(value):
    """train_step or train_epoch returning None (no loss): a choice judged on its own, not a different number."""
    return value is not None and value.kind == "none"


def records_agree(mine, other, tol: Tolerance, long_tol: Tolerance):
    """(True, "") when ``other`` (a model's record) has the learner's numbers; else (False, the first field
    that differs)."""
    if not errors_agree(mine, other):
        return False, "error"
    if isinstance(mine, CaseRecord):
        checks = [("output", values_agree(mine.output, other.output, tol)),
                  ("loss", scalar_agree(mine.loss, other.loss, tol)),
                  ("weight_grads", values_agree(mine.weight_grads, other.weight_grads, tol)),
                  ("bias_grads", values_agree(mine.bias_grads, other.bias_grads, tol)),
                  ("returned", values_agree(mine.returned, other.returned, tol))]
    elif isinstance(mine, StepRecord):
        checks = [("own_weight_grads", values_agree(mine.own_weight_grads, other.own_weight_grads, tol)),
                  ("own_bias_grads", values_agree(mine.own_bias_grads, other.own_bias_grads, tol)),
                  ("returned", _returns_nothing(mine.returned) or _loss_agree(mine.returned, other.returned, tol)),
                  ("after", params_agree(mine.after, other.after, long_tol))]
    elif isinstance(mine, RunRecord):
        checks = [("returned", len(mine.returned) == len(other.returned) and all(
                      len(a) == len(b) and all(x is None or scalar_agree(x, y, long_tol) for x, y in zip(a, b))
                      for a, b in zip(mine.returned, other.returned))),
                  ("after", params_agree(mine.after, other.after, long_tol))]
    elif isinstance(mine, EpochRecord):
        checks = [("epochs", len(mine.epochs) == len(other.epochs))]
        for e, (a, b) in enumerate(zip(mine.epochs, other.epochs)):
            checks += [(f"epoch {e + 1} order", not a.pairs or [list(p) for p in a.pairs] == [list(p) for p in b.pairs]),
                       (f"epoch {e + 1} loss", _returns_nothing(a.returned) or _loss_agree(a.returned, b.returned, long_tol)),
                       (f"epoch {e + 1} weights", params_agree(a.after, b.after, long_tol))]
    elif isinstance(mine, LossRecord):
        checks = [("values", len(mine.values) == len(other.values)
                   and all(scalar_agree(a, b, tol) for a, b in zip(mine.values, other.values)))]
    else:
        checks = []
    for name, ok in checks:
        if not ok:
            return False, name
    return True, ""

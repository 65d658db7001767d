"""The learner's file and class, as the probes see them.

``load_module`` runs the learner's file (by default only its imports, functions, classes and constants, so a
training script at the bottom is skipped); ``find_class`` picks the class with the guide's API; a ``Subject``
wraps any such class (the learner's, or one of chainrule's mistake models) with what the probes need: how to
build a network, where its parameters are, which conventions it follows (the guide's flat vectors or
Nielsen's columns, W as (n_out, n_in) or (n_in, n_out)), its loss and its train_epoch.
"""
from __future__ import annotations

import ast
import builtins
import os
import sys
import traceback
import types

import numpy as np

from .records import Convention, ErrorInfo, Params, Value

MODULE_NAME = "__chainrule_check__"


class LearnerAPIError(Exception):
    """The learner's class does not keep a promise of the guide's API; ``kind`` names which (texts.API)."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


# --- loading the learner's file ---

def _bound_names(node):
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Try):
        return set().union(*(_bound_names(sub) for sub in node.body))
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    return {sub.id for target in targets if target is not None for sub in ast.walk(target) if isinstance(sub, ast.Name)}


def _is_definition(node, bound):
    """Kept when only definitions run: imports, functions, classes, docstrings, and constants
    (assignments that call nothing and use only names already defined)."""
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return True
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        if node.value is None:
            return True
        used = {sub.id for sub in ast.walk(node.value) if isinstance(sub, ast.Name)}
        calls = any(isinstance(sub, ast.Call) for sub in ast.walk(node.value))
        return not calls and used <= bound | set(dir(builtins))
    if isinstance(node, ast.Try):
        return all(isinstance(sub, (ast.Import, ast.ImportFrom, ast.Pass)) for sub in node.body)
    return False


def load_module(path, whole_file=False):
    """Run the learner's file as a module named ``__chainrule_check__`` (so ``if __name__ == "__main__":``
    never runs). Returns (module, skipped line ranges)."""
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    tree = ast.parse(source, filename=path)
    skipped = []
    if not whole_file:
        kept, bound = [], set()
        for node in tree.body:
            if _is_definition(node, bound):
                kept.append(node)
                bound |= _bound_names(node)
            else:
                skipped.append((node.lineno, getattr(node, "end_lineno", node.lineno)))
        tree.body = kept
    module = types.ModuleType(MODULE_NAME)
    module.__file__ = os.path.abspath(path)
    sys.modules[MODULE_NAME] = module
    exec(compile(tree, os.path.abspath(path), "exec"), module.__dict__)
    return module, _merge_ranges(skipped)


def _merge_ranges(ranges):
    merged = []
    for first, last in ranges:
        if merged and first <= merged[-1][1] + 2:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return merged


def find_class(namespace, class_name=None, module_name=MODULE_NAME):
    """(class or None, candidate names, all class names): ``class_name`` if given, else the class of the
    file with ``forward`` and ``backward``, preferring one named ``Network``."""
    classes = {name: obj for name, obj in namespace.items()
               if isinstance(obj, type) and getattr(obj, "__module__", None) == module_name}
    if class_name is not None:
        obj = namespace.get(class_name)
        return (obj if isinstance(obj, type) else None), [class_name], sorted(classes)
    candidates = [name for name, obj in classes.items()
                  if callable(getattr(obj, "forward", None)) and callable(getattr(obj, "backward", None))]
    if not candidates:
        return None, [], sorted(classes)
    chosen = "Network" if "Network" in candidates else candidates[0]
    return classes[chosen], candidates, sorted(classes)


def describe_exception(exc, path) -> ErrorInfo:
    """The learner's exception: type, message and the last line of their own file in the traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    path = os.path.abspath(path) if path else None
    mine = [f for f in frames if path and os.path.abspath(f.filename) == path]
    info = ErrorInfo(type=type(exc).__name__, message=str(exc)[:500], api=getattr(exc, "kind", "")
                     if isinstance(exc, LearnerAPIError) else "")
    if mine:
        frame = mine[-1]
        info.line, info.source, info.function = frame.lineno, (frame.line or "").strip(), frame.name
    elif isinstance(exc, SyntaxError) and exc.lineno:
        info.message, info.line, info.source, info.function = exc.msg, exc.lineno, (exc.text or "").strip(), "<module>"
    return info


# --- the class being checked ---

def guide_mse(predictions, targets):
    return np.mean((predictions - targets) ** 2)


class Subject:
    """A class with the guide's API, and everything the probes need to drive it."""

    def __init__(self, cls, namespace=None):
        namespace = namespace or {}
        self.cls = cls
        loss = namespace.get("mse_loss")
        self.own_loss = callable(loss)
        self.loss = loss if self.own_loss else guide_mse
        self.loss_name = getattr(self.loss, "__name__", "mse_loss")
        self.has_train_step = callable(getattr(cls, "train_step", None))
        self.epoch_function = None
        if callable(getattr(cls, "train_epoch", None)):
            self.train_epoch_kind = "method"
        elif callable(namespace.get("train_epoch")):
            self.train_epoch_kind = "function"
            self.epoch_function = namespace["train_epoch"]
        else:
            self.train_epoch_kind = ""
        self.convention = None          # found on the first network built
        self._ctor = None

    # building networks
    def make(self, sizes, seed):
        """Network(layer_sizes, seed=seed), falling back to a positional seed, then to no seed."""
        attempts = [("seed=", lambda: self.cls(list(sizes), seed=seed)),
                    ("positional", lambda: self.cls(list(sizes), seed)),
                    ("no seed", lambda: self.cls(list(sizes)))]
        if self._ctor is not None:
            attempts = [a for a in attempts if a[0] == self._ctor]
        last = None
        for name, attempt in attempts:
            try:
                net = attempt()
            except TypeError as exc:
                if self._ctor is not None or not _call_mismatch(exc):
                    raise
                last = exc
                continue
            self._ctor = name
            self.params(net, sizes)
            return net
        raise last

    # where the parameters are
    def params(self, net, sizes=None):
        """The network's live lists (weights, biases): the guide's ``weights``/``biases``, or the lists of
        arrays shaped like them under other names. The first call fixes the conventions."""
        if self.convention is not None:
            weights = getattr(net, self.convention.weights_attr, None)
            biases = getattr(net, self.convention.biases_attr, None)
            if _array_list(weights) and _array_list(biases):
                return weights, biases
            if sizes is None:
                raise LearnerAPIError("params_replaced",
                                      f"self.{self.convention.weights_attr} and self.{self.convention.biases_attr} "
                                      f"are no longer lists of arrays")
        names = _find_param_lists(net, sizes)
        if names is None:
            raise LearnerAPIError("no_param_lists",
                                  "your Network keeps no list of weight arrays: the guide's self.weights holds one "
                                  "array per layer, W of shape (n_out, n_in), and self.biases one b of shape "
                                  "(n_out,)")
        weights, biases = getattr(net, names[0]), getattr(net, names[1])
        if self.convention is None and sizes is not None:
            self.convention = _conventions(weights, biases, sizes, names, self._ctor or "seed=")
        return weights, biases

    def snapshot(self, net) -> Params:
        weights, biases = self.params(net)
        return Params([Value.of(np.array(W, copy=True)) for W in weights], [Value.of(np.array(b, copy=True)) for b in biases])

    # inputs in the learner's convention
    @property
    def input_dtype(self):
        dtype = np.dtype(self.convention.dtype) if self.convention else np.dtype(np.float64)
        return dtype if dtype.kind == "f" else np.dtype(np.float64)

    def vector(self, values, vector=None):
        v = np.array(values, dtype=self.input_dtype)
        vector = vector or (self.convention.vector if self.convention else "flat")
        return v.reshape(-1, 1) if vector == "column" else v.reshape(1, -1) if vector == "row" else v

    def batch(self, rows):
        X = np.array(rows, dtype=self.input_dtype)
        return X.T.copy() if self.convention and self.convention.vector == "column" else X

    def train_epoch(self, net, X, Y, learning_rate, batch_size):
        if self.train_epoch_kind == "method":
            return net.train_epoch(X, Y, learning_rate, batch_size)
        return self.epoch_function(net, X, Y, learning_rate, batch_size)


def _call_mismatch(exc):
    """A TypeError from calling __init__ with arguments it does not take (not one raised inside it)."""
    frames = traceback.extract_tb(exc.__traceback__)
    return not frames or os.path.abspath(frames[-1].filename) == os.path.abspath(__file__)


def _array_list(value):
    return isinstance(value, (list, tuple)) and len(value) > 0 and all(isinstance(v, np.ndarray) for v in value)


def _find_param_lists(net, sizes):
    """(weights attribute, biases attribute): the guide's names, or lists of arrays shaped like them."""
    attrs = vars(net) if hasattr(net, "__dict__") else {}
    if _array_list(attrs.get("weights", getattr(net, "weights", None))) and \
            _array_list(attrs.get("biases", getattr(net, "biases", None))):
        return "weights", "biases"
    if sizes is None:
        return None
    pairs = list(zip(sizes[:-1], sizes[1:]))
    weights = biases = None
    for name, value in attrs.items():
        if not _array_list(value) or len(value) != len(pairs):
            continue
        shapes = [np.shape(v) for v in value]
        if weights is None and all(s in ((o, i), (i, o)) for s, (i, o) in zip(shapes, pairs)):
            weights = name
        elif biases is None and all(np.size(v) == o for v, (_, o) in zip(value, pairs)):
            biases = name
    return (weights, biases) if weights and biases else None


def _conventions(weights, biases, sizes, names, ctor):
    pairs = list(zip(sizes[:-1], sizes[1:]))
    orientation = "out_in"
    for W, (n_in, n_out) in zip(weights, pairs):
        if n_in != n_out and np.shape(W) == (n_in, n_out):
            orientation = "in_out"
            break
        if n_in != n_out:
            break
    b_shape = np.shape(biases[0])
    vector = "column" if len(b_shape) == 2 and b_shape[1] == 1 else "row" if len(b_shape) == 2 and b_shape[0] == 1 \
        else "flat"
    return Convention(vector=vector, orientation=orientation, weights_attr=names[0], biases_attr=names[1],
                      dtype=np.asarray(weights[0]).dtype.name, ctor=ctor)

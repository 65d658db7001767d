"""The side of ``chainrule check`` that runs the learner's code.

It runs in a child process (``python worker.py SPEC RESULTS PRINTED``), or in-process for a class
defined in a notebook. It imports nothing from chainrule: it loads the learner's file, finds
their Network class, calls it on the cases of the spec and records what comes back, one
JSON line per probe. All judging happens in the parent (``analysis.py``).

Each probe records what the learner's code printed, and any exception with the line of
their file it came from. A probe that runs longer than its time limit is stopped
(SIGALRM, in the main thread) and recorded as timed out.
"""
import ast
import builtins
import contextlib
import io
import json
import math
import os
import signal
import sys
import threading
import time
import traceback
import types

import numpy as np

MODULE_NAME = "__chainrule_check__"
PRINT_LIMIT = 20000

# --- loading the learner's file ---


def _bound_names(node):
    """Names a kept statement binds at the top level."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Try):
        return set().union(*(_bound_names(sub) for sub in node.body))
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    return {sub.id for target in targets if target is not None
            for sub in ast.walk(target) if isinstance(sub, ast.Name)}


def _is_definition(node, bound):
    """Top-level statements kept when only definitions are run: imports, functions, classes,
    docstrings, and constants (assignments that call nothing and use only names already defined)."""
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
    """Execute the learner's file as a module named ``__chainrule_check__`` (so an
    ``if __name__ == "__main__":`` block never runs). Unless ``whole_file``, the top-level
    script statements are skipped; returns (module, list of skipped (first, last) line ranges)."""
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
    code = compile(tree, os.path.abspath(path), "exec")
    exec(code, module.__dict__)
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
    """The learner's network class: ``class_name`` if given, else the class defined in their
    file with ``forward`` and ``backward`` (preferring one named ``Network``).
    Returns (class or None, candidate names, all class names)."""
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


# --- turning what the learner returns into JSON ---


def encode(value):
    """Arrays (or lists of arrays) as nested lists with their shapes; anything else by repr."""
    if isinstance(value, (list, tuple)) and value and all(_array_like(v) for v in value) \
            and not all(np.isscalar(v) for v in value):
        return {"list": [encode(v) for v in value]}
    if _array_like(value):
        try:
            array = np.asarray(value, dtype=np.float64)
            return {"array": array.tolist(), "shape": list(array.shape)}
        except (TypeError, ValueError):
            pass
    text = repr(value)
    return {"repr": text if len(text) < 300 else text[:300] + "..."}


def _array_like(value):
    return isinstance(value, (np.ndarray, np.number, float, int, list, tuple)) and not isinstance(value, bool)


def describe_exception(exc, path):
    """Type, message and the last line of the learner's own file in the traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    path = os.path.abspath(path) if path else None
    mine = [f for f in frames if path and os.path.abspath(f.filename) == path]
    info = {"type": type(exc).__name__, "message": str(exc)[:500]}
    if mine:
        frame = mine[-1]
        info.update(line=frame.lineno, source=(frame.line or "").strip(), function=frame.name)
    elif isinstance(exc, SyntaxError) and exc.lineno:
        info.update(message=exc.msg, line=exc.lineno, source=(exc.text or "").strip(), function="<module>")
    return info


# --- time limits and captured printing ---


class ProbeTimeout(BaseException):
    """Raised inside the learner's code when a probe runs past its time limit."""


class CappedText(io.TextIOBase):
    """A text stream that keeps the first PRINT_LIMIT characters of each probe, counts the rest,
    and copies what it keeps to ``sink`` (a file the parent reads if the process dies)."""

    def __init__(self, sink=None):
        self.sink = sink
        self.parts = []
        self.kept = 0
        self.total = 0

    def writable(self):
        return True

    def write(self, text):
        self.total += len(text)
        room = PRINT_LIMIT - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
            if self.sink is not None:
                self.sink.write(text[:room])
                self.sink.flush()
        return len(text)

    def take(self):
        text, total = "".join(self.parts), self.total
        self.parts, self.kept, self.total = [], 0, 0
        return {"text": text, "chars": total} if total else None


class Probe:
    """Runs pieces of learner code with a time limit and captured printing."""

    def __init__(self, path, time_limit, sink=None):
        self.path = path
        self.time_limit = time_limit
        self.captured = CappedText(sink)
        self.use_alarm = (time_limit and hasattr(signal, "setitimer")
                          and threading.current_thread() is threading.main_thread())

    @contextlib.contextmanager
    def limits(self, record):
        def on_alarm(signum, frame):
            raise ProbeTimeout()

        previous = None
        if self.use_alarm:
            previous = signal.signal(signal.SIGALRM, on_alarm)
            signal.setitimer(signal.ITIMER_REAL, self.time_limit)
        start = time.perf_counter()
        try:
            with contextlib.redirect_stdout(self.captured), contextlib.redirect_stderr(self.captured):
                yield
        except ProbeTimeout:
            record["timeout"] = self.time_limit
        except (Exception, SystemExit) as exc:  # the learner's bug is the finding, not a crash of the check
            record["error"] = describe_exception(exc, self.path)
        finally:
            if self.use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
            record["seconds"] = round(time.perf_counter() - start, 4)
            printed = self.captured.take()
            if printed:
                record["printed"] = printed


# --- the probes ---


def guide_mse(predictions, targets):
    return np.mean((predictions - targets) ** 2)


class Learner:
    """The learner's class and the module-level helpers found beside it."""

    def __init__(self, cls, namespace):
        self.cls = cls
        loss = namespace.get("mse_loss")
        self.loss = loss if callable(loss) else guide_mse
        self.own_loss = callable(loss)
        self.has_train_step = callable(getattr(cls, "train_step", None))
        epoch = getattr(cls, "train_epoch", None)
        if callable(epoch):
            self.train_epoch_kind = "method"
        elif callable(namespace.get("train_epoch")):
            self.train_epoch_kind = "function"
            self.train_epoch_function = namespace["train_epoch"]
        else:
            self.train_epoch_kind = None
        self.ctor = None

    def make(self, sizes, seed):
        """Network(layer_sizes, seed=seed), falling back to positional and to no seed."""
        attempts = [("seed=", lambda: self.cls(list(sizes), seed=seed)),
                    ("positional", lambda: self.cls(list(sizes), seed)),
                    ("no seed", lambda: self.cls(list(sizes)))]
        if self.ctor is not None:
            attempts = [a for a in attempts if a[0] == self.ctor]
        last = None
        for name, attempt in attempts:
            try:
                net = attempt()
            except TypeError as exc:
                last = exc
                continue
            self.ctor = name
            return net
        raise last

    def train_epoch(self, net, X, Y, learning_rate, batch_size):
        if self.train_epoch_kind == "method":
            return net.train_epoch(X, Y, learning_rate, batch_size)
        return self.train_epoch_function(net, X, Y, learning_rate, batch_size)


class LearnerAPIError(Exception):
    """The learner's class does not follow the guide's API (attribute names, return values)."""


def params(net):
    for name in ("weights", "biases"):
        if not isinstance(getattr(net, name, None), (list, tuple)):
            raise LearnerAPIError(f"your Network has no list self.{name}; the guide keeps one array per layer in "
                                  f"self.weights (W of shape (n_out, n_in)) and self.biases")
    return [np.array(W, dtype=np.float64) for W in net.weights], [np.array(b, dtype=np.float64) for b in net.biases]


def numerical_gradients(net, learner, x, target, epsilon=1e-5):
    """Central differences of the learner's own loss, perturbing their own weight arrays in place."""
    result = []
    for group in (net.weights, net.biases):
        grads = []
        for param in group:
            grad = np.zeros(np.shape(param))
            for index in np.ndindex(grad.shape):
                original = param[index]
                param[index] = original + epsilon
                plus = float(learner.loss(net.forward(np.array(x)), np.array(target)))
                param[index] = original - epsilon
                minus = float(learner.loss(net.forward(np.array(x)), np.array(target)))
                param[index] = original
                grad[index] = (plus - minus) / (2 * epsilon)
            grads.append(grad)
        result.append(grads)
    return result


def probe_init(learner, arch):
    net = learner.make(arch["sizes"], arch["seed"])
    W, b = params(net)
    again = learner.make(arch["sizes"], arch["seed"])
    W2, b2 = params(again)
    same = len(W) == len(W2) and all(np.array_equal(p, q) for p, q in zip(W + b, W2 + b2))
    return {"weights": encode(W), "biases": encode(b), "repeatable": same, "ctor": learner.ctor}


def list_lengths(net):
    return {name: len(value) for name, value in vars(net).items()
            if isinstance(value, list) and name not in ("weights", "biases")}


def gradients_returned(grads):
    """The guide's backward() returns (weight_grads, bias_grads)."""
    if not isinstance(grads, (tuple, list)) or len(grads) != 2:
        text = repr(grads)
        raise LearnerAPIError(f"backward() returned {text[:80]}{'...' if len(text) > 80 else ''}; the guide's "
                              f"backward(target) returns (weight_grads, bias_grads), two lists")
    return grads


def probe_case(learner, arch, case, record):
    net = learner.make(arch["sizes"], arch["seed"])
    x, target = np.array(case["x"]), np.array(case["target"])
    W, b = params(net)
    record["weights"], record["biases"] = encode(W), encode(b)
    before = sorted(vars(net))
    record["stage"] = "forward"
    if case.get("decoy") is not None:
        net.forward(np.array(case["decoy"]))
        record["lists_after_first_forward"] = list_lengths(net)
    output = net.forward(x.copy())
    record["output"] = encode(output)
    record["attributes_before"] = before
    record["attributes_after"] = sorted(vars(net))
    record["lists_after_second_forward"] = list_lengths(net)
    record["stage"] = "loss"
    record["loss"] = float(learner.loss(np.asarray(output, dtype=np.float64), target))
    record["stage"] = "backward"
    weight_grads, bias_grads = gradients_returned(net.backward(target.copy()))
    record["weight_grads"], record["bias_grads"] = encode(list(weight_grads)), encode(list(bias_grads))
    record["stage"] = "numerical"
    numerical_w, numerical_b = numerical_gradients(net, learner, x, target)
    record["numerical_weight_grads"], record["numerical_bias_grads"] = encode(numerical_w), encode(numerical_b)
    record["stage"] = "done"


def probe_step(learner, arch, step, record):
    """One update: the learner's own gradients first, then train_step (or a one-example train_epoch)."""
    x, target, lr = np.array(step["x"]), np.array(step["target"]), step["learning_rate"]
    net = learner.make(arch["sizes"], arch["seed"])
    record["stage"] = "backward"
    net.forward(x.copy())
    weight_grads, bias_grads = gradients_returned(net.backward(target.copy()))
    record["own_weight_grads"], record["own_bias_grads"] = encode(list(weight_grads)), encode(list(bias_grads))
    net = learner.make(arch["sizes"], arch["seed"])
    W, b = params(net)
    record["weights_before"], record["biases_before"] = encode(W), encode(b)
    if learner.has_train_step:
        record["stage"] = "train_step"
        record["how"] = "train_step"
        record["returned"] = encode(net.train_step(x.copy(), target.copy(), lr))
    else:
        record["stage"] = "train_epoch"
        record["how"] = "train_epoch"
        record["returned"] = encode(learner.train_epoch(net, x[None, :].copy(), target[None, :].copy(), lr, 1))
    W, b = params(net)
    record["weights_after"], record["biases_after"] = encode(W), encode(b)
    record["stage"] = "done"


def probe_run(learner, arch, run, record):
    """A short training run: ``passes`` passes of train_step over the examples, in order."""
    X, Y, lr = np.array(run["X"]), np.array(run["Y"]), run["learning_rate"]
    net = learner.make(arch["sizes"], arch["seed"])
    W, b = params(net)
    record["weights_before"], record["biases_before"] = encode(W), encode(b)
    losses = []
    record["stage"] = "train_step"
    for _ in range(run["passes"]):
        losses.append([])
        for i in range(len(X)):
            loss_before = float(learner.loss(np.asarray(net.forward(X[i].copy()), dtype=float), Y[i]))
            returned = net.train_step(X[i].copy(), Y[i].copy(), lr)
            try:
                losses[-1].append(float(np.asarray(returned, dtype=float)) if returned is not None else None)
            except (TypeError, ValueError):
                losses[-1][-1:] = [None]
            if losses[-1][-1] is None:  # train_step returns no loss: use the loss before the step
                losses[-1][-1] = loss_before
                record["returns_loss"] = False
        if not all(math.isfinite(v) for v in losses[-1]):
            break
    record["losses"] = losses
    W, b = params(net)
    record["weights_after"], record["biases_after"] = encode(W), encode(b)
    record["stage"] = "done"


def probe_epochs(learner, arch, run, record):
    """Epochs of train_epoch, watching which examples forward() sees, in which order."""
    X, Y, lr = np.array(run["X"]), np.array(run["Y"]), run["learning_rate"]
    net = learner.make(arch["sizes"], arch["seed"])
    W, b = params(net)
    record["weights_before"], record["biases_before"] = encode(W), encode(b)
    lookup = {np.asarray(row, dtype=np.float64).tobytes(): i for i, row in enumerate(X)}
    seen = []
    original_forward = net.forward

    def watching_forward(x, *args, **kwargs):
        rows = np.asarray(x, dtype=np.float64)
        for row in (rows if rows.ndim == 2 else [rows]):
            seen.append(lookup.get(np.asarray(row, dtype=np.float64).tobytes(), -1))
        return original_forward(x, *args, **kwargs)

    net.forward = watching_forward
    record["stage"] = "train_epoch"
    returned, orders, weights_after, biases_after = [], [], [], []
    for _ in range(run["epochs"]):
        seen.clear()
        returned.append(encode(learner.train_epoch(net, X.copy(), Y.copy(), lr, run["batch_size"])))
        orders.append(list(seen))
        W, b = params(net)
        weights_after.append(encode(W))
        biases_after.append(encode(b))
        record.update(returned=returned, orders=orders, weights_after=weights_after, biases_after=biases_after)
    record["stage"] = "done"


def probe_loss(learner, pairs, record):
    record["values"] = [float(learner.loss(np.array(p), np.array(t))) for p, t in pairs]


# --- the whole run ---


def run_probes(spec, emit, module=None, cls=None, sink=None):
    """Load (unless ``cls`` is given), then run every probe of ``spec``; ``emit(record)`` each.
    A probe that times out ends the run: code that hung once will hang again."""
    path = spec.get("path")
    probe = Probe(path, spec.get("probe_timeout", 10.0), sink)
    record = {"probe": "load"}
    emit({"probe": "started", "name": "load"})
    if cls is None:
        with probe.limits(record):
            module, skipped = load_module(path, spec.get("whole_file", False))
            record["skipped"] = skipped
        if "error" in record or "timeout" in record:
            emit(record)
            return
        namespace, module_name = module.__dict__, MODULE_NAME
    else:
        namespace = dict(vars(module)) if module is not None else {}
        namespace.setdefault(cls.__name__, cls)
        module_name = cls.__module__
    found, candidates, classes = find_class(namespace, spec.get("class_name"), module_name)
    if cls is not None:
        found, candidates = cls, [cls.__name__]
    record.update(candidates=candidates, classes=classes)
    if found is None:
        emit(record)
        return
    learner = Learner(found, namespace)
    record.update(class_name=found.__name__, own_loss=learner.own_loss, train_step=learner.has_train_step,
                  train_epoch=learner.train_epoch_kind,
                  loss_name=getattr(learner.loss, "__name__", "mse_loss"))
    emit(record)

    jobs = [("init", i, lambda rec, i=i: rec.update(probe_init(learner, spec["archs"][i])))
            for i in range(len(spec["archs"]))]
    if learner.own_loss:
        jobs.append(("loss", 0, lambda rec: probe_loss(learner, spec["loss_pairs"], rec)))
    jobs += [("case", i, lambda rec, c=c: probe_case(learner, spec["archs"][c["arch"]], c, rec))
             for i, c in enumerate(spec["cases"])]
    if learner.has_train_step or learner.train_epoch_kind:
        jobs += [("step", i, lambda rec, s=s: probe_step(learner, spec["archs"][s["arch"]], s, rec))
                 for i, s in enumerate(spec["steps"])]
    if learner.has_train_step:
        jobs += [("run", i, lambda rec, r=r: probe_run(learner, spec["archs"][r["arch"]], r, rec))
                 for i, r in enumerate(spec["runs"])]
    if learner.train_epoch_kind:
        jobs += [("epochs", i, lambda rec, r=r: probe_epochs(learner, spec["archs"][r["arch"]], r, rec))
                 for i, r in enumerate(spec["epoch_runs"])]
    for name, index, job in jobs:
        emit({"probe": "started", "name": name, "index": index})
        record = {"probe": name, "index": index}
        with probe.limits(record):
            job(record)
        emit(record)
        if "timeout" in record:
            break


def main(argv):
    spec_path, results_path, printed_path = argv[1], argv[2], argv[3]
    with open(spec_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    path = spec["path"]
    sys.path[0] = os.path.dirname(os.path.abspath(path))  # the learner's own imports, not ours
    os.environ.setdefault("MPLBACKEND", "Agg")
    with open(results_path, "a", encoding="utf-8") as out, open(printed_path, "w", encoding="utf-8") as sink:
        def emit(record):
            out.write(json.dumps(record) + "\n")
            out.flush()
        run_probes(spec, emit, sink=sink)
        emit({"probe": "finished"})
        out.flush()
    os._exit(0)  # the learner's atexit handlers and threads are not ours to wait for


if __name__ == "__main__":
    main(sys.argv)

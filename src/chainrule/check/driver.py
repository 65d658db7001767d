"""The probes: every call chainrule makes into a class with the guide's API, and what it records.

The same ``Driver`` runs on the learner's class (in the sandboxed worker) and on chainrule's mistake models
(in the analysis, without finite differences or tracing), so both produce the same records from the same
calls: a probe and the numbers it records are written once, here. Reading what the learner's code returned is
in returned.py, matching the rows train_epoch() passes on in rows.py, the finite differences in numerical.py.
"""
from __future__ import annotations

import contextlib

import numpy as np

from .learner import LearnerAPIError
from .numerical import numerical_gradients
from .records import (CaseRecord, EpochRecord, IndependenceRecord, InitRecord, LabRecord, LossRecord, RunRecord,
                      StepRecord, Value)
from .returned import equal_params, list_lengths, saved_lists, scalar, split_gradients
from .rows import RowLookup, epoch_outcome
from .tracer import Tracer


class Driver:
    """The probes of a spec, on one subject (the learner's class, or a model of it)."""

    def __init__(self, subject, spec, path=None, numerical=True, trace=True):
        self.subject, self.spec, self.path = subject, spec, path
        self.numerical, self.trace = numerical, trace and path is not None
        self.vector_checked = False

    def arch(self, k):
        return self.spec.archs[k]

    def make(self, k, record=None):
        arch = self.arch(k)
        if record is not None:
            record.stage = "make"
        return self.subject.make(arch.sizes, arch.seed)

    def traced(self, fn, *args, record=None, net=None):
        if not self.trace:
            return fn(*args)
        tracer = Tracer(self.path, watch=(lambda: self._param_arrays(net)) if net is not None else None)
        try:
            return tracer.run(fn, *args)
        finally:
            record.trace = tracer.events

    def _param_arrays(self, net):
        weights, biases = self.subject.params(net)
        arrays = {f"self.{self.subject.convention.weights_attr}[{i}]": W for i, W in enumerate(weights)}
        arrays.update({f"self.{self.subject.convention.biases_attr}[{i}]": b for i, b in enumerate(biases)})
        return {k: v for k, v in arrays.items() if isinstance(v, np.ndarray)}

    def skip(self):
        c = self.subject.convention
        return (c.weights_attr, c.biases_attr) if c else ("weights", "biases")

    # initial weights: repeatable, seeded, one set of lists per network
    def init(self, k, record: InitRecord):
        record.arch = k
        arch = self.arch(k)
        record.stage = "make"
        if k == 0 and self.trace:
            net = self.traced(self.subject.make, arch.sizes, arch.seed, record=record)
        else:
            net = self.subject.make(arch.sizes, arch.seed)
        record.convention = self.subject.convention
        record.params = self.subject.snapshot(net)
        record.n_arrays.append(len(self.subject.params(net)[0]))
        again = self.subject.make(arch.sizes, arch.seed)
        record.n_arrays.append(len(self.subject.params(again)[0]))
        record.same_seed_equal = equal_params(record.params, self.subject.snapshot(again))
        other = self.subject.make(arch.sizes, arch.seed + 1)
        record.n_arrays.append(len(self.subject.params(other)[0]))
        record.other_seed_equal = equal_params(record.params, self.subject.snapshot(other))
        record.stage = "done"

    # two networks must not share their parameters
    def independence(self, record: IndependenceRecord):
        k = record.arch = self.spec.independence_arch
        net_a, net_b = self.make(k, record), self.make(k, record)
        wa, ba = self.subject.params(net_a)
        wb, bb = self.subject.params(net_b)
        record.same_lists = wa is wb or ba is bb
        record.shared_arrays = any(np.shares_memory(p, q) for p in list(wa) + list(ba) for q in list(wb) + list(bb))
        before = self.subject.snapshot(net_b)
        step = self.spec.steps[k]
        x, t = self.subject.vector(step.x), self.subject.vector(step.target)
        if self.subject.has_train_step:
            record.how, record.stage = "train_step", "train_step"
            net_a.train_step(x, t, step.learning_rate)
        elif self.subject.train_epoch_kind:
            record.how, record.stage = "train_epoch", "train_epoch"
            self.subject.train_epoch(net_a, self.subject.vector(step.x, "row"), np.array([step.target]),
                                     step.learning_rate, 1)
        else:
            record.how = "in place"
            for W in wa:
                W += 0.25
        record.other_changed = not equal_params(before, self.subject.snapshot(net_b))
        record.stage = "done"

    # the learner's own mse_loss
    def loss(self, record: LossRecord):
        record.stage = "loss"
        record.values = [scalar(self.subject.loss(np.array(p, dtype=float), np.array(t, dtype=float)))
                         for p, t in self.spec.loss_pairs]
        record.stage = "done"

    # forward, the loss, backward, and central differences of the learner's own loss
    def example(self, i, record: CaseRecord):
        record.example = i
        example = self.spec.examples[i]
        if not example.batch and not self.vector_checked:
            self.vector_checked = True
            record.stage = "forward"
            self._settle_vector(example)
        net = self.make(example.arch, record)
        record.start = self.subject.snapshot(net)
        record.vector = self.subject.convention.vector
        convert = self.subject.batch if example.batch else self.subject.vector
        x, target = convert(example.x), convert(example.target)
        before = set(vars(net)) if hasattr(net, "__dict__") else set()
        record.stage = "forward"
        if example.decoy is not None:
            net.forward(convert(example.decoy))
            record.lists_after_decoy = list_lengths(net, self.skip())
        output = net.forward(x.copy())
        record.output = Value.of(output)
        record.lists_after = list_lengths(net, self.skip())
        record.new_attributes = sorted((set(vars(net)) if hasattr(net, "__dict__") else set()) - before)
        record.stage = "loss"
        record.loss = scalar(self.subject.loss(np.asarray(output), target))
        record.stage = "backward"
        traced = i in self.spec.traced_examples
        returned = self.traced(net.backward, target.copy(), record=record) if traced else net.backward(target.copy())
        weight_grads, bias_grads = split_gradients(returned, record)
        record.weight_grads, record.bias_grads = Value.of(weight_grads), Value.of(bias_grads)
        if self.numerical and not example.batch:
            record.stage = "numerical"
            record.numerical = numerical_gradients(self.subject, net, x, target)
        record.stage = "done"

    def _settle_vector(self, example):
        """If forward() refuses the guide's flat vector, find the shape it takes: a column (n, 1) or a row (1, n)."""
        if self.subject.convention.vector != "flat":
            return
        for vector in ("flat", "column", "row"):
            try:
                with np.errstate(all="ignore"):
                    out = self.make(example.arch).forward(self.subject.vector(example.x, vector))
                if np.size(out) == len(example.target):
                    self.subject.convention.vector = vector
                    return
            except Exception:  # noqa: BLE001 - the learner's code: any failure means "not this convention"
                continue

    # one update
    def step(self, i, record: StepRecord):
        record.step = i
        step = self.spec.steps[i]
        x, target = self.subject.vector(step.x), self.subject.vector(step.target)
        net = self.make(step.arch, record)
        record.stage = "forward"
        net.forward(x.copy())
        record.stage = "backward"
        weight_grads, bias_grads = split_gradients(net.backward(target.copy()), record)
        record.own_weight_grads, record.own_bias_grads = Value.of(weight_grads), Value.of(bias_grads)
        net = self.make(step.arch, record)
        record.start = self.subject.snapshot(net)
        traced = i in self.spec.traced_steps
        if self.subject.has_train_step:
            record.how = record.stage = "train_step"
            call, args = net.train_step, (x.copy(), target.copy(), step.learning_rate)
        else:
            record.how = record.stage = "train_epoch"
            call = lambda *a: self.subject.train_epoch(net, *a)  # noqa: E731
            args = (self.subject.vector(step.x, "row"), np.array([step.target], dtype=self.subject.input_dtype),
                    step.learning_rate, 1)
        returned = self.traced(call, *args, record=record, net=net) if traced else call(*args)
        record.returned = Value.of(returned)
        record.after = self.subject.snapshot(net)
        record.stage = "done"

    # a short training run of train_step
    def run(self, i, record: RunRecord):
        record.run = i
        run = self.spec.runs[i]
        net = self.make(run.arch, record)
        record.start = self.subject.snapshot(net)
        record.stage = "train_step"
        X = [self.subject.vector(x) for x in run.X]
        Y = [self.subject.vector(y) for y in run.Y]
        for _ in range(run.passes):
            record.returned.append([])
            for x, y in zip(X, Y):
                record.returned[-1].append(scalar(net.train_step(x.copy(), y.copy(), run.learning_rate)))
            weights, _ = self.subject.params(net)
            if not all(np.all(np.isfinite(np.asarray(W, dtype=float))) for W in weights):
                break
        record.after = self.subject.snapshot(net)
        record.stage = "done"

    # epochs of train_epoch, watching which rows forward() and backward() get
    def epochs(self, i, record: EpochRecord):
        record.run = i
        run = self.spec.epochs[i]
        net = self.make(run.arch, record)
        record.start = self.subject.snapshot(net)
        x_rows, y_rows = RowLookup(run.X), RowLookup(run.Y)
        events = []
        original_forward, original_backward = net.forward, net.backward

        def watching_forward(x, *args, **kwargs):
            events.append(("f", x_rows.rows(x)))
            return original_forward(x, *args, **kwargs)

        def watching_backward(target, *args, **kwargs):
            events.append(("b", y_rows.rows(target)))
            return original_backward(target, *args, **kwargs)

        with contextlib.suppress(AttributeError, TypeError):
            net.forward, net.backward = watching_forward, watching_backward
        X = np.array(run.X, dtype=self.subject.input_dtype)
        Y = np.array(run.Y, dtype=self.subject.input_dtype)
        record.stage = "train_epoch"
        for epoch in range(run.epochs):
            events.clear()
            args = (net, X.copy(), Y.copy(), run.learning_rate, run.batch_size)
            if epoch == 0 and i in self.spec.traced_epochs:
                returned = self.traced(self.subject.train_epoch, *args, record=record, net=net)
            else:
                returned = self.subject.train_epoch(*args)
            record.epochs.append(epoch_outcome(returned, events, self.subject.snapshot(net)))
        record.stage = "done"

    # the lab: the learner's class on an explicit state and example
    def lab(self, state, record: LabRecord):
        net = self._net_in_state(state, record)
        record.convention = self.subject.convention
        x, target = self.subject.vector(state.x), self.subject.vector(state.target)
        record.stage = "forward"
        output = net.forward(x.copy())
        record.output = Value.of(output)
        record.saved = saved_lists(net, self.skip())
        record.stage = "loss"
        record.loss = scalar(self.subject.loss(np.asarray(output), target))
        record.stage = "backward"
        weight_grads, bias_grads = split_gradients(net.backward(target.copy()), record)
        record.weight_grads, record.bias_grads = Value.of(weight_grads), Value.of(bias_grads)
        if self.subject.has_train_step or self.subject.train_epoch_kind:
            net = self._net_in_state(state, record)
            if self.subject.has_train_step:
                record.how = record.stage = "train_step"
                record.returned = Value.of(net.train_step(x.copy(), target.copy(), state.learning_rate))
            else:
                record.how = record.stage = "train_epoch"
                record.returned = Value.of(self.subject.train_epoch(
                    net, self.subject.vector(state.x, "row"), np.array([state.target], dtype=self.subject.input_dtype),
                    state.learning_rate, 1))
            record.after = self.subject.snapshot(net)
        record.stage = "done"

    def _net_in_state(self, state, record):
        record.stage = "make"
        net = self.subject.make(state.sizes, 0)
        weights, biases = self.subject.params(net, state.sizes)
        if len(weights) != len(state.weights):
            raise LearnerAPIError("params_replaced", f"Network({state.sizes}) has {len(weights)} weight arrays, "
                                                     f"expected {len(state.weights)}")
        for group, values, transpose in ((weights, state.weights, True), (biases, state.biases, False)):
            for j, value in enumerate(values):
                mine = group[j]
                dtype = mine.dtype if mine.dtype.kind == "f" else np.float64
                new = np.array(value, dtype=dtype)
                if transpose and self.subject.convention.orientation == "in_out":
                    new = new.T
                group[j] = new.reshape(mine.shape).copy()
        return net

    # everything, in order
    def jobs(self):
        """(probe kind, index, record, function) for every probe the subject can take."""
        s, spec = self.subject, self.spec
        jobs = [("init", k, InitRecord(), lambda r, k=k: self.init(k, r)) for k in range(len(spec.archs))]
        jobs.append(("independence", 0, IndependenceRecord(), self.independence))
        if s.own_loss:
            jobs.append(("loss", 0, LossRecord(), self.loss))
        jobs += [("example", i, CaseRecord(), lambda r, i=i: self.example(i, r)) for i in range(len(spec.examples))]
        if s.has_train_step or s.train_epoch_kind:
            jobs += [("step", i, StepRecord(), lambda r, i=i: self.step(i, r)) for i in range(len(spec.steps))]
        if s.has_train_step:
            jobs += [("run", i, RunRecord(), lambda r, i=i: self.run(i, r)) for i in range(len(spec.runs))]
        if s.train_epoch_kind:
            jobs += [("epochs", i, EpochRecord(), lambda r, i=i: self.epochs(i, r)) for i in range(len(spec.epochs))]
        return jobs



"""The learner's own class on an explicit network state, next to chainrule's: for ``chainrule lab --mine``.

    with LearnerSession("my_network.py") as mine:              # loaded once, in the same sandbox as the check
        result = mine.run([2, 2, 1], weights, biases, x=[1.0, 2.0], target=[1.0], learning_rate=0.5)
    result.output, result.saved["activations"], result.weight_grads, result.weights_after
    result.reference.output, result.reference.weight_grads, ...   # chainrule's, on the same state
    result.first_difference                                       # the first value that differs, or None

``run_learner(path, ...)`` is the one-shot version. Everything is in the guide's conventions (W of shape
(n_out, n_in), flat vectors, plain lists), whatever the learner's class uses, and JSON-ready (``to_dict``).

What the class can be asked is what the guide's API can say: ``Network(layer_sizes, seed)`` has no activation
or loss argument, so a session compares sigmoid layers and the MSE loss (``session.supports``); what else it
has is read when the file loads (``session.own_loss``, ``session.has_train_step``, ``session.train_epoch``).
A call that hangs is stopped (``result.timeout``); one that ends the process is ``result.ended`` (and the
session is closed: open a new one).
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import numpy as np

from ..core import Network
from ..errors import ConfigError
from .api import _checked_path
from .compare import Normalizer, Tolerance, agree
from .records import Arch, Convention, LabRecord, LabState, LoadRequest, Output, Report, Request
from .sandbox import Limits, Sandbox

SESSION_LIMITS = Limits(seconds=24 * 3600.0, probe_seconds=10.0)


@dataclass(frozen=True)
class Supports:
    """What a class with the guide's API computes, so what a session can compare: ``reference_numbers`` is
    chainrule's ``Network(sizes)`` with the same (sigmoid layers, MSE), one example at a time."""
    activations: tuple = ("sigmoid",)
    losses: tuple = ("mse",)
    batches: bool = False


GUIDE_API = Supports()


@dataclass
class Numbers:
    """One network's numbers for one example: forward values, the loss, the gradients, the weights after a step."""
    output: Optional[list] = None
    z: List[list] = field(default_factory=list)            # chainrule's; for the learner, see ``saved``
    a: List[list] = field(default_factory=list)
    loss: Optional[float] = None
    weight_grads: Optional[List[list]] = None
    bias_grads: Optional[List[list]] = None
    weights_after: Optional[List[list]] = None
    biases_after: Optional[List[list]] = None


@dataclass
class LabResult:
    mine: Numbers
    reference: Numbers
    saved: Dict[str, List[list]] = field(default_factory=dict)   # lists the learner's forward() saved, by name
    how: str = ""                         # "train_step", "train_epoch" (one example) or "" (no step taken)
    error: str = ""                       # the learner's exception (and line), if their code raised
    stage: str = ""                       # where: "forward", "loss", "backward", "train_step", ...
    printed: str = ""
    first_difference: Optional[str] = None   # "output", "weight_grads[1]", ... the first that differs
    timeout: Optional[float] = None       # seconds after which ``stage`` was stopped (an endless loop?)
    ended: str = ""                       # the process ended instead of answering: "exit code 3", "no answer"

    def to_dict(self):
        return dataclasses.asdict(self)


def _lists(values):
    return None if values is None else [np.asarray(v, dtype=float).tolist() if v is not None else None for v in values]


def reference_numbers(state: LabState) -> Numbers:
    net = Network(state.sizes)
    net.set_weights(([np.array(W, dtype=float) for W in state.weights], [np.array(b, dtype=float) for b in state.biases]))
    x, target = np.array(state.x, dtype=float), np.array(state.target, dtype=float)
    output = net.forward(x)
    numbers = Numbers(output=output.tolist(), z=[z.tolist() for z in net.z_values],
                      a=[a.tolist() for a in net.activations], loss=float(np.mean((output - target) ** 2)))
    weight_grads, bias_grads = net.backward(target)
    numbers.weight_grads, numbers.bias_grads = _lists(weight_grads), _lists(bias_grads)
    net.train_step(x, target, state.learning_rate)
    numbers.weights_after, numbers.biases_after = _lists(net.weights), _lists(net.biases)
    return numbers


def learner_numbers(record: LabRecord, convention: Convention, state: LabState):
    normalizer = Normalizer(convention, [Arch(list(state.sizes), 0)])
    wg, bg = normalizer.grads(record.weight_grads, record.bias_grads, 0)
    after = normalizer.params(record.after, 0)
    output = normalizer.output(record.output, 0)

    def arrays(value):
        if value is None or value.kind != "sequence":
            return None
        return [item.numbers().tolist() if item.numbers() is not None else None for item in value.items]

    numbers = Numbers(output=output.numbers().tolist() if output is not None and output.numbers() is not None else None,
                      loss=record.loss, weight_grads=arrays(wg), bias_grads=arrays(bg))
    if after is not None:
        numbers.weights_after = [v.numbers().tolist() for v in after.weights]
        numbers.biases_after = [v.numbers().tolist() for v in after.biases]
    saved = {name: [np.ravel(v.numbers()).tolist() if v.numbers() is not None else None for v in value.items]
             for name, value in record.saved.items() if value.kind == "sequence"}
    return numbers, saved


def first_difference(mine: Numbers, reference: Numbers, tol=Tolerance(1e-7, 1e-9)):
    for name in ("output", "loss", "bias_grads", "weight_grads", "weights_after", "biases_after"):
        a, b = getattr(mine, name), getattr(reference, name)
        if a is None and name in ("weights_after", "biases_after"):
            continue
        if isinstance(b, list) and b and isinstance(b[0], list) and name != "output":
            if a is None or len(a) != len(b):
                return name
            for layer in reversed(range(len(b))) if name.endswith("grads") else range(len(b)):
                if a[layer] is None or not agree(np.array(a[layer]), np.array(b[layer]), tol):
                    return f"{name}[{layer}]"
        elif a is None or not agree(np.array(a, dtype=float), np.array(b, dtype=float), tol):
            return name
    return None


class LearnerSession:
    """The learner's class, loaded once in a sandbox that stays open for many ``run`` calls."""

    def __init__(self, path, class_name=None, limits: Limits = SESSION_LIMITS):
        path = os.path.abspath(_checked_path(path))
        self.limits = limits
        self.box = Sandbox(os.path.dirname(path), limits)
        replies = self.box.request(Request("load", load=LoadRequest(path, class_name, False, limits.probe_seconds)),
                                   seconds=limits.probe_seconds + 30)
        load = next((r.record for r in replies if isinstance(r, Report)), None)
        if load is None or load.failed or not load.class_name:
            self.close()
            if load is None:
                why = f"the process ended while loading it ({self.box.outcome.exit or 'no answer'})"
            elif load.timeout is not None:
                why = f"loading it did not finish within {load.timeout:g} s"
            elif load.error is not None:
                why = load.error.text()
            elif class_name:
                why = f"it has no class {class_name!r} (classes: {', '.join(load.classes) or 'none'})"
            else:
                why = "no class with forward() and backward()"
            raise ConfigError(f"{path}: cannot load your Network: {why}")
        self.class_name = load.class_name
        self.own_loss, self.loss_name = load.own_loss, load.loss_name
        self.has_train_step, self.train_epoch = load.train_step, load.train_epoch
        self.supports = GUIDE_API
        self.convention = None

    @property
    def alive(self):
        """False once the learner's process has ended (or the session was closed)."""
        return self.box.alive

    def run(self, sizes, weights, biases, x, target, learning_rate=0.5) -> LabResult:
        state = LabState(list(sizes), [np.asarray(W, dtype=float).tolist() for W in weights],
                         [np.asarray(b, dtype=float).tolist() for b in biases], list(np.ravel(x).astype(float)),
                         list(np.ravel(target).astype(float)), float(learning_rate))
        reference = reference_numbers(state)
        replies = self.box.request(Request("lab", lab=state), seconds=self.limits.probe_seconds + 5)
        record = next((r.record for r in replies if isinstance(r, Report)), None)
        if record is None:     # the process died (or hung where the alarm cannot reach): it is over
            printed = "".join(r.text for r in replies if isinstance(r, Output))
            outcome = self.box.close()
            ended = outcome.exit or "no answer"
            why = f"its process ended ({ended})" if outcome.exit else \
                f"it did not answer within {self.limits.probe_seconds + 5:g} s and was stopped"
            return LabResult(Numbers(), reference, error=f"your code did not finish: {why}", printed=printed,
                             ended=ended)
        convention = record.convention if hasattr(record, "convention") else None
        mine, saved = learner_numbers(record, convention or Convention(), state)
        result = LabResult(mine, reference, saved, record.how, record.error.text() if record.error else "",
                           record.stage, record.printed.text if record.printed else "", timeout=record.timeout)
        result.first_difference = first_difference(mine, reference)
        return result

    def close(self):
        self.box.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def run_learner(path, sizes, weights, biases, x, target, learning_rate=0.5, class_name=None,
                limits: Limits = Limits()) -> LabResult:
    """One state, one example: the learner's numbers and chainrule's (see ``LearnerSession``)."""
    with LearnerSession(path, class_name, limits) as session:
        return session.run(sizes, weights, biases, x, target, learning_rate)

"""Every value of one training step as an ``Item``: its name, the phase that computes it, its formula with
the numbers plugged in, and what it is, in words.

``explain(trace)`` reads a ``chainrule.viz.Trace`` (what chainrule's own layers kept during ``forward``,
``backward`` and ``train_step``); the value of each item is the trace's. The formulas follow the layer's five
steps (``core/layers/dense.py``); the activation and loss formulas come through ``formulas`` (one door).
"""
import re
from dataclasses import dataclass

import numpy as np

from ..core import softmax
from ..guide.errata import see_errata
from ..viz.trace_spec import guide_differences
from . import formulas
from .formulas import element, number, plug


@dataclass(frozen=True)
class Item:
    """One value on the page. ``stages`` is the chain ``formula = numbers plugged in``; the value is last."""

    id: str               # "dL/dW2[0,1]": the trace's name, 0-based index
    name: str             # "dL/dW2"
    index: tuple          # (0, 1)
    value: float
    phase: str            # "backward2": the phase that computes it
    stages: tuple = ()    # ("delta2[0] × a1[1]", "-0.1318 × 0.7350")
    about: str = ""       # what it is
    guide: str = ""       # what the guide prints instead, and why
    editable: bool = False

    @property
    def text(self):
        return number(self.value)

    @property
    def line(self):
        """``dL/dW2[0,1] = delta2[0] × a1[1] = -0.1318 × 0.7350 = -0.0968``."""
        return " = ".join([label(self.id), *self.stages, self.text])

    def to_dict(self):
        return {"id": self.id, "name": self.name, "index": list(self.index), "value": self.value,
                "phase": self.phase, "stages": list(self.stages), "about": self.about, "guide": self.guide,
                "editable": self.editable, "text": self.text, "line": self.line, "label": label(self.id)}


@dataclass(frozen=True)
class Phase:
    key: str              # "start", "forward1", ..., "loss", "backwardL", ..., "backward1", "update", "result"
    title: str
    about: str


def label(item_id):
    """How an id reads: ``W2_new[0,1]`` -> ``new W2[0,1]``."""
    name, _, rest = item_id.partition("[")
    if name.endswith("_new"):
        return f"new {name[:-4]}" + (f"[{rest}" if rest else "")
    return {"new_prediction": "new prediction", "new_loss": "new loss"}.get(name, name) + (f"[{rest}" if rest else "")


def _symbols(trace):
    """Each symbol's value, for ``plug``: x, a_l, z_l, dL/da_l, da_l/dz_l, delta_l, W_l, b_l, target, lr."""
    values = {"x": trace.x, "a0": trace.x, "target": trace.target, "t": trace.target, "lr": trace.learning_rate}
    for r in trace.layers:
        l = r.index
        values.update({f"a{l}": r.a, f"z{l}": r.z, f"dL/da{l}": r.grad_a, f"da{l}/dz{l}": r.da_dz,
                       f"delta{l}": r.delta, f"W{l}": r.W, f"b{l}": r.b, f"dL/dW{l}": r.dW, f"dL/db{l}": r.db,
                       f"softmax(z{l})": softmax(r.z)})
    return values


_TOP_LEVEL_SUM = re.compile(r" [-+/] | where ")


def _factor(text):
    """``text`` as a factor of a product: parenthesized if it is a sum (at its top level)."""
    depth, flat = 0, []
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        flat.append(ch if depth == 0 else "_")
    return f"({text})" if _TOP_LEVEL_SUM.search("".join(flat)) else text


class _Builder:
    def __init__(self, trace):
        self.trace = trace
        self.values = _symbols(trace)
        self.notes = guide_differences(trace) if trace.guide else {}
        self.guide_blocks = trace.guide_blocks
        self.items = []

    def add(self, name, index, value, phase, stages=(), about="", editable=False):
        stages = [s for s in stages if s]
        if len(stages) > 1 and stages[-1] == number(value):
            stages = stages[:-1]           # "dL/db2[0] = delta2[0] = -0.1318", not "... = -0.1318 = -0.1318"
        item_id = name + ("[" + ",".join(map(str, index)) + "]" if index else "")
        self.items.append(Item(item_id, name, tuple(index), float(value), phase, tuple(stages), about,
                               self._guide_note(name, index, value), editable))

    def _guide_note(self, name, index, value):
        if name not in self.notes:
            return ""
        printed, reason = self.notes[name]
        printed = np.asarray(printed, dtype=float)
        printed = float(printed[tuple(index)]) if index else float(printed)
        if round(float(value), 4) == round(printed, 4):
            return ""
        because = f" ({reason})" if reason else ""
        return f"The guide prints {printed:.4f} here{because}; {see_errata(self.guide_blocks)}."

    def plugged(self, text):
        return plug(text, self.values)


def explain(trace):
    """``(items, phases)`` for one training step, in the order the step computes them."""
    b = _Builder(trace)
    L = trace.n_layers
    lr = trace.learning_rate
    for i, v in enumerate(trace.x):
        b.add("x", (i,), v, "start", about=f"Input {i}: a number fed into the network. Edit it.", editable=True)
    for j, v in enumerate(trace.target):
        b.add("target", (j,), v, "start", about=f"Target {j}: what output {j} should be for this input. The loss "
              "measures how far the prediction is from it. Edit it.", editable=True)
    for r in trace.layers:
        l, source = r.index, formulas_input(r.index)
        for j in range(len(r.b)):
            for i in range(len(r.a_prev)):
                b.add(f"W{l}", (j, i), r.W[j, i], "start", editable=True, about=(
                    f"Weight from {_unit(l - 1, i)} to unit {j} of layer {l}: {source}[{i}] is multiplied by it "
                    f"on its way into z{l}[{j}]. Edit it, and watch its gradient dL/dW{l}[{j},{i}]."))
            b.add(f"b{l}", (j,), r.b[j], "start", editable=True, about=(
                f"Bias of unit {j} of layer {l}: added to its weighted sum z{l}[{j}]. Edit it."))

    for r in trace.layers:
        l, source = r.index, formulas_input(r.index)
        n = len(r.z)
        for j in range(n):
            expression = " + ".join(f"W{l}[{j},{i}] × {source}[{i}]" for i in range(len(r.a_prev))) + f" + b{l}[{j}]"
            b.add(f"z{l}", (j,), r.z[j], f"forward{l}", (expression, b.plugged(expression)), about=(
                f"Weighted sum of unit {j} of layer {l}: every input times its weight, plus the bias "
                f"(z = W a_prev + b). It is what the activation takes."))
        activation = formulas.activation_text(r.activation, l)
        for j in range(n):
            expression = element(activation, j, n)
            what = "the network's prediction" if l == L else f"handed to layer {l + 1}"
            b.add(f"a{l}", (j,), r.a[j], f"forward{l}", (expression, b.plugged(expression)), about=(
                f"Output of unit {j} of layer {l}: the {r.activation} activation of its weighted sum; {what}."))

    n_out = trace.layer_sizes[-1]
    expression = element(formulas.loss_text(trace), 0, n_out)
    b.add("loss", (), trace.loss, "loss", (expression, b.plugged(expression)), about=(
        f"The {trace.loss_name} loss: one number saying how wrong the prediction is. Training lowers it."))

    for r in reversed(trace.layers):
        l, source = r.index, formulas_input(r.index)
        n = len(r.delta)
        phase = f"backward{l}"
        grad_a = []
        for j in range(n):
            if l == L:
                expression = element(formulas.loss_gradient_text(trace), j, n)
                about = f"How the loss changes when output {j} changes: the derivative of the loss. Backprop starts here."
                stages = (expression, b.plugged(expression))
            else:
                written = " + ".join(f"W{l + 1}[{k},{j}] × delta{l + 1}[{k}]" for k in range(trace.layer_sizes[l + 1]))
                expression = f"(W{l + 1}ᵀ delta{l + 1})[{j}]"
                about = (f"The error signal reaching unit {j} of layer {l}: each delta of layer {l + 1} sent back "
                         f"through the weight that connects them (step 5 of the layer above: W{l + 1}ᵀ delta{l + 1}).")
                stages = (expression, written, b.plugged(written))
            grad_a.append(stages[0])
            b.add(f"dL/da{l}", (j,), r.grad_a[j], phase, stages, about=about)
        derivative, note = formulas.split_note(formulas.derivative_text(r.activation, l))
        slopes = []
        for j in range(n):
            expression = element(derivative, j, n)
            slopes.append(expression)
            b.add(f"da{l}/dz{l}", (j,), r.da_dz[j], phase, (expression, b.plugged(expression)), about=(
                f"Slope of the {r.activation} activation at unit {j}: how much a{l}[{j}] moves when z{l}[{j}] does"
                + (f" ({note})." if note else ".")))
        delta = formulas.delta_text(r.activation, l)
        for j in range(n):
            expression = element(delta, j, n)
            stages = [expression]
            if formulas.is_elementwise(r.activation):   # the chain written out: dL/da times the activation's slope
                stages.append(f"{_factor(grad_a[j])} × {_factor(slopes[j])}")
            stages.append(b.plugged(expression))
            b.add(f"delta{l}", (j,), r.delta[j], phase, stages, about=(
                f"delta = dL/dz: the error signal at unit {j}'s weighted sum (step 2 of the guide's five steps): "
                f"dL/da times the activation's slope."))
        for j in range(n):
            for i in range(len(r.a_prev)):
                expression = f"delta{l}[{j}] × {source}[{i}]"
                b.add(f"dL/dW{l}", (j, i), r.dW[j, i], phase, (expression, b.plugged(expression)), about=(
                    f"Gradient of weight W{l}[{j},{i}] (step 3): the delta of the unit it feeds times the value it "
                    f"carries. Negative: increasing the weight lowers the loss."))
            b.add(f"dL/db{l}", (j,), r.db[j], phase, (f"delta{l}[{j}]", b.plugged(f"delta{l}[{j}]")), about=(
                f"Gradient of bias b{l}[{j}] (step 4): the delta itself, since z changes one for one with b."))

    for r in reversed(trace.layers):
        l = r.index
        for j in range(len(r.b)):
            for i in range(len(r.a_prev)):
                expression = f"W{l}[{j},{i}] - lr × dL/dW{l}[{j},{i}]"
                b.add(f"W{l}_new", (j, i), r.W_new[j, i], "update", (expression, b.plugged(expression)), about=(
                    f"Weight W{l}[{j},{i}] after one step of gradient descent: moved against its gradient, "
                    f"by the learning rate {lr:g} times it."))
            expression = f"b{l}[{j}] - lr × dL/db{l}[{j}]"
            b.add(f"b{l}_new", (j,), r.b_new[j], "update", (expression, b.plugged(expression)), about=(
                f"Bias b{l}[{j}] after the step."))
    for j, v in enumerate(trace.new_prediction):
        b.add("new_prediction", (j,), v, "result", (f"a{L}[{j}] with the new weights",), about=(
            "The prediction again, after the update: the same input through the updated network."))
    b.add("new_loss", (), trace.new_loss, "result", ("the loss with the new weights",), about=(
        f"The loss after the update. Lower than {trace.loss:.4f}: the step helped." if trace.new_loss < trace.loss
        else f"The loss after the update: NOT lower than {trace.loss:.4f}. Too large a learning rate overshoots."))
    return b.items, phases(trace)


def formulas_input(l):
    """The name of layer ``l``'s input: ``x`` for layer 1, else ``a{l-1}``."""
    return "x" if l == 1 else f"a{l - 1}"


def _unit(layer, i):
    return f"input {i}" if layer == 0 else f"unit {i} of layer {layer}"


def phases(trace):
    """The phases of one training step, in order."""
    L = trace.n_layers
    out = [Phase("start", "The network and the example", "The weights, biases, input and target: everything "
                 "you can edit. Every other value follows from them.")]
    for r in trace.layers:
        l = r.index
        out.append(Phase(f"forward{l}", f"Forward, layer {l}", f"z{l} = W{l} {formulas_input(l)} + b{l}, then "
                         f"a{l} = {r.activation}(z{l}). Every value is saved: the backward pass needs them."))
    out.append(Phase("loss", "The loss", f"How far the prediction a{L} is from the target: "
                     f"{formulas.loss_text(trace)}."))
    for r in reversed(trace.layers):
        l = r.index
        which = "the output layer" if l == L else f"layer {l}"
        out.append(Phase(f"backward{l}", f"Backward, {which}", f"The error signal dL/da{l} arrives, becomes "
                         f"delta{l} through the activation's slope, gives the gradients dL/dW{l} and dL/db{l}"
                         + (f", and is passed back through W{l}ᵀ." if l > 1 else ".")))
    out.append(Phase("update", "Update", f"Every weight and bias moves against its gradient: "
                     f"W <- W - {trace.learning_rate:g} × dL/dW."))
    out.append(Phase("result", "Forward again", f"The same input through the updated network: loss "
                     f"{trace.loss:.4f} -> {trace.new_loss:.4f}."))
    return out

"""How each value of the training step follows from the values before it: ``chainrule trace``'s step structure
as rules a marker can re-run on a learner's own numbers.

``rules(trace)`` walks the rows of ``chainrule.viz.trace_text.steps(trace)`` -- the values ``chainrule trace``
prints, in its order, with its formula text -- and gives each one a ``Rule``: the values its formula is
written in (``inputs``) and how chainrule computes it from them (``compute``). Run on the trace's own values,
every rule gives back the trace's value (tests/exercise/test_exercise_steps.py checks it); run on a learner's
values, it says what their earlier answers lead to.

Where the numbers come from: the weighted sums and the forward pass with the new weights are a chainrule
``Network``'s ``forward``; the activation, its slope, the loss and its gradient are chainrule's activation and
loss objects (``get_activation``, ``get_loss``); the update is chainrule's ``SGD``. The three products of the
backward pass (delta = dL/da * da/dz, dL/dW = delta (outer) a_prev, dL/da_prev = W.T @ delta) are written as
the formulas themselves: chainrule's ``Dense.backward`` computes the same products but only from the state
its own forward pass left, not from numbers a learner wrote.

The rules cover networks of elementwise activations with a loss of the output (mse, cross_entropy): the
exercise's 2 -> 2 -> 1 sigmoid network with MSE.
"""
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..core import Network, get_activation, get_loss
from ..errors import ConfigError
from ..training.optimizers import SGD
from ..viz.trace_text import steps as trace_steps

#: values the exercise does not require: the slopes (the guide's exercise folds them into delta) and the check
#: after the update (the guide's hand-trace runs it; the exercise stops at the new weights)
OPTIONAL = re.compile(r"da\d+/dz\d+|new_prediction|new_loss")


@dataclass(frozen=True)
class Rule:
    """One value of the training step and how it follows from the values before it."""

    name: str                # the trace's name: "z1", "dL/dW2", "W1_new", ...
    step: str                # the trace's section: "forward", "loss", "backward2", ..., "update", "result"
    formula: str             # the trace's formula text: "W1 @ x + b1"
    inputs: tuple            # the names the value is computed from (given values too: "W1", "x", "lr")
    compute: Callable        # compute(values: name -> array) -> array, chainrule doing the arithmetic
    shape: tuple
    required: bool = True
    same_as: str = None      # equal to another value by definition (dL/db2 is delta2)

    def __call__(self, values):
        return np.asarray(self.compute(values), dtype=np.float64).reshape(self.shape)


def given_values(trace):
    """The values a learner is given, by name: x, target, lr and each layer's W and b."""
    values = {"x": trace.x, "target": trace.target, "lr": np.float64(trace.learning_rate)}
    for r in trace.layers:
        values[f"W{r.index}"], values[f"b{r.index}"] = r.W, r.b
    return values


def _weighted_sum(layer, W, b, a_prev):
    """z = W a_prev + b, as a one-layer chainrule Network with an identity output (``layer``) computes it."""
    layer.set_weights(([W], [b]))
    return layer.forward(a_prev)


def _descend(parameter, gradient, learning_rate):
    """parameter - learning_rate * gradient, by chainrule's SGD (the guide's update)."""
    updated = np.array(parameter, dtype=np.float64)
    SGD().step([updated], [np.asarray(gradient, dtype=np.float64)], float(learning_rate))
    return updated


def _input(l):
    return "x" if l == 1 else f"a{l - 1}"


def rules(trace):
    """A ``Rule`` for every row of ``chainrule trace``'s steps, in its order (see the module docstring)."""
    L = trace.n_layers
    layer = {r.index: r for r in trace.layers}
    activation = {l: get_activation(r.activation) for l, r in layer.items()}
    loss = get_loss(trace.loss_name)
    if not all(a.elementwise for a in activation.values()) or loss.takes_logits:
        raise ConfigError("the exercise rules follow elementwise activations and a loss of the output "
                          f"(mse, cross_entropy), got {[a.name for a in activation.values()]} and {trace.loss_name}")
    networks = {}

    def network(key):
        """The networks computing the weighted sums (key l) and the new forward pass (key "new"), made on
        first use and then reused: making a Network draws initial weights, which are replaced anyway."""
        if key not in networks:
            networks[key] = _network_like(trace) if key == "new" else Network(
                [layer[key].W.shape[1], layer[key].W.shape[0]], output_activation="identity")
        return networks[key]

    new_weights = tuple(name for l in range(1, L + 1) for name in (f"W{l}_new", f"b{l}_new"))

    def make(name, inputs, compute, same_as=None):
        return name, tuple(inputs), compute, same_as

    def rule_for(name):
        """``(name, inputs, compute, same_as)`` for one of the trace's value names."""
        number = re.search(r"\d+", name)
        l = int(number.group()) if number else None
        if re.fullmatch(r"z\d+", name):
            return make(name, (f"W{l}", _input(l), f"b{l}"),
                        lambda v: _weighted_sum(network(l), v[f"W{l}"], v[f"b{l}"], v[_input(l)]))
        if re.fullmatch(r"a\d+", name):
            return make(name, (f"z{l}",), lambda v: activation[l].forward(v[f"z{l}"]))
        if name == "loss":
            return make(name, (f"a{L}", "target"), lambda v: loss.value(v[f"a{L}"], v["target"]))
        if name == f"dL/da{L}":
            return make(name, (f"a{L}", "target"), lambda v: loss.gradient(v[f"a{L}"], v["target"]))
        if re.fullmatch(r"dL/da\d+", name):     # step 5 of the layer above: back through its weights
            return make(name, (f"W{l + 1}", f"delta{l + 1}"), lambda v: v[f"W{l + 1}"].T @ v[f"delta{l + 1}"])
        if re.fullmatch(r"da\d+/dz\d+", name):
            return make(name, (f"a{l}",), lambda v: activation[l].derivative(v[f"a{l}"]))
        if re.fullmatch(r"delta\d+", name):      # step 2, for an elementwise activation
            return make(name, (f"dL/da{l}", f"da{l}/dz{l}"), lambda v: v[f"dL/da{l}"] * v[f"da{l}/dz{l}"])
        if re.fullmatch(r"dL/dW\d+", name):      # step 3
            return make(name, (f"delta{l}", _input(l)), lambda v: np.outer(v[f"delta{l}"], v[_input(l)]))
        if re.fullmatch(r"dL/db\d+", name):      # step 4
            return make(name, (f"delta{l}",), lambda v: v[f"delta{l}"], same_as=f"delta{l}")
        if re.fullmatch(r"[Wb]\d+_new", name):
            p = name[0]
            return make(name, (f"{p}{l}", "lr", f"dL/d{p}{l}"),
                        lambda v: _descend(v[f"{p}{l}"], v[f"dL/d{p}{l}"], v["lr"]))
        if name == "new_prediction":
            return make(name, ("x",) + new_weights, lambda v: _with_new_weights(network("new"), v).forward(v["x"]))
        if name == "new_loss":
            return make(name, ("new_prediction", "target"), lambda v: loss.value(v["new_prediction"], v["target"]))
        raise ConfigError(f"no exercise rule for the trace value {name!r}")

    out = []
    for step, name, formula, value in trace_steps(trace):
        name, inputs, compute, same_as = rule_for(name)
        out.append(Rule(name, step, formula, inputs, compute, np.shape(value), not OPTIONAL.fullmatch(name),
                        same_as))
    return out


def _network_like(trace):
    """A Network of the trace's sizes, activations and loss (its weights are set before each use)."""
    return Network(trace.layer_sizes, activation=[r.activation for r in trace.layers[:-1]],
                   output_activation=trace.layers[-1].activation, loss=trace.loss_name)


def _with_new_weights(net, values):
    """``net`` holding the updated weights in ``values`` (W1_new, b1_new, ...)."""
    L = len(net.weights)
    net.set_weights(([values[f"W{l}_new"] for l in range(1, L + 1)], [values[f"b{l}_new"] for l in range(1, L + 1)]))
    return net

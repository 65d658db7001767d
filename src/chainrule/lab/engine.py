"""What the lab does, each one call on chainrule's engine: trace a state, reshape it, train it.

- ``compute(state)``: one training step traced (``chainrule.viz.record_trace``: the network's own
  ``forward``, ``backward`` and ``train_step``), every value explained, and the data set's picture.
- ``reshape(state, ...)``: new layer sizes (the weights you had stay, new ones are drawn), a data set with its
  preset network, another example of the data set, or new weights from a seed.
- ``train(state, steps)``: ``steps`` training steps on the example, or ``steps`` epochs of the guide's loop
  on the data set; stops, keeping the last good weights, if training diverges.

Each returns a ``Result``: the state it computed on and everything the page shows.
"""
import math
from dataclasses import dataclass, field, replace

import numpy as np

from ..core import Network
from ..errors import ConfigError
from ..guide.training_loop import train_pass
from ..viz.trace_spec import trace_from_spec
from .datasets import DATASETS
from .explain import explain
from .fields import MAX_ABS
from .pictures import Picture, picture
from .state import LabState, check_layers, default_example
from .urlstate import fragment

#: weight updates one request may make: at most a few seconds on a slow machine (a step of one example is
#: ~40 us here); the page trains in pieces of far fewer, redrawing between them
MAX_UPDATES = 100_000


@dataclass
class Result:
    state: LabState
    items: list
    phases: list
    picture: Picture | None = None
    losses: list = field(default_factory=list)   # one per step (or epoch) trained by this request
    note: str = ""                               # what the learner should know (training diverged, ...)
    mine: object = None                          # a mine.MineView: the learner's own values beside these

    def to_dict(self):
        return {"state": self.state.to_dict(), "fragment": fragment(self.state),
                "items": [item.to_dict() for item in self.items],
                "phases": [vars(p) for p in self.phases],
                "picture": self.picture.to_dict() if self.picture else None,
                "losses": list(self.losses), "note": self.note,
                "mine": self.mine.to_dict() if self.mine else None}


def _spec(state):
    """The trace spec of a state, so the guide's printed values come along when it is the guide's network."""
    hidden = state.hidden_activations
    return {"weights": [W.tolist() for W in state.weights], "biases": [b.tolist() for b in state.biases],
            "x": state.x.tolist(), "target": state.target.tolist(),
            "activation": hidden[0] if len(set(hidden)) == 1 else (hidden or "sigmoid"),
            "output_activation": state.activations[-1], "loss": state.loss, "learning_rate": state.learning_rate}


def compute(state, losses=(), note="", mine=None):
    """Everything the page shows for ``state`` (``mine``: a provider of the learner's own values, or None)."""
    trace = trace_from_spec(_spec(state))   # record_trace on the state's network, with the guide's printed values
    items, phases = explain(trace)
    view = None
    if mine is not None:
        from .mine import compare, run_safely
        view = compare(items, run_safely(mine, state))
    return Result(state, items, phases, picture(state), list(losses), note, view)


def _fit(old, shape, new):
    """``new`` with the block it shares with ``old`` replaced by ``old``'s values."""
    out = new.copy()
    block = tuple(slice(0, min(a, b)) for a, b in zip(old.shape, shape))
    out[block] = old[block]
    return out


def reshape(state, layers=None, data=..., example=None, new_weights=False, seed=None):
    """A new state: other layer sizes, a data set (``data=None``: back to one example), another example of the
    data set, or new weights drawn by ``Network(layers, seed)``."""
    if data is not ... and data != state.data:
        if data is None:
            return replace(state, data=None, example=0)
        if data not in DATASETS:
            raise ConfigError(f"data must be one of {', '.join(DATASETS)} or null, got {data!r}")
        preset = DATASETS[data].preset
        net = Network(list(preset.layers), seed=preset.seed, activation=list(preset.activations[:-1]),
                      output_activation=preset.activations[-1], loss=preset.loss)
        weights, biases = net.copy_weights()
        dataset = DATASETS[data]
        return LabState(layers=list(preset.layers), activations=list(preset.activations), loss=preset.loss,
                        weights=weights, biases=biases, x=dataset.X[0].copy(), target=dataset.Y[0].copy(),
                        learning_rate=preset.learning_rate, data=data, example=0, seed=preset.seed,
                        batch=preset.batch)
    if seed is not None:
        state = replace(state, seed=seed)
    if layers is not None:
        state = _resized(state, check_layers(layers))
    if new_weights:
        fresh = _seeded(state.layers, state)
        state = state.with_network(fresh, steps=0)
    if example is not None:
        if state.dataset is None:
            raise ConfigError("example picks a point of a data set: choose a data set first")
        n = len(state.dataset.X)
        if isinstance(example, bool) or not isinstance(example, int) or not 0 <= example < n:
            raise ConfigError(f"example must be a whole number from 0 to {n - 1}, got {example!r}")
        state = replace(state, example=example, x=state.dataset.X[example].copy(),
                        target=state.dataset.Y[example].copy())
    return state


def _seeded(layers, state, activations=None):
    activations = activations or state.activations
    return Network(layers, seed=state.seed, activation=list(activations[:-1]), output_activation=activations[-1],
                   loss=state.loss)


def _resized(state, layers):
    """``state`` with new layer sizes: the weights, biases, activations and example it had stay where they
    still fit; what is new comes from ``Network(layers, state.seed)`` (and the default example)."""
    if state.dataset is not None and (layers[0], layers[-1]) != (state.dataset.dims, 1):
        raise ConfigError(f"the {state.data} data needs {state.dataset.dims} input(s) and 1 output: "
                          f"layers must be [{state.dataset.dims}, ..., 1], got {layers}")
    n_layers = len(layers) - 1
    hidden = state.hidden_activations or ["sigmoid"]
    activations = [hidden[min(l, len(hidden) - 1)] for l in range(n_layers - 1)] + [state.activations[-1]]
    fresh = _seeded(layers, state, activations)
    weights, biases = [], []
    old = list(zip(state.weights, state.biases))
    for l, (W_new, b_new) in enumerate(zip(fresh.weights, fresh.biases)):
        # a hidden layer keeps the weights of the hidden layer it replaces; the output layer stays the output
        # layer when hidden layers are added or removed
        if l == n_layers - 1:
            source = len(old) - 1
        else:
            source = l if l < len(old) - 1 else None
        if source is None:
            weights.append(W_new)
            biases.append(b_new)
        else:
            weights.append(_fit(old[source][0], W_new.shape, W_new))
            biases.append(_fit(old[source][1], b_new.shape, b_new))
    x, target = default_example(layers, state.loss)
    return replace(state, layers=layers, activations=activations, weights=weights, biases=biases,
                   x=_fit(state.x, x.shape, x), target=_fit(state.target, target.shape, target), steps=0)


def _healthy(net, loss):
    return math.isfinite(loss) and all(np.all(np.abs(a) <= MAX_ABS) for a in (*net.weights, *net.biases))


def train(state, steps):
    """``steps`` training steps on the example, or ``steps`` epochs on the data set: ``(state, losses, note)``;
    ``losses`` holds each step's loss before its update (for an epoch, the mean of its steps' losses, as the
    guide's loop reports it)."""
    n_examples = len(state.dataset.X) if state.dataset is not None else 1
    updates = steps * -(-n_examples // state.batch)
    if updates > MAX_UPDATES:
        unit = "epochs" if state.dataset is not None else "steps"
        raise ConfigError(f"{steps:,} {unit} are {updates:,} weight updates; one request makes at most "
                          f"{MAX_UPDATES:,} (ask for at most {MAX_UPDATES * steps // updates:,} {unit})")
    net = state.network()
    losses, note = [], ""
    for epoch in range(state.steps, state.steps + steps):
        good = net.copy_weights()
        with np.errstate(all="ignore"):
            if state.dataset is None:
                loss = net.train_step(state.x, state.target, state.learning_rate)
            elif state.batch == 1:
                loss = train_pass(net, state.dataset.X, state.dataset.Y, state.learning_rate)
            else:   # the order of each epoch drawn from (seed, epoch): training in pieces is training at once
                order = np.random.RandomState([state.seed, epoch]).permutation(n_examples)
                loss = net.train_epoch(state.dataset.X[order], state.dataset.Y[order], state.learning_rate,
                                       state.batch, shuffle=False)
        if not _healthy(net, loss):
            net.set_weights(good)
            note = (f"Training diverged at step {state.steps + len(losses) + 1}: the loss became {loss:g} or a "
                    f"weight grew past {MAX_ABS:g}. The weights before that step are kept: try a learning rate "
                    f"10x lower than {state.learning_rate:g}.")
            break
        losses.append(float(loss))
    return state.with_network(net, steps=state.steps + len(losses)), losses, note

"""What the learner can change, as one declared record: the network, the example and the learning rate.

A ``LabState`` is what crosses the boundary between the page and the engine, in both directions: the page
sends it with every request, the engine answers with the state it computed on (or the one a step, a resize or
a data set produced). ``from_dict`` checks everything a request can hold before anything is allocated from
it (sizes first, then every number); ``network()`` builds the chainrule ``Network`` that computes everything.
"""
from dataclasses import dataclass, replace

import numpy as np

from ..core import ACTIVATIONS, LOSSES, Network
from ..errors import ConfigError, ShapeError
from ..viz.trace_spec import GUIDE_SPEC
from . import fields
from .datasets import DATASETS

MAX_UNITS = 8             # per layer: the drawing stays readable
MAX_WEIGHT_LAYERS = 4     # input, up to three hidden layers, output
MAX_LEARNING_RATE = 1000.0
MAX_SEED = 2 ** 32 - 1
MAX_STEPS_TAKEN = 10 ** 9
MAX_BATCH = 256

KEYS = ("layers", "activations", "loss", "weights", "biases", "x", "target", "learning_rate",
        "data", "example", "seed", "steps", "batch")
REQUIRED = KEYS[:8]


def check_layers(layers, name="layers"):
    """Layer sizes ``[n_in, hidden..., n_out]``: 2 to 5 whole numbers, each from 1 to ``MAX_UNITS``."""
    if not isinstance(layers, list) or not 2 <= len(layers) <= MAX_WEIGHT_LAYERS + 1:
        raise ConfigError(f"{name} must be a list of 2 to {MAX_WEIGHT_LAYERS + 1} layer sizes such as "
                          f"[2, 2, 1], got {fields.describe(layers)}")
    return [fields.whole(n, f"{name}[{i}]", 1, MAX_UNITS) for i, n in enumerate(layers)]


@dataclass
class LabState:
    layers: list              # [n_in, hidden..., n_out]
    activations: list         # one name per weight layer: hidden layers first, the output last
    loss: str
    weights: list             # float64 arrays (n_out, n_in), one per layer
    biases: list              # float64 arrays (n_out,)
    x: np.ndarray             # the example traced: input ...
    target: np.ndarray        # ... and target
    learning_rate: float
    data: str = None          # a data set's name (``DATASETS``), or None for one example
    example: int = 0          # which example of the data set x and target are
    seed: int = 0             # seed of the weights a resize or "new weights" draws
    steps: int = 0            # training steps (epochs, on a data set) since the weights were drawn
    batch: int = 1            # on a data set: 1 = the guide's loop, one example at a time; else mini-batches

    @property
    def dataset(self):
        return DATASETS[self.data] if self.data else None

    @property
    def hidden_activations(self):
        return list(self.activations[:-1])

    def network(self):
        """The chainrule ``Network`` of this state (float64): it computes every number the lab shows."""
        net = Network(self.layers, seed=self.seed, activation=self.hidden_activations,
                      output_activation=self.activations[-1], loss=self.loss)
        net.set_weights((self.weights, self.biases))
        return net

    def with_network(self, net, **changes):
        """This state holding ``net``'s weights and biases (copies), with other fields changed."""
        weights, biases = net.copy_weights()
        return replace(self, weights=weights, biases=biases, **changes)

    def to_dict(self):
        """JSON-ready; ``from_dict`` reads it back exactly (floats keep every digit in JSON)."""
        return {"layers": list(self.layers), "activations": list(self.activations), "loss": self.loss,
                "weights": [W.tolist() for W in self.weights], "biases": [b.tolist() for b in self.biases],
                "x": self.x.tolist(), "target": self.target.tolist(), "learning_rate": self.learning_rate,
                "data": self.data, "example": self.example, "seed": self.seed, "steps": self.steps,
                "batch": self.batch}

    @classmethod
    def from_dict(cls, data, name="state"):
        """A state from its JSON form, every field checked (``ConfigError``/``ShapeError``/``InputValueError``
        naming the field); the network itself is then checked by building it."""
        fields.only_keys(data, name, KEYS, REQUIRED)
        layers = check_layers(data["layers"], f"{name}.layers")
        n_layers = len(layers) - 1
        dataset = data.get("data")
        if dataset is not None:
            dataset = fields.name_in(dataset, f"{name}.data", tuple(DATASETS))
            need = (DATASETS[dataset].dims, 1)
            if (layers[0], layers[-1]) != need:
                raise ShapeError(f"{name}.layers {layers} do not fit the {dataset} data: it needs "
                                 f"{need[0]} input(s) and {need[1]} output")
        activations = data["activations"]
        if not isinstance(activations, list) or len(activations) != n_layers:
            raise ConfigError(f"{name}.activations must list {n_layers} activation name(s), one per layer, "
                              f"got {fields.describe(activations)}")
        activations = [fields.name_in(a, f"{name}.activations[{i}]", lab_activations())
                       for i, a in enumerate(activations)]
        loss = fields.name_in(data["loss"], f"{name}.loss", tuple(LOSSES))
        for key in ("weights", "biases"):
            if not isinstance(data[key], list) or len(data[key]) != n_layers:
                raise ShapeError(f"{name}.{key} must hold {n_layers} array(s), one per layer, "
                                 f"got {fields.describe(data[key])}")
        weights = [fields.matrix(W, f"{name}.weights[{l}]", n_out, n_in)
                   for l, (W, n_in, n_out) in enumerate(zip(data["weights"], layers[:-1], layers[1:]))]
        biases = [fields.vector(b, f"{name}.biases[{l}]", n_out) for l, (b, n_out) in enumerate(zip(data["biases"], layers[1:]))]
        x = fields.vector(data["x"], f"{name}.x", layers[0])
        target = fields.vector(data["target"], f"{name}.target", layers[-1])
        learning_rate = fields.number(data["learning_rate"], f"{name}.learning_rate", 0, MAX_LEARNING_RATE,
                                      low_open=True)
        n_examples = len(DATASETS[dataset].X) if dataset else 1
        state = cls(layers=layers, activations=activations, loss=loss, weights=weights, biases=biases, x=x,
                    target=target, learning_rate=learning_rate, data=dataset,
                    example=fields.whole(data.get("example", 0), f"{name}.example", 0, n_examples - 1),
                    seed=fields.whole(data.get("seed", 0), f"{name}.seed", 0, MAX_SEED),
                    steps=fields.whole(data.get("steps", 0), f"{name}.steps", 0, MAX_STEPS_TAKEN),
                    batch=fields.whole(data.get("batch", 1), f"{name}.batch", 1, MAX_BATCH))
        net = state.network()   # the network's own checks: a loss that needs logits, targets it cannot take, ...
        net.loss.prepare_targets(target, np.zeros(layers[-1]), f"{name}.target")
        return state


def guide_state():
    """The guide's 2->2->1 hand-trace (Section 2): the state ``chainrule trace`` traces."""
    spec = GUIDE_SPEC
    return LabState(layers=[2, 2, 1], activations=[spec["activation"], spec["output_activation"]], loss=spec["loss"],
                    weights=[np.array(W, dtype=np.float64) for W in spec["weights"]],
                    biases=[np.array(b, dtype=np.float64) for b in spec["biases"]],
                    x=np.array(spec["x"], dtype=np.float64), target=np.array(spec["target"], dtype=np.float64),
                    learning_rate=float(spec["learning_rate"]))


def default_example(layers, loss):
    """x = 1, 2, ..., n_in and a target of ones (one-hot on class 0 for softmax cross-entropy), as
    ``chainrule trace`` chooses for a seeded network."""
    x = np.arange(1.0, layers[0] + 1)
    target = np.ones(layers[-1])
    if loss in LOSSES:
        target = LOSSES.create(loss).example_target(target)
    return x, target


def lab_activations():
    """The activations the lab offers: those whose kind says the lab explains it (``Activation.in_lab``)."""
    return tuple(name for name in ACTIVATIONS if ACTIVATIONS.lookup(name).in_lab)


def output_activation(loss):
    """The output activation that goes with ``loss`` (identity for a loss on logits), sigmoid for an unknown name
    (the network's own check then names it)."""
    return LOSSES.lookup(loss).output_activation if loss in LOSSES else "sigmoid"


def seeded_state(layers, seed=0, activations=None, loss="mse", learning_rate=0.5):
    """``Network(layers, seed)``'s weights (the guide's He initialization), the default example."""
    layers = check_layers(list(layers))
    if activations is None:
        activations = ["sigmoid"] * (len(layers) - 2) + [output_activation(loss)]
    net = Network(layers, seed=seed, activation=list(activations[:-1]), output_activation=activations[-1], loss=loss)
    x, target = default_example(layers, loss)
    weights, biases = net.copy_weights()
    return LabState(layers=layers, activations=list(activations), loss=loss, weights=weights, biases=biases,
                    x=x, target=target, learning_rate=float(learning_rate), seed=seed)

"""What to trace: the guide's 2->2->1 hand-trace, a network given weight by weight, or a seeded Network.

A spec is a plain dict (what a JSON file holds)::

    {"weights": [[[0.1, 0.3], [0.2, 0.4]], [[0.5, 0.6]]],   # one (n_out, n_in) matrix per layer
     "biases":  [[0.01, 0.02], [0.03]],
     "x": [1, 2], "target": [1],
     "activation": "sigmoid",            # hidden layers: one name, or a list with one per hidden layer
     "output_activation": "sigmoid",     # optional; the Network's default otherwise
     "loss": "mse", "learning_rate": 0.5}

or, instead of weights and biases, ``{"layers": [2, 3, 1], "seed": 0, ...}`` for ``Network(layers, seed)``.
"""
import os

import numpy as np

from .. import safe_json
from ..core import Network
from ..errors import ConfigError, ShapeError
from ..limits import check_network
from .trace import record_trace

#: the guide's hand-trace network, Section 2 "Full Hand-Trace: A 2->2->1 Network"
GUIDE_SPEC = {
    "weights": [[[0.1, 0.3], [0.2, 0.4]], [[0.5, 0.6]]],
    "biases": [[0.01, 0.02], [0.03]],
    "x": [1.0, 2.0],
    "target": [1.0],
    "activation": "sigmoid",
    "output_activation": "sigmoid",
    "loss": "mse",
    "learning_rate": 0.5,
}

_SLIP = "hand arithmetic: sigmoid(0.71) = 0.67040, sigmoid(1.02) = 0.73497"
_CARRIED = "carried from the slip in a1"
#: what the guide prints for the hand-trace (blocks 9-13), with the reason where it differs from the math
GUIDE_PRINTED = {
    "z1": ([0.71, 1.02], ""),
    "a1": ([0.6706, 0.7352], _SLIP),
    "z2": ([0.8064], _CARRIED),
    "a2": ([0.6914], _CARRIED),
    "loss": (0.0952, _CARRIED),
    "dL/da2": ([-0.6173], _CARRIED),
    "da2/dz2": ([0.2133], _CARRIED),
    "delta2": ([-0.1316], _CARRIED),
    "dL/dW2": ([[-0.0882, -0.0968]], _CARRIED),
    "dL/db2": ([-0.1316], _CARRIED),
    "dL/da1": ([-0.0658, -0.079], _CARRIED),
    "da1/dz1": ([0.2209, 0.1947], _CARRIED),
    "delta1": ([-0.0145, -0.0154], _CARRIED),
    "dL/dW1": ([[-0.0145, -0.0291], [-0.0154, -0.0307]], _CARRIED),
    "dL/db1": ([-0.0145, -0.0154], _CARRIED),
    "W2_new": ([[0.5441, 0.6484]], _CARRIED),
    "b2_new": ([0.0958], _CARRIED),
    "W1_new": ([[0.1073, 0.3146], [0.2077, 0.4154]], ""),
    "b1_new": ([0.0173, 0.0277], ""),
    "new_prediction": ([0.7253], "its own updated weights give 0.7207"),
    "new_loss": (0.0755, "its own updated weights give 0.0780"),
}


_EXERCISE = "Exercise 2.1's hand arithmetic"
#: what the guide prints for Exercise 2.1 (block 16): the same network, x = [0.5, 1.5], target [0]
GUIDE_PRINTED_EXERCISE_2_1 = {
    "z1": ([0.51, 0.72], ""),
    "a1": ([0.6248, 0.6726], ""),
    "z2": ([0.746], ""),
    "a2": ([0.6784], _EXERCISE),
    "loss": (0.4603, _EXERCISE),
    "dL/da2": ([1.3569], _EXERCISE),
    "da2/dz2": ([0.2183], _EXERCISE),
    "delta2": ([0.2961], _EXERCISE),
    "dL/dW2": ([[0.1851, 0.1992]], _EXERCISE),
    "dL/db2": ([0.2961], _EXERCISE),
    "dL/da1": ([0.1481, 0.1777], _EXERCISE),
    "delta1": ([0.0347, 0.0391], ""),
    "dL/dW1": ([[0.0174, 0.0521], [0.0196, 0.0587]], _EXERCISE),
    "dL/db1": ([0.0347, 0.0391], ""),
}

#: the guide's printed traces: (x, target) of the guide's network -> printed values, and the blocks printing them
GUIDE_TRACES = (
    (GUIDE_SPEC["x"], GUIDE_SPEC["target"], GUIDE_PRINTED, "9-13"),
    ([0.5, 1.5], [0.0], GUIDE_PRINTED_EXERCISE_2_1, "16"),
)


def guide_differences(trace, decimals=4):
    """``{name: (guide_value, reason)}`` for every quantity whose value, rounded as the guide prints it,
    differs from the guide's printed value."""
    values = trace.values()
    out = {}
    for name, (printed, reason) in trace.guide.items():
        real = np.round(np.asarray(values[name], dtype=float), decimals)
        printed = np.asarray(printed, dtype=float)
        if real.shape != printed.shape or not np.array_equal(real, printed):
            out[name] = (printed, reason)
    return out


def _parse_sizes(layers):
    if isinstance(layers, str):
        try:
            layers = [int(n) for n in layers.replace(" ", "").split(",") if n]
        except ValueError:
            raise ConfigError(f"layers must be comma-separated whole numbers such as 2,3,1, got {layers!r}") from None
    if not isinstance(layers, (list, tuple)):
        raise ConfigError(f"layers must be a list of whole numbers such as [2, 3, 1], got {layers!r}")
    return list(layers)


def _list(value, name):
    if not isinstance(value, (list, tuple)):
        raise ConfigError(f"{name} must be a list, got {type(value).__name__}")
    return value


def _numbers(value, name):
    """A JSON value as a float array, or a ConfigError naming it (ragged lists, text, null)."""
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name} must be numbers (a number, a list or a matrix), got {str(value)[:80]}: "
                          f"{exc}") from None


def _whole(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ConfigError(f"{name} must be a whole number, got {value!r}")
    return int(value)


def network_from_spec(spec):
    """``(net, x, target, learning_rate)`` from a spec dict (see the module docstring)."""
    if not isinstance(spec, dict):
        raise ConfigError(f"a trace spec must be a JSON object, got {type(spec).__name__}")
    known = {"weights", "biases", "x", "target", "activation", "output_activation", "loss", "learning_rate",
             "layers", "seed"}
    unknown = sorted(set(spec) - known)
    if unknown:
        raise ConfigError(f"unknown trace spec key(s) {', '.join(unknown)}; known keys: {', '.join(sorted(known))}")
    options = {"activation": spec.get("activation", "sigmoid"), "loss": spec.get("loss", "mse")}
    if spec.get("output_activation") is not None:
        options["output_activation"] = spec["output_activation"]

    if "weights" in spec:
        if "layers" in spec:
            raise ConfigError("give either weights (and biases) or layers (and seed), not both")
        weights = [_numbers(W, f"weights[{i}]") for i, W in enumerate(_list(spec["weights"], "weights"))]
        if not weights or any(W.ndim != 2 for W in weights):
            raise ShapeError("weights must be a list of (n_out, n_in) matrices, one per layer, "
                             f"got shapes {[W.shape for W in weights]}")
        sizes = [weights[0].shape[1]] + [W.shape[0] for W in weights]
        for i, (W, n_in) in enumerate(zip(weights, sizes[:-1])):
            if W.shape[1] != n_in:
                raise ShapeError(f"weights[{i}] has shape {W.shape}: layer {i + 1} gets {n_in} inputs, "
                                 f"so it must have {n_in} columns")
        biases = spec.get("biases")
        biases = [np.zeros(n) for n in sizes[1:]] if biases is None else [_numbers(b, f"biases[{i}]")
                                                                          for i, b in enumerate(_list(biases, "biases"))]
        net = Network(sizes, **options)
        net.set_weights((weights, biases))
    else:
        sizes = _parse_sizes(spec.get("layers", [2, 2, 1]))
        if all(isinstance(n, int) and not isinstance(n, bool) for n in sizes):
            check_network(sizes, "the trace spec's network", ConfigError)
        net = Network(sizes, seed=_whole(spec.get("seed", 0), "seed"), **options)

    n_in, n_out = net.layer_sizes[0], net.layer_sizes[-1]
    x = spec.get("x")
    x = np.arange(1.0, n_in + 1) if x is None else _numbers(x, "x")
    target = spec.get("target")
    if target is None:
        target = net.loss.example_target(np.ones(n_out))
    learning_rate = spec.get("learning_rate", 0.5)
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)):
        raise ConfigError(f"learning_rate must be a number, got {learning_rate!r}")
    return net, x, _numbers(target, "target"), float(learning_rate)


def spec_from_options(spec_file=None, layers=None, seed=None, weights=None, biases=None, x=None, target=None,
                      activation=None, output_activation=None, loss=None, learning_rate=None):
    """A spec from command-line options: a JSON file, a seeded ``layers``/``seed`` network, explicit
    ``weights``/``biases``, or else the guide's network; the other options override single keys."""
    if spec_file is not None:
        spec = load_spec(spec_file)
        if not isinstance(spec, dict):
            raise ConfigError(f"trace spec {spec_file} must hold a JSON object, got {type(spec).__name__}")
    elif layers is not None or seed is not None:
        spec = {"layers": _parse_sizes(layers) if layers is not None else [2, 2, 1],
                "seed": 0 if seed is None else seed}
    elif weights is not None:
        spec = {"weights": weights}
    else:
        spec = dict(GUIDE_SPEC)
    overrides = {"weights": weights, "biases": biases, "x": x, "target": target, "activation": activation,
                 "output_activation": output_activation, "loss": loss, "learning_rate": learning_rate}
    spec.update({key: value for key, value in overrides.items() if value is not None})
    if "weights" in spec and "layers" in spec:
        raise ConfigError("give either --weights or --layers/--seed, not both")
    return spec


def load_spec(path):
    """A spec dict from a JSON file (its size and nesting depth checked before parsing: ``safe_json``)."""
    return safe_json.load_file(path, f"trace spec {os.fspath(path)}", ConfigError)


def trace_from_spec(spec=None):
    """The trace of a spec (the guide's hand-trace without one). When the spec is one of the guide's printed
    traces (its hand-trace, Exercise 2.1), the trace carries the guide's printed values for comparison."""
    spec = GUIDE_SPEC if spec is None else spec
    net, x, target, learning_rate = network_from_spec(spec)
    trace = record_trace(net, x, target, learning_rate)
    printed, trace.guide_blocks = _guide_printed(spec)
    trace.guide = dict(printed)
    return trace


def _floats(value):
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_floats(v) for v in value]
    return float(value)


def _guide_printed(spec):
    """``(printed values, guide blocks)`` for this spec, or ``({}, "")`` when the guide prints no trace of it."""
    try:
        same_net = all(_floats(spec.get(k)) == _floats(GUIDE_SPEC[k]) for k in ("weights", "biases"))
        if not same_net or spec.get("activation", "sigmoid") != "sigmoid" or spec.get("loss", "mse") != "mse":
            return {}, ""
        if spec.get("output_activation") not in (None, "sigmoid"):
            return {}, ""
        for x, target, printed, blocks in GUIDE_TRACES:
            if _floats(spec.get("x")) == _floats(x) and _floats(spec.get("target")) == _floats(target):
                lr = spec.get("learning_rate", GUIDE_SPEC["learning_rate"])
                same_lr = float(lr) == GUIDE_SPEC["learning_rate"]
                # the update and the new prediction depend on the learning rate; the rest does not
                return {k: v for k, v in printed.items()
                        if same_lr or not (k.endswith("_new") or k.startswith("new_"))}, blocks
    except (TypeError, ValueError):
        return {}, ""
    return {}, ""


def guide_trace():
    """The guide's 2->2->1 hand-trace (W1, b1, W2, b2, x = [1, 2], target 1, learning rate 0.5)."""
    return trace_from_spec(None)

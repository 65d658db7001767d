"""Each layer on the probe batch: saturated sigmoid/tanh units, dead ReLUs, identical units (symmetry), and
weight gradients that vanish before they reach a layer. A problem already there before training is blamed on
the data or the initial weights; one that appears during training, on the learning rate."""
import numpy as np

from .texts import finding

#: fraction of a sigmoid/tanh layer's activations that must be saturated for a finding
SATURATED_FRACTION = 0.5
#: fraction of a ReLU layer's units that must be dead for a finding
DEAD_FRACTION = 0.5
#: a layer's gradient norm below this fraction of the largest layer's counts as vanished
VANISHING_RATIO = 1e-6


def is_saturated(info):
    return info is not None and info["saturated"] is not None and info["saturated"] >= SATURATED_FRACTION


def has_dead_units(info):
    return info is not None and info["dead"] is not None and info["dead"] >= DEAD_FRACTION * info["units"]


def saturated(info, start, epoch, lr, n, inputs_flagged):
    """A hidden layer whose sigmoid/tanh units sit on the flat part of their curve. Saturated before training:
    the unnormalized inputs (layer 1, when they were flagged) or the initial weights; since: the learning rate."""
    was = is_saturated(start)
    if was and inputs_flagged and info["layer"] == 1:
        cause = "inputs"
    elif was:
        cause = "initial_weights"
    else:
        cause = "learning_rate"
    return finding("saturated", cause, epoch=epoch, layer=info["layer"],
                   evidence={"saturated_fraction": info["saturated"], "mean_abs_z": info["mean_abs_z"],
                             "at_start": None if start is None else start["saturated"]},
                   lr=lr, n=n, activation=info["activation"], units=info["units"],
                   mean_abs_z_at_start=None if start is None else start["mean_abs_z"])


def dead_relu(info, start, epoch, lr, n):
    """A hidden layer whose ReLUs are 0 for every probe example. Dead before training: strongly negative biases
    (below -|W x|) or the initial weights; since: the learning rate."""
    was = has_dead_units(start)
    if was and info["mean_bias"] < -info["mean_abs_wx"]:
        cause = "negative_biases"
    elif was:
        cause = "initial_weights"
    else:
        cause = "learning_rate"
    return finding("dead_relu", cause, epoch=epoch, layer=info["layer"],
                   evidence={"dead_units": info["dead"], "units": info["units"], "mean_bias": info["mean_bias"]},
                   lr=lr, n=n, activation=info["activation"], mean_abs_wx=info["mean_abs_wx"])


def symmetric_units(info, epoch):
    """A hidden layer whose units all have the same weights and bias: they started equal."""
    return finding("symmetric_units", "equal_start", epoch=epoch, layer=info["layer"],
                   evidence={"units": info["units"]}, activation=info["activation"])


def vanishing_gradients(grad_norms, epoch, X_probe):
    """Layers (all but the last) whose mean weight-gradient norm is a millionth of the largest layer's."""
    found = []
    if len(grad_norms) > 1:
        largest = max(grad_norms)
        for i, norm in enumerate(grad_norms[:-1]):
            if largest > 0 and norm <= VANISHING_RATIO * largest:
                cause = "zero_inputs" if i == 0 and not np.any(X_probe) else "dying_signal"
                found.append(finding("vanishing_gradients", cause, epoch=epoch, layer=i + 1,
                                     evidence={"grad_norm": norm, "largest_grad_norm": largest}))
    return found


def layer_findings(layers, start_layers, grad_norms, epoch, lr, X_probe, inputs_flagged):
    """Every layer's findings after an epoch, in order: per hidden layer saturated, dead, identical units;
    then the layers no gradient reaches."""
    found = []
    n = len(X_probe)
    for i, info in enumerate(layers[:-1]):               # hidden layers
        start = start_layers[i] if start_layers else None
        if is_saturated(info):
            found.append(saturated(info, start, epoch, lr, n, inputs_flagged))
        if has_dead_units(info):
            found.append(dead_relu(info, start, epoch, lr, n))
        if info["identical"]:
            found.append(symmetric_units(info, epoch))
    return found + vanishing_gradients(grad_norms, epoch, X_probe)


"""Every diagnostics threshold from both sides: a run just past it is reported, a run just short of it is not.

Saturation (a sigmoid's derivative below 1% of its maximum, in half the activations), dead ReLUs (never positive,
half the units), vanishing gradients (a layer's norm a millionth of the largest), unnormalized inputs (0-255
whole numbers, a scale above 20), a plateau (less than ``plateau_threshold`` drop over ``plateau_window``
epochs) and overfitting (``overfit_patience``, ``overfit_margin``)."""
import math

import numpy as np
import pytest

from chainrule import Network
from chainrule.training import fit
from chainrule.training.diagnostics import Diagnostics, check_inputs, probe_layers


def as_dict(finding):
    return finding.to_dict() if hasattr(finding, "to_dict") else dict(finding)


def found(history, kind):
    return [as_dict(f) for f in history.findings if as_dict(f)["kind"] == kind]


def run(net, X, Y, epochs=1, learning_rate=1e-9, **settings):
    return fit(net, X, Y, epochs=epochs, learning_rate=learning_rate, batch_size=len(X), diagnostics="quiet",
               **settings)


# --- saturation ---

SIGMOID_EDGE = math.log((1 + math.sqrt(1 - 4 * 0.0025)) / (1 - math.sqrt(1 - 4 * 0.0025)))  # a(1-a) = 0.0025
TANH_EDGE = math.atanh(math.sqrt(0.99))                                                       # 1 - a^2 = 0.01


@pytest.mark.parametrize("activation, edge", [("sigmoid", SIGMOID_EDGE), ("tanh", TANH_EDGE)])
def test_an_activation_is_saturated_just_past_one_percent_of_its_largest_derivative(activation, edge):
    net = Network([1, 1], output_activation=activation)
    net.weights[0][:] = 1.0
    z = np.array([[edge * 0.99], [edge * 1.01], [-edge * 1.01], [-edge * 0.99]])
    layers = probe_layers(net, z)
    assert layers[0]["saturated"] == 0.5            # the two just past the edge, on either side of 0


def hidden_net(activation, units=8):
    net = Network([2, units, 1], seed=0, activation=activation)
    net.biases[0][:] = 0.0
    return net


@pytest.mark.parametrize("n_saturated, reported", [(4, True), (3, False)])
def test_saturated_units_are_reported_from_half_the_activations(n_saturated, reported):
    net = hidden_net("sigmoid")
    net.weights[0][:] = 0.1
    net.weights[0][:n_saturated] = 50.0             # z = 50 (x1 + x2) with x in [0.5, 1]: a(1 - a) ~ 1e-22
    X = np.random.RandomState(0).uniform(0.5, 1.0, size=(16, 2))
    history = run(net, X, np.full((16, 1), 0.5))
    saturated = found(history, "saturated")
    assert bool(saturated) == reported
    if reported:
        assert saturated[0]["layer"] == 1 and saturated[0]["evidence"]["saturated_fraction"] == 0.5


@pytest.mark.parametrize("n_dead, reported", [(4, True), (3, False)])
def test_dead_relus_are_reported_from_half_the_units(n_dead, reported):
    net = hidden_net("relu")
    net.weights[0][:] = np.abs(net.weights[0])
    net.biases[0][:n_dead] = -100.0                 # never positive for inputs in [0, 1]
    X = np.random.RandomState(0).uniform(0, 1, size=(16, 2))
    history = run(net, X, np.full((16, 1), 0.5))
    dead = found(history, "dead_relu")
    assert bool(dead) == reported
    if reported:
        assert dead[0]["evidence"]["dead_units"] == n_dead and dead[0]["evidence"]["units"] == 8


def test_a_relu_positive_for_a_single_example_is_not_dead():
    net = hidden_net("relu", units=2)
    net.weights[0][:] = [[1.0, 0.0], [1.0, 0.0]]
    net.biases[0][:] = [-0.95, -2.0]                # unit 1 is positive only for x = 1
    X = np.array([[0.0, 0.0], [0.5, 0.0], [1.0, 0.0]])
    assert probe_layers(net, X)[0]["dead"] == 1


# --- vanishing gradients ---

def vanishing_run(input_scale):
    """Layer 1's gradient is proportional to the inputs (W x is ~0 next to b): scaling them sets the ratio."""
    net = Network([2, 3, 1], seed=1, activation="tanh")
    net.biases[0][:] = [0.3, -0.2, 0.1]
    X = np.array([[1.0, -0.5], [0.25, 1.0], [-1.0, 0.75], [0.5, 0.5]]) * input_scale
    history = run(net, X, np.array([[0.9], [0.1], [0.8], [0.2]]))
    norms = history.grad_norms[0]
    return history, norms[0] / max(norms)


def test_vanishing_gradients_are_reported_from_a_millionth_of_the_largest_layer():
    _, ratio = vanishing_run(1e-4)                   # the ratio is proportional to the scale this small
    below, ratio_below = vanishing_run(1e-4 * 0.5e-6 / ratio)
    above, ratio_above = vanishing_run(1e-4 * 2e-6 / ratio)
    assert 0.25e-6 < ratio_below <= 1e-6 < ratio_above < 4e-6
    assert [f["layer"] for f in found(below, "vanishing_gradients")] == [1]
    assert found(above, "vanishing_gradients") == []


# --- unnormalized inputs ---

@pytest.mark.parametrize("high, kind", [(1.5, None), (2.0, "raw pixels"), (255.0, "raw pixels"),
                                        (256.0, "large scale")])
def test_whole_numbers_up_to_255_look_like_pixels(high, kind):
    X = np.array([[0.0, 1.0], [high, 3.0 if high > 3 else 0.0]])
    findings = [as_dict(f) for f in check_inputs(X)]
    titles = [f["title"] for f in findings]
    if kind is None:
        assert findings == []
    elif kind == "raw pixels":
        assert titles == ["The inputs look like raw pixel values (0-255)"]
    else:
        assert titles == ["The inputs have a large scale"]


@pytest.mark.parametrize("values, flagged", [([[0.0, 20.0], [-3.5, 1.0]], False), ([[0.0, 20.5], [-3.5, 1.0]], True),
                                             ([[0.0, -20.5], [3.5, 1.0]], True), ([[0.5, 200.5]], True),
                                             ([[-1.0, 200.0]], True)])
def test_a_scale_above_20_is_flagged(values, flagged):
    findings = [as_dict(f) for f in check_inputs(np.array(values))]
    assert bool(findings) == flagged
    if flagged and min(min(row) for row in values) < 0 or values == [[0.5, 200.5]]:
        assert [f["title"] for f in findings] == ["The inputs have a large scale"]


def test_pixels_beyond_the_first_rows_are_seen():
    X = np.zeros((5000, 2))
    X[4999, 0] = 255.0                              # after the 4096-row sample
    assert [as_dict(f)["title"] for f in check_inputs(X)] == ["The inputs look like raw pixel values (0-255)"]
    X[4999, 0] = -300.0
    assert [as_dict(f)["title"] for f in check_inputs(X)] == ["The inputs have a large scale"]
    assert check_inputs(np.zeros((0, 2))) == []


# --- plateau ---

def xor_like():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 4, dtype=float)
    return X, np.array([[0.1], [0.9], [0.9], [0.1]] * 4)


def plateau_run(threshold, epochs=12):
    X, Y = xor_like()
    diagnostics = Diagnostics(verbose=False, plateau_window=3, plateau_threshold=threshold)
    history = fit(Network([2, 3, 1], seed=2), X, Y, epochs=epochs, learning_rate=2.0, batch_size=4,
                  diagnostics=diagnostics)
    return found(history, "plateau")


def test_a_plateau_is_a_drop_below_the_threshold_over_the_window():
    first = plateau_run(0.05)
    assert len(first) == 1
    epoch, drop = first[0]["epoch"], first[0]["evidence"]["relative_drop"]
    assert 0 < drop < 0.05 and first[0]["evidence"]["window"] == 3
    just_above = plateau_run(drop * 1.01)           # earlier epochs dropped more than 0.05: the same epoch
    assert [f["epoch"] for f in just_above] == [epoch]
    just_below = plateau_run(drop * 0.99)
    assert epoch not in [f["epoch"] for f in just_below]
    assert plateau_run(1e-9) == []


# --- overfitting ---

def overfit_history(patience, margin):
    """A small net memorizing 12 noisy points; the validation loss rises after a while."""
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(12, 2))
    Y = (X[:, :1] > 0).astype(float) * 0.8 + 0.1 + rng.normal(scale=0.3, size=(12, 1)).clip(-0.1, 0.1)
    X_val = rng.uniform(-1, 1, size=(40, 2))
    Y_val = (X_val[:, :1] > 0).astype(float) * 0.8 + 0.1
    Y = np.where(rng.uniform(size=(12, 1)) < 0.25, 0.9 - (Y - 0.1), Y)       # a quarter of the labels flipped
    diagnostics = Diagnostics(verbose=False, overfit_patience=patience, overfit_margin=margin)
    history = fit(Network([2, 24, 1], seed=3, activation="tanh", output_activation="identity"), X, Y, epochs=150,
                  learning_rate=0.1, batch_size=12, validation_data=(X_val, Y_val), diagnostics=diagnostics)
    return history, diagnostics


def test_overfitting_needs_the_validation_loss_above_its_best_by_the_margin():
    history, _ = overfit_history(3, 0.02)
    overfit = found(history, "overfitting")
    assert len(overfit) == 1
    evidence = overfit[0]["evidence"]
    rise = evidence["loss_now"] / evidence["best_loss"] - 1
    assert rise > 0.02
    # a margin just above every rise seen in this run: never reported
    val = np.array(history.val_loss)
    worst = max(val[e] / val[:e + 1].min() - 1 for e in range(len(val)))
    assert found(overfit_history(3, worst * 1.001)[0], "overfitting") == []


def test_overfitting_waits_patience_epochs_after_the_best():
    history, _ = overfit_history(3, 0.02)
    first = found(history, "overfitting")[0]
    assert first["epoch"] - first["evidence"]["best_epoch"] >= 3
    later, _ = overfit_history(10, 0.02)
    late = found(later, "overfitting")
    assert not late or late[0]["epoch"] - late[0]["evidence"]["best_epoch"] >= 10

"""Training runs that explain themselves: deliberately broken runs, each ending with the right diagnosis.

The data is real: 600 digits 0-4 from the shipped MNIST sample, scaled to [0, 1] as the guide does (except where
a test deliberately leaves the raw 0-255 pixels).
"""
import io

import numpy as np
import pytest

from chainrule import Network, TrainingDiverged
from chainrule.data import flatten_and_scale, load_mnist, one_hot, select_classes
from chainrule.training import History, fit
from chainrule.training.diagnostics import Diagnostics, check_inputs, constant_prediction_loss, format_finding
from chainrule.training.schedules import Schedule


@pytest.fixture(scope="module")
def digits():
    data = load_mnist("sample")
    images, labels = select_classes(data.images[:3000], data.labels[:3000], range(5))
    return images[:600], one_hot(labels[:600], 5)


def train(net, X, Y, epochs=3, learning_rate=0.5, **settings):
    return fit(net, X, Y, epochs=epochs, learning_rate=learning_rate, diagnostics="quiet", **settings)


def kinds(history):
    return [(f["kind"], f["layer"]) for f in history.findings]


def only(history, kind):
    found = [f for f in history.findings if f["kind"] == kind]
    assert len(found) == 1, kinds(history)
    return found[0]


def test_a_healthy_run_has_no_findings(digits):
    images, Y = digits
    history = train(Network([784, 32, 5]), flatten_and_scale(images), Y, epochs=5)
    assert history.train_loss[-1] < 0.7 * history.train_loss[0] and history.train_accuracy[-1] > 0.8
    assert history.findings == []


def test_learning_rate_100_saturates_the_sigmoids_and_is_blamed(digits):
    images, Y = digits
    history = train(Network([784, 32, 5]), flatten_and_scale(images), Y, learning_rate=100)
    assert kinds(history) == [("saturated", 1), ("not_learning", None)]
    saturated = only(history, "saturated")
    assert saturated["epoch"] == 0 and saturated["evidence"]["saturated_fraction"] > 0.5
    assert saturated["evidence"]["at_start"] < 0.01          # not saturated before training: the updates did it
    assert "learning rate (100) is too high" in saturated["cause"]
    assert "reduce the learning rate by a factor of 10: try 10" in saturated["advice"]
    stuck = only(history, "not_learning")
    assert stuck["evidence"]["loss"] >= stuck["evidence"]["constant_prediction_loss"]   # no better than the mean
    assert "learning rate (100) is too high" in stuck["cause"] and "try 10" in stuck["advice"]


def test_learning_rate_100_with_softmax_makes_the_loss_rise(digits):
    images, Y = digits
    history = train(Network([784, 32, 5], loss="softmax_cross_entropy"), flatten_and_scale(images), Y,
                    learning_rate=100)
    rising = only(history, "loss_rising")
    assert rising["epoch"] == 0 and rising["evidence"]["loss"] > 10 * rising["evidence"]["initial_loss"]
    assert "learning rate (100) is too high" in rising["cause"] and "try 10" in rising["advice"]


def test_raw_pixels_are_flagged_before_training_and_blamed_for_saturation(digits):
    images, Y = digits
    raw = images.reshape(len(images), -1).astype(np.float64)       # 0..255, not divided by 255
    history = train(Network([784, 32, 5]), raw, Y)
    assert kinds(history)[:2] == [("unnormalized_inputs", None), ("saturated", 1)]
    inputs = only(history, "unnormalized_inputs")
    assert inputs["epoch"] is None and inputs["evidence"] == {"min": 0.0, "max": 255.0}
    assert "divide the pixels by 255" in inputs["advice"]
    saturated = only(history, "saturated")
    assert saturated["evidence"]["at_start"] > 0.9                 # saturated before the first update
    assert "inputs are not normalized" in saturated["cause"] and "divide the inputs by 255" in saturated["advice"]


def test_all_zero_initial_weights_leave_identical_units(digits):
    images, Y = digits
    net = Network([784, 32, 5])
    net.set_weights(([np.zeros_like(W) for W in net.weights], [np.zeros_like(b) for b in net.biases]))
    history = train(net, flatten_and_scale(images), Y)
    assert kinds(history) == [("symmetric_units", 1), ("not_learning", None)]
    symmetric = only(history, "symmetric_units")
    assert "32 units of layer 1" in symmetric["message"]
    assert "weights started equal (for example all zeros)" in symmetric["cause"]
    assert "initialize the weights randomly" in symmetric["advice"]
    assert only(history, "not_learning")["cause"] == symmetric["cause"]
    assert np.ptp(net.weights[0], axis=0).max() == 0.0                 # the finding is true: all rows equal


def test_relu_with_a_huge_negative_bias_is_dead(digits):
    images, Y = digits
    net = Network([784, 32, 5], activation="relu")
    net.biases[0][:] = -100.0
    history = train(net, flatten_and_scale(images), Y)
    assert kinds(history) == [("dead_relu", 1), ("not_learning", None)]
    dead = only(history, "dead_relu")
    assert dead["evidence"]["dead_units"] == 32 and dead["evidence"]["units"] == 32
    assert "biases of layer 1 are strongly negative (mean -100" in dead["cause"]
    stuck = only(history, "not_learning")
    assert "every weight gradient is exactly 0" in stuck["message"] and stuck["evidence"]["grad_norms"] == [0, 0]


def test_relu_killed_by_the_learning_rate_is_blamed_on_it(digits):
    images, Y = digits
    history = train(Network([784, 32, 5], activation="relu", loss="softmax_cross_entropy"),
                    flatten_and_scale(images), Y, learning_rate=10)
    dead = only(history, "dead_relu")
    assert "learning rate (10) is too high" in dead["cause"] and "leaky_relu" in dead["advice"]


def test_nan_loss_stops_at_once_restores_the_initial_weights_and_suggests_lr_10x_lower():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = X @ np.array([[1.0], [2.0], [-1.0]])
    net = Network([3, 8, 1], activation="relu", output_activation="identity")
    initial = net.copy_weights()
    with pytest.raises(TrainingDiverged, match=r"became inf in epoch 1, batch 7; try a learning rate 10x lower than 1 "
                                               r"\(e\.g\. 0\.1\); the initial weights were put back"):
        fit(net, X, y, epochs=5, learning_rate=1.0, diagnostics="quiet")
    for W, W0 in zip(net.weights + net.biases, initial[0] + initial[1]):
        assert np.array_equal(W, W0)
    try:
        fit(net, X, y, epochs=5, learning_rate=1.0, diagnostics="quiet")
    except TrainingDiverged as error:
        history = error.history
    diverged = only(history, "diverged")
    assert diverged["severity"] == "error" and diverged["evidence"]["suggested_learning_rate"] == 0.1
    assert diverged["evidence"]["loss"] == "inf"                    # JSON-ready
    assert history.stop_reason.startswith("diverged: the loss became inf")


class JumpAtEpoch(Schedule):
    """A learning rate that is fine for two epochs, then explodes."""
    name = "jump"

    def __call__(self, epoch):
        return self.base_lr if epoch < 2 else 1e4


def test_divergence_in_a_later_epoch_restores_the_last_good_epoch():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(64, 3))
    y = X @ np.array([[0.5], [1.0], [-0.5]])
    net = Network([3, 8, 1], activation="relu", output_activation="identity", seed=3)
    snapshots = []

    class Snapshot:
        def on_epoch_end(self, run):
            snapshots.append(run.net.copy_weights())

    with pytest.raises(TrainingDiverged, match="epoch 3.*the weights of the end of epoch 2 were put back") as info:
        fit(net, X, y, epochs=5, learning_rate=0.01, schedule=JumpAtEpoch(0.01, 5), callbacks=[Snapshot()], batch_size=1,
            diagnostics="quiet")
    assert len(snapshots) == 2 and info.value.history.epochs == 2
    for W, W_good in zip(net.weights + net.biases, snapshots[1][0] + snapshots[1][1]):
        assert np.array_equal(W, W_good)
    assert "try 1000" in info.value.history.findings[-1]["advice"]


def test_a_plateau_is_reported_with_the_guides_advice(digits):
    images, Y = digits
    history = train(Network([784, 1, 5]), flatten_and_scale(images), Y, epochs=40, learning_rate=2)
    plateau = only(history, "plateau")
    assert plateau["severity"] == "info" and abs(plateau["evidence"]["relative_drop"]) < 0.01
    assert plateau["evidence"]["loss_now"] < 0.9 * plateau["evidence"]["loss_before"] / 0.9  # it had fallen first
    assert "try a larger network" in plateau["advice"]


def test_overfitting_is_seen_when_validation_loss_rises_while_training_loss_falls():
    # the guide's set-up, made to overfit: 20 noisy points of sin(pi x), a big network, many epochs
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, (20, 1))
    y = np.sin(np.pi * X) + rng.normal(0, 0.3, X.shape)
    X_val = np.linspace(0, 1, 100).reshape(-1, 1)
    history = train(Network([1, 64, 64, 1], activation="tanh", output_activation="identity", seed=0), X, y,
                    epochs=400, learning_rate=0.01, optimizer="adam", batch_size=20,
                    validation_data=(X_val, np.sin(np.pi * X_val)))
    overfit = only(history, "overfitting")
    best, now = overfit["evidence"]["best_epoch"], overfit["epoch"]
    assert now - best >= 8                                       # 400 epochs: the rise is judged over 8
    assert history.val_loss[now] > 1.02 * history.val_loss[best] == 1.02 * min(history.val_loss)
    assert overfit["evidence"]["train_loss_now"] < overfit["evidence"]["train_loss_at_best"]
    assert "--early-stopping" in overfit["advice"]
    # lr 0.01 is too much for Adam here at first: the loss jumps 18x after one step, then swings
    assert kinds(history)[:2] == [("loss_rising", None), ("loss_oscillating", None)]


def test_the_guides_xor_run_raises_no_alarm():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    history = train(Network([2, 4, 1], seed=42), X, y, epochs=2000, learning_rate=2.0, batch_size=1)
    assert history.train_loss[-1] < 0.01 and history.findings == []


def test_xor_stopped_on_its_early_plateau_is_not_learning_at_the_end():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    history = train(Network([2, 4, 1], seed=42), X, y, epochs=20, learning_rate=2.0, batch_size=1)
    stuck = only(history, "not_learning")
    assert stuck["epoch"] == 19 and "train for more epochs" in stuck["advice"]


def test_findings_are_printed_as_found_and_survive_json(digits, capsys):
    images, Y = digits
    stream = io.StringIO()
    history = fit(Network([784, 32, 5]), images.reshape(600, -1).astype(float), Y, epochs=2, learning_rate=0.5,
                  diagnostics=Diagnostics(stream=stream))
    text = stream.getvalue()
    assert text.startswith("[diagnostics] WARNING (before training): The inputs look like raw pixel values (0-255)\n"
                           "    X holds whole numbers from 0 to 255")
    assert "\n    Likely cause: " in text and "\n    Advice: divide the pixels by 255" in text
    assert text.count("[diagnostics]") == len(history.findings) == 2
    assert History.from_json(history.to_json()).findings == history.findings
    assert format_finding(history.findings[1]).startswith("[diagnostics] WARNING (epoch 1): Saturated units in layer 1")
    # the default prints to stdout; "quiet" records without printing; False turns diagnostics off
    fit(Network([784, 32, 5]), images.reshape(600, -1).astype(float), Y, epochs=1, learning_rate=0.5)
    assert "[diagnostics] WARNING (before training)" in capsys.readouterr().out
    quiet = fit(Network([784, 32, 5]), images.reshape(600, -1).astype(float), Y, epochs=1, learning_rate=0.5,
                diagnostics="quiet")
    assert capsys.readouterr().out == "" and quiet.findings
    assert fit(Network([784, 32, 5]), images.reshape(600, -1).astype(float), Y, epochs=1, learning_rate=0.5,
               diagnostics=False).findings == []


def test_input_checks_and_the_constant_prediction_baseline():
    assert check_inputs(np.array([[0.0, 0.5], [1.0, 0.25]])) == []
    large = check_inputs(np.array([[0.5, 300.0], [-2.0, 1.0]]))
    assert [f["kind"] for f in large] == ["unnormalized_inputs"] and "standardize" in large[0]["advice"]
    net = Network([2, 2])                                  # sigmoid + MSE
    Y = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    # predicting the column means (0.75, 0.25) everywhere: squared errors 3 * 0.0625 + 0.5625 per column
    assert constant_prediction_loss(net, Y) == pytest.approx(0.1875)


def test_all_zero_inputs_are_named_as_why_no_gradient_reaches_layer_1():
    history = train(Network([3, 4, 2]), np.zeros((8, 3)), np.eye(2)[[0, 1] * 4], epochs=2)
    vanishing = only(history, "vanishing_gradients")
    assert vanishing["layer"] == 1 and vanishing["evidence"]["grad_norm"] == 0
    assert "every input value is 0" in vanishing["cause"]

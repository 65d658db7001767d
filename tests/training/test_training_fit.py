"""fit(): the guide's training loop, plus optimizers, weight decay, early stopping, callbacks, resume."""
import io
import json

import numpy as np
import pytest

from chainrule import Network
from chainrule.errors import ConfigError, TrainingDiverged
from chainrule.training import Callback, EarlyStopping, History, ProgressBar, fit
from chainrule.training.callbacks import EpochLogger

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=float)


def blobs(n=240, seed=0, classes=3):
    """Three Gaussian blobs in 4-D, one-hot targets: a small classification problem."""
    rng = np.random.RandomState(seed)
    labels = rng.randint(classes, size=n)
    centres = rng.randn(classes, 4) * 2
    X = centres[labels] + rng.randn(n, 4)
    return X, np.eye(classes)[labels], labels


def test_fit_is_train_epoch_bit_for_bit():
    """SGD + constant rate: fit does exactly what the guide's train_epoch does (same shuffles, same updates)."""
    X, Y, _ = blobs()
    a, b = Network([4, 8, 3], seed=3), Network([4, 8, 3], seed=3)
    losses = [a.train_epoch(X, Y, 0.5, batch_size=16) for _ in range(5)]
    history = fit(b, X, Y, epochs=5, learning_rate=0.5, batch_size=16)
    for W_a, W_b in zip(a.weights + a.biases, b.weights + b.biases):
        assert np.array_equal(W_a, W_b)
    assert history.train_loss == losses


def test_fit_learns_xor_and_records_every_series():
    net = Network([2, 4, 1], seed=42)
    history = fit(net, XOR_X, XOR_Y, epochs=2000, learning_rate=2.0, batch_size=1)
    assert history.epochs == 2000
    assert history.train_accuracy[-1] == 1.0           # one output: class = output > 0.5
    assert history.train_loss[-1] < 0.01 < history.train_loss[0]
    assert len(history.grad_norms[-1]) == 2 and all(n > 0 for n in history.grad_norms[-1])
    assert history.val_loss == [None] * 2000 and history.learning_rate[0] == 2.0
    assert history.findings == [] and history.stop_reason is None


def test_same_seed_same_history():
    X, Y, _ = blobs()
    runs = []
    for _ in range(2):
        net = Network([4, 8, 3], seed=7)
        h = fit(net, X, Y, epochs=6, learning_rate=0.01, optimizer="adam", schedule="cosine",
                weight_decay=1e-3, validation_data=blobs(60, seed=1)[:2], seed=11)
        data = h.to_dict()
        data.pop("time")
        runs.append((json.dumps(data), [W.tobytes() for W in net.weights]))
    assert runs[0] == runs[1]


def test_weight_decay_adds_lambda_w_to_the_weight_gradient_only():
    X, Y, _ = blobs(8)
    net, reference = Network([4, 3], seed=0), Network([4, 3], seed=0)
    _, dW, db = reference.loss_and_gradients(*reference.prepare_data(X, Y))
    W0, b0 = reference.weights[0].copy(), reference.biases[0].copy()
    fit(net, X, Y, epochs=1, learning_rate=0.1, batch_size=8, weight_decay=0.5)
    np.testing.assert_allclose(net.weights[0], W0 - 0.1 * (dW[0] + 0.5 * W0), rtol=1e-12)
    np.testing.assert_allclose(net.biases[0], b0 - 0.1 * db[0], rtol=1e-12)


class WeightsPerEpoch(Callback):
    def __init__(self):
        self.snapshots = []

    def on_epoch_end(self, run):
        self.snapshots.append(run.net.copy_weights())


def test_early_stopping_stops_and_restores_the_best_epoch():
    # 30 noisy training examples, a big learning rate: the validation loss soon stops improving.
    X, Y, _ = blobs(30, seed=2)
    net = Network([4, 32, 3], seed=0, activation="relu")
    spy = WeightsPerEpoch()
    history = fit(net, X, Y, epochs=200, learning_rate=0.5, validation_data=blobs(200, seed=3)[:2],
                  early_stopping=3, callbacks=[spy])
    assert history.epochs < 200 and "early stopping" in history.stop_reason
    best = int(np.argmin(history.val_loss))
    assert history.best_epoch == best and history.epochs == best + 1 + 3
    for W, W_best in zip(net.weights, spy.snapshots[best][0]):
        assert np.array_equal(W, W_best)


def test_early_stopping_needs_validation_data():
    X, Y, _ = blobs(20)
    with pytest.raises(ConfigError, match="needs validation_data"):
        fit(Network([4, 3]), X, Y, epochs=2, learning_rate=0.1, early_stopping=EarlyStopping(patience=2))


def test_a_callback_can_stop_training_after_a_batch():
    class StopAtBatch(Callback):
        def on_batch_end(self, run):
            if run.epoch == 1 and run.batch == 2:
                run.stop("enough")

    X, Y, _ = blobs(100)
    history = fit(Network([4, 3]), X, Y, epochs=10, learning_rate=0.1, batch_size=10, callbacks=[StopAtBatch()])
    assert history.epochs == 2 and history.stop_reason == "enough"


def test_every_hook_is_called_in_order():
    calls = []

    class Recorder:  # no base class: hooks are optional methods
        def on_train_begin(self, run): calls.append("train_begin")
        def on_epoch_begin(self, run): calls.append(f"epoch_begin {run.epoch}")
        def on_batch_end(self, run): calls.append(f"batch {run.batch}/{run.n_batches}")
        def on_epoch_end(self, run): calls.append(f"epoch_end {run.history.epochs}")
        def on_train_end(self, run): calls.append("train_end")

    fit(Network([2, 1]), XOR_X, XOR_Y, epochs=2, learning_rate=0.1, batch_size=3, callbacks=[Recorder()])
    assert calls == ["train_begin", "epoch_begin 0", "batch 0/2", "batch 1/2", "epoch_end 1",
                     "epoch_begin 1", "batch 0/2", "batch 1/2", "epoch_end 2", "train_end"]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_resume_from_state_is_bit_identical(optimizer):
    X, Y, _ = blobs()
    val = blobs(60, seed=1)[:2]
    settings = dict(epochs=8, learning_rate=0.05 if optimizer != "adam" else 0.01, optimizer=optimizer,
                    schedule="step", batch_size=16, validation_data=val, early_stopping=100)
    whole = Network([4, 8, 3], seed=5)
    expected = fit(whole, X, Y, **settings).to_dict()

    saved = {}

    class SaveAtEpoch3(Callback):
        def on_epoch_end(self, run):
            if run.history.epochs == 3:
                saved["state"] = run.state_dict()
                run.stop("interrupted")

    first = Network([4, 8, 3], seed=5)
    fit(first, X, Y, callbacks=[SaveAtEpoch3()], **settings)
    resumed_net = Network([4, 8, 3], seed=999)           # a fresh process: different weights and generator
    resumed = fit(resumed_net, X, Y, resume=saved["state"], callbacks=[SaveAtEpoch3()], **settings).to_dict()
    for key in ("train_loss", "val_loss", "val_accuracy", "learning_rate", "grad_norms", "best_epoch"):
        assert resumed[key] == expected[key], key
    for W_a, W_b in zip(whole.weights + whole.biases, resumed_net.weights + resumed_net.biases):
        assert np.array_equal(W_a, W_b)


def test_history_json_round_trip():
    X, Y, _ = blobs(40)
    history = fit(Network([4, 3]), X, Y, epochs=3, learning_rate=0.1)
    history.findings.append({"kind": "plateau", "message": "loss flat"})
    again = History.from_json(history.to_json())
    assert again.to_dict() == history.to_dict()
    assert again["train_loss"] == history.train_loss


def test_progress_bar_and_epoch_lines(monkeypatch):
    """On a terminal (other widths and pipes: tests/training/test_training_terminal.py)."""
    monkeypatch.setenv("COLUMNS", "80")

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    X, Y, _ = blobs(64)
    bar_stream, line_stream = Terminal(), io.StringIO()
    fit(Network([4, 3]), X, Y, epochs=2, learning_rate=0.1, batch_size=16,
        callbacks=[ProgressBar(bar_stream, interval=0), EpochLogger(line_stream)])
    bar = bar_stream.getvalue()
    assert "\rEpoch 1/2 [" in bar and "] 4/4  loss " in bar and bar.count("\r") >= 8
    lines = line_stream.getvalue().splitlines()
    assert len(lines) == 2 and lines[0].startswith("Epoch 1/2  loss ") and "train " in lines[0]


def test_divergence_raises_with_the_history_so_far():
    X, Y, _ = blobs(64)
    net = Network([4, 16, 3], seed=0, activation="relu", output_activation="identity")
    with pytest.raises(TrainingDiverged, match="10x lower") as info:
        fit(net, X * 1e3, Y, epochs=50, learning_rate=100.0)
    assert isinstance(info.value.history, History)


@pytest.mark.parametrize("bad, message", [
    (dict(epochs=0), "epochs must be > 0"),
    (dict(learning_rate=-1), "learning_rate must be > 0"),
    (dict(batch_size=2.5), "batch_size must be a whole number"),
    (dict(weight_decay=-0.1), "weight_decay must be >= 0"),
    (dict(optimizer="nesterov"), "unknown optimizer"),
    (dict(validation_data=np.zeros((3, 4))), "validation_data must be a pair"),
])
def test_bad_settings_are_named(bad, message):
    X, Y, _ = blobs(20)
    settings = dict(epochs=2, learning_rate=0.1)
    settings.update(bad)
    with pytest.raises(ConfigError, match=message):
        fit(Network([4, 3]), X, Y, **settings)

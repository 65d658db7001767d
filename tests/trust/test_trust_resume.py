"""Nothing lost: Ctrl-C stops after the current batch and saves; a crash leaves the last epoch's checkpoint; the
resumed run is bit-identical to the run that was never interrupted."""
import os
import signal

import numpy as np
import pytest

from chainrule import ConfigError, Network
from chainrule.training import Callback, fit
from chainrule.training.checkpoint import load_checkpoint


def blobs(n=120, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    X = rng.normal(size=(n, 4)) + labels[:, None]
    return X, np.eye(3)[labels]


X, Y = blobs()
VAL = blobs(60, seed=1)
# every piece of state at once: Adam moments and step count, a step schedule, weight decay, early stopping's
# best weights, validation, diagnostics, and a last batch shorter than the others (120 = 7 * 16 + 8)
SETTINGS = dict(epochs=6, learning_rate=0.01, optimizer="adam", schedule="step", batch_size=16, weight_decay=1e-3,
                validation_data=VAL, early_stopping=100, diagnostics="quiet")


def uninterrupted():
    net = Network([4, 8, 3], seed=5)
    history = fit(net, X, Y, **SETTINGS)
    return net, history


def assert_same_run(net_a, history_a, net_b, history_b):
    for W_a, W_b in zip(net_a.weights + net_a.biases, net_b.weights + net_b.biases):
        assert W_a.tobytes() == W_b.tobytes()
    a, b = history_a.to_dict(), history_b.to_dict()
    for key in a:
        if key != "time":
            assert a[key] == b[key], key
    assert np.array_equal(net_a.rng.get_state()[1], net_b.rng.get_state()[1])


class CtrlCAt(Callback):
    """Sends this process a real SIGINT (what Ctrl-C does) after a given batch."""

    def __init__(self, epoch, batch):
        self.epoch, self.batch = epoch, batch

    def on_batch_end(self, run):
        if (run.epoch, run.batch) == (self.epoch, self.batch):
            os.kill(os.getpid(), signal.SIGINT)


class RaiseAt(Callback):
    def __init__(self, epoch, batch, exception):
        self.epoch, self.batch, self.exception = epoch, batch, exception

    def on_batch_end(self, run):
        if (run.epoch, run.batch) == (self.epoch, self.batch):
            raise self.exception


@pytest.mark.parametrize("epoch, batch", [(2, 3), (0, 0), (3, 7)])  # inside an epoch, first batch, last batch
def test_ctrl_c_stops_after_the_batch_saves_and_resumes_bit_for_bit(tmp_path, epoch, batch):
    expected_net, expected = uninterrupted()
    path = tmp_path / "run" / "checkpoint.npz"

    net = Network([4, 8, 3], seed=5)
    history = fit(net, X, Y, callbacks=[CtrlCAt(epoch, batch)], checkpoint=path, **SETTINGS)
    assert history.stop_reason.startswith("interrupted (Ctrl-C)") and str(path) in history.stop_reason
    assert history.epochs == (epoch + 1 if batch == 7 else epoch)   # a finished epoch is kept, a partial one not
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler   # fit put Python's handler back

    checkpoint = load_checkpoint(path)
    assert checkpoint.in_epoch == (batch != 7)
    state = checkpoint.state
    if checkpoint.in_epoch:
        assert state["partial_epoch"]["next_batch"] == batch + 1
        assert state["partial_epoch"]["seen"] == 16 * (batch + 1)

    resumed_net = Network([4, 8, 3], seed=999)          # a new process: other weights, other generator
    resumed = fit(resumed_net, X, Y, resume=path, **SETTINGS)
    assert_same_run(expected_net, expected, resumed_net, resumed)


def test_keyboard_interrupt_raised_by_a_callback_is_a_clean_stop(tmp_path):
    expected_net, expected = uninterrupted()
    path = tmp_path / "checkpoint.npz"
    history = fit(Network([4, 8, 3], seed=5), X, Y, callbacks=[RaiseAt(1, 4, KeyboardInterrupt)], checkpoint=path,
                  **SETTINGS)
    assert "in epoch 2 after batch 5 of 8" in history.stop_reason
    resumed_net = Network([4, 8, 3], seed=0)
    assert_same_run(expected_net, expected, resumed_net, fit(resumed_net, X, Y, resume=path, **SETTINGS))


def test_a_crash_leaves_the_last_epochs_checkpoint_and_resuming_it_is_bit_for_bit(tmp_path):
    expected_net, expected = uninterrupted()
    path = tmp_path / "checkpoint.npz"
    with pytest.raises(RuntimeError, match="power cut"):
        fit(Network([4, 8, 3], seed=5), X, Y, callbacks=[RaiseAt(3, 2, RuntimeError("power cut"))], checkpoint=path,
            **SETTINGS)
    checkpoint = load_checkpoint(path)
    assert checkpoint.epoch == 3 and not checkpoint.in_epoch
    resumed_net = Network([4, 8, 3], seed=0)
    assert_same_run(expected_net, expected, resumed_net, fit(resumed_net, X, Y, resume=checkpoint, **SETTINGS))


def test_interrupting_twice_in_a_row_still_ends_bit_for_bit(tmp_path):
    expected_net, expected = uninterrupted()
    path = tmp_path / "checkpoint.npz"
    fit(Network([4, 8, 3], seed=5), X, Y, callbacks=[CtrlCAt(1, 2)], checkpoint=path, **SETTINGS)
    fit(Network([4, 8, 3], seed=1), X, Y, callbacks=[CtrlCAt(4, 6)], checkpoint=path, resume=path, **SETTINGS)
    resumed_net = Network([4, 8, 3], seed=2)
    assert_same_run(expected_net, expected, resumed_net, fit(resumed_net, X, Y, resume=path, **SETTINGS))


def test_the_last_checkpoint_of_a_finished_run_holds_the_whole_history(tmp_path):
    net, history = uninterrupted()
    path = tmp_path / "checkpoint.npz"
    fit(Network([4, 8, 3], seed=5), X, Y, checkpoint=path, **SETTINGS)
    checkpoint = load_checkpoint(path)
    assert checkpoint.epoch == 6 and checkpoint.state["history"]["train_loss"] == history.train_loss
    assert checkpoint.settings["optimizer"] == {"name": "adam", "beta1": 0.9, "beta2": 0.999, "eps": 1e-08}


def test_checkpoint_every_n_epochs(tmp_path):
    saved = []

    class Watch(Callback):
        def on_epoch_end(self, run):
            saved.append(load_checkpoint(path).epoch if path.exists() else None)

    path = tmp_path / "checkpoint.npz"
    fit(Network([4, 8, 3], seed=5), X, Y, checkpoint=path, checkpoint_every=2, callbacks=[Watch()], **SETTINGS)
    # the callback looks before fit saves the epoch: it sees the checkpoint of the epoch before
    assert saved == [None, None, 2, 2, 4, 4]
    assert load_checkpoint(path).epoch == 6


@pytest.mark.parametrize("change, message", [
    (dict(learning_rate=0.02), "learning_rate=0.01"),
    (dict(batch_size=8), "batch_size=16"),
    (dict(optimizer="sgd"), "optimizer"),
])
def test_resume_with_other_settings_is_refused(tmp_path, change, message):
    path = tmp_path / "checkpoint.npz"
    fit(Network([4, 8, 3], seed=5), X, Y, checkpoint=path, **SETTINGS)
    with pytest.raises(ConfigError, match=message):
        fit(Network([4, 8, 3]), X, Y, resume=path, **dict(SETTINGS, **change))


def test_resume_with_another_network_or_other_data_is_refused(tmp_path):
    path = tmp_path / "checkpoint.npz"
    fit(Network([4, 8, 3], seed=5), X, Y, checkpoint=path, **SETTINGS)
    with pytest.raises(ConfigError, match=r"network with .*\[4, 8, 3\].*\[4, 6, 3\]"):
        fit(Network([4, 6, 3]), X, Y, resume=path, **SETTINGS)
    X_other = X.copy()
    X_other[5, 2] += 1.0
    with pytest.raises(ConfigError, match="other data"):
        fit(Network([4, 8, 3]), X_other, Y, resume=path, **SETTINGS)

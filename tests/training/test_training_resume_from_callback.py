"""A state taken with ``run.state_dict()`` inside a callback's ``on_epoch_end`` is the state after the epoch,
whatever the callbacks' order: resumed, it gives the run that was never stopped, bit for bit (issue 18)."""
import numpy as np
import pytest

from chainrule import Network
from chainrule.training import Callback, fit

SAVE_AFTER = 3      # epochs done when the state is taken


def blobs(n, seed):
    rng = np.random.RandomState(seed)
    labels = rng.randint(3, size=n)
    X = (rng.randn(3, 4) * 1.5)[labels] + rng.randn(n, 4)
    return X, np.eye(3)[labels]


X, Y = blobs(48, 0)
VAL = blobs(24, 1)


class SaveAndStop(Callback):
    """A user's callback: keep the state after ``SAVE_AFTER`` epochs and stop, as a user's checkpointer would."""

    def __init__(self):
        self.state = None

    def on_epoch_end(self, run):
        if run.history.epochs == SAVE_AFTER:
            self.state = run.state_dict()
            run.stop("saved")


def settings(optimizer, learning_rate):
    return dict(epochs=12, learning_rate=learning_rate, optimizer=optimizer, batch_size=8, validation_data=VAL,
                early_stopping={"patience": 3, "min_delta": 0.0}, diagnostics="quiet")


def whole_and_resumed(optimizer, learning_rate):
    whole = Network([4, 6, 3], seed=5)
    expected = fit(whole, X, Y, **settings(optimizer, learning_rate))
    saver = SaveAndStop()
    fit(Network([4, 6, 3], seed=5), X, Y, callbacks=[saver], **settings(optimizer, learning_rate))
    resumed_net = Network([4, 6, 3], seed=99)          # a fresh process: other weights, other generator
    resumed = fit(resumed_net, X, Y, resume=saver.state, **settings(optimizer, learning_rate))
    return whole, expected, resumed_net, resumed, saver.state


def assert_same_run(whole, expected, resumed_net, resumed):
    expected, resumed = expected.to_dict(), resumed.to_dict()
    assert len(resumed.pop("time")) == len(expected.pop("time"))     # the only series that is measured
    assert resumed == expected          # every other series, the best epoch, the findings, the stop reason
    for a, b in zip(whole.weights + whole.biases, resumed_net.weights + resumed_net.biases):
        assert np.array_equal(a, b)
    for a, b in zip(whole.rng.get_state(), resumed_net.rng.get_state()):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("learning_rate", [0.05, 0.1, 0.15])
def test_a_state_saved_by_a_user_callback_resumes_bit_for_bit(optimizer, learning_rate):
    assert_same_run(*whole_and_resumed(optimizer, learning_rate)[:4])


@pytest.mark.parametrize("learning_rate", [0.1, 0.15])
def test_the_saved_state_holds_the_epochs_early_stopping_update(learning_rate):
    """Momentum at these rates: the saved epoch is an improvement, and the best epoch moves on after it."""
    whole, expected, resumed_net, resumed, state = whole_and_resumed("momentum", learning_rate)
    stopper = state["callbacks"]["EarlyStopping:0"]
    saved_val = state["history"]["val_loss"]
    assert stopper["best"] == min(saved_val) and stopper["best_epoch"] == int(np.argmin(saved_val))
    assert stopper["best_epoch"] == SAVE_AFTER - 1      # the update of the epoch the state was taken in
    assert np.array_equal(stopper["best_weights"][0][0], state["weights"][0])
    assert expected.best_epoch > SAVE_AFTER - 1         # and the best epoch moves after the save point
    assert_same_run(whole, expected, resumed_net, resumed)


def test_early_stopping_given_after_the_saver_in_callbacks_is_still_in_the_saved_state():
    """The order in ``callbacks`` does not matter: early stopping keeps its books before the saver reads them."""
    from chainrule.training import EarlyStopping
    base = settings("momentum", 0.15)
    del base["early_stopping"]
    whole = Network([4, 6, 3], seed=5)
    expected = fit(whole, X, Y, callbacks=[EarlyStopping(patience=3)], **base)
    saver = SaveAndStop()
    fit(Network([4, 6, 3], seed=5), X, Y, callbacks=[saver, EarlyStopping(patience=3)], **base)
    assert saver.state["callbacks"]["EarlyStopping:0"]["best_epoch"] == SAVE_AFTER - 1
    resumed_net = Network([4, 6, 3], seed=99)
    resumed = fit(resumed_net, X, Y, resume=saver.state, callbacks=[EarlyStopping(patience=3)], **base)
    assert_same_run(whole, expected, resumed_net, resumed)


def test_a_callbacks_on_train_end_sees_the_best_weights_put_back():
    seen = {}

    class Keep(Callback):
        def on_epoch_end(self, run):
            seen.setdefault("weights", []).append(run.net.copy_weights()[0][0])

        def on_train_end(self, run):
            seen["final"], seen["best_epoch"] = run.net.weights[0].copy(), run.history.best_epoch

    history = fit(Network([4, 6, 3], seed=5), X, Y, callbacks=[Keep()], **settings("momentum", 0.15))
    assert history.best_epoch is not None and history.best_epoch < history.epochs - 1   # it stopped early
    assert seen["best_epoch"] == history.best_epoch
    assert np.array_equal(seen["final"], seen["weights"][history.best_epoch])
    assert not np.array_equal(seen["final"], seen["weights"][-1])


def test_a_callback_of_yours_marked_runs_first_is_in_the_state_a_saver_before_it_takes():
    class CountEpochs(Callback):
        runs_first = True           # it updates, in on_epoch_end, state that others read

        def __init__(self):
            self.count = 0

        def on_epoch_end(self, run):
            self.count += 1
            run.history.add_metric("count", self.count)

        def state_dict(self):
            return {"count": self.count}

        def load_state_dict(self, state):
            self.count = state["count"]

    saver = SaveAndStop()
    fit(Network([4, 6, 3], seed=5), X, Y, callbacks=[saver, CountEpochs()], **settings("sgd", 0.1))
    assert saver.state["callbacks"]["CountEpochs:0"] == {"count": SAVE_AFTER}
    assert saver.state["history"]["metrics"]["count"] == [1, 2, 3]

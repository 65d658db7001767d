"""Early stopping's settings away from their defaults, each decision checked against the rule applied by hand to
the validation series the run recorded: ``min_delta``, ``patience``, ``monitor`` (loss and accuracy), and the
best epoch's weights, also through a checkpoint file."""
import numpy as np
import pytest

from chainrule import Network
from chainrule.training import Callback, EarlyStopping, fit, load_checkpoint


def blobs(n, seed):
    rng = np.random.RandomState(seed)
    labels = rng.randint(3, size=n)
    X = (rng.randn(3, 4) * 1.2)[labels] + rng.randn(n, 4)
    return X, np.eye(3)[labels]


X, Y = blobs(40, 0)
VAL = blobs(60, 1)


class Weights(Callback):
    def __init__(self):
        self.per_epoch = []

    def on_epoch_end(self, run):
        self.per_epoch.append(run.net.copy_weights())


def by_hand(series, patience, min_delta, mode="min"):
    """The rule: an epoch improves when it beats the best so far by more than min_delta; stop after
    ``patience`` epochs without improvement. Returns (best epoch, epochs run)."""
    best = best_epoch = None
    wait = 0
    for epoch, value in enumerate(series):
        better = best is None or (value < best - min_delta if mode == "min" else value > best + min_delta)
        if better:
            best, best_epoch, wait = value, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return best_epoch, epoch + 1
    return best_epoch, len(series)


def run(**early):
    spy = Weights()
    net = Network([4, 16, 3], seed=3, activation="relu")
    history = fit(net, X, Y, epochs=60, learning_rate=0.4, batch_size=8, validation_data=VAL,
                  early_stopping=EarlyStopping(**early), callbacks=[spy], diagnostics=False)
    return net, history, spy


@pytest.mark.parametrize("min_delta", [0.0, 0.002, 0.02])
@pytest.mark.parametrize("patience", [1, 3])
def test_min_delta_and_patience_decide_as_the_rule_says(min_delta, patience):
    net, history, spy = run(patience=patience, min_delta=min_delta)
    best, epochs = by_hand(history.val_loss, patience, min_delta)
    assert (history.best_epoch, history.epochs) == (best, epochs)
    assert epochs < 60 and history.stop_reason.startswith(
        f"early stopping: val_loss has not improved for {patience} epochs (best ")
    for W, W_best in zip(net.weights + net.biases, spy.per_epoch[best][0] + spy.per_epoch[best][1]):
        assert np.array_equal(W, W_best)


def test_min_delta_changes_the_outcome():
    """The values above are not all the same run: min_delta matters on this data (else the test above could
    not fail for a min_delta that is ignored or applied with the wrong sign)."""
    outcomes = {(h.best_epoch, h.epochs) for h in (run(patience=3, min_delta=d)[1] for d in (0.0, 0.002, 0.02))}
    assert len(outcomes) >= 2


def test_monitoring_accuracy_looks_for_a_rise():
    net, history, spy = run(patience=2, monitor="val_accuracy", min_delta=0.01)
    best, epochs = by_hand(history.val_accuracy, 2, 0.01, mode="max")
    assert (history.best_epoch, history.epochs) == (best, epochs)
    assert history.val_accuracy[best] == max(history.val_accuracy[:epochs])


def test_restore_best_weights_false_keeps_the_last_weights():
    net, history, spy = run(patience=2, restore_best_weights=False)
    assert history.best_epoch < history.epochs - 1
    for W, W_last in zip(net.weights, spy.per_epoch[-1][0]):
        assert np.array_equal(W, W_last)


def test_a_checkpoint_holds_the_best_weights_and_a_resumed_run_puts_them_back(tmp_path):
    """Stop after 4 epochs with the best epoch behind: the checkpoint holds that epoch's weights, and the
    resumed run, which finds no better epoch, ends with them."""
    whole_net, whole, spy = run(patience=3)
    best = whole.best_epoch
    assert 0 < best < whole.epochs - 1

    class StopAt(Callback):
        def on_epoch_end(self, run):
            if run.history.epochs == best + 2:       # one epoch after the best: the best weights are not the net's
                run.stop("paused")

    path = tmp_path / "run.npz"
    net = Network([4, 16, 3], seed=3, activation="relu")
    settings = dict(epochs=60, learning_rate=0.4, batch_size=8, validation_data=VAL, diagnostics=False,
                    early_stopping=EarlyStopping(patience=3))
    fit(net, X, Y, callbacks=[StopAt()], checkpoint=path, **settings)
    state = load_checkpoint(path).state["callbacks"]["EarlyStopping:0"]
    assert state["best_epoch"] == best and state["wait"] == 1
    for saved, expected in zip(state["best_weights"][0] + state["best_weights"][1],
                               spy.per_epoch[best][0] + spy.per_epoch[best][1]):
        assert np.array_equal(saved, expected)
    resumed = Network([4, 16, 3], seed=0, activation="relu")
    history = fit(resumed, X, Y, resume=path, **settings)
    assert history.best_epoch == best and history.epochs == whole.epochs
    for W, W_best in zip(resumed.weights + resumed.biases, whole_net.weights + whole_net.biases):
        assert np.array_equal(W, W_best)


@pytest.mark.parametrize("patience", [0, 1.5, -2])
def test_patience_must_be_a_whole_number_of_at_least_one(patience):
    from chainrule.errors import ConfigError
    with pytest.raises(ConfigError, match=rf"patience must be a whole number >= 1, got {patience!r}"):
        EarlyStopping(patience=patience)

"""fit's arguments, each away from its default and read back: the settings recorded in the history, early
stopping given as a patience, a dict or an object (and refused otherwise), progress output, seed, run_callback,
diagnostics on/quiet/off, weight decay and validation data refused with their messages."""
import io
from contextlib import redirect_stderr, redirect_stdout

import re

import numpy as np
import pytest

from chainrule import Network
from chainrule.errors import ConfigError
from chainrule.training import Adam, Diagnostics, EarlyStopping, StepDecay, fit

def plain_id(value):
    """Test ids without regex characters: mutmut passes them back to pytest on the command line."""
    return re.sub(r"\W+", "_", value).strip("_")[:40] if isinstance(value, str) else None



def blobs(n=40, seed=0):
    rng = np.random.RandomState(seed)
    labels = rng.randint(3, size=n)
    return (rng.randn(3, 4) * 2)[labels] + rng.randn(n, 4), np.eye(3)[labels]


X, Y = blobs()
VAL = blobs(20, 1)


def test_the_history_records_every_setting():
    history = fit(Network([4, 3]), X, Y, epochs=3, learning_rate=0.2, batch_size=16,
                  optimizer=Adam(beta1=0.8), schedule=StepDecay(0.2, 3, step_size=2, gamma=0.5),
                  weight_decay=1e-3, validation_data=VAL, early_stopping={"patience": 4, "min_delta": 0.01},
                  seed=7, diagnostics=False)
    assert history.settings == {
        "epochs": 3, "learning_rate": 0.2, "batch_size": 16,
        "optimizer": {"name": "adam", "beta1": 0.8, "beta2": 0.999, "eps": 1e-8},
        "schedule": {"name": "step", "step_size": 2, "gamma": 0.5}, "weight_decay": 1e-3,
        "early_stopping": {"patience": 4, "monitor": "val_loss", "min_delta": 0.01},
        "n_train": 40, "n_validation": 20, "seed": 7}
    assert history.learning_rate == [0.2, 0.2, 0.1]
    plain = fit(Network([4, 3]), X, Y, epochs=1, learning_rate=0.1, diagnostics=False)
    assert plain.settings["early_stopping"] is None and plain.settings["n_validation"] is None
    assert plain.settings["seed"] is None and plain.settings["batch_size"] == 32
    assert plain.val_loss == [None] and plain.stop_reason is None and plain.best_epoch is None


@pytest.mark.parametrize("spec, patience", [(2, 2), (np.int64(3), 3), ({"patience": 4}, 4),
                                            (EarlyStopping(patience=5), 5)])
def test_early_stopping_as_a_patience_a_dict_or_an_object(spec, patience):
    seen = []

    def grab(run):
        seen.extend(c for c in run.callbacks if isinstance(c, EarlyStopping))

    fit(Network([4, 3]), X, Y, epochs=1, learning_rate=0.1, validation_data=VAL, early_stopping=spec,
        run_callback=grab, diagnostics=False)
    assert [c.patience for c in seen] == [patience]
    if isinstance(spec, EarlyStopping):
        assert seen[0] is spec


@pytest.mark.parametrize("spec", [None, False])
def test_no_early_stopping(spec):
    runs = []
    fit(Network([4, 3]), X, Y, epochs=1, learning_rate=0.1, early_stopping=spec, run_callback=runs.append,
        diagnostics=False)
    assert not [c for c in runs[0].callbacks if isinstance(c, EarlyStopping)]


@pytest.mark.parametrize("spec", [True, "5", 2.5, [3]])
def test_other_early_stopping_values_are_refused(spec):
    with pytest.raises(ConfigError, match=r"^early_stopping must be a patience \(int\), a dict of EarlyStopping "
                                          r"settings or an EarlyStopping, got "):
        fit(Network([4, 3]), X, Y, epochs=1, learning_rate=0.1, validation_data=VAL, early_stopping=spec)


def test_seed_reseeds_the_shuffling_and_none_keeps_the_generator():
    a, b = Network([4, 3], seed=1), Network([4, 3], seed=2)
    b.set_weights(a.copy_weights())
    fit(a, X, Y, epochs=2, learning_rate=0.1, batch_size=8, seed=11, diagnostics=False)
    fit(b, X, Y, epochs=2, learning_rate=0.1, batch_size=8, seed=11, diagnostics=False)
    assert all(np.array_equal(p, q) for p, q in zip(a.weights, b.weights))
    c = Network([4, 3], seed=1)
    state = c.rng.get_state()
    fit(c, X, Y, epochs=1, learning_rate=0.1, batch_size=8, diagnostics=False)
    expected = np.random.RandomState()
    expected.set_state(state)
    expected.permutation(len(X))                       # one epoch drew one permutation from the net's own
    assert c.rng.randint(1 << 30) == expected.randint(1 << 30)


class _Terminal(io.StringIO):
    """A stream that says it is a terminal: the bar is drawn only on one (chainrule.terminal)."""

    def isatty(self):
        return True


def test_progress_true_draws_the_bar_and_prints_epoch_lines_epochs_prints_only_lines():
    out, err = io.StringIO(), _Terminal()
    with redirect_stdout(out), redirect_stderr(err):
        fit(Network([4, 3]), X, Y, epochs=2, learning_rate=0.1, batch_size=8, progress=True, diagnostics=False)
    assert [line.split("  ")[0] for line in out.getvalue().splitlines()] == ["Epoch 1/2", "Epoch 2/2"]
    assert "\rEpoch 1/2 [" in err.getvalue()
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        fit(Network([4, 3]), X, Y, epochs=2, learning_rate=0.1, batch_size=8, progress="epochs", diagnostics=False)
    assert len(out.getvalue().splitlines()) == 2 and err.getvalue() == ""
    out = io.StringIO()
    with redirect_stdout(out):
        fit(Network([4, 3]), X, Y, epochs=2, learning_rate=0.1, diagnostics=False)
    assert out.getvalue() == ""


def test_diagnostics_on_quiet_off_or_an_object():
    zeros = np.zeros((8, 4))                            # no gradient reaches the weights: a finding
    labels = np.eye(3)[[0, 1, 2, 0, 1, 2, 0, 1]]
    out = io.StringIO()
    with redirect_stdout(out):
        loud = fit(Network([4, 5, 3]), zeros, labels, epochs=2, learning_rate=0.1)
    assert loud.findings and out.getvalue()
    out = io.StringIO()
    with redirect_stdout(out):
        quiet = fit(Network([4, 5, 3]), zeros, labels, epochs=2, learning_rate=0.1, diagnostics="quiet")
    assert out.getvalue() == "" and len(quiet.findings) == len(loud.findings)
    assert fit(Network([4, 5, 3]), zeros, labels, epochs=2, learning_rate=0.1, diagnostics=False).findings == []
    stream = io.StringIO()
    mine = Diagnostics(stream=stream)
    own = fit(Network([4, 5, 3]), zeros, labels, epochs=2, learning_rate=0.1, diagnostics=mine)
    assert own.findings and stream.getvalue() and mine.probe_losses


@pytest.mark.parametrize("bad, message", [
    (dict(weight_decay=True), r"^weight_decay must be a number >= 0, got True$"),
    (dict(weight_decay="0.1"), r"^weight_decay must be a number >= 0, got '0\.1'$"),
    (dict(weight_decay=float("nan")), r"^weight_decay must be >= 0, got nan$"),
    (dict(weight_decay=float("inf")), r"^weight_decay must be >= 0, got inf$"),
    (dict(validation_data=(VAL[0],)), r"^validation_data must be a pair \(X_val, y_val\)$"),
    (dict(epochs=1.5), r"^epochs must be a whole number, got 1\.5$"),
], ids=plain_id)
def test_bad_arguments_are_refused_by_name(bad, message):
    settings = dict(epochs=1, learning_rate=0.1)
    settings.update(bad)
    with pytest.raises(ConfigError, match=message):
        fit(Network([4, 3]), X, Y, **settings)


def test_fit_trains_only_a_network():
    with pytest.raises(ConfigError, match=r"^fit trains a chainrule Network, got dict$"):
        fit({}, X, Y, epochs=1, learning_rate=0.1)


def test_zero_weight_decay_given_as_an_integer_is_no_decay():
    a, b = Network([4, 3], seed=3), Network([4, 3], seed=3)
    fit(a, X, Y, epochs=1, learning_rate=0.1, weight_decay=0, seed=1, diagnostics=False)
    fit(b, X, Y, epochs=1, learning_rate=0.1, seed=1, diagnostics=False)
    assert all(np.array_equal(p, q) for p, q in zip(a.weights, b.weights))

"""Train and test loss per epoch on noisy sine data: the guide's two overfitting set-ups, and one where
overfitting really shows.

- ``"guide"`` (Section 4 "Overfitting and Underfitting"): 20 noisy training points, 50 clean test points on a
  grid, ``Network([1, 16, 16, 1], seed=42)``, learning rate 1.0, 3000 epochs.
- ``"exercise"`` (Exercise 4.1): 30 noisy points split 20/10, ``Network([1, 16, 1], seed=42)``, 2000 epochs.
- ``"shows"``: a set-up found by experiment where the test loss clearly rises while the train loss falls
  (few, noisy points and a wide tanh network trained long; see ``SETUPS``).

Data come from ``RandomState(seed)`` exactly as the guide's ``np.random.seed(42)`` code draws them. Training is
the guide's: one ``train_step`` per example, in order. The train loss of an epoch is the mean of its step losses
(the guide's block) and is also evaluated after the epoch (the exercise's); the test loss is evaluated after it.
"""
from dataclasses import dataclass, field

import numpy as np

from ..core import Network
from ..core.validation import LOSS_BYTES_PER_EPOCH, check_epochs
from ..data.toy import noisy_sine as draw_noisy_sine
from ..errors import ConfigError
from ..guide.training_loop import train_pass
from .figures import fit_layout, save_figure, subplots


@dataclass(frozen=True)
class Setup:
    name: str
    description: str
    layer_sizes: tuple
    epochs: int
    learning_rate: float = 1.0
    activation: str = "sigmoid"
    n_train: int = 20
    n_test: int = 50
    noise: float = 0.1
    split: bool = False          # True: one noisy sample split into train and test (the exercise)
    seed: int = 42
    report_every: int = 1000
    batch_size: int = 1          # 1: the guide's train_step per example, in order; else train_epoch batches


SETUPS = {
    "guide": Setup("guide", "the guide's Section 4 demo", (1, 16, 16, 1), 3000, report_every=1000),
    "exercise": Setup("exercise", "the guide's Exercise 4.1", (1, 16, 1), 2000, n_test=10, split=True,
                      report_every=500),
    # found by experiment: the guide's sigmoid network made wider (32-32), only 8 points with noise 0.25, and
    # full-batch gradient descent at learning rate 3; from epoch ~1000 the test loss climbs for thousands of
    # epochs while the train loss keeps falling
    "shows": Setup("shows", "a set-up that does overfit: 8 noisier points, a 32-32 sigmoid network",
                   (1, 32, 32, 1), 8000, learning_rate=3.0, n_train=8, noise=0.25, batch_size=8,
                   report_every=1000),
}


def noisy_sine(setup):
    """``(X_train, y_train, X_test, y_test)`` drawn as the guide draws them."""
    rng = np.random.RandomState(setup.seed)
    if setup.split:
        X, y = draw_noisy_sine(setup.n_train + setup.n_test, rng, setup.noise)
        return X[:setup.n_train], y[:setup.n_train], X[setup.n_train:], y[setup.n_train:]
    X_train, y_train = draw_noisy_sine(setup.n_train, rng, setup.noise)
    X_test = np.linspace(0, 1, setup.n_test).reshape(-1, 1)
    return X_train, y_train, X_test, np.sin(X_test * np.pi)


@dataclass
class OverfitRun:
    setup: Setup
    step_losses: list = field(default_factory=list)    # mean train_step loss during each epoch
    train_losses: list = field(default_factory=list)   # train loss evaluated after each epoch
    test_losses: list = field(default_factory=list)    # test loss evaluated after each epoch
    figure: str = None

    @property
    def best_epoch(self):
        return int(np.argmin(self.test_losses))

    @property
    def test_rise(self):
        """How far the final test loss is above its minimum, as a fraction of the minimum."""
        return self.test_losses[-1] / min(self.test_losses) - 1

    @property
    def train_fell(self):
        return self.train_losses[-1] < self.train_losses[self.best_epoch]

    @property
    def verdict(self):
        """'yes' (test loss rose >= 50% above its minimum while the train loss kept falling), 'slightly'
        (>= 5%) or 'no'."""
        if self.train_fell and self.test_rise >= 0.5:
            return "yes"
        if self.train_fell and self.test_rise >= 0.05:
            return "slightly"
        return "no"


def _setup(setup, epochs=None):
    if isinstance(setup, str):
        if setup not in SETUPS:
            raise ConfigError(f"unknown overfitting set-up {setup!r}; choose one of {', '.join(SETUPS)}")
        setup = SETUPS[setup]
    if epochs is not None:
        setup = Setup(**{**setup.__dict__, "epochs": check_epochs(epochs, bytes_each=3 * LOSS_BYTES_PER_EPOCH)})
    return setup


def overfit(setup="guide", epochs=None, out=None):
    """Run one set-up (a name in ``SETUPS`` or a ``Setup``); ``epochs`` overrides its length.
    With ``out``, save its figure (losses per epoch, and the learned function)."""
    runs = overfit_study([setup], epochs, out)
    return runs[0]


def overfit_study(setups=("guide", "exercise", "shows"), epochs=None, out=None):
    """Run several set-ups; with ``out``, one figure with a row per set-up. Returns the runs."""
    runs, nets = [], []
    for setup in setups:
        setup = _setup(setup, epochs)
        data = noisy_sine(setup)
        net = Network(list(setup.layer_sizes), seed=setup.seed, activation=setup.activation)
        runs.append(_train(setup, net, *data))
        nets.append((net, data))
    if out is not None:
        fig, axes = subplots(len(runs), 2, figsize=(11, 4 * len(runs)), squeeze=False)
        for (left, right), run, (net, data) in zip(axes, runs, nets):
            _plot(left, right, run, net, *data)
        fit_layout(fig)
        figure = save_figure(fig, out)
        for run in runs:
            run.figure = figure
    return runs


def _train(setup, net, X_train, y_train, X_test, y_test):
    run = OverfitRun(setup)
    for _ in range(setup.epochs):
        if setup.batch_size == 1:
            run.step_losses.append(train_pass(net, X_train, y_train, setup.learning_rate))
        else:
            run.step_losses.append(net.train_epoch(X_train, y_train, setup.learning_rate,
                                                   batch_size=setup.batch_size, shuffle=False))
        run.train_losses.append(net.loss_value(X_train, y_train))
        run.test_losses.append(net.loss_value(X_test, y_test))
    return run


def _plot(left, right, run, net, X_train, y_train, X_test, y_test):
    s = run.setup
    epochs = np.arange(len(run.train_losses))
    window = max(1, len(epochs) // 100)
    for losses, label, color in ((run.train_losses, "train", "#1f77b4"), (run.test_losses, "test", "#ff7f0e")):
        if window > 1:   # every epoch, thin, and a running mean over `window` epochs on top
            left.plot(epochs, losses, color=color, lw=0.6, alpha=0.35)
            smooth = np.convolve(losses, np.ones(window) / window, mode="valid")
            left.plot(epochs[window - 1:], smooth, color=color, lw=2, label=f"{label} (mean of {window} epochs)")
        else:
            left.plot(epochs, losses, color=color, label=label)
    left.axvline(run.best_epoch, color="#999999", ls=":", label=f"lowest test loss (epoch {run.best_epoch})")
    left.set_yscale("log")
    left.set(xlabel="Epoch", ylabel="MSE loss", title=f"{s.description}: overfitting? {run.verdict}")
    left.legend(fontsize=10)
    left.grid(True, alpha=0.3)
    grid = np.linspace(0, 1, 200).reshape(-1, 1)
    right.plot(grid, np.sin(grid * np.pi), "b-", lw=2, label="sin(pi x)")
    right.plot(grid, net.forward(grid), "r--", lw=2, label="Network")
    right.scatter(X_train, y_train, c="blue", s=24, label="train")
    right.scatter(X_test, y_test, facecolors="none", edgecolors="#ff7f0e", s=24, label="test")
    right.set(xlabel="x", ylabel="y", title=f"{list(s.layer_sizes)} {s.activation}, {s.n_train} points, "
                                            f"noise {s.noise:g}, lr {s.learning_rate:g}, {s.epochs} epochs")
    right.legend(fontsize=10)
    right.grid(True, alpha=0.3)


def _report_epochs(run):
    n = len(run.test_losses)
    return sorted({e for e in range(0, n, run.setup.report_every)} | {n - 1})


def format_overfit(run):
    s = run.setup
    lines = [f"{s.description}: Network({list(s.layer_sizes)}, seed={s.seed}, activation={s.activation!r}), "
             f"{s.n_train} train / {s.n_test} test points, noise {s.noise:g}, lr {s.learning_rate:g}, "
             f"{s.epochs} epochs", ""]
    lines.append(f"{'Epoch':>5}  {'train (steps)':>13}  {'train':>10}  {'test':>10}  {'test/train':>10}")
    lines.append("-" * 56)
    for e in _report_epochs(run):
        lines.append(f"{e:>5}  {run.step_losses[e]:>13.6f}  {run.train_losses[e]:>10.6f}  "
                     f"{run.test_losses[e]:>10.6f}  {run.test_losses[e] / run.train_losses[e]:>10.2f}")
    if s.split:
        flagged = [e for e in _report_epochs(run) if run.test_losses[e] / run.train_losses[e] > 3]
        lines.append(f"The exercise's flag 'Overfitting?' (test/train > 3): "
                     f"{'Yes at epochs ' + ', '.join(map(str, flagged)) if flagged else 'No at every epoch above'}.")
    best = run.best_epoch
    lines += ["", f"Lowest test loss {run.test_losses[best]:.6f} at epoch {best}; final {run.test_losses[-1]:.6f} "
                  f"({run.test_rise:+.0%} from the lowest). Train loss {run.train_losses[best]:.6f} -> "
                  f"{run.train_losses[-1]:.6f} over the same epochs."]
    if run.verdict == "yes":
        lines.append("Did the test loss rise? YES: the train loss kept falling while the test loss climbed. "
                     "That is overfitting.")
    elif run.verdict == "slightly":
        lines.append(f"Did the test loss rise? Only slightly ({run.test_rise:.0%}): not the clear overfitting "
                     "the guide describes.")
    else:
        lines.append("Did the test loss rise? NO: with these settings the network does not overfit.")
    if run.figure:
        lines += ["", f"Figure: {run.figure}"]
    return "\n".join(lines)

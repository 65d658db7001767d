"""XOR trained at several learning rates from the same initial weights (the guide's ``learning_rates.png``).

The guide's Section 3 "Learning Rate" block: ``Network([2, 4, 1], seed=42)``, one ``train_step`` per example,
the average of the four step losses recorded per pass, and the final loss = the mean loss of the four examples
after training. Exercise 3.2 is the same with 2000 steps and learning rates 0.1, 0.5, 2, 10.
"""
from dataclasses import dataclass

import numpy as np

from ..core import Network
from ..core.validation import LOSS_BYTES_PER_EPOCH, check_epochs, check_positive
from ..errors import ConfigError
from ..data.toy import XOR_X, XOR_Y
from ..guide.training_loop import train_xor_pass, verdict
from .figures import fit_layout, save_figure, subplots



def behaviour(losses, window=50):
    """What the end of a loss curve does: 'converging', 'saturated' (flat, all outputs pinned) or 'oscillating'."""
    tail = np.asarray(losses[-window:])
    if np.ptp(tail) > 0.05 * max(tail.mean(), 1e-12) and np.mean(np.diff(tail) > 0) > 0.3:
        return "oscillating"
    if tail.mean() > 0.2 and np.ptp(tail) < 1e-3:
        return "saturated"
    return "converging"


@dataclass
class SweepRun:
    learning_rate: float
    losses: list            # average step loss per pass over the four examples
    final_loss: float       # mean loss of the four examples after training
    predictions: list

    @property
    def verdict(self):
        return verdict(self.final_loss)

    @property
    def behaviour(self):
        return behaviour(self.losses)


@dataclass
class Sweep:
    layer_sizes: list
    seed: int
    steps: int
    runs: list
    figure: str = None


def lr_sweep(learning_rates=(0.1, 1.0, 5.0, 50.0), steps=500, layer_sizes=(2, 4, 1), seed=42, out=None):
    """Train XOR from the same initial weights at each learning rate; with ``out``, save the curves."""
    learning_rates = [check_positive(lr, "learning rate") for lr in learning_rates]
    if not learning_rates:
        raise ConfigError("lr_sweep needs at least one learning rate, got none")
    steps = check_epochs(steps, "steps", bytes_each=LOSS_BYTES_PER_EPOCH, runs=len(learning_rates))
    net = Network(list(layer_sizes), seed=seed)
    initial = net.copy_weights()
    runs = []
    for lr in learning_rates:
        net.set_weights(initial)
        losses = [train_xor_pass(net, lr) for _ in range(steps)]
        final = sum(net.loss_value(xi, yi) for xi, yi in zip(XOR_X, XOR_Y)) / len(XOR_X)
        predictions = [float(net.forward(xi)[0]) for xi in XOR_X]
        runs.append(SweepRun(lr, losses, final, predictions))
    sweep = Sweep(list(layer_sizes), seed, steps, runs)
    if out is not None:
        sweep.figure = _plot(sweep, out)
    return sweep


def _plot(sweep, out):
    n = len(sweep.runs)
    # two curves a row: four in a row made a 20-inch strip whose text no thumbnail or phone could show
    n_cols = min(n, 2)
    n_rows = -(-n // n_cols)
    fig, axes = subplots(n_rows, n_cols, figsize=(5.5 * n_cols, 3.6 * n_rows), squeeze=False, sharey=True)
    top = max(0.5, max(max(run.losses) for run in sweep.runs)) * 1.08
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax, run in zip(axes.flat, sweep.runs):
        ax.plot(run.losses)
        ax.set_title(f"LR = {run.learning_rate:g}: final {run.final_loss:.4f}")
        ax.set_xlabel("Step")
        ax.set_ylabel("Loss")
        ax.set_ylim(0, top)
        ax.grid(True, alpha=0.3)
    fig.suptitle(f"Effect of Learning Rate on Training (XOR, {sweep.layer_sizes}, seed {sweep.seed}, "
                 f"{sweep.steps} steps)", fontsize=13)
    fit_layout(fig)
    return save_figure(fig, out)


def format_sweep(sweep, decimals=4):
    lines = [f"XOR, Network({sweep.layer_sizes}, seed={sweep.seed}), {sweep.steps} passes of one train_step per "
             f"example, the same initial weights for every learning rate:", ""]
    for run in sweep.runs:
        lines.append(f"LR={run.learning_rate:>5}: final loss = {run.final_loss:.{decimals}f}   "
                     f"{run.verdict:<15}  end of the curve: {run.behaviour}")
    for run in sweep.runs:
        if run.behaviour == "saturated":
            rounded = ", ".join(f"{p:.4f}" for p in run.predictions)
            lines.append(f"\nAt LR={run.learning_rate:g} the loss is flat at {run.final_loss:.4f}, not oscillating: "
                         f"the first steps drive the sigmoids into saturation (predictions {rounded}), where "
                         f"their derivative a(1 - a) is ~0 and learning stops.")
    if sweep.figure:
        lines += ["", f"Figure: {sweep.figure}"]
    return "\n".join(lines)

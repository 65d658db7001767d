"""Fitting sin(x) on [0, pi] (the guide's Section 4 "Monitoring Training: The Loss Curve", ``training_curve.png``).

``RandomState(42)`` draws 50 x's in [0, pi] (the guide's ``np.random.seed(42)`` data, without global state),
inputs scaled to [0, 1]; ``Network([1, 8, 1], seed=42)`` trains 1000 epochs at learning rate 2.0, one
``train_step`` per example in order; the loss per epoch is the mean of the step losses.
"""
from dataclasses import dataclass

import numpy as np

from ..core import Network
from ..core.validation import LOSS_BYTES_PER_EPOCH, check_epochs, check_positive
from ..data.toy import sine_data
from ..guide.training_loop import train_pass
from .figures import fit_layout, save_figure, subplots


@dataclass
class SineFit:
    layer_sizes: list
    learning_rate: float
    losses: list
    x_grid: np.ndarray
    prediction: np.ndarray     # the network on x_grid
    X: np.ndarray
    y: np.ndarray
    figure: str = None

    @property
    def final_loss(self):
        return self.losses[-1]

    @property
    def max_error(self):
        """Largest |network - sin| on the grid."""
        return float(np.max(np.abs(self.prediction - np.sin(np.pi * self.x_grid))))


def fit_sine(epochs=1000, learning_rate=2.0, layer_sizes=(1, 8, 1), seed=42, n_points=50, out=None):
    """Train the guide's sine fit; with ``out``, save the loss curve and the learned function."""
    epochs = check_epochs(epochs, bytes_each=LOSS_BYTES_PER_EPOCH)
    learning_rate = check_positive(learning_rate, "learning_rate")
    X, y = sine_data(n_points, seed)
    net = Network(list(layer_sizes), seed=seed)
    losses = [train_pass(net, X, y, learning_rate) for _ in range(epochs)]
    x_grid = np.linspace(0, 1, 100)
    prediction = net.forward(x_grid.reshape(-1, 1))[:, 0].copy()
    result = SineFit(list(layer_sizes), learning_rate, losses, x_grid, prediction, X, y)
    if out is not None:
        result.figure = _plot(result, out)
    return result


def _plot(result, out):
    fig, (left, right) = subplots(1, 2, figsize=(10, 4))
    left.plot(result.losses)
    left.set(xlabel="Epoch", ylabel="Average Loss", title=f"Training Loss Curve (final {result.final_loss:.6f})")
    left.grid(True, alpha=0.3)
    right.plot(result.x_grid, np.sin(result.x_grid * np.pi), "b-", label="sin(x)", linewidth=2)
    right.plot(result.x_grid, result.prediction, "r--", label="Network", linewidth=2)
    right.scatter(result.X, result.y, c="blue", s=20, alpha=0.5, label="Training data")
    right.set(xlabel="x (normalized)", ylabel="y", title="Learned Function")
    right.legend()
    right.grid(True, alpha=0.3)
    fit_layout(fig)
    return save_figure(fig, out)


def format_sine(result):
    lines = [f"sin(x) on [0, pi], {len(result.X)} points, Network({result.layer_sizes}, seed=42), "
             f"learning rate {result.learning_rate:g}, {len(result.losses)} epochs of one train_step per example",
             ""]
    for epoch in sorted({0, len(result.losses) // 10, len(result.losses) // 2, len(result.losses) - 1}):
        lines.append(f"  epoch {epoch:>5}: loss {result.losses[epoch]:.6f}")
    lines += ["", f"Final loss: {result.final_loss:.6f}",
              f"Largest |network - sin(x)| on 100 points of [0, 1]: {result.max_error:.4f}"]
    if result.figure:
        lines += ["", f"Figure: {result.figure}"]
    return "\n".join(lines)

"""Section 4, Training in Practice: the sine loss curve (block 24), the overfitting demo (block 25) and
Exercise 4.1 (block 27).

The guide draws its data after ``np.random.seed(42)``; a private ``np.random.RandomState(42)`` draws the
same numbers without touching NumPy's global random state.
"""
import numpy as np

from ..core import Network, mse_loss
from ..data.toy import noisy_sine, sine_data
from .training_loop import train_pass


def _mean_loss(net, X, y):
    """The mean over examples of each example's MSE, summed one example at a time as the guide does."""
    return sum(mse_loss(net.forward(xi.flatten()), yi.flatten()) for xi, yi in zip(X, y)) / len(X)


def fit_sine(n_epochs=1000, learning_rate=2.0, seed=42):
    """``Network([1, 8, 1], seed=42)`` fitted to ``sine_data()``: ``(net, losses)``, one mean loss per epoch."""
    X, y = sine_data(seed=seed)
    net = Network([1, 8, 1], seed=seed)
    losses = [train_pass(net, X, y, learning_rate) for _ in range(n_epochs)]
    return net, losses


def block_24_loss_curve():
    """The sine fit's final loss (the figure is ``chainrule fit-sine``)."""
    _, losses = fit_sine()
    return f"Final loss: {losses[-1]:.6f}"


def block_25_overfitting():
    """``Network([1, 16, 16, 1])`` on 20 noisy sine points for 3000 epochs, tested on 50 clean points."""
    X_train, y_train = noisy_sine(20, np.random.RandomState(42))
    X_test = np.linspace(0, 1, 50).reshape(-1, 1)
    y_test = np.sin(X_test * np.pi)
    net = Network([1, 16, 16, 1], seed=42)
    lines = []
    for epoch in range(3000):
        train_loss = train_pass(net, X_train, y_train, 1.0)
        if epoch % 1000 == 0 or epoch == 2999:
            # The guide evaluates the test loss every epoch; it changes nothing, so only printed epochs do here.
            test_loss = _mean_loss(net, X_test, y_test)
            lines.append(f"Epoch {epoch:>4}: train_loss={train_loss:.6f}  test_loss={test_loss:.6f}")
    return "\n".join(lines)


def block_27_split_and_overfit():
    """Exercise 4.1: 30 noisy sine points split 20/10, ``Network([1, 16, 1])`` for 2000 epochs."""
    X_all, y_all = noisy_sine(30, np.random.RandomState(42))
    X_train, y_train = X_all[:20], y_all[:20]
    X_test, y_test = X_all[20:], y_all[20:]
    net = Network([1, 16, 1], seed=42)
    lines = [f"{'Epoch':>5}  {'Train Loss':>12}  {'Test Loss':>12}  {'Overfitting?':>13}", "-" * 48]
    for epoch in range(2000):
        train_pass(net, X_train, y_train, 1.0)
        if epoch % 500 == 0 or epoch == 1999:
            train_loss = _mean_loss(net, X_train, y_train)
            test_loss = _mean_loss(net, X_test, y_test)
            gap = test_loss / train_loss if train_loss > 0 else 0
            overfit = "Yes" if gap > 3 else "No"
            lines.append(f"{epoch:>5}  {train_loss:>12.6f}  {test_loss:>12.6f}  {overfit:>13}")
    return "\n".join(lines)

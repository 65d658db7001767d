"""Section 3, The Training Loop: single-example training (block 18), the learning-rate sweep (block 19),
XOR (Exercise 3.1, block 22) and XOR at four learning rates (Exercise 3.2, block 23).

As in the guide, training is one ``train_step`` per example (stochastic gradient descent, batch size 1),
cycling through the four XOR examples in order; a "step" is one pass over all four.
"""
import numpy as np

from ..core import Network, mse_loss
from ..data.toy import XOR_X, XOR_Y



def train_pass(net, X, y, learning_rate):
    """The guide's training loop: one ``train_step`` per example, in order (one example at a time, as the guide's
    code does); returns the mean of the step losses."""
    total_loss = 0.0
    for xi, yi in zip(X, y):
        total_loss += net.train_step(xi, yi, learning_rate)
    return total_loss / len(X)


def train_xor_pass(net, learning_rate):
    """One pass over the four XOR examples; returns the mean of their step losses."""
    return train_pass(net, XOR_X, XOR_Y, learning_rate)


def xor_loss(net):
    """The mean over the four XOR examples of each example's MSE, as the guide sums it."""
    return sum(mse_loss(net.forward(xi), yi) for xi, yi in zip(XOR_X, XOR_Y)) / len(XOR_X)


def block_18_single_example():
    """``Network([2, 4, 1], seed=42)`` learns [1, 2] -> 1 in 10 steps at learning rate 1."""
    net = Network([2, 4, 1], seed=42)
    x, target = np.array([1.0, 2.0]), np.array([1.0])
    lines = ["Training on a single example: [1, 2] -> [1.0]", "",
             f"{'Step':>5}  {'Loss':>8}  {'Prediction':>11}", "-" * 30]
    for step in range(10):
        loss = net.train_step(x, target, learning_rate=1.0)
        prediction = net.forward(x)
        if step < 5 or step == 9:
            lines.append(f"{step:>5}  {loss:>8.4f}  {prediction[0]:>11.4f}")
    return "\n".join(lines)


def lr_sweep_final_losses(learning_rates=(0.1, 1.0, 5.0, 50.0), n_steps=500, seed=42):
    """XOR from the same initial weights (``copy_weights``/``set_weights``) at each learning rate:
    ``{learning_rate: final loss}`` after ``n_steps`` passes."""
    net = Network([2, 4, 1], seed=seed)
    initial_weights = net.copy_weights()
    final = {}
    for lr in learning_rates:
        net.set_weights(initial_weights)
        for _ in range(n_steps):
            train_xor_pass(net, lr)
        final[lr] = xor_loss(net)
    return final


def block_19_learning_rates():
    """The learning-rate sweep's printed final losses (the figure is ``chainrule lr-sweep``)."""
    return "\n".join(f"LR={lr:>5}: final loss = {loss:.4f}" for lr, loss in lr_sweep_final_losses().items())


def block_22_xor():
    """Exercise 3.1: XOR at learning rate 2 for 2000 steps, then the four predictions."""
    lr = 2.0
    net = Network([2, 4, 1], seed=42)
    lines = [f"Training on XOR (lr={lr}, 2000 steps)", "", f"{'Step':>5}  {'Avg Loss':>10}", "-" * 18]
    for step in range(2000):
        avg_loss = train_xor_pass(net, lr)
        if step % 500 == 0 or step == 1999:
            lines.append(f"{step:>5}  {avg_loss:>10.6f}")
    lines += ["", "Final predictions:"]
    for xi, yi in zip(XOR_X, XOR_Y):
        lines.append(f"  {xi} -> {net.forward(xi)[0]:.4f}  (target: {yi[0]:.0f})")
    return "\n".join(lines)


def verdict(final_loss):
    """The guide's Exercise 3.2 verdict for a final loss."""
    if final_loss > 0.2:
        return "Too slow/stuck"
    if final_loss > 0.01:
        return "Learning slowly"
    if final_loss > 0.001:
        return "Good"
    return "Great"


def block_23_xor_learning_rates():
    """Exercise 3.2: XOR for 2000 steps at learning rates 0.1, 0.5, 2 and 10, each from a fresh seed-42 network."""
    lines = [f"{'LR':>5}  {'Final Loss':>12}  {'Verdict':>15}", "-" * 38]
    for lr in [0.1, 0.5, 2.0, 10.0]:
        net = Network([2, 4, 1], seed=42)
        for _ in range(2000):
            train_xor_pass(net, lr)
        final_loss = xor_loss(net)
        lines.append(f"{lr:>5}  {final_loss:>12.6f}  {verdict(final_loss):>15}")
    return "\n".join(lines)

"""Section 2's seeded networks: ``backward()`` (block 14), gradient checking (block 15) and
Exercise 2.2's gradient check of a [3, 4, 2] network (block 17).

Block 17 is where the guide's code is wrong, not just its printed numbers: its ``backward()`` starts from
dL/da = 2 (a - t), but its ``mse_loss`` averages over the 2 outputs, so its gradients are twice the true
ones and every one of its 26 checks fails. chainrule's gradients are those of the loss it reports, and
all 26 pass; ``block_17_gradient_check_3_4_2`` prints what chainrule prints (docs/errata.md, block 17).
"""
import numpy as np

from ..core import Network, gradient_check, mse_loss

X = np.array([1.0, 2.0])
TARGET = np.array([1.0])


def block_14_backward():
    """``Network([2, 2, 1], seed=0)``: prediction, loss and every gradient for x = [1, 2], target 1."""
    net = Network([2, 2, 1], seed=0)
    prediction = net.forward(X)
    loss = mse_loss(prediction, TARGET)
    weight_grads, bias_grads = net.backward(TARGET)
    lines = [f"Prediction: {prediction[0]:.4f}", f"Loss:       {loss:.4f}", "", "Weight gradients:"]
    for i, (wg, bg) in enumerate(zip(weight_grads, bias_grads)):
        lines.append(f"  Layer {i + 1}: dW = {np.round(wg, 4)}")
        lines.append(f"           db = {np.round(bg, 4)}")
    return "\n".join(lines)


def block_15_gradient_check():
    """``gradient_check`` on block 14's network: one row per weight and bias, in the guide's format."""
    net = Network([2, 2, 1], seed=0)
    report = gradient_check(net, X, TARGET)
    return "\n".join(["Gradient check (analytical vs numerical):", ""] + [str(row) for row in report])


def block_17_gradient_check_3_4_2():
    """Exercise 2.2: ``Network([3, 4, 2], seed=99)``, x = [0.5, -1, 2], target [1, 0], all 26 gradients checked."""
    net = Network([3, 4, 2], seed=99)
    x = np.array([0.5, -1.0, 2.0])
    target = np.array([1.0, 0.0])
    prediction = net.forward(x)
    loss = mse_loss(prediction, target)
    lines = [
        "Architecture: 3 -> 4 -> 2",
        f"Input:      {x}",
        f"Target:     {target}",
        f"Prediction: {np.round(prediction, 4)}",
        f"Loss:       {loss:.4f}",
        "",
    ]
    report = gradient_check(net, x, target)
    for row in report.failures:
        lines.append(f"FAIL: Layer {row.layer} {row.parameter}[{','.join(map(str, row.index))}]")
    if report.passed:
        lines.append(f"All {net.n_params} gradients passed! Backprop is correct.")
    return "\n".join(lines)

"""MSE against cross-entropy for a sigmoid output: the loss and its gradient against the prediction (the guide's
Section 1 table, with the saturation story) and the loss surface over two weights of the guide's 2->2->1 network.

Every number comes from chainrule's losses, activations and Network; nothing is re-derived here.
"""
from dataclasses import dataclass

import numpy as np

from ..core import get_activation, get_loss
from .figures import CE_COLOR, MSE_COLOR, fit_layout, save_figure, subplots
from .trace_spec import GUIDE_SPEC, network_from_spec

GUIDE_PREDICTIONS = (0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99)


@dataclass(frozen=True)
class PredictionRow:
    prediction: float
    mse: float
    ce: float
    ratio: float
    mse_dz: float   # dL/dz through the sigmoid: 2 (a - t) a (1 - a)
    ce_dz: float    # dL/dz through the sigmoid: a - t


def loss_at(prediction, target=1.0):
    """One row: both losses of a single sigmoid output and their gradients with respect to z."""
    a = np.array([float(prediction)])
    t = np.array([float(target)])
    sigmoid = get_activation("sigmoid")
    mse, ce = get_loss("mse"), get_loss("cross_entropy")
    m, c = float(mse.value(a, t)), float(ce.value(a, t))
    mse_dz = float(sigmoid.backward(a, mse.gradient(a, t))[0])
    ce_dz = float(sigmoid.backward(a, ce.gradient(a, t))[0])
    return PredictionRow(float(prediction), m, c, c / m if m > 0 else float("inf"), mse_dz, ce_dz)


@dataclass
class Surface:
    w1: np.ndarray          # grid of W2[0, 0]
    w2: np.ndarray          # grid of W2[0, 1]
    loss: np.ndarray        # loss[i, j] at (w1[j], w2[i])
    arrows: tuple           # (w1, w2, dL/dw1, dL/dw2) on a coarse grid, from backward()


def weight_surface(loss="mse", span=8.0, n=81, n_arrows=9):
    """The loss of the guide's hand-trace network (x = [1, 2], target 1) as its two output weights W2 vary."""
    spec = dict(GUIDE_SPEC, loss=loss)
    net, x, target, _ = network_from_spec(spec)
    W2 = net.weights[1]
    grid = np.linspace(-span, span, n)
    values = np.empty((n, n))
    for i, b in enumerate(grid):
        for j, a in enumerate(grid):
            W2[0, 0], W2[0, 1] = a, b
            values[i, j] = net.loss_value(x, target)
    coarse = np.linspace(-span * 0.85, span * 0.85, n_arrows)
    A, B = np.meshgrid(coarse, coarse)
    dA, dB = np.empty_like(A), np.empty_like(B)
    for index in np.ndindex(A.shape):
        W2[0, 0], W2[0, 1] = A[index], B[index]
        net.forward(x)
        weight_grads, _ = net.backward(target)
        dA[index], dB[index] = weight_grads[1][0]
    return Surface(grid, grid, values, (A, B, dA, dB))


def surface_point(loss, w):
    """Loss and gradient of the two output weights at ``w = (W2[0,0], W2[0,1])``."""
    net, x, target, _ = network_from_spec(dict(GUIDE_SPEC, loss=loss))
    net.weights[1][0, :] = w
    value = net.loss_value(x, target)
    weight_grads, _ = net.backward(target)
    return value, weight_grads[1][0].copy()


@dataclass
class LossSurfaces:
    rows: list                 # the guide's table, PredictionRow per prediction
    gradient_rows: list        # the same rows and a few saturated predictions
    points: dict               # {(loss, w): (value, gradient)} at the guide's weights and a saturated corner
    figure: str | None = None


def loss_surfaces(out=None, predictions=GUIDE_PREDICTIONS, span=8.0, n=81):
    """The numbers (and, with ``out``, the figure) comparing MSE and cross-entropy for a sigmoid output."""
    rows = [loss_at(p) for p in predictions]
    gradient_rows = [loss_at(p) for p in (1e-4, 1e-3) + tuple(predictions)]
    corners = {"guide": (0.5, 0.6), "wrong": (-span * 0.75, -span * 0.75)}
    points = {(loss, name): surface_point(loss, w) for loss in ("mse", "cross_entropy")
              for name, w in corners.items()}
    result = LossSurfaces(rows, gradient_rows, points)
    if out is not None:
        result.figure = _plot(result, span, n, corners, out)
    return result


def _plot(result, span, n, corners, out):
    fig, axes = subplots(2, 2, figsize=(11, 9.5))
    a = np.linspace(0.001, 0.999, 400)
    curves = [loss_at(p) for p in a]
    ax = axes[0, 0]
    ax.plot(a, [r.mse for r in curves], color=MSE_COLOR, lw=2, label="MSE  (a - 1)^2")
    ax.plot(a, [r.ce for r in curves], color=CE_COLOR, lw=2, label="cross-entropy  -log a")
    ax.plot([r.prediction for r in result.rows], [r.mse for r in result.rows], "o", color=MSE_COLOR)
    ax.plot([r.prediction for r in result.rows], [r.ce for r in result.rows], "o", color=CE_COLOR)
    ax.set(xlabel="prediction a (target 1)", ylabel="loss", title="Loss against the prediction", ylim=(0, 5))
    ax.legend()
    ax = axes[0, 1]
    ax.plot(a, [r.mse_dz for r in curves], color=MSE_COLOR, lw=2, label="MSE:  2(a - t) a (1 - a)")
    ax.plot(a, [r.ce_dz for r in curves], color=CE_COLOR, lw=2, label="cross-entropy:  a - t")
    ax.axhline(0, color="#999999", lw=0.8)
    ax.set(xlabel="prediction a (target 1)", ylabel="dL/dz through the sigmoid",
           title="The gradient that reaches z: MSE's vanishes when a -> 0")
    ax.legend(loc="lower right")
    for ax, loss, title in ((axes[1, 0], "mse", "MSE"), (axes[1, 1], "cross_entropy", "Cross-entropy")):
        surface = weight_surface(loss, span, n)
        levels = 30
        filled = ax.contourf(surface.w1, surface.w2, surface.loss, levels=levels, cmap="viridis")
        fig.colorbar(filled, ax=ax, label="loss")
        A, B, dA, dB = surface.arrows
        ax.quiver(A, B, -dA, -dB, color="white", angles="xy", scale_units="xy", scale=0.25, width=0.004)
        ax.plot(*corners["guide"], "o", color="#ff4444", ms=7, label="the guide's W2 = [0.5, 0.6]")
        ax.set(xlabel="W2[0,0]", ylabel="W2[0,1]",
               title=f"{title} over the two output weights of the guide's 2-2-1 net")
        ax.legend(loc="upper left", fontsize=10)
    fig.suptitle("MSE vs cross-entropy for a sigmoid output (arrows: -gradient from backward(), to scale)",
                 fontsize=13)
    fit_layout(fig)
    return save_figure(fig, out)


def format_loss_surfaces(result):
    """The guide's Section 1 table with the real values, the gradients through the sigmoid, and the surfaces."""
    lines = ["Loss against the prediction a = sigmoid(z), target 1 (the guide's Section 1 table):", "",
             f"{'pred':>6}  {'MSE':>8}  {'CE':>8}  {'CE/MSE ratio':>12}", "-" * 40]
    for r in result.rows:
        lines.append(f"{r.prediction:>6.2f}  {r.mse:>8.4f}  {r.ce:>8.4f}  {r.ratio:>12.1f}")
    last = result.rows[-1]
    if last.prediction == 0.99:
        lines.append(f"(the guide prints 101.0 in the last row: {last.ce:.7f} / {last.mse:.4f} = {last.ratio:.1f}; "
                     f"101.0 is 0.0101 / 0.0001, the rounded values)")
    lines += ["", "The gradient that reaches z through the sigmoid, dL/dz = dL/da * a(1 - a):", "",
              f"{'pred':>7}  {'MSE: 2(a-t)a(1-a)':>18}  {'CE: a-t':>9}  {'CE/MSE':>7}", "-" * 48]
    for r in result.gradient_rows:
        lines.append(f"{r.prediction:>7g}  {r.mse_dz:>18.4f}  {r.ce_dz:>9.4f}  {r.ce_dz / r.mse_dz:>7.1f}")
    worst = result.gradient_rows[0]
    lines += ["", f"Saturation: when the network is confidently wrong (a = {worst.prediction:g}, target 1), MSE's "
                  f"dL/dz is {worst.mse_dz:.4f}",
              f"and vanishes as a -> 0, because the sigmoid's a(1 - a) multiplies it; cross-entropy's is "
              f"{worst.ce_dz:.4f}:",
              "its 1/(a(1 - a)) cancels the sigmoid's factor and leaves a - t, so a wrong network keeps learning.",
              "", "Loss surface over the two output weights W2 of the guide's 2->2->1 network (x = [1, 2], "
                  "target 1):"]
    for name, label in (("guide", "at the guide's W2 = [0.5, 0.6]"), ("wrong", "in the confidently wrong corner")):
        for loss in ("mse", "cross_entropy"):
            value, grad = result.points[(loss, name)]
            lines.append(f"  {label:<32} {loss:<13} loss {value:8.4f}   |dL/dW2| {np.linalg.norm(grad):.2e}")
    m = np.linalg.norm(result.points[("mse", "wrong")][1])
    c = np.linalg.norm(result.points[("cross_entropy", "wrong")][1])
    lines.append(f"In the wrong corner MSE's surface is a plateau (gradient {c / m:,.0f}x smaller than "
                 f"cross-entropy's): gradient descent barely moves.")
    if result.figure:
        lines += ["", f"Figure: {result.figure}"]
    return "\n".join(lines)

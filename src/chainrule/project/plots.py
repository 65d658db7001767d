"""The pictures of a training run, drawn with Matplotlib's object API (no pyplot state, Agg canvas).

Each ``*_figure`` function returns a ``Figure``; ``save_figure`` writes it as PNG atomically and
``figure_png_bytes`` gives the PNG bytes (for the HTML report's data URIs).
"""
import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..data.mnist import MNIST_IMAGE_SHAPE
from ..files import save_figure as _save_figure

DPI = 100


def _figure(width, height):
    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def figure_png_bytes(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def save_figure(figure, path):
    """Write ``figure`` as a PNG to ``path`` (temporary file, then rename); returns the path."""
    return _save_figure(figure, path, dpi=DPI)


def _epochs(history):
    return np.arange(1, history.epochs + 1)


def _plot_series(ax, x, values, label, **style):
    values = np.array([np.nan if v is None else v for v in values], dtype=float)
    if np.any(np.isfinite(values)):
        ax.plot(x[:len(values)], values, label=label, **style)


def curves_figure(history, title="Training"):
    """Loss (left) and accuracy (right) per epoch: train, validation and any test metrics."""
    figure = _figure(10, 4)
    ax_loss, ax_acc = figure.subplots(1, 2)
    x = _epochs(history)
    _plot_series(ax_loss, x, history.train_loss, "train (mean batch loss)", marker=".")
    _plot_series(ax_loss, x, history.val_loss, "validation", marker=".")
    _plot_series(ax_acc, x, history.train_accuracy, "train", marker=".")
    _plot_series(ax_acc, x, history.val_accuracy, "validation", marker=".")
    for name, values in history.metrics.items():
        target = ax_loss if name.endswith("_loss") else ax_acc if name.endswith("_accuracy") else None
        if target is not None:
            _plot_series(target, x, values, name.rsplit("_", 1)[0], marker=".")
    if history.best_epoch is not None:
        for ax in (ax_loss, ax_acc):
            ax.axvline(history.best_epoch + 1, color="grey", linestyle=":", label="best epoch (restored)")
    loss_name = history.settings.get("loss", "loss")
    ax_loss.set(xlabel="Epoch", ylabel=f"Average loss ({loss_name})", title=f"{title}: loss")
    ax_acc.set(xlabel="Epoch", ylabel="Accuracy", title=f"{title}: accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(True, alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if ax.lines:
            ax.legend(fontsize=8)
    figure.tight_layout()
    return figure


def grad_norms_figure(history):
    """Per-layer mean ||dL/dW|| per epoch, on a log scale (vanishing gradients show as a sinking line)."""
    figure = _figure(6, 4)
    ax = figure.subplots()
    norms = np.array([row for row in history.grad_norms if row is not None], dtype=float)
    x = _epochs(history)
    if norms.size:
        for layer in range(norms.shape[1]):
            ax.plot(x[:len(norms)], norms[:, layer], marker=".", label=f"layer {layer + 1}")
        if np.all(norms > 0):
            ax.set_yscale("log")
        ax.legend(fontsize=8)
    ax.set(xlabel="Epoch", ylabel="mean ||dL/dW|| per batch", title="Gradient norm per layer")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, alpha=0.3)
    figure.tight_layout()
    return figure


def confusion_figure(matrix, class_names):
    """The confusion matrix: rows are true classes, columns predicted, counts written in each cell."""
    n = len(class_names)
    size = max(4.0, 0.55 * n + 2)
    figure = _figure(size, size * 0.9)
    ax = figure.subplots()
    image = ax.imshow(matrix, cmap="Blues")
    figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    threshold = matrix.max() / 2 if matrix.size else 0
    for i in range(n):
        for j in range(n):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=8,
                    color="white" if matrix[i, j] > threshold else "black")
    ax.set_xticks(range(n), [str(c) for c in class_names])
    ax.set_yticks(range(n), [str(c) for c in class_names])
    ax.set(xlabel="Predicted", ylabel="True", title="Confusion matrix (test set)")
    figure.tight_layout()
    return figure


def misclassified_figure(images, true_names, predicted_names, confidences, columns=8, n_total=None):
    """A grid of misclassified digits, each titled with the true and predicted class and the prediction's
    confidence; ``n_total`` is how many mistakes there are in all."""
    n = len(images)
    rows = max(1, -(-n // columns))
    figure = _figure(columns * 1.25, rows * 1.45 + 0.4)
    axes = np.atleast_1d(figure.subplots(rows, columns)).ravel()
    for ax in axes:
        ax.axis("off")
    for ax, image, true, predicted, confidence in zip(axes, images, true_names, predicted_names, confidences):
        ax.imshow(np.asarray(image).reshape(MNIST_IMAGE_SHAPE), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"true {true}, pred {predicted}\n{100 * confidence:.0f}% sure", fontsize=7)
    if n == 0:
        axes[0].text(0.5, 0.5, "no misclassified examples", ha="center", va="center")
    n_total = n if n_total is None else n_total
    shown = f"the {n} most confident of {n_total} mistakes" if n < n_total else f"all {n_total} mistakes"
    figure.suptitle(f"Misclassified test digits: {shown}", fontsize=10)
    figure.tight_layout()
    return figure


def compare_figure(runs, title="Comparison"):
    """Several runs on one plot: training loss (left, log scale) and test accuracy (right), per epoch.
    ``runs`` is a list of ``(label, history)``."""
    figure = _figure(11, 4.2)
    ax_loss, ax_acc = figure.subplots(1, 2)
    for label, history in runs:
        x = _epochs(history)
        line = ax_loss.plot(x, history.train_loss, marker=".", label=label)[0]
        accuracy = history.metrics.get("test_accuracy") or history.val_accuracy
        _plot_series(ax_acc, x, accuracy, label, marker=".", color=line.get_color())
    ax_loss.set_yscale("log")
    ax_loss.set(xlabel="Epoch", ylabel="Average training loss (each run's own loss)", title=f"{title}: loss")
    ax_acc.set(xlabel="Epoch", ylabel="Test accuracy", title=f"{title}: test accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(True, alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if ax.lines:
            ax.legend(fontsize=7)
    figure.tight_layout()
    return figure

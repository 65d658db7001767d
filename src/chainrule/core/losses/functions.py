"""The public loss functions, checked at the boundary: shapes match, values finite, targets fit the loss."""
from __future__ import annotations

from typing import Any, Callable, Tuple

import numpy as np

from ...errors import InputValueError, ShapeError
from ..validation import as_float_array, check_same_shape
from .base import check_probabilities
from .cross_entropy import cross_entropy_gradient, cross_entropy_value
from .mse import mse_gradient, mse_value
from .softmax_cross_entropy import SoftmaxCrossEntropy, softmax_cross_entropy_gradient, softmax_cross_entropy_value


def _pair(predictions: Any, targets: Any) -> Tuple[np.ndarray, np.ndarray]:
    predictions = as_float_array(predictions, "predictions")
    targets = as_float_array(targets, "targets")
    check_same_shape(predictions, targets)
    if predictions.size == 0:
        raise ShapeError("predictions and targets are empty; a loss needs at least one value")
    return predictions, targets


def _finite_result(result: Any, what: str, rescaled: Callable[[], Any],
                   inputs: str = "predictions and targets") -> Any:
    """``result`` if finite, else ``rescaled()`` (the same number computed so no step overflows
    needlessly), else an ``InputValueError``: the true value is beyond the float range."""
    if np.all(np.isfinite(result)):
        return result
    with np.errstate(over="ignore"):
        result = rescaled()
    if np.all(np.isfinite(result)):
        return result
    raise InputValueError(f"{what} overflows float64 for these values (it exceeds "
                          f"{np.finfo(np.float64).max:.3g}); rescale the {inputs}")


def mse_loss(predictions: Any, targets: Any) -> Any:
    """Mean squared error, mean((predictions - targets)**2) over all elements (the guide's definition).
    Finite whenever the true value is a float64; an ``InputValueError`` when it is beyond the range."""
    predictions, targets = _pair(predictions, targets)
    with np.errstate(over="ignore"):
        value = mse_value(predictions, targets)

    def rescaled() -> Any:   # mean(((p - t) / s)**2) * s**2 with s the largest magnitude: no difference overflows
        s = max(np.max(np.abs(predictions)), np.max(np.abs(targets)))
        return mse_value(predictions / s, targets / s) * s * s
    return _finite_result(value, "mse_loss", rescaled)


def mse_loss_gradient(predictions: Any, targets: Any) -> np.ndarray:
    """dMSE/dpredictions = 2 * (predictions - targets) / n, n = number of elements."""
    predictions, targets = _pair(predictions, targets)
    with np.errstate(over="ignore"):
        gradient = mse_gradient(predictions, targets)
    scale = 2.0 / predictions.size
    return _finite_result(gradient, "mse_loss_gradient", lambda: predictions * scale - targets * scale)


def cross_entropy_loss(predictions: Any, targets: Any) -> Any:
    """Binary cross-entropy, the guide's definition: predictions clipped to [eps, 1 - eps], mean over all elements."""
    predictions, targets = _pair(predictions, targets)
    check_probabilities(targets, "targets")
    return cross_entropy_value(predictions, targets)


def cross_entropy_loss_gradient(predictions: Any, targets: Any) -> np.ndarray:
    """d cross_entropy / d predictions = (p - t) / (p (1 - p)) / n, zero where the clip is active."""
    predictions, targets = _pair(predictions, targets)
    check_probabilities(targets, "targets")
    return cross_entropy_gradient(predictions, targets)


def _logits_and_targets(logits: Any, targets: Any) -> Tuple[np.ndarray, np.ndarray]:
    logits = as_float_array(logits, "logits")
    if logits.ndim not in (1, 2) or logits.shape[-1] == 0:
        raise ShapeError(f"logits must have shape (classes,) or (batch, classes), got {logits.shape}")
    return logits, SoftmaxCrossEntropy().prepare_targets(targets, logits, "targets")


def softmax_cross_entropy_loss(logits: Any, targets: Any) -> Any:
    """Mean over examples of -sum(targets * log_softmax(logits)); targets one-hot/probabilities or int labels.
    Finite whenever the true value is a float64 (logits as far apart as +-1e308 included); an
    ``InputValueError`` when it is beyond the range."""
    logits, targets = _logits_and_targets(logits, targets)
    value = softmax_cross_entropy_value(logits, targets)
    return _finite_result(value, "softmax_cross_entropy_loss", lambda: value, "logits")


def softmax_cross_entropy_loss_gradient(logits: Any, targets: Any) -> np.ndarray:
    """d softmax_cross_entropy / d logits = (softmax(logits) - targets) / batch."""
    return softmax_cross_entropy_gradient(*_logits_and_targets(logits, targets))

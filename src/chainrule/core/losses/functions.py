"""The public loss functions, checked at the boundary: shapes match, values finite, targets fit the loss."""
from __future__ import annotations

from typing import Any, Tuple

import numpy as np

from ...errors import ShapeError
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


def mse_loss(predictions: Any, targets: Any) -> Any:
    """Mean squared error, mean((predictions - targets)**2) over all elements (the guide's definition)."""
    return mse_value(*_pair(predictions, targets))


def mse_loss_gradient(predictions: Any, targets: Any) -> np.ndarray:
    """dMSE/dpredictions = 2 * (predictions - targets) / n, n = number of elements."""
    return mse_gradient(*_pair(predictions, targets))


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
    """Mean over examples of -sum(targets * log_softmax(logits)); targets one-hot/probabilities or int labels."""
    return softmax_cross_entropy_value(*_logits_and_targets(logits, targets))


def softmax_cross_entropy_loss_gradient(logits: Any, targets: Any) -> np.ndarray:
    """d softmax_cross_entropy / d logits = (softmax(logits) - targets) / batch."""
    return softmax_cross_entropy_gradient(*_logits_and_targets(logits, targets))

"""Softmax cross-entropy on raw scores (logits): the mean over examples of -log softmax(z)[label], computed with
log-sum-exp so no exp ever overflows. Targets are one-hot rows, probability rows or integer class labels.

It takes logits, so the network's output activation is identity and ``predict_proba`` applies the softmax.
"""
from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ...errors import InputValueError
from ..activations import softmax
from ..validation import numeric_array, one_hot_matrix
from .base import Loss, check_probabilities


def log_softmax(logits: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):   # a gap beyond the float range is -inf: that class's softmax is exactly 0
        shifted = logits - np.max(logits, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def _n_examples(logits: np.ndarray) -> int:
    return 1 if logits.ndim == 1 else logits.shape[0]


def softmax_cross_entropy_value(logits: np.ndarray, targets: np.ndarray) -> Any:
    log_p = log_softmax(logits)
    with np.errstate(invalid="ignore"):
        value = 0.0 - np.sum(targets * log_p) / _n_examples(logits)   # 0.0 - : a perfect fit is 0.0, not -0.0
        if np.isnan(value):   # 0 * log(0) = 0 * -inf: a class the target gives no weight adds nothing
            value = 0.0 - np.sum(np.where(targets == 0, 0.0, targets * log_p)) / _n_examples(logits)
    return value


def softmax_cross_entropy_gradient(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    return (np.exp(log_softmax(logits)) - targets) / _n_examples(logits)


def one_hot_like(labels: np.ndarray, logits: np.ndarray, name: str = "target") -> np.ndarray:
    n_classes = logits.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise InputValueError(
            f"{name} holds class labels from {labels.min()} to {labels.max()}, "
            f"but the network has {n_classes} outputs (labels 0..{n_classes - 1})"
        )
    return one_hot_matrix(labels, n_classes, logits.dtype, name)


class SoftmaxCrossEntropy(Loss):
    name: ClassVar[str] = "softmax_cross_entropy"
    takes_labels = True
    takes_logits = True
    output_activation = "identity"

    def value(self, predictions: np.ndarray, targets: np.ndarray) -> Any:
        return softmax_cross_entropy_value(predictions, targets)

    def gradient(self, predictions: np.ndarray, targets: np.ndarray) -> np.ndarray:
        return softmax_cross_entropy_gradient(predictions, targets)

    def prepare_targets(self, targets: Any, predictions: np.ndarray, name: str = "target") -> np.ndarray:
        targets = numeric_array(targets, name)
        if targets.dtype.kind in "iu" and targets.shape == predictions.shape[:-1]:
            return one_hot_like(targets, predictions, name)
        targets = super().prepare_targets(targets, predictions, name)
        check_probabilities(targets, name)
        return targets

    def probabilities(self, output: np.ndarray) -> np.ndarray:
        return softmax(output)

    def constant_output(self, mean: np.ndarray) -> np.ndarray:
        """Logits whose softmax is ``mean`` (the class frequencies); a class never seen gets -1e4."""
        with np.errstate(divide="ignore"):
            return np.where(mean > 0, np.log(mean), -1e4)

    def example_target(self, target: np.ndarray) -> np.ndarray:
        """One-hot on class 0: a distribution over the classes."""
        one_hot = np.zeros(len(target))
        one_hot[0] = 1.0
        return one_hot

    def formula(self, L: int) -> str:
        return f"-sum(target * log softmax(z{L}))"

    def gradient_formula(self, L: int, n_out: int) -> str:
        return f"softmax(z{L}) - target"

    def torch_loss(self, nn: Any) -> Any:
        return nn.CrossEntropyLoss()

"""Binary cross-entropy, the guide's definition: predictions clipped to [eps, 1 - eps], mean over all elements.

Its gradient (p - t) / (p (1 - p)) / n is zero where the clip is active: there the clipped loss is flat.
"""
from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from .base import Loss, check_probabilities, eps_for


def cross_entropy_value(predictions: np.ndarray, targets: np.ndarray) -> Any:
    eps = eps_for(predictions.dtype)
    p = np.clip(predictions, eps, 1 - eps)
    return -np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p))


def cross_entropy_gradient(predictions: np.ndarray, targets: np.ndarray) -> np.ndarray:
    eps = eps_for(predictions.dtype)
    p = np.clip(predictions, eps, 1 - eps)
    grad = (p - targets) / (p * (1 - p)) / predictions.size
    # Where the clip is active the clipped loss is flat in the prediction.
    clipped = (predictions < eps) | (predictions > 1 - eps)
    if np.any(clipped):
        grad = np.where(clipped, 0.0, grad).astype(predictions.dtype, copy=False)
    return grad


class CrossEntropy(Loss):
    name: ClassVar[str] = "cross_entropy"

    def value(self, predictions: np.ndarray, targets: np.ndarray) -> Any:
        return cross_entropy_value(predictions, targets)

    def gradient(self, predictions: np.ndarray, targets: np.ndarray) -> np.ndarray:
        return cross_entropy_gradient(predictions, targets)

    def prepare_targets(self, targets: Any, predictions: np.ndarray, name: str = "target") -> np.ndarray:
        targets = super().prepare_targets(targets, predictions, name)
        check_probabilities(targets, name)
        return targets

    def formula(self, L: int) -> str:
        return f"-mean(t log a{L} + (1 - t) log(1 - a{L}))"

    def gradient_formula(self, L: int, n_out: int) -> str:
        return f"(a{L} - t) / (a{L} (1 - a{L}))" + ("" if n_out == 1 else f" / {n_out}")

    def torch_loss(self, nn: Any) -> Any:
        return nn.BCELoss()

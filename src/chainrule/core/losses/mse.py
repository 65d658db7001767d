"""Mean squared error, the guide's loss: mean((a - target)^2) over *all* elements.

Its gradient includes that 1/n, so for a network with several outputs it is the true gradient of the loss the
network reports (the guide's own ``backward()`` drops the 1/n; see docs/errata.md, block 17).
"""
from __future__ import annotations

from typing import Any, ClassVar, Optional, Tuple

import numpy as np

from .base import Loss


def mse_value(predictions: np.ndarray, targets: np.ndarray) -> Any:
    return np.mean((predictions - targets) ** 2)


def mse_gradient(predictions: np.ndarray, targets: np.ndarray) -> np.ndarray:
    return (2.0 / predictions.size) * (predictions - targets)


def mse_value_and_gradient(predictions: np.ndarray, targets: np.ndarray,
                           out: Optional[np.ndarray] = None) -> Tuple[Any, np.ndarray]:
    """Both at once from one difference; ``out`` (shaped like predictions) receives the gradient."""
    diff = np.subtract(predictions, targets, out=out)
    flat = diff.reshape(-1)
    value = np.dot(flat, flat) / diff.size      # the mean of diff**2, as one BLAS dot
    diff *= 2.0 / diff.size
    return value, diff


class MSE(Loss):
    name: ClassVar[str] = "mse"

    def value(self, predictions: np.ndarray, targets: np.ndarray) -> Any:
        return mse_value(predictions, targets)

    def gradient(self, predictions: np.ndarray, targets: np.ndarray) -> np.ndarray:
        return mse_gradient(predictions, targets)

    def value_and_gradient(self, predictions: np.ndarray, targets: np.ndarray,
                           out: Optional[np.ndarray] = None) -> Tuple[Any, np.ndarray]:
        return mse_value_and_gradient(predictions, targets, out)

    def formula(self, L: int) -> str:
        return f"mean((a{L} - target)^2)"

    def gradient_formula(self, L: int, n_out: int) -> str:
        return f"2 (a{L} - target)" + ("" if n_out == 1 else f" / {n_out}")

    def torch_loss(self, nn: Any) -> Any:
        return nn.MSELoss()

"""Sigmoid, the guide's activation: a = 1 / (1 + e^-z), da/dz = a (1 - a)."""
from __future__ import annotations

from typing import Any, ClassVar, Optional

import numpy as np

from .base import Activation


def sigmoid(z: np.ndarray, out: Optional[np.ndarray] = None) -> np.ndarray:
    """1 / (1 + e^-z). For very negative z, e^-z overflows to inf and the result is exactly 0: no warning.

    ``out``: an array shaped like ``z`` to compute in, step by step, instead of three new ones."""
    with np.errstate(over="ignore"):
        if out is None:
            return 1.0 / (1.0 + np.exp(-z))
        return _sigmoid_into(z, out)


def _sigmoid_into(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """sigmoid(z) computed step by step in ``out``. e^-z may overflow to inf (then the result is 0):
    the caller silences that warning (the training loops hold ``np.errstate(over="ignore")``)."""
    np.negative(z, out=out)
    np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def sigmoid_derivative(a: np.ndarray) -> np.ndarray:
    """d sigmoid / dz, given the sigmoid output a."""
    return a * (1 - a)


class Sigmoid(Activation):
    name: ClassVar[str] = "sigmoid"
    output_range = (0.0, 1.0)
    max_derivative = 0.25          # at z = 0, a = 1/2
    in_lab = True

    def forward(self, z: np.ndarray) -> np.ndarray:
        return sigmoid(z)

    def derivative(self, a: np.ndarray) -> np.ndarray:
        return sigmoid_derivative(a)

    def forward_into(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        return _sigmoid_into(z, out)

    def backward_into(self, a: np.ndarray, grad_a: np.ndarray, out: np.ndarray) -> np.ndarray:
        # grad_a * (a * (1 - a)), the same products in the same order, in one array
        delta = np.subtract(1, a, out=out)
        delta *= a
        delta *= grad_a
        return delta

    def derivative_formula(self, l: int) -> str:
        return f"a{l} (1 - a{l})"

    def torch_module(self, nn: Any) -> Any:
        return nn.Sigmoid()

    @classmethod
    def from_torch_module(cls, module: Any, nn: Any) -> Optional[Activation]:
        return cls() if isinstance(module, nn.Sigmoid) else None

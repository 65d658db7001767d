"""Tanh: a = tanh(z), da/dz = 1 - a^2."""
from __future__ import annotations

from typing import Any, ClassVar, Optional

import numpy as np

from .base import Activation


def tanh(z: np.ndarray, out: Optional[np.ndarray] = None) -> np.ndarray:
    return np.tanh(z, out=out)


def tanh_derivative(a: np.ndarray) -> np.ndarray:
    return 1 - a * a


class Tanh(Activation):
    name: ClassVar[str] = "tanh"
    output_range = (-1.0, 1.0)
    max_derivative = 1.0           # at z = 0
    in_lab = True

    def forward(self, z: np.ndarray) -> np.ndarray:
        return tanh(z)

    def derivative(self, a: np.ndarray) -> np.ndarray:
        return tanh_derivative(a)

    def forward_into(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        return tanh(z, out=out)

    def backward_into(self, a: np.ndarray, grad_a: np.ndarray, out: np.ndarray) -> np.ndarray:
        # grad_a * (1 - a * a)
        delta = np.multiply(a, a, out=out)
        np.subtract(1, delta, out=delta)
        delta *= grad_a
        return delta

    def derivative_formula(self, l: int) -> str:
        return f"1 - a{l}^2"

    def torch_module(self, nn: Any) -> Any:
        return nn.Tanh()

    @classmethod
    def from_torch_module(cls, module: Any, nn: Any) -> Optional[Activation]:
        return cls() if isinstance(module, nn.Tanh) else None

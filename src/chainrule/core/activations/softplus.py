"""Softplus, a smooth ReLU: a = log(1 + e^z), da/dz = sigmoid(z) = 1 - e^-a.

The derivative is written in terms of the output, as for every activation here: e^a = 1 + e^z, so
sigmoid(z) = e^z / (1 + e^z) = 1 - e^-a, computed as ``-expm1(-a)`` so that it stays exact where a is tiny
(very negative z, where 1 - e^-a would lose every digit).
"""
from __future__ import annotations

from typing import Any, ClassVar, Optional

import numpy as np

from .base import Activation


def softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + e^z) without overflow: ``logaddexp(0, z)``."""
    return np.logaddexp(0, z)


class Softplus(Activation):
    name: ClassVar[str] = "softplus"
    max_derivative = 1.0           # as z -> inf; saturated where z is very negative (derivative -> 0)

    def forward(self, z: np.ndarray) -> np.ndarray:
        return softplus(z)

    def derivative(self, a: np.ndarray) -> np.ndarray:
        return -np.expm1(-a)

    def element_formula(self, l: int) -> str:
        return f"log(1 + exp(z{l}))"

    def derivative_formula(self, l: int) -> str:
        return f"1 - exp(-a{l})"

    def torch_module(self, nn: Any) -> Any:
        return nn.Softplus()     # beta 1; linear above z = 20, where it differs from log(1 + e^z) by < 3e-9

    @classmethod
    def from_torch_module(cls, module: Any, nn: Any) -> Optional[Activation]:
        return cls() if isinstance(module, nn.Softplus) and float(module.beta) == 1.0 else None

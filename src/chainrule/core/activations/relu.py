"""ReLU: a = max(z, 0), da/dz = 1 where a > 0, else 0 (0 at z = 0, as PyTorch has it)."""
from __future__ import annotations

from typing import Any, ClassVar, Optional

import numpy as np

from .base import Activation


def relu(z: np.ndarray, out: Optional[np.ndarray] = None) -> np.ndarray:
    return np.maximum(z, 0, out=out)


def relu_derivative(a: np.ndarray) -> np.ndarray:
    # ReLU has no derivative at 0; like PyTorch we use 0 there.
    return (a > 0).astype(a.dtype)


class ReLU(Activation):
    name: ClassVar[str] = "relu"
    in_lab = True

    def forward(self, z: np.ndarray) -> np.ndarray:
        return relu(z)

    def derivative(self, a: np.ndarray) -> np.ndarray:
        return relu_derivative(a)

    def forward_into(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        return relu(z, out=out)

    def derivative_formula(self, l: int) -> str:
        return f"1 where a{l} > 0, else 0"

    def dead_units(self, a: np.ndarray) -> Optional[int]:
        """A unit that outputs 0 for every example gets no gradient again: it is dead."""
        return int(np.sum(np.all(a <= 0, axis=0)))

    def torch_module(self, nn: Any) -> Any:
        return nn.ReLU()

    @classmethod
    def from_torch_module(cls, module: Any, nn: Any) -> Optional[Activation]:
        return cls() if isinstance(module, nn.ReLU) else None

"""Leaky ReLU: a = z where z > 0, else alpha z; da/dz = 1 where a > 0, else alpha."""
from __future__ import annotations

from typing import Any, ClassVar, Dict, Optional

import numpy as np

from ...errors import ConfigError
from .base import Activation


def leaky_relu(z: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    return np.where(z > 0, z, alpha * z)


def leaky_relu_derivative(a: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    return np.where(a > 0, 1, alpha).astype(a.dtype)


class LeakyReLU(Activation):
    """``alpha``: the slope for z <= 0 (0.01 by default, as in PyTorch); stored in model files."""

    name: ClassVar[str] = "leaky_relu"
    in_lab = True

    def __init__(self, alpha: float = 0.01) -> None:
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.integer, np.floating)) \
                or not np.isfinite(alpha):
            raise ConfigError(f"leaky_relu's alpha must be a finite number, got {alpha!r}")
        self.alpha = float(alpha)

    def params(self) -> Dict[str, Any]:
        return {"alpha": self.alpha}

    def forward(self, z: np.ndarray) -> np.ndarray:
        return leaky_relu(z, self.alpha)

    def derivative(self, a: np.ndarray) -> np.ndarray:
        return leaky_relu_derivative(a, self.alpha)

    def derivative_formula(self, l: int) -> str:
        return f"1 where a{l} > 0, else alpha"

    def torch_module(self, nn: Any) -> Any:
        return nn.LeakyReLU(negative_slope=self.alpha)

    @classmethod
    def from_torch_module(cls, module: Any, nn: Any) -> Optional[Activation]:
        return cls(float(module.negative_slope)) if isinstance(module, nn.LeakyReLU) else None

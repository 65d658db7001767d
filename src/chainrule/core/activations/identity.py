"""Identity (linear output): a = z, da/dz = 1. The output of a network whose loss takes logits."""
from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from .base import Activation


def identity(z: np.ndarray) -> np.ndarray:
    return z


def identity_derivative(a: np.ndarray) -> np.ndarray:
    return np.ones_like(a)


class Identity(Activation):
    name: ClassVar[str] = "identity"
    in_lab = True

    def forward(self, z: np.ndarray) -> np.ndarray:
        return identity(z)

    def derivative(self, a: np.ndarray) -> np.ndarray:
        return identity_derivative(a)

    def derivative_formula(self, l: int) -> str:
        return "1"

    def torch_module(self, nn: Any) -> Any:
        return None     # two Linears in a row: the first has no activation

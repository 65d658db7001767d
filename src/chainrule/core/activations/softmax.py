"""Softmax: a_i = exp(z_i) / sum_j exp(z_j). Its outputs are coupled, so dL/dz is a Jacobian-vector product."""
from __future__ import annotations

from typing import Any, ClassVar, Optional

import numpy as np

from ...errors import ConfigError
from .base import Activation


def softmax(z: np.ndarray) -> np.ndarray:
    """exp(z) / sum(exp(z)) over the last axis, with max(z) subtracted first so exp never overflows."""
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


class Softmax(Activation):
    """Softmax couples its outputs, so dL/dz is a Jacobian-vector product, not an elementwise product:
    dL/dz_i = a_i * (dL/da_i - sum_j dL/da_j * a_j)."""

    name: ClassVar[str] = "softmax"
    elementwise = False
    output_range = (0.0, 1.0)
    in_lab = True

    def forward(self, z: np.ndarray) -> np.ndarray:
        return softmax(z)

    def derivative(self, a: np.ndarray) -> np.ndarray:
        """The diagonal of the Jacobian, a * (1 - a); backward() uses the full Jacobian."""
        return a * (1 - a)

    def backward(self, a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
        return a * (grad_a - np.sum(grad_a * a, axis=-1, keepdims=True))

    def element_formula(self, l: int) -> str:
        return f"exp(z{l}) / sum(exp(z{l}))"

    def derivative_formula(self, l: int) -> str:
        return f"a{l} (1 - a{l})  (diagonal of the Jacobian)"

    def delta_formula(self, l: int) -> str:
        return f"a{l} (dL/da{l} - sum(dL/da{l} * a{l}))"

    def torch_module(self, nn: Any) -> Any:
        return nn.Softmax(dim=-1)

    @classmethod
    def from_torch_module(cls, module: Any, nn: Any) -> Optional[Activation]:
        if not isinstance(module, nn.Softmax):
            return None
        if module.dim not in (-1, 1):
            raise ConfigError(f"Softmax(dim={module.dim}); chainrule's softmax works over the last axis of a "
                              f"(batch, classes) output: use Softmax(dim=-1)")
        return cls()

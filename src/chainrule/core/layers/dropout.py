"""Inverted dropout: while training, each unit of the layer below is kept with probability 1 - rate and scaled
by 1 / (1 - rate); in evaluation it passes everything through unchanged (the scaling keeps the expected output
the same, so nothing is rescaled at evaluation).

Forward (training):  mask = (u >= rate) / (1 - rate), u uniform in [0, 1);   a = a_prev * mask
Backward:            dL/da_prev = dL/da * mask        (the mask is a constant of the step)

The mask is drawn from the network's ``RandomState`` (``bind``), so a seeded run repeats. ``hold_mask = True``
keeps the last mask for the following forward passes: a gradient check by finite differences needs the same
mask for every nudged weight.
"""
from __future__ import annotations

from typing import Any, ClassVar, Dict, Optional

import numpy as np

from ...errors import ConfigError
from .base import Layer


class Dropout(Layer):
    name: ClassVar[str] = "dropout"

    def __init__(self, rate: float = 0.5) -> None:
        super().__init__()
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.integer, np.floating)) \
                or not 0 <= rate < 1:
            raise ConfigError(f"dropout rate must be a number in [0, 1) (the share of units dropped), got {rate!r}")
        self.rate = float(rate)
        self.rng: Optional[np.random.RandomState] = None
        self.mask: Optional[np.ndarray] = None
        self.hold_mask = False

    def bind(self, rng: np.random.RandomState) -> None:
        self.rng = rng

    def params(self) -> Dict[str, Any]:
        return {"rate": self.rate}

    def forward(self, a_prev: np.ndarray, training: bool = False, reuse: bool = False) -> np.ndarray:
        if not training or self.rate == 0.0:
            self.mask = None
            return a_prev
        if not (self.hold_mask and self.mask is not None and self.mask.shape == a_prev.shape):
            if self.rng is None:
                raise ConfigError("this Dropout layer has no random generator: put it in a Network (which binds "
                                  "its RandomState) or call bind(rng)")
            keep = self.rng.random_sample(a_prev.shape) >= self.rate
            self.mask = np.multiply(keep, 1.0 / (1.0 - self.rate), dtype=a_prev.dtype)
        return np.multiply(a_prev, self.mask, out=self._array("a", a_prev.shape, a_prev.dtype, reuse))

    def infer(self, a_prev: np.ndarray) -> np.ndarray:
        return a_prev

    def backward(self, grad_a: np.ndarray, need_grad_a_prev: bool = True,
                 reuse: bool = False, reuse_gradients: Optional[bool] = None) -> Optional[np.ndarray]:
        if not need_grad_a_prev:
            return None
        if self.mask is None:     # the forward pass was in evaluation mode: the identity
            return grad_a
        return np.multiply(grad_a, self.mask, out=self._array("grad_a_prev", grad_a.shape, grad_a.dtype, reuse))

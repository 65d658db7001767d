"""What every layer is: ``forward`` (saving what its backward pass needs), ``backward`` (dL/da_prev from dL/da),
and ``infer`` (the same output, touching nothing saved: what predictions use).

A layer with parameters owns them and their gradients (``Dense``: ``W``, ``b``, ``weight_grad``,
``bias_grad``); a layer without (``Dropout``) has none. ``config()`` is what a model file stores and
``LAYERS.from_config`` rebuilds it from.

``reuse=True`` (training) computes into arrays the layer keeps from one batch to the next, so a training step
allocates no new arrays: those are then overwritten by the next batch (copy them to keep them).
"""
from __future__ import annotations

from typing import Any, ClassVar, Dict, List, Optional, Tuple

import numpy as np


class Layer:
    """A step of the network's forward pass with its backward pass; see the module docstring."""

    name: ClassVar[str] = ""
    #: whether the layer has weights (a Dense layer: one entry of ``Network.weights`` and ``Network.biases``)
    has_weights: ClassVar[bool] = False

    def __init__(self) -> None:
        self._kept: Dict[str, np.ndarray] = {}

    def _array(self, name: str, shape: Tuple[int, ...], dtype: Any, reuse: bool) -> Any:
        """The array kept under ``name`` when ``reuse``, (re)made if the shape or dtype changed; else None,
        which tells NumPy to make a new one (as an ``out=`` argument)."""
        if not reuse:
            return None
        kept = self._kept.get(name)
        if kept is None or kept.shape != shape or kept.dtype != dtype:
            kept = self._kept[name] = np.empty(shape, dtype)
        return kept

    def forward(self, a_prev: np.ndarray, training: bool = False, reuse: bool = False) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must define forward(a_prev, training, reuse)")

    def backward(self, grad_a: np.ndarray, need_grad_a_prev: bool = True,
                 reuse: bool = False, reuse_gradients: Optional[bool] = None) -> Optional[np.ndarray]:
        """dL/da_prev from dL/da (None when ``need_grad_a_prev`` is False: the layer below is the input)."""
        raise NotImplementedError(f"{type(self).__name__} must define backward(grad_a, ...)")

    def infer(self, a_prev: np.ndarray) -> np.ndarray:
        """The output for ``a_prev`` in evaluation mode, without saving anything."""
        raise NotImplementedError(f"{type(self).__name__} must define infer(a_prev)")

    def bind(self, rng: np.random.RandomState) -> None:
        """Called by the network with its ``RandomState``: a layer that draws random numbers draws from it."""

    def params(self) -> Dict[str, Any]:
        """The keyword arguments that rebuild this layer (its arrays are stored apart)."""
        return {}

    def config(self) -> Dict[str, Any]:
        return {"name": self.name, **self.params()}

    def parameters(self) -> List[np.ndarray]:
        """The arrays an optimizer updates (none for a layer without weights)."""
        return []

    def __repr__(self) -> str:
        params = ", ".join(f"{key}={value!r}" for key, value in self.params().items())
        return f"{type(self).__name__}({params})"

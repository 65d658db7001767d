"""A fully connected layer that owns its weights and its forward and backward pass.

Forward:   z = W a_prev + b,   a = activation(z)
Backward, the guide's five steps:
  1. receive dL/da, the error signal from the layer above (or from the loss)
  2. delta = dL/dz = dL/da * activation'(a)
  3. dL/dW = delta (outer) a_prev
  4. dL/db = delta
  5. dL/da_prev = W.T delta, handed to the layer below

One example is a vector; a batch is a matrix with one example per row, and then steps 3 and 4 sum over the rows
(the loss is already a mean, so its gradient carries the 1/batch).

Training (``reuse=True``) computes the same numbers into arrays the layer keeps from one batch to the next, so a
training step allocates no new arrays: z, a and delta are then overwritten by the next batch (copy them to keep
them).
"""
from __future__ import annotations

from typing import Any, ClassVar, Dict, List, Optional

import numpy as np

from ..activations import Activation, get_activation
from ...errors import ConfigError
from .base import Layer


class Dense(Layer):
    """``W`` (n_out, n_in) and ``b`` (n_out,) are the layer's own; ``Network.weights[i]`` and
    ``Network.biases[i]`` are these same arrays. After ``backward``: ``weight_grad`` and ``bias_grad``."""

    name: ClassVar[str] = "dense"
    has_weights = True

    def __init__(self, activation: Any, W: np.ndarray, b: np.ndarray) -> None:
        super().__init__()
        self.activation: Activation = get_activation(activation)
        self.W = W
        self.b = b
        self.a_prev: Optional[np.ndarray] = None
        self.z: Optional[np.ndarray] = None
        self.a: Optional[np.ndarray] = None
        self.grad_a: Optional[np.ndarray] = None
        self.delta: Optional[np.ndarray] = None
        self.weight_grad: Optional[np.ndarray] = None
        self.bias_grad: Optional[np.ndarray] = None

    def params(self) -> Dict[str, Any]:
        return {"activation": self.activation.config()}

    def parameters(self) -> List[np.ndarray]:
        return [self.W, self.b]

    def forward(self, a_prev: np.ndarray, training: bool = False, reuse: bool = False) -> np.ndarray:
        W, b = self.W, self.b
        self.a_prev = a_prev
        shape = a_prev.shape[:-1] + W.shape[:1]
        z = np.matmul(a_prev, W.T, out=self._array("z", shape, W.dtype, reuse))
        z += b
        self.z = z
        if reuse:   # training: the loop around it holds np.errstate(over="ignore")
            self.a = self.activation.forward_into(z, self._array("a", shape, W.dtype, reuse))
        else:
            self.a = self.activation.forward(z)
        return self.a

    def infer(self, a_prev: np.ndarray) -> np.ndarray:
        z = np.matmul(a_prev, self.W.T)
        z += self.b
        return self.activation.forward(z)

    def backward(self, grad_a: np.ndarray, need_grad_a_prev: bool = True,
                 reuse: bool = False, reuse_gradients: Optional[bool] = None) -> Optional[np.ndarray]:
        """Set ``weight_grad`` (dL/dW) and ``bias_grad`` (dL/db); return dL/da_prev, or None when the layer
        below is the input. ``reuse_gradients`` (default: ``reuse``) also keeps dL/dW and dL/db from batch to
        batch."""
        W, a, a_prev = self.W, self.a, self.a_prev
        if a is None or a_prev is None:
            raise ConfigError("call forward(a_prev) before backward(grad_a)")
        reuse_gradients = reuse if reuse_gradients is None else reuse_gradients
        self.grad_a = grad_a                                                             # step 1
        delta = self.activation.backward_into(a, grad_a, self._array("delta", a.shape, W.dtype, reuse))  # step 2
        self.delta = delta
        if delta.ndim == 1:
            weight_grad = np.outer(delta, a_prev)                                        # step 3
            bias_grad = delta.copy()                                                     # step 4
        else:
            out = self._array("weight_grad", W.shape, W.dtype, reuse_gradients)
            if len(delta) == 1:   # a batch of one: the outer product itself (BLAS is slow at rank-1 products)
                weight_grad = np.multiply(delta.T, a_prev, out=out)
            else:
                weight_grad = np.matmul(delta.T, a_prev, out=out)
            bias_grad = np.add.reduce(delta, axis=0,
                                      out=self._array("bias_grad", W.shape[:1], W.dtype, reuse_gradients))
        self.weight_grad, self.bias_grad = weight_grad, bias_grad
        grad_a_prev = None
        if need_grad_a_prev:                                                             # step 5: W.T @ delta, per row
            grad_a_prev = np.matmul(delta, W, out=self._array("grad_a_prev", a_prev.shape, W.dtype, reuse))
        return grad_a_prev

"""A fully connected layer that owns its forward and backward pass.

Forward:   z = W a_prev + b,   a = activation(z)
Backward, the guide's five steps:
  1. receive dL/da, the error signal from the layer above (or from the loss)
  2. delta = dL/dz = dL/da * activation'(a)
  3. dL/dW = delta (outer) a_prev
  4. dL/db = delta
  5. dL/da_prev = W.T delta, handed to the layer below

One example is a vector; a batch is a matrix with one example per row, and then
steps 3 and 4 sum over the rows (the loss is already a mean, so its gradient
carries the 1/batch).
"""
import numpy as np


class Dense:
    """``W`` (n_out, n_in) and ``b`` (n_out,) live in the Network (its ``weights``/``biases`` lists);
    the layer is handed them on each call and keeps what the backward pass needs."""

    def __init__(self, activation):
        self.activation = activation
        self.a_prev = self.z = self.a = None
        self.grad_a = self.delta = None

    def forward(self, a_prev, W, b):
        self.a_prev = a_prev
        self.z = a_prev @ W.T + b
        self.a = self.activation.forward(self.z)
        return self.a

    def backward(self, grad_a, W, need_grad_a_prev=True):
        """Return (dL/dW, dL/db, dL/da_prev); dL/da_prev is None when the layer below is the input."""
        self.grad_a = grad_a                                   # step 1
        delta = self.activation.backward(self.a, grad_a)       # step 2
        self.delta = delta
        if delta.ndim == 1:
            weight_grad = np.outer(delta, self.a_prev)         # step 3
            bias_grad = delta.copy()                           # step 4
        else:
            weight_grad = delta.T @ self.a_prev
            bias_grad = delta.sum(axis=0)
        grad_a_prev = delta @ W if need_grad_a_prev else None  # step 5: W.T @ delta, per row
        return weight_grad, bias_grad, grad_a_prev

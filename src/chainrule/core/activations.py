"""Activation functions, each with its derivative.

Derivatives are written in terms of the activation's *output* ``a``, as the guide
does (``sigmoid_derivative(a) = a * (1 - a)``): the backward pass has ``a`` saved
from the forward pass and never needs ``z`` again.

``backward(a, grad_a)`` turns dL/da into dL/dz. For the elementwise activations
that is ``grad_a * derivative(a)``; softmax mixes its outputs and overrides it.

Training calls ``forward_into(z, out)`` and ``backward_into(a, grad_a, out)``: the
same numbers, written into an array kept from the previous batch when the
activation can (sigmoid, tanh, relu), so a training step allocates nothing. The
training loop around them holds ``np.errstate(over="ignore")`` once, for sigmoid's
e^-z, instead of each call.
"""
import numpy as np

from ..errors import ConfigError


def sigmoid(z, out=None):
    """1 / (1 + e^-z). For very negative z, e^-z overflows to inf and the result is exactly 0: no warning.

    ``out``: an array shaped like ``z`` to compute in, step by step, instead of three new ones."""
    with np.errstate(over="ignore"):
        if out is None:
            return 1.0 / (1.0 + np.exp(-z))
        return _sigmoid_into(z, out)


def _sigmoid_into(z, out):
    """sigmoid(z) computed step by step in ``out``. e^-z may overflow to inf (then the result is 0):
    the caller silences that warning (the training loops hold ``np.errstate(over="ignore")``)."""
    np.negative(z, out=out)
    np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def sigmoid_derivative(a):
    """d sigmoid / dz, given the sigmoid output a."""
    return a * (1 - a)


def tanh(z, out=None):
    return np.tanh(z, out=out)


def tanh_derivative(a):
    return 1 - a * a


def relu(z, out=None):
    return np.maximum(z, 0, out=out)


def relu_derivative(a):
    # ReLU has no derivative at 0; like PyTorch we use 0 there.
    return (a > 0).astype(a.dtype)


def leaky_relu(z, alpha=0.01):
    return np.where(z > 0, z, alpha * z)


def leaky_relu_derivative(a, alpha=0.01):
    return np.where(a > 0, 1, alpha).astype(a.dtype)


def identity(z):
    return z


def identity_derivative(a):
    return np.ones_like(a)


def softmax(z):
    """exp(z) / sum(exp(z)) over the last axis, with max(z) subtracted first so exp never overflows."""
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


class Activation:
    """An elementwise activation: ``forward(z)``, ``derivative(a)``, and ``backward(a, grad_a)`` = dL/dz."""

    def __init__(self, name, function, derivative):
        self.name = name
        self.function = function
        self.derivative_function = derivative

    def forward(self, z):
        return self.function(z)

    def derivative(self, a):
        return self.derivative_function(a)

    def backward(self, a, grad_a):
        return grad_a * self.derivative_function(a)

    # The training path: same numbers, into ``out`` (an array shaped like z) when the activation can.

    def forward_into(self, z, out):
        return self.forward(z)

    def backward_into(self, a, grad_a, out):
        return self.backward(a, grad_a)

    def __repr__(self):
        return f"Activation({self.name!r})"


class Sigmoid(Activation):
    def __init__(self):
        super().__init__("sigmoid", sigmoid, sigmoid_derivative)

    def forward_into(self, z, out):
        return _sigmoid_into(z, out)

    def backward_into(self, a, grad_a, out):
        # grad_a * (a * (1 - a)), the same products in the same order, in one array
        delta = np.subtract(1, a, out=out)
        delta *= a
        delta *= grad_a
        return delta


class Tanh(Activation):
    def __init__(self):
        super().__init__("tanh", tanh, tanh_derivative)

    def forward_into(self, z, out):
        return tanh(z, out=out)

    def backward_into(self, a, grad_a, out):
        # grad_a * (1 - a * a)
        delta = np.multiply(a, a, out=out)
        np.subtract(1, delta, out=delta)
        delta *= grad_a
        return delta


class ReLU(Activation):
    def __init__(self):
        super().__init__("relu", relu, relu_derivative)

    def forward_into(self, z, out):
        return relu(z, out=out)


class LeakyReLU(Activation):
    def __init__(self, alpha=0.01):
        self.alpha = float(alpha)
        super().__init__(
            "leaky_relu",
            lambda z: leaky_relu(z, self.alpha),
            lambda a: leaky_relu_derivative(a, self.alpha),
        )


class Softmax(Activation):
    """Softmax couples its outputs, so dL/dz is a Jacobian-vector product, not an elementwise product:
    dL/dz_i = a_i * (dL/da_i - sum_j dL/da_j * a_j)."""

    def __init__(self):
        super().__init__("softmax", softmax, None)

    def derivative(self, a):
        """The diagonal of the Jacobian, a * (1 - a); backward() uses the full Jacobian."""
        return a * (1 - a)

    def backward(self, a, grad_a):
        return a * (grad_a - np.sum(grad_a * a, axis=-1, keepdims=True))


def _make(name):
    table = {
        "sigmoid": Sigmoid,
        "tanh": Tanh,
        "relu": ReLU,
        "leaky_relu": LeakyReLU,
        "identity": lambda: Activation("identity", identity, identity_derivative),
        "linear": lambda: Activation("identity", identity, identity_derivative),
        "softmax": Softmax,
    }
    if name not in table:
        raise ConfigError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return table[name]()


ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax")


def get_activation(spec):
    """An ``Activation`` from a name (``"sigmoid"``) or an ``Activation`` instance."""
    if isinstance(spec, Activation):
        return spec
    if isinstance(spec, str):
        return _make(spec.lower())
    raise ConfigError(f"activation must be a name such as 'sigmoid' or an Activation, got {spec!r}")

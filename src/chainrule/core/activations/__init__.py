"""Activation functions, one kind per file, each with its derivative and everything else true of it (base.py).

``ACTIVATIONS`` is their registry: ``ACTIVATIONS.create("relu")``, ``ACTIVATIONS.from_config({"name":
"leaky_relu", "alpha": 0.3})``, and ``list(ACTIVATIONS)`` for the names. A new kind is one file here plus one
``ACTIVATIONS.register(...)`` line below.
"""
from __future__ import annotations

from typing import Any

from ..registry import Registry
from .base import Activation
from .identity import Identity, identity, identity_derivative
from .leaky_relu import LeakyReLU, leaky_relu, leaky_relu_derivative
from .relu import ReLU, relu, relu_derivative
from .sigmoid import Sigmoid, sigmoid, sigmoid_derivative
from .softmax import Softmax, softmax
from .softplus import Softplus, softplus
from .tanh import Tanh, tanh, tanh_derivative

ACTIVATIONS: Registry[Activation] = Registry("activation", Activation, aliases={"linear": "identity"})
ACTIVATIONS.register(Sigmoid)
ACTIVATIONS.register(Tanh)
ACTIVATIONS.register(ReLU)
ACTIVATIONS.register(LeakyReLU)
ACTIVATIONS.register(Identity)
ACTIVATIONS.register(Softmax)
ACTIVATIONS.register(Softplus)


def get_activation(spec: Any) -> Activation:
    """An ``Activation`` from a name (``"sigmoid"``), a config dict or an ``Activation`` instance."""
    return ACTIVATIONS.create(spec)


__all__ = ["ACTIVATIONS", "Activation", "Identity", "LeakyReLU", "ReLU", "Sigmoid", "Softmax", "Softplus", "Tanh",
           "get_activation", "identity", "identity_derivative", "leaky_relu", "leaky_relu_derivative", "relu",
           "relu_derivative", "sigmoid", "sigmoid_derivative", "softmax", "softplus", "tanh", "tanh_derivative"]

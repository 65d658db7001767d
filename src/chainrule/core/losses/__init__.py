"""Loss functions, one kind per file, each with its exact gradient and everything else true of it (base.py).

``LOSSES`` is their registry: ``LOSSES.create("mse")``, ``LOSSES.from_config({"name": "mse"})``, and
``list(LOSSES)`` for the names. A new kind is one file here plus one ``LOSSES.register(...)`` line below.

The public functions (``mse_loss``, ``cross_entropy_loss``, ``softmax_cross_entropy_loss`` and their
gradients) check their arguments at the boundary (functions.py); the loss objects, used inside the network
where shapes are already known to be right, do not.
"""
from __future__ import annotations

from typing import Any

from ..registry import Registry
from .base import Loss, check_probabilities, eps_for
from .cross_entropy import CrossEntropy, cross_entropy_gradient, cross_entropy_value
from .functions import (cross_entropy_loss, cross_entropy_loss_gradient, mse_loss, mse_loss_gradient,
                        softmax_cross_entropy_loss, softmax_cross_entropy_loss_gradient)
from .mse import MSE, mse_gradient, mse_value, mse_value_and_gradient
from .softmax_cross_entropy import (SoftmaxCrossEntropy, log_softmax, one_hot_like, softmax_cross_entropy_gradient,
                                    softmax_cross_entropy_value)

LOSSES: Registry[Loss] = Registry("loss", Loss, aliases={
    "ce": "cross_entropy", "bce": "cross_entropy", "binary_cross_entropy": "cross_entropy",
    "softmax_ce": "softmax_cross_entropy", "sce": "softmax_cross_entropy"})
LOSSES.register(MSE)
LOSSES.register(CrossEntropy)
LOSSES.register(SoftmaxCrossEntropy)


def get_loss(spec: Any) -> Loss:
    """A ``Loss`` from a name (``"mse"``, ``"cross_entropy"``, ``"softmax_cross_entropy"``), a config dict or
    an instance."""
    return LOSSES.create(spec)


__all__ = ["CrossEntropy", "LOSSES", "Loss", "MSE", "SoftmaxCrossEntropy", "check_probabilities",
           "cross_entropy_gradient", "cross_entropy_loss", "cross_entropy_loss_gradient", "cross_entropy_value",
           "eps_for", "get_loss", "log_softmax", "mse_gradient", "mse_loss", "mse_loss_gradient", "mse_value",
           "mse_value_and_gradient", "one_hot_like", "softmax_cross_entropy_gradient", "softmax_cross_entropy_loss",
           "softmax_cross_entropy_loss_gradient", "softmax_cross_entropy_value"]

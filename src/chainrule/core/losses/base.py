"""What every loss is: a value L(predictions, targets) and its exact gradient dL/dpredictions, and what
follows from it.

Besides the math, a loss says what it takes: probabilities (mse, cross_entropy: the output activation is
sigmoid by default) or logits (softmax_cross_entropy: the output activation must be identity, and
``probabilities`` is the softmax that ``predict_proba`` applies). It also knows the formula text the trace and
the lab show, and what a constant predictor scores (``baseline``, the training diagnostics' yardstick).
"""
from __future__ import annotations

from typing import Any, ClassVar, Dict, Optional, Tuple

import numpy as np

from ...errors import ConfigError, InputValueError
from ..activations import Activation
from ..validation import as_float_array, check_same_shape


def eps_for(dtype: np.dtype) -> float:
    # The guide clips at 1e-15; in float32 1 - 1e-15 rounds to 1 and log(1 - p) would be -inf.
    return max(1e-15, float(np.finfo(dtype).eps))


def check_probabilities(targets: np.ndarray, name: str) -> None:
    if targets.size and (targets.min() < 0 or targets.max() > 1):
        raise InputValueError(
            f"{name} must hold probabilities in [0, 1] for cross-entropy, "
            f"got values from {targets.min():g} to {targets.max():g}"
        )


class Loss:
    """A loss with ``value(predictions, targets)`` and ``gradient(predictions, targets)`` = dL/dpredictions.

    A subclass sets ``name`` and defines ``value`` and ``gradient``; one with parameters takes them as keyword
    arguments of ``__init__`` and returns them from ``params()``."""

    name: ClassVar[str] = ""
    #: whether integer class labels are accepted as targets (converted to one-hot)
    takes_labels: ClassVar[bool] = False
    #: whether the loss takes raw scores (logits) rather than probabilities
    takes_logits: ClassVar[bool] = False
    #: the output activation a network gets when none is given
    output_activation: ClassVar[str] = "sigmoid"

    # --- the math ---

    def value(self, predictions: np.ndarray, targets: np.ndarray) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define value(predictions, targets)")

    def gradient(self, predictions: np.ndarray, targets: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must define gradient(predictions, targets)")

    def value_and_gradient(self, predictions: np.ndarray, targets: np.ndarray,
                           out: Optional[np.ndarray] = None) -> Tuple[Any, np.ndarray]:
        """``(value, gradient)`` for the training step; a loss that can writes the gradient into ``out``."""
        return self.value(predictions, targets), self.gradient(predictions, targets)

    def prepare_targets(self, targets: Any, predictions: np.ndarray, name: str = "target") -> np.ndarray:
        """Validate ``targets`` against ``predictions`` once, at the boundary; return a float array."""
        targets = as_float_array(targets, name, dtype=predictions.dtype)
        check_same_shape(predictions, targets, "the network output", name)
        return targets

    # --- what the network's output means ---

    def check_output_activation(self, activation: Activation) -> None:
        """Refuse an output activation this loss cannot be given (a ``ConfigError`` saying what to use)."""
        if self.takes_logits and activation.name != self.output_activation:
            raise ConfigError(f"{self.name} takes logits: use output_activation={self.output_activation!r} "
                              f"(predict_proba applies the softmax)")

    def probabilities(self, output: np.ndarray) -> np.ndarray:
        """What ``predict_proba`` gives for the network's output: the output itself for a loss on probabilities."""
        return output

    def constant_output(self, mean: np.ndarray) -> np.ndarray:
        """The network output that predicts ``mean`` (the mean target) for every input."""
        return mean

    def baseline(self, Y: np.ndarray, mean: Optional[np.ndarray] = None,
                 output_activation: Optional[Activation] = None) -> Optional[float]:
        """The loss on targets ``Y`` of predicting the mean target (of ``Y``, or ``mean``) for every input: the
        best a network that ignores its input can do. ``None`` when the output cannot represent it."""
        Y = np.asarray(Y, dtype=np.float64)
        mean = Y.mean(axis=0, keepdims=True) if mean is None else np.asarray(mean, dtype=np.float64).reshape(1, -1)
        if not self.takes_logits and output_activation is not None and \
                not output_activation.can_output(float(mean.min()), float(mean.max())):
            return None
        prediction = np.broadcast_to(self.constant_output(mean), Y.shape)
        try:
            return float(self.value(np.ascontiguousarray(prediction, dtype=np.float64), Y))
        except Exception:  # a custom loss that cannot take it: no baseline
            return None

    def example_target(self, target: np.ndarray) -> np.ndarray:
        """A made-up target for a demonstration (a trace, a gradient check), from a ``target`` of the right
        size: as it is, unless the loss needs something else (a distribution over classes)."""
        return target

    # --- what a model file stores ---

    def params(self) -> Dict[str, Any]:
        """The keyword arguments that rebuild this loss (none for the built-in ones)."""
        return {}

    def config(self) -> Dict[str, Any]:
        """``{"name": ..., **params}``: what ``LOSSES.from_config`` rebuilds it from."""
        return {"name": self.name, **self.params()}

    # --- the formula text the trace and the lab show (output layer ``L`` with ``n_out`` outputs) ---

    def formula(self, L: int) -> str:
        """The loss as a formula of the output: ``"mean((a2 - target)^2)"``."""
        return f"{self.name}(a{L}, target)"

    def gradient_formula(self, L: int, n_out: int) -> str:
        """dL/da of the output layer: ``"2 (a2 - target)"`` (``/ n`` for n outputs)."""
        return f"dloss/da{L}"

    def torch_loss(self, nn: Any) -> Any:
        """The ``torch.nn`` loss module computing the same loss (chainrule.interop.torch)."""
        raise ConfigError(f"loss {self.name!r} has no PyTorch loss in chainrule.interop.torch")

    def __repr__(self) -> str:
        params = ", ".join(f"{key}={value!r}" for key, value in self.params().items())
        return f"{type(self).__name__}({params})"

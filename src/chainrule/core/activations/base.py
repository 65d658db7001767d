"""What every activation is: a function a = f(z) with its derivative written in terms of the output a.

Derivatives are written in terms of the activation's *output* ``a``, as the guide does
(``sigmoid_derivative(a) = a * (1 - a)``): the backward pass has ``a`` saved from the forward pass and never
needs ``z`` again.

``backward(a, grad_a)`` turns dL/da into dL/dz. For the elementwise activations that is
``grad_a * derivative(a)``; softmax mixes its outputs and overrides it.

Training calls ``forward_into(z, out)`` and ``backward_into(a, grad_a, out)``: the same numbers, written into
an array kept from the previous batch when the activation can (sigmoid, tanh, relu), so a training step
allocates nothing. The training loop around them holds ``np.errstate(over="ignore")`` once, for sigmoid's e^-z,
instead of each call.

Everything else true of an activation lives on it too, so nothing outside its own file asks for it by name:
its ``config()`` (what a model file stores), the formula text the trace and the lab show, its output range
(for the diagnostics' baseline), and its saturation and dead-unit tests (for the diagnostics).
"""
from __future__ import annotations

from typing import Any, ClassVar, Dict, Optional, Tuple

import numpy as np

from ...errors import ConfigError


class Activation:
    """An elementwise activation: ``forward(z)``, ``derivative(a)``, and ``backward(a, grad_a)`` = dL/dz.

    A subclass sets ``name`` and defines ``forward`` and ``derivative``; one with parameters takes them as
    keyword arguments of ``__init__`` and returns them from ``params()``."""

    name: ClassVar[str] = ""
    #: False when a_i depends on more than z_i (softmax): then it is no hidden-layer choice on the command line
    elementwise: ClassVar[bool] = True
    #: the interval the outputs lie in, when bounded (sigmoid: (0, 1)); None when not
    output_range: ClassVar[Optional[Tuple[float, float]]] = None
    #: the largest value of the derivative: a unit is *saturated* where its derivative is below 1% of it
    #: (None: the activation does not saturate, e.g. relu)
    max_derivative: ClassVar[Optional[float]] = None
    #: whether the lab offers it (the lab explains each value element by element and tests each kind it offers)
    in_lab: ClassVar[bool] = False

    # --- the math ---

    def forward(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must define forward(z)")

    def derivative(self, a: np.ndarray) -> np.ndarray:
        """da/dz, written in terms of the output ``a``."""
        raise NotImplementedError(f"{type(self).__name__} must define derivative(a)")

    def backward(self, a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
        """dL/dz from dL/da: the chain rule, elementwise."""
        return grad_a * self.derivative(a)

    # The training path: same numbers, into ``out`` (an array shaped like z) when the activation can.

    def forward_into(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        return self.forward(z)

    def backward_into(self, a: np.ndarray, grad_a: np.ndarray, out: np.ndarray) -> np.ndarray:
        return self.backward(a, grad_a)

    # --- what a model file stores ---

    def params(self) -> Dict[str, Any]:
        """The keyword arguments that rebuild this activation (none for most)."""
        return {}

    def config(self) -> Dict[str, Any]:
        """``{"name": ..., **params}``: what ``ACTIVATIONS.from_config`` rebuilds it from."""
        return {"name": self.name, **self.params()}

    # --- the formula text the trace and the lab show (layer index ``l``) ---

    def formula(self, l: int) -> str:
        """a_l as a formula of z_l: ``"sigmoid(z1)"``."""
        return f"{self.name}(z{l})"

    def element_formula(self, l: int) -> str:
        """One element of a_l, for the lab (the same as ``formula`` for an elementwise activation)."""
        return self.formula(l)

    def derivative_formula(self, l: int) -> str:
        """da_l/dz_l in terms of a_l: ``"a1 (1 - a1)"``."""
        return f"{self.name}'(z{l})"

    def delta_formula(self, l: int) -> str:
        """delta_l = dL/dz_l from dL/da_l."""
        return f"dL/da{l} * da{l}/dz{l}"

    # --- what the training diagnostics measure ---

    def saturated_fraction(self, a: np.ndarray) -> Optional[float]:
        """Fraction of outputs whose derivative is below 1% of the largest (None: no saturation test)."""
        if self.max_derivative is None:
            return None
        return float(np.mean(self.derivative(a) < 0.01 * self.max_derivative))

    def dead_units(self, a: np.ndarray) -> Optional[int]:
        """Units (columns of a batch ``a``) whose gradient is zero for every example (None: cannot die)."""
        return None

    def can_output(self, low: float, high: float) -> bool:
        """Whether every value in [low, high] is an output this activation can give."""
        if self.output_range is None:
            return True
        return self.output_range[0] <= low and high <= self.output_range[1]

    # --- its PyTorch twin (chainrule.interop.torch; ``nn`` is ``torch.nn``, imported only there) ---

    def torch_module(self, nn: Any) -> Any:
        """The ``torch.nn`` module computing the same function (None: no module, as for identity)."""
        raise ConfigError(f"activation {self.name!r} has no PyTorch module in chainrule.interop.torch")

    @classmethod
    def from_torch_module(cls, module: Any, nn: Any) -> Optional["Activation"]:
        """This kind, if ``module`` (a ``torch.nn`` module) computes it, else None."""
        return None

    def __repr__(self) -> str:
        params = ", ".join(f"{key}={value!r}" for key, value in self.params().items())
        return f"{type(self).__name__}({params})" if params else f"Activation({self.name!r})"

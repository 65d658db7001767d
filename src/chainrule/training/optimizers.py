"""Optimizers: how a gradient becomes a step.

Each optimizer updates a list of parameter arrays in place, given their gradients
and the learning rate of this step (the schedule decides it, epoch by epoch):

- ``SGD``:       p -= lr * g                                  (the guide's update)
- ``Momentum``:  v = mu * v + g;  p -= lr * v                 (heavy ball, as PyTorch writes it)
- ``Adam``:      m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
                 p -= lr * m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)

``state_dict()`` / ``load_state_dict()`` hold everything the next step depends on (step count, velocities,
moments), as plain floats and NumPy arrays, so a checkpoint can store them without pickling.
"""
import numpy as np

from ..core.validation import check_positive
from ..errors import ConfigError


class Optimizer:
    name: str | None = None

    def step(self, params, grads, learning_rate):
        raise NotImplementedError

    def config(self):
        """The settings that define this optimizer (JSON-ready)."""
        return {"name": self.name}

    def state_dict(self):
        return {"name": self.name}

    def load_state_dict(self, state):
        if state.get("name") != self.name:
            raise ConfigError(f"optimizer state is for {state.get('name')!r}, not {self.name!r}")

    def __repr__(self):
        settings = ", ".join(f"{k}={v}" for k, v in self.config().items() if k != "name")
        return f"{type(self).__name__}({settings})"


class SGD(Optimizer):
    name = "sgd"

    def step(self, params, grads, learning_rate):
        for p, g in zip(params, grads):
            p -= learning_rate * g


class _Buffered(Optimizer):
    """An optimizer that keeps one or more arrays per parameter, created on the first step."""

    buffers: tuple[str, ...] = ()

    def __init__(self):
        self.t = 0
        self.state = {name: None for name in self.buffers}

    def _ensure(self, params):
        for name in self.buffers:
            if self.state[name] is None:
                self.state[name] = [np.zeros_like(p) for p in params]

    def state_dict(self):
        state = {"name": self.name, "t": self.t}
        for name in self.buffers:
            state[name] = None if self.state[name] is None else [a.copy() for a in self.state[name]]
        return state

    def load_state_dict(self, state):
        super().load_state_dict(state)
        self.t = int(state["t"])
        for name in self.buffers:
            arrays = state.get(name)
            self.state[name] = None if arrays is None else [np.array(a, copy=True) for a in arrays]


class Momentum(_Buffered):
    name = "momentum"
    buffers = ("velocity",)

    def __init__(self, momentum=0.9):
        super().__init__()
        if not 0 <= momentum < 1:
            raise ConfigError(f"momentum must be in [0, 1), got {momentum!r}")
        self.momentum = float(momentum)

    def config(self):
        return {"name": self.name, "momentum": self.momentum}

    def step(self, params, grads, learning_rate):
        self._ensure(params)
        self.t += 1
        for p, g, v in zip(params, grads, self.state["velocity"]):
            v *= self.momentum
            v += g
            p -= learning_rate * v


class Adam(_Buffered):
    name = "adam"
    buffers = ("m", "v")

    def __init__(self, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__()
        for name, beta in (("beta1", beta1), ("beta2", beta2)):
            if not 0 <= beta < 1:
                raise ConfigError(f"{name} must be in [0, 1), got {beta!r}")
        self.beta1, self.beta2 = float(beta1), float(beta2)
        self.eps = check_positive(eps, "eps")

    def config(self):
        return {"name": self.name, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}

    def step(self, params, grads, learning_rate):
        self._ensure(params)
        self.t += 1
        correction1 = 1 - self.beta1 ** self.t
        correction2 = 1 - self.beta2 ** self.t
        for p, g, m, v in zip(params, grads, self.state["m"], self.state["v"]):
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * (g * g)
            p -= learning_rate * (m / correction1) / (np.sqrt(v / correction2) + self.eps)


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def get_optimizer(spec: "str | Optimizer", **settings: float) -> "Optimizer":
    """An optimizer from a name (``"sgd"``, ``"momentum"``, ``"adam"``) plus settings, or an instance."""
    if isinstance(spec, Optimizer):
        return spec
    if isinstance(spec, str) and spec.lower() in OPTIMIZERS:
        try:
            return OPTIMIZERS[spec.lower()](**settings)
        except TypeError as exc:
            raise ConfigError(f"optimizer {spec!r}: {exc}") from None
    raise ConfigError(f"unknown optimizer {spec!r}; choose one of {', '.join(OPTIMIZERS)}")

"""Learning-rate schedules: the learning rate of each epoch (0-based), from the base rate.

- ``constant``: lr
- ``step``:     lr * gamma ** (epoch // step_size)       (the guide's "decrease the learning rate as training
                                                           progresses"; step_size defaults to a third of the run)
- ``cosine``:   min_lr + (lr - min_lr) * (1 + cos(pi * epoch / epochs)) / 2

A schedule is a pure function of the epoch, so its whole state is its settings: ``state_dict()`` returns
them and a resumed run continues at the same rate.
"""
import math

from ..core.validation import check_positive
from ..errors import ConfigError


class Schedule:
    name: str | None = None

    def __init__(self, learning_rate, epochs):
        self.base_lr = check_positive(learning_rate, "learning_rate")
        self.epochs = check_positive(epochs, "epochs", integer=True)

    def __call__(self, epoch):
        raise NotImplementedError

    def config(self):
        return {"name": self.name}

    def state_dict(self):
        return dict(self.config(), base_lr=self.base_lr, epochs=self.epochs)

    def load_state_dict(self, state):
        if state.get("name") != self.name:
            raise ConfigError(f"schedule state is for {state.get('name')!r}, not {self.name!r}")
        self.base_lr, self.epochs = float(state["base_lr"]), int(state["epochs"])
        for key, value in state.items():
            if key not in ("name", "base_lr", "epochs"):
                setattr(self, key, value)

    def __repr__(self):
        return f"{self.name} schedule"


class Constant(Schedule):
    name = "constant"

    def __call__(self, epoch):
        return self.base_lr


class StepDecay(Schedule):
    name = "step"

    def __init__(self, learning_rate, epochs, step_size=None, gamma=0.5):
        super().__init__(learning_rate, epochs)
        self.step_size = check_positive(step_size, "step_size", integer=True) if step_size else max(1, self.epochs // 3)
        self.gamma = check_positive(gamma, "gamma")

    def config(self):
        return {"name": self.name, "step_size": self.step_size, "gamma": self.gamma}

    def __call__(self, epoch):
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class Cosine(Schedule):
    name = "cosine"

    def __init__(self, learning_rate, epochs, min_lr=0.0):
        super().__init__(learning_rate, epochs)
        if not 0 <= min_lr < self.base_lr:
            raise ConfigError(f"min_lr must be in [0, learning_rate={self.base_lr}), got {min_lr!r}")
        self.min_lr = float(min_lr)

    def config(self):
        return {"name": self.name, "min_lr": self.min_lr}

    def __call__(self, epoch):
        return self.min_lr + (self.base_lr - self.min_lr) * (1 + math.cos(math.pi * epoch / self.epochs)) / 2


SCHEDULES = {"constant": Constant, "step": StepDecay, "cosine": Cosine}


def get_schedule(spec: "str | Schedule", learning_rate: float, epochs: int, **settings: float) -> "Schedule":
    """A schedule from a name (``"constant"``, ``"step"``, ``"cosine"``) plus settings, or an instance."""
    if isinstance(spec, Schedule):
        return spec
    if isinstance(spec, str) and spec.lower() in SCHEDULES:
        try:
            return SCHEDULES[spec.lower()](learning_rate, epochs, **settings)
        except TypeError as exc:
            raise ConfigError(f"schedule {spec!r}: {exc}") from None
    raise ConfigError(f"unknown schedule {spec!r}; choose one of {', '.join(SCHEDULES)}")

"""Optimizers and schedules with their settings away from the defaults, worked by hand (no PyTorch needed):
Adam's bias correction step by step, momentum's coefficient, the step schedule's boundaries, cosine's min_lr;
the settings each reports, the refusals with their messages, and state that belongs to another kind."""
import math
import re

import numpy as np
import pytest

from chainrule.errors import ConfigError
from chainrule.training import SGD, Adam, Constant, Cosine, Momentum, StepDecay, get_optimizer, get_schedule

def plain_id(value):
    """Test ids without regex characters: mutmut passes them back to pytest on the command line."""
    return re.sub(r"\W+", "_", value).strip("_")[:40] if isinstance(value, str) else None



def test_adam_two_steps_by_hand():
    b1, b2, eps, lr = 0.5, 0.75, 1e-3, 0.1
    p = np.array([1.0])
    opt = Adam(beta1=b1, beta2=b2, eps=eps)
    g1, g2 = 2.0, -1.0
    opt.step([p], [np.array([g1])], lr)
    m, v = (1 - b1) * g1, (1 - b2) * g1 ** 2
    expected = 1.0 - lr * (m / (1 - b1)) / (math.sqrt(v / (1 - b2)) + eps)
    assert p[0] == pytest.approx(expected, rel=1e-14)
    opt.step([p], [np.array([g2])], lr)
    m, v = b1 * m + (1 - b1) * g2, b2 * v + (1 - b2) * g2 ** 2
    expected -= lr * (m / (1 - b1 ** 2)) / (math.sqrt(v / (1 - b2 ** 2)) + eps)
    assert p[0] == pytest.approx(expected, rel=1e-14)
    state = opt.state_dict()
    assert state["t"] == 2 and state["m"][0][0] == pytest.approx(m) and state["v"][0][0] == pytest.approx(v)
    assert state["name"] == "adam"


def test_momentum_coefficient_is_used():
    p = np.array([0.0])
    opt = Momentum(momentum=0.5)
    for _ in range(3):
        opt.step([p], [np.array([1.0])], 1.0)
    assert p[0] == -(1 + 1.5 + 1.75)                # v = 1, 1.5, 1.75
    assert opt.t == 3 and opt.state_dict()["velocity"][0].tolist() == [1.75]


def test_a_state_dict_is_a_copy():
    p = np.array([1.0])
    opt = Momentum()
    opt.step([p], [np.array([1.0])], 0.1)
    state = opt.state_dict()
    opt.step([p], [np.array([1.0])], 0.1)
    assert state["velocity"][0].tolist() == [1.0] and state["t"] == 1
    fresh = Momentum()
    fresh.load_state_dict(state)
    state["velocity"][0][0] = 99.0                    # loading copied it too
    assert fresh.state["velocity"][0].tolist() == [1.0]


def test_settings_are_reported_as_given():
    assert SGD().config() == {"name": "sgd"} and SGD().state_dict() == {"name": "sgd"}
    assert Momentum(0.8).config() == {"name": "momentum", "momentum": 0.8}
    assert Adam(0.8, 0.95, 1e-6).config() == {"name": "adam", "beta1": 0.8, "beta2": 0.95, "eps": 1e-6}
    assert repr(Adam(0.8, 0.95, 1e-6)) == "Adam(beta1=0.8, beta2=0.95, eps=1e-06)"
    assert repr(SGD()) == "SGD()"
    assert get_optimizer("Momentum", momentum=0.3).momentum == 0.3
    opt = Adam()
    assert get_optimizer(opt) is opt


@pytest.mark.parametrize("make, message", [
    (lambda: Momentum(momentum=1.0), r"^momentum must be in \[0, 1\), got 1\.0$"),
    (lambda: Momentum(momentum=-0.1), r"^momentum must be in \[0, 1\), got -0\.1$"),
    (lambda: Adam(beta1=1.0), r"^beta1 must be in \[0, 1\), got 1\.0$"),
    (lambda: Adam(beta2=-0.5), r"^beta2 must be in \[0, 1\), got -0\.5$"),
    (lambda: Adam(eps=0), r"^eps must be > 0, got 0$"),
    (lambda: get_optimizer("adam", gamma=2), r"^optimizer 'adam': .*gamma"),
    (lambda: get_optimizer(3), r"^unknown optimizer 3; choose one of sgd, momentum, adam$"),
    (lambda: get_schedule("step", 0.1, 10, min_lr=0.1), r"^schedule 'step': .*min_lr"),
    (lambda: get_schedule("cosine", 0.1, 10, min_lr=0.1), r"^min_lr must be in \[0, learning_rate=0\.1\), got 0\.1$"),
    (lambda: get_schedule("cosine", 0.1, 10, min_lr=-0.01), r"^min_lr must be in \[0, learning_rate=0\.1\)"),
    (lambda: get_schedule("step", 0.1, 10, gamma=0), r"^gamma must be > 0, got 0$"),
    (lambda: get_schedule("step", 0.1, 10, step_size=2.5), r"^step_size must be a whole number, got 2\.5$"),
    (lambda: get_schedule("constant", 0, 10), r"^learning_rate must be > 0, got 0$"),
    (lambda: get_schedule("constant", 0.1, 0), r"^epochs must be > 0, got 0$"),
    (lambda: get_schedule(None, 0.1, 10), r"^unknown schedule None; choose one of constant, step, cosine$"),
], ids=plain_id)
def test_bad_settings_are_refused_by_name(make, message):
    with pytest.raises(ConfigError, match=message):
        make()


def test_a_state_for_another_kind_is_refused():
    with pytest.raises(ConfigError, match=r"^optimizer state is for 'sgd', not 'momentum'$"):
        Momentum().load_state_dict(SGD().state_dict())
    with pytest.raises(ConfigError, match=r"^schedule state is for 'constant', not 'cosine'$"):
        Cosine(0.1, 10).load_state_dict(Constant(0.1, 10).state_dict())


def test_step_schedule_boundaries_with_its_own_step_size_and_gamma():
    step = StepDecay(1.0, 10, step_size=4, gamma=0.1)
    assert [step(e) for e in range(10)] == pytest.approx([1, 1, 1, 1, 0.1, 0.1, 0.1, 0.1, 0.01, 0.01])
    assert StepDecay(1.0, 2).step_size == 1 and StepDecay(1.0, 10).step_size == 3
    assert step.config() == {"name": "step", "step_size": 4, "gamma": 0.1}


def test_cosine_runs_from_the_rate_down_to_min_lr():
    cosine = Cosine(0.5, 4, min_lr=0.1)
    assert [cosine(e) for e in range(5)] == pytest.approx(
        [0.5, 0.1 + 0.4 * (1 + math.cos(math.pi / 4)) / 2, 0.3, 0.1 + 0.4 * (1 + math.cos(3 * math.pi / 4)) / 2, 0.1])
    assert cosine.config() == {"name": "cosine", "min_lr": 0.1}
    restored = Cosine(0.9, 7)
    restored.load_state_dict(cosine.state_dict())
    assert (restored.base_lr, restored.epochs, restored.min_lr) == (0.5, 4, 0.1)
    assert repr(cosine) == "cosine schedule"
    assert isinstance(get_schedule("COSINE", 0.5, 4, min_lr=0.1), Cosine)

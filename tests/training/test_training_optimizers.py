"""Optimizers and schedules: worked numbers by hand, PyTorch's Adam as a reference, state round trips."""
import math

import numpy as np
import pytest

from chainrule.errors import ConfigError
from chainrule.training import SGD, Adam, Momentum, get_optimizer, get_schedule


def test_sgd_is_the_guides_update():
    p = np.array([1.0, -2.0])
    SGD().step([p], [np.array([0.5, 0.25])], learning_rate=0.1)
    assert p.tolist() == [0.95, -2.025]


def test_momentum_accumulates_velocity():
    # v1 = g = 1; p = 1 - 0.1*1 = 0.9.  v2 = 0.9*1 + 1 = 1.9; p = 0.9 - 0.19 = 0.71
    p = np.array([1.0])
    opt = Momentum(momentum=0.9)
    opt.step([p], [np.array([1.0])], 0.1)
    assert p[0] == pytest.approx(0.9)
    opt.step([p], [np.array([1.0])], 0.1)
    assert p[0] == pytest.approx(0.71)


def test_adam_first_step_moves_each_parameter_by_the_learning_rate():
    # After one step m_hat = g and v_hat = g^2, so the step is lr * g / (|g| + eps) ~ lr * sign(g).
    p = np.array([1.0, 1.0, 1.0])
    Adam().step([p], [np.array([3.0, -0.001, 1e-3])], learning_rate=0.01)
    np.testing.assert_allclose(p, [0.99, 1.01, 0.99], rtol=0, atol=1e-7)


def test_adam_matches_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.RandomState(0)
    start = rng.randn(4, 3)
    grads = [rng.randn(4, 3) for _ in range(5)]
    p = start.copy()
    opt = Adam(beta1=0.8, beta2=0.99, eps=1e-6)
    tp = torch.tensor(start, requires_grad=True)
    topt = torch.optim.Adam([tp], lr=0.05, betas=(0.8, 0.99), eps=1e-6)
    for g in grads:
        opt.step([p], [g], 0.05)
        tp.grad = torch.tensor(g)
        topt.step()
    np.testing.assert_allclose(p, tp.detach().numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_state_dict_round_trip_continues_identically(name):
    rng = np.random.RandomState(1)
    grads = [[rng.randn(3), rng.randn(2)] for _ in range(6)]
    a_params = [np.ones(3), np.zeros(2)]
    a = get_optimizer(name)
    for g in grads:
        a.step(a_params, g, 0.1)
    b_params = [np.ones(3), np.zeros(2)]
    b = get_optimizer(name)
    for g in grads[:3]:
        b.step(b_params, g, 0.1)
    c = get_optimizer(name)
    c.load_state_dict(b.state_dict())
    for g in grads[3:]:
        c.step(b_params, g, 0.1)
    for x, y in zip(a_params, b_params):
        assert np.array_equal(x, y)


def test_unknown_optimizer_and_bad_settings_are_clear():
    with pytest.raises(ConfigError, match="unknown optimizer 'rmsprop'"):
        get_optimizer("rmsprop")
    with pytest.raises(ConfigError, match="momentum must be in"):
        Momentum(momentum=1.5)


def test_schedules():
    assert [get_schedule("constant", 0.5, 10)(e) for e in (0, 9)] == [0.5, 0.5]
    step = get_schedule("step", 0.8, 9)          # halve every 3 epochs
    assert [step(e) for e in range(9)] == [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2, 0.2]
    cosine = get_schedule("cosine", 1.0, 4)
    assert [cosine(e) for e in range(4)] == pytest.approx([1.0, (1 + math.cos(math.pi / 4)) / 2, 0.5,
                                                           (1 + math.cos(3 * math.pi / 4)) / 2])
    restored = get_schedule("step", 0.1, 2)
    restored.load_state_dict(step.state_dict())
    assert [restored(e) for e in range(9)] == [step(e) for e in range(9)]
    with pytest.raises(ConfigError, match="unknown schedule"):
        get_schedule("exponential", 0.1, 5)

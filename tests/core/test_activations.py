import warnings

import numpy as np
import pytest

from chainrule import ACTIVATIONS, get_activation, sigmoid, softmax
from chainrule.errors import ConfigError


def test_sigmoid_never_warns_and_saturates_exactly():
    z = np.array([-1e308, -1000.0, -50.0, 0.0, 50.0, 1000.0, 1e308])
    z32 = np.array([-3e38, -100.0, 0.0, 100.0, 3e38], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = sigmoid(z)
        a32 = sigmoid(z32)
    assert a[0] == 0.0 and a[-1] == 1.0 and a[3] == 0.5
    assert np.all(np.isfinite(a32))


def test_sigmoid_of_the_hand_trace_values():
    # The guide's hand-trace prints 0.6706 and 0.7352; the function gives 0.6704 and 0.7350.
    np.testing.assert_array_equal(np.round(sigmoid(np.array([0.71, 1.02])), 4), [0.6704, 0.7350])


def test_softmax_subtracts_the_max():
    p = softmax(np.array([1000.0, 1000.0, -1000.0]))
    np.testing.assert_allclose(p, [0.5, 0.5, 0.0])
    assert softmax(np.zeros((4, 3))).sum(axis=1) == pytest.approx(np.ones(4))


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_backward_is_the_vector_jacobian_product(name):
    """dL/dz from backward(a, dL/da) equals finite differences of L(z) = sum(g * f(z))."""
    rng = np.random.default_rng(1)
    act = get_activation(name)
    z = rng.normal(size=(3, 4))
    z[np.abs(z) < 0.05] = 0.3  # keep away from the kinks of relu / leaky relu
    g = rng.normal(size=(3, 4))
    grad_z = act.backward(act.forward(z), g)
    eps = 1e-6
    numerical = np.zeros_like(z)
    for i in np.ndindex(z.shape):
        zp, zm = z.copy(), z.copy()
        zp[i] += eps
        zm[i] -= eps
        numerical[i] = (np.sum(g * act.forward(zp)) - np.sum(g * act.forward(zm))) / (2 * eps)
    np.testing.assert_allclose(grad_z, numerical, rtol=1e-6, atol=1e-9)


def test_unknown_activation_is_named():
    with pytest.raises(ConfigError, match="unknown activation 'sigmod'"):
        get_activation("sigmod")

import warnings

import numpy as np
import pytest

from chainrule import ACTIVATIONS, Network, get_activation, sigmoid, softmax
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


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_derivative_is_the_diagonal_of_the_jacobian(name):
    """derivative(a), from the output a, is d a_i / d z_i: for softmax the diagonal a(1 - a) of its Jacobian."""
    act = get_activation(name)
    z = np.array([[-1.3, -0.4, 0.6, 2.1]])
    eps = 1e-6
    numerical = np.zeros_like(z)
    for i in range(z.shape[1]):
        zp, zm = z.copy(), z.copy()
        zp[0, i] += eps
        zm[0, i] -= eps
        numerical[0, i] = (act.forward(zp)[0, i] - act.forward(zm)[0, i]) / (2 * eps)
    np.testing.assert_allclose(act.derivative(act.forward(z)), numerical, rtol=1e-6, atol=1e-9)


def test_leaky_relu_with_its_own_slope():
    activations = pytest.importorskip("chainrule.core.activations")
    if not hasattr(activations, "LeakyReLU"):
        pytest.skip("no LeakyReLU class")
    act = activations.LeakyReLU(alpha=0.2)
    z = np.array([-2.0, -0.5, 0.5, 3.0])
    a = act.forward(z)
    np.testing.assert_allclose(a, [-0.4, -0.1, 0.5, 3.0])
    np.testing.assert_allclose(act.derivative(a), [0.2, 0.2, 1.0, 1.0])
    np.testing.assert_allclose(act.backward(a, np.full(4, 2.0)), [0.4, 0.4, 2.0, 2.0])
    net = Network([2, 3, 1], seed=0, activation=act)
    X, Y = np.array([[1.0, -2.0], [-1.5, 0.5]]), np.array([[0.3], [0.8]])
    _, weight_grads, _ = net.loss_and_gradients(*net.prepare_data(X, Y))
    W = net.weights[0]
    original = W[1, 0]
    W[1, 0] = original + 1e-6
    plus = net.loss_value(X, Y)
    W[1, 0] = original - 1e-6
    minus = net.loss_value(X, Y)
    W[1, 0] = original
    assert weight_grads[0][1, 0] == pytest.approx((plus - minus) / 2e-6, rel=1e-6)


def test_linear_is_another_name_for_identity():
    act = get_activation("linear")
    z = np.array([[-2.0, 0.5]])
    assert act.name == "identity"
    np.testing.assert_array_equal(act.forward(z), z)
    np.testing.assert_array_equal(act.derivative(z), np.ones_like(z))


def test_sigmoid_into_a_given_array():
    z = np.array([-1.0, 0.0, 2.0])
    out = np.empty(3)
    result = sigmoid(z, out=out)
    assert result is out
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-z)), rtol=1e-15)

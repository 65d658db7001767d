"""The guide's Network API: seeds, shapes, single examples and batches, and the exact gradients."""
import numpy as np
import pytest

from chainrule import ConfigError, Network, ShapeError, gradient_check, mse_loss


def guide_weights(layer_sizes, seed):
    """What the guide's __init__ draws (global RNG, as in the guide)."""
    state = np.random.get_state()
    np.random.seed(seed)
    weights = [np.random.randn(n_out, n_in) * np.sqrt(2.0 / n_in)
               for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
    np.random.set_state(state)
    return weights


@pytest.mark.parametrize("layer_sizes, seed", [([2, 2, 1], 0), ([3, 4, 2], 99), ([784, 64, 5], 42)])
def test_seeded_weights_are_the_guides_and_leave_numpy_alone(layer_sizes, seed):
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    net = Network(layer_sizes, seed=seed)
    for W, expected in zip(net.weights, guide_weights(layer_sizes, seed)):
        np.testing.assert_array_equal(W, expected)
    assert all(not b.any() for b in net.biases)
    net.train_epoch(np.zeros((3, layer_sizes[0])), np.zeros((3, layer_sizes[-1])), 0.1)
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_backward_test_of_the_guide_real_numbers():
    """Section 2, 'Implementing backward()': Network([2, 2, 1], seed=0), x = [1, 2], target 1."""
    net = Network([2, 2, 1], seed=0)
    prediction = net.forward(np.array([1.0, 2.0]))
    assert f"{prediction[0]:.4f}" == "0.6816"
    assert f"{mse_loss(prediction, np.array([1.0])):.4f}" == "0.1014"
    weight_grads, bias_grads = net.backward(np.array([1.0]))
    np.testing.assert_array_equal(np.round(weight_grads[0], 4), [[-0.0171, -0.0343], [0.0006, 0.0011]])
    np.testing.assert_array_equal(np.round(bias_grads[1], 4), [-0.1382])


def test_a_batch_is_the_mean_of_its_examples():
    rng = np.random.default_rng(0)
    net = Network([4, 5, 3], seed=1, activation="tanh")
    X, Y = rng.normal(size=(6, 4)), rng.uniform(size=(6, 3))
    batch_out = net.forward(X)
    batch_grads = net.backward(Y)
    singles = []
    for x, y in zip(X, Y):
        np.testing.assert_allclose(net.forward(x), batch_out[len(singles)], rtol=1e-14)
        singles.append(net.backward(y))
    for layer in range(2):
        for kind in range(2):
            mean = np.mean([grads[kind][layer] for grads in singles], axis=0)
            np.testing.assert_allclose(batch_grads[kind][layer], mean, rtol=1e-12, atol=1e-15)


def test_gradients_are_those_of_the_reported_loss_for_several_outputs():
    """Block 17's network: the guide's backward() is 2x off here; chainrule's passes all 26 checks."""
    net = Network([3, 4, 2], seed=99)
    report = gradient_check(net, np.array([0.5, -1.0, 2.0]), np.array([1.0, 0.0]))
    assert report.passed and len(report) == 26
    assert report.max_rel_diff < 1e-6


def test_train_step_returns_the_loss_before_the_update_and_lowers_it():
    net = Network([2, 4, 1], seed=42)
    x, target = np.array([1.0, 2.0]), np.array([1.0])
    first = net.train_step(x, target, learning_rate=1.0)
    assert f"{first:.4f}" == "0.3115"  # block 18, step 0
    assert mse_loss(net.forward(x), target) < first


def test_copy_and_set_weights_round_trip():
    net = Network([2, 3, 1], seed=0)
    saved = net.copy_weights()
    net.train_step(np.array([1.0, 0.0]), np.array([1.0]), 5.0)
    assert not np.array_equal(net.weights[0], saved[0][0])
    net.set_weights(saved)
    np.testing.assert_array_equal(net.weights[0], saved[0][0])
    net.train_step(np.array([1.0, 0.0]), np.array([1.0]), 5.0)
    assert not np.array_equal(net.weights[0], saved[0][0]), "set_weights must copy, not alias, the snapshot"


def test_float32_networks_compute_in_float32():
    net = Network([784, 16, 10], seed=0, dtype=np.float32)
    X = np.random.default_rng(0).uniform(size=(8, 784))
    assert net.forward(X).dtype == np.float32
    loss = net.train_epoch(X, np.eye(10)[np.arange(8)], 0.5, batch_size=4)
    assert np.isfinite(loss)
    assert all(W.dtype == np.float32 for W in net.weights)


def test_softmax_cross_entropy_network_returns_logits_and_probabilities():
    net = Network([4, 8, 3], seed=0, activation="relu", loss="softmax_cross_entropy")
    X = np.random.default_rng(2).normal(size=(5, 4))
    labels = np.array([0, 1, 2, 1, 0])
    assert net.activation_names == ["relu", "identity"]
    np.testing.assert_allclose(net.predict_proba(X).sum(axis=1), 1.0)
    assert gradient_check(net, X, labels).passed
    assert net.predict(X).shape == (5,)


@pytest.mark.parametrize("bad, message", [
    (np.zeros(3), r"x must have shape \(2,\) for one example or \(batch, 2\) for a batch, got \(3,\)"),
    (np.zeros((4, 3)), r"got \(4, 3\)"),
    (np.array([1.0, np.nan]), "x contains 1 non-finite value"),
])
def test_forward_names_bad_inputs(bad, message):
    with pytest.raises(ValueError, match=message):
        Network([2, 3, 1]).forward(bad)


def test_backward_rejects_a_target_that_would_broadcast():
    net = Network([2, 3, 1])
    net.forward(np.zeros((4, 2)))
    with pytest.raises(ShapeError, match=r"target has shape \(4,\) but the network output has shape \(4, 1\)"):
        net.backward(np.zeros(4))


@pytest.mark.parametrize("kwargs, message", [
    (dict(layer_sizes=[2]), "at least an input and an output"),
    (dict(layer_sizes=[2, 0, 1]), ">= 1"),
    (dict(layer_sizes=[2, 3, 1], loss="hinge"), "unknown loss 'hinge'"),
    (dict(layer_sizes=[2, 3, 3, 1], activation=["relu"]), "2 hidden layer"),
])
def test_nonsense_settings_are_refused(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        Network(**kwargs)


def test_train_epoch_refuses_nonpositive_settings():
    net = Network([2, 3, 1])
    X, y = np.zeros((4, 2)), np.zeros((4, 1))
    with pytest.raises(ConfigError, match="learning_rate must be > 0"):
        net.train_epoch(X, y, 0.0)
    with pytest.raises(ConfigError, match="batch_size must be > 0"):
        net.train_epoch(X, y, 0.1, batch_size=0)
    with pytest.raises(ShapeError, match="X has 4 examples but y has 3"):
        net.train_epoch(X, np.zeros((3, 1)), 0.1)

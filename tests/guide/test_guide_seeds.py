"""Seeds without global state: ``Network([...], seed=s)`` draws exactly the guide's ``np.random.seed(s)`` +
``np.random.randn`` weights, shuffles as the guide's ``train_epoch`` does, and never touches NumPy's global
random state. The guide's code is transcribed here (it reseeds the global RNG; a fixture restores it)."""
import numpy as np
import pytest

from chainrule import Network, gradient_check
from chainrule.guide import in_practice


@pytest.fixture
def restore_global_rng():
    state = np.random.get_state()
    yield
    np.random.set_state(state)


def guide_init(layer_sizes, seed):
    """The guide's Network.__init__, verbatim apart from returning the lists."""
    np.random.seed(seed)
    weights, biases = [], []
    for i in range(len(layer_sizes) - 1):
        n_in = layer_sizes[i]
        n_out = layer_sizes[i + 1]
        W = np.random.randn(n_out, n_in) * np.sqrt(2.0 / n_in)
        b = np.zeros(n_out)
        weights.append(W)
        biases.append(b)
    return weights, biases


@pytest.mark.parametrize("layer_sizes, seed", [([2, 2, 1], 0), ([3, 4, 2], 99), ([2, 4, 1], 42),
                                               ([1, 16, 16, 1], 42), ([784, 64, 5], 42), ([5, 3, 3, 2], 123)])
def test_weights_equal_the_guides_seeded_randn(restore_global_rng, layer_sizes, seed):
    weights, biases = guide_init(layer_sizes, seed)
    net = Network(layer_sizes, seed=seed)
    for W, W_guide, b, b_guide in zip(net.weights, weights, net.biases, biases):
        assert np.array_equal(W, W_guide)
        assert np.array_equal(b, b_guide)


def _global_state():
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    return kind, keys.copy(), pos, has_gauss, cached


def _same_state(a, b):
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and a[2:] == b[2:]


def test_creating_and_training_a_network_leaves_the_global_rng_alone(restore_global_rng):
    np.random.seed(2024)
    np.random.randn()                       # a cached Gaussian is part of the state too
    before = _global_state()
    net = Network([2, 4, 1], seed=7)
    X = np.linspace(0, 1, 20).reshape(10, 2)
    y = X[:, :1] * X[:, 1:]
    net.train_epoch(X, y, learning_rate=0.5, batch_size=4)
    net.train_step(X[0], y[0], 0.5)
    gradient_check(net, X[:3], y[:3])
    net.copy_weights()
    in_practice.sine_data()
    in_practice.noisy_sine(20, np.random.RandomState(42))
    assert _same_state(before, _global_state())


def test_guide_data_draws_match_the_guides_global_seed(restore_global_rng):
    np.random.seed(42)
    x = np.random.uniform(0, np.pi, 50).reshape(-1, 1)
    X_norm, y = in_practice.sine_data()
    assert np.array_equal(X_norm, x / np.pi) and np.array_equal(y, np.sin(x))

    np.random.seed(42)
    X_all = np.random.uniform(0, 1, 30).reshape(-1, 1)
    y_all = np.sin(X_all * np.pi) + np.random.normal(0, 0.1, X_all.shape)
    X, y = in_practice.noisy_sine(30, np.random.RandomState(42))
    assert np.array_equal(X, X_all) and np.array_equal(y, y_all)


def guide_train_epoch(weights, biases, X, y, learning_rate, batch_size=32):
    """The practice project's Network.train_epoch (one example at a time, gradients averaged per batch),
    transcribed with its forward/backward; shuffles with the global RNG, as the guide does."""
    def sigmoid(z):
        return 1 / (1 + np.exp(-np.clip(z, -500, 500)))

    def forward(x):
        activations = [x]
        a = x
        for W, b in zip(weights, biases):
            a = sigmoid(W @ a + b)
            activations.append(a)
        return activations

    def backward(activations, target):
        n_layers = len(weights)
        wg, bg = [None] * n_layers, [None] * n_layers
        a_out = activations[-1]
        delta = 2 * (a_out - target) * a_out * (1 - a_out)
        for i in range(n_layers - 1, -1, -1):
            wg[i] = delta.reshape(-1, 1) @ activations[i].reshape(1, -1)
            bg[i] = delta.copy()
            if i > 0:
                delta = (weights[i].T @ delta).flatten() * activations[i] * (1 - activations[i])
        return wg, bg

    n = len(X)
    indices = np.random.permutation(n)
    total_loss = 0
    for start in range(0, n, batch_size):
        batch_idx = indices[start:start + batch_size]
        cum_wg = [np.zeros_like(W) for W in weights]
        cum_bg = [np.zeros_like(b) for b in biases]
        for idx in batch_idx:
            activations = forward(X[idx])
            total_loss += np.mean((activations[-1] - y[idx]) ** 2)
            wg, bg = backward(activations, y[idx])
            for j in range(len(weights)):
                cum_wg[j] += wg[j]
                cum_bg[j] += bg[j]
        for j in range(len(weights)):
            weights[j] -= learning_rate * cum_wg[j] / len(batch_idx)
            biases[j] -= learning_rate * cum_bg[j] / len(batch_idx)
    return total_loss / n


def test_train_epoch_shuffles_and_updates_like_the_guides_train_epoch(restore_global_rng):
    # One output, so the guide's 2 (a - t) is the true gradient and the two must agree to rounding.
    data = np.random.RandomState(5)
    X = data.uniform(-1, 1, (70, 3))
    y = (X.sum(axis=1, keepdims=True) > 0).astype(float)
    layer_sizes, seed = [3, 5, 1], 11
    weights, biases = guide_init(layer_sizes, seed)   # np.random.seed(11): weights, then the shuffles
    net = Network(layer_sizes, seed=seed)
    for epoch in range(3):                            # 70 = 2 batches of 32 + one of 6: a ragged last batch
        guide_loss = guide_train_epoch(weights, biases, X, y, learning_rate=0.5, batch_size=32)
        loss = net.train_epoch(X, y, learning_rate=0.5, batch_size=32)
        assert loss == pytest.approx(guide_loss, abs=1e-12)
        for W, W_guide, b, b_guide in zip(net.weights, weights, net.biases, biases):
            np.testing.assert_allclose(W, W_guide, rtol=0, atol=1e-12)
            np.testing.assert_allclose(b, b_guide, rtol=0, atol=1e-12)
    # and the shuffle matters: the same epoch in the unshuffled order ends elsewhere
    shuffled, in_order = Network(layer_sizes, seed=seed), Network(layer_sizes, seed=seed)
    shuffled.train_epoch(X, y, learning_rate=0.5, batch_size=32)
    in_order.train_epoch(X, y, learning_rate=0.5, batch_size=32, shuffle=False)
    assert not np.allclose(shuffled.weights[0], in_order.weights[0], rtol=0, atol=1e-6)

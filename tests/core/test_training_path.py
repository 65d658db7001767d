"""The training path on its own: ``loss_and_gradients`` (the hot path ``train_epoch`` and ``fit`` share, with
arrays reused from batch to batch) and the updates ``train_epoch`` and ``fit`` make, each against central
differences of the loss the network reports. Not the path compared with ``backward()`` (the same code could be
wrong in both): with several outputs, an MSE gradient divided by the batch size instead of batch x outputs
fails here."""
import numpy as np
import pytest

from chainrule import Network
from chainrule.training import fit

CASES = [
    ([3, 4, 2], "sigmoid", "sigmoid", "mse"),               # several outputs: the mean is over batch x outputs
    ([4, 5, 3], "tanh", "identity", "mse"),
    ([3, 5, 4, 2], "relu", "sigmoid", "cross_entropy"),
    ([4, 6, 3], "leaky_relu", "identity", "softmax_cross_entropy"),
    ([3, 4, 3], "sigmoid", "softmax", "mse"),
]


def make(sizes, hidden, output, loss, seed=3, dtype=np.float64):
    """A network with non-zero biases (zero biases hide a bias gradient that is wrong), and a batch for it."""
    net = Network(sizes, seed=seed, activation=hidden, output_activation=output, loss=loss, dtype=dtype)
    rng = np.random.RandomState(seed + 100)
    for b in net.biases:
        b[:] = rng.normal(scale=0.3, size=b.shape)
    return net, rng


def data(net, rng, n):
    X = rng.uniform(-1, 1, size=(n, net.layer_sizes[0]))
    if net.loss.name == "softmax_cross_entropy":
        return X, rng.randint(net.layer_sizes[-1], size=n)
    return X, rng.uniform(0.05, 0.95, size=(n, net.layer_sizes[-1]))


def numerical_gradients(net, X, Y, eps=1e-6):
    """Central differences of ``net.loss_value(X, Y)`` (the batch-mean loss) for every weight and bias."""
    grads = []
    for param in net.weights + net.biases:
        grad = np.zeros_like(param, dtype=np.float64)
        for index in np.ndindex(param.shape):
            original = param[index]
            param[index] = original + eps
            plus = net.loss_value(X, Y)
            param[index] = original - eps
            minus = net.loss_value(X, Y)
            param[index] = original
            grad[index] = (plus - minus) / (2 * eps)
        grads.append(grad)
    n = len(net.weights)
    return grads[:n], grads[n:]


@pytest.mark.parametrize("sizes, hidden, output, loss", CASES)
@pytest.mark.parametrize("batch", [1, 7])
def test_loss_and_gradients_are_the_derivatives_of_the_reported_loss(sizes, hidden, output, loss, batch):
    net, rng = make(sizes, hidden, output, loss)
    X, Y = net.prepare_data(*data(net, rng, batch))
    numerical_W, numerical_b = numerical_gradients(net, X, Y)
    value, weight_grads, bias_grads = net.loss_and_gradients(X, Y)
    assert value == pytest.approx(net.loss_value(X, Y), rel=1e-12)
    assert [g.shape for g in weight_grads] == [W.shape for W in net.weights]
    assert [g.shape for g in bias_grads] == [b.shape for b in net.biases]
    for ours, theirs in zip(weight_grads + bias_grads, numerical_W + numerical_b):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-9)


def test_the_mse_gradient_on_the_training_path_is_divided_by_batch_times_outputs():
    """Worked by hand: one layer, identity output, W = 0 and b = 0, so the prediction is 0 and
    dL/dW = -2/(batch*outputs) * T.T @ X."""
    net = Network([2, 3], seed=0, output_activation="identity")
    net.weights[0][:] = 0.0
    X = np.array([[1.0, 2.0], [3.0, -1.0]])
    T = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0]])
    value, (dW,), (db,) = net.loss_and_gradients(X, T)
    assert value == pytest.approx((1 + 4 + 1 + 1) / 6)
    np.testing.assert_allclose(dW, -2.0 / 6 * T.T @ X, rtol=1e-15)
    np.testing.assert_allclose(db, -2.0 / 6 * T.sum(axis=0), rtol=1e-15)


def test_gradients_returned_are_kept_when_the_next_batch_reuses_the_buffers():
    net, rng = make([3, 5, 2], "sigmoid", "sigmoid", "mse")
    X1, Y1 = net.prepare_data(*data(net, rng, 6))
    X2, Y2 = net.prepare_data(*data(net, rng, 6))
    _, first_W, first_b = net.loss_and_gradients(X1, Y1)
    kept = [g.copy() for g in first_W + first_b]
    _, second_W, second_b = net.loss_and_gradients(X2, Y2)
    for a, b in zip(first_W + first_b, kept):
        assert np.array_equal(a, b)
    assert not np.allclose(second_W[0], kept[0])
    numerical_W, numerical_b = numerical_gradients(net, X2, Y2)      # and the second batch's are its own
    for ours, theirs in zip(second_W + second_b, numerical_W + numerical_b):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-9)


def test_a_float32_network_on_the_training_path_matches_its_float64_copy():
    net, rng = make([3, 6, 2], "tanh", "sigmoid", "mse", dtype=np.float32)
    X, Y = data(net, rng, 5)
    value, weight_grads, bias_grads = net.loss_and_gradients(*net.prepare_data(X, Y))
    assert all(g.dtype == np.float32 for g in weight_grads + bias_grads)
    wide = net.astype(np.float64)
    numerical_W, numerical_b = numerical_gradients(wide, *wide.prepare_data(X, Y))
    assert value == pytest.approx(wide.loss_value(X, Y), rel=1e-5)
    for ours, theirs in zip(weight_grads + bias_grads, numerical_W + numerical_b):
        np.testing.assert_allclose(ours, theirs, rtol=2e-4, atol=1e-6)


def descend_by_hand(net, X, Y, learning_rate, batch_size, order):
    """What an epoch must do: for each batch in ``order``, W -= lr * (numerical gradient at the current W)."""
    copy = net.astype(np.float64)
    losses = []
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        losses.append(copy.loss_value(X[idx], Y[idx]) * len(idx))
        dW, db = numerical_gradients(copy, X[idx], Y[idx])
        for p, g in zip(copy.weights + copy.biases, dW + db):
            p -= learning_rate * g
    return copy, sum(losses) / len(X)


@pytest.mark.parametrize("sizes, hidden, output, loss", CASES)
@pytest.mark.parametrize("batch_size, shuffle", [(4, False), (3, True), (11, True)])
def test_train_epoch_steps_down_the_numerical_gradient_batch_by_batch(sizes, hidden, output, loss, batch_size,
                                                                     shuffle):
    net, rng = make(sizes, hidden, output, loss)
    X, Y = data(net, rng, 11)                           # 11 rows: the last batch is a short one (unless 11)
    Xp, Yp = net.prepare_data(X, Y)
    if shuffle:
        state = net.rng.get_state()
        order = net.rng.permutation(len(X))              # the order train_epoch draws from the same state
        net.rng.set_state(state)
    else:
        order = np.arange(len(X))
    expected, expected_loss = descend_by_hand(net, Xp, Yp, 0.3, batch_size, order)
    mean_loss = net.train_epoch(X, Y, 0.3, batch_size=batch_size, shuffle=shuffle)
    assert mean_loss == pytest.approx(expected_loss, rel=1e-9)
    for ours, theirs in zip(net.weights + net.biases, expected.weights + expected.biases):
        np.testing.assert_allclose(ours, theirs, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("sizes, hidden, output, loss", CASES[:2])
def test_fit_steps_down_the_numerical_gradient_with_weight_decay_on_the_weights_only(sizes, hidden, output, loss):
    """One full-batch epoch of fit with weight decay: W -= lr (dL/dW + wd W), b -= lr dL/db, biases non-zero."""
    net, rng = make(sizes, hidden, output, loss)
    X, Y = data(net, rng, 9)
    Xp, Yp = net.prepare_data(X, Y)
    dW, db = numerical_gradients(net, Xp, Yp)
    lr, wd = 0.2, 0.05
    expected_W = [W - lr * (g + wd * W) for W, g in zip(net.weights, dW)]
    expected_b = [b - lr * g for b, g in zip(net.biases, db)]
    history = fit(net, X, Y, epochs=1, learning_rate=lr, batch_size=len(X), weight_decay=wd, diagnostics=False)
    for ours, theirs in zip(net.weights + net.biases, expected_W + expected_b):
        np.testing.assert_allclose(ours, theirs, rtol=1e-7, atol=1e-9)
    grad_norms = [float(np.linalg.norm(g)) for g in dW]      # recorded before the decay is added
    np.testing.assert_allclose(history.grad_norms[0], grad_norms, rtol=1e-6)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_a_training_epoch_reuses_its_arrays_for_sigmoid_and_tanh(activation):
    """The layers keep z, a, delta, the gradients and the loss's gradient from batch to batch (layers.py): after
    a first epoch, an epoch of the same shapes allocates only the snapshot of the weights it keeps to undo a bad
    batch, a batch of inputs and targets gathered at a time, the targets' shape check, and a few KB more.
    Every array the layers keep is at least 64 KB here, so one made anew per batch shows."""
    import tracemalloc
    net = Network([64, 128, 64], seed=0, activation=activation)
    rng = np.random.RandomState(0)
    X, Y = rng.uniform(size=(256, 64)), rng.uniform(size=(256, 64))
    net.train_epoch(X, Y, 0.1, batch_size=128)
    tracemalloc.start()
    try:
        net.train_epoch(X, Y, 0.1, batch_size=128)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    snapshot, batch, targets = net.n_params * 8, 128 * (64 + 64) * 8, 256 * 64 * 8
    assert peak < snapshot + batch + targets + 48_000

"""The fast training path computes exactly what the plain, readable one computes.

Training reuses arrays from batch to batch, works in place and converts the data batch by batch;
none of that may change a number. These tests compare it with the plain path (forward(), backward(),
W -= lr * dW) and with the guide's own per-example loop. No timing here: see benchmarks/.
"""
import os
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from chainrule import Network
from chainrule.core.activations import get_activation
from chainrule.core.losses import get_loss
from chainrule.core.threads import SMALL_PRODUCT, blas_threads, training_threads
from chainrule.errors import InputValueError

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import guide_network  # noqa: E402  (the guide's practice-project Network, verbatim)

CONFIGS = [
    dict(activation="sigmoid"),
    dict(activation="tanh", loss="cross_entropy"),
    dict(activation="relu", loss="softmax_cross_entropy"),
    dict(activation="leaky_relu", output_activation="softmax"),
    dict(activation=["tanh", "relu"], output_activation="identity"),
]


def data(n=96, n_in=12, n_out=4, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.rand(n, n_in)
    Y = np.eye(n_out)[rng.randint(0, n_out, n)]
    return X, Y


def plain_epoch(net, X, Y, learning_rate, batch_size):
    """train_epoch written with the public, allocating API: what the fast path must reproduce."""
    order = net.rng.permutation(len(X))
    total = 0.0
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        prediction = net.forward(X[idx])
        total += float(net.loss.value(prediction, Y[idx])) * len(idx)
        weight_grads, bias_grads = net.backward(Y[idx])
        for W, b, dW, db in zip(net.weights, net.biases, weight_grads, bias_grads):
            W -= learning_rate * dW
            b -= learning_rate * db
    return total / len(X)


def sizes_for(config):
    return [12, 8, 6, 4] if isinstance(config["activation"], list) else [12, 8, 4]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(str(v) for v in c.values()))
@pytest.mark.parametrize("batch_size", [1, 7, 32, 96])
def test_train_epoch_equals_the_plain_loop(config, batch_size):
    X, Y = data()
    fast = Network(sizes_for(config), seed=5, **config)
    plain = Network(sizes_for(config), seed=5, **config)
    for _ in range(3):
        fast_loss = fast.train_epoch(X, Y, 0.3, batch_size=batch_size)
        plain_loss = plain_epoch(plain, X, Y, 0.3, batch_size)
        assert fast_loss == pytest.approx(plain_loss, rel=1e-12, abs=0)
    for W_fast, W_plain in zip(fast.weights + fast.biases, plain.weights + plain.biases):
        np.testing.assert_allclose(W_fast, W_plain, rtol=1e-12, atol=1e-14)


def test_train_epoch_makes_the_guides_updates_at_n_out_times_its_learning_rate():
    """The guide's backward drops the MSE's 1/n_out: its lr 0.5 is chainrule's lr 0.5 * n_out."""
    X, Y = data(n=70, n_in=20, n_out=5, seed=1)
    state = np.random.get_state()
    try:
        guide = guide_network.Network([20, 16, 5], seed=42)
        guide_losses = [guide.train_epoch(X, Y, 0.5, batch_size=32) for _ in range(2)]
    finally:
        np.random.set_state(state)
    net = Network([20, 16, 5], seed=42)
    losses = [net.train_epoch(X, Y, 0.5 * 5, batch_size=32) for _ in range(2)]
    np.testing.assert_allclose(losses, guide_losses, rtol=1e-12)
    for W, W_guide in zip(net.weights + net.biases, guide.weights + guide.biases):
        np.testing.assert_allclose(W, W_guide, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(str(v) for v in c.values()))
def test_loss_and_gradients_equals_forward_backward_and_returns_fresh_arrays(config):
    X, Y = data(n=10)
    net = Network(sizes_for(config), seed=2, **config)
    X, Y = net.prepare_data(X, Y)
    loss, weight_grads, bias_grads = net.loss_and_gradients(X[:6], Y[:6])

    reference = Network(sizes_for(config), seed=2, **config)
    prediction = reference.forward(X[:6])
    ref_weight_grads, ref_bias_grads = reference.backward(Y[:6])
    assert loss == pytest.approx(float(reference.loss.value(prediction, Y[:6])), rel=1e-13)
    for got, expected in zip(weight_grads + bias_grads, ref_weight_grads + ref_bias_grads):
        np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-16)
    for layer, ref_layer in zip(net.layers, reference.layers):   # what the trace tool reads
        for name in ("a_prev", "z", "a", "grad_a", "delta"):
            np.testing.assert_allclose(getattr(layer, name), getattr(ref_layer, name), rtol=1e-13, atol=1e-16)

    kept = [g.copy() for g in weight_grads]
    net.loss_and_gradients(X[6:], Y[6:])          # the next batch must not overwrite the first one's gradients
    for g, g_kept in zip(weight_grads, kept):
        assert np.array_equal(g, g_kept)


def test_forward_returns_new_arrays_after_training():
    X, Y = data()
    net = Network([12, 8, 4], seed=0)
    net.train_epoch(X, Y, 0.5)
    first = net.forward(X[:3])
    first_copy = first.copy()
    net.forward(X[3:6])
    net.train_epoch(X, Y, 0.5)
    assert np.array_equal(first, first_copy)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_activations_into_a_kept_array_give_the_same_bits(name, dtype):
    rng = np.random.RandomState(3)
    z = (rng.randn(5, 7) * 30).astype(dtype)     # includes z < -88: exp(-z) overflows in float32
    grad_a = rng.randn(5, 7).astype(dtype)
    activation = get_activation(name)
    a = activation.forward(z)
    a_into = activation.forward_into(z, np.empty_like(z))
    assert a_into.dtype == dtype
    assert np.array_equal(a, a_into)
    assert np.array_equal(activation.backward(a, grad_a), activation.backward_into(a, grad_a, np.empty_like(z)))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_mse_value_and_gradient_match_the_separate_functions(dtype):
    rng = np.random.RandomState(4)
    p, t = rng.rand(6, 3).astype(dtype), rng.rand(6, 3).astype(dtype)
    mse = get_loss("mse")
    value, gradient = mse.value_and_gradient(p, t, out=np.empty_like(p))
    assert value == pytest.approx(float(mse.value(p, t)), rel=1e-6 if dtype == np.float32 else 1e-14)
    assert np.array_equal(gradient, mse.gradient(p, t))
    assert gradient.dtype == dtype


def test_batch_of_one_weight_gradient_is_the_outer_product():
    X, Y = data(n=1)
    net = Network([12, 8, 4], seed=1)
    _, weight_grads, _ = net.loss_and_gradients(X, Y)
    layer = net.layers[0]
    assert np.array_equal(weight_grads[0], np.outer(layer.delta[0], layer.a_prev[0]))


@pytest.mark.parametrize("x_dtype", [np.float32, np.uint8])
def test_data_is_kept_in_its_own_dtype_and_converted_batch_by_batch(x_dtype):
    rng = np.random.RandomState(6)
    X_small = (rng.rand(64, 12) * (255 if x_dtype == np.uint8 else 1)).astype(x_dtype)
    Y = np.eye(4)[rng.randint(0, 4, 64)]
    net = Network([12, 8, 4], seed=3)
    prepared, _ = net.prepare_data(X_small, Y)
    assert prepared is X_small                     # not copied
    reference = Network([12, 8, 4], seed=3)
    for _ in range(2):
        loss = net.train_epoch(X_small, Y, 0.2, batch_size=16)
        ref_loss = reference.train_epoch(X_small.astype(np.float64), Y, 0.2, batch_size=16)
        assert loss == ref_loss
    for W, W_ref in zip(net.weights, reference.weights):
        assert np.array_equal(W, W_ref)


def test_float64_data_in_a_float64_net_is_not_copied():
    X, Y = data()
    net = Network([12, 8, 4])
    prepared, _ = net.prepare_data(X, Y)
    assert prepared is X


def test_nonfinite_data_is_found_in_any_block_and_named_in_the_whole_array():
    X, Y = data(n=9000, n_in=3)
    X[8500, 2] = np.nan
    net = Network([3, 2, 4])
    with pytest.raises(InputValueError, match=r"X contains 1 non-finite value\(s\) \(NaN first at index \(8500, 2\)\)"):
        net.train_epoch(X, Y, 0.1)


def test_an_epoch_never_copies_the_data():
    """tracemalloc sees NumPy's allocations: the peak during an epoch is buffers, not a copy of X."""
    rng = np.random.RandomState(7)
    X = rng.rand(4000, 784).astype(np.float32)    # 12.5 MB
    Y = np.eye(10)[rng.randint(0, 10, 4000)]
    for dtype in (np.float32, np.float64):
        net = Network([784, 64, 10], dtype=dtype)
        net.train_epoch(X[:64], Y[:64], 0.1)       # buffers made once
        tracemalloc.start()
        try:
            net.train_epoch(X, Y, 0.1, batch_size=32)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 2_000_000, f"{np.dtype(dtype).name}: {peak / 1e6:.1f} MB allocated during one epoch"


def test_blas_threads_limits_small_products_to_one_thread_and_restores():
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_thread_counts():
        return [info["num_threads"] for info in threadpoolctl.threadpool_info() if info["user_api"] == "blas"]

    before = blas_thread_counts()
    with blas_threads(32, [784, 64, 10]):
        assert all(n == 1 for n in blas_thread_counts())
    assert blas_thread_counts() == before
    assert 32 * 784 * 64 < SMALL_PRODUCT <= 1024 * 784 * 64
    assert training_threads(32, [784, 64, 10]) == 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert training_threads(1024, [784, 64, 10]) == max(1, cores - 1)   # one core left free
    with blas_threads(1024, [784, 64, 10]):
        assert blas_thread_counts() == [min(n, max(1, cores - 1)) for n in before]
    assert blas_thread_counts() == before


def test_finite_rows_whose_sum_overflows_are_accepted():
    X = np.full((3, 4), 3e38, dtype=np.float32)      # each row's sum is inf in float32; every value is finite
    net = Network([4, 2, 1])
    prepared, _ = net.prepare_data(X, np.zeros((3, 1)))
    assert prepared is X


def test_a_bad_value_found_mid_epoch_undoes_the_epoch():
    """train_epoch checks each batch as it gathers it; a NaN in a late batch leaves the network (weights and
    shuffling) exactly as before the epoch, as if X had been checked before training."""
    X, Y = data(n=200)
    X[150, 3] = np.inf
    net = Network([12, 8, 4], seed=9)
    net.train_epoch(X[:100], Y[:100], 0.5)        # some history first
    weights, rng_state = net.copy_weights(), net.rng.get_state()
    with pytest.raises(InputValueError, match=r"inf first at index \(150, 3\)"):
        net.train_epoch(X, Y, 0.5, batch_size=16, shuffle=False)   # rows 0-143 train before row 150's batch
    for W, W_before in zip(net.weights + net.biases, weights[0] + weights[1]):
        assert np.array_equal(W, W_before)
    assert np.array_equal(net.rng.get_state()[1], rng_state[1]) and net.rng.get_state()[2] == rng_state[2]
    with pytest.raises(InputValueError):
        net.prepare_data(X, Y)                     # prepare_data (fit's boundary) still checks all of X up front

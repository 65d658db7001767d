"""Finite differences, everywhere: gradient_check passes for random architectures, activations, losses,
batch sizes and dtypes."""
import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from chainrule import Network, gradient_check

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax"]
OUTPUT_FOR_LOSS = {
    "mse": ["sigmoid", "tanh", "identity", "softmax", "relu"],
    "cross_entropy": ["sigmoid", "softmax"],
    "softmax_cross_entropy": ["identity"],
}


@st.composite
def cases(draw):
    sizes = draw(st.lists(st.integers(1, 5), min_size=2, max_size=4))
    loss = draw(st.sampled_from(sorted(OUTPUT_FOR_LOSS)))
    if loss == "softmax_cross_entropy":
        sizes[-1] = max(sizes[-1], 2)
    hidden = draw(st.lists(st.sampled_from(HIDDEN), min_size=len(sizes) - 2, max_size=len(sizes) - 2))
    output = draw(st.sampled_from(OUTPUT_FOR_LOSS[loss]))
    batch = draw(st.sampled_from([None, 1, 3, 7]))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    seed = draw(st.integers(0, 2**31 - 1))
    return sizes, hidden, output, loss, batch, dtype, seed


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(cases())
def test_backprop_matches_central_differences(case):
    sizes, hidden, output, loss, batch, dtype, seed = case
    rng = np.random.default_rng(seed)
    net = Network(sizes, seed=seed % 1000, activation=hidden, output_activation=output, loss=loss, dtype=dtype)
    shape = (sizes[0],) if batch is None else (batch, sizes[0])
    x = rng.normal(size=shape)
    out_shape = (sizes[-1],) if batch is None else (batch, sizes[-1])
    if loss == "softmax_cross_entropy":
        target = rng.integers(0, sizes[-1], size=out_shape[:-1]) if batch else np.eye(sizes[-1])[0]
    else:
        target = rng.uniform(0, 1, size=out_shape)
    # ReLU-like kinks are not differentiable: keep every pre-activation away from 0.
    reference = net.astype(np.float64)
    reference.forward(x)
    assume(all(np.min(np.abs(z)) > 1e-3 for z, name in zip(reference.z_values, net.activation_names)
               if name in ("relu", "leaky_relu")))
    if loss == "cross_entropy":  # near 0 or 1, log(1 - p) loses the digits a difference quotient needs
        output = reference.activations[-1]
        assume(np.min(np.minimum(output, 1 - output)) > 1e-6)
    report = gradient_check(net, x, target, epsilon=1e-6)
    bad = [row for row in report if not (row.ok or row.rel_diff < 1e-5)]
    assert not bad, "\n".join(map(str, bad))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([1, 2, 5, 32]))
def test_float32_gradients_agree_with_float64(seed, batch):
    rng = np.random.default_rng(seed)
    net64 = Network([6, 5, 3], seed=seed, activation="tanh")
    net32 = net64.astype(np.float32)
    X, Y = rng.uniform(size=(batch, 6)), rng.uniform(size=(batch, 3))
    _, grads64, _ = net64.loss_and_gradients(X, Y)
    _, grads32, _ = net32.loss_and_gradients(X.astype(np.float32), Y.astype(np.float32))
    for g64, g32 in zip(grads64, grads32):
        assert g32.dtype == np.float32
        np.testing.assert_allclose(g32, g64, rtol=2e-4, atol=1e-6)

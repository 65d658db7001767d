"""State the Network writes, read back: the epoch undone for a bad batch (weights *and* shuffling generator),
the copy ``astype`` makes (weights, generator, layers of its own), snapshots and what ``set_weights`` copies."""
import numpy as np
import pytest

from chainrule import Network
from chainrule.errors import InputValueError, ShapeError


def data(n=12, seed=0):
    rng = np.random.RandomState(seed)
    return rng.uniform(-1, 1, size=(n, 3)), rng.uniform(size=(n, 2))


@pytest.mark.parametrize("bad_row", [0, 5, 11])        # in the first batch, a middle one, the last one
@pytest.mark.parametrize("shuffle", [True, False])
def test_an_epoch_undone_for_a_bad_batch_leaves_weights_and_generator_as_they_were(bad_row, shuffle):
    X, Y = data()
    X[bad_row, 1] = np.nan
    net, twin = Network([3, 4, 2], seed=1), Network([3, 4, 2], seed=1)
    net.train_epoch(*data(seed=2), 0.5, batch_size=4)    # not at the start of the stream
    twin.train_epoch(*data(seed=2), 0.5, batch_size=4)
    with pytest.raises(InputValueError, match=rf"^X contains 1 non-finite value\(s\) \(NaN first at index "
                                               rf"\({bad_row}, 1\)\)"):
        net.train_epoch(X, Y, 0.5, batch_size=4, shuffle=shuffle)
    for a, b in zip(net.weights + net.biases, twin.weights + twin.biases):
        assert np.array_equal(a, b)
    assert net.rng.randint(1 << 30, size=5).tolist() == twin.rng.randint(1 << 30, size=5).tolist()
    # and the next good epoch is the one the twin runs
    assert net.train_epoch(*data(seed=3), 0.5, batch_size=4) == twin.train_epoch(*data(seed=3), 0.5, batch_size=4)


def test_train_epoch_returns_the_mean_loss_per_example_with_a_short_last_batch():
    X, Y = data(10)
    net, twin = Network([3, 4, 2], seed=1), Network([3, 4, 2], seed=1)
    mean = net.train_epoch(X, Y, 0.5, batch_size=4, shuffle=False)
    losses = []
    for idx in (slice(0, 4), slice(4, 8), slice(8, 10)):
        losses.append(twin.train_step(X[idx], Y[idx], 0.5) * len(X[idx]))
    assert mean == pytest.approx(sum(losses) / 10, rel=1e-12)
    for a, b in zip(net.weights + net.biases, twin.weights + twin.biases):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_astype_copies_weights_and_continues_the_generator_on_its_own(dtype):
    net = Network([3, 4, 2], seed=7, activation="tanh")
    net.rng.permutation(10)                              # move the stream on first
    copy = net.astype(dtype)
    assert copy.dtype == np.dtype(dtype) and copy is not net
    assert all(W.dtype == np.dtype(dtype) for W in copy.weights + copy.biases)
    for a, b in zip(copy.weights + copy.biases, net.weights + net.biases):
        np.testing.assert_array_equal(a, b.astype(dtype))
    assert copy.rng is not net.rng
    assert copy.rng.permutation(20).tolist() == net.rng.permutation(20).tolist()   # the same stream, each its own
    copy.rng.permutation(5)
    assert copy.rng.randint(1000, size=4).tolist() != net.rng.randint(1000, size=4).tolist()
    copy.weights[0][0, 0] += 1.0                         # its own arrays
    assert copy.weights[0][0, 0] != net.weights[0][0, 0]
    x = np.ones(3)
    net.forward(x)
    kept = net.activations[-1].copy()
    copy.forward(2 * x)                                  # its own layers: net's saved activations untouched
    np.testing.assert_array_equal(net.activations[-1], kept)
    assert copy.activation_names == net.activation_names and copy.loss.name == net.loss.name
    assert copy.layer_sizes == net.layer_sizes


def test_astype_of_a_fresh_net_has_no_saved_activations():
    net = Network([3, 4, 2])
    net.forward(np.ones(3))
    copy = net.astype(np.float32)
    assert copy.activations is None and copy.z_values is None


def test_copy_weights_is_a_snapshot_and_set_weights_copies_in():
    net = Network([3, 4, 2], seed=2)
    snapshot = net.copy_weights()
    net.train_epoch(*data(), 0.5)
    assert not np.array_equal(net.weights[0], snapshot[0][0])
    net.set_weights(snapshot)
    np.testing.assert_array_equal(net.weights[0], snapshot[0][0])
    np.testing.assert_array_equal(net.biases[1], snapshot[1][1])
    net.weights[0][0, 0] += 1.0                          # the snapshot can be reused: set_weights copied it in
    assert snapshot[0][0][0, 0] != net.weights[0][0, 0]
    net32 = Network([3, 4, 2], dtype=np.float32)
    net32.set_weights(snapshot)
    assert net32.weights[0].dtype == np.float32


def test_n_params_and_repr():
    net = Network([3, 4, 2], activation="relu", loss="cross_entropy", dtype=np.float32)
    assert net.n_params == 3 * 4 + 4 + 4 * 2 + 2
    assert repr(net) == ("Network([3, 4, 2], activations=['relu', 'sigmoid'], loss='cross_entropy', "
                         "dtype=float32)")


def test_set_weights_refuses_a_count_mismatch_in_either_list_and_converts_to_the_dtype():
    net = Network([3, 4, 2], dtype=np.float32)
    weights, biases = Network([3, 4, 2]).copy_weights()
    with pytest.raises(ShapeError, match=r"^expected 2 weight and bias arrays, got 2 and 1$"):
        net.set_weights((weights, biases[:1]))
    with pytest.raises(ShapeError, match=r"^expected 2 weight and bias arrays, got 1 and 2$"):
        net.set_weights((weights[:1], biases))
    net.set_weights((weights, biases))
    assert [p.dtype for p in net.weights + net.biases] == [np.float32] * 4


def test_predict_one_example_and_a_batch():
    net = Network([2, 3], seed=0, output_activation="identity")
    net.set_weights(([np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])], [np.zeros(3)]))
    assert net.predict(np.array([2.0, 1.0])) == 0
    assert net.predict(np.array([[2.0, 1.0], [0.0, 3.0], [-2.0, -2.0]])).tolist() == [0, 1, 2]


def test_train_epoch_uses_batches_of_32_by_default():
    X, Y = data(40)
    net, twin = Network([3, 4, 2], seed=1), Network([3, 4, 2], seed=1)
    net.train_epoch(X, Y, 0.5, shuffle=False)
    twin.train_step(X[:32], Y[:32], 0.5)
    twin.train_step(X[32:], Y[32:], 0.5)
    for a, b in zip(net.weights + net.biases, twin.weights + twin.biases):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_train_epoch_warns_nothing_when_a_sigmoid_saturates():
    import warnings
    net = Network([3, 4, 2], seed=1)
    net.weights[0] *= 1e4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = net.train_epoch(*data(), 0.1, batch_size=4)
    assert np.isfinite(loss)


def test_a_cross_entropy_target_outside_zero_one_is_named_target():
    net = Network([3, 2], loss="cross_entropy")
    net.forward(np.ones(3))
    with pytest.raises(InputValueError, match=r"^target must hold probabilities in \[0, 1\] for cross-entropy, "
                                              r"got values from 0 to 2$"):
        net.backward(np.array([0.0, 2.0]))


def test_losses_print_as_their_class():
    from chainrule import get_loss
    assert [repr(get_loss(name)) for name in ("mse", "cross_entropy", "softmax_cross_entropy")] == [
        "MSE()", "CrossEntropy()", "SoftmaxCrossEntropy()"]


def test_forward_returns_a_new_array_each_call_that_the_caller_keeps():
    net = Network([3, 4, 2], seed=0)
    first = net.forward(np.ones((2, 3)))
    kept = first.copy()
    net.forward(np.zeros((2, 3)))                       # same shapes: a reused buffer would overwrite `first`
    np.testing.assert_array_equal(first, kept)


def test_a_float32_network_prepares_float32_targets_and_names_a_nan_before_the_shape():
    X, Y = data(4)
    _, Y32 = Network([3, 4, 2], dtype=np.float32).prepare_data(X, Y)
    assert Y32.dtype == np.float32
    with pytest.raises(InputValueError, match=r"^X contains 1 non-finite value"):
        Network([3, 2]).prepare_data(np.array([np.nan, 1.0, 2.0]), np.zeros((3, 2)))

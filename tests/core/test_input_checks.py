"""The checks at the core's boundary, both sides of each: what is refused (with the message naming the argument)
and the nearest thing that is accepted; the whole-data NaN check on large sets (rows past the first block,
row 0, sums that overflow without a NaN) and the memory it uses."""
import tracemalloc
import warnings

import numpy as np
import pytest

from chainrule import (Network, cross_entropy_loss, cross_entropy_loss_gradient, softmax_cross_entropy_loss,
                       softmax_cross_entropy_loss_gradient)
from chainrule.errors import InputValueError, ShapeError


@pytest.mark.parametrize("function", [softmax_cross_entropy_loss, softmax_cross_entropy_loss_gradient])
def test_logits_must_be_one_example_or_a_batch_of_at_least_one_class(function):
    with pytest.raises(ShapeError, match=r"^logits must have shape \(classes,\) or \(batch, classes\), "
                                         r"got \(2, 2, 3\)$"):
        function(np.zeros((2, 2, 3)), np.zeros((2, 2, 3)))
    with pytest.raises(ShapeError, match=r"got \(\)$"):
        function(np.float64(1.0), 0)
    with pytest.raises(ShapeError, match=r"got \(4, 0\)$"):
        function(np.zeros((4, 0)), np.zeros((4, 0)))
    with pytest.raises(InputValueError, match=r"^logits contains 1 non-finite value"):
        function(np.array([0.0, np.nan]), np.array([1.0, 0.0]))


def test_one_class_and_one_example_are_accepted():
    assert softmax_cross_entropy_loss(np.array([[2.0], [-1.0]]), np.array([0, 0])) == 0.0
    np.testing.assert_array_equal(softmax_cross_entropy_loss_gradient(np.array([[2.0], [-1.0]]), np.array([0, 0])),
                                  np.zeros((2, 1)))
    logits = np.array([1.0, 2.0, 0.5])
    assert softmax_cross_entropy_loss(logits, 1) == pytest.approx(
        -np.log(np.exp(2.0) / np.exp(logits).sum()), rel=1e-12)


@pytest.mark.parametrize("function", [cross_entropy_loss, cross_entropy_loss_gradient])
def test_cross_entropy_targets_outside_zero_one_are_named_targets(function):
    with pytest.raises(InputValueError, match=r"^targets must hold probabilities in \[0, 1\] for cross-entropy, "
                                              r"got values from 0 to 1\.5$"):
        function(np.array([0.2, 0.7]), np.array([0.0, 1.5]))
    assert np.all(np.isfinite(function(np.array([0.2, 0.7]), np.array([0.0, 1.0]))))


@pytest.mark.parametrize("bad_row", [0, 1023, 1024, 2500, 3499])
def test_a_nan_anywhere_in_a_large_training_set_is_found(bad_row):
    X = np.zeros((3500, 3))
    X[bad_row, 2] = np.nan
    with pytest.raises(InputValueError, match=rf"^X contains 1 non-finite value\(s\) \(NaN first at index "
                                              rf"\({bad_row}, 2\)\)"):
        Network([3, 2]).prepare_data(X, np.zeros((3500, 2)))


def test_rows_whose_sum_overflows_are_not_mistaken_for_nan_and_warn_nothing():
    X = np.full((5, 4), np.finfo(np.float64).max)
    X[1] = [1e308, 1e308, -1e308, -1e308]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X_checked, _ = Network([4, 1]).prepare_data(X, np.zeros((5, 1)))
    assert X_checked is X


def test_the_nan_check_of_a_large_set_allocates_no_copy_of_it():
    """A boolean copy of X would be X.size bytes; the check sums blocks of rows instead (a few KB)."""
    X = np.random.RandomState(0).uniform(size=(2048, 2000)).astype(np.float32)   # 16 MB
    net = Network([2000, 2], dtype=np.float32)
    Y = np.zeros((2048, 2), dtype=np.float32)
    tracemalloc.start()
    try:
        net.prepare_data(X, Y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200_000                       # a 1024 x 2000 block's booleans alone would be 2 MB


def test_the_training_path_warns_nothing_when_a_sigmoid_saturates():
    net = Network([2, 3, 1], seed=0)
    net.weights[0] *= 1e4                        # e^-z overflows for the most negative z
    X, Y = net.prepare_data(np.array([[1.0, -1.0], [-1.0, 1.0]]), np.array([[1.0], [0.0]]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, weight_grads, _ = net.loss_and_gradients(X, Y)
    assert np.isfinite(loss) and all(np.all(np.isfinite(g)) for g in weight_grads)


def test_empty_inputs_are_named():
    from chainrule import mse_loss
    with pytest.raises(ShapeError, match=r"^predictions and targets are empty; a loss needs at least one value$"):
        mse_loss([], [])
    with pytest.raises(ShapeError, match=r"^X has no examples \(shape \(0, 3\)\)$"):
        Network([3, 2]).prepare_data(np.zeros((0, 3)), np.zeros((0, 2)))


def test_gradient_check_leaves_the_activations_of_its_own_input():
    from chainrule import gradient_check
    net = Network([2, 3, 1], seed=0)
    net.forward(np.array([[5.0, -5.0]]))
    x = np.array([[0.5, 0.25], [1.0, -1.0]])
    gradient_check(net, x, np.array([[1.0], [0.0]]))
    np.testing.assert_array_equal(net.activations[0], x)
    np.testing.assert_array_equal(net.activations[-1], Network([2, 3, 1], seed=0).forward(x))


@pytest.mark.parametrize("cores, small, large", [(4, 1, 3), (2, 1, 1), (1, 1, 1)])
def test_blas_threads_one_for_small_products_all_cores_but_one_for_large(monkeypatch, cores, small, large):
    import os

    from chainrule.core.threads import SMALL_PRODUCT, training_threads
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    assert training_threads(1, [784, 64, 10]) == small
    assert training_threads(32, [10, 64, 784]) == small   # the largest layer decides, in either order
    at_the_limit = [SMALL_PRODUCT // 1000, 1000]            # one layer of exactly SMALL_PRODUCT multiply-adds
    assert training_threads(1, at_the_limit) == large
    assert training_threads(1, [SMALL_PRODUCT // 1000 - 1, 1000]) == small
    assert training_threads(16, [784, 64, 10000]) == large    # 16 x 64 x 10000 > SMALL_PRODUCT

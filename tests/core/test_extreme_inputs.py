"""Random and extreme inputs: every loss, activation and layer gives a finite answer where the math is finite,
or the documented error (ChainruleError)."""
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from chainrule import (ACTIVATIONS, ChainruleError, InputValueError, Network, cross_entropy_loss, cross_entropy_loss_gradient,
                       get_activation, mse_loss, mse_loss_gradient, softmax_cross_entropy_loss,
                       softmax_cross_entropy_loss_gradient)

finite = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)
anything = st.floats(allow_nan=True, allow_infinity=True, width=64)
probability = st.one_of(st.just(0.0), st.just(1.0), st.floats(0, 1))


def no_warnings(fn, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ACTIVATIONS), arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 5)), elements=finite),
       st.sampled_from([np.float64, np.float32]))
def test_activations_are_finite_for_large_inputs(name, z, dtype):
    act = get_activation(name)
    a = no_warnings(act.forward, z.astype(dtype))
    assert np.all(np.isfinite(a))
    grad = no_warnings(act.backward, a, np.ones_like(a))
    assert np.all(np.isfinite(grad))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(arrays(np.float64, n, elements=probability),
                                                     arrays(np.float64, n, elements=probability))))
def test_cross_entropy_is_finite_for_probabilities_exactly_0_or_1(pair):
    predictions, targets = pair
    assert np.isfinite(no_warnings(cross_entropy_loss, predictions, targets))
    assert np.all(np.isfinite(no_warnings(cross_entropy_loss_gradient, predictions, targets)))


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 6).flatmap(lambda k: st.tuples(
    arrays(np.float64, (3, k), elements=finite), arrays(np.int64, 3, elements=st.integers(0, k - 1)))))
def test_softmax_cross_entropy_is_finite_for_logits_up_to_1e4(pair):
    logits, labels = pair
    assert np.isfinite(no_warnings(softmax_cross_entropy_loss, logits, labels))
    assert np.all(np.isfinite(no_warnings(softmax_cross_entropy_loss_gradient, logits, labels)))


def non_finite_message(array, name):
    """The documented error for the first non-finite value of a 1-D ``array``, or None."""
    bad = np.flatnonzero(~np.isfinite(array))
    if not bad.size:
        return None
    kind = "NaN" if np.isnan(array[bad[0]]) else "inf"
    return (f"{name} contains {bad.size} non-finite value(s) ({kind} first at index ({bad[0]},)); clean or impute the "
            f"data before training")


def guide_loss(name, p, t):
    """The guide's definitions, written out: MSE, its gradient, binary cross-entropy clipped at 1e-15."""
    if name == "mse_loss":
        return np.mean((p - t) ** 2)
    if name == "mse_loss_gradient":
        return 2 * (p - t) / p.size
    q = np.clip(p, 1e-15, 1 - 1e-15)
    return -np.mean(t * np.log(q) + (1 - t) * np.log(1 - q))


def exact_loss(name, p, t):
    """MSE or its gradient computed exactly (fractions) and rounded once; None beyond the float64 range."""
    diffs = [Fraction(float(a)) - Fraction(float(b)) for a, b in zip(p, t)]
    try:
        if name == "mse_loss":
            return float(sum(d * d for d in diffs) / len(diffs))
        return np.array([float(2 * d / len(diffs)) for d in diffs])
    except OverflowError:
        return None


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, 5, elements=anything), arrays(np.float64, 5, elements=anything))
def test_losses_give_the_guides_value_or_the_documented_error(predictions, targets):
    """Each input class gets its own answer: non-finite predictions or targets, then (cross-entropy) targets
    outside [0, 1], each with its documented message; otherwise the guide's value, or where computing it the
    guide's way overflows, the exact value (finite whenever float64 holds it) or the documented overflow error.
    Never a warning."""
    for loss in (mse_loss, mse_loss_gradient, cross_entropy_loss):
        expected = non_finite_message(predictions, "predictions") or non_finite_message(targets, "targets")
        if expected is None and loss is cross_entropy_loss and (targets.min() < 0 or targets.max() > 1):
            expected = (f"targets must hold probabilities in [0, 1] for cross-entropy, got values from "
                        f"{targets.min():g} to {targets.max():g}")
        if expected is not None:
            with pytest.raises(InputValueError) as caught:
                loss(predictions, targets)
            assert str(caught.value) == expected
            continue
        with np.errstate(over="ignore", invalid="ignore"):
            reference = guide_loss(loss.__name__, predictions, targets)
        if np.all(np.isfinite(reference)):
            np.testing.assert_allclose(no_warnings(loss, predictions, targets), reference, rtol=1e-12, atol=0)
            continue
        exact = exact_loss(loss.__name__, predictions, targets)
        if exact is None:
            with pytest.raises(InputValueError) as caught:
                no_warnings(loss, predictions, targets)
            assert str(caught.value) == (f"{loss.__name__} overflows float64 for these values (it exceeds "
                                         f"1.8e+308); rescale the predictions and targets")
        else:
            np.testing.assert_allclose(no_warnings(loss, predictions, targets), exact, rtol=1e-12, atol=0)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["sigmoid", "tanh", "relu", "leaky_relu"]), st.floats(-1e4, 1e4),
       arrays(np.float64, (4, 3), elements=finite))
def test_a_layer_with_huge_weights_stays_finite(activation, scale, X):
    net = Network([3, 4, 2], seed=0, activation=activation, loss="cross_entropy")
    net.weights[0] *= scale
    output = no_warnings(net.forward, X)
    assert np.all(np.isfinite(output))
    weight_grads, bias_grads = no_warnings(net.backward, np.ones((4, 2)))
    assert all(np.all(np.isfinite(g)) for g in weight_grads + bias_grads)


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_non_finite_training_data_is_the_documented_error(bad):
    X = np.zeros((4, 3))
    X[2, 1] = bad
    with pytest.raises(ChainruleError, match=r"X contains 1 non-finite value.*index \(2, 1\)"):
        Network([3, 2, 1]).train_epoch(X, np.zeros((4, 1)), 0.1)

"""Section 1 of the guide: the losses, their gradients, and shapes that must not broadcast."""
import numpy as np
import pytest

from chainrule import (Network, ShapeError, InputValueError, cross_entropy_loss, cross_entropy_loss_gradient, mse_loss,
                       mse_loss_gradient, softmax_cross_entropy_loss, softmax_cross_entropy_loss_gradient)


def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = f(x)
        x[i] = old - eps
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def test_mse_is_the_guides_mean_of_squared_errors():
    assert mse_loss([0.9, 0.1, 0.8], [1.0, 0.0, 1.0]) == pytest.approx(0.02)
    assert mse_loss(np.array([0.5, 0.8, 0.2, 0.9]), np.array([0.0, 1.0, 0.0, 1.0])) == pytest.approx(0.085)


def test_cross_entropy_is_the_guides_clipped_binary_cross_entropy():
    targets = np.array([1.0, 0.0, 1.0])
    assert f"{cross_entropy_loss(np.array([0.95, 0.05, 0.90]), targets):.4f}" == "0.0693"
    assert f"{cross_entropy_loss(np.array([0.05, 0.95, 0.10]), targets):.4f}" == "2.7647"
    assert f"{cross_entropy_loss(np.array([0.6, 0.4, 0.6]), targets):.4f}" == "0.5108"
    # log(0) never happens: a prediction of exactly 0 for a target of 1 costs -log(1e-15)/1.
    assert cross_entropy_loss(np.array([0.0]), np.array([1.0])) == pytest.approx(-np.log(1e-15))
    assert np.isfinite(cross_entropy_loss(np.array([1.0, 0.0], dtype=np.float32), np.array([0.0, 1.0])))


@pytest.mark.parametrize("loss, gradient", [(mse_loss, mse_loss_gradient),
                                            (cross_entropy_loss, cross_entropy_loss_gradient)])
def test_loss_gradients_match_finite_differences(loss, gradient):
    rng = np.random.default_rng(0)
    predictions = rng.uniform(0.05, 0.95, size=(4, 3))
    targets = rng.uniform(0, 1, size=(4, 3))
    expected = numerical_gradient(lambda p: loss(p, targets), predictions.copy())
    np.testing.assert_allclose(gradient(predictions, targets), expected, rtol=1e-6, atol=1e-10)


def test_softmax_cross_entropy_is_stable_and_takes_labels_or_one_hot():
    logits = np.array([[1e4, 0.0, -1e4], [2.0, 1.0, 0.1]])
    labels = np.array([1, 0])
    one_hot = np.eye(3)[labels]
    value = softmax_cross_entropy_loss(logits, labels)
    assert np.isfinite(value)
    assert value == pytest.approx(softmax_cross_entropy_loss(logits, one_hot))
    # First row: -log softmax = 1e4 for class 1; second: log-sum-exp(2, 1, 0.1) - 2.
    second = np.log(np.exp(2.0) + np.exp(1.0) + np.exp(0.1)) - 2.0
    assert value == pytest.approx((1e4 + second) / 2)
    small = np.array([[0.3, -1.2, 2.0], [0.5, 0.5, -0.5]])
    expected = numerical_gradient(lambda z: softmax_cross_entropy_loss(z, one_hot), small.copy())
    np.testing.assert_allclose(softmax_cross_entropy_loss_gradient(small, labels), expected, rtol=1e-6)


def test_a_column_target_is_not_broadcast_against_a_flat_prediction():
    with pytest.raises(ShapeError, match=r"\(3, 1\).*\(3,\)"):
        mse_loss(np.zeros(3), np.zeros((3, 1)))


def test_nan_and_out_of_range_inputs_are_named():
    with pytest.raises(InputValueError, match="predictions contains 1 non-finite value"):
        mse_loss([0.1, np.nan], [0.0, 1.0])
    with pytest.raises(InputValueError, match=r"probabilities in \[0, 1\]"):
        cross_entropy_loss([0.5, 0.5], [0.0, 2.0])
    with pytest.raises(InputValueError, match="labels from 0 to 3"):
        softmax_cross_entropy_loss(np.zeros((2, 3)), np.array([0, 3]))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cross_entropy_gradient_is_zero_where_either_clip_is_active(dtype):
    """Clipped to [eps, 1 - eps], the loss is flat in a prediction of exactly 0 or 1 (and beyond): gradient 0
    there, the formula (p - t) / (p (1 - p)) / n elsewhere; in the network's dtype."""
    predictions = np.array([1.0, 0.0, 0.5, 0.25], dtype=dtype)
    targets = np.array([0.0, 1.0, 1.0, 0.0], dtype=dtype)
    gradient = cross_entropy_loss_gradient(predictions, targets)
    np.testing.assert_allclose(gradient, [0.0, 0.0, (0.5 - 1) / 0.25 / 4, 0.25 / (0.25 * 0.75) / 4], rtol=1e-6)
    net = Network([1, 4], loss="cross_entropy", output_activation="identity", dtype=dtype)
    assert net.loss.gradient(predictions, targets).dtype == dtype

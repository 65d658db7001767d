"""Loss functions, each with its exact gradient.

``mse_loss`` and ``cross_entropy_loss`` are the guide's: the mean over *all*
elements. Their gradients include that 1/n, so for a network with several
outputs they are the true gradients of the loss the network reports (the guide's
own ``backward()`` drops the 1/n; see docs/errata.md, block 17).

``softmax_cross_entropy_loss`` takes raw scores (logits) and one-hot targets or
integer labels; it is the mean over examples of -log softmax(z)[label], computed
with log-sum-exp so no exp ever overflows.
"""
import numpy as np

from ..errors import InputValueError, ShapeError
from .validation import as_float_array, check_same_shape, numeric_array, one_hot_matrix


def _eps(dtype):
    # The guide clips at 1e-15; in float32 1 - 1e-15 rounds to 1 and log(1 - p) would be -inf.
    return max(1e-15, float(np.finfo(dtype).eps))


# --- the math, unchecked: used inside the network, where shapes are already known to be right ---

def mse_value(predictions, targets):
    return np.mean((predictions - targets) ** 2)


def mse_gradient(predictions, targets):
    return (2.0 / predictions.size) * (predictions - targets)


def mse_value_and_gradient(predictions, targets, out=None):
    """Both at once from one difference; ``out`` (shaped like predictions) receives the gradient."""
    diff = np.subtract(predictions, targets, out=out)
    flat = diff.reshape(-1)
    value = np.dot(flat, flat) / diff.size      # the mean of diff**2, as one BLAS dot
    diff *= 2.0 / diff.size
    return value, diff


def cross_entropy_value(predictions, targets):
    eps = _eps(predictions.dtype)
    p = np.clip(predictions, eps, 1 - eps)
    return -np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p))


def cross_entropy_gradient(predictions, targets):
    eps = _eps(predictions.dtype)
    p = np.clip(predictions, eps, 1 - eps)
    grad = (p - targets) / (p * (1 - p)) / predictions.size
    # Where the clip is active the clipped loss is flat in the prediction.
    clipped = (predictions < eps) | (predictions > 1 - eps)
    if np.any(clipped):
        grad = np.where(clipped, 0.0, grad).astype(predictions.dtype, copy=False)
    return grad


def log_softmax(logits):
    with np.errstate(over="ignore"):   # a gap beyond the float range is -inf: that class's softmax is exactly 0
        shifted = logits - np.max(logits, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def _n_examples(logits):
    return 1 if logits.ndim == 1 else logits.shape[0]


def softmax_cross_entropy_value(logits, targets):
    log_p = log_softmax(logits)
    with np.errstate(invalid="ignore"):
        value = 0.0 - np.sum(targets * log_p) / _n_examples(logits)   # 0.0 - : a perfect fit is 0.0, not -0.0
        if np.isnan(value):   # 0 * log(0) = 0 * -inf: a class the target gives no weight adds nothing
            value = 0.0 - np.sum(np.where(targets == 0, 0.0, targets * log_p)) / _n_examples(logits)
    return value


def softmax_cross_entropy_gradient(logits, targets):
    return (np.exp(log_softmax(logits)) - targets) / _n_examples(logits)


# --- loss objects: what a Network holds ---

class Loss:
    """A loss with ``value(predictions, targets)`` and ``gradient(predictions, targets)`` = dL/dpredictions."""

    name = None
    #: whether integer class labels are accepted as targets (converted to one-hot)
    takes_labels = False

    def __init__(self, value, gradient):
        self.value = value
        self.gradient = gradient

    def value_and_gradient(self, predictions, targets, out=None):
        """``(value, gradient)`` for the training step; a loss that can writes the gradient into ``out``."""
        return self.value(predictions, targets), self.gradient(predictions, targets)

    def prepare_targets(self, targets, predictions, name="target"):
        """Validate ``targets`` against ``predictions`` once, at the boundary; return a float array."""
        targets = as_float_array(targets, name, dtype=predictions.dtype)
        check_same_shape(predictions, targets, "the network output", name)
        return targets

    def __repr__(self):
        return f"{type(self).__name__}()"


class MSE(Loss):
    name = "mse"

    def __init__(self):
        super().__init__(mse_value, mse_gradient)

    def value_and_gradient(self, predictions, targets, out=None):
        return mse_value_and_gradient(predictions, targets, out)


class CrossEntropy(Loss):
    name = "cross_entropy"

    def __init__(self):
        super().__init__(cross_entropy_value, cross_entropy_gradient)

    def prepare_targets(self, targets, predictions, name="target"):
        targets = super().prepare_targets(targets, predictions, name)
        _check_probabilities(targets, name)
        return targets


class SoftmaxCrossEntropy(Loss):
    name = "softmax_cross_entropy"
    takes_labels = True

    def __init__(self):
        super().__init__(softmax_cross_entropy_value, softmax_cross_entropy_gradient)

    def prepare_targets(self, targets, predictions, name="target"):
        targets = numeric_array(targets, name)
        if targets.dtype.kind in "iu" and targets.shape == predictions.shape[:-1]:
            return one_hot_like(targets, predictions, name)
        targets = super().prepare_targets(targets, predictions, name)
        _check_probabilities(targets, name)
        return targets


def one_hot_like(labels, logits, name="target"):
    n_classes = logits.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise InputValueError(
            f"{name} holds class labels from {labels.min()} to {labels.max()}, "
            f"but the network has {n_classes} outputs (labels 0..{n_classes - 1})"
        )
    return one_hot_matrix(labels, n_classes, logits.dtype, name)


def _check_probabilities(targets, name):
    if targets.size and (targets.min() < 0 or targets.max() > 1):
        raise InputValueError(
            f"{name} must hold probabilities in [0, 1] for cross-entropy, "
            f"got values from {targets.min():g} to {targets.max():g}"
        )


LOSSES = {"mse": MSE, "cross_entropy": CrossEntropy, "softmax_cross_entropy": SoftmaxCrossEntropy}
_ALIASES = {"ce": "cross_entropy", "bce": "cross_entropy", "binary_cross_entropy": "cross_entropy",
            "softmax_ce": "softmax_cross_entropy", "sce": "softmax_cross_entropy"}


def get_loss(spec):
    """A ``Loss`` from a name (``"mse"``, ``"cross_entropy"``, ``"softmax_cross_entropy"``) or instance."""
    from ..errors import ConfigError

    if isinstance(spec, Loss):
        return spec
    if isinstance(spec, str):
        key = _ALIASES.get(spec.lower(), spec.lower())
        if key in LOSSES:
            return LOSSES[key]()
    raise ConfigError(f"unknown loss {spec!r}; choose one of {', '.join(LOSSES)}")


# --- the public functions: checked at the boundary ---

def _pair(predictions, targets):
    predictions = as_float_array(predictions, "predictions")
    targets = as_float_array(targets, "targets")
    check_same_shape(predictions, targets)
    if predictions.size == 0:
        raise ShapeError("predictions and targets are empty; a loss needs at least one value")
    return predictions, targets


def _finite_result(result, what, rescaled, inputs="predictions and targets"):
    """``result`` if finite, else ``rescaled()`` (the same number computed so no step overflows
    needlessly), else an ``InputValueError``: the true value is beyond the float range."""
    if np.all(np.isfinite(result)):
        return result
    with np.errstate(over="ignore"):
        result = rescaled()
    if np.all(np.isfinite(result)):
        return result
    raise InputValueError(f"{what} overflows float64 for these values (it exceeds "
                          f"{np.finfo(np.float64).max:.3g}); rescale the {inputs}")


def mse_loss(predictions, targets):
    """Mean squared error, mean((predictions - targets)**2) over all elements (the guide's definition).
    Finite whenever the true value is a float64; an ``InputValueError`` when it is beyond the range."""
    predictions, targets = _pair(predictions, targets)
    with np.errstate(over="ignore"):
        value = mse_value(predictions, targets)

    def rescaled():   # mean(((p - t) / s)**2) * s**2 with s the largest magnitude: no difference overflows
        s = max(np.max(np.abs(predictions)), np.max(np.abs(targets)))
        return mse_value(predictions / s, targets / s) * s * s
    return _finite_result(value, "mse_loss", rescaled)


def mse_loss_gradient(predictions, targets):
    """dMSE/dpredictions = 2 * (predictions - targets) / n, n = number of elements."""
    predictions, targets = _pair(predictions, targets)
    with np.errstate(over="ignore"):
        gradient = mse_gradient(predictions, targets)
    scale = 2.0 / predictions.size
    return _finite_result(gradient, "mse_loss_gradient", lambda: predictions * scale - targets * scale)


def cross_entropy_loss(predictions, targets):
    """Binary cross-entropy, the guide's definition: predictions clipped to [eps, 1 - eps], mean over all elements."""
    predictions, targets = _pair(predictions, targets)
    _check_probabilities(targets, "targets")
    return cross_entropy_value(predictions, targets)


def cross_entropy_loss_gradient(predictions, targets):
    """d cross_entropy / d predictions = (p - t) / (p (1 - p)) / n, zero where the clip is active."""
    predictions, targets = _pair(predictions, targets)
    _check_probabilities(targets, "targets")
    return cross_entropy_gradient(predictions, targets)


def _logits_and_targets(logits, targets):
    logits = as_float_array(logits, "logits")
    if logits.ndim not in (1, 2) or logits.shape[-1] == 0:
        raise ShapeError(f"logits must have shape (classes,) or (batch, classes), got {logits.shape}")
    return logits, SoftmaxCrossEntropy().prepare_targets(targets, logits, "targets")


def softmax_cross_entropy_loss(logits, targets):
    """Mean over examples of -sum(targets * log_softmax(logits)); targets one-hot/probabilities or int labels.
    Finite whenever the true value is a float64 (logits as far apart as +-1e308 included); an
    ``InputValueError`` when it is beyond the range."""
    logits, targets = _logits_and_targets(logits, targets)
    value = softmax_cross_entropy_value(logits, targets)
    return _finite_result(value, "softmax_cross_entropy_loss", lambda: value, "logits")


def softmax_cross_entropy_loss_gradient(logits, targets):
    """d softmax_cross_entropy / d logits = (softmax(logits) - targets) / batch."""
    return softmax_cross_entropy_gradient(*_logits_and_targets(logits, targets))

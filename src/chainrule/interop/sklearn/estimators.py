"""``ChainruleClassifier`` and ``ChainruleRegressor``: their hyperparameters, targets, losses and predictions."""
import numpy as np

from ..._typing import ArrayLike
from ...core.activations import softmax
from ...core.validation import one_hot_matrix
from .base import _DTYPES, _ChainruleMLP

# after .base, which says which extra to install when scikit-learn is missing
from sklearn.base import ClassifierMixin, RegressorMixin  # noqa: E402
from sklearn.utils.multiclass import check_classification_targets, type_of_target  # noqa: E402
from sklearn.utils.validation import column_or_1d  # noqa: E402


class ChainruleClassifier(ClassifierMixin, _ChainruleMLP):
    """A multi-layer perceptron classifier trained by chainrule (scikit-learn API, like ``MLPClassifier``).

    Outputs as MLPClassifier's: for three or more classes one output per class, a softmax and softmax
    cross-entropy (``out_activation_ = "softmax"``); for two classes one logistic output and binary cross-entropy,
    for a multilabel 0/1 indicator matrix one logistic output per label (``out_activation_ = "logistic"``).

    Fitted attributes: ``classes_``, ``network_``, ``loss_``, ``loss_curve_``, ``n_iter_``, ``n_features_in_``,
    ``n_layers_``, ``n_outputs_``, ``out_activation_``, ``best_loss_``, ``t_``, ``coefs_``, ``intercepts_``;
    with ``early_stopping``, ``validation_scores_`` and ``best_validation_score_`` (accuracy on the held-out
    ``validation_fraction``).

    >>> from chainrule.interop.sklearn import ChainruleClassifier
    >>> X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    >>> clf = ChainruleClassifier(hidden_layer_sizes=(8,), learning_rate_init=0.05, random_state=0)
    >>> clf.fit(X, ["no", "yes", "yes", "no"]).predict(X)
    array(['no', 'yes', 'yes', 'no'], dtype='<U3')
    >>> clf.n_iter_, clf.n_outputs_, clf.out_activation_
    (175, 1, 'logistic')
    """

    _y_numeric = False
    _stratify = True

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 batch_size="auto", learning_rate="constant", learning_rate_init=0.001, power_t=0.5, max_iter=200,
                 shuffle=True, random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8, n_iter_no_change=10, dtype="float64", dropout=0.0):
        super().__init__(
            hidden_layer_sizes, activation, solver=solver, alpha=alpha, batch_size=batch_size,
            learning_rate=learning_rate, learning_rate_init=learning_rate_init, power_t=power_t, max_iter=max_iter,
            shuffle=shuffle, random_state=random_state, tol=tol, verbose=verbose, warm_start=warm_start,
            momentum=momentum, nesterovs_momentum=nesterovs_momentum, early_stopping=early_stopping,
            validation_fraction=validation_fraction, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
            n_iter_no_change=n_iter_no_change, dtype=dtype, dropout=dropout)

    def _encode_targets(self, y, first, classes):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        target_type = type_of_target(y)
        name = type(self).__name__
        if target_type == "multilabel-indicator":
            if not first and not self._multilabel:
                raise ValueError(f"this {name} was fitted on class labels; it cannot continue on multilabel y")
            if first:
                self._multilabel = True
                self.classes_ = np.arange(y.shape[1])
                self.out_activation_ = "logistic"
            elif y.shape[1] != len(self.classes_):
                raise ValueError(f"y has {y.shape[1]} labels but this {name} was fitted with {len(self.classes_)}")
            return y.astype(_DTYPES[self.dtype])
        if first:
            self._multilabel = False
            self.classes_ = np.unique(y) if classes is None else np.unique(classes)
            self.out_activation_ = "logistic" if len(self.classes_) <= 2 else "softmax"
        elif self._multilabel:
            raise ValueError(f"this {name} was fitted on multilabel y; it cannot continue on class labels")
        unknown = np.setdiff1d(np.unique(y), self.classes_)
        if len(unknown):
            raise ValueError(f"y contains labels {unknown.tolist()} that are not in classes_ {self.classes_.tolist()}")
        codes = np.searchsorted(self.classes_, y)
        if self.out_activation_ == "logistic":          # two classes: one output, the second class's probability
            return (codes == 1).astype(_DTYPES[self.dtype])[:, None]
        return one_hot_matrix(codes, len(self.classes_), _DTYPES[self.dtype], "y")

    @property
    def _loss(self):
        return "cross_entropy" if self.out_activation_ == "logistic" else "softmax_cross_entropy"

    @property
    def _output_activation(self):
        return "sigmoid" if self.out_activation_ == "logistic" else "identity"

    def partial_fit(self, X: ArrayLike, y: ArrayLike, classes: ArrayLike | None = None,
                    sample_weight: ArrayLike | None = None) -> "ChainruleClassifier":
        """One epoch over ``(X, y)``, continuing from the current weights and optimizer state.

        The first call needs ``classes``: every class that any call will see (as in ``MLPClassifier``);
        for multilabel y it may be omitted. ``max_iter`` and ``early_stopping`` apply to ``fit`` only.
        """
        if not hasattr(self, "network_"):
            if classes is None and type_of_target(y) != "multilabel-indicator":
                raise ValueError(f"classes must be passed on the first call to {type(self).__name__}.partial_fit")
            return self._fit(X, y, incremental=True, classes=classes, sample_weight=sample_weight)
        if classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(f"classes={np.unique(classes).tolist()} is not the same as classes_ "
                             f"{self.classes_.tolist()} from the first partial_fit call")
        return self._fit(X, y, incremental=True, sample_weight=sample_weight)

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Class probabilities, (n_samples, n_classes): the softmax of the outputs; for two classes
        ``[1 - p, p]`` of the logistic output; per-label sigmoids for multilabel y."""
        output = self._forward(X)
        if self._multilabel:
            return output
        if self.out_activation_ == "logistic":
            return np.hstack([1 - output, output])
        return softmax(output)

    def predict_log_proba(self, X: ArrayLike) -> np.ndarray:
        return np.log(self.predict_proba(X))

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The most probable class of each row (for multilabel y, the 0/1 labels with probability > 0.5)."""
        output = self._forward(X)
        if self._multilabel:
            return (output > 0.5).astype(int)
        if self.out_activation_ == "logistic":
            return self.classes_[(output[:, 0] > 0.5).astype(int)]
        return self.classes_[np.argmax(output, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class ChainruleRegressor(RegressorMixin, _ChainruleMLP):
    """A multi-layer perceptron regressor trained by chainrule (scikit-learn API, like ``MLPRegressor``).

    An identity output layer with one unit per target column (``out_activation_ = "identity"``), trained on
    chainrule's MSE (the mean of squared errors over all outputs). ``y`` may be (n_samples,) or
    (n_samples, n_targets); ``predict`` returns the same shape.

    Fitted attributes: ``network_``, ``loss_``, ``loss_curve_``, ``n_iter_``, ``n_features_in_``, ``n_layers_``,
    ``n_outputs_``, ``out_activation_``, ``best_loss_``, ``t_``, ``coefs_``, ``intercepts_``; with
    ``early_stopping``, ``validation_scores_`` and ``best_validation_score_`` (R^2 on the held-out
    ``validation_fraction``).
    """

    _y_numeric = True
    _stratify = False
    _loss = "mse"
    _output_activation = "identity"

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 batch_size="auto", learning_rate="constant", learning_rate_init=0.001, power_t=0.5, max_iter=200,
                 shuffle=True, random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8, n_iter_no_change=10, dtype="float64", dropout=0.0):
        super().__init__(
            hidden_layer_sizes, activation, solver=solver, alpha=alpha, batch_size=batch_size,
            learning_rate=learning_rate, learning_rate_init=learning_rate_init, power_t=power_t, max_iter=max_iter,
            shuffle=shuffle, random_state=random_state, tol=tol, verbose=verbose, warm_start=warm_start,
            momentum=momentum, nesterovs_momentum=nesterovs_momentum, early_stopping=early_stopping,
            validation_fraction=validation_fraction, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
            n_iter_no_change=n_iter_no_change, dtype=dtype, dropout=dropout)

    def _encode_targets(self, y, first, classes=None):
        if first:
            self._y_1d = y.ndim == 1
            self.out_activation_ = "identity"
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        if not first and Y.shape[1] != self.network_.layer_sizes[-1]:
            raise ValueError(f"y has {Y.shape[1]} target column(s) but this {type(self).__name__} was fitted "
                             f"with {self.network_.layer_sizes[-1]}")
        return Y.astype(_DTYPES[self.dtype])

    def partial_fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> "ChainruleRegressor":
        """One epoch over ``(X, y)``, continuing from the current weights and optimizer state.
        ``max_iter`` and ``early_stopping`` apply to ``fit`` only."""
        return self._fit(X, y, incremental=True, sample_weight=sample_weight)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predicted targets: (n_samples,) if fitted on a 1-D y, else (n_samples, n_targets)."""
        output = self._forward(X)
        return output.ravel() if self._y_1d else output

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

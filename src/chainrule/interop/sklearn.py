"""scikit-learn estimators backed by a chainrule ``Network``.

    ChainruleClassifier(hidden_layer_sizes=(100,), activation="relu", solver="adam", ...)
    ChainruleRegressor(...)

They follow ``sklearn.neural_network.MLPClassifier``/``MLPRegressor``: the hyperparameters that mean the
same have the same names and defaults, and so do the fitted attributes (``classes_``, ``loss_curve_``,
``n_iter_``, ``n_features_in_``, ``best_loss_``, ``coefs_``/``intercepts_`` as (n_in, n_out) arrays,
``validation_scores_``). The trained network itself is ``network_``: a chainrule ``Network`` you can
gradient-check, trace, save, or hand to ``chainrule.interop.torch.to_torch``.

What differs from MLP*: weights start He-normal, as in the guide; ``solver`` is ``"sgd"`` (with classical,
not Nesterov, ``momentum``) or ``"adam"``; the learning rate is constant; ``dtype="float32"`` trains in
float32; ``dropout=p`` (chainrule's own) drops that share of each hidden layer's units while training;
and the losses are chainrule's, which are means over every output:

- classes: softmax cross-entropy over one output per class (also two outputs for a binary problem, where
  MLPClassifier uses one logistic output) -- the same loss MLPClassifier reports for three or more classes;
- multilabel: binary cross-entropy averaged over samples *and* labels (MLPClassifier sums over labels);
- regression: MSE, mean((p - y)**2) (MLPRegressor reports half of it).

tests/interop/test_interop_sklearn.py measures these: from the same weights, one epoch of plain SGD gives
MLP*'s weights to 1e-12 (with the learning rate scaled by the factor above where there is one).

scikit-learn is optional: ``pip install "chainrule[sklearn]"``.
"""
import numbers
import warnings

import numpy as np

from ..core.activations import softmax
from ..core.network import Network
from ..core.threads import blas_threads
from ..core.validation import check_seed, one_hot_matrix, refuse_masked
from ..errors import ConfigError, TrainingDiverged
from ..training.optimizers import SGD, Adam, Momentum

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.utils import check_random_state
    from sklearn.utils.multiclass import check_classification_targets, type_of_target
    from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data
except ImportError as exc:  # pragma: no cover - exercised by tests/interop/test_interop_optional.py
    raise ImportError('chainrule.interop.sklearn needs scikit-learn >= 1.6, an optional dependency: '
                      'pip install "chainrule[sklearn]"') from exc

_ACTIVATIONS = {"identity": "identity", "logistic": "sigmoid", "sigmoid": "sigmoid", "tanh": "tanh",
                "relu": "relu", "leaky_relu": "leaky_relu"}
_DTYPES = {"float64": np.float64, "float32": np.float32}


class _ChainruleMLP(BaseEstimator):
    """Shared by the classifier and the regressor; subclasses set the loss, the targets and the score."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 batch_size="auto", learning_rate_init=0.001, max_iter=200, shuffle=True, random_state=None,
                 tol=1e-4, verbose=False, warm_start=False, momentum=0.9, early_stopping=False,
                 validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10,
                 dtype="float64", dropout=0.0):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.dtype = dtype
        self.dropout = dropout      # chainrule's own: share of hidden units dropped while training

    # --- checks, once per fit ---

    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
        for n in sizes:
            if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
                raise ConfigError(f"hidden_layer_sizes must hold whole numbers >= 1, got {self.hidden_layer_sizes!r}")
        return [int(n) for n in sizes]

    def _check_params(self):
        def number(name, low, high=None, integer=False, low_open=False):
            value = getattr(self, name)
            kind = numbers.Integral if integer else numbers.Real
            if isinstance(value, bool) or not isinstance(value, kind) or not np.isfinite(value):
                raise ConfigError(f"{name} must be a {'whole ' if integer else ''}number, got {value!r}")
            if value < low or (low_open and value == low) or (high is not None and value >= high):
                bounds = f"{'>' if low_open else '>='} {low}" + (f" and < {high}" if high is not None else "")
                raise ConfigError(f"{name} must be {bounds}, got {value!r}")

        if self.activation not in _ACTIVATIONS:
            raise ConfigError(f"activation must be one of {', '.join(map(repr, _ACTIVATIONS))}, "
                              f"got {self.activation!r}")
        if self.solver not in ("sgd", "adam"):
            raise ConfigError(f"solver must be 'sgd' or 'adam', got {self.solver!r}")
        if self.dtype not in _DTYPES:
            raise ConfigError(f"dtype must be 'float64' or 'float32', got {self.dtype!r}")
        number("dropout", 0, 1)
        if self.batch_size != "auto":
            number("batch_size", 1, integer=True)
        number("alpha", 0)
        number("learning_rate_init", 0, low_open=True)
        number("max_iter", 1, integer=True)
        number("tol", 0)
        number("momentum", 0, 1)
        number("validation_fraction", 0, 1, low_open=True)
        number("beta_1", 0, 1)
        number("beta_2", 0, 1)
        number("epsilon", 0, low_open=True)
        number("n_iter_no_change", 1, integer=True)
        return self._hidden_sizes()

    # --- the network ---

    def _initialize(self, n_features, n_outputs, hidden_sizes):
        if self.random_state is not None and not isinstance(self.random_state, np.random.RandomState):
            check_seed(self.random_state, "random_state")
        self._random_state = check_random_state(self.random_state)
        seed = int(self._random_state.randint(np.iinfo(np.int32).max))
        self.network_ = Network([n_features] + hidden_sizes + [n_outputs], seed=seed,
                                activation=_ACTIVATIONS[self.activation], output_activation=self._output_activation,
                                loss=self._loss, dtype=_DTYPES[self.dtype], dropout=self.dropout)
        if self.solver == "adam":
            self._optimizer = Adam(beta1=self.beta_1, beta2=self.beta_2, eps=self.epsilon)
        else:
            self._optimizer = Momentum(self.momentum) if self.momentum > 0 else SGD()
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self._no_improvement_count = 0
        self.best_loss_ = np.inf
        self.validation_scores_ = None
        self.best_validation_score_ = None

    def _forward(self, X):
        """The network's output, without touching the network (predict never changes a fitted estimator)."""
        check_is_fitted(self)
        refuse_masked(X, "X")
        X = validate_data(self, X, reset=False, dtype=_DTYPES[self.dtype])
        a = X
        for layer, W, b in zip(self.network_.layers, self.network_.weights, self.network_.biases):
            a = layer.activation.forward(a @ W.T + b)
        return a

    @property
    def coefs_(self):
        """The weights as MLPClassifier stores them: one (n_in, n_out) array per layer (chainrule's W.T)."""
        check_is_fitted(self)
        return [W.T for W in self.network_.weights]

    @property
    def intercepts_(self):
        check_is_fitted(self)
        return list(self.network_.biases)

    # --- training ---

    def _fit(self, X, y, incremental, classes=None):
        hidden_sizes = self._check_params()
        first = not hasattr(self, "network_") or not (incremental or self.warm_start)
        if not first:
            self._check_same_network(hidden_sizes)
        refuse_masked(X, "X")
        refuse_masked(y, "y")
        X, y = validate_data(self, X, y, reset=first, multi_output=True, y_numeric=self._y_numeric,
                             dtype=_DTYPES[self.dtype])
        Y = self._encode_targets(y, first, classes)
        if first:
            self._initialize(X.shape[1], Y.shape[1], hidden_sizes)
        X, Y = self.network_.prepare_data(X, Y)

        n = len(X)
        batch_size = min(200, n) if self.batch_size == "auto" else min(self.batch_size, n)
        if incremental:
            self._run_epoch(X, Y, batch_size)
            return self

        early_stopping = self.early_stopping
        if early_stopping:
            stratify = y if self._stratify and y.ndim == 1 else None
            X, X_val, Y, Y_val, _, y_val = train_test_split(
                X, Y, y, test_size=self.validation_fraction, random_state=self._random_state, stratify=stratify)
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            best_weights = self.network_.copy_weights()
            batch_size = min(batch_size, len(X))

        self._no_improvement_count = 0
        for _ in range(self.max_iter):
            self._run_epoch(X, Y, batch_size)
            if early_stopping:
                score = self.score(X_val, y_val)
                self.validation_scores_.append(score)
                if self.verbose:
                    print(f"Validation score: {score:.6f}")
                if score < self.best_validation_score_ + self.tol:
                    self._no_improvement_count += 1
                else:
                    self._no_improvement_count = 0
                if score > self.best_validation_score_:
                    self.best_validation_score_ = score
                    best_weights = self.network_.copy_weights()
            else:
                loss = self.loss_curve_[-1]
                if loss > self.best_loss_ - self.tol:
                    self._no_improvement_count += 1
                else:
                    self._no_improvement_count = 0
                self.best_loss_ = min(self.best_loss_, loss)
            if self._no_improvement_count > self.n_iter_no_change:
                what = "Validation score" if early_stopping else "Training loss"
                if self.verbose:
                    print(f"{what} did not improve more than tol={self.tol} for {self.n_iter_no_change} "
                          f"consecutive epochs. Stopping.")
                break
        else:
            warnings.warn(f"Stochastic optimizer: maximum iterations ({self.max_iter}) reached and the "
                          f"optimization hasn't converged yet.", ConvergenceWarning)
        if early_stopping:
            self.network_.set_weights(best_weights)
        return self

    def _check_same_network(self, hidden_sizes):
        net = self.network_
        wanted = (hidden_sizes, _ACTIVATIONS[self.activation], np.dtype(_DTYPES[self.dtype]))
        have = (net.layer_sizes[1:-1], net.activation_names[0] if hidden_sizes else _ACTIVATIONS[self.activation],
                net.dtype)
        if wanted != have:
            raise ConfigError(f"warm_start/partial_fit continue the fitted network (hidden_layer_sizes="
                              f"{tuple(have[0])}, activation={have[1]!r}, dtype={have[2].name!r}), but the "
                              f"parameters now say {tuple(wanted[0])}, {wanted[1]!r}, {wanted[2].name!r}; "
                              f"call fit with warm_start=False to start a new one")

    def _update_for(self, net, batch):
        """The update of one batch, for ``Network.train_batch``: the L2 penalty, then the optimizer's step."""
        def update(loss, weight_grads, bias_grads):
            if self.alpha:
                # L2 penalty 0.5 * alpha * sum(W**2) / batch on the weights (not the biases), as MLP* add it
                scale = self.alpha / batch
                loss += 0.5 * scale * sum(float(np.sum(W * W)) for W in net.weights)
                weight_grads = [dW + scale * W for dW, W in zip(weight_grads, net.weights)]
            if not np.isfinite(loss):
                raise TrainingDiverged(f"the training loss became {loss} in epoch {self.n_iter_ + 1}; "
                                       f"lower learning_rate_init (now {self.learning_rate_init}) or scale X")
            self._optimizer.step(net.weights + net.biases, weight_grads + bias_grads, self.learning_rate_init)
            self._batch_loss = loss
        return update

    def _run_epoch(self, X, Y, batch_size):
        net = self.network_
        n = len(X)
        order = self._random_state.permutation(n) if self.shuffle else np.arange(n)
        total = 0.0
        with blas_threads(batch_size, net.layer_sizes):
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                net.train_batch(X[idx], Y[idx], self._update_for(net, len(idx)))
                total += self._batch_loss * len(idx)
        self.n_iter_ += 1
        self.t_ += n
        self.loss_curve_.append(total / n)
        if self.verbose:
            print(f"Iteration {self.n_iter_}, loss = {self.loss_curve_[-1]:.8f}")

    def fit(self, X, y):
        """Train on ``X`` (n_samples, n_features) and ``y`` for up to ``max_iter`` epochs."""
        return self._fit(X, y, incremental=False)

    # --- pickling: the network is stored as arrays and names, not as objects ---

    def __getstate__(self):
        state = super().__getstate__()
        net = state.get("network_")
        if net is not None:
            state = dict(state)
            state["network_"] = {
                "layer_sizes": net.layer_sizes, "seed": net.seed, "loss": net.loss.name, "dtype": net.dtype.name,
                "activations": [layer.activation.config() for layer in net.layers],
                "stack": [layer.config() for layer in net.stack],
                "weights": net.weights, "biases": net.biases, "rng": net.rng.get_state()}
        return state

    def __setstate__(self, state):
        saved = state.get("network_")
        if isinstance(saved, dict):
            state = dict(state)
            state["network_"] = _rebuild_network(saved)
        super().__setstate__(state)


def _rebuild_network(saved):
    # configs ({"name": "leaky_relu", "alpha": 0.3}); pickles of chainrule 0.1 hold (name, alpha) pairs
    activations = [config if isinstance(config, dict) else
                   {"name": config[0], **({} if config[1] is None else {"alpha": config[1]})}
                   for config in saved["activations"]]
    net = Network(saved["layer_sizes"], seed=saved["seed"], activation=activations[:-1],
                  output_activation=activations[-1], loss=saved["loss"], dtype=saved["dtype"], stack=saved.get("stack"))
    net.set_weights((saved["weights"], saved["biases"]))
    net.rng.set_state(saved["rng"])
    return net


class ChainruleClassifier(ClassifierMixin, _ChainruleMLP):
    """A multi-layer perceptron classifier trained by chainrule (scikit-learn API, like ``MLPClassifier``).

    Classes are learned with a softmax output and softmax cross-entropy (one output per class; two for a
    binary problem). Multilabel targets (a 0/1 indicator matrix) get one sigmoid output per label and
    binary cross-entropy.

    Fitted attributes: ``classes_``, ``network_``, ``loss_curve_``, ``n_iter_``, ``n_features_in_``,
    ``best_loss_``, ``t_``, ``coefs_``, ``intercepts_``; with ``early_stopping``, ``validation_scores_``
    and ``best_validation_score_`` (accuracy on the held-out ``validation_fraction``).

    >>> from chainrule.interop.sklearn import ChainruleClassifier
    >>> X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    >>> clf = ChainruleClassifier(hidden_layer_sizes=(8,), learning_rate_init=0.05, random_state=0)
    >>> clf.fit(X, ["no", "yes", "yes", "no"]).predict(X)
    array(['no', 'yes', 'yes', 'no'], dtype='<U3')
    >>> clf.n_iter_, round(clf.loss_curve_[-1], 4)
    (89, 0.0051)
    """

    _y_numeric = False
    _stratify = True

    def _encode_targets(self, y, first, classes):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        target_type = type_of_target(y)
        if target_type == "multilabel-indicator":
            if not first and not self._multilabel:
                raise ValueError("this classifier was fitted on class labels; it cannot continue on multilabel y")
            if first:
                self._multilabel = True
                self.classes_ = np.arange(y.shape[1])
            elif y.shape[1] != len(self.classes_):
                raise ValueError(f"y has {y.shape[1]} labels but the classifier was fitted with {len(self.classes_)}")
            return y.astype(_DTYPES[self.dtype])
        if first:
            self._multilabel = False
            self.classes_ = np.unique(y) if classes is None else np.unique(classes)
        elif self._multilabel:
            raise ValueError("this classifier was fitted on multilabel y; it cannot continue on class labels")
        unknown = np.setdiff1d(np.unique(y), self.classes_)
        if len(unknown):
            raise ValueError(f"y contains labels {unknown.tolist()} that are not in classes_ {self.classes_.tolist()}")
        codes = np.searchsorted(self.classes_, y)
        return one_hot_matrix(codes, len(self.classes_), _DTYPES[self.dtype], "y")

    @property
    def _loss(self):
        return "cross_entropy" if self._multilabel else "softmax_cross_entropy"

    @property
    def _output_activation(self):
        return "sigmoid" if self._multilabel else "identity"

    def partial_fit(self, X, y, classes=None):
        """One epoch over ``(X, y)``, continuing from the current weights and optimizer state.

        The first call needs ``classes``: every class that any call will see (as in ``MLPClassifier``);
        for multilabel y it may be omitted. ``max_iter``, ``tol`` and ``early_stopping`` apply to ``fit`` only.
        """
        if not hasattr(self, "network_"):
            if classes is None and type_of_target(y) != "multilabel-indicator":
                raise ValueError("classes must be passed on the first call to partial_fit")
            return self._fit(X, y, incremental=True, classes=classes)
        if classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(f"classes={np.unique(classes).tolist()} is not the same as classes_ "
                             f"{self.classes_.tolist()} from the first partial_fit call")
        return self._fit(X, y, incremental=True)

    def predict_proba(self, X):
        """Class probabilities, (n_samples, n_classes): the softmax of the output (per-label sigmoids
        for multilabel y)."""
        output = self._forward(X)
        return output if self._multilabel else softmax(output)

    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """The most probable class of each row (for multilabel y, the 0/1 labels with probability > 0.5)."""
        output = self._forward(X)
        if self._multilabel:
            return (output > 0.5).astype(int)
        return self.classes_[np.argmax(output, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class ChainruleRegressor(RegressorMixin, _ChainruleMLP):
    """A multi-layer perceptron regressor trained by chainrule (scikit-learn API, like ``MLPRegressor``).

    An identity output layer with one unit per target column, trained on chainrule's MSE (the mean of
    squared errors over all outputs). ``y`` may be (n_samples,) or (n_samples, n_targets); ``predict``
    returns the same shape.

    Fitted attributes: ``network_``, ``loss_curve_``, ``n_iter_``, ``n_features_in_``, ``best_loss_``,
    ``t_``, ``coefs_``, ``intercepts_``; with ``early_stopping``, ``validation_scores_`` and
    ``best_validation_score_`` (R^2 on the held-out ``validation_fraction``).
    """

    _y_numeric = True
    _stratify = False
    _loss = "mse"
    _output_activation = "identity"

    def _encode_targets(self, y, first, classes=None):
        if first:
            self._y_1d = y.ndim == 1
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        if not first and Y.shape[1] != self.network_.layer_sizes[-1]:
            raise ValueError(f"y has {Y.shape[1]} target column(s) but the regressor was fitted with "
                             f"{self.network_.layer_sizes[-1]}")
        return Y.astype(_DTYPES[self.dtype])

    def partial_fit(self, X, y):
        """One epoch over ``(X, y)``, continuing from the current weights and optimizer state.
        ``max_iter``, ``tol`` and ``early_stopping`` apply to ``fit`` only."""
        return self._fit(X, y, incremental=True)

    def predict(self, X):
        """Predicted targets: (n_samples,) if fitted on a 1-D y, else (n_samples, n_targets)."""
        output = self._forward(X)
        return output.ravel() if self._y_1d else output

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

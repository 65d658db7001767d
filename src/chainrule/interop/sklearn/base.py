"""The estimators' shared machinery: hyperparameters and their checks, the network, the training loop, pickling.

``ChainruleClassifier`` and ``ChainruleRegressor`` (``estimators.py``) add their targets, loss and predictions;
the solvers are in ``solvers.py``.
"""
import numbers
import warnings

import numpy as np

from ..._typing import ArrayLike
from ...core.network import Network
from ...core.threads import blas_threads
from ...core.validation import check_seed, refuse_masked
from ...errors import ConfigError, TrainingDiverged
from .solvers import LEARNING_RATES, AdamSolver, StochasticGradient, weighted_loss_and_gradients

try:
    from sklearn.base import BaseEstimator
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.utils import check_random_state
    from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data
except ImportError as exc:  # pragma: no cover - exercised by tests/interop/test_interop_optional.py
    raise ImportError('chainrule.interop.sklearn needs scikit-learn >= 1.6, an optional dependency: '
                      'pip install "chainrule[sklearn]"') from exc

_ACTIVATIONS = {"identity": "identity", "logistic": "sigmoid", "sigmoid": "sigmoid", "tanh": "tanh",
                "relu": "relu", "leaky_relu": "leaky_relu"}
_DTYPES = {"float64": np.float64, "float32": np.float32}


class EarlyStoppingSkipped(UserWarning):
    """``early_stopping=True`` on too few samples to hold any out: that fit trained without it."""


class _ChainruleMLP(BaseEstimator):
    """Shared by the classifier and the regressor, which declare the hyperparameters (their own ``__init__``,
    as scikit-learn's estimators do, so every message names the public class) and set the loss, the targets
    and the score."""

    def __init__(self, hidden_layer_sizes, activation, *, solver, alpha, batch_size, learning_rate,
                 learning_rate_init, power_t, max_iter, shuffle, random_state, tol, verbose, warm_start, momentum,
                 nesterovs_momentum, early_stopping, validation_fraction, beta_1, beta_2, epsilon,
                 n_iter_no_change, dtype, dropout):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
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

        def choice(name, allowed):
            if getattr(self, name) not in allowed:
                raise ConfigError(f"{name} must be one of {', '.join(map(repr, allowed))}, got {getattr(self, name)!r}")

        choice("activation", _ACTIVATIONS)
        choice("solver", ("sgd", "adam"))
        choice("learning_rate", LEARNING_RATES)
        choice("dtype", _DTYPES)
        for flag in ("shuffle", "nesterovs_momentum", "early_stopping", "warm_start"):
            if not isinstance(getattr(self, flag), (bool, np.bool_)):
                raise ConfigError(f"{flag} must be True or False, got {getattr(self, flag)!r}")
        if self.batch_size != "auto":
            number("batch_size", 1, integer=True)
        number("alpha", 0)
        number("dropout", 0, 1)
        number("learning_rate_init", 0, low_open=True)
        number("power_t", 0)
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
        self.n_layers_ = len(hidden_sizes) + 2
        self.n_outputs_ = n_outputs
        if self.solver == "adam":
            self._optimizer = AdamSolver(self.learning_rate_init, self.beta_1, self.beta_2, self.epsilon)
        else:
            self._optimizer = StochasticGradient(self.learning_rate_init, self.learning_rate, self.momentum,
                                                 self.nesterovs_momentum, self.power_t)
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

    def _fit(self, X, y, incremental, classes=None, sample_weight=None):
        hidden_sizes = self._check_params()
        first = not hasattr(self, "network_") or not (incremental or self.warm_start)
        if not first:
            self._check_same_network(hidden_sizes)
        refuse_masked(X, "X")
        refuse_masked(y, "y")
        X, y = validate_data(self, X, y, reset=first, multi_output=True, y_numeric=self._y_numeric,
                             dtype=_DTYPES[self.dtype])
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype, ensure_non_negative=True)
        Y = self._encode_targets(y, first, classes)
        if first:
            self._initialize(X.shape[1], Y.shape[1], hidden_sizes)
        X, Y = self.network_.prepare_data(X, Y)
        if incremental:
            self._epoch(X, Y, sample_weight, self._batch_size(len(X)))
            return self

        validation = None
        if self.early_stopping and self._validation_size(len(X)):
            X, Y, sample_weight, validation = self._hold_out(X, Y, y, sample_weight)
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self._best_weights = self.network_.copy_weights()
        batch_size = self._batch_size(len(X))
        for _ in range(self.max_iter):
            if self._epoch(X, Y, sample_weight, batch_size, validation):
                break
        else:
            warnings.warn(f"Stochastic optimizer: maximum iterations ({self.max_iter}) reached and the "
                          f"optimization hasn't converged yet.", ConvergenceWarning)
        if validation is not None:
            self.network_.set_weights(self._best_weights)
            del self._best_weights
        return self

    def _batch_size(self, n):
        return min(200, n) if self.batch_size == "auto" else min(self.batch_size, n)

    def _validation_size(self, n):
        """How many of ``n`` samples early stopping holds out; 0, with a warning, when that leaves fewer than 2
        to score or none to train on: this fit then trains on all ``n`` without early stopping (MLPClassifier
        raises scikit-learn's "test_size = 1 should be greater or equal to the number of classes" here)."""
        n_val = int(np.ceil(self.validation_fraction * n))
        if n_val >= 2 and n - n_val >= 1:
            return n_val
        warnings.warn(f"{type(self).__name__}(early_stopping=True, validation_fraction={self.validation_fraction})"
                      f" would hold out {n_val} of the {n} samples to score, and early stopping needs at least 2 "
                      f"and one left to train on: this fit trains on all {n} samples without early stopping "
                      f"(raise validation_fraction or pass more samples)", EarlyStoppingSkipped)
        return 0

    def _hold_out(self, X, Y, y, sample_weight):
        """Split off ``validation_fraction`` for early stopping, as MLPClassifier does: stratified only for a
        binary problem (and only when each class can be: 2 or more samples in each, room for each in both
        parts)."""
        n, n_val = len(X), self._validation_size(len(X))
        stratify = None
        if self._stratify and y.ndim == 1 and self.n_outputs_ == 1:
            _, counts = np.unique(y, return_counts=True)
            if len(counts) <= min(n_val, n - n_val) and counts.min() >= 2:
                stratify = y
        arrays = [X, Y, y] + ([] if sample_weight is None else [sample_weight])
        parts = train_test_split(*arrays, test_size=self.validation_fraction, random_state=self._random_state,
                                 stratify=stratify)
        X, X_val, Y, _, _, y_val = parts[:6]
        w, w_val = (parts[6], parts[7]) if sample_weight is not None else (None, None)
        return X, Y, w, (X_val, y_val, w_val)

    def _epoch(self, X, Y, sample_weight, batch_size, validation=None):
        """One epoch and MLPClassifier's bookkeeping after it; True when training should stop."""
        self._run_epoch(X, Y, sample_weight, batch_size)
        if validation is not None:
            X_val, y_val, w_val = validation
            score = self.score(X_val, y_val, sample_weight=w_val)
            self.validation_scores_.append(score)
            if self.verbose:
                print(f"Validation score: {score:.6f}")
            improved = score >= self.best_validation_score_ + self.tol
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_weights = self.network_.copy_weights()
        else:
            improved = self.loss_ <= self.best_loss_ - self.tol
            self.best_loss_ = min(self.best_loss_, self.loss_)
        self._no_improvement_count = 0 if improved else self._no_improvement_count + 1
        self._optimizer.epoch_ends(self.t_)
        if self._no_improvement_count > self.n_iter_no_change:
            what = "Validation score" if validation is not None else "Training loss"
            message = (f"{what} did not improve more than tol={self.tol} for {self.n_iter_no_change} "
                       f"consecutive epochs.")
            if self._optimizer.stalled():
                if self.verbose:
                    print(message + " Stopping.")
                return True
            if self.verbose:
                print(message + f" Setting learning rate to {self._optimizer.learning_rate:f}")
            self._no_improvement_count = 0
        return False

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

    def _update_for(self, net, weight_sum):
        """The update of one batch, for ``Network.train_batch``: the L2 penalty, then the optimizer's step."""
        def update(loss, weight_grads, bias_grads):
            if self.alpha and weight_sum > 0:
                # L2 penalty 0.5 * alpha * sum(W**2) / (batch size, or its total sample weight) on the weights
                # (not the biases), as MLP* add it
                scale = self.alpha / weight_sum
                loss += 0.5 * scale * sum(float(np.sum(W * W)) for W in net.weights)
                weight_grads = [dW + scale * W for dW, W in zip(weight_grads, net.weights)]
            if not np.isfinite(loss):
                raise TrainingDiverged(f"the training loss became {loss} in epoch {self.n_iter_ + 1}; "
                                       f"lower learning_rate_init (now {self.learning_rate_init}) or scale X")
            self._optimizer.step(net.weights + net.biases, weight_grads + bias_grads)
            self._batch_loss = loss
        return update

    def _run_epoch(self, X, Y, sample_weight, batch_size):
        net = self.network_
        if sample_weight is not None and self.dropout:
            raise ConfigError(f"{type(self).__name__}: dropout={self.dropout} with sample_weight is not supported "
                              f"(the weighted batch is computed without dropout); use one or the other")
        n = len(X)
        order = self._random_state.permutation(n) if self.shuffle else np.arange(n)
        total = 0.0
        with blas_threads(batch_size, net.layer_sizes):
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                if sample_weight is None:    # the network's own training step (dropout included)
                    net.train_batch(X[idx], Y[idx], self._update_for(net, len(idx)))
                    loss = self._batch_loss
                else:
                    loss, weight_grads, bias_grads = weighted_loss_and_gradients(net, X[idx], Y[idx],
                                                                                 sample_weight[idx])
                    self._update_for(net, float(sample_weight[idx].sum()))(loss, weight_grads, bias_grads)
                    loss = self._batch_loss
                total += loss * len(idx)
        self.n_iter_ += 1
        self.t_ += n
        self.loss_ = total / n
        self.loss_curve_.append(self.loss_)
        if self.verbose:
            print(f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}")

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> "_ChainruleMLP":
        """Train on ``X`` (n_samples, n_features) and ``y`` for up to ``max_iter`` epochs; ``sample_weight``
        weighs each sample's loss (``sum(w_i * l_i) / sum(w_i)`` in every batch)."""
        return self._fit(X, y, incremental=False, sample_weight=sample_weight)

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
                  output_activation=activations[-1], loss=saved["loss"], dtype=saved["dtype"],
                  stack=saved.get("stack"))
    net.set_weights((saved["weights"], saved["biases"]))
    net.rng.set_state(saved["rng"])
    return net

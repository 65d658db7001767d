"""The guide's ``Network``: ``forward``, ``backward(target)``, ``train_step``, ``train_epoch``.

Same names and meanings as the guide, plus what it leaves out: batches of
examples computed with matrix products, a choice of activations and losses,
float32, and randomness that never touches NumPy's global state.
"""
import numpy as np

from ..errors import ConfigError, ShapeError
from .activations import get_activation
from .layers import Dense
from .losses import get_loss
from .threads import blas_threads
from .validation import (as_float_array, check_dtype, check_finite, check_input, check_layer_sizes,
                         check_batch_arrays, check_parameters, check_positive, check_seed, fresh_float_array,
                         parameter_array)

def guide_initial_weights(layer_sizes, rng):
    """He-normal weights drawn exactly as the guide draws them: ``randn(n_out, n_in) * sqrt(2 / n_in)``
    layer by layer from ``rng`` (a ``RandomState``), zero biases."""
    weights, biases = [], []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        weights.append(rng.randn(n_out, n_in) * np.sqrt(2.0 / n_in))
        biases.append(np.zeros(n_out))
    return weights, biases


class Network:
    """A feedforward network of fully connected layers.

    Network(layer_sizes, seed=42, activation="sigmoid", output_activation=None, loss="mse", dtype=float64)

    - ``activation``: hidden-layer activation, one name for all or a list, one per hidden layer.
    - ``output_activation``: defaults to sigmoid (the guide's choice); with
      ``loss="softmax_cross_entropy"`` it defaults to ``"identity"``, so ``forward`` returns logits and
      ``predict_proba`` the softmax probabilities.
    - ``seed``: the weights are exactly those of the guide's ``np.random.seed(seed)`` code, but drawn from a
      private ``RandomState``, which then also shuffles ``train_epoch`` (so the guide's shuffles repeat too).
    """

    def __init__(self, layer_sizes, seed=42, activation="sigmoid", output_activation=None,
                 loss="mse", dtype=np.float64):
        self.layer_sizes = check_layer_sizes(layer_sizes)
        self.loss = get_loss(loss)
        self.dtype = check_dtype(dtype)
        n_layers = len(self.layer_sizes) - 1

        hidden = list(activation) if isinstance(activation, (list, tuple)) else [activation] * (n_layers - 1)
        if len(hidden) != n_layers - 1:
            raise ConfigError(f"{n_layers - 1} hidden layer(s) need {n_layers - 1} activation(s), got {len(hidden)}")
        if output_activation is None:
            output_activation = "identity" if self.loss.name == "softmax_cross_entropy" else "sigmoid"
        if self.loss.name == "softmax_cross_entropy" and get_activation(output_activation).name != "identity":
            raise ConfigError("softmax_cross_entropy takes logits: use output_activation='identity' "
                              "(predict_proba applies the softmax)")
        self.layers = [Dense(get_activation(name)) for name in hidden + [output_activation]]

        self.seed = check_seed(seed)
        self.rng = np.random.RandomState(self.seed)
        weights, biases = guide_initial_weights(self.layer_sizes, self.rng)
        self.weights = [W.astype(self.dtype) for W in weights]
        self.biases = [b.astype(self.dtype) for b in biases]
        self.activations = None
        self.z_values = None

    # --- description ---

    @property
    def activation_names(self):
        return [layer.activation.name for layer in self.layers]

    @property
    def n_params(self):
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases))

    def __repr__(self):
        return (f"Network({self.layer_sizes}, activations={self.activation_names}, "
                f"loss={self.loss.name!r}, dtype={self.dtype.name})")

    # --- forward and backward ---

    def forward(self, x):
        """Output for one example ``(n_in,)`` or a batch ``(batch, n_in)``; saves what backward() needs.

        The output is a new array, yours to change: the network keeps its own copy of it and of ``x``
        (changing ``x`` or the output afterwards does not change what ``backward`` computes)."""
        check_parameters(self)
        x = fresh_float_array(x, "x", self.dtype)
        check_input(x, self.layer_sizes[0])
        check_batch_arrays(self.layer_sizes, len(x) if x.ndim == 2 else 1, self.dtype)
        return self._forward(x).copy()

    def output(self, x):
        """The output for ``x``, for inference (``predict``, evaluation): a new array, but nothing is saved
        for ``backward`` (call ``forward`` first for that), so ``x`` is neither copied nor kept."""
        check_parameters(self)
        x = as_float_array(x, "x", self.dtype)
        check_input(x, self.layer_sizes[0])
        check_batch_arrays(self.layer_sizes, len(x) if x.ndim == 2 else 1, self.dtype)
        output = self._forward(x)
        self.activations = self.z_values = None
        return output

    def _forward(self, x, reuse=False):
        a = x
        for layer, W, b in zip(self.layers, self.weights, self.biases):
            a = layer.forward(a, W, b, reuse)
        self.activations = [x] + [layer.a for layer in self.layers]
        self.z_values = [layer.z for layer in self.layers]
        return a

    def backward(self, target):
        """Gradients of the loss for the last forward() input: ``(weight_grads, bias_grads)``,
        shaped like ``weights`` and ``biases``. For a batch they are gradients of the batch-mean loss."""
        if self.activations is None:
            raise ConfigError("call forward(x) before backward(target)")
        check_parameters(self)
        target = self.loss.prepare_targets(target, self.activations[-1])
        return self._backward(target)

    def _backward(self, target):
        grad_a = self.loss.gradient(self.activations[-1], target)
        return self._backpropagate(grad_a)

    def _backpropagate(self, grad_a, reuse=False, reuse_gradients=False):
        """From dL/da of the output layer down to the first layer: ``(weight_grads, bias_grads)``."""
        n_layers = len(self.layers)
        weight_grads = [None] * n_layers
        bias_grads = [None] * n_layers
        for i in range(n_layers - 1, -1, -1):
            weight_grads[i], bias_grads[i], grad_a = self.layers[i].backward(
                grad_a, self.weights[i], need_grad_a_prev=i > 0, reuse=reuse, reuse_gradients=reuse_gradients)
        return weight_grads, bias_grads

    def loss_value(self, x, target):
        """The loss for input ``x`` and ``target`` (runs a forward pass)."""
        prediction = self.forward(x)
        return float(self.loss.value(prediction, self.loss.prepare_targets(target, prediction)))

    # --- training ---

    def train_step(self, x, target, learning_rate):
        """Forward, loss, backward, and one gradient-descent update; returns the loss before the update."""
        learning_rate = check_positive(learning_rate, "learning_rate")
        prediction = self.forward(x)
        target = self.loss.prepare_targets(target, prediction)
        return self._train_step(prediction, target, learning_rate)

    def loss_and_gradients(self, X, Y):
        """Loss and gradients for a batch whose inputs and targets are already checked (``prepare_data``):
        the hot path that ``train_epoch`` and ``chainrule.training.fit`` share.

        ``X`` may be in any real dtype (``prepare_data`` keeps the data as given): the batch is converted
        here. The gradients are new arrays, yours to keep; the layers' z, a and delta are arrays reused
        by the next batch."""
        with np.errstate(over="ignore"):   # sigmoid's e^-z may overflow to inf: its result is then 0
            return self._loss_and_gradients(X, Y, reuse_gradients=False)

    def _loss_and_gradients(self, X, Y, reuse_gradients):
        if X.dtype != self.dtype:
            X = X.astype(self.dtype)
        prediction = self._forward(X, reuse=True)
        out = self.layers[-1]._array("loss_gradient", prediction.shape, self.dtype, reuse=True)
        loss, grad_a = self.loss.value_and_gradient(prediction, Y, out=out)
        weight_grads, bias_grads = self._backpropagate(grad_a, reuse=True, reuse_gradients=reuse_gradients)
        return float(loss), weight_grads, bias_grads

    def _train_step(self, prediction, target, learning_rate):
        loss = float(self.loss.value(prediction, target))
        weight_grads, bias_grads = self._backward(target)
        self._descend(weight_grads, bias_grads, learning_rate)
        return loss

    def _descend(self, weight_grads, bias_grads, learning_rate):
        """W -= learning_rate * dW for every parameter; the gradients (ours, not the caller's) are
        scaled in place."""
        for W, b, dW, db in zip(self.weights, self.biases, weight_grads, bias_grads):
            dW *= learning_rate
            W -= dW
            db *= learning_rate
            b -= db

    def train_epoch(self, X, y, learning_rate, batch_size=32, shuffle=True):
        """One pass over ``X`` (one example per row) in mini-batches, each a single averaged-gradient
        update (the guide's ``train_epoch``, computed batch-at-once). Returns the mean loss per example.

        ``X`` is never copied whole: each batch is gathered (and converted to the network's dtype)
        on its own, so ``X`` may be kept as float32 or even uint8 to save memory. Each batch is checked
        for NaN and inf as it is gathered; if one holds any, the epoch is undone (weights and shuffling
        state as they were) and the error names the first bad value in ``X``."""
        learning_rate = check_positive(learning_rate, "learning_rate")
        batch_size = check_positive(batch_size, "batch_size", integer=True)
        X, Y = self._prepare(X, y, check_X=False)
        n = len(X)
        check_batch_arrays(self.layer_sizes, min(batch_size, n), self.dtype)
        check_batches = X.dtype.kind == "f"
        start_state = (self.copy_weights(), self.rng.get_state()) if check_batches else None
        order = self.rng.permutation(n) if shuffle else None
        total = 0.0
        with blas_threads(batch_size, self.layer_sizes), np.errstate(over="ignore"):
            for start in range(0, n, batch_size):
                idx = slice(start, start + batch_size) if order is None else order[start:start + batch_size]
                X_batch, Y_batch = X[idx], Y[idx]
                if check_batches and not np.isfinite(X_batch).all():
                    self.set_weights(start_state[0])
                    self.rng.set_state(start_state[1])
                    check_finite(X, "X")
                loss, weight_grads, bias_grads = self._loss_and_gradients(X_batch, Y_batch, reuse_gradients=True)
                self._descend(weight_grads, bias_grads, learning_rate)
                total += loss * len(X_batch)
        return total / n

    def prepare_data(self, X, y):
        """Check a data set once: ``X`` (n, n_in) and targets fitting the loss. Targets come back in the
        net's dtype; ``X`` comes back as given when it is already a NumPy array of real numbers (float32
        data for a float64 net, say, is converted batch by batch, never copied whole), else converted."""
        return self._prepare(X, y)

    def _prepare(self, X, y, check_X=True):
        check_parameters(self)
        if isinstance(X, np.ndarray) and X.dtype.kind in "fiu" and not isinstance(X, np.ma.MaskedArray):
            if X.dtype.kind == "f" and X.ndim > 0 and check_X:   # a 0-d array gets the shape error below
                _check_finite_in_chunks(X, "X")
        else:
            X = as_float_array(X, "X", self.dtype)
        if X.ndim != 2 or X.shape[1] != self.layer_sizes[0]:
            raise ShapeError(f"X must have shape (n_examples, {self.layer_sizes[0]}), got {X.shape}")
        if len(X) == 0:
            raise ShapeError("X has no examples (shape {X.shape})".format(X=X))
        template = np.empty((len(X), self.layer_sizes[-1]), dtype=self.dtype)
        y_array = np.asarray(y)
        if y_array.ndim >= 1 and len(y_array) != len(X):
            raise ShapeError(f"X has {len(X)} examples but y has {len(y_array)} (y shape {y_array.shape})")
        return X, self.loss.prepare_targets(y, template, "y")

    # --- prediction ---

    def predict_proba(self, x):
        """Class probabilities: the softmax of the logits for softmax_cross_entropy, else the output itself."""
        output = self.output(x)
        if self.loss.name == "softmax_cross_entropy":
            from .activations import softmax
            return softmax(output)
        return output

    def predict(self, x):
        """Predicted class (argmax of the output) for one example or each row of a batch."""
        return np.argmax(self.output(x), axis=-1)

    # --- weights ---

    def copy_weights(self):
        """A snapshot ``(weights, biases)`` of copies, for ``set_weights``."""
        return [W.copy() for W in self.weights], [b.copy() for b in self.biases]

    def set_weights(self, saved):
        """Restore a ``copy_weights()`` snapshot (copied in, so the snapshot can be reused)."""
        weights, biases = saved
        if len(weights) != len(self.weights) or len(biases) != len(self.biases):
            raise ShapeError(f"expected {len(self.weights)} weight and bias arrays, "
                             f"got {len(weights)} and {len(biases)}")
        new_weights, new_biases = [], []
        for i, (n_in, n_out, W_new, b_new) in enumerate(zip(self.layer_sizes[:-1], self.layer_sizes[1:],
                                                            weights, biases)):
            W_new = parameter_array(W_new, f"W of layer {i + 1}", self.dtype)
            b_new = parameter_array(b_new, f"b of layer {i + 1}", self.dtype)
            if W_new.shape != (n_out, n_in) or b_new.shape != (n_out,):
                raise ShapeError(f"layer {i + 1}: expected W {(n_out, n_in)} and b {(n_out,)}, "
                                 f"got W {W_new.shape} and b {b_new.shape}")
            new_weights.append(W_new.copy())
            new_biases.append(b_new.copy())
        self.weights, self.biases = new_weights, new_biases

    def astype(self, dtype):
        """A copy of this network computing in ``dtype`` (same weights, activations and loss)."""
        clone = Network.__new__(Network)
        clone.__dict__.update(self.__dict__)
        clone.dtype = check_dtype(dtype)
        clone.layers = [Dense(layer.activation) for layer in self.layers]
        clone.weights = [W.astype(dtype) for W in self.weights]
        clone.biases = [b.astype(dtype) for b in self.biases]
        clone.rng = np.random.RandomState()
        clone.rng.set_state(self.rng.get_state())
        clone.activations = clone.z_values = None
        return clone


def _check_finite_in_chunks(X, name, rows=1024):
    """``check_finite`` without a second, boolean copy of X: a NaN or inf in a row makes that row's sum
    (one matrix-vector product per block of rows) NaN or inf; only then is X checked element by element,
    which raises if the row truly holds one (and not if the sum merely overflowed)."""
    ones = np.ones(X.shape[-1], X.dtype) if X.ndim == 2 else None
    for start in range(0, len(X), rows):
        block = X[start:start + rows]
        with np.errstate(over="ignore", invalid="ignore"):
            sums = block @ ones if ones is not None else block
        if not np.isfinite(sums).all():
            check_finite(X, name)
            return

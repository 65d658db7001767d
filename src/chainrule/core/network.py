"""The guide's ``Network``: ``forward``, ``backward(target)``, ``train_step``, ``train_epoch``.

Same names and meanings as the guide, plus what it leaves out: batches of
examples computed with matrix products, a choice of activations and losses,
float32, and randomness that never touches NumPy's global state.
"""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence, Tuple

import numpy as np

from ..errors import ConfigError, ShapeError
from .activations import get_activation
from .layers import Dense, Dropout, Layer
from .losses import get_loss
from .stack import ParameterList, build_stack, copy_layer
from .threads import blas_threads
from .validation import (as_float_array, check_batch_arrays, check_dtype, check_finite, check_input,
                         check_layer_sizes, check_parameters, check_positive, check_seed, fresh_float_array,
                         parameter_array)

#: ``(loss, weight_grads, bias_grads)``: what a training step gives
Step = Tuple[float, List[np.ndarray], List[np.ndarray]]
#: a training step's update: ``update(loss, weight_grads, bias_grads)`` changes the weights (an optimizer's step)
Update = Callable[[float, List[np.ndarray], List[np.ndarray]], None]


def guide_initial_weights(layer_sizes: Sequence[int], rng: np.random.RandomState
                          ) -> Tuple[List[np.ndarray], List[np.ndarray]]:
    """He-normal weights drawn exactly as the guide draws them: ``randn(n_out, n_in) * sqrt(2 / n_in)``
    layer by layer from ``rng`` (a ``RandomState``), zero biases."""
    weights, biases = [], []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        weights.append(rng.randn(n_out, n_in) * np.sqrt(2.0 / n_in))
        biases.append(np.zeros(n_out))
    return weights, biases


class Network:
    """A feedforward network of fully connected layers.

    Network(layer_sizes, seed=42, activation="sigmoid", output_activation=None, loss="mse", dtype=float64,
            dropout=0.0, stack=None)

    - ``activation``/``output_activation``/``loss``: a name, a config dict (``{"name": "leaky_relu",
      "alpha": 0.3}``) or an object (``LeakyReLU(0.3)``); see ``ACTIVATIONS`` and ``LOSSES``.
    - ``activation``: hidden-layer activation, one for all or a list, one per hidden layer.
    - ``output_activation``: defaults to the loss's (sigmoid, the guide's choice; with
      ``loss="softmax_cross_entropy"``, which takes logits, ``"identity"``, so ``forward`` returns logits and
      ``predict_proba`` the softmax probabilities).
    - ``seed``: the weights are exactly those of the guide's ``np.random.seed(seed)`` code, but drawn from a
      private ``RandomState``, which then also shuffles ``train_epoch`` (so the guide's shuffles repeat too)
      and draws the dropout masks.
    - ``dropout``: the share of each hidden layer's units dropped while training (inverted dropout; nothing is
      dropped in ``forward``, ``output`` or the predictions). ``stack``: the layers in order, ``"dense"`` for
      each fully connected layer and any other layer between them, e.g. ``["dense", {"name": "dropout",
      "rate": 0.2}, "dense"]`` (see ``LAYERS``).

    ``layers`` are the Dense layers, each owning its ``W``, ``b`` and their gradients; ``weights`` and
    ``biases`` are lists of those same arrays, as the guide uses them.
    """

    def __init__(self, layer_sizes: Sequence[int], seed: Any = 42, activation: Any = "sigmoid",
                 output_activation: Any = None, loss: Any = "mse", dtype: Any = np.float64, dropout: float = 0.0,
                 stack: Optional[Sequence[Any]] = None) -> None:
        self.layer_sizes = check_layer_sizes(layer_sizes)
        self.loss = get_loss(loss)
        self.dtype = check_dtype(dtype)
        n_layers = len(self.layer_sizes) - 1

        hidden = list(activation) if isinstance(activation, (list, tuple)) else [activation] * (n_layers - 1)
        if len(hidden) != n_layers - 1:
            raise ConfigError(f"{n_layers - 1} hidden layer(s) need {n_layers - 1} activation(s), got {len(hidden)}")
        output = get_activation(self.loss.output_activation if output_activation is None else output_activation)
        self.loss.check_output_activation(output)
        activations = [get_activation(name) for name in hidden] + [output]

        self.seed = check_seed(seed)
        self.rng = np.random.RandomState(self.seed)
        weights, biases = guide_initial_weights(self.layer_sizes, self.rng)
        self._own_layers([Dense(f, W.astype(self.dtype), b.astype(self.dtype))
                          for f, W, b in zip(activations, weights, biases)], build_stack, stack, dropout)
        self.activations: Optional[List[np.ndarray]] = None     # x, a1, a2, ... of the last forward pass
        self.z_values: Optional[List[np.ndarray]] = None

    def _own_layers(self, layers: List[Dense], make_stack: Callable[..., List[Layer]], *how: Any) -> None:
        """Take ``layers`` (the Dense layers) and the stack ``make_stack(layers, *how)`` builds from them."""
        self.layers = layers
        self.stack = make_stack(layers, *how)
        for layer in self.stack:
            layer.bind(self.rng)
        self._weights = ParameterList(layers, "W")
        self._biases = ParameterList(layers, "b")

    # --- the parameters: the layers' own arrays ---

    @property
    def weights(self) -> ParameterList:
        """``[W1, W2, ...]``: each layer's weight matrix (n_out, n_in), the layer's own array."""
        return self._weights

    @weights.setter
    def weights(self, arrays: Sequence[np.ndarray]) -> None:
        self._set_parameters("W", arrays)

    @property
    def biases(self) -> ParameterList:
        """``[b1, b2, ...]``: each layer's bias vector (n_out,), the layer's own array."""
        return self._biases

    @biases.setter
    def biases(self, arrays: Sequence[np.ndarray]) -> None:
        self._set_parameters("b", arrays)

    def _set_parameters(self, attribute: str, arrays: Sequence[np.ndarray]) -> None:
        arrays = list(arrays)
        if len(arrays) != len(self.layers):
            raise ShapeError(f"the network has {len(self.layers)} layers, got {len(arrays)} arrays")
        for layer, array in zip(self.layers, arrays):
            setattr(layer, attribute, array)
        setattr(self, "_weights" if attribute == "W" else "_biases", ParameterList(self.layers, attribute))

    # --- description ---

    @property
    def activation_names(self) -> List[str]:
        return [layer.activation.name for layer in self.layers]

    @property
    def dropout(self) -> List[float]:
        """The dropout rates of the stack's Dropout layers, in order ([] without dropout)."""
        return [layer.rate for layer in self.stack if isinstance(layer, Dropout)]

    @property
    def n_params(self) -> int:
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases))

    def __repr__(self) -> str:
        stack = ", ".join(Dense.name if layer.has_weights else repr(layer) for layer in self.stack)
        return (f"Network({self.layer_sizes}, activations={self.activation_names}, "
                f"loss={self.loss.name!r}, dtype={self.dtype.name}"
                + (f", stack=[{stack}])" if len(self.stack) > len(self.layers) else ")"))

    # --- forward and backward ---

    def forward(self, x: Any, training: bool = False) -> np.ndarray:
        """Output for one example ``(n_in,)`` or a batch ``(batch, n_in)``; saves what backward() needs.
        ``training=True`` also applies dropout (with a new mask).

        The output is a new array, yours to change: the network keeps its own copy of it and of ``x``
        (changing ``x`` or the output afterwards does not change what ``backward`` computes)."""
        x = self._checked_input(x, fresh=True)
        return self._forward(x, training=training).copy()

    def _checked_input(self, x: Any, fresh: bool) -> np.ndarray:
        """``x`` as an array of the network's dtype (a copy of the caller's when ``fresh``), its shape and the
        arrays a forward pass on it makes checked, and the weights as the layer sizes need them."""
        check_parameters(self)
        x = fresh_float_array(x, "x", self.dtype) if fresh else as_float_array(x, "x", self.dtype)
        check_input(x, self.layer_sizes[0])
        check_batch_arrays(self.layer_sizes, len(x) if x.ndim == 2 else 1, self.dtype)
        return x

    def _forward(self, x: np.ndarray, reuse: bool = False, training: bool = False) -> np.ndarray:
        a = x
        for layer in self.stack:
            a = layer.forward(a, training, reuse)
        self.activations = [x] + [layer.a for layer in self.layers]    # type: ignore[misc]  # set just now
        self.z_values = [layer.z for layer in self.layers]             # type: ignore[misc]
        return a

    def output(self, x: Any) -> np.ndarray:
        """The network's output for ``x`` in evaluation mode, for inference (``predict``, ``predict_proba``,
        evaluation): a new array, computed touching nothing saved (``activations`` and what a following
        ``backward`` uses stay those of the last ``forward``), so ``x`` is neither copied nor kept."""
        a = self._checked_input(x, fresh=False)
        for layer in self.stack:
            a = layer.infer(a)
        return a

    def backward(self, target: Any) -> Tuple[List[np.ndarray], List[np.ndarray]]:
        """Gradients of the loss for the last forward() input: ``(weight_grads, bias_grads)``,
        shaped like ``weights`` and ``biases``. For a batch they are gradients of the batch-mean loss."""
        if self.activations is None:
            raise ConfigError("call forward(x) before backward(target)")
        check_parameters(self)
        target = self.loss.prepare_targets(target, self.activations[-1])
        return self._backward(target)

    def _backward(self, target: np.ndarray) -> Tuple[List[np.ndarray], List[np.ndarray]]:
        assert self.activations is not None, "forward before backward"
        grad_a = self.loss.gradient(self.activations[-1], target)
        return self._backpropagate(grad_a)

    def _backpropagate(self, grad_a: Any, reuse: bool = False, reuse_gradients: bool = False
                       ) -> Tuple[List[np.ndarray], List[np.ndarray]]:
        """From dL/da of the output layer down to the first layer: ``(weight_grads, bias_grads)``."""
        stack = self.stack
        for i in range(len(stack) - 1, -1, -1):
            grad_a = stack[i].backward(grad_a, i > 0, reuse, reuse_gradients)
        return ([layer.weight_grad for layer in self.layers],     # type: ignore[misc]  # set by backward
                [layer.bias_grad for layer in self.layers])       # type: ignore[misc]

    def loss_value(self, x: Any, target: Any) -> float:
        """The loss for input ``x`` and ``target`` (runs a forward pass)."""
        prediction = self.forward(x)
        return float(self.loss.value(prediction, self.loss.prepare_targets(target, prediction)))

    # --- training: one step, used by every loop ---

    def train_step(self, x: Any, target: Any, learning_rate: float) -> float:
        """Forward, loss, backward, and one gradient-descent update; returns the loss before the update."""
        learning_rate = check_positive(learning_rate, "learning_rate")
        x = self._checked_input(x, fresh=True)
        target = self.loss.prepare_targets(target, np.empty(x.shape[:-1] + (self.layer_sizes[-1],), self.dtype))
        loss, _, _ = self._train_batch(x, target, self._gradient_descent(learning_rate), reuse=False)
        return loss

    def train_batch(self, X: np.ndarray, Y: np.ndarray, update: Update) -> Step:
        """The training step on one mini-batch, the one every loop runs (``train_step``, ``train_epoch``,
        ``chainrule.training.fit``, the scikit-learn estimators): forward in training mode, the loss, backward,
        then ``update(loss, weight_grads, bias_grads)`` (an optimizer's step). Returns ``(loss, weight_grads,
        bias_grads)``; the gradients are new arrays, yours to keep. ``X``, ``Y`` checked as by ``prepare_data``."""
        with np.errstate(over="ignore"):   # sigmoid's e^-z may overflow to inf: its result is then 0
            return self._train_batch(X, Y, update, reuse=True, reuse_gradients=False)

    def _train_batch(self, X: np.ndarray, Y: np.ndarray, update: Update, reuse: bool,
                     reuse_gradients: bool = False) -> Step:
        loss, weight_grads, bias_grads = self._loss_and_gradients(X, Y, reuse_gradients, reuse, training=True)
        update(loss, weight_grads, bias_grads)
        return loss, weight_grads, bias_grads

    def loss_and_gradients(self, X: np.ndarray, Y: np.ndarray) -> Step:
        """Loss and gradients for a batch whose inputs and targets are already checked (``prepare_data``),
        without an update (and without dropout).

        ``X`` may be in any real dtype (``prepare_data`` keeps the data as given): the batch is converted
        here. The gradients are new arrays, yours to keep; the layers' z, a and delta are arrays reused
        by the next batch."""
        with np.errstate(over="ignore"):   # sigmoid's e^-z may overflow to inf: its result is then 0
            return self._loss_and_gradients(X, Y, reuse_gradients=False)

    def _loss_and_gradients(self, X: np.ndarray, Y: np.ndarray, reuse_gradients: bool, reuse: bool = True,
                            training: bool = False) -> Step:
        """``reuse``: the training hot path, into arrays kept from batch to batch (``value_and_gradient`` at
        once); else new arrays and the loss's ``value`` and ``gradient`` apart (the guide's ``train_step``)."""
        if X.dtype != self.dtype:
            X = X.astype(self.dtype)
        prediction = self._forward(X, reuse=reuse, training=training)
        if reuse:
            out = self.layers[-1]._array("loss_gradient", prediction.shape, self.dtype, reuse=True)
            loss, grad_a = self.loss.value_and_gradient(prediction, Y, out=out)
        else:
            loss, grad_a = self.loss.value(prediction, Y), self.loss.gradient(prediction, Y)
        weight_grads, bias_grads = self._backpropagate(grad_a, reuse=reuse, reuse_gradients=reuse_gradients)
        return float(loss), weight_grads, bias_grads

    def _gradient_descent(self, learning_rate: float) -> Update:
        """The update of plain gradient descent, for ``_train_batch``."""
        def update(loss: float, weight_grads: List[np.ndarray], bias_grads: List[np.ndarray]) -> None:
            self._descend(weight_grads, bias_grads, learning_rate)
        return update

    def _descend(self, weight_grads: List[np.ndarray], bias_grads: List[np.ndarray], learning_rate: float) -> None:
        """W -= learning_rate * dW for every parameter; the gradients (ours, not the caller's) are
        scaled in place."""
        for layer, dW, db in zip(self.layers, weight_grads, bias_grads):
            dW *= learning_rate
            layer.W -= dW
            db *= learning_rate
            layer.b -= db

    def train_epoch(self, X: Any, y: Any, learning_rate: float, batch_size: int = 32, shuffle: bool = True) -> float:
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
        update = self._gradient_descent(learning_rate)
        total = 0.0
        with blas_threads(batch_size, self.layer_sizes), np.errstate(over="ignore"):
            for start in range(0, n, batch_size):
                idx = slice(start, start + batch_size) if order is None else order[start:start + batch_size]
                X_batch, Y_batch = X[idx], Y[idx]
                if start_state is not None and not np.isfinite(X_batch).all():
                    self.set_weights(start_state[0])
                    self.rng.set_state(start_state[1])
                    check_finite(X, "X")
                loss, _, _ = self._train_batch(X_batch, Y_batch, update, reuse=True, reuse_gradients=True)
                total += loss * len(X_batch)
        return total / n

    def prepare_data(self, X: Any, y: Any) -> Tuple[np.ndarray, np.ndarray]:
        """Check a data set once: ``X`` (n, n_in) and targets fitting the loss. Targets come back in the
        net's dtype; ``X`` comes back as given when it is already a NumPy array of real numbers (float32
        data for a float64 net, say, is converted batch by batch, never copied whole), else converted."""
        return self._prepare(X, y)

    def _prepare(self, X: Any, y: Any, check_X: bool = True) -> Tuple[np.ndarray, np.ndarray]:
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

    # --- prediction: the pure inference path ---

    def predict_proba(self, x: Any) -> np.ndarray:
        """Class probabilities: what the loss makes of the output (the softmax of the logits for
        softmax_cross_entropy, else the output itself)."""
        return self.loss.probabilities(self.output(x))

    def predict(self, x: Any) -> np.ndarray:
        """Predicted class (argmax of the output) for one example or each row of a batch."""
        return np.argmax(self.output(x), axis=-1)

    # --- weights ---

    def copy_weights(self) -> Tuple[List[np.ndarray], List[np.ndarray]]:
        """A snapshot ``(weights, biases)`` of copies, for ``set_weights``."""
        return [W.copy() for W in self.weights], [b.copy() for b in self.biases]

    def set_weights(self, saved: Tuple[Sequence[Any], Sequence[Any]]) -> None:
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

    def astype(self, dtype: Any) -> "Network":
        """A copy of this network computing in ``dtype`` (same weights, activations, loss and stack)."""
        clone = Network.__new__(Network)
        clone.__dict__.update(self.__dict__)
        clone.dtype = check_dtype(dtype)
        clone.rng = np.random.RandomState()
        clone.rng.set_state(self.rng.get_state())
        layers = [Dense(layer.activation, layer.W.astype(dtype), layer.b.astype(dtype)) for layer in self.layers]
        position = {id(layer): i for i, layer in enumerate(self.layers)}
        clone._own_layers(layers, lambda dense: [dense[position[id(layer)]] if id(layer) in position
                                                 else copy_layer(layer) for layer in self.stack])
        clone.activations = clone.z_values = None
        return clone


def _check_finite_in_chunks(X: np.ndarray, name: str, rows: int = 1024) -> None:
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

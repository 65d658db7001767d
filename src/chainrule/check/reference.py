"""The guide's ``Network``, written as named stages that a mistake model can replace one at a time.

This is the computation a learner of the guide writes (Section 2's ``backward()``, Section 3's ``train_step``,
the practice project's ``train_epoch``), one example at a time, with every step a method: the loss
derivative, each delta, each gradient, the update, the order of the examples, the batches. A mistake model is
this class with one or two of those methods replaced (``catalogue/``); chainrule runs it on the same probes as
the learner's class and compares the numbers. With nothing replaced it computes exactly what chainrule's own
``Network`` does (``tests/check/test_check_catalogue.py`` holds it to that).

It is the checker's own reference training step (the batch average, the replay of the learner's order); it is
kept here, apart from the core, so that every stage can be varied.

Each stage's result is appended to ``self.tape`` when the tape is on: the analysis compares a model's tape with
the reference's to know which values the mistake changes, and looks for them among the values the learner's
code computed, line by line (``tracer.py``), to say on which line the mistake shows.
"""
from __future__ import annotations

import functools

import numpy as np

STAGES = ("output_error", "local_derivative", "output_delta", "hidden_delta", "error_back", "weight_gradient",
          "bias_gradient", "returned", "descend", "step_return", "epoch_order", "batch_gradient", "epoch_return")


def sigmoid(z):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


ACTIVATIONS = {
    "sigmoid": (sigmoid, lambda a: a * (1 - a)),
    "tanh": (np.tanh, lambda a: 1 - a * a),
    "relu": (lambda z: np.maximum(z, 0), lambda a: (a > 0).astype(float)),
    "identity": (lambda z: z, lambda a: np.ones_like(a)),
}


def guide_mse(predictions, targets):
    return np.mean((predictions - targets) ** 2)


class GlobalShuffles:
    """Where train_epoch's orders come from: the guide's ``np.random`` (a ``RandomState`` in the analysis).
    ``first`` is the order a model that shuffles only once draws."""

    def __init__(self, rng):
        self.rng = rng

    def permutation(self, n):
        return self.rng.permutation(n)

    def first(self, n):
        return self.rng.permutation(n)

    def with_replacement(self, n):
        return self.rng.randint(0, n, n)


class GuideNetwork:
    hidden_activation = "sigmoid"
    output_activation = "sigmoid"
    mse_loss = staticmethod(guide_mse)

    # --- set-up ---

    def __init__(self, layer_sizes, seed=42, rng=None):
        self.rng = np.random if rng is None else rng
        self.shuffles = GlobalShuffles(self.rng)
        self.tape = None
        self.seed = seed
        self.weights, self.biases = self.initial_parameters(list(layer_sizes), seed)

    def initial_parameters(self, sizes, seed):
        self.rng.seed(seed)
        weights, biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            weights.append(self.rng.randn(n_out, n_in) * np.sqrt(2.0 / n_in))
            biases.append(np.zeros(n_out))
        return weights, biases

    def activation_name(self, i):
        return self.output_activation if i == len(self.weights) - 1 else self.hidden_activation

    def activation(self, i, z):
        return ACTIVATIONS[self.activation_name(i)][0](z)

    def derivative_given_output(self, i, a):
        """The activation's derivative from its output, as the guide's sigmoid_derivative(a) = a * (1 - a)."""
        return ACTIVATIONS[self.activation_name(i)][1](a)

    # --- forward ---

    def forward(self, x):
        self.activations = [x]
        self.z_values = []
        a = x
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = W @ a + b
            a = self.activation(i, z)
            self.z_values.append(z)
            self.activations.append(a)
        return a

    # --- backward: the guide's five steps, each a stage ---

    def backward(self, target):
        n_layers = len(self.weights)
        weight_grads = [None] * n_layers
        bias_grads = [None] * n_layers
        a_out = self.activations[-1]
        dL_da = self.output_error(a_out, target)                  # dL/da of the output layer
        delta = self.output_delta(dL_da, n_layers - 1)             # step 2 at the output: dL/dz
        for i in self.layers_backward(n_layers):
            weight_grads[i] = self.weight_gradient(i, delta)       # step 3: delta (outer) a_prev
            bias_grads[i] = self.bias_gradient(i, delta)           # step 4: delta
            if i > 0:
                back = self.error_back(i, delta)                   # step 5: W.T @ delta
                delta = self.hidden_delta(i - 1, back)             # step 2 of the layer below
        return self.returned(weight_grads, bias_grads)

    def output_error(self, a_out, target):
        return 2 * (a_out - target) / a_out.size                   # the gradient of the mean over n outputs

    def local_derivative(self, i):
        """The derivative of weight layer i's activation: of a_out = activations[-1] at the output, as the guide
        writes it, and of activations[i + 1] (the layer's output) below."""
        output = self.activations[-1] if i == len(self.weights) - 1 else self.activations[i + 1]
        return self.derivative_given_output(i, output)

    def output_delta(self, dL_da, i):
        return dL_da * self.local_derivative(i)

    def hidden_delta(self, i, back):
        return back.flatten() * self.local_derivative(i)

    def error_back(self, i, delta):
        return self.weights[i].T @ delta

    def weight_gradient(self, i, delta):
        return delta.reshape(-1, 1) @ self.activations[i].reshape(1, -1)

    def bias_gradient(self, i, delta):
        return delta.copy()

    def layers_backward(self, n_layers):
        return range(n_layers - 1, -1, -1)

    def returned(self, weight_grads, bias_grads):
        return weight_grads, bias_grads

    def unpack(self, returned):
        """How the training code reads backward()'s result: (weight_grads, bias_grads)."""
        return returned

    # --- one step ---

    def train_step(self, x, target, learning_rate):
        prediction = self.forward(x)
        loss = self.mse_loss(prediction, target)
        weight_grads, bias_grads = self.unpack(self.backward(target))
        self.update(weight_grads, bias_grads, learning_rate)
        return self.step_return(loss, x, target)

    def update(self, weight_grads, bias_grads, learning_rate):
        return self.descend(weight_grads, bias_grads, learning_rate)

    def descend(self, weight_grads, bias_grads, learning_rate):
        """The update rule, wherever the learner's code updates (train_step, train_epoch): W -= lr * dW."""
        for i in range(len(self.weights)):
            self.weights[i] -= learning_rate * weight_grads[i]
            self.biases[i] -= learning_rate * bias_grads[i]
        return [W.copy() for W in self.weights] + [b.copy() for b in self.biases]

    def step_return(self, loss, x, target):
        return loss

    # --- one epoch (the practice project's train_epoch) ---

    def train_epoch(self, X, y, learning_rate, batch_size=32):
        n = len(X)
        order = self.epoch_order(n)
        total_loss = 0.0
        batch_losses = []
        for positions in self.epoch_batches(len(order), batch_size):
            pairs = [(self.x_row(order, k), self.y_row(order, k)) for k in positions]
            loss = self.train_batch(X, y, pairs, learning_rate, batch_size)
            batch_losses.append((loss, len(pairs)))
            total_loss += loss
        return self.epoch_return(total_loss, n, batch_losses)

    def epoch_order(self, n):
        return self.shuffles.permutation(n)

    def epoch_batches(self, n, batch_size):
        return [range(start, min(start + batch_size, n)) for start in range(0, n, batch_size)]

    def x_row(self, order, k):
        return order[k]

    def y_row(self, order, k):
        return order[k]

    def train_batch(self, X, y, pairs, learning_rate, batch_size):
        cum_wg = [np.zeros_like(W) for W in self.weights]
        cum_bg = [np.zeros_like(b) for b in self.biases]
        loss = 0.0
        for i_x, i_y in pairs:
            prediction = self.forward(X[i_x])
            loss += self.mse_loss(prediction, y[i_y])
            weight_grads, bias_grads = self.unpack(self.backward(y[i_y]))
            for j in range(len(self.weights)):
                cum_wg[j] += weight_grads[j]
                cum_bg[j] += bias_grads[j]
        self.batch_update(cum_wg, cum_bg, len(pairs), batch_size, learning_rate)
        return loss

    def batch_update(self, cum_wg, cum_bg, count, batch_size, learning_rate):
        return self.descend([self.batch_gradient(g, count, batch_size) for g in cum_wg],
                            [self.batch_gradient(g, count, batch_size) for g in cum_bg], learning_rate)

    def batch_gradient(self, total, count, batch_size):
        return total / count

    def epoch_return(self, total_loss, n, batch_losses):
        return total_loss / n


def taped(name, method):
    """``method`` with its result appended to ``self.tape`` (when the tape is on) as (stage, value)."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        value = method(self, *args, **kwargs)
        if self.tape is not None:
            self.tape.append((name, value))
        return value
    return wrapper


def model_class(name, methods, base=GuideNetwork):
    """A subclass of ``base`` with ``methods`` replaced and every stage taped."""
    namespace = dict(methods)
    for stage in STAGES:
        method = namespace.get(stage, getattr(base, stage))
        namespace[stage] = taped(stage, getattr(method, "__wrapped__", method))
    namespace["__qualname__"] = name
    return type(name, (base,), namespace)


Reference = model_class("Reference", {})

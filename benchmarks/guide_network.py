"""The guide's practice-project ``Network``, verbatim from its "Example Solution"
(training-and-backprop.md): one example at a time, gradients accumulated over the batch.

It is kept here only as the baseline the benchmark measures chainrule against. Its
``backward`` drops the MSE's 1/n_out, so its gradients are n_out times the true ones:
the benchmark trains it at learning rate lr and chainrule at lr * n_out, the same updates.
"""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-np.clip(z, -500, 500)))


def sigmoid_derivative(a):
    return a * (1 - a)


def mse_loss(predictions, targets):
    return np.mean((predictions - targets) ** 2)


class Network:
    """A trainable feedforward network with sigmoid activations."""

    def __init__(self, layer_sizes, seed=42):
        np.random.seed(seed)
        self.weights = []
        self.biases = []
        for i in range(len(layer_sizes) - 1):
            n_in = layer_sizes[i]
            n_out = layer_sizes[i + 1]
            W = np.random.randn(n_out, n_in) * np.sqrt(2.0 / n_in)
            b = np.zeros(n_out)
            self.weights.append(W)
            self.biases.append(b)

    def forward(self, x):
        self.activations = [x]
        a = x
        for W, b in zip(self.weights, self.biases):
            z = W @ a + b
            a = sigmoid(z)
            self.activations.append(a)
        return a

    def backward(self, target):
        n_layers = len(self.weights)
        weight_grads = [None] * n_layers
        bias_grads = [None] * n_layers

        a_out = self.activations[-1]
        delta = 2 * (a_out - target) * sigmoid_derivative(a_out)

        for i in range(n_layers - 1, -1, -1):
            a_prev = self.activations[i]
            weight_grads[i] = delta.reshape(-1, 1) @ a_prev.reshape(1, -1)
            bias_grads[i] = delta.copy()
            if i > 0:
                delta = (self.weights[i].T @ delta).flatten() * sigmoid_derivative(self.activations[i])

        return weight_grads, bias_grads

    def train_epoch(self, X, y, learning_rate, batch_size=32):
        """Train for one epoch using mini-batches."""
        n = len(X)
        indices = np.random.permutation(n)
        total_loss = 0

        for start in range(0, n, batch_size):
            batch_idx = indices[start:start + batch_size]
            batch_len = len(batch_idx)

            # Accumulate gradients
            cum_wg = [np.zeros_like(W) for W in self.weights]
            cum_bg = [np.zeros_like(b) for b in self.biases]

            for idx in batch_idx:
                pred = self.forward(X[idx])
                total_loss += mse_loss(pred, y[idx])
                wg, bg = self.backward(y[idx])
                for j in range(len(self.weights)):
                    cum_wg[j] += wg[j]
                    cum_bg[j] += bg[j]

            # Average and update
            for j in range(len(self.weights)):
                self.weights[j] -= learning_rate * cum_wg[j] / batch_len
                self.biases[j] -= learning_rate * cum_bg[j] / batch_len

        return total_loss / n


def accuracy(net, X, labels):
    correct = 0
    for xi, label in zip(X, labels):
        pred = net.forward(xi)
        if np.argmax(pred) == label:
            correct += 1
    return correct / len(labels)

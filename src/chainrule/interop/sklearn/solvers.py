"""What the estimators' ``solver`` does each batch and each epoch, as ``MLPClassifier`` defines it.

- ``StochasticGradient`` is scikit-learn's ``solver="sgd"``: a velocity per parameter,
  ``velocity = momentum * velocity - lr * grad``; the step is the velocity, or with ``nesterovs_momentum``
  ``momentum * velocity - lr * grad``. Its learning rate follows ``learning_rate``: ``"constant"``;
  ``"invscaling"``, ``lr = learning_rate_init / (t + 1) ** power_t`` after each epoch, ``t`` the number of
  samples seen; ``"adaptive"``, constant until ``n_iter_no_change`` epochs without improvement, then divided by
  5 (training stops once it is at most 1e-6 instead of at the first such stall).
- ``solver="adam"`` is chainrule's ``Adam`` at ``learning_rate_init`` (the schedules are for sgd only, as in
  scikit-learn).
- ``weighted_loss_and_gradients``: the loss ``sum(w_i * l_i) / sum(w_i)`` of a batch with sample weights, and
  its gradients.
"""
import numpy as np

from ...training.optimizers import Adam

LEARNING_RATES = ("constant", "invscaling", "adaptive")
SMALLEST_ADAPTIVE_RATE = 1e-6


class StochasticGradient:
    """scikit-learn's SGD optimizer (``sklearn.neural_network._stochastic_optimizers.SGDOptimizer``)."""

    def __init__(self, learning_rate_init, schedule="constant", momentum=0.9, nesterov=True, power_t=0.5):
        self.learning_rate_init = float(learning_rate_init)
        self.learning_rate = float(learning_rate_init)
        self.schedule, self.momentum, self.nesterov, self.power_t = schedule, momentum, nesterov, power_t
        self.velocities = None

    def step(self, params, grads):
        if self.velocities is None:
            self.velocities = [np.zeros_like(p) for p in params]
        for p, g, velocity in zip(params, grads, self.velocities):
            velocity *= self.momentum
            velocity -= self.learning_rate * g
            if self.nesterov:
                p += self.momentum * velocity - self.learning_rate * g
            else:
                p += velocity

    def epoch_ends(self, samples_seen):
        if self.schedule == "invscaling":
            self.learning_rate = self.learning_rate_init / (samples_seen + 1) ** self.power_t

    def stalled(self):
        """``n_iter_no_change`` epochs without improvement: True to stop; with ``"adaptive"`` the rate is divided
        by 5 instead (False), until it is at most 1e-6."""
        if self.schedule != "adaptive" or self.learning_rate <= SMALLEST_ADAPTIVE_RATE:
            return True
        self.learning_rate /= 5.0
        return False


class AdamSolver(Adam):
    """chainrule's Adam with the solver interface: a fixed ``learning_rate_init``, no schedule."""

    def __init__(self, learning_rate_init, beta_1, beta_2, epsilon):
        super().__init__(beta1=beta_1, beta2=beta_2, eps=epsilon)
        self.learning_rate = float(learning_rate_init)

    def step(self, params, grads):
        super().step(params, grads, self.learning_rate)

    def epoch_ends(self, samples_seen):
        pass

    def stalled(self):
        return True


def example_losses(loss_name, prediction, Y):
    """Each row's loss, as chainrule's losses define it (their batch value is the mean of these)."""
    eps = np.finfo(prediction.dtype).eps
    if loss_name == "mse":
        return np.mean((prediction - Y) ** 2, axis=1)
    if loss_name == "cross_entropy":
        p = np.clip(prediction, eps, 1 - eps)
        return -np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p), axis=1)
    if loss_name == "softmax_cross_entropy":
        shifted = prediction - prediction.max(axis=1, keepdims=True)
        log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return -np.sum(Y * log_softmax, axis=1)
    raise ValueError(f"no per-example loss for {loss_name!r}")


def weighted_loss_and_gradients(net, X, Y, weights):
    """``(loss, weight_grads, bias_grads)`` of the weighted mean ``sum(w_i * l_i) / sum(w_i)`` over a batch.

    The batch-mean gradient is a sum of one term per row and backpropagation keeps rows apart, so the weighted
    gradient is the mean's with row i's output gradient scaled by ``n * w_i / sum(w)``. With equal weights it is
    the unweighted batch, computed the usual way."""
    total = weights.sum()
    if total == 0:      # a batch of weight 0 counts for nothing
        return 0.0, [np.zeros_like(W) for W in net.weights], [np.zeros_like(b) for b in net.biases]
    if np.all(weights == weights[0]):
        return net.loss_and_gradients(X, Y)
    X = X.astype(net.dtype, copy=False)
    prediction = net.forward(X)
    share = weights / total
    loss = float(np.dot(share, example_losses(net.loss.name, prediction, Y)))
    grad_a = net.loss.gradient(prediction, Y) * (len(X) * share)[:, None].astype(net.dtype)
    weight_grads, bias_grads = net._backpropagate(grad_a)
    return loss, weight_grads, bias_grads

"""The two update rules the estimators offer, with their state kept between calls (so ``partial_fit``
continues where the last call stopped). Parameters are updated in place.

    sgd:   v = momentum * v - lr * g;   p += v                      (momentum=0: plain gradient descent)
    adam:  m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g^2;
           p -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
"""
import numpy as np


class SGD:
    def __init__(self, learning_rate, momentum=0.0):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.velocities = None

    def step(self, params, grads):
        if self.momentum == 0:
            for p, g in zip(params, grads):
                p -= self.learning_rate * g
            return
        if self.velocities is None:
            self.velocities = [np.zeros_like(p) for p in params]
        for p, g, v in zip(params, grads, self.velocities):
            v *= self.momentum
            v -= self.learning_rate * g
            p += v


class Adam:
    def __init__(self, learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.first_moments = self.second_moments = None

    def step(self, params, grads):
        if self.first_moments is None:
            self.first_moments = [np.zeros_like(p) for p in params]
            self.second_moments = [np.zeros_like(p) for p in params]
        self.t += 1
        step_size = (self.learning_rate * np.sqrt(1 - self.beta_2 ** self.t) / (1 - self.beta_1 ** self.t))
        for p, g, m, v in zip(params, grads, self.first_moments, self.second_moments):
            m *= self.beta_1
            m += (1 - self.beta_1) * g
            v *= self.beta_2
            v += (1 - self.beta_2) * g * g
            p -= (step_size * m / (np.sqrt(v) + self.epsilon)).astype(p.dtype, copy=False)


def make_optimizer(solver, learning_rate, momentum=0.9, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    if solver == "sgd":
        return SGD(learning_rate, momentum)
    return Adam(learning_rate, beta_1, beta_2, epsilon)

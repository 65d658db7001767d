"""A stand-in for the sandboxed run of a learner's class (issue 12 provides the real one): a learner's network
written the guide's way, with one of the guide's classic mistakes, run on the lab's state.

It computes what ``chainrule check``'s sandbox would report through the guide's API: ``forward`` (z and a
through ``z_values``/``activations``), the loss through its ``mse_loss``, ``backward`` (the gradients), and
``train_step`` (the weights after one update). Its mistake: the sigmoid derivative taken of z, not of a.
"""
import numpy as np

from chainrule.findings import Finding
from chainrule.lab import MineRun


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


class DerivativeOfZ:
    """``provider(state) -> MineRun``; ``source`` is shown on the page."""

    source = "my_network.py: class Network"

    def __call__(self, state):
        W = [w.copy() for w in state.weights]
        b = [v.copy() for v in state.biases]
        a, zs, activations = state.x, [], [state.x]
        for Wl, bl in zip(W, b):
            z = Wl @ a + bl
            a = sigmoid(z)
            zs.append(z)
            activations.append(a)
        loss = np.mean((a - state.target) ** 2)
        grad = 2 * (a - state.target) / a.size
        weight_grads, bias_grads = [None] * len(W), [None] * len(W)
        for l in range(len(W) - 1, -1, -1):
            delta = grad * zs[l] * (1 - zs[l])          # the mistake: z (1 - z) instead of a (1 - a)
            weight_grads[l] = np.outer(delta, activations[l])
            bias_grads[l] = delta
            grad = W[l].T @ delta
        values = {"loss": loss}
        for l in range(len(W)):
            values.update({f"z{l + 1}": zs[l], f"a{l + 1}": activations[l + 1], f"dL/dW{l + 1}": weight_grads[l],
                           f"dL/db{l + 1}": bias_grads[l], f"W{l + 1}_new": W[l] - state.learning_rate * weight_grads[l],
                           f"b{l + 1}_new": b[l] - state.learning_rate * bias_grads[l]})
        finding = Finding(kind="derivative_of_z", severity="error",
                          title="The activation's derivative is applied to z instead of a",
                          seen="your dL/dW differs from chainrule's on every layer; forward matches",
                          cause="sigmoid_derivative(a) = a (1 - a) takes the sigmoid's output a; yours is given z",
                          advice="pass self.activations[l + 1], not self.z_values[l]",
                          reread="Section 2, Step 3: da2/dz2 = a2 (1 - a2)")
        return MineRun(source=self.source, values=values, diagnoses=(finding,), printed="hello from your code")

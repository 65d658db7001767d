"""The usual mistakes, as code: the guide's one-example ``backward()`` with a switch per mistake.

A learner's gradients that equal one of these on every example (and fail where it fails)
are explained by that mistake. Each model can also drop the 1/n of the mean, because a
learner who copied the guide has its block-17 bug as well as their own.
"""
from dataclasses import dataclass

import numpy as np


def _sigmoid(z):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def _sigmoid_derivative(a):
    return a * (1 - a)


@dataclass(frozen=True)
class Mistake:
    key: str                          # the diagnosis it stands for ("" for none)
    derivative_of: str = "a"          # "a", "z" (a'(z) = z(1-z)), "sigmoid(a)" (sigmoid' of a, as if a were z)
    derivative_at: str = "all"        # which layers get the wrong derivative: "all", "output", "hidden"
    output_derivative: bool = True    # False: delta_out = dL/da, the activation's derivative left out
    transpose_back: bool = True       # False: W @ delta instead of W.T @ delta
    hidden_shift: int = 0             # +1: derivative of the layer above, -1: of the layer below
    weight_grad_transposed: bool = False  # dW = a_prev (outer) delta


MISTAKES = (
    Mistake(""),
    Mistake("derivative_of_z", derivative_of="z"),
    Mistake("derivative_of_z", derivative_of="z", derivative_at="output"),
    Mistake("derivative_of_z", derivative_of="z", derivative_at="hidden"),
    Mistake("derivative_of_sigmoid_of_a", derivative_of="sigmoid(a)"),
    Mistake("no_output_derivative", output_derivative=False),
    Mistake("missing_transpose", transpose_back=False),
    Mistake("wrong_layer", hidden_shift=1),
    Mistake("wrong_layer", hidden_shift=-1),
    Mistake("extra_transpose", weight_grad_transposed=True),
)


def model_gradients(weights, biases, x, target, mistake, mean=True):
    """Gradients of mean((a - t)**2) for one example, computed the guide's way with ``mistake`` made.
    Raises (like the learner's code would) where the mistake makes the shapes clash."""
    activations, zs = [x], []
    a = x
    for W, b in zip(weights, biases):
        z = W @ a + b
        a = _sigmoid(z)
        zs.append(z)
        activations.append(a)

    def derivative(k, where):
        """Derivative of layer output k (activations[k], zs[k - 1])."""
        wrong = mistake.derivative_at in ("all", where)
        if mistake.derivative_of == "z" and wrong:
            return _sigmoid_derivative(zs[k - 1])
        if mistake.derivative_of == "sigmoid(a)" and wrong:
            return _sigmoid_derivative(_sigmoid(activations[k]))
        return _sigmoid_derivative(activations[k])

    n_layers = len(weights)
    weight_grads, bias_grads = [None] * n_layers, [None] * n_layers
    a_out = activations[-1]
    dL_da = 2 * (a_out - target) / (a_out.size if mean else 1)
    delta = dL_da * derivative(n_layers, "output") if mistake.output_derivative else dL_da
    for i in range(n_layers - 1, -1, -1):
        a_prev = activations[i]
        outer = delta.reshape(-1, 1) @ a_prev.reshape(1, -1)
        weight_grads[i] = outer.T if mistake.weight_grad_transposed else outer
        bias_grads[i] = delta.copy()
        if i > 0:
            W = weights[i]
            back = (W.T @ delta) if mistake.transpose_back else (W @ delta)
            k = i + mistake.hidden_shift
            if not 0 <= k < len(activations):
                raise IndexError("list index out of range")
            if mistake.hidden_shift or k == 0:
                local = _sigmoid_derivative(activations[k])
            else:
                local = derivative(k, "hidden")
            delta = back.flatten() * local
    return weight_grads, bias_grads

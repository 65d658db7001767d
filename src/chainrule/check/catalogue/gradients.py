"""The gradients: dL/dW = delta (outer) a_prev, dL/db = delta, returned as (weight_grads, bias_grads), layer 1 first."""
import numpy as np

from . import Mistake

PATTERN = "Section 2, The Pattern"
IMPLEMENTING = "Section 2, Implementing backward() (weight_grads = [None] * n_layers)"

MISTAKES = [
    Mistake(
        "weight_grad_transposed", "gradient",
        "the weight gradient is transposed",
        "dL/dW = delta (outer) a_prev has W's shape (n_out, n_in); yours is a_prev (outer) delta, shape "
        "(n_in, n_out). On a square layer the shapes agree and the numbers are silently those of W.T",
        "weight_grads[i] = delta.reshape(-1, 1) @ a_prev.reshape(1, -1)  (or np.outer(delta, a_prev))",
        PATTERN + ", step 3 (dL/dW = delta @ input.T)", family="weight_grad",
        methods={"weight_gradient": lambda self, i, delta: np.outer(self.activations[i], delta)}),
    Mistake(
        "weight_grad_own_output", "gradient",
        "the weight gradient is built from the layer's own output instead of its input",
        "dL/dW[j, k] = delta[j] * a_prev[k]: the input the weight multiplied, self.activations[i]; yours uses "
        "self.activations[i + 1], the layer's output (the shapes only agree on a square layer)",
        "np.outer(delta, self.activations[i])  (activations[0] is the input x)", PATTERN + ", step 3",
        family="weight_grad",
        methods={"weight_gradient": lambda self, i, delta: np.outer(delta, self.activations[i + 1])}),
    Mistake(
        "weight_grad_pre_activation", "gradient",
        "the weight gradient uses the previous layer's z instead of its output a",
        "the input a weight multiplies is the previous layer's OUTPUT a = sigmoid(z); yours uses that layer's z "
        "(right only for the first layer, whose input is x)",
        "np.outer(delta, self.activations[i])", PATTERN + ", step 3", family="weight_grad",
        methods={"weight_gradient": lambda self, i, delta: np.outer(
            delta, self.z_values[i - 1] if i > 0 else self.activations[0])}),
    Mistake(
        "bias_grad_summed", "gradient",
        "the bias gradient is summed over the units into one number",
        "each bias has its own gradient: dL/db = delta, one number per unit; np.sum(delta) adds them up, and "
        "b -= lr * that number moves every bias of the layer by the same amount",
        "bias_grads[i] = delta.copy()  (over a batch: delta.sum(axis=0), one per unit)", PATTERN + ", step 4",
        methods={"bias_gradient": lambda self, i, delta: np.sum(delta)}),
    Mistake(
        "first_layer_skipped", "gradient",
        "the first layer gets no gradient: the loop stops one layer early",
        "backward must visit every layer, the first one too: for i in range(n_layers - 1, -1, -1); yours stops "
        "at i = 1, so weight_grads[0] and bias_grads[0] are never filled in",
        "for i in range(n_layers - 1, -1, -1):", IMPLEMENTING,
        methods={"layers_backward": lambda self, n: range(n - 1, 0, -1)},
        where=lambda source: source.call_line("backward", "range") or source.def_line("backward")),
    Mistake(
        "reversed_order", "returned",
        "the gradient lists are in reverse order (output layer first)",
        "backward() returns weight_grads[i] for self.weights[i]: layer 1 first. Appending while walking from the "
        "output down fills the lists the other way round",
        "weight_grads = [None] * n_layers; weight_grads[i] = ...  (or reverse the lists before returning)",
        IMPLEMENTING, family="returned",
        methods={"returned": lambda self, w, b: (w[::-1], b[::-1])},
        where=lambda source: source.return_line("backward")),
    Mistake(
        "grads_swapped", "returned",
        "backward() returns (bias_grads, weight_grads), the other way round",
        "the guide's backward(target) returns (weight_grads, bias_grads); your own training code reads them "
        "your way round, but code written for the guide (its train_epoch, gradient_check) unpacks them in the "
        "guide's order (Nielsen's backprop returns (nabla_b, nabla_w))",
        "return weight_grads, bias_grads (and unpack them in that order)", IMPLEMENTING, family="returned",
        methods={"returned": lambda self, w, b: (b, w), "unpack": lambda self, returned: returned[::-1]},
        where=lambda source: source.return_line("backward")),
]

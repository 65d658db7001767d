"""The deltas: dL/dz = dL/da * f'(a) at the output, (W.T @ delta) * f'(a) in each hidden layer."""
from ..reference import GuideNetwork
from . import Mistake

OUTPUT_READ = "Section 2, Full Hand-Trace, Step 3: Backward Pass - Output Layer"
HIDDEN_READ = "Section 2, Full Hand-Trace, Step 4: Backward Pass - Hidden Layer"
DERIVATIVE_READ = "Section 2, Implementing backward() (sigmoid_derivative 'given the sigmoid output (not the input)')"


def _of_z(self, i):
    return self.derivative_given_output(i, self.z_values[-1] if i == len(self.weights) - 1 else self.z_values[i])


MISTAKES = [
    Mistake(
        "derivative_of_z", "delta",
        "the activation derivative is applied to z instead of a",
        "sigmoid_derivative(a) = a * (1 - a) takes the sigmoid's OUTPUT a; your backward passes it z, the "
        "pre-activation, in every layer, so each delta is multiplied by z(1 - z) instead of a(1 - a)",
        "sigmoid_derivative(self.activations[i]) (the outputs a), not the z values", DERIVATIVE_READ,
        family="derivative_of_z", methods={"local_derivative": _of_z}),
    Mistake(
        "derivative_of_z_at_output", "delta",
        "the output layer's derivative is taken of z instead of a (the hidden layers are right)",
        "delta at the output is dL/da * a(1 - a) with a = sigmoid(z); yours uses z(1 - z). The hidden layers use a, "
        "as they should, but they receive the wrong delta from the output",
        "delta = dL_da * sigmoid_derivative(a_out)", OUTPUT_READ, family="derivative_of_z",
        methods={"output_delta": lambda self, dL_da, i: dL_da * _of_z(self, i)}),
    Mistake(
        "derivative_of_z_in_hidden", "delta",
        "the hidden layers' derivative is taken of z instead of a (the output layer is right)",
        "each hidden delta is (W.T @ delta) * a(1 - a) with the layer's own output a; yours multiplies by z(1 - z)",
        "delta = (W.T @ delta) * sigmoid_derivative(self.activations[i])", HIDDEN_READ, family="derivative_of_z",
        methods={"hidden_delta": lambda self, i, back: back.flatten() * _of_z(self, i)}),
    Mistake(
        "derivative_of_sigmoid_of_a", "delta",
        "the sigmoid derivative is taken of sigmoid(a), as if a were z",
        "a is already sigmoid(z): its derivative is a * (1 - a); sigmoid(a) * (1 - sigmoid(a)) applies the sigmoid "
        "a second time (a helper written for z, such as Nielsen's sigmoid_prime(z), called with a)",
        "a * (1 - a), or sigmoid_prime(z) with z", DERIVATIVE_READ,
        methods={"local_derivative": lambda self, i: self.derivative_given_output(
            i, self.activation(i, self.activations[-1] if i == len(self.weights) - 1 else self.activations[i + 1]))}),
    Mistake(
        "derivative_twice", "delta",
        "the activation derivative is multiplied in twice",
        "each delta takes the layer's a(1 - a) once: dL/dz = dL/da * a(1 - a). Yours multiplies by a(1 - a) "
        "twice, so every delta is a(1 - a) times too small (about 0.2 for a sigmoid)",
        "multiply by sigmoid_derivative once per layer", "Section 2, The Pattern, step 2",
        methods={"local_derivative": lambda self, i: GuideNetwork.local_derivative(self, i) ** 2}),
    Mistake(
        "no_output_derivative", "delta",
        "the output layer's delta leaves out the activation derivative",
        "delta = dL/dz = dL/da * sigmoid_derivative(a_out); your delta is dL/da alone (right only for a linear "
        "output or for cross-entropy with a sigmoid, not for MSE)",
        "delta = dL_da * sigmoid_derivative(a_out)", OUTPUT_READ,
        methods={"output_delta": lambda self, dL_da, i: dL_da}),
    Mistake(
        "no_hidden_derivative", "delta",
        "the hidden layers' deltas leave out the activation derivative",
        "going back through a layer takes two steps: W.T @ delta (back through the weights), then times "
        "a(1 - a) (back through the sigmoid); yours stops after the first",
        "delta = (W.T @ delta) * sigmoid_derivative(self.activations[i])", HIDDEN_READ,
        methods={"hidden_delta": lambda self, i, back: back.flatten()}),
    Mistake(
        "wrong_layer_above", "delta",
        "the hidden delta uses the derivative of the layer above",
        "the delta of a hidden layer multiplies by the derivative of THAT layer's own output: at step i of the "
        "loop it is sigmoid_derivative(self.activations[i]); yours uses self.activations[i + 1], the output of "
        "the layer the error came from (the shapes only agree when the two layers have the same size)",
        "sigmoid_derivative(self.activations[i])  (activations[0] is the input x)", HIDDEN_READ,
        family="wrong_layer",
        methods={"hidden_delta": lambda self, i, back: back.flatten() * self.derivative_given_output(
            i + 1, self.activations[i + 2])}),
    Mistake(
        "wrong_layer_below", "delta",
        "the hidden delta uses the derivative of the layer below",
        "at step i of the loop the hidden layer's output is self.activations[i]; yours uses self.activations[i - 1] "
        "(for the first hidden layer that is the input x itself)",
        "sigmoid_derivative(self.activations[i])  (activations[0] is the input x)", HIDDEN_READ,
        family="wrong_layer",
        methods={"hidden_delta": lambda self, i, back: back.flatten() * self.derivative_given_output(
            i, self.activations[i])}),
    Mistake(
        "missing_transpose", "delta",
        "the error flows back through W instead of W.T",
        "dL/da_prev = W.T @ delta: W maps the layer's input to its output, so going back needs its transpose. With "
        "W @ delta the shapes clash unless W is square, and then the numbers are silently wrong",
        "self.weights[i].T @ delta", "Section 2, The Pattern, step 5 (dL/da_prev = W.T @ delta)",
        methods={"error_back": lambda self, i, delta: self.weights[i] @ delta}),
]

"""What forward() must keep for backward(): this call's activations, started afresh each time."""
from . import Mistake

SAVES = "Section 2, Implementing backward() (forward 'Saves intermediates for backward()')"


def _appending_forward(self, x):
    if not hasattr(self, "activations"):
        self.activations, self.z_values = [], []
    self.activations.append(x)
    a = x
    for i, (W, b) in enumerate(zip(self.weights, self.biases)):
        z = W @ a + b
        a = self.activation(i, z)
        self.z_values.append(z)
        self.activations.append(a)
    return a


def _forgetful_forward(self, x):
    a = x
    for i, (W, b) in enumerate(zip(self.weights, self.biases)):
        a = self.activation(i, W @ a + b)
    return a


MISTAKES = [
    Mistake(
        "stale_activations", "forward",
        "backward() uses the activations of an earlier forward() call",
        "forward() appends to self.activations without starting it afresh, so the list keeps every call's values "
        "and backward(), which reads self.activations[i], computes with the FIRST input the network ever saw",
        "start each forward() with self.activations = [x]", SAVES,
        methods={"forward": _appending_forward},
        where=lambda source: source.call_line("forward", "append") or source.def_line("forward")),
    Mistake(
        "forward_not_saving", "forward",
        "forward() does not save the activations backward() needs",
        "backward() needs every layer's output from the forward pass; your forward() computes them and keeps "
        "none, so backward() finds nothing to work with",
        "in forward(): self.activations = [x], then self.activations.append(a) for each layer", SAVES,
        methods={"forward": _forgetful_forward},
        where=lambda source: source.def_line("forward")),
]

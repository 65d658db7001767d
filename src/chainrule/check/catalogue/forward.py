"""What forward() must keep for backward(): this call's activations, started afresh each time."""
from ..reference import GuideNetwork
from . import Mistake

SAVES = "Section 2, Implementing backward() (forward 'Saves intermediates for backward()')"


def _appending_forward(self, x):
    """The guide's forward, but the lists keep growing: this call's values after every earlier call's."""
    kept = getattr(self, "activations", []), getattr(self, "z_values", [])
    output = GuideNetwork.forward(self, x)
    self.activations, self.z_values = kept[0] + self.activations, kept[1] + self.z_values
    return output


def _forgetful_forward(self, x):
    """The guide's forward, keeping nothing."""
    output = GuideNetwork.forward(self, x)
    del self.activations, self.z_values
    return output


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

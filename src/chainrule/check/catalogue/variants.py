"""Workable choices that make a different network from the guide's: the learner's numbers are then compared
with chainrule's network of the same kind, and the check says what the choice costs."""
from . import Mistake

MISTAKES = [
    Mistake("tanh_hidden", "variant", "the hidden layers use tanh, not the guide's sigmoid",
            "tanh is a fine activation (zero-centred, often faster to train), but every number differs from the "
            "guide's sigmoid network; chainrule compared yours with Network(..., activation='tanh')",
            "keep it, or use sigmoid to reproduce the guide's numbers", "Section 2, Full Hand-Trace (sigmoid)",
            severity="warning", methods={"hidden_activation": "tanh"}, options={"activation": "tanh"},
            where=lambda source: source.call_line("forward", "tanh") or source.def_line("forward")),
    Mistake("relu_hidden", "variant", "the hidden layers use ReLU, not the guide's sigmoid",
            "ReLU is a fine activation for hidden layers, but every number differs from the guide's sigmoid "
            "network; chainrule compared yours with Network(..., activation='relu')",
            "keep it, or use sigmoid to reproduce the guide's numbers", "Section 2, Full Hand-Trace (sigmoid)",
            severity="warning", methods={"hidden_activation": "relu"}, options={"activation": "relu"},
            where=lambda source: source.call_line("forward", "relu") or source.call_line("forward", "maximum")
            or source.def_line("forward")),
]

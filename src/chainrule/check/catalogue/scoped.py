"""The same mistake in part of the network only: at the output layer, or in the hidden layers.

A learner who writes the output layer apart from the loop over the hidden layers (Nielsen's ``backward`` does:
``delta = cost_derivative(...) * sigmoid_prime(zs[-1])`` first, then ``for l in range(2, num_layers)``) can make a
mistake in one of the two and not the other. Every model whose stages are taken per weight layer (the stage's
first argument is the layer ``i``) is therefore also made *scoped*: its methods apply where ``i`` is the output
layer (``<kind>_at_output``) or where it is not (``<kind>_in_hidden``), the guide's computation elsewhere. They are
derived, not written: a new per-layer model gets its two scoped versions by itself. An entry of the catalogue with
that name already (``derivative_of_z_in_hidden``) is kept as written.

Scoped models are tried one at a time, after the catalogue's models and their pairs found nothing
(``reproduce.Reproducer.search``): a learner makes one mistake in half of the network far more often than two.
"""
from __future__ import annotations

import dataclasses

from ..reference import GuideNetwork

# the stages whose first argument is the weight layer i they compute for
PER_LAYER = ("local_derivative", "weight_gradient", "bias_gradient")
# bias_grad_summed returns one number for a layer; made in one layer only, the checker reads the learner's numbers
# under a convention of scalar biases (check/compare.py) and no model is compared shape for shape. What is measured
# then says it anyway: "Layer 2's weight gradients are right ... the bias gradient itself is the suspect (step 4)".
UNSCOPED = ("bias_grad_summed",)
SCOPES = {
    "at_output": ("at the output layer only; the hidden layers are right", True),
    "in_hidden": ("in the hidden layers only; the output layer is right", False),
}


def _scoped_method(stage, method, at_output):
    """``method`` where layer i is (``at_output``) or is not the output layer; the guide's stage elsewhere."""
    guide = getattr(GuideNetwork, stage)

    def scoped(self, i, *args):
        if (i == len(self.weights) - 1) == at_output:
            return method(self, i, *args)
        return guide(self, i, *args)
    return scoped


def scoped_variants(catalogue):
    """``{kind: Mistake}`` of the scoped versions of every per-layer model of ``catalogue`` not already in it."""
    out = {}
    for mistake in catalogue.values():
        if not mistake.model or not mistake.methods or not set(mistake.methods) <= set(PER_LAYER) \
                or mistake.kind in UNSCOPED:
            continue
        for scope, (words, at_output) in SCOPES.items():
            kind = f"{mistake.kind}_{scope}"
            if kind in catalogue:
                continue
            methods = {stage: _scoped_method(stage, method, at_output) for stage, method in mistake.methods.items()}
            out[kind] = dataclasses.replace(
                mistake, kind=kind, title=f"{mistake.title} ({words})", methods=methods,
                family=mistake.family or mistake.kind)
    return out

"""The conditioning rules: what makes a variant's numbers good for a hand-trace that can be marked.

A variant is kept only when ``problems(trace)`` is empty. Every rule is about the values a learner computes,
read off chainrule's own trace of the step:

1. **No saturated sigmoid.** Every unit's slope a (1 - a) is at least ``MIN_SLOPE`` (every a between 0.127 and
   0.873), so the backward pass does not vanish into numbers too small to see.
2. **Nothing rounds to 0.0000.** Every element of every value is at least ``MIN_MAGNITUDE`` away from 0, so a
   dropped minus sign is never within the marking's tolerance.
3. **No two values of one step alike.** Within each step of the trace (the forward pass, the loss, each
   layer's backward pass, the update, the check), any two elements differ by at least ``MIN_GAP``, so a value
   written in another's place (a swap, a1 for z1, dL/dW1 for delta1) is never within tolerance. The one
   exception is a value equal to another by definition (dL/db is delta).
4. **Gradients that show.** In every layer the largest |dL/dW| is at least ``MIN_GRADIENT``.
5. **Every weight moves.** Every weight and bias changes by at least ``MIN_UPDATE`` in the update, so copying
   the old weight as the new one is never right.
6. **The step helps.** The loss after the update is lower than before, as in the guide's hand-trace.

The inputs, weights and biases are short by construction (``variant.INPUTS``, ``WEIGHTS``, ``BIASES``: one or
two decimals), so these rules are all that is checked. ``MIN_GAP`` and ``MIN_MAGNITUDE`` are more than twice
the largest tolerance the marking applies (``marking.TOLERANCE`` plus the rounding allowance), which the
tests measure over hundreds of names.
"""
import numpy as np

from .steps import rules

MIN_SLOPE = 0.1
MIN_MAGNITUDE = 0.001
MIN_GAP = 0.001
MIN_GRADIENT = 0.01
MIN_UPDATE = 0.001


def problems(trace):
    """What keeps ``trace`` from being a good exercise: a list of sentences, empty when every rule holds."""
    found = []
    for r in trace.layers:
        if np.min(r.da_dz) < MIN_SLOPE:
            found.append(f"layer {r.index} is saturated: a (1 - a) = {np.min(r.da_dz):.4f} < {MIN_SLOPE}")
        if np.max(np.abs(r.dW)) < MIN_GRADIENT:
            found.append(f"layer {r.index}'s gradients are tiny: max |dL/dW{r.index}| = "
                         f"{np.max(np.abs(r.dW)):.4f} < {MIN_GRADIENT}")
        moved = min(np.min(np.abs(r.W_new - r.W)), np.min(np.abs(r.b_new - r.b)))
        if moved < MIN_UPDATE:
            found.append(f"a weight or bias of layer {r.index} moves by only {moved:.5f} < {MIN_UPDATE}")
    values = trace.values()
    by_step = {}
    for rule in rules(trace):
        elements = np.ravel(values[rule.name]).astype(float)
        smallest = np.min(np.abs(elements))
        if smallest < MIN_MAGNITUDE:
            found.append(f"{rule.name} has an element {smallest:.5f} from 0 (< {MIN_MAGNITUDE})")
        if rule.same_as is None:
            by_step.setdefault(rule.step, []).extend((float(e), rule.name) for e in elements)
    for step, elements in by_step.items():
        elements.sort()
        for (low, low_name), (high, high_name) in zip(elements, elements[1:]):
            if high - low < MIN_GAP:
                found.append(f"step {step}: {low_name} and {high_name} are only {high - low:.5f} apart "
                             f"(< {MIN_GAP})")
    if not trace.new_loss < trace.loss:
        found.append(f"the step does not lower the loss ({trace.loss:.4f} -> {trace.new_loss:.4f})")
    return found

"""What is measured where no model reproduces the learner's numbers: which layer, which parameter, what ratio,
and what that rules out."""
from __future__ import annotations

import numpy as np

from .compare import agree
from .judges.backward import reference
from .judges.common import constant_ratio, layers, same_shapes
from .judges.forward import singles


def _ratio_words(mine, ref):
    if not same_shapes([mine], [ref]):
        return f"shape {np.shape(mine)}, not {np.shape(ref)}"
    c = constant_ratio(mine, ref)
    if c is not None:
        return f"= {c:.6g} x chainrule's"
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.ravel(mine) / np.ravel(ref)
    ratios = ratios[np.isfinite(ratios)]
    return f"yours/chainrule's from {ratios.min():.3g} to {ratios.max():.3g}" if ratios.size else "differs"


def backward(ctx):
    """(seen, evidence) of the first example where backward() is wrong: each layer's W and b right or wrong,
    with the ratio; and what the first wrong layer from the output rules out."""
    for i, record in singles(ctx):
        if ctx.facts.get("backward_ok", {}).get(i) is not False or record.failed:
            continue
        ref = reference(ctx, i, record)
        mine_w, mine_b = layers(record.weight_grads), layers(record.bias_grads)
        if ref is None or mine_w is None or mine_b is None or len(mine_w) != len(ref[0]):
            continue
        parts, verdicts = [], []
        for layer in reversed(range(len(ref[0]))):
            w_ok = mine_w[layer] is not None and agree(mine_w[layer], ref[0][layer], ctx.tol)
            b_ok = mine_b[layer] is not None and agree(np.ravel(mine_b[layer]), ref[1][layer], ctx.tol)
            verdicts.append((layer, w_ok, b_ok))
            name = f"layer {layer + 1}" + (" (output)" if layer == len(ref[0]) - 1 else "")
            w = "W right" if w_ok else f"W wrong ({_ratio_words(mine_w[layer], ref[0][layer])})"
            b = "b right" if b_ok else f"b wrong ({_ratio_words(np.ravel(mine_b[layer]), ref[1][layer])})"
            parts.append(f"{name}: {w}, {b}")
        seen = f"on {ctx.example_label(i)}: " + "; ".join(parts)
        first_wrong = next(((layer, w_ok, b_ok) for layer, w_ok, b_ok in verdicts if not (w_ok and b_ok)), None)
        ruled = ""
        if first_wrong is not None:
            layer, w_ok, b_ok = first_wrong
            if layer == len(ref[0]) - 1:
                ruled = ("the output layer is already wrong: look at dL/da and the output delta "
                         "(2 * (a - t) / n times the derivative of a)")
            else:
                ruled = (f"the layers above layer {layer + 1} are right, so the loss derivative and the output delta "
                         f"are ruled out: the error enters on its way back into layer {layer + 1} (W.T @ delta, or "
                         f"layer {layer + 1}'s derivative)")
            if b_ok and not w_ok:
                ruled = (f"layer {layer + 1}'s bias gradients (its delta) are right and its weight gradients wrong: "
                         f"the activations dW is built from (delta outer a_prev) are the suspect")
        return seen + (". " + ruled[0].upper() + ruled[1:] if ruled else ""), {"example": i}
    return None


def update(ctx, check):
    """(seen, evidence) of one step: how far each layer moved, against -learning_rate x the learner's own dW."""
    for k, record in ctx.of("step"):
        if record.failed or record.after is None or record.start is None:
            continue
        own = layers(record.own_weight_grads)
        before = [v.numbers() for v in record.start.weights]
        after = [v.numbers() for v in record.after.weights]
        lr = ctx.spec.steps[k].learning_rate
        if own is None or not same_shapes(after, before) or not same_shapes(own, before):
            continue
        parts = []
        for layer, (a, b, g) in enumerate(zip(after, before, own)):
            c = constant_ratio(a - b, -lr * g)
            parts.append(f"layer {layer + 1}: W moved by {c:.6g} x (-lr x your dW)" if c is not None else
                         f"layer {layer + 1}: W moved, but not in proportion to your dW")
        return f"one {check} on {ctx.arch_label(ctx.spec.steps[k].arch)}: " + "; ".join(parts), {"step": k}
    return None

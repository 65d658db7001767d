"""What is measured where no model reproduces the learner's numbers: which layer, which parameter, what ratio,
and what that rules out."""
from __future__ import annotations

import numpy as np

from .compare import agree
from .judges.backward import reference
from .judges.common import arrays, constant_ratio, layers, same_shapes
from .judges.forward import singles


def _ratios(mine, ref, words):
    """``mine`` against ``ref`` as ``words`` of a constant ratio c (``"= {c} x"``), else of its range
    (``"from {low} to {high}"``), else "differs"."""
    c = constant_ratio(mine, ref)
    if c is not None:
        return words[0].format(c=f"{c:.6g}")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.ravel(mine) / np.ravel(ref)
    ratios = ratios[np.isfinite(ratios)]
    return words[1].format(low=f"{ratios.min():.3g}", high=f"{ratios.max():.3g}") if ratios.size else "differs"


def _ratio_words(mine, ref):
    if not same_shapes([mine], [ref]):
        return f"shape {np.shape(mine)}, not {np.shape(ref)}"
    return _ratios(mine, ref, ("= {c} x chainrule's", "yours/chainrule's from {low} to {high}"))


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
            elif w_ok and not b_ok:
                # dW = delta outer a_prev is right, so delta is right: only step 4 (dL/db = delta) can be wrong
                ruled = (f"layer {layer + 1}'s weight gradients are right, so its delta is right (dW = delta outer "
                         f"a_prev) and everything before it is ruled out: the bias gradient itself is the suspect "
                         f"(step 4: dL/db = delta, one number per unit)")
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


def epoch(ctx):
    """(seen, evidence) of the first train_epoch run that differs from chainrule's replay (in the learner's own
    order) while visiting every example once: after epoch 1, each layer's W and b right or wrong, and for a wrong
    one how far it moved against how far the replay moved it (the ratio of the two displacements)."""
    from .judges.epochs import order_problem, replay_epoch
    from .reproduce import observed_orders

    for k, record in ctx.of("epochs"):
        run = ctx.spec.epochs[k]
        orders = observed_orders(record)
        if record.failed or not record.epochs or not orders or not orders[0]:
            continue
        epoch1 = record.epochs[0]
        n = len(run.X)
        if order_problem(orders[0], epoch1.pairs, n):
            continue
        net = ctx.network(run.arch, record.start)
        start, after = arrays(record.start), arrays(epoch1.after)
        if net is None or start is None or after is None or not same_shapes(after[0], net.weights) \
                or len(after[1]) != len(net.biases) or any(b is None or np.size(b) != np.size(r)
                                                           for b, r in zip(after[1], net.biases)):
            continue
        replay_epoch(net, np.array(run.X), np.array(run.Y), orders[0], run.learning_rate, run.batch_size)
        parts, wrong = [], {"W": 0, "b": 0}
        total = {"W": 0, "b": 0}
        for layer in reversed(range(len(net.weights))):
            words = []
            for kind, mine, ref, begin in (("W", after[0][layer], net.weights[layer], start[0][layer]),
                                           ("b", after[1][layer], net.biases[layer], start[1][layer])):
                mine, ref, begin = np.ravel(mine), np.ravel(ref), np.ravel(begin)
                total[kind] += 1
                if agree(mine, ref, ctx.long_tol):
                    words.append(f"{kind} right")
                    continue
                wrong[kind] += 1
                words.append(f"{kind} wrong ({_moved_words(mine - begin, ref - begin)})")
            name = f"layer {layer + 1}" + (" (output)" if layer == len(net.weights) - 1 else "")
            parts.append(f"{name}: " + ", ".join(words))
        if not (wrong["W"] or wrong["b"]):
            continue
        seen = (f"after epoch 1 of {ctx.arch_label(run.arch)} ({n} examples, batches of {run.batch_size}), against "
                f"chainrule's replay in your order: " + "; ".join(parts))
        if wrong["W"] and not wrong["b"]:
            seen += (". Every bias ends where chainrule's does, so the examples, their order, the gradients' deltas "
                     "and the learning rate are ruled out: look at how the weights' update is formed in train_epoch "
                     "(the same steps as the biases'?)")
        elif wrong["b"] and not wrong["W"]:
            seen += (". Every weight ends where chainrule's does, so the examples, their order, the deltas and the "
                     "learning rate are ruled out: look at how the biases' update is formed in train_epoch (the same "
                     "steps as the weights'?)")
        return seen, {"epochs": k}
    return None


def _moved_words(mine, ref):
    """How the learner's displacement compares with the replay's: a constant ratio, or its range."""
    return _ratios(mine, ref, ("moved {c} x as far as chainrule's", "moved {low} to {high} x as far as chainrule's"))

"""backward: the gradients of one example equal chainrule's, on the learner's own weights."""
from __future__ import annotations

import numpy as np

from ..compare import agree
from ..result import FAIL, PASS, SKIP, Check, Failure
from .common import layers, plural, ratio_column, same_shapes, visible_rows
from .forward import problem, singles

NAME = "backward"
COLUMNS = ("yours", "finite diff.", "chainrule", "yours/chainrule")


def reference(ctx, i, record):
    """chainrule's (weight_grads, bias_grads) for example i on the learner's starting weights, or None."""
    example = ctx.spec.examples[i]
    net = ctx.network(example.arch, record.start)
    if net is None:
        return None
    net.forward(np.array(example.x))
    weight_grads, bias_grads = net.backward(np.array(example.target))
    return list(weight_grads), list(bias_grads)


def shape_problem(mine_w, mine_b, ref):
    """Words for gradients that are missing or shaped unlike the parameters; '' if they fit."""
    for what, mine, refs in (("weight", mine_w, ref[0]), ("bias", mine_b, ref[1])):
        if mine is None:
            return f"backward() returned no list of {what} gradients"
        if len(mine) != len(refs):
            return f"backward() returned {len(mine)} {what} gradients for {len(refs)} layers"
        for layer, (m, r) in enumerate(zip(mine, refs)):
            if m is None:
                return f"backward() returned None (or not an array) as layer {layer + 1}'s {what} gradient"
    if not (same_shapes(mine_w, ref[0]) and same_shapes(mine_b, ref[1])):
        return (f"your gradients have shapes {[np.shape(g) for g in mine_w + mine_b]}; the parameters' are "
                f"{[np.shape(r) for r in ref[0] + ref[1]]}")
    return ""


def judge(ctx):
    cases = singles(ctx)
    if not cases:
        return None
    forward_ok = ctx.facts.get("forward_ok", {})
    right, wrong, failure = [], [], None
    ok = ctx.facts.setdefault("backward_ok", {})
    for i, record in cases:
        if not forward_ok.get(i):
            continue
        ref = reference(ctx, i, record)
        if ref is None:
            continue
        if record.failed:
            wrong.append(i)
            ok[i] = False
            failure = failure or Failure(NAME, ctx.example_label(i), message=problem(record))
            continue
        mine_w, mine_b = layers(record.weight_grads), layers(record.bias_grads)
        trouble = shape_problem(mine_w, mine_b, ref)
        if not trouble and all(agree(m, r, ctx.tol) for m, r in zip(mine_w + mine_b, ref[0] + ref[1])):
            right.append(i)
            ok[i] = True
            continue
        wrong.append(i)
        ok[i] = False
        if failure is None:
            rows = []
            if not trouble:
                numerical = ctx.normalizer.numerical(record.numerical, ctx.spec.examples[i].arch) or (None, None)
                columns = [(mine_w, mine_b), numerical if numerical[0] is not None else None, ref]
                rows = visible_rows(columns, ctx.tol, extra=lambda values: ratio_column(values[:1] + values[2:]))
            failure = Failure(NAME, ctx.example_label(i), COLUMNS, rows, trouble)
    ran = len(right) + len(wrong)
    if not ran:
        if forward_ok and not any(forward_ok.values()):
            return Check(NAME, SKIP, "forward() differs from chainrule, so only the gradient check of your own loss "
                                     "judges backward()")
        return Check(NAME, SKIP, "not run")
    arch = lambda ids: ctx.arch_list(ctx.spec.examples[j].arch for j in ids)  # noqa: E731
    if wrong:
        raised = [j for j in wrong if ctx.record("example", j).failed]
        how = "raised" if raised and len(raised) == len(wrong) else "wrong"
        return Check(NAME, FAIL, f"matches chainrule on {len(right)} of {ran} single examples"
                                 + (f" ({arch(right)})" if right else "") + f"; {how} on {arch(wrong)}", failure)
    return Check(NAME, PASS, f"matches chainrule on all {plural(ran, 'single example')}, "
                             f"{plural(len({ctx.spec.examples[j].arch for j in right}), 'network')}")

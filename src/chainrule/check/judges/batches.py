"""batches: forward() and backward() of a batch (one example per row) give chainrule's output and the
gradients of the batch's mean loss. Taking one example at a time, like the guide, is fine (SKIP)."""
from __future__ import annotations

import numpy as np

from ..compare import agree
from ..result import FAIL, PASS, SKIP, WARN, Check, Failure
from .backward import shape_problem
from .common import layers, ratio_column, visible_rows
from .forward import problem

NAME = "batches"


def judge(ctx):
    cases = [(i, r) for i, r in ctx.of("example") if ctx.spec.examples[i].batch]
    if not cases:
        return None
    right, summed, wrong, unsupported, failure = [], [], [], [], None
    for i, record in cases:
        example = ctx.spec.examples[i]
        rows_in = f"({len(example.x)}, {ctx.spec.archs[example.arch].sizes[0]})"
        if record.failed and record.stage in ("make", "forward"):
            unsupported.append(f"forward() of a {rows_in} batch raises {problem(record)}")
            continue
        net = ctx.network(example.arch, record.start)
        if net is None or record.output is None:
            continue
        expected = net.forward(np.array(example.x))
        if record.output.kind != "array" or record.output.array.shape != expected.shape:
            unsupported.append(f"forward() of a {rows_in} batch returned {record.output.describe()}")
            continue
        if not agree(record.output.array, expected, ctx.tol):
            wrong.append(example.arch)
            failure = failure or Failure(NAME, ctx.example_label(i), ("yours", "chainrule"),
                                         [(f"output[0,{j}]", float(m), float(e)) for j, (m, e) in
                                          enumerate(zip(record.output.array[0], expected[0]))])
            continue
        if record.failed:
            unsupported.append(f"backward() of a batch: {problem(record)}")
            continue
        ref = net.backward(np.array(example.target))
        ref = (list(ref[0]), list(ref[1]))
        mine = layers(record.weight_grads), layers(record.bias_grads)
        trouble = shape_problem(mine[0], mine[1], ref)
        axis_words = _bias_summed_over_units(ctx, example, record, mine, ref) if trouble else ""
        if axis_words:  # a batch's backward, with one bias-gradient reduction over the wrong axis
            wrong.append(example.arch)
            failure = failure or Failure(NAME, ctx.example_label(i), message=axis_words)
            continue
        if trouble:     # gradients not shaped like the parameters: backward() is written for one example
            unsupported.append(f"backward() of a batch: {trouble}")
            continue
        if not trouble and all(agree(m, r, ctx.tol) for m, r in zip(mine[0] + mine[1], ref[0] + ref[1])):
            right.append(example.arch)
            continue
        size = len(example.x)
        if not trouble and all(agree(m, size * r, ctx.tol) for m, r in zip(mine[0] + mine[1], ref[0] + ref[1])):
            summed.append(example.arch)
            continue
        wrong.append(example.arch)
        if failure is None:
            rows = visible_rows([mine, ref], ctx.tol, extra=ratio_column) if not trouble else []
            failure = Failure(NAME, ctx.example_label(i), ("yours", "chainrule", "yours/chainrule"), rows, trouble)
    if wrong:
        return Check(NAME, FAIL, f"forward()/backward() of a batch right on {len(right)} of {len(right) + len(wrong) + len(summed)}"
                                 f" networks; wrong on {ctx.arch_list(wrong)}", failure)
    if summed:
        return Check(NAME, WARN, f"backward() of a batch returns the SUM of the examples' gradients on "
                                 f"{ctx.arch_list(summed)}, not the gradient of the batch's mean loss (what "
                                 f"chainrule and mse_loss compute): right if your train_epoch divides by the batch size")
    if right:
        return Check(NAME, PASS, f"forward() and backward() of a batch (one example per row) match chainrule on "
                                 f"{len(right)} networks")
    if unsupported:
        return Check(NAME, SKIP, f"takes one example at a time, like the guide: {unsupported[0]}")
    return Check(NAME, SKIP, "not run")


def _bias_summed_over_units(ctx, example, record, mine, ref):
    """Words when backward() of a batch is right but for bias gradients with one number per EXAMPLE: each row of
    delta summed over the layer's units (``delta.sum(axis=1)``) instead of each unit over the examples
    (``delta.sum(axis=0)``); '' otherwise. The expected sums come from chainrule one example at a time (the batch's
    mean loss gives each example's delta a 1/batch share)."""
    size = len(example.x)
    mine_w, mine_b = mine
    if mine_w is None or mine_b is None or len(mine_b) != len(ref[1]):
        return ""
    if not all(m is not None and np.shape(m) == np.shape(r) and agree(m, r, ctx.tol) for m, r in zip(mine_w, ref[0])):
        return ""
    net = ctx.network(example.arch, record.start)
    per_example = []
    for x, t in zip(example.x, example.target):
        net.forward(np.array(x))
        per_example.append([np.ravel(g) / size for g in net.backward(np.array(t))[1]])
    wrong_layers = []
    for layer, (m, r) in enumerate(zip(mine_b, ref[1])):
        if m is not None and np.shape(m) == np.shape(r) and agree(m, r, ctx.tol):
            continue
        sums = np.array([rows[layer].sum() for rows in per_example])
        if m is None or np.size(m) != size or not agree(np.ravel(m), sums, ctx.tol):
            return ""
        wrong_layers.append(layer)
    if not wrong_layers:
        return ""
    shapes = ", ".join(f"layer {k + 1}'s shape ({size},), not {np.shape(ref[1][k])}" for k in wrong_layers)
    return (f"backward() of a batch of {size}: the weight gradients are right, but bias gradients hold one number per "
            f"example instead of one per unit ({shapes}): each example's delta is summed over the units "
            f"(delta.sum(axis=1)) instead of each unit's delta over the examples (delta.sum(axis=0))")

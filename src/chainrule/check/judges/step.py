"""train_step (or, without one, train_epoch on one example): one update, W -= learning_rate * dW, and the loss
of that step returned."""
from __future__ import annotations

import numpy as np

from ..compare import agree
from ..result import FAIL, PASS, WARN, Check, Failure
from .common import arrays, same_shapes, visible_rows
from .forward import problem

COLUMNS = ("before", "yours after", "chainrule after")


def name(ctx):
    return "train_step" if ctx.load.train_step else "one update"


def expected(ctx, step, start):
    """chainrule's (loss, weights, biases) after one train_step from the learner's weights, or None."""
    net = ctx.network(step.arch, start)
    if net is None:
        return None
    loss = net.train_step(np.array(step.x), np.array(step.target), step.learning_rate)
    return loss, [W.copy() for W in net.weights], [b.copy() for b in net.biases]


def judge(ctx):
    steps = ctx.of("step")
    if not steps:
        return None
    check = name(ctx)
    how = "" if check == "train_step" else " (train_epoch on one example with batch_size 1: you have no train_step)"
    right, wrong, failure, loss_differs, no_loss, nan = [], [], None, [], [], []
    for k, record in steps:
        step = ctx.spec.steps[k]
        where = (f"{ctx.arch_label(step.arch)}, {'train_step(x, target, ' if check == 'train_step' else 'train_epoch on '}"
                 f"x = {step.x}, target = {step.target}, learning rate {step.learning_rate}")
        if record.failed:
            wrong.append(step.arch)
            failure = failure or Failure(check, where, message=problem(record))
            continue
        ref = expected(ctx, step, record.start)
        after = arrays(record.after)
        if ref is None or after is None:
            continue
        if not all(np.all(np.isfinite(a)) for a in after[0] + after[1] if a is not None):
            nan.append(step.arch)
        same = same_shapes(after[0], ref[1]) and same_shapes(after[1], ref[2]) and \
            all(agree(m, r, ctx.long_tol) for m, r in zip(after[0] + after[1], ref[1] + ref[2]))
        returned = record.returned
        if returned is not None and returned.kind == "none":
            no_loss.append(step.arch)
        elif check == "train_step" and (returned is None or returned.kind != "array" or returned.array.size != 1
                                        or not agree(returned.array.reshape(()), np.float64(ref[0]), ctx.tol)):
            loss_differs.append(step.arch)
            if failure is None and same:
                mine = float(returned.array.reshape(-1)[0]) if returned is not None and returned.kind == "array" \
                    and returned.array.size == 1 else None
                failure = Failure(check, where, ("yours", "chainrule"), [("returned loss", mine, ref[0])],
                                  "" if mine is not None else f"train_step returned {returned.describe()}")
        if same:
            right.append(step.arch)
            continue
        wrong.append(step.arch)
        if failure is None:
            before = arrays(record.start)
            rows = []
            if same_shapes(after[0], ref[1]) and same_shapes(after[1], ref[2]):
                rows = visible_rows([(after[0], after[1]), (ref[1], ref[2])], ctx.long_tol)
                lookup = {row[0]: row for row in visible_rows([before, before], ctx.tol, limit=10 ** 6)}
                rows = [(label, lookup.get(label, (None, None))[1], mine, theirs) for label, mine, theirs in rows]
            failure = Failure(check, where, COLUMNS, rows,
                              "" if rows else f"your weights after the step have shapes "
                                              f"{[np.shape(a) for a in after[0]]}")
    n = len(right) + len(wrong)
    if not n:
        return None
    if wrong or loss_differs or nan:
        parts = [f"weights after one step match chainrule on {len(right)} of {n} networks{how}"]
        if nan:
            parts.append(f"NaN or inf weights after the step on {ctx.arch_list(nan)}")
        if loss_differs:
            parts.append(f"the returned loss differs from the loss of the step on {ctx.arch_list(loss_differs)}")
        return Check(check, FAIL, "; ".join(parts), failure)
    if no_loss:
        return Check(check, WARN, f"weights after one step match chainrule on all {n} networks{how}, but "
                                  f"train_step returns None: the guide's loops add up its loss "
                                  f"(total_loss += net.train_step(...)) and would raise TypeError")
    return Check(check, PASS, f"weights after one step match chainrule on all {n} networks{how}")

"""train_epoch: every example once per epoch, in batches of batch_size (the last one smaller), each batch one
update with the averaged gradient; the mean loss per example returned. chainrule replays the epochs in the
order the learner's code visited the examples, so the order itself is judged apart (shuffling)."""
from __future__ import annotations

import numpy as np

from ..compare import agree
from ..reproduce import guide_orders, observed_orders
from ..result import FAIL, PASS, Check, Failure
from .common import arrays, same_shapes, visible_rows
from .forward import problem

NAME = "train_epoch"


def replay_epoch(net, X, Y, order, learning_rate, batch_size):
    """The reference epoch: batches of ``order``, each one step with the gradient of the batch's mean loss
    (chainrule's forward/backward of the batch). Returns the mean loss per example. (The checker's own training
    step; chainrule's train_epoch draws its own order.)"""
    total = 0.0
    for start in range(0, len(order), batch_size):
        rows = np.array(order[start:start + batch_size])
        prediction = net.forward(X[rows])
        total += float(np.mean((prediction - Y[rows]) ** 2)) * len(rows)
        weight_grads, bias_grads = net.backward(Y[rows])
        for W, b, dW, db in zip(net.weights, net.biases, weight_grads, bias_grads):
            W -= learning_rate * dW
            b -= learning_rate * db
    return total / len(order)


def order_problem(order, pairs, n):
    """Words for an epoch that did not visit every example once with its own target; '' if it did."""
    return order_trouble(order, pairs, n)[1]


def order_trouble(order, pairs, n):
    """``(kind, words)`` of an epoch that did not visit every example once with its own target: kind
    ``"pairs_mismatched"`` (forward() and backward() got different rows) or ``"visits_wrong"`` (examples skipped or
    repeated); ``("", "")`` if it did."""
    mismatched = [(x, y) for x, y in pairs if x != y]
    if mismatched:
        x, y = mismatched[0]
        return "pairs_mismatched", (f"inputs and targets were paired wrongly in {len(mismatched)} of {len(pairs)} "
                                    f"gradients: forward() got row {x} of X and backward() row {y} of y")
    counts = np.bincount([i for i in order if 0 <= i < n], minlength=n)
    if len(order) < n and counts.max(initial=0) <= 1:
        return "visits_wrong", (f"trained on {len(order)} of the {n} examples it was given (rows "
                                f"{sorted(set(range(n)) - set(order))} never)")
    if counts.max(initial=0) > 1 or (counts == 0).any():
        twice = [int(i) for i in np.flatnonzero(counts > 1)]
        never = [int(i) for i in np.flatnonzero(counts == 0)]
        return "visits_wrong", f"visited some examples more than once ({twice}) and some never ({never})"
    return "", ""


def judge(ctx):
    runs = ctx.of("epochs")
    if not runs:
        return None
    lines, failed, failure = [], False, None
    ctx.facts["epoch_orders"] = {}
    for k, record in runs:
        run = ctx.spec.epochs[k]
        n, size = len(run.X), run.batch_size
        label = f"{ctx.arch_label(run.arch)}, {n} examples, batch_size {size}"
        sizes = ctx.sizes(run.arch)
        if record.failed and not record.epochs:
            failed = True
            lines.append(f"{sizes}: raised")
            failure = failure or Failure(NAME, label, message=problem(record))
            continue
        net = ctx.network(run.arch, record.start)
        if net is None:
            continue
        orders = observed_orders(record)
        seen = all(orders)
        ctx.facts["epoch_orders"][k] = orders if seen else None
        fallback = guide_orders(ctx.spec.archs[run.arch], n, run.epochs)
        X, Y = np.array(run.X), np.array(run.Y)
        bad = None
        for e, epoch in enumerate(record.epochs):
            order = orders[e] if seen else list(fallback.permutation(n))
            trouble_kind, trouble = order_trouble(order, epoch.pairs, n) if seen else ("", "")
            expected_loss = replay_epoch(net, X, Y, order if not trouble else list(range(n)), run.learning_rate, size)
            after = arrays(epoch.after)
            finite = after is not None and all(np.all(np.isfinite(a)) for a in after[0] + after[1] if a is not None)
            same = after is not None and same_shapes(after[0], net.weights) and all(
                agree(m, r, ctx.long_tol) for m, r in zip(after[0] + after[1], list(net.weights) + list(net.biases)))
            returned = epoch.returned
            loss_ok = returned is None or returned.kind == "none" or (
                returned.kind == "array" and returned.array.size == 1
                and agree(returned.array.reshape(()), np.float64(expected_loss), ctx.long_tol))
            if trouble or not finite or not same or not loss_ok:
                bad = (e, trouble or ("weights became NaN or inf" if not finite else ""))
                if failure is None:
                    if trouble_kind:    # what the rows themselves showed, for the diagnosis to name
                        ctx.facts["epoch_trouble"] = (trouble_kind, trouble, f"{label}, epoch {e + 1}")
                    rows = []
                    if returned is not None and returned.kind == "array" and returned.array.size == 1:
                        rows.append(("returned loss", float(returned.array.reshape(-1)[0]), expected_loss))
                    if after is not None and same_shapes(after[0], net.weights):
                        rows += visible_rows([after, (list(net.weights), list(net.biases))], ctx.long_tol, limit=10)
                    order_words = "in the order your train_epoch visited the examples" if seen else \
                        "in the guide's order (your train_epoch's could not be seen: it does not call self.forward)"
                    failure = Failure(NAME, f"{label}, epoch {e + 1}, replayed by chainrule {order_words}",
                                      ("yours", "chainrule"), rows if not trouble else [], bad[1])
                break
        if record.failed:
            failed = True
            lines.append(f"{sizes}: raised in epoch {len(record.epochs) + 1}")
            failure = failure or Failure(NAME, label, message=problem(record))
        elif bad is None:
            lines.append(f"{sizes}: {len(record.epochs)} epochs of {n} in batches of {size} match chainrule replayed "
                         f"in your order" if seen else f"{sizes}: {len(record.epochs)} epochs match chainrule in the "
                         f"guide's order")
        else:
            failed = True
            lines.append(f"{sizes}, batches of {size}: differs from epoch {bad[0] + 1}"
                         + (f" ({bad[1].split(':')[0]})" if bad[1] else ""))
    if not lines:
        return None
    return Check(NAME, FAIL if failed else PASS, "; ".join(lines), failure if failed else None)

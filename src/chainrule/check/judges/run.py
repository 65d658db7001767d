"""training run: train_step over a few examples, pass after pass, gives chainrule's losses and weights."""
from __future__ import annotations

import numpy as np

from ..compare import agree
from ..result import FAIL, PASS, Check, Failure
from .common import arrays, same_shapes
from .forward import problem

NAME = "training run"


def replay(ctx, run, start, passes):
    """chainrule's losses (per pass, per example) and final (weights, biases) from the learner's weights."""
    net = ctx.network(run.arch, start)
    if net is None:
        return None
    losses = [[net.train_step(np.array(x), np.array(y), run.learning_rate) for x, y in zip(run.X, run.Y)]
              for _ in range(passes)]
    return losses, net.weights, net.biases


def judge(ctx):
    runs = ctx.of("run")
    if not runs:
        return None
    lines, failed, failure = [], False, None
    for k, record in runs:
        run = ctx.spec.runs[k]
        label = f"{ctx.arch_label(run.arch)}, {len(run.X)} examples, learning rate {run.learning_rate}"
        sizes = ctx.sizes(run.arch)
        if record.failed:
            failed = True
            lines.append(f"{sizes}: raised")
            failure = failure or Failure(NAME, label, message=problem(record))
            continue
        ref = replay(ctx, run, record.start, len(record.returned))
        after = arrays(record.after)
        if ref is None or after is None:
            continue
        mine = [[v if v is not None else np.nan for v in p] for p in record.returned]
        returns = all(v is not None for p in record.returned for v in p)
        first = float(np.mean(ref[0][0])) if ref[0] else float("nan")
        last, ref_last = (float(np.mean(mine[-1])) if returns else None), float(np.mean(ref[0][-1]))
        same = same_shapes(after[0], ref[1]) and all(agree(m, r, ctx.long_tol)
                                                      for m, r in zip(after[0] + after[1], list(ref[1]) + list(ref[2])))
        losses_same = not returns or all(agree(np.array(m), np.array(r), ctx.long_tol) for m, r in zip(mine, ref[0]))
        if same and losses_same:
            lines.append(f"{sizes}: mean loss {first:.4f} -> {ref_last:.4f} over {len(mine)} passes, as chainrule")
            continue
        failed = True
        mine_words = f"{float(np.mean(mine[0])):.4f} -> {last:.4f}" if returns else "weights differ"
        lines.append(f"{sizes}: {mine_words} (chainrule {first:.4f} -> {ref_last:.4f})")
        if failure is None:
            rows = [(f"pass {p + 1}", float(np.mean(mine[p])) if returns else None, float(np.mean(ref[0][p])))
                    for p in sorted({0, 1, len(mine) // 2, len(mine) - 1}) if p < len(mine)]
            failure = Failure(NAME, f"{label}, train_step on each example in turn", ("your loss", "chainrule's"), rows,
                              "" if returns else "your train_step returns no loss; the weights after the run differ")
    if not lines:
        return None
    return Check(NAME, FAIL if failed else PASS, "; ".join(lines), failure if failed else None)

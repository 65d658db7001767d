"""mse_loss: the learner's own loss is the guide's mean((p - t)**2)."""
from __future__ import annotations

import numpy as np

from ...core import mse_loss
from ..result import FAIL, PASS, SKIP, Check, Failure

NAME = "mse_loss"


def judge(ctx):
    if not ctx.load.own_loss:
        return None
    record = ctx.record("loss")
    if record is None:
        return Check(NAME, SKIP, "not run")
    pairs = ctx.spec.loss_pairs
    if record.failed:
        problem = record.error.text() if record.error else f"did not finish within {record.timeout:g} s"
        return Check(NAME, FAIL, f"mse_loss(predictions, targets) raised on {pairs[0]}",
                     Failure(NAME, f"mse_loss({pairs[0][0]}, {pairs[0][1]})", message=problem))
    expected = [float(mse_loss(np.array(p), np.array(t))) for p, t in pairs]
    mine = record.values
    rows = [(f"mse_loss({p}, {t})", m, e) for (p, t), m, e in zip(pairs, mine, expected)]
    if all(m is not None and np.isclose(m, e, rtol=1e-9, atol=1e-12) for m, e in zip(mine, expected)):
        return Check(NAME, PASS, f"the guide's mean((p - t)**2) on {len(pairs)} inputs")
    ratios = ", ".join(f"{m / e:.4g}" if m is not None and e else "-" for m, e in zip(mine, expected))
    return Check(NAME, FAIL, f"differs from the guide's mean((p - t)**2): yours/guide's = {ratios}",
                 Failure(NAME, f"{len(pairs)} pairs (predictions, targets)", ("yours", "the guide's"), rows))

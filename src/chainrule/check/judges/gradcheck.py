"""gradient check: the learner's gradients equal central differences of the learner's own loss."""
from __future__ import annotations


from ..compare import Tolerance, agree
from ..result import FAIL, PASS, SKIP, Check, Failure
from .common import layers, same_shapes, visible_rows
from .forward import problem, singles

NAME = "gradient check"


def tolerance(numerical):
    """Central differences with epsilon 1e-5 in float64 are good to ~1e-10; a float32 loss to ~1e-3."""
    if numerical.loss_dtype == "float64":
        return Tolerance(rtol=1e-5, atol=1e-6)
    return Tolerance(rtol=2e-2, atol=2e-2)


def judge(ctx):
    cases = singles(ctx)
    if not cases:
        return None
    agreeing, disagreeing, blocked, failure, copies = [], [], [], None, ""
    for i, record in cases:
        if record.failed and record.stage in ("make", "forward", "loss"):
            continue
        if record.failed:
            which = disagreeing if record.stage != "numerical" else blocked
            which.append(i)
            if record.stage == "numerical":
                failure = failure or Failure(NAME, ctx.example_label(i), message="the finite-difference probe could "
                                             "not run on your code: " + problem(record))
            continue
        arch = ctx.spec.examples[i].arch
        numerical = ctx.normalizer.numerical(record.numerical, arch)
        mine_w, mine_b = layers(record.weight_grads), layers(record.bias_grads)
        if numerical is None:
            continue
        copies = copies or record.numerical.copies
        tol = tolerance(record.numerical)
        fits = same_shapes(mine_w, numerical[0]) and same_shapes(mine_b, numerical[1])
        if fits and all(agree(m, n, tol) for m, n in zip(mine_w + mine_b, numerical[0] + numerical[1])):
            agreeing.append(i)
            continue
        disagreeing.append(i)
        if failure is None:
            rows = visible_rows([(mine_w, mine_b), numerical], tol,
                                extra=lambda v: ((v[0] - v[1]) if None not in v else None,)) if fits else []
            failure = Failure(NAME, ctx.example_label(i), ("yours", "finite diff.", "difference"), rows,
                              f"the check: |yours - finite diff.| < {tol.atol:g} x the layer's largest + "
                              f"{tol.rtol:g} x |finite diff.|" if fits else
                              "your gradients do not have the parameters' shapes")
    ran = len(agreeing) + len(disagreeing)
    on_copies = f"; nudges made on float64 copies of your arrays ({copies}: a nudge of 1e-5 cannot be stored in " \
                f"them)" if copies else ""
    if blocked and not ran:
        return Check(NAME, SKIP, "the finite-difference probe could not run on your code" + on_copies, failure)
    if not ran:
        return Check(NAME, SKIP, "not run")
    words = f"central differences of {ctx.loss_words} agree on {len(agreeing)} of {ran} single examples{on_copies}"
    return Check(NAME, PASS if not disagreeing else FAIL, words, failure if disagreeing else None)

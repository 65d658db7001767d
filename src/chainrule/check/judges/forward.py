"""forward: the output for one example equals chainrule's, on the learner's own weights."""
from __future__ import annotations

import numpy as np

from ..compare import agree
from ..result import FAIL, PASS, SKIP, Check, Failure
from .common import plural

NAME = "forward"


def singles(ctx):
    return [(i, r) for i, r in ctx.of("example") if not ctx.spec.examples[i].batch]


def problem(record):
    if record.timeout is not None:
        return f"did not finish within {record.timeout:g} s (stopped in {record.stage})"
    return record.error.text() if record.error else ""


def judge(ctx):
    cases = singles(ctx)
    if not cases:
        return None
    right, wrong, raised, failure = [], [], [], None
    ok = ctx.facts.setdefault("forward_ok", {})
    for i, record in cases:
        example = ctx.spec.examples[i]
        if record.failed and record.stage in ("make", "forward"):
            raised.append(i)
            failure = failure or Failure(NAME, ctx.example_label(i), message=problem(record))
            continue
        net = ctx.network(example.arch, record.start)
        if net is None or record.output is None:
            continue
        expected = net.forward(np.array(example.x))
        output = record.output
        if output.kind == "array" and agree(output.array, expected, ctx.tol):
            right.append(i)
            ok[i] = True
            continue
        wrong.append(i)
        ok[i] = False
        if failure is None:
            if output.kind != "array":
                failure = Failure(NAME, ctx.example_label(i), message=f"forward() returned {output.describe()}")
            else:
                mine = np.ravel(output.array)
                rows = [(f"output[{j}]", float(mine[j]) if j < mine.size else None, float(e))
                        for j, e in enumerate(np.ravel(expected))]
                shape = "" if output.array.shape == expected.shape else \
                    f"your output has shape {output.array.shape}, chainrule's {expected.shape}"
                failure = Failure(NAME, ctx.example_label(i), ("yours", "chainrule"), rows, shape)
    ran = len(right) + len(wrong) + len(raised)
    if not ran:
        return Check(NAME, SKIP, "not run")
    network = "".join(f"'s Network(..., {k}={v!r})" for k, v in ctx.options.items())
    if raised or wrong:
        how = "raised" if raised and not wrong else "wrong"
        bad = [ctx.spec.examples[i].arch for i in raised + wrong]
        return Check(NAME, FAIL, f"right on {len(right)} of {ran} single examples; {how} on {ctx.arch_list(bad)}",
                     failure)
    archs = {ctx.spec.examples[i].arch for i in right}
    return Check(NAME, PASS, f"matches chainrule{network} on {plural(len(right), 'single example')}, "
                             f"{plural(len(archs), 'network')}")

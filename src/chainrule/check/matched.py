"""The findings for the mistake models that reproduce the learner's numbers: what they reproduce, the numbers
where the learner differs from chainrule (yours, the model's, chainrule's side by side), the line of the
learner's file, and, for mistakes that only reproduce the numbers together, what that means."""
from __future__ import annotations

import numpy as np

from . import texts
from .catalogue import build, entry
from ..findings import Finding
from .judges.common import constant_ratio, flat, layers, number, plural
from .locate import locate
from .result import FAIL

TRAINING = ("train_step", "one update", "training run", "train_epoch")
KIND_CHECKS = {"example": ("forward", "backward", "gradient check", "batches"), "loss": ("mse_loss",),
               "step": ("train_step", "one update"), "run": ("training run",), "epochs": ("train_epoch", "shuffling")}
KIND_WORDS = {"example": "backward()", "loss": "mse_loss", "step": "one update", "run": "a training run",
              "epochs": "train_epoch"}


def from_entry(mistake, seen, line=None, source="", evidence=None, together=()):
    return Finding(kind=mistake.kind, severity=mistake.severity, title=mistake.title, seen=seen, cause=mistake.cause,
                   advice=mistake.advice, reread=mistake.reread, line=line, source=source, check=mistake.check,
                   evidence=evidence or {}, together=together)


def reproduced_words(ctx, probes):
    counts = {}
    for probe in probes:
        counts[probe.kind] = counts.get(probe.kind, 0) + 1
    archs = {ctx.spec.examples[p.index].arch for p in probes if p.kind == "example"}
    parts = []
    if counts.get("example"):
        parts.append(f"{plural(counts['example'], 'single example')} ({plural(len(archs), 'network')}, every layer)")
    if counts.get("loss"):
        parts.append(f"your mse_loss on {len(ctx.spec.loss_pairs)} inputs")
    if counts.get("step"):
        parts.append(plural(counts["step"], "one-step update"))
    if counts.get("run"):
        parts.append(plural(counts["run"], "training run"))
    if counts.get("epochs"):
        epochs = sum(len(p.record.epochs) for p in probes if p.kind == "epochs")
        parts.append(plural(counts["epochs"], "train_epoch run") + (f" ({epochs} epochs)" if epochs else ""))
    return ", ".join(parts)


def ratio_words(ctx, probes, reproducer, reference):
    """yours / chainrule per network, when it is one number for every gradient of the network."""
    by_ratio = {}
    for probe in probes:
        if probe.kind != "example" or probe.record.failed:
            continue
        ref = reproducer.run(reference, probe)
        mine = [layers(probe.record.weight_grads), layers(probe.record.bias_grads)]
        theirs = [layers(ref.weight_grads), layers(ref.bias_grads)]
        if None in mine or None in theirs or any(a is None for g in mine + theirs for a in g):
            return ""
        try:
            c = constant_ratio(flat(mine), flat(theirs))
        except ValueError:
            return ""
        if c is None:
            return ""
        by_ratio.setdefault(round(c, 6), []).append(ctx.sizes(ctx.spec.examples[probe.index].arch))
    if not by_ratio or list(by_ratio) == [1.0]:
        return ""
    parts = [f"{c:.6g} on {', '.join(dict.fromkeys(sizes))}" for c, sizes in by_ratio.items()]
    return "yours / chainrule = " + "; ".join(parts) + " for every weight and bias"


def _params(params):
    return None if params is None else [v.numbers() for v in params.weights + params.biases]


def _arrays(kind, record):
    """(labels, arrays) of what a probe's record holds that can differ: gradients, weights after, losses."""
    if kind == "example":
        grads = (layers(record.weight_grads) or []) + (layers(record.bias_grads) or [])
        n = len(grads) // 2
        return [f"Layer {i % n + 1} {'W' if i < n else 'b'}" for i in range(len(grads))], grads
    if kind in ("step", "run"):
        values = _params(record.after) or []
    elif kind == "epochs":
        values = _params(record.epochs[0].after) if record.epochs else []
        values = values or []
    else:
        return ["mse_loss"], [np.array([v if v is not None else np.nan for v in record.values])]
    n = len(values) // 2
    return [f"Layer {i % n + 1} {'W' if i < n else 'b'} after" for i in range(len(values))], values


def difference_words(ctx, reproducer, model, base, probes, first):
    """Where the learner differs from chainrule: on the first probe whose numbers differ, the entry that
    differs most (yours, the model's and chainrule's number side by side); and where the learner's code raises
    (as the model does) while chainrule's runs."""
    words, raised = [], []
    numbers = None
    for probe in [first] + [p for p in probes if p is not first]:
        if probe is None or (numbers is not None and probe.kind != "example"):
            continue
        if probe.record.error is not None:
            if probe.kind == "example":
                raised.append(probe)
            continue
        if numbers is None:
            numbers = _entry_words(ctx, reproducer, model, base, probe)
    if numbers:
        words.append(numbers)
    if raised:
        error = raised[0].record.error
        archs = ctx.arch_list(ctx.spec.examples[p.index].arch for p in raised)
        words.append(f"on {archs} yours raises {error.type} at line {error.line} ({error.source}), as this mistake "
                     f"does, where chainrule's runs" if error.line else f"on {archs} yours raises {error.text()}")
    return "; ".join(words)


def _entry_words(ctx, reproducer, model, base, probe):
    mine = probe.record
    ours, theirs = reproducer.run(model, probe), reproducer.run(base, probe)
    labels, values = _arrays(probe.kind, mine)
    _, model_values = _arrays(probe.kind, ours)
    _, reference_values = _arrays(probe.kind, theirs)
    best = None
    for label, a, m, r in zip(labels, values, model_values, reference_values):
        if a is None or r is None or m is None or np.shape(a) != np.shape(r) or np.shape(m) != np.shape(a):
            continue
        scale = max(float(np.max(np.abs(r), initial=0.0)), 1e-12)
        gap = np.abs(a - r) / scale
        if gap.size and gap.max() > 1e-6 and (best is None or gap.max() > best[0]):
            index = np.unravel_index(int(np.argmax(gap)), gap.shape)
            best = (float(gap.max()), label, index, float(a[index]), float(m[index]), float(r[index]))
    if best is None:
        return ""
    _, label, index, a, m, r = best
    where = f"{label}[{','.join(map(str, index))}]" if len(index) else label
    return (f"on {_probe_label(ctx, probe)}: {where} is {number(a)} in yours, {number(m)} with this mistake, "
            f"{number(r)} in chainrule's")


def _probe_label(ctx, probe):
    if probe.kind == "example":
        return ctx.example_label(probe.index)
    if probe.kind == "step":
        return f"one update of {ctx.arch_label(ctx.spec.steps[probe.index].arch)}"
    if probe.kind == "run":
        return f"a training run of {ctx.arch_label(ctx.spec.runs[probe.index].arch)}"
    if probe.kind == "epochs":
        run = ctx.spec.epochs[probe.index]
        return f"the first epoch of {ctx.arch_label(run.arch)}, {len(run.X)} examples in batches of {run.batch_size}"
    return "mse_loss"


def joint_words(ctx, result, kinds):
    """What two (or more) mistakes that only together reproduce the numbers mean for the learner."""
    training_ok = any(c.name in TRAINING for c in result.checks) and \
        all(c.status != FAIL for c in result.checks if c.name in TRAINING)
    stages = {entry(k).stage for k in kinds}
    if training_ok and stages & {"output error", "delta", "gradient"}:
        passed = [c.name for c in result.checks if c.name in TRAINING]
        return texts.CANCEL.format(checks=", ".join(passed[:-1]) + " and " + passed[-1] if len(passed) > 1 else passed[0])
    if stages == {"loss", "output error"}:
        return texts.CONSISTENT
    return ""


def findings(ctx, result, reproducer, search, probes):
    base = build((), ctx.variant)
    traced = [p for p in probes if getattr(p.record, "trace", None)]
    out = []
    for match in search.matches:
        model = build(match.models, ctx.variant)
        kinds = [m.kind for m in match.models]
        reproduced = [p for p in probes if not match.upto or
                      [k for k in KIND_CHECKS].index(p.kind) < [k for k in KIND_CHECKS].index(match.upto)]
        explains = sorted({c for p in reproduced for c in KIND_CHECKS[p.kind]})
        words = reproduced_words(ctx, reproduced)
        ratios = ratio_words(ctx, reproduced, reproducer, base)
        difference = difference_words(ctx, reproducer, model, base, reproduced, search.first_difference)
        for mistake in match.models:
            others = tuple(k for k in kinds if k != mistake.kind)
            made = "this mistake" + (f" and {' and '.join(others)}" if others else "")
            seen = [f"your numbers are exactly those of the guide's computation with {made} made, on {words}"
                    + ("; " + ("neither" if len(others) == 1 else "none") + " alone reproduces them" if others else "")]
            seen += [difference, ratios]
            if match.upto:
                seen.append(f"from {KIND_WORDS[match.upto]} on your numbers differ from this model as well: another "
                            f"mistake there is not in the catalogue (see below)")
            if others:
                seen.append(joint_words(ctx, result, kinds))
            if len(search.matches) > 1:
                names = " or ".join("+".join(m.kind for m in other.models) for other in search.matches)
                seen.append(f"{names} reproduce your numbers equally: the probes that would tell them apart did not "
                            f"run on your class")
            line, text = locate(ctx.source, reproducer, model, mistake, base, traced, ctx.tol)
            sentence = "; ".join(s for s in seen if s)
            out.append(from_entry(mistake, sentence, line, text,
                                  {"models": kinds, "probes": len(reproduced), "explains": explains}, others))
    return out

"""From what the judges measured to named findings: set-up mistakes seen directly, the mistake model (or the
pair of models) that reproduces the learner's numbers, broken promises of the guide's API, the learner's own
exceptions, limits that were hit, and, where nothing explains a failure, what was measured."""
from __future__ import annotations

from ..findings import Finding
from . import matched, measure, texts
from .catalogue import MODELS, entry
from .judges import check_of, probes_of
from .judges.common import plural
from .matched import from_entry
from .reproduce import Probe, Reproducer
from .result import FAIL

COMPUTATION = ("forward", "backward", "gradient check", "batches", "train_step", "one update", "training run",
               "train_epoch", "shuffling", "mse_loss")


def first_exception(ctx, kinds=("step", "run", "epochs", "example")):
    """The first exception of the learner's code in a probe that should have run (a guide-style class raising
    on a batch is not one)."""
    for kind in kinds:
        for i, record in ctx.of(kind):
            if kind == "example" and ctx.spec.examples[i].batch:
                continue
            if record.error is not None and not record.error.api:
                return kind, i, record
    return None


# --- set-up and variant ---

def setup_findings(ctx):
    findings = []
    raised = first_exception(ctx)
    for kind, (seen, evidence) in ctx.setup.items():
        mistake = entry(kind)
        if raised is not None and mistake.raises:
            seen += f"; and so your code raises: {raised[2].error.text()}"
        line = mistake.where(ctx.source) if mistake.where and ctx.source else None
        findings.append(from_entry(mistake, seen, line, ctx.source.line(line) if ctx.source else "", evidence))
    return findings


def variant_findings(ctx):
    if ctx.variant is None:
        return []
    options = ", ".join(f"{k}={v!r}" for k, v in ctx.variant.options.items())
    line = ctx.variant.where(ctx.source) if ctx.variant.where and ctx.source else None
    return [from_entry(ctx.variant, f"forward() matches chainrule's Network(..., {options}) on every example, not "
                                    f"the guide's all-sigmoid network", line,
                       ctx.source.line(line) if ctx.source else "")]


# --- the guide's API ---

def api_findings(ctx):
    findings, seen = [], set()
    for (kind, i), record in sorted(ctx.records.items()):
        error = getattr(record, "error", None)
        if error is None or not error.api:
            continue
        key = error.api
        if key in seen:
            continue
        seen.add(key)
        title, cause, advice, reread = texts.API[key]
        findings.append(Finding(kind=key, severity="error", title=title, seen=error.message, cause=cause,
                                advice=advice, reread=reread, check=check_of(kind, ctx),
                                line=ctx.source.def_line({"backward_returns": "backward", "no_param_lists": "__init__"}
                                                         .get(key, "train_step")) if ctx.source else None))
    returns_none = [k for k, r in ctx.of("step") if ctx.load.train_step and r.returned is not None
                    and r.returned.kind == "none"]
    if returns_none:
        title, cause, advice, reread = texts.API["step_returns_none"]
        line = ctx.source.def_line("train_step") if ctx.source else None
        findings.append(Finding(kind="step_returns_none", severity="warning", title=title,
                                seen=f"train_step returned None on all {plural(len(returns_none), 'network')}",
                                cause=cause, advice=advice, reread=reread, check="train_step", line=line,
                                source=ctx.source.line(line) if ctx.source else ""))
    return findings


# --- reproduction ---

def learner_probes(ctx):
    skip_failed = any(entry(kind).severity == "error" for kind in ctx.setup)
    probes = []
    for kind in ("example", "loss", "step", "run", "epochs"):
        for i, record in ctx.of(kind):
            if kind == "example" and ctx.spec.examples[i].batch:
                continue
            if record.timeout is not None or record.stage == "make" or (skip_failed and record.failed):
                continue
            if record.error is not None and record.error.api:
                continue
            probes.append(Probe(kind, i, record))
    return probes


def model_findings(ctx, result):
    probes = learner_probes(ctx)
    if not probes or "shared_lists" in ctx.setup:
        return []
    reproducer = Reproducer(ctx.spec, ctx.load, probes, ctx.dtype, ctx.variant)
    search = reproducer.search()
    ctx.facts["search"] = search
    if search.reference or not search.matches:
        return []
    return matched.findings(ctx, result, reproducer, search, probes)


# --- what is left ---

AFTER_BACKWARD = ("gradient check", "batches", "train_step", "one update", "training run", "train_epoch")
DOWNSTREAM = {"forward": ("backward",) + AFTER_BACKWARD, "backward": AFTER_BACKWARD,
              "train_step": ("training run", "train_epoch"), "one update": ("train_epoch",)}


def covered(findings):
    """The checks whose failures the findings explain (a check, and what inherits from it)."""
    checks = set()
    for finding in findings:
        if finding.severity != "error":
            continue
        if finding.check in ("initial weights", "load"):
            checks.update(COMPUTATION + ("initial weights",))
        checks.update(finding.evidence.get("explains", ()))
        checks.add(finding.check)
        checks.update(DOWNSTREAM.get(finding.check, ()))
    return checks


def exception_findings(ctx, result, findings):
    out, explained, seen = [], covered(findings), set()
    for check in result.checks:
        if check.status != FAIL or check.name in explained:
            continue
        raised = _raised_for(ctx, check.name)
        if raised is None:
            continue
        kind, i, record = raised
        error = record.error
        key = (error.type, error.line, error.function)
        if key not in seen:
            seen.add(key)
            title, cause, advice = texts.RAISED
            out.append(Finding(kind="raised", severity="error",
                               title=title.format(function=_function_words(ctx, error, record), type=error.type),
                               seen=f"{error.text()} (on {_probe_words(ctx, kind, i)})", cause=cause,
                               advice=advice.format(call=_call_words(ctx, kind, i)), line=error.line,
                               source=error.source, check=check.name))
        explained |= covered(out) | {check.name}
    return out


def _function_words(ctx, error, record):
    """The learner's function that raised: a comprehension, generator or lambda (``<listcomp>``) is named by the
    function it is written in."""
    function = error.function or record.stage
    if function.startswith("<"):
        enclosing = ctx.source.enclosing_def(error.line) if ctx.source else None
        return enclosing or record.stage
    return function


def _raised_for(ctx, check):
    for kind, i, record in probes_of(ctx, check):
        if record.error is not None and not record.error.api:
            return kind, i, record
    return None


def _probe_words(ctx, kind, i):
    if kind == "example":
        return ctx.example_label(i)
    if kind == "step":
        return ctx.arch_label(ctx.spec.steps[i].arch)
    if kind in ("run", "epochs"):
        return ctx.arch_label((ctx.spec.runs if kind == "run" else ctx.spec.epochs)[i].arch)
    return kind


def _call_words(ctx, kind, i):
    if kind == "example":
        e = ctx.spec.examples[i]
        arch = ctx.spec.archs[e.arch]
        return (f"net = Network({arch.sizes}, seed={arch.seed}); net.forward(np.array({e.x})); "
                f"net.backward(np.array({e.target}))")
    if kind == "step":
        s = ctx.spec.steps[i]
        arch = ctx.spec.archs[s.arch]
        return (f"net = Network({arch.sizes}, seed={arch.seed}); net.train_step(np.array({s.x}), "
                f"np.array({s.target}), {s.learning_rate})")
    return "the probe above"


def unexplained_findings(ctx, result, findings):
    explained = covered(findings)
    failed = [c.name for c in result.checks if c.status == FAIL and c.name not in explained]
    out = []
    order = ("forward", "backward", "gradient check", "train_step", "one update", "training run", "train_epoch")
    first = next((name for name in order if name in failed), None)
    if first == "train_epoch":
        observed = _observed_epoch_finding(ctx)
        if observed is not None:
            out.append(observed)
            first = None
    if first is not None:
        key = {"gradient check": "backward", "one update": "train_step", "training run": "train_step"}.get(first, first)
        title, cause, advice, reread = texts.UNEXPLAINED[key]
        measured = measure.backward(ctx) if key == "backward" else measure.update(ctx, first) if key == "train_step" \
            else measure.epoch(ctx) if key == "train_epoch" else None
        check = result.check_named(first)
        seen = measured[0] if measured else (check.failure.message if check.failure and check.failure.message
                                             else check.summary)
        method = {"train_step": "train_step" if ctx.load.train_step else "train_epoch"}.get(key, key)
        line = ctx.source.def_line(method) if ctx.source else None
        out.append(Finding(kind=f"unexplained_{key}", severity="error", title=title, seen=seen,
                           cause=cause.format(models=len(MODELS)), advice=advice, reread=reread, check=first,
                           line=line, source=ctx.source.line(line) if ctx.source else ""))
    for name, method in (("mse_loss", "mse_loss"), ("batches", "backward")):
        if name not in failed or (first is not None and name in DOWNSTREAM.get(first, ())):
            continue
        title, cause, advice, reread = texts.UNEXPLAINED[name]
        check = result.check_named(name)
        line = ctx.source.def_line(method) if ctx.source else None
        seen = check.failure.message if check.failure and check.failure.message else check.summary
        out.append(Finding(kind=f"unexplained_{name}", severity="error", title=title, seen=seen, cause=cause,
                           advice=advice, reread=reread, check=name, line=line,
                           source=ctx.source.line(line) if ctx.source else ""))
    return out


def _observed_epoch_finding(ctx):
    """A finding from what the epochs showed about the examples themselves (inputs paired with other targets,
    examples skipped or repeated), when the train_epoch check saw it; None when the failure is in the numbers."""
    if "epoch_trouble" not in ctx.facts:
        return None
    kind, message, where = ctx.facts["epoch_trouble"]
    title, cause, advice, reread = texts.OBSERVED[kind]
    line = None
    if ctx.source:
        line = ctx.source.call_line("train_epoch", "permutation") or ctx.source.def_line("train_epoch")
    seen = f"{message} ({where}: the rows of X and y your code handed to forward() and backward())"
    return Finding(kind=kind, severity="error", title=title, seen=seen, cause=cause, advice=advice, reread=reread,
                   check="train_epoch", line=line, source=ctx.source.line(line) if ctx.source and line else "")


def diagnose(ctx, result, prior=()):
    """The findings; ``prior`` (the limits that were hit) explain the checks they ended."""
    findings = setup_findings(ctx) + variant_findings(ctx) + api_findings(ctx)
    findings += model_findings(ctx, result)
    findings += exception_findings(ctx, result, findings + list(prior))
    findings += unexplained_findings(ctx, result, findings + list(prior))
    return findings

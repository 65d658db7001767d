"""Judge what the learner's code did: records in, a ``CheckResult`` out.

1. the records are put in the guide's conventions (``compare.Normalizer``) and the network the learner built
   is recognised (the guide's all-sigmoid one, or a variant of the catalogue such as tanh hidden layers);
2. each check of the table (``judges/``) compares the learner's numbers with chainrule's on the learner's own
   weights;
3. the diagnosis names what explains the failures (``diagnose.py``);
4. how the run went is said in notes and, for each limit that was hit, one line.
"""
from __future__ import annotations

import numpy as np

from ..findings import Finding
from . import texts
from .catalogue import VARIANTS
from .compare import agree
from .context import Context
from .diagnose import diagnose
from .judges import CHECKS, check_of
from .records import Output
from .result import FAIL, Check, CheckResult, Failure


class NoNetworkClass(Exception):
    """The learner's file has no class to check."""

    def __init__(self, classes, candidates):
        self.classes, self.candidates = classes, candidates
        super().__init__(classes, candidates)


def identify_variant(ctx):
    """The catalogue's variant whose forward() gives the learner's outputs, when the guide's does not."""
    cases = [(i, r) for i, r in ctx.of("example") if not ctx.spec.examples[i].batch
             and r.output is not None and r.output.kind == "array"]
    if not cases:
        return None

    def fits(variant):
        ctx.variant = variant
        for i, record in cases:
            net = ctx.network(ctx.spec.examples[i].arch, record.start)
            if net is None or not agree(record.output.array, net.forward(np.array(ctx.spec.examples[i].x)), ctx.tol):
                return False
        return True

    for variant in (None,) + VARIANTS:
        if fits(variant):
            return variant
    ctx.variant = None
    return None


def load_notes(ctx, result):
    load = ctx.load
    if load.skipped:
        ranges = ", ".join(f"{a}-{b}" if a != b else f"{a}" for a, b in load.skipped)
        result.notes.append(f"ran your file's imports, functions, classes and constants; skipped the script "
                            f"statements at line(s) {ranges} (--whole-file runs everything)")
    others = [c for c in load.candidates if c != load.class_name]
    if others:
        result.notes.append(f"other classes with forward() and backward(): {', '.join(others)} (--class NAME picks one)")
    if load.train_epoch == "function":
        result.notes.append("train_epoch is a function of the file (the guide's Section 3 helper), called as "
                            "train_epoch(net, X, y, learning_rate, batch_size)")
    if not load.train_step and not load.train_epoch:
        result.notes.append("no train_step or train_epoch: only forward() and backward() are checked")


def convention_notes(ctx, result):
    c = ctx.convention
    if c.vector == "column":
        result.notes.append("your class takes and returns column vectors (n, 1), as Nielsen's network.py does: "
                            "compared as the guide's (n,) vectors")
    elif c.vector == "row":
        result.notes.append("your class takes each example as a row (1, n): compared as the guide's (n,) vectors")
    if c.orientation == "in_out":
        result.notes.append("your weights are W of shape (n_in, n_out), used as a @ W: compared with the guide's "
                            "(n_out, n_in) as W.T")
    if (c.weights_attr, c.biases_attr) != ("weights", "biases"):
        result.notes.append(f"your parameters are in self.{c.weights_attr} and self.{c.biases_attr} (the guide's "
                            f"names: self.weights, self.biases)")
    if ctx.dtype != np.float64:
        result.notes.append(f"your arrays are {ctx.dtype.name}: numbers compared to {ctx.tol.rtol:.0e} relative "
                            f"({ctx.long_tol.rtol:.0e} over a step or an epoch)")
    if ctx.normalizer.notes:
        result.notes.append("; ".join(sorted(ctx.normalizer.notes)) + ": the same numbers, compared as the guide's "
                                                                       "(n,) vectors")


def limit_findings(ctx, result):
    """One line per limit that was hit, and a finding for it."""
    outcome, limits, findings = ctx.outcome, ctx.limits, []
    running = outcome.running if outcome is not None else None
    where = _running_words(ctx, running)
    timeouts = [(k, r) for k, r in ctx.records.items() if getattr(r, "timeout", None) is not None]
    memory = [(k, r) for k, r in ctx.records.items() if getattr(r, "error", None) and r.error.type == "MemoryError"]
    values = dict(seconds=limits.seconds, probe=limits.probe_seconds, memory=limits.memory_mb,
                  cpu=limits.seconds + 5)

    def add(kind, key, line, check):
        title, cause, advice = texts.LIMITS[key]
        result.limits.append(line)
        findings.append(Finding(kind=kind, severity="error", title=title, seen=line,
                                cause=cause.format(**values, exit=outcome.exit if outcome else "",
                                                   running=where), advice=advice, check=check))

    if outcome is not None and outcome.limit == "time":
        add("time_limit", "time", f"Time limit: the check was stopped after {limits.seconds:g} s (--timeout) "
                                  f"while {where}", _running_check(ctx, running))
    elif timeouts:
        (kind, index), record = timeouts[0]
        add("probe_time_limit", "probe_time", f"Time limit: a call into your code ran past {limits.probe_seconds:g} s "
                                              f"(--probe-timeout) in {record.stage or kind}, on "
                                              f"{_probe_label(ctx, kind, index)}", check_of(_kind(ctx, kind, index), ctx))
    if memory:
        (kind, index), record = memory[0]
        add("memory_limit", "memory", f"Memory limit: your code ran out of memory (the check allows "
                                      f"{limits.memory_mb} MB, --memory-limit): {record.error.text()}",
            check_of(_kind(ctx, kind, index), ctx) if kind != "load" else "load")
    if outcome is not None and outcome.limit == "cpu":
        add("cpu_limit", "cpu", f"CPU limit: your code used {limits.seconds + 5:g} s of CPU and was stopped",
            _running_check(ctx, running))
    elif outcome is not None and outcome.exit and running is not None and outcome.limit != "time":
        add("process_ended", "ended", f"Process ended: the process running your code ended ({outcome.exit}) while "
                                      f"{where}", _running_check(ctx, running))
    if outcome is not None:
        for name in ("stdout", "stderr"):
            stream = getattr(outcome, name)
            if stream.truncated:
                line = (f"Output limit: your code wrote {_size(stream.bytes)} to {name}; the first "
                        f"{_size(limits.output_bytes)} are kept")
                result.limits.append(line)
                title, cause, _ = texts.LIMITS["output"]
                findings.append(Finding(kind="output_limit", severity="info", title=title, seen=line,
                                        cause=cause.format(stream=name, kept=_size(limits.output_bytes),
                                                           wrote=_size(stream.bytes))))
    return findings


def _size(n):
    return f"{n / 2 ** 20:.1f} MB" if n >= 2 ** 20 else f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


def _kind(ctx, kind, index):
    return "batch" if kind == "example" and ctx.spec.examples[index].batch else kind


def _probe_label(ctx, kind, index):
    if kind == "example":
        return ctx.example_label(index)
    if kind == "load":
        return "loading your file"
    return {"init": lambda: f"Network({ctx.spec.archs[index].sizes}, seed={ctx.spec.archs[index].seed})",
            "step": lambda: ctx.arch_label(ctx.spec.steps[index].arch),
            "run": lambda: ctx.arch_label(ctx.spec.runs[index].arch),
            "epochs": lambda: ctx.arch_label(ctx.spec.epochs[index].arch)}.get(kind, lambda: kind)()


def _running_words(ctx, running):
    if running is None:
        return "it ran your code"
    if running.kind == "load":
        return "loading your file"
    what = "forward() and backward()" if running.kind == "example" else _running_check(ctx, running)
    return f"running {what} on {_probe_label(ctx, running.kind, running.index)}"


def _running_check(ctx, running):
    if running is None or running.kind == "load":
        return "load"
    kind = _kind(ctx, running.kind, running.index)
    return "backward" if kind == "example" else check_of(kind, ctx)


def ended_early(ctx, result):
    """The check whose probe was running when the process ended is a FAIL that says so."""
    running = ctx.outcome.running if ctx.outcome is not None else None
    if running is None or running.kind == "load":
        return
    name = _running_check(ctx, running)
    what = result.limits[0] if result.limits else f"the process running your code ended while {_running_words(ctx, running)}"
    tail = result.printed.strip().splitlines()[-3:]
    message = what + (" just after your code printed:\n" + "\n".join(f"| {t}" for t in tail) if tail else "")
    failure = Failure(name, _probe_label(ctx, running.kind, running.index), message=message)
    existing = result.check_named(name)
    if existing is None:
        result.checks.append(Check(name, FAIL, what, failure))
    else:
        existing.status, existing.summary, existing.failure = FAIL, what, failure


def load_failed(ctx, result):
    record = ctx.raw.get(("load", 0))
    if record is None:
        message = ctx.outcome.stderr.text.strip()[-1500:] if ctx.outcome is not None else ""
        result.checks.append(Check("load", FAIL, "the process running your file ended before your file was loaded",
                                   Failure("load", "loading your file", message=message)))
        return True
    if record.error is None and record.timeout is None:
        return False
    if record.timeout is not None:
        problem = f"did not finish within {record.timeout:g} s"
    else:
        problem = record.error.text()
        if record.error.type == "NameError" and ctx.load.skipped:
            problem += ("\nThe name may be defined by a script statement chainrule skipped: define it above the "
                        "class, or run with --whole-file.")
    result.checks.append(Check("load", FAIL, "your file could not be loaded", Failure("load", "importing your file",
                                                                                     message=problem)))
    return True


def own_failure(result, what, step):
    """``step()``, or, if chainrule's own code fails on this learner's numbers, None and one line saying so:
    the report goes on without that part, and never crashes on a learner's file."""
    try:
        return step()
    except Exception as exc:  # noqa: BLE001 - a bug of ours must not hide the rest of the report
        result.notes.append(f"chainrule's own code failed in {what} ({type(exc).__name__}: {exc}); that part is "
                            f"left out of this report. Please report it with your file")
        return None


def analyse(spec, replies, outcome, display_path, source, limits) -> CheckResult:
    ctx = Context(spec, replies, outcome, display_path, source, limits)
    result = CheckResult(path=display_path, class_name=ctx.load.class_name)
    result.printed = "".join(r.text for r in replies if isinstance(r, Output))
    if outcome is not None and outcome.stdout.text:
        result.printed += outcome.stdout.text
    if outcome is not None and outcome.stderr.text:
        result.printed += outcome.stderr.text
    load_notes(ctx, result)
    if load_failed(ctx, result):
        findings = limit_findings(ctx, result)
        result.diagnoses = findings
        return result
    if not ctx.load.class_name:
        raise NoNetworkClass(ctx.load.classes, ctx.load.candidates)
    if source is not None:
        source.class_name = ctx.load.class_name
    ctx.variant = own_failure(result, "recognising your network", lambda: identify_variant(ctx))
    for name, judge, kinds in CHECKS:
        check = own_failure(result, f"the {name} check", lambda: judge(ctx))
        if check is not None:
            result.checks.append(check)
    limits_found = limit_findings(ctx, result)
    ended_early(ctx, result)
    result.diagnoses = (own_failure(result, "the diagnosis", lambda: diagnose(ctx, result, limits_found)) or []) \
        + limits_found
    convention_notes(ctx, result)
    return result


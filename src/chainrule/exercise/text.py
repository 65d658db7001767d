"""What ``chainrule exercise`` prints: the task, the answer template, the worked solution, a marking."""
import shlex

import numpy as np

from ..lab.formulas import number as plain_number
from ..viz.trace_text import fmt, format_trace
from .marking import TOLERANCE_TEXT, Status
from .steps import given_values, rules
from .variant import guide_variant


def step_title(step, trace):
    """A step of the trace in words: ``"backward pass, output layer"``."""
    if step == "forward":
        return "forward pass: every z and a"
    if step == "loss":
        return "the loss"
    if step.startswith("backward"):
        l = int(step[len("backward"):])
        return "backward pass, output layer" if l == trace.n_layers else f"backward pass, hidden layer {l}"
    if step == "update":
        return f"update the weights (learning rate {trace.learning_rate:g})"
    return "check: forward pass with the new weights (optional)"


def _steps(trace):
    """``[(number, step, [rules])]`` in the trace's order."""
    grouped = []
    for rule in rules(trace):
        if not grouped or grouped[-1][1] != rule.step:
            grouped.append((len(grouped) + 1, rule.step, []))
        grouped[-1][2].append(rule)
    return grouped


def command(variant, action="trace", path=None):
    """The command line that prints or marks this variant. It is printed where learners read it, so the course
    seed (which would let anyone print any learner's solution) is shown as ``--course SEED``."""
    words = ["chainrule", "exercise", action] + ([path] if path else [])
    words += ["--guide"] if variant.guide else ["--student", variant.student]
    text = " ".join(shlex.quote(w) for w in words)
    return text + (" --course SEED" if variant.course and not variant.guide else "")


def _givens(trace, indent):
    g = given_values(trace)
    return [f"{indent}W1 = {fmt(g['W1'])}   b1 = {fmt(g['b1'])}",
            f"{indent}W2 = {fmt(g['W2'])}   b2 = {fmt(g['b2'])}",
            f"{indent}x = {fmt(g['x'])}   target = {fmt(g['target'])}   learning rate {trace.learning_rate:g}"]


def format_task(variant):
    """Exercise 2.1 with this variant's numbers: what to compute, step by step, and how to hand it in."""
    trace = variant.solution
    lines = [f"Exercise 2.1: trace backpropagation by hand, for {variant.title}", "",
             "The guide's 2 -> 2 -> 1 network (Section 2, \"Full Hand-Trace\"): sigmoid in both layers, MSE loss, "
             "one training step.", "Your numbers:", *_givens(trace, "  "), "",
             "Compute every value, as the guide's hand-trace does, to 4 decimals:"]
    width = max(len(r.name) for r in rules(trace))
    for number, step, step_rules in _steps(trace):
        lines += ["", f"Step {number}: {step_title(step, trace)}"]
        for rule in step_rules:
            optional = "" if rule.required or step == "result" else "   (optional)"
            lines.append(f"  {rule.name:<{width}} = {rule.formula}{optional}")
    lines += ["", "Fill in the answer file (`--template answers.txt` writes it), then mark it:",
              f"  {command(variant, 'mark', 'answers.txt')}"]
    return "\n".join(lines)


def template(variant, values=None):
    """The answer file for ``variant``: one ``name =`` line per value, filled with ``values`` (name -> array,
    e.g. the trace's own) when given."""
    trace = variant.solution
    lines = [f"# Exercise 2.1 for {variant.title}",
             *(line.replace("  ", "# ", 1) if i == 0 else "#" + line[1:] for i, line in enumerate(_givens(trace, "  "))),
             "# Write each value after its '=', to 4 decimals, as numpy prints it or as a plain list:",
             "#   a1 = [0.1234 0.5678]      dL/dW1 = [[0.0123 -0.0456] [0.0789 0.1011]]",
             "# Leave a value empty if you did not compute it. Everything after a # is a comment.",
             f"# Mark it with: {command(variant, 'mark', 'answers.txt')}"]
    if not variant.guide:
        lines.append(f"student = {variant.student}")
    lines.append(f"variant = {variant.fingerprint}")
    for number, step, step_rules in _steps(trace):
        lines += ["", f"# Step {number}: {step_title(step, trace)}"]
        for rule in step_rules:
            value = "" if values is None else " " + fmt(values[rule.name])
            notes = []
            if len(rule.shape) == 2:
                notes.append(f"{rule.shape[0]} x {rule.shape[1]}")
            if not rule.required and step != "result":
                notes.append("optional")
            entry = f"{rule.name} ={value}"
            lines.append(f"{entry:<24}# {', '.join(notes)}" if notes else entry)
    return "\n".join(lines) + "\n"


def format_solution(variant):
    """The worked solution (``chainrule trace``'s printout of the step) and the filled answer file."""
    trace = variant.solution
    course = f" (course {variant.course})" if variant.course else ""
    return "\n".join([f"Solution of Exercise 2.1 for {variant.title}{course}", "", format_trace(trace), "",
                      "The answer file, filled in:", "", template(variant, trace.values()).rstrip()])


# --- a marking ---

_LABEL = {Status.RIGHT: "right", Status.CARRIED: "carried", Status.WRONG: "WRONG", Status.MISSING: "missing",
          Status.SKIPPED: "-"}


def verdict(marking):
    counts = [f"{marking.right} of {marking.total} values right"]
    counts += [f"{marking.count(s)} {s}" for s in (Status.CARRIED, Status.WRONG, Status.MISSING) if marking.count(s)]
    return ("PASSED" if marking.passed else "NOT YET") + ": " + ", ".join(counts)


def _note(v, first):
    if v.status == Status.WRONG:
        if v is first:
            return f"exact {fmt(v.expected)}   <- first wrong value"
        return f"from your {', '.join(v.inputs)}: {fmt(v.from_yours)}   <- new error"
    if v.status == Status.CARRIED:
        if v.wrong_inputs == v.carried_from:
            return f"carried from {', '.join(v.carried_from)}"
        return f"right for your {', '.join(v.wrong_inputs)}: carried from {', '.join(v.carried_from)}"
    if v.by_rounding:
        return "(from your rounded values)"
    return ""


def _plugged(v):
    """``"formula line   (you wrote X)"`` for each element that does not follow from the learner's values."""
    off = np.ravel(np.abs(v.yours - v.from_yours) > v.allowance + 1e-12)
    yours = np.ravel(v.yours)
    chosen = [f"{line}   (you wrote {plain_number(mine)})" for line, bad, mine in zip(v.formulas, off, yours) if bad]
    return chosen or list(v.formulas)


def format_marking(marking):
    """A marking as text: every value by step, then the first wrong value with its formula, the carried values
    and any new error."""
    variant = marking.variant
    trace = variant.solution
    lines = [f"Exercise 2.1 for {variant.title}, variant {variant.fingerprint}"
             + (f": {marking.source}" if marking.source else ""),
             f"{verdict(marking)}", f"Marked {TOLERANCE_TEXT}."]
    width = max(len(v.name) for v in marking)
    shown_width = min(38, max(len(fmt(v.yours)) for v in marking if v.yours is not None) if marking.total else 0)
    first = marking.first_wrong
    by_step = {}
    for v in marking:
        by_step.setdefault(v.step, []).append(v)
    for number, (step, values) in enumerate(by_step.items(), start=1):
        lines += ["", f"Step {number}: {step_title(step, trace)}"]
        for v in values:
            shown = fmt(v.yours) if v.yours is not None else ""
            lines.append(f"  {_LABEL[v.status]:<8} {v.name:<{width}}  {shown:<{shown_width}}  {_note(v, first)}".rstrip())
    if first is not None:
        where = f" (line {first.line})" if first.line else ""
        lines += ["", f"First wrong value: {first.name}{where}",
                  f"  you wrote  {fmt(first.yours)}", f"  exact      {fmt(first.expected)}",
                  "  the formula, with your values:"]
        lines += [f"    {line}" for line in _plugged(first)]
        carried = [v.name for v in marking if v.status == Status.CARRIED]
        if carried:
            lines += ["", f"Carried ({len(carried)}): {', '.join(carried)}: right for the values you had, so your "
                          "method is right; they change once the wrong value is fixed."]
        for v in marking.new_errors:
            where = f" (line {v.line})" if v.line else ""
            lines += ["", f"New error: {v.name}{where} does not follow from your own {', '.join(v.inputs)}:"]
            lines += [f"    {line}" for line in _plugged(v)]
    missing = [v.name for v in marking if v.status == Status.MISSING]
    if missing:
        lines += ["", f"Missing ({len(missing)}): {', '.join(missing)}."]
    if marking.passed:
        lines += ["", "Every value is right."]
    return "\n".join(lines)


# --- a class ---

def format_class(result):
    """A class marking as text: one line per submission, how many are fully right, and where learners first
    went wrong, step by step (what to re-teach)."""
    trace = guide_variant().solution          # the steps are the same for every variant
    course = f", course {result.course}" if result.course else ""
    n = len(result.submissions)
    lines = [f"Exercise 2.1{course}: {n} submission{'s' if n != 1 else ''} in {result.folder}, "
             f"{len(result.marked)} marked", f"Marked {TOLERANCE_TEXT}.", ""]
    rows = [(s.student or "?", s.file or "-", s.status,
             f"{s.marking.right}/{s.marking.total}" if s.marking else "", *(
                 (str(s.marking.count(st)) for st in (Status.CARRIED, Status.WRONG, Status.MISSING))
                 if s.marking else ("", "", "")),
             _first(s)) for s in result.submissions]
    header = ("student", "file", "result", "right", "carried", "wrong", "missing", "first wrong value")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header) - 1)]
    for r in [header] + rows:
        cells = [f"{c:<{w}}" if i < 3 else f"{c:>{w}}" for i, (c, w) in enumerate(zip(r, widths))]
        lines.append(("  ".join(cells) + "  " + r[-1]).rstrip())
    unmarked = n - len(result.marked)
    lines += ["", f"Fully right: {result.fully_right} of {n}" + (f" ({unmarked} not marked, below)." if unmarked else ".")]
    if result.marked:
        lines.append("What to re-teach: the step where each learner first went wrong")
        by_step = result.first_wrong_by_step()
        order = {r.name: i for i, r in enumerate(rules(trace))}
        width = max(len(step_title(step, trace)) for step, _, _ in by_step) + 9
        for number, (step, count, values) in enumerate(by_step, start=1):
            which = ", ".join(f"{name} {k}" for name, k in sorted(values.items(), key=lambda kv: (-kv[1], order[kv[0]])))
            lines.append(f"  {f'Step {number}: {step_title(step, trace)}':<{width}} {count:>3}   {which}".rstrip())
        new = result.new_errors_by_value()
        if new:
            lines.append("New errors after the first (independent mistakes): "
                         + ", ".join(f"{name} {k}" for name, k in new.items()))
    problems = [s for s in result.submissions if s.error]
    if problems:
        lines += ["", "Not marked:"]
        lines += [f"  {s.file or s.student}: {s.error}" for s in problems]
    return "\n".join(lines)


def _first(s):
    if s.marking is None:
        return ""
    first = s.marking.first_wrong
    if first is None:
        return "" if s.marking.passed else "(missing values)"
    extra = len(s.marking.new_errors)
    return first.name + (f" (+{extra} new error{'s' if extra > 1 else ''})" if extra else "")

"""The report a learner reads: what passed, the first failure with its numbers, the diagnosis.

``render(result, hints=3)``: a course can choose how much the learner sees. 1: which check fails and on what
input (the checks and the first failure); 2: also the named mistakes and where in the file; 3 (the default,
and the teacher's report): also the explanation, the fix and what to reread.
"""
from __future__ import annotations

import re
import textwrap

from .judges.common import number
from .status import PASS

WIDTH = 110
NBSP = "\u00a0"


def wrap(text, initial, subsequent):
    """textwrap.wrap that never breaks inside a short (...) or [...]."""
    protected = re.sub(r"[\[(][^\[\]()]{0,40}[\])]", lambda m: m.group(0).replace(" ", NBSP), text)
    lines = textwrap.wrap(protected, width=WIDTH, initial_indent=initial, subsequent_indent=subsequent,
                          break_on_hyphens=False, break_long_words=False)
    return [line.replace(NBSP, " ") for line in lines] or [initial.rstrip()]


def _sentence(text):
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?", ":")) else text + "."


def _failure_lines(failure):
    lines = [f"First failure: {failure.check}, {failure.input}"]
    if failure.message:
        lines += [f"  {line}" for line in failure.message.splitlines()]
    if failure.rows:
        width = max(len(str(row[0])) for row in failure.rows)
        lines.append(" " * (width + 2) + "".join(f"{col:>16}" for col in failure.columns))
        for row in failure.rows:
            lines.append(f"  {row[0]:<{width}}" + "".join(f"{number(v):>16}" for v in row[1:]))
    return lines + [""]


def _diagnosis_lines(result, hints):
    lines = ["Diagnosis:"]
    shown = set()
    number_ = 0
    for finding in result.diagnoses:
        if finding.kind in shown:
            continue
        group = [finding] + [f for f in result.diagnoses if f.kind in finding.together and f.kind not in shown]
        shown.update(f.kind for f in group)
        number_ += 1
        if len(group) > 1:
            lines.append(f"  {number_}. Two mistakes together (only together do they reproduce your numbers):")
        for k, item in enumerate(group):
            prefix = f"  {number_}. " if len(group) == 1 else f"     {'abcdefgh'[k]}) "
            pad = " " * (5 if len(group) == 1 else 8)
            title = _capitalized(item.title)
            lines += wrap(f"{_sentence(title)}  [{item.kind}]" if item.kind else _sentence(title), prefix,
                          " " * len(prefix))
            labelled = [("Where:", f"line {item.line}" + (f": {item.source}" if item.source else "")
                         if item.line else "")]
            if k == 0 or not item.seen.startswith("your numbers are exactly"):
                labelled.append(("Seen:", _sentence(item.seen)))
            if hints >= 3:
                labelled += [("Why:", _sentence(item.cause)), ("Fix:", _sentence(item.advice)),
                             ("Reread:", _sentence(item.reread))]
            for label, text in labelled:
                if text:
                    lines += wrap(text, f"{pad}{label:<7} ", pad + " " * 8)
    return lines + [""]


def _capitalized(title):
    """The title as a sentence: its first letter capitalized, unless it begins with a name from code
    (``backward()``, ``train_epoch``, ``mse_loss``), which keeps its spelling."""
    first = title.split(" ", 1)[0]
    if not title or any(c in first for c in "_()."):
        return title
    return title[0].upper() + title[1:]


def render(result, show_printed=5, hints=3):
    lines = [f"chainrule check {result.path}: class {result.class_name or '?'}"]
    for note in result.notes:
        lines += wrap(note, "  ", "    ")
    for limit in result.limits:
        lines += wrap(limit, "  ", "    ")
    lines.append("")
    width = max([len(c.name) for c in result.checks] + [10])
    for check in result.checks:
        lines += wrap(check.summary, f"  {check.status:<4}  {check.name:<{width}}  ", " " * (width + 10))
    lines.append("")
    failure = result.first_failure
    if failure is not None:
        lines += _failure_lines(failure)
    findings = [f for f in result.diagnoses if f.severity != "info" or hints >= 2]
    if findings and hints >= 2:
        lines += _diagnosis_lines(result, hints)
    elif findings and not result.passed:
        lines += [f"{len(findings)} finding(s) withheld at this hint level.", ""]
    if result.printed:
        printed = result.printed.splitlines()
        lines.append(f"Your code printed (or warned) {len(printed)} line(s) while it was checked"
                     + (f"; the first {show_printed}:" if len(printed) > show_printed else ":"))
        lines += [f"  | {line[:200]}" + ("..." if len(line) > 200 else "") for line in printed[:show_printed]]
        lines.append("")
    skipped = [c.name for c in result.checks if c.status not in (PASS, "FAIL", "WARN")]
    verdict = result.verdict + (f"; not checked: {', '.join(skipped)}" if skipped and result.passed else "")
    lines.append(f"Verdict: {verdict}.")
    return "\n".join(lines)


def catalogue_text():
    """``chainrule check --list-mistakes``: every mistake it can name, stage by stage."""
    from .catalogue import CATALOGUE, STAGE_ORDER
    lines = wrap(f"chainrule check names {len(CATALOGUE)} mistakes (and pairs of them) by reproducing your numbers "
                 f"with a model of each; WARN marks a workable choice. `chainrule check --explain NAME` explains one.", "", "")
    lines.append("")
    for stage in STAGE_ORDER:
        entries = [m for m in CATALOGUE.values() if m.stage == stage]
        if not entries:
            continue
        lines.append(f"{stage} (shows in: {entries[0].check})")
        for m in entries:
            flag = "WARN " if m.severity == "warning" else "     "
            lines += wrap(m.title, f"  {flag}{m.kind:<28} ", " " * 36)
        lines.append("")
    from .catalogue import SCOPED
    bases = sorted({kind.rsplit("_", 2)[0] for kind in SCOPED})
    lines += wrap(f"Made in part of the network only, {len(bases)} of them are named too, as <name>_at_output or "
                  f"<name>_in_hidden: {', '.join(bases)}.", "", "")
    return "\n".join(lines).rstrip()


def explain_text(kind):
    """``chainrule check --explain NAME``: one mistake of the catalogue, what it is, why and the fix."""
    from ..errors import ConfigError
    from .catalogue import CATALOGUE
    from .catalogue import SCOPED
    if kind in SCOPED:      # a scoped version: the words of the mistake it is made from
        kind = kind.rsplit("_", 2)[0]
    if kind not in CATALOGUE:
        raise ConfigError(f"no mistake named {kind!r} in the catalogue; `chainrule check --list-mistakes` lists "
                          f"the {len(CATALOGUE)} names")
    m = CATALOGUE[kind]
    lines = [f"{m.kind} ({m.stage}, shows in: {m.check}){'  WARN: a workable choice' if m.severity == 'warning' else ''}"]
    lines += wrap(_capitalized(m.title) + ".", "  ", "  ")
    for label, text in (("Why:   ", m.cause), ("Fix:   ", m.advice), ("Reread:", m.reread)):
        if text:
            lines += wrap(text.rstrip(".") + ".", f"  {label} ", " " * 10)
    return "\n".join(lines)

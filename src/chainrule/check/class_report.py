"""What a class check says in text: the teacher's summary on the console, and each learner's own report.

``format_class(checked)``: how many passed, each named mistake with how many files made it (most common
first: what to re-teach), the files that could not be checked (named as such, never as passed), and one line
per file. ``learner_report(submission, hints)``: what one learner reads, at a hint level (1: which check fails
and on what input; 2: also the named mistake and where; 3: also why and the fix); ``write_learner_reports``
writes one per file into a folder.
"""
from __future__ import annotations

import os

from .. import files
from .classroom import CHECKED
from .report import render, wrap

NOT_CHECKED_WORDS = {"crashed": "its process ended", "timed out": "it ran past a time limit",
                     "out of memory": "it ran out of memory", "not loaded": "the file raised while it was loaded",
                     "no class": "no class with forward() and backward()", "error": "it could not be checked"}


def _seconds(s):
    return f"{s:.1f} s"


def format_class(checked) -> str:
    """The teacher's console summary of a ``ClassCheck``."""
    n = len(checked.submissions)
    slowest = checked.slowest()
    lines = [f"chainrule check {checked.checked}: {n} file{'s' if n != 1 else ''}, {checked.jobs} at a time, "
             f"{_seconds(checked.seconds)}" + (f" (the slowest file {_seconds(slowest.seconds)}: {slowest.file})"
                                                if slowest is not None and n > 1 else ""), ""]
    counts = checked.counts()
    lines.append(f"Passed: {counts['passed']} of {n}")
    lines.append(f"Failed: {counts['failed']} (the code ran and a check failed)")
    missed = checked.not_checked()
    if missed:
        parts = [f"{status} {counts[status]} ({', '.join(s.file for s in missed if s.status == status)})"
                 for status in counts if status not in CHECKED and counts[status]]
        lines += wrap(f"Not checked fully: {len(missed)}: " + "; ".join(parts), "", "  ")
    lines.append("")
    mistakes = checked.mistakes()
    if mistakes:
        lines.append("Mistakes, most common first (what to re-teach):")
        width = max(len(m.kind) for m in mistakes)
        for m in mistakes:
            flag = "WARN " if m.severity == "warning" else ""
            lines += wrap(f"{flag}{m.title}", f"  {m.count:>3}  {m.kind:<{width}}  ", " " * (width + 9))
            lines += wrap(", ".join(m.files), " " * 7 + "in: ", " " * 11)
        lines.append("")
    else:
        lines += ["No named mistakes.", ""]
    lines += _table(checked)
    lines.append("")
    lines.append("Verdict: " + ("all passed." if checked.passed else
                                f"{n - counts['passed']} of {n} did not pass" +
                                (f" ({len(missed)} not checked fully)." if missed else ".")))
    return "\n".join(lines)


def _table(checked):
    rows = [("file", "status", "first failure", "mistakes", "time")]
    for s in checked.submissions:
        named = " ".join(s.mistakes + [f"{k} (warn)" for k in s.warnings])
        rows.append((s.file, s.status, s.first_failure or "-", named or "-", _seconds(s.seconds)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    widths[0] = min(widths[0], 40)
    out = []
    for r in rows:
        head = f"  {r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  "
        out += wrap(f"{r[3]:<{widths[3]}}  {r[4]:>6}" if len(head) + widths[3] + 8 <= 110 else f"{r[3]}  {r[4]}",
                    head, " " * len(head))
    return out


def learner_report(submission, hints=3) -> str:
    """One learner's report at a hint level: the check's own report, or why their file was not checked."""
    if submission.result is not None:
        return render(submission.result, hints=hints)
    lines = [f"chainrule check {submission.file}: not checked"]
    lines += wrap(submission.error or NOT_CHECKED_WORDS.get(submission.status, submission.status), "  ", "    ")
    lines += ["", f"Verdict: NOT CHECKED ({submission.status}): none of the checks ran on your file."]
    return "\n".join(lines)


def learner_report_name(file) -> str:
    """``lab3/ada.py`` -> ``lab3_ada.txt``: one flat file name per submission."""
    stem = os.path.splitext(os.path.normpath(file))[0].replace(os.sep, "_").replace("/", "_")
    return (stem.lstrip("._") or "submission") + ".txt"


def write_learner_reports(checked, folder, hints=3) -> list:
    """One report per file in ``folder`` (created if need be), each written whole (``chainrule.files``).
    Returns the paths written, in the order of the submissions."""
    names, used = [], set()
    for s in checked.submissions:
        name = learner_report_name(s.file)
        stem, k = name[:-4], 2
        while name in used:
            name, k = f"{stem}-{k}.txt", k + 1
        used.add(name)
        names.append(name)
    files.check_output_folder(folder, names)
    paths = []
    for s, name in zip(checked.submissions, names):
        path = os.path.join(folder, name)
        files.atomic_write_text(path, learner_report(s, hints) + "\n")
        paths.append(path)
    return paths

"""Marking a class: a folder of answer files, each against its learner's variant, and what to re-teach.

Which file is whose:

- **with a roster** (``roster=`` a CSV file with a ``student`` column, optionally a ``file`` column): each
  student's answers are in their ``file`` (relative to the folder), or else in the ``.txt`` file whose name is
  the student's name (``ada_lovelace.txt`` for "Ada Lovelace": names compare as ``variant.normalise`` does).
  A student with no file gets a "no file" row; a ``.txt`` file no student claims, a "not on roster" row.
- **without a roster**: every ``*.txt`` file in the folder (not in subfolders, not hidden) is one learner's,
  and its name is the learner's name (``ada_lovelace.txt``, ``Ada Lovelace.txt``).

Either way, a file's own ``student =`` line must name the same learner (else it is not marked: it is another
learner's, or misnamed). A file that cannot be read gets an "unreadable" row with every line at fault; the
others are marked all the same.

The gradebook columns (``CSV_COLUMNS``; ``to_rows``), one row per submission, in roster or file-name order:
``student``, ``file``, ``status`` (passed, failed; not marked: unreadable, mismatch -- the file says it is
another learner's or variant's --, no file, not on roster), ``right``, ``carried``,
``wrong``, ``missing``, ``total`` (values counted: every required one and each optional one answered),
``first_wrong`` (the value where the learner first went wrong), ``first_wrong_step`` (its step: forward, loss,
backward2, backward1, update, result), ``new_errors`` (later independent errors, separated by spaces),
``error`` (why a file was not marked), then one column per value (z1, a1, ..., b1_new, new_prediction,
new_loss) holding its status (right, carried, wrong, missing, skipped).
"""
import csv
import os
from dataclasses import dataclass

from ..errors import DataError
from ..gradebook import csv_text, folder_files
from .answers import AnswerFileError, decode, quantities, read_answers
from .marking import NotTheirAnswers, Status, mark
from .variant import guide_variant, make_variant, normalise

MAX_ROSTER_BYTES = 1 << 20
SUMMARY_COLUMNS = ("student", "file", "status", "right", "carried", "wrong", "missing", "total", "first_wrong",
                   "first_wrong_step", "new_errors", "error")


def csv_columns():
    """The gradebook's columns: ``SUMMARY_COLUMNS``, then one per value of the exercise."""
    return SUMMARY_COLUMNS + tuple(q.name for q in quantities())


@dataclass(frozen=True)
class Submission:
    """One learner's row: their marking, or why there is none."""

    student: str
    file: str                    # relative to the folder; None for a roster student with no file
    status: str                  # "passed", "failed", "unreadable", "mismatch", "no file", "not on roster"
    marking: object = None       # a Marking when the file was marked
    error: str | None = None

    def row(self):
        m = self.marking
        row = dict.fromkeys(csv_columns(), "")
        row.update(student=self.student, file=self.file or "", status=self.status, error=self.error or "")
        if m is not None:
            first = m.first_wrong
            row.update(right=m.right, carried=m.count(Status.CARRIED), wrong=m.count(Status.WRONG),
                       missing=m.count(Status.MISSING), total=m.total, first_wrong=first.name if first else "",
                       first_wrong_step=first.step if first else "", new_errors=" ".join(v.name for v in m.new_errors))
            row.update({v.name: str(v.status) for v in m})
        return row

    def to_dict(self):
        """The row for JSON: numbers as numbers, and null (not "") where there is nothing."""
        out = {key: (value if value != "" else None) for key, value in self.row().items() if key in SUMMARY_COLUMNS}
        out["new_errors"] = out["new_errors"].split() if out["new_errors"] else []
        out["values"] = [v.to_dict() for v in self.marking] if self.marking is not None else []
        return out


@dataclass(frozen=True)
class ClassMarking:
    folder: str
    course: str
    submissions: tuple

    @property
    def marked(self):
        return [s for s in self.submissions if s.marking is not None]

    @property
    def fully_right(self):
        return sum(s.status == "passed" for s in self.submissions)

    @property
    def passed(self):
        return bool(self.submissions) and all(s.status == "passed" for s in self.submissions)

    def first_wrong_by_step(self):
        """``[(step, count, {value: count})]`` for every step of the exercise, in order (zeros included)."""
        order = list(dict.fromkeys(q.step for q in quantities()))
        counts = {step: {} for step in order}
        for s in self.marked:
            first = s.marking.first_wrong
            if first is not None:
                counts[first.step][first.name] = counts[first.step].get(first.name, 0) + 1
        return [(step, sum(counts[step].values()), counts[step]) for step in order]

    def new_errors_by_value(self):
        counts = {}
        for s in self.marked:
            for v in s.marking.new_errors:
                counts[v.name] = counts.get(v.name, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_rows(self):
        return [s.row() for s in self.submissions]

    def to_csv(self):
        return csv_text(csv_columns(), self.to_rows())

    def to_dict(self):
        return {"format": "chainrule exercise marks", "version": 1, "exercise": "2.1", "folder": self.folder,
                "course": self.course, "submissions": len(self.submissions), "marked": len(self.marked),
                "fully_right": self.fully_right,
                "first_wrong_by_step": {step: {"count": n, "values": values}
                                        for step, n, values in self.first_wrong_by_step()},
                "new_errors_by_value": self.new_errors_by_value(),
                "rows": [s.to_dict() for s in self.submissions]}


@dataclass(frozen=True)
class RosterEntry:
    student: str
    file: str
    line: int


def read_roster(path):
    """The roster's students: a CSV file (comma, semicolon or tab; a BOM allowed) with a ``student`` (or
    ``name``) column and optionally a ``file`` column. ``DataError`` names the line of any problem."""
    shown = os.fspath(path)
    try:
        size = os.stat(path).st_size
        if size > MAX_ROSTER_BYTES:
            raise DataError(f"roster {shown} is {size:,} bytes, more than {MAX_ROSTER_BYTES:,}")
        with open(path, "rb") as handle:
            raw = handle.read(MAX_ROSTER_BYTES + 1)
    except OSError as exc:
        raise DataError(f"cannot read roster {shown}: {exc.strerror or exc}") from None
    try:
        text = decode(raw, shown)
    except AnswerFileError as exc:
        raise DataError(f"roster {exc}") from None
    lines = text.splitlines()
    if not lines:
        raise DataError(f"roster {shown} is empty: it needs a header line with a 'student' column")
    delimiter = max(",;\t", key=lines[0].count)
    reader = csv.reader(lines, delimiter=delimiter)
    header = [h.strip().casefold() for h in next(reader)]
    column = next((header.index(n) for n in ("student", "name") if n in header), None)
    if column is None:
        raise DataError(f"roster {shown} needs a 'student' column; its header is {', '.join(header) or 'empty'}")
    file_column = header.index("file") if "file" in header else None
    entries, seen_student, seen_file = [], {}, {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        student = row[column].strip() if column < len(row) else ""
        file = row[file_column].strip() if file_column is not None and file_column < len(row) else ""
        if not normalise(student):
            raise DataError(f"roster {shown} line {number}: no student name")
        key = normalise(student)
        if key in seen_student:
            raise DataError(f"roster {shown} line {number}: {student} is listed twice (first on line "
                            f"{seen_student[key]})")
        seen_student[key] = number
        if file:
            if file in seen_file:
                raise DataError(f"roster {shown} line {number}: file {file} is listed twice (first on line "
                                f"{seen_file[file]})")
            seen_file[file] = number
        entries.append(RosterEntry(" ".join(student.split()), file or None, number))
    return entries


def answer_files(folder):
    """The ``*.txt`` files directly in ``folder`` (regular files, not hidden), sorted by name."""
    return folder_files(folder, ".txt")


def _name_of(file):
    return " ".join(os.path.splitext(file)[0].replace("_", " ").split())


def mark_file(path, student, course="", guide=False, shown=None):
    """One ``Submission``: the answer file at ``path`` marked for ``student`` (never raises for the file's
    own problems: they are the row's ``error``)."""
    try:
        answers = read_answers(path)
        if guide:
            variant = guide_variant()
        else:       # the same learner either way; shown as the file spells the name when it names them
            same = answers.student and normalise(answers.student) == normalise(student)
            variant = make_variant(answers.student if same else student, course)
        marking = mark(answers, variant)
    except AnswerFileError as exc:
        message = "; ".join(f"line {line}: {text}" if line else text for line, text in exc.problems)
        return Submission(student, shown, "mismatch" if isinstance(exc, NotTheirAnswers) else "unreadable",
                          error=message)
    return Submission(variant.student or student, shown, "passed" if marking.passed else "failed", marking)


def mark_folder(folder, course="", roster=None, guide=False):
    """A ``ClassMarking`` of every answer file in ``folder`` (see the module docstring)."""
    files = answer_files(folder)
    rows = []
    if roster is None:
        for file in files:
            rows.append(mark_file(os.path.join(folder, file), _name_of(file), course, guide, file))
    else:
        entries = read_roster(roster) if not isinstance(roster, list) else roster
        by_name = {normalise(_name_of(f)): f for f in files}
        claimed = set()
        for entry in entries:
            file = entry.file or by_name.get(normalise(entry.student))
            path = os.path.join(folder, file) if file else None
            if file is None or not os.path.exists(path):
                rows.append(Submission(entry.student, file, "no file",
                                       error="no answer file" + (f" {file} in the folder" if file else
                                                                 " named after the student in the folder")))
                continue
            if os.path.normpath(file) in claimed:
                rows.append(Submission(entry.student, file, "no file", error=f"{file} is another student's"))
                continue
            claimed.add(os.path.normpath(file))
            rows.append(mark_file(path, entry.student, course, guide, file))
        for file in files:
            if os.path.normpath(file) not in claimed:
                rows.append(Submission("", file, "not on roster", error="no student of the roster has this file"))
    return ClassMarking(os.fspath(folder), course, tuple(rows))


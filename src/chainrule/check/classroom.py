"""Checking a class: every learner's file, each in its own sandbox, in parallel, and what to re-teach.

    from chainrule.check.classroom import check_class
    checked = check_class(["submissions/"])             # a folder, or files, or both
    checked.passed, checked.counts(), checked.mistakes()  # the summary
    checked.submissions[0].status, .result                # one row per file, with its full CheckResult
    checked.to_csv(), checked.to_dict()                   # the gradebook

Which files: every ``*.py`` file directly in a folder (regular, not hidden, not in subfolders), and each file
given by name. Each is checked exactly as ``chainrule.check.check`` checks one file (the same sandbox and
limits), up to ``jobs`` at a time (default: the number of cores) in worker processes, so one file's
analysis never waits for another's. Whatever a learner's file does (crash, hang, print megabytes, fork),
its row says so and the others are checked all the same: a check is bounded by its own time limit, and a
failure of chainrule itself on one file is that file's "error" row.

A row's ``status`` (``STATUSES``): ``passed``, ``failed`` (the code ran, a check failed), or one of the ways
a file could not be checked fully: ``crashed`` (its process ended), ``timed out`` (a time or CPU limit),
``out of memory``, ``not loaded`` (the file raised while it was loaded), ``no class`` (no class with
forward() and backward()), ``error`` (the file could not be read, or chainrule itself failed on it). Only
``passed`` counts as passed.

The gradebook columns (``COLUMNS``, documented in docs/check.md): ``file``, ``status``, ``class_name``,
``first_failure`` (the first failing check), ``failed_checks`` and ``not_checked`` (check names separated by
"; "), ``mistakes`` and ``warnings`` (the named mistakes' kinds, separated by spaces), ``line`` (the first
mistake's line in the file), ``limits`` (the limits hit, as kinds), ``seconds``, ``error``.
"""
from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import time
from dataclasses import dataclass
from typing import Optional

from ..errors import ChainruleError, ConfigError
from ..gradebook import csv_text, folder_files
from .api import NoClassError, check
from .result import CheckResult

SCHEMA = "chainrule-check-class/1"
STATUSES = ("passed", "failed", "crashed", "timed out", "out of memory", "not loaded", "no class", "error")
CHECKED = ("passed", "failed")
# A limit a file hit, and the status it gives the file (the first one found, in this order).
LIMIT_STATUS = {"time_limit": "timed out", "probe_time_limit": "timed out", "cpu_limit": "timed out",
                "process_ended": "crashed", "memory_limit": "out of memory"}
LIMIT_KINDS = tuple(LIMIT_STATUS) + ("output_limit",)
COLUMNS = ("file", "status", "class_name", "first_failure", "failed_checks", "not_checked", "mistakes",
           "warnings", "line", "limits", "seconds", "error")


@dataclass(frozen=True)
class SubmissionCheck:
    """One learner's file: its status, its full ``CheckResult`` (None when there is none: no class, error)."""
    file: str                             # as shown: relative to its folder, or as given
    status: str                           # one of STATUSES
    result: Optional[CheckResult] = None
    error: str = ""                       # why there is no result
    seconds: float = 0.0

    @property
    def checked(self) -> bool:
        return self.status in CHECKED

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def first_failure(self) -> str:
        failed = self.result.failed if self.result is not None else []
        return failed[0] if failed else ""

    @property
    def findings(self) -> list:
        """The named mistakes (and what no model explains), warnings included; limits are the status's."""
        if self.result is None:
            return []
        return [f for f in self.result.diagnoses if f.severity != "info" and f.kind not in LIMIT_KINDS]

    @property
    def mistakes(self) -> list:
        return list(dict.fromkeys(f.kind for f in self.findings if f.severity == "error"))

    @property
    def warnings(self) -> list:
        return list(dict.fromkeys(f.kind for f in self.findings if f.severity == "warning"))

    @property
    def limits(self) -> list:
        return list(dict.fromkeys(f.kind for f in self.result.diagnoses if f.kind in LIMIT_KINDS)) \
            if self.result is not None else []

    def row(self) -> dict:
        r = self.result
        line = next((f.line for f in self.findings if f.line), None)
        return {"file": self.file, "status": self.status, "class_name": r.class_name if r else "",
                "first_failure": self.first_failure, "failed_checks": "; ".join(r.failed) if r else "",
                "not_checked": "; ".join(name for name, _ in r.not_checked) if r else "",
                "mistakes": " ".join(self.mistakes), "warnings": " ".join(self.warnings),
                "line": line if line is not None else "", "limits": " ".join(self.limits),
                "seconds": self.seconds, "error": self.error}

    def to_dict(self) -> dict:
        """The row for JSON (lists as lists, null where there is nothing) and the full report under ``result``."""
        row = self.row()
        out = {key: (value if value != "" else None) for key, value in row.items()}
        for key, sep in (("failed_checks", "; "), ("not_checked", "; "), ("mistakes", " "), ("warnings", " "),
                         ("limits", " ")):
            out[key] = row[key].split(sep) if row[key] else []
        out["result"] = self.result.to_dict() if self.result is not None else None
        return out


@dataclass(frozen=True)
class MistakeCount:
    """One named mistake across the class: how many files made it, and which."""
    kind: str
    title: str
    severity: str                         # "error" (a mistake) or "warning" (a workable choice)
    files: tuple

    @property
    def count(self) -> int:
        return len(self.files)


@dataclass(frozen=True)
class ClassCheck:
    """The class: one ``SubmissionCheck`` per file, in name order, and how long it all took."""
    checked: str                          # what was checked, as given: "submissions/" or "a.py b.py"
    submissions: tuple
    seconds: float = 0.0                  # wall clock for the whole class
    jobs: int = 1                         # files checked at a time

    @property
    def passed(self) -> bool:
        return bool(self.submissions) and all(s.passed for s in self.submissions)

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def counts(self) -> dict:
        """``{status: number of files}`` for every status of ``STATUSES`` (zeros included), in that order."""
        return {status: sum(s.status == status for s in self.submissions) for status in STATUSES}

    def not_checked(self) -> list:
        return [s for s in self.submissions if not s.checked]

    def slowest(self) -> Optional[SubmissionCheck]:
        return max(self.submissions, key=lambda s: s.seconds, default=None)

    def mistakes(self) -> list:
        """``[MistakeCount]``, most common first (then by name): what to re-teach."""
        found: dict = {}
        for s in self.submissions:
            for finding in s.findings:
                entry = found.setdefault(finding.kind, [finding, []])
                if s.file not in entry[1]:
                    entry[1].append(s.file)
        counts = [MistakeCount(kind, f.title, f.severity, tuple(files)) for kind, (f, files) in found.items()]
        return sorted(counts, key=lambda m: (-m.count, m.severity != "error", m.kind))

    def to_rows(self) -> list:
        return [s.row() for s in self.submissions]

    def to_csv(self) -> str:
        return csv_text(COLUMNS, self.to_rows())

    def to_dict(self) -> dict:
        """JSON-ready, schema ``chainrule-check-class/1`` (docs/check.md); each row carries its file's full
        ``chainrule-check/1`` result."""
        return {"schema": SCHEMA, "checked": self.checked, "submissions": len(self.submissions),
                "passed": self.passed, "exit_code": self.exit_code, "counts": self.counts(),
                "mistakes": [{"kind": m.kind, "title": m.title, "severity": m.severity, "count": m.count,
                              "files": list(m.files)} for m in self.mistakes()],
                "seconds": self.seconds, "jobs": self.jobs, "rows": [s.to_dict() for s in self.submissions]}


def submission_files(paths) -> list:
    """``[(path, shown)]``: the ``*.py`` files of each folder and each file given, in that order, each once."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    found, seen = [], set()
    for path in paths:
        path = os.fspath(path)
        if os.path.isdir(path):
            names = [(os.path.join(path, name), name if len(paths) == 1 else os.path.join(path, name))
                     for name in folder_files(path, ".py")]
            if not names:
                raise ConfigError(f"no .py files in the folder {path!r} (chainrule check checks each *.py "
                                  f"file directly in it)")
        elif os.path.exists(path):
            names = [(path, path)]
        else:
            raise ConfigError(f"no such file or folder: {path!r}")
        for full, shown in names:
            key = os.path.realpath(full)
            if key not in seen:
                seen.add(key)
                found.append((full, shown))
    if not found:
        raise ConfigError("nothing to check: give a folder of .py files, or the files")
    return found


def check_one(path, shown, options) -> SubmissionCheck:
    """One file, as ``check(path, **options)`` checks it; never raises for the file's own problems."""
    start = time.perf_counter()
    try:
        result = check(path, **options)
    except NoClassError as exc:
        return SubmissionCheck(shown, "no class", error=str(exc).replace(os.fspath(path), shown),
                               seconds=_since(start))
    except ChainruleError as exc:             # not a .py file, unreadable
        return SubmissionCheck(shown, "error", error=str(exc).replace(os.fspath(path), shown),
                               seconds=_since(start))
    except Exception as exc:                   # chainrule's own failure: this file's row, not the class's end
        return SubmissionCheck(shown, "error", error=f"chainrule's own code failed on this file "
                                                     f"({type(exc).__name__}: {exc})", seconds=_since(start))
    result.path = shown
    return SubmissionCheck(shown, status_of(result), result, seconds=result.seconds)


def status_of(result) -> str:
    if any(c.name == "load" and c.status == "FAIL" for c in result.checks):
        return "not loaded"
    kinds = {f.kind for f in result.diagnoses}
    status = next((LIMIT_STATUS[k] for k in LIMIT_STATUS if k in kinds), None)
    return status or ("passed" if result.passed else "failed")


def check_class(paths, *, jobs=None, class_name=None, timeout=60.0, probe_timeout=10.0, memory_limit=2048,
                whole_file=False, progress=None) -> ClassCheck:
    """Check every learner's file of ``paths`` (folders and files; ``submission_files``), ``jobs`` at a time
    (default: the number of cores), each with the limits of a single check. ``progress(done, total,
    submission)`` is called as each file is done, in the order they finish. Returns a ``ClassCheck``."""
    items = submission_files(paths)
    options = dict(class_name=class_name, timeout=timeout, probe_timeout=probe_timeout, memory_limit=memory_limit,
                   whole_file=whole_file)
    jobs = max(1, min(int(jobs or os.cpu_count() or 1), len(items)))
    done = []

    def finished(row):
        done.append(row)
        if progress is not None:
            progress(len(done), len(items), row)
        return row

    start = time.perf_counter()
    if jobs == 1:
        rows = [finished(check_one(path, shown, options)) for path, shown in items]
    else:
        rows = _in_parallel(items, options, jobs, finished)
    shown = " ".join(os.fspath(p) for p in paths) if not isinstance(paths, (str, os.PathLike)) else os.fspath(paths)
    return ClassCheck(shown, tuple(rows), round(time.perf_counter() - start, 3), jobs)


def _in_parallel(items, options, jobs, finished):
    """Worker processes (each check's analysis is Python: threads would wait for each other), started fresh
    ("spawn": this process's environment as it is now, no fork of a process with threads). A worker that dies
    takes no file with it: what it left undone is checked again here, one file at a time."""
    rows = [None] * len(items)
    pool = concurrent.futures.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"))
    try:
        futures = {pool.submit(check_one, path, shown, options): i for i, (path, shown) in enumerate(items)}
        for future in concurrent.futures.as_completed(futures):
            try:
                rows[futures[future]] = finished(future.result())
            except Exception:       # BrokenProcessPool: a worker died (checked again below)
                pass
    except BaseException:           # Ctrl-C: no file not yet started is started (each sandbox ends its own)
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    for i, (path, shown) in enumerate(items):
        if rows[i] is None:
            rows[i] = finished(check_one(path, shown, options))
    return rows


def _since(start):
    return round(time.perf_counter() - start, 3)

"""What ``chainrule.check`` returns: the checks, the first failure with its numbers, the diagnoses.

Everything in a ``CheckResult`` is plain data (picklable; ``to_dict`` is JSON, ``from_dict`` reads it back),
kept in three separate layers so a course can choose what a learner sees (docs/check.md, "Hint levels"):

1. which check fails and on what input: ``checks`` (status and summary) and ``first_failure`` (the input and
   the numbers side by side);
2. the named mistake and where: each diagnosis's ``kind``, ``title``, ``line`` and ``source`` (and ``seen``,
   the evidence);
3. the explanation and the fix: each diagnosis's ``cause``, ``advice`` and ``reread``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import List, Optional

from ..findings import Finding, plain
from .status import FAIL, PASS, SKIP, WARN  # noqa: F401  (the judges import them from here)

SCHEMA = "chainrule-check/1"
# The checks a class with the whole guide's API gets (judges.CHECKS, in order), and the method each one needs
# beyond forward() and backward(): a check that is not in a result was not run, for this reason.
ALL_CHECKS = ("initial weights", "mse_loss", "forward", "backward", "gradient check", "batches", "train_step",
              "training run", "train_epoch", "shuffling")
ENDED = ("process_ended", "time_limit", "cpu_limit")     # diagnoses of a run that ended before its last check
NEEDS = {"mse_loss": "mse_loss", "train_step": "train_step", "training run": "train_step",
         "train_epoch": "train_epoch", "shuffling": "train_epoch"}


@dataclass
class Failure:
    """The first thing that failed in a check, with the numbers side by side."""
    check: str
    input: str                                  # the network and the example it failed on
    columns: tuple = ()                         # headers of the value columns
    rows: list = field(default_factory=list)    # (label, value, value, ...)
    message: str = ""                           # an exception, or a sentence, before or instead of the rows


@dataclass
class Check:
    """One check of the learner's class: a status and one line on what was compared and what came out."""
    name: str            # "initial weights", "forward", "backward", "gradient check", ...
    status: str          # PASS, FAIL, WARN or SKIP
    summary: str
    failure: Optional[Failure] = None


@dataclass
class CheckResult:
    path: str
    class_name: str = ""
    checks: List[Check] = field(default_factory=list)
    diagnoses: List[Finding] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)      # how the file was run; conventions undone
    limits: List[str] = field(default_factory=list)     # one line per limit that was hit
    printed: str = ""                                    # what the learner's code printed (captured, capped)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not any(c.status == FAIL for c in self.checks)

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    @property
    def failed(self) -> List[str]:
        return [c.name for c in self.checks if c.status == FAIL]

    @property
    def first_failure(self) -> Optional[Failure]:
        return next((c.failure for c in self.checks if c.status == FAIL and c.failure is not None), None)

    @property
    def diagnosis_keys(self) -> List[str]:
        return [d.kind for d in self.diagnoses]

    def check_named(self, name) -> Optional[Check]:
        return next((c for c in self.checks if c.name == name), None)

    @property
    def not_checked(self) -> List[tuple]:
        """``[(check, why)]``: every check that was skipped (SKIP: its summary says why) or not run at all (the
        class has no method for it, or the learner's process ended before it), in the order of ``ALL_CHECKS``."""
        if any(c.name == "load" for c in self.checks):
            return []                     # the file did not load: that failure says everything
        skipped = {c.name: c.summary for c in self.checks if c.status == SKIP}
        ran = {c.name for c in self.checks} | ({"train_step"} if self.check_named("one update") else set())
        ended = any(d.kind in ENDED for d in self.diagnoses)
        out = []
        for name in ALL_CHECKS:
            if name in skipped:
                out.append((name, f"skipped: {skipped[name]}"))
            elif name not in ran:
                method = NEEDS.get(name)
                if ended:
                    why = "not run: your code's process ended before it (the limit is named above)"
                elif method:
                    why = f"your file has no {method}" if method == "mse_loss" else f"your class has no {method}"
                else:
                    why = "not run" + (": the check stopped before it (see the first failure)" if not self.passed
                                       else "")
                out.append((name, why))
        return out

    @property
    def verdict(self) -> str:
        """One line. "all checks passed" only when every check ran and none failed; otherwise it names what
        failed, or what was not checked (``not_checked`` says why)."""
        if self.passed:
            warned = [c.name for c in self.checks if c.status == WARN]
            missing = [name for name, _ in self.not_checked]
            words = "passed every check that ran" if missing else "all checks passed"
            return (words + (f" (with warnings: {', '.join(warned)})" if warned else "")
                    + (f"; not checked: {', '.join(missing)}" if missing else ""))
        return f"FAILED: {', '.join(self.failed)}"

    def to_dict(self) -> dict:
        """JSON-ready, with a schema name; documented in docs/check.md ("The JSON result")."""
        data = {"schema": SCHEMA, "path": self.path, "class_name": self.class_name, "passed": self.passed,
                "exit_code": self.exit_code, "verdict": self.verdict,
                "checks": [plain(asdict(c)) for c in self.checks],
                "first_failure": plain(asdict(self.first_failure)) if self.first_failure else None,
                "diagnoses": [d.to_dict() for d in self.diagnoses],
                "notes": list(self.notes), "limits": list(self.limits), "printed": self.printed,
                "seconds": self.seconds}
        return data

    @classmethod
    def from_dict(cls, data) -> "CheckResult":
        checks = []
        for c in data.get("checks", []):
            failure = c.get("failure")
            if failure is not None:
                failure = Failure(**{**failure, "columns": tuple(failure.get("columns", ())),
                                     "rows": [tuple(r) for r in failure.get("rows", [])]})
            checks.append(Check(c["name"], c["status"], c["summary"], failure))
        known = {f.name for f in fields(cls)}
        rest = {k: v for k, v in data.items() if k in known and k not in ("checks", "diagnoses")}
        return cls(**rest, checks=checks, diagnoses=[Finding.from_dict(d) for d in data.get("diagnoses", [])])

    def __str__(self) -> str:
        from .report import render
        return render(self)

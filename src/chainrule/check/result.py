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
    def verdict(self) -> str:
        if self.passed:
            warned = [c.name for c in self.checks if c.status == WARN]
            return "all checks passed" + (f" (with warnings: {', '.join(warned)})" if warned else "")
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

"""What ``chainrule.check.check`` returns: the checks, the first failure with its numbers side by
side, and the diagnoses, printed as a report in the guide's spirit."""
import re
import textwrap
from dataclasses import asdict, dataclass, field

from .diagnoses import entry

PASS, FAIL, WARN, SKIP = "PASS", "FAIL", "WARN", "SKIP"
WIDTH = 110


@dataclass
class Check:
    name: str            # "backward", "train_step", ...
    status: str          # PASS, FAIL, WARN or SKIP
    summary: str         # one line: what was compared and what came out


@dataclass
class Failure:
    """The first thing that failed, with the numbers side by side."""
    check: str
    where: str                                  # the network and example
    columns: tuple = ()                         # headers of the value columns
    rows: list = field(default_factory=list)    # (label, value, value, ...)
    message: str = ""                           # an exception, or a sentence, instead of / before rows


@dataclass
class Diagnosis:
    key: str
    evidence: str          # the numbers that show it

    @property
    def title(self):
        return entry(self.key)[0]

    @property
    def advice(self):
        return entry(self.key)[1]

    @property
    def reread(self):
        return entry(self.key)[2]


@dataclass
class CheckResult:
    path: str
    class_name: str
    checks: list = field(default_factory=list)
    diagnoses: list = field(default_factory=list)
    first_failure: Failure = None
    notes: list = field(default_factory=list)    # how the file was run, what was skipped
    printed: str = ""                            # what the learner's code printed (captured, capped)

    @property
    def passed(self):
        return not any(c.status == FAIL for c in self.checks)

    @property
    def exit_code(self):
        return 0 if self.passed else 1

    @property
    def failed(self):
        return [c.name for c in self.checks if c.status == FAIL]

    def check_named(self, name):
        return next((c for c in self.checks if c.name == name), None)

    @property
    def diagnosis_keys(self):
        return [d.key for d in self.diagnoses]

    def to_dict(self):
        data = asdict(self)
        data["passed"] = self.passed
        data["diagnoses"] = [dict(key=d.key, title=d.title, evidence=d.evidence, advice=d.advice,
                                  reread=d.reread) for d in self.diagnoses]
        return data

    def __str__(self):
        return render(self)


NBSP = "\u00a0"


def wrap(text, initial, subsequent):
    """textwrap.wrap that never breaks inside a short (...) or [...]."""
    protected = re.sub(r"[\[(][^\[\]()]{0,40}[\])]", lambda m: m.group(0).replace(" ", NBSP), text)
    lines = textwrap.wrap(protected, width=WIDTH, initial_indent=initial, subsequent_indent=subsequent,
                          break_on_hyphens=False, break_long_words=False)
    return [line.replace(NBSP, " ") for line in lines]


def _number(value):
    if isinstance(value, str):
        return value
    if value is None:
        return "-"
    return f"{value:.6f}" if abs(value) < 1e4 else f"{value:.4g}"


def render(result, show_printed=5):
    lines = [f"chainrule check {result.path}: class {result.class_name or '?'}"]
    for note in result.notes:
        lines += wrap(note, "  ", "    ")
    lines.append("")
    width = max([len(c.name) for c in result.checks] + [10])
    for check in result.checks:
        lines += wrap(check.summary, f"  {check.status:<4}  {check.name:<{width}}  ", " " * (width + 10))
    lines.append("")
    failure = result.first_failure
    if failure is not None:
        lines.append(f"First failure: {failure.check}, {failure.where}")
        if failure.message:
            lines += [f"  {line}" for line in failure.message.splitlines()]
        if failure.rows:
            label_width = max(len(str(row[0])) for row in failure.rows)
            header = " " * (label_width + 2) + "".join(f"{col:>16}" for col in failure.columns)
            lines.append(header)
            for row in failure.rows:
                lines.append(f"  {row[0]:<{label_width}}" + "".join(f"{_number(v):>16}" for v in row[1:]))
        lines.append("")
    if result.diagnoses:
        lines.append("Diagnosis:")
        for number, diagnosis in enumerate(result.diagnoses, 1):
            lines.append(f"  {number}. {diagnosis.title[0].upper()}{diagnosis.title[1:]}.")
            for label, text in (("Seen:  ", diagnosis.evidence + "."), ("Why:   ", diagnosis.advice + "."),
                                ("Reread:", diagnosis.reread + "." if diagnosis.reread else "")):
                if text:
                    lines += wrap(text, f"     {label} ", " " * 13)
        lines.append("")
    if result.printed:
        printed = result.printed.splitlines()
        lines.append(f"Your code printed (or warned) {len(printed)} line(s) while it was checked"
                     + (f"; the first {show_printed}:" if len(printed) > show_printed else ":"))
        lines += [f"  | {line}" for line in printed[:show_printed]]
        lines.append("")
    verdict = "all checks passed" if result.passed else f"FAILED: {', '.join(result.failed)}"
    lines.append(f"Verdict: {verdict}.")
    return "\n".join(lines)

"""Marking an answer file: every value right, carried, wrong or missing.

``mark(answers, variant)`` walks the step structure of ``chainrule trace`` (``steps.rules``) in its order. For
each value it knows two numbers:

- ``expected``: chainrule's exact value (the trace of the variant);
- ``from_yours``: what the learner's own earlier values give, the value's rule run on the learner's values of
  its inputs (where the learner left an earlier value empty, what *their* values give for it is used).

and decides:

- **right**: within ``TOLERANCE`` of the exact value, or within the rounding allowance of ``from_yours`` when
  every input was right (the learner rounded earlier values to 4 decimals and carried on with them);
- **carried**: not the exact value, but what the learner's own earlier values give, and some of those were not
  right: the method is right, the input was inherited wrong (``carried_from`` names the error(s) it comes from);
- **wrong**: neither: a new error. The first wrong value in the step order is where the learner went wrong;
  later wrong values are independent errors;
- **missing**: left empty or no line for it (``skipped`` for the optional values: the slopes, the check after
  the update).

Tolerance (``TOLERANCE_TEXT`` says it in words): the guide prints 4 decimals, so a value may differ by one unit
in the 4th decimal from the exactly rounded value, |yours - exact| <= 0.00015. Compared with what the learner's
own values give, each of those values may itself be off by up to half a unit from rounding, so the allowance
adds 0.00005 times how strongly the value depends on each of them (its partial derivative, measured through
the rule). The conditioning rules keep every pair of values of a step and every value's distance from 0 more
than twice any of these apart, so no swapped value or dropped sign is ever within tolerance.
"""
from dataclasses import dataclass
from enum import Enum

import numpy as np

from ..viz.trace_text import fmt
from .answers import AnswerFileError
from .plugged import formula_lines
from .steps import given_values, rules
from .variant import normalise

TOLERANCE = 1.5e-4
ROUNDING = 0.5e-4
TOLERANCE_TEXT = ("at the guide's 4 decimals: one unit in the 4th decimal is not a mistake (|yours - exact| <= "
                  "0.00015), nor is a value that follows from your own right values as you rounded them")
_STEP = 1e-6     # for the partial derivatives of the allowance


class Status(str, Enum):
    RIGHT = "right"
    CARRIED = "carried"
    WRONG = "wrong"
    MISSING = "missing"
    SKIPPED = "skipped"          # an optional value left empty

    def __str__(self):
        return self.value


@dataclass(frozen=True)
class ValueMark:
    """The mark of one value (see the module docstring)."""

    name: str
    step: str
    status: Status
    required: bool
    line: int                   # its line in the answer file (None: no line for it)
    yours: np.ndarray           # None when not answered
    expected: np.ndarray        # chainrule's exact value
    from_yours: np.ndarray      # what the learner's earlier values give
    inputs: tuple               # the earlier values it is computed from
    wrong_inputs: tuple         # those of them that were not right
    carried_from: tuple         # the wrong values (first errors) whose error reaches it
    allowance: np.ndarray       # per element: how far from from_yours is accepted
    by_rounding: bool           # right because it follows from the learner's rounded values
    formulas: tuple             # per element: its formula with the learner's values plugged in

    @property
    def wrong_elements(self):
        """Indexes of the elements that are not the exact value."""
        if self.yours is None:
            return ()
        off = np.abs(self.yours - self.expected) > TOLERANCE + 1e-12
        return tuple(tuple(int(i) for i in index) for index in np.argwhere(np.atleast_1d(off)))

    def to_dict(self):
        def numbers(a):
            return None if a is None else np.round(np.asarray(a, dtype=float), 6).tolist()
        return {"name": self.name, "step": self.step, "status": str(self.status), "required": self.required,
                "line": self.line, "yours": numbers(self.yours), "expected": numbers(self.expected),
                "from_yours": numbers(self.from_yours), "carried_from": list(self.carried_from),
                "by_rounding": self.by_rounding}


@dataclass(frozen=True)
class Marking:
    """Every value of one answer file marked, in the step order of ``chainrule trace``."""

    variant: object
    values: tuple
    source: str | None = None

    def __iter__(self):
        return iter(self.values)

    def __getitem__(self, name):
        for v in self.values:
            if v.name == name:
                return v
        raise KeyError(name)

    def count(self, status):
        return sum(v.status == status for v in self.values)

    @property
    def total(self):
        """Values counted: every required one, and the optional ones that were answered."""
        return sum(v.status != Status.SKIPPED for v in self.values)

    @property
    def right(self):
        return self.count(Status.RIGHT)

    @property
    def passed(self):
        return self.right == self.total

    @property
    def first_wrong(self):
        return next((v for v in self.values if v.status == Status.WRONG), None)

    @property
    def new_errors(self):
        """The wrong values after the first: independent mistakes, not inherited from it."""
        wrong = [v for v in self.values if v.status == Status.WRONG]
        return wrong[1:]

    def to_dict(self):
        first = self.first_wrong
        return {"student": self.variant.student, "course": self.variant.course,
                "variant": self.variant.fingerprint, "file": self.source, "passed": self.passed,
                "right": self.right, "carried": self.count(Status.CARRIED), "wrong": self.count(Status.WRONG),
                "missing": self.count(Status.MISSING), "total": self.total,
                "first_wrong": first.name if first else None, "first_wrong_step": first.step if first else None,
                "new_errors": [v.name for v in self.new_errors], "values": [v.to_dict() for v in self.values]}


def _close(a, b, tolerance):
    return bool(np.all(np.abs(np.asarray(a) - np.asarray(b)) <= tolerance + 1e-12))


def _allowance(rule, values, inputs, result):
    """TOLERANCE + ROUNDING * sum over the inputs' elements of |d value / d input|, per element."""
    total = np.zeros(rule.shape)
    for name in inputs:
        base = np.asarray(values[name], dtype=np.float64)
        for index in np.ndindex(base.shape):
            moved = base.copy()
            moved[index] += _STEP
            total = total + np.abs(rule({**values, name: moved}) - result) / _STEP
    return TOLERANCE + ROUNDING * total


def check_identity(answers, variant):
    """Raise ``AnswerFileError`` when the file says it is another student's or variant's, or copies given
    values that are not this variant's."""
    problems = []
    if answers.student and not variant.guide and normalise(answers.student) != normalise(variant.student):
        problems.append((answers.lines.get("student"), f"this file says student = {answers.student}, but it is "
                         f"being marked for {variant.student} (another learner's file, or the wrong --student?)"))
    if answers.variant and answers.variant.casefold() != variant.fingerprint:
        problems.append((answers.lines.get("variant"), f"variant {answers.variant} is not the variant of "
                         f"{variant.title} ({variant.fingerprint}): was the file made for another --course or "
                         "student?"))
    given = given_values(variant.solution)
    for name, answer in answers.given.items():
        if not _close(answer.value, given[name], 1e-9):
            problems.append((answer.line, f"{name} = {answer.text}, but {name} is {fmt(given[name])} for "
                             f"{variant.title} (another learner's numbers?)"))
    if problems:
        raise NotTheirAnswers(answers.source, problems)


class NotTheirAnswers(AnswerFileError):
    """An answer file that says it is another learner's or variant's (``check_identity``)."""


def mark(answers, variant):
    """Mark ``answers`` (``parse_answers``/``read_answers``) against ``variant``: a ``Marking``."""
    check_identity(answers, variant)
    trace = variant.solution
    exact = {**given_values(trace), **trace.values()}
    given = given_values(trace)
    ours = dict(given)                       # the learner's values: written, or what theirs give
    sound = {name: True for name in given}   # right, or (left empty) what right values give
    origin = {name: () for name in given}    # the first errors a value inherits
    marks, results = [], {}
    for rule in rules(trace):
        inputs = tuple(i for i in rule.inputs if i not in given)
        from_yours = rule(ours)
        results[rule.name] = from_yours
        wrong_inputs = tuple(i for i in inputs if not sound[i])
        carried_from = tuple(dict.fromkeys(e for i in wrong_inputs for e in origin[i]))
        allowance = _allowance(rule, ours, inputs, from_yours)
        answer = answers.values.get(rule.name)
        yours = None if answer is None else answer.value
        by_rounding = False
        if yours is None:
            status = Status.MISSING if rule.required else Status.SKIPPED
            ours[rule.name], sound[rule.name], origin[rule.name] = from_yours, not wrong_inputs, carried_from
        else:
            consistent = _close(yours, from_yours, allowance)
            if _close(yours, exact[rule.name], TOLERANCE):
                status = Status.RIGHT
            elif consistent and not wrong_inputs:
                status, by_rounding = Status.RIGHT, True
            elif consistent:
                status = Status.CARRIED
            else:
                status = Status.WRONG
            ours[rule.name], sound[rule.name] = yours, status == Status.RIGHT
            origin[rule.name] = {Status.RIGHT: (), Status.CARRIED: carried_from}.get(
                status, tuple(dict.fromkeys((rule.name,) + carried_from)))
        marks.append(dict(name=rule.name, step=rule.step, status=status, required=rule.required,
                          line=None if answer is None else answer.line, yours=yours,
                          expected=np.asarray(exact[rule.name], dtype=np.float64).reshape(rule.shape),
                          from_yours=from_yours, inputs=inputs, wrong_inputs=wrong_inputs,
                          carried_from=carried_from if status != Status.RIGHT else (), allowance=allowance,
                          by_rounding=by_rounding))
    plugged = formula_lines(trace, ours, results)
    return Marking(variant, tuple(ValueMark(**m, formulas=plugged.get(m["name"], ())) for m in marks),
                   answers.source)

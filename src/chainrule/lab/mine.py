"""The learner's own network beside chainrule's: what crosses from the sandbox to the page.

``chainrule lab --mine my_network.py`` runs the learner's class in ``chainrule check``'s sandbox on the lab's
state (the same weights, input and target) and shows its values next to chainrule's. The sandboxed call
belongs to ``chainrule check``; the lab needs only a *provider*: a callable ``provider(state) -> MineRun``.
This module declares ``MineRun``, compares it with chainrule's items (``compare``) and gives the page a
``MineView``: the learner's value of each item, whether it matches, the first wrong one in the order the
training step computes them, and the check's diagnosis.

A run may instead say why there is nothing to compare (``unsupported``: the state asks for an activation or
loss the learner's class does not have; ``errors``: their code raised, hung or ended), add a ``note``, and carry
the whole ``chainrule check`` of the file (``CheckStatus``), run once in the background
(``chainrule.lab.mine_provider`` is the real provider).
"""
import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

import numpy as np

from ..errors import ChainruleError
from ..findings import Finding
from .formulas import number

#: a learner's value matches chainrule's within these (float64 arithmetic in another order differs ~1e-16)
RTOL, ATOL = 1e-6, 1e-9


@dataclass(frozen=True)
class MineRun:
    """What the learner's class computed on one lab state.

    source     what ran: ``"my_network.py: class Network"``
    values     keyed like ``chainrule.viz.Trace.values()``: ``"z1"``, ``"a1"``, ``"loss"``, ``"dL/da2"``,
               ``"delta2"``, ``"dL/dW1"``, ``"dL/db1"``, ``"W1_new"``, ``"b1_new"``, ``"new_loss"``, ... as
               arrays (or nested lists) shaped like chainrule's; a name left out is one their class does not
               expose (the guide's API shows z and a through ``z_values``/``activations``, the gradients
               through ``backward``, the update through ``train_step``; deltas only if the class keeps them)
    errors     stage -> what went wrong there (``{"backward": "ValueError at line 34: shapes ..."}``)
    diagnoses  the check's ``Finding`` records for this case
    printed    what their code printed while it ran (already capped by the sandbox)
    unsupported  why their class cannot compute this state (values then empty): "layer 1 is tanh; ..."
    note       one more thing the learner should know about this comparison ("" if none)
    check      the background ``chainrule check`` of the file (``CheckStatus``), or None
    """

    source: str
    values: Mapping[str, Any] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    diagnoses: tuple = ()
    printed: str = ""
    unsupported: str = ""
    note: str = ""
    check: Optional["CheckStatus"] = None


@dataclass(frozen=True)
class CheckStatus:
    """The whole ``chainrule check`` of the learner's file, as far as it got.

    state      "running", "done", or "failed" (the check itself could not run: ``message`` says why)
    verdict    the check's last line: "FAILED: backward, train_step", "all checks passed"
    checks     (status, name, summary) of each check, in the report's order
    diagnoses  its ``Finding`` records: the named mistakes, each with its line
    explained  the kinds among them ``chainrule check --explain KIND`` explains (the catalogue's mistakes)
    """

    state: str
    verdict: str = ""
    passed: Optional[bool] = None
    checks: tuple = ()
    diagnoses: tuple = ()
    message: str = ""
    seconds: float = 0.0
    explained: tuple = ()

    def to_dict(self):
        return {"state": self.state, "verdict": self.verdict, "passed": self.passed,
                "checks": [list(c) for c in self.checks], "diagnoses": [d.to_dict() for d in self.diagnoses],
                "message": self.message, "seconds": self.seconds, "explained": list(self.explained)}


@dataclass(frozen=True)
class MineValue:
    value: Optional[float]     # None: not exposed, another shape, or not finite (JSON has no NaN)
    status: str                # "same", "wrong" or "missing"
    text: str                  # as the page shows it


@dataclass(frozen=True)
class MineView:
    source: str
    values: Mapping[str, MineValue]      # by item id
    first_wrong: Optional[str]           # the id of the first wrong value in the step's order, or None
    errors: Mapping[str, str]
    diagnoses: tuple                     # Findings
    printed: str = ""
    unsupported: str = ""
    note: str = ""
    check: Optional[CheckStatus] = None

    def to_dict(self):
        return {"source": self.source, "first_wrong": self.first_wrong, "errors": dict(self.errors),
                "values": {key: vars(v) for key, v in self.values.items()},
                "diagnoses": [d.to_dict() for d in self.diagnoses], "printed": self.printed,
                "unsupported": self.unsupported, "note": self.note,
                "check": self.check.to_dict() if self.check else None}


def _their_value(run, item):
    if item.name not in run.values:
        return MineValue(None, "missing", "not exposed")
    try:
        array = np.asarray(run.values[item.name], dtype=float)
        value = float(array[item.index]) if item.index else float(array)
    except (TypeError, ValueError, IndexError):
        shape = np.shape(run.values[item.name])
        return MineValue(None, "wrong", f"shape {shape}")
    if not math.isfinite(value):
        return MineValue(None, "wrong", str(value))
    same = np.isclose(value, item.value, rtol=RTOL, atol=ATOL)
    return MineValue(value, "same" if same else "wrong", number(value))


def compare(items, run):
    """The learner's value of each chainrule item, and the first one that is wrong (no value at all when the
    run has none: their class could not compute this state, and ``unsupported`` or ``errors`` say why)."""
    values = {item.id: _their_value(run, item) for item in items if item.phase != "start"} if run.values else {}
    first = next((item.id for item in items if item.id in values and values[item.id].status == "wrong"), None)
    return MineView(run.source, values, first, dict(run.errors), tuple(run.diagnoses), run.printed,
                    run.unsupported, run.note, run.check)


def run_safely(provider, state):
    """``provider(state)``; a refusal (a ``ChainruleError``: the file has no class, the sandbox timed out)
    becomes a run with that error, so the page still shows chainrule's numbers and says what went wrong."""
    try:
        run = provider(state)
    except ChainruleError as exc:
        return MineRun(source="your network", errors={"run": str(exc)})
    if not isinstance(run, MineRun):
        raise TypeError(f"a --mine provider must return a MineRun, got {type(run).__name__}")
    if not all(isinstance(d, Finding) for d in run.diagnoses):
        raise TypeError("MineRun.diagnoses must hold chainrule.findings.Finding records")
    return run

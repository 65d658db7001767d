"""On which line of the learner's file a mistake shows.

The worker traced a few probes line by line (``tracer.py``): which variable got which value on which line.
For a mistake that a model reproduces, chainrule runs the model and the guide's computation on the same
traced probe with their tapes on (``reference.py``): the values of the mistake's own stages where the two
differ are the wrong values (or, for a mistake that computes the right value and then drops it, the right
ones). The first line where the learner's code computed one of them is where the mistake shows. When no
traced value can tell (set-up, returns), the catalogue entry's ``where`` reads it off the source.
"""
from __future__ import annotations

import numpy as np

from .compare import agree
from .reference import STAGES


def _tapes(reproducer, model, probe):
    """The stages' values, in order, of every network the model built for one probe."""
    nets = []
    original = model.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.tape = []
        nets.append(self)

    taped = type(model.__qualname__, (model,), {"__init__": init, "__qualname__": model.__qualname__})
    reproducer.run(taped, probe)
    return [entry for net in nets for entry in (net.tape or [])]


def _by_occurrence(tape):
    counts, keyed = {}, []
    for stage, value in tape:
        counts[stage] = counts.get(stage, 0) + 1
        keyed.append(((stage, counts[stage]), value))
    return keyed


def _arrays(value):
    if isinstance(value, (list, tuple)):
        return [np.asarray(v, dtype=float) for v in value if v is not None and np.size(v)]
    if value is None:
        return []
    return [np.asarray(value, dtype=float)]


def _same(event_value, target, tol):
    mine = event_value.numbers()
    if mine is None:
        return False
    for ref in _arrays(target):
        if ref.size == mine.size and ref.size > 0 and np.any(ref) and (
                agree(mine.ravel(), ref.ravel(), tol) or (ref.ndim == 2 and agree(mine.ravel(), ref.T.ravel(), tol))):
            return True
    return False


def traced_line(reproducer, models, mistake, base, probes, tol):
    """The line of the first traced value that is one of ``mistake``'s own values (None if none is)."""
    stages = [s for s in mistake.located_by if s in STAGES]
    if not stages:
        return None
    for probe in probes:
        events = getattr(probe.record, "trace", None)
        if not events:
            continue
        model_tape = dict(_by_occurrence(_tapes(reproducer, models, probe)))
        reference_tape = dict(_by_occurrence(_tapes(reproducer, base, probe)))
        wanted, unwanted = [], []
        for key, value in model_tape.items():
            if key[0] not in stages:
                continue
            ref = reference_tape.get(key)
            differs = ref is None or not all(agree(a, b, tol) for a, b in zip(_arrays(value), _arrays(ref))) or \
                len(_arrays(value)) != len(_arrays(ref))
            if differs:
                wanted.append(ref if mistake.locate_reference else value)
                unwanted.append(value if mistake.locate_reference else ref)
        wanted = [w for w in wanted if w is not None]
        for event in events:
            if any(_same(event.value, w, tol) for w in wanted) and not any(
                    u is not None and _same(event.value, u, tol) for u in unwanted):
                return event.line
    return None


def locate(source, reproducer, models, mistake, base, probes, tol):
    """(line, text of the line) where ``mistake`` shows in the learner's file, or (None, "")."""
    line = None
    if reproducer is not None and models is not None:
        try:
            line = traced_line(reproducer, models, mistake, base, probes, tol)
        except Exception:  # noqa: BLE001 - locating is a help: never let it break the report
            line = None
    if line is None and source is not None:
        line = (mistake.where(source) if mistake.where else None) or source.def_line(mistake.method)
    return line, source.line(line) if source is not None and line else ""

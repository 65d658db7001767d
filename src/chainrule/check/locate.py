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
    """The arrays in a stage's value (a number, an array, or lists of them, as backward() returns)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [a for v in value for a in _arrays(v)]
    array = np.asarray(value, dtype=float)
    return [array] if array.size else []


def _likeness(event_value, target, tol):
    """2: the same numbers in the same shape; 1: the same numbers in another shape (a column for a row); 0."""
    mine = event_value.numbers()
    if mine is None:
        return 0
    best = 0
    for ref in _arrays(target):
        if ref.size != mine.size or ref.size == 0 or not np.any(ref):
            continue
        if mine.shape == ref.shape and agree(mine, ref, tol):
            return 2
        if agree(mine.ravel(), ref.ravel(), tol) or (ref.ndim == 2 and agree(mine.ravel(), ref.T.ravel(), tol)):
            best = 1
    return best


# the probes whose traced call is each method (a step probe calls train_epoch when there is no train_step)
ROOTS = {"backward": ("example",), "train_step": ("step",), "train_epoch": ("epochs", "step"), "forward": ()}


def _differences(reproducer, models, base, probe, tol, reference_values):
    model_tape = _by_occurrence(_tapes(reproducer, models, probe))
    reference_tape = dict(_by_occurrence(_tapes(reproducer, base, probe)))
    found = []
    for key, value in model_tape:
        ref = reference_tape.get(key)
        same = ref is not None and len(_arrays(value)) == len(_arrays(ref)) and \
            all(agree(a, b, tol) for a, b in zip(_arrays(value), _arrays(ref)))
        if not same:
            found.append((key[0], ref if reference_values else value, value if reference_values else ref))
    return found


def traced_line(reproducer, models, mistake, base, probes, tol, downstream=True):
    """The line of the first traced value that the mistake makes (its own stages' values where the guide's
    computation has others); failing that (``downstream``), the first value computed from them inside the method
    the mistake lives in. For a mistake that computes the right value and then drops it (``locate_reference``),
    the right value of its own stages. None if no traced value tells."""
    own = set(mistake.located_by)
    passes = [(own, probes)]
    if downstream and not mistake.locate_reference:
        roots = ROOTS.get(mistake.method, ())
        passes = [(None, [p for p in probes if p.kind in roots])]
    for stages, chosen in passes:
        for probe in chosen:
            events = getattr(probe.record, "trace", None)
            if not events or (stages is not None and not stages):
                continue
            differences = _differences(reproducer, models, base, probe, tol, mistake.locate_reference)
            wanted = [(w, u) for stage, w, u in differences if w is not None and (stages is None or stage in stages)]
            if not wanted:
                continue
            for event in events:
                for w, u in wanted:
                    score = _likeness(event.value, w, tol)
                    if score and score > (_likeness(event.value, u, tol) if u is not None else 0):
                        return event.line
    return None


def locate(source, reproducer, models, mistake, base, probes, tol):
    """(line, text of the line) where ``mistake`` shows in the learner's file, or (None, ""): the first line
    that computes one of the mistake's own values; else the line its catalogue entry reads off the source;
    else the first line that computes a value which follows from it; else the method's ``def``."""
    steps = []
    if reproducer is not None and models is not None and mistake.traced:
        steps.append(lambda: traced_line(reproducer, models, mistake, base, probes, tol, downstream=False))
    if source is not None and mistake.where:
        steps.append(lambda: mistake.where(source))
    if reproducer is not None and models is not None and mistake.traced:
        steps.append(lambda: traced_line(reproducer, models, mistake, base, probes, tol, downstream=True))
    if source is not None:
        steps.append(lambda: source.def_line(mistake.method))
    for step in steps:
        try:
            line = step()
        except Exception:  # noqa: BLE001 - locating is a help: never let it break the report
            line = None
        if line:
            return line, source.line(line) if source is not None else ""
    return None, ""

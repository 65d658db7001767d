"""Which line of the learner's file computed which value.

``Tracer(path).run(fn, *args)`` calls ``fn`` with ``sys.settrace`` watching only frames of the learner's
file. After each line it notes every local variable (and every watched parameter array, such as
``self.weights[0]``) whose value changed, with the line that changed it. The analysis then looks for the
first line whose value is the one a mistake model computes where the guide's computation differs: that is the
line the report points to. Only small numeric values are kept (the probes use tiny networks).
"""
from __future__ import annotations

import os
import sys

import numpy as np

from .records import TraceEvent, Value

MAX_EVENTS = 800
MAX_ELEMENTS = 400


def _keepable(value):
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "fiu" and value.size <= MAX_ELEMENTS
    return isinstance(value, (float, np.floating))


def _values(name, value):
    """(name, value) pairs worth noting: numbers and small arrays; the arrays in a short list one by one
    ('weight_grads[1]'), as a list is filled item by item."""
    if _keepable(value):
        yield name, value
    elif isinstance(value, (list, tuple)) and 0 < len(value) <= 8:
        for j, item in enumerate(value):
            if _keepable(item):
                yield f"{name}[{j}]", item


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value


def _same(old, new):
    if type(old) is not type(new):
        return False
    if isinstance(new, np.ndarray):
        return old.shape == new.shape and old.dtype == new.dtype and np.array_equal(old, new, equal_nan=True)
    return old == new or (old != old and new != new)


class Tracer:
    def __init__(self, path, watch=None):
        self.path = os.path.abspath(path) if path else None
        self.watch = watch          # () -> {name: array}: parameter arrays to watch as well as locals
        self.events = []

    def run(self, fn, *args, **kwargs):
        if not self.path or sys.gettrace() is not None:      # under a debugger or coverage: do not interfere
            return fn(*args, **kwargs)
        last = {}     # frame -> (line, {name: copy})
        watched = {}

        def note(frame, line):
            if len(self.events) >= MAX_EVENTS:
                return
            previous = last.get(frame, (None, {}))[1]
            current = {}
            for name, value in frame.f_locals.items():
                if name != "self":
                    current.update(_values(name, value))
            for name, value in current.items():
                if name not in previous or not _same(previous[name], value):
                    self.events.append(TraceEvent(line, frame.f_code.co_name, name, Value.of(_copy(value))))
            last[frame] = (frame.f_lineno, {k: _copy(v) for k, v in current.items()})
            if self.watch is not None:
                for name, value in self.watch().items():
                    if name not in watched or not _same(watched[name], value):
                        if name in watched:
                            self.events.append(TraceEvent(line, frame.f_code.co_name, name, Value.of(value.copy())))
                        watched[name] = value.copy()

        def local(frame, event, arg):
            if event in ("line", "return"):
                line = last.get(frame, (frame.f_code.co_firstlineno, None))[0]
                note(frame, line)
                if event == "return":
                    last.pop(frame, None)
                    if _keepable(arg) and len(self.events) < MAX_EVENTS:   # what a helper hands back, on its line
                        self.events.append(TraceEvent(frame.f_lineno, frame.f_code.co_name, "return",
                                                      Value.of(_copy(arg))))
            return local

        def start(frame, event, arg):
            if event == "call" and os.path.abspath(frame.f_code.co_filename) == self.path:
                last[frame] = (frame.f_code.co_firstlineno, {})
                return local
            return None

        if self.watch is not None:
            watched.update({name: value.copy() for name, value in self.watch().items()})
        sys.settrace(start)
        try:
            return fn(*args, **kwargs)
        finally:
            sys.settrace(None)

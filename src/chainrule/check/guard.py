"""Running one probe of the learner's code: its exception (with the line of their file), a time-out, or what
it printed go into the probe's record; nothing escapes into the checker."""
from __future__ import annotations

import contextlib
import io
import signal
import threading
import time

import numpy as np

from .learner import describe_exception
from .records import Printed

PRINT_LIMIT = 4000          # characters of printing kept per probe
TOTAL_PRINT_LIMIT = 64000   # and over the whole check


class ProbeTimeout(BaseException):
    """Raised inside the learner's code when a probe runs past its time limit."""


class CappedText(io.TextIOBase):
    """Keeps the first PRINT_LIMIT characters printed in each probe (TOTAL_PRINT_LIMIT in all), counts the rest."""

    def __init__(self, forward=None):
        self.parts, self.kept, self.total, self.all_kept = [], 0, 0, 0
        self.forward = forward      # called with the text kept, line by line as it is printed
        self.pending = ""

    def writable(self):
        return True

    def write(self, text):
        self.total += len(text)
        room = min(PRINT_LIMIT - self.kept, TOTAL_PRINT_LIMIT - self.all_kept)
        if room > 0:
            self.parts.append(text[:room])
            kept = min(room, len(text))
            self.kept += kept
            self.all_kept += kept
            if self.forward is not None:
                self.pending += text[:room]
                if "\n" in self.pending or len(self.pending) >= 1024:
                    self.flush()
        return len(text)

    def flush(self):
        if self.forward is not None and self.pending:
            self.forward(self.pending)
        self.pending = ""

    def take(self):
        self.flush()
        text, total = "".join(self.parts), self.total
        self.parts, self.kept, self.total = [], 0, 0
        return Printed(text, total) if total else None


class Guard:
    """Runs a piece of probed code: its exception (with the line of the learner's file), a time-out, or what it
    printed go into the record; nothing escapes."""

    def __init__(self, path=None, time_limit=None, capture=False, forward=None):
        self.path = path
        self.time_limit = time_limit
        self.captured = CappedText(forward) if capture else None
        self.use_alarm = bool(time_limit) and hasattr(signal, "setitimer") and \
            threading.current_thread() is threading.main_thread()

    @contextlib.contextmanager
    def __call__(self, record):
        def on_alarm(signum, frame):
            raise ProbeTimeout()

        previous = None
        if self.use_alarm:
            previous = signal.signal(signal.SIGALRM, on_alarm)
            signal.setitimer(signal.ITIMER_REAL, self.time_limit)
        start = time.perf_counter()
        redirect = (contextlib.redirect_stdout(self.captured), contextlib.redirect_stderr(self.captured)) \
            if self.captured is not None else ()
        try:
            with contextlib.ExitStack() as stack:
                for context in redirect:
                    stack.enter_context(context)
                with np.errstate(all="ignore"):
                    yield
        except ProbeTimeout:
            record.timeout = self.time_limit
        except BaseException as exc:  # the learner's bug is a finding, never a crash of the check
            record.error = describe_exception(exc, self.path)
        finally:
            if self.use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
            record.seconds = round(time.perf_counter() - start, 4)
            if self.captured is not None:
                record.printed = self.captured.take()

"""Run the learner's code contained: its own session, limits, capped output, nothing left behind.

``Sandbox(folder, limits)`` starts ``supervisor.py`` in a new session; the supervisor sets the memory, CPU
and file-size limits and starts ``worker.py``, which loads the learner's file. The parent talks to the
worker over two pipes of its own (requests and records, ``records.py``); the worker's stdout and stderr are
two more pipes, read here and capped (the first ``Limits.output_bytes`` of each are kept, the rest counted),
so output written straight to file descriptors 1 and 2, by C code or by a forked child, is capped as well.
When the sandbox closes (or the time limit passes) the supervisor kills every process the learner's code
started, forked children that escaped into sessions of their own included; as a last resort the parent kills
the supervisor's whole process group.

    with Sandbox(folder, Limits(seconds=60)) as box:
        reply = box.request(Request("load", load=LoadRequest(path)))
        reply = box.request(Request("probes", spec=spec))
    box.outcome        # limits hit, how the process ended, what it wrote to stdout/stderr

A ``Sandbox`` can serve many requests (the lab keeps one open); ``run`` is the one-shot check.
"""
from __future__ import annotations

import dataclasses
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import List, Optional

from . import records, wire
from .records import Done, Report, Started

SUPERVISOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "supervisor.py")
SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The worker needs only records, driver (and its returned, rows, numerical), learner and tracer: load them
# without chainrule's __init__ (which imports the whole library), then forget the stand-in packages so that the
# learner's own `import chainrule` gets the real one.
BOOT = f"""import sys, types
for name in ("chainrule", "chainrule.check"):
    package = types.ModuleType(name)
    package.__path__ = [{SOURCE_ROOT!r} + "/" + name.replace(".", "/")]
    sys.modules[name] = package
from chainrule.check.worker import main
for name in [n for n in sys.modules if n == "chainrule" or n.startswith("chainrule.")]:
    del sys.modules[name]
main()"""
STOPPED = 200


@dataclass(frozen=True)
class Limits:
    """What the learner's code may use. ``seconds``: the whole check (wall clock); ``probe_seconds``: each
    call into their code; ``memory_mb``: address space of their process; ``output_bytes``: kept of what it
    writes to stdout, and to stderr; ``file_mb``: largest file it may write."""
    seconds: float = 60.0
    probe_seconds: float = 10.0
    memory_mb: int = 2048          # enough for a learner who imports PyTorch (~0.8 GB of address space)
    output_bytes: int = 64 * 1024
    file_mb: int = 64


@dataclass
class Stream:
    """What the learner's process wrote to one of its standard streams: the first bytes, and how many in all."""
    text: str = ""
    bytes: int = 0

    @property
    def truncated(self) -> bool:
        return self.bytes > len(self.text.encode("utf-8", "replace"))


@dataclass
class SandboxOutcome:
    """How the sandboxed process ended and what it wrote outside the records."""
    limit: str = ""                  # "" or the limit that was hit: "time", "memory", "cpu", "file size"
    exit: str = ""                   # "" (ended normally) or "exit code 3", "killed by signal 9 (SIGKILL)"
    running: Optional[Started] = None  # the probe that had started and not reported when the process ended
    stdout: Stream = field(default_factory=Stream)
    stderr: Stream = field(default_factory=Stream)
    seconds: float = 0.0


class Sandbox:
    def __init__(self, folder, limits: Limits = Limits()):
        self.limits = limits
        self.outcome = SandboxOutcome()
        self.start = time.monotonic()
        self.deadline = self.start + limits.seconds
        self._buffer = b""
        self._kept = {"stdout": bytearray(), "stderr": bytearray()}
        self._counted = {"stdout": 0, "stderr": 0}
        self._closed = False
        req_r, req_w = os.pipe()
        res_r, res_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        life_r, life_w = os.pipe()
        config = {"lifeline": life_r, "memory_bytes": int(limits.memory_mb) * 2 ** 20,
                  "cpu_seconds": int(limits.seconds) + 5, "file_bytes": int(limits.file_mb) * 2 ** 20}
        env = dict(os.environ, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0",
                   OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        command = [sys.executable, "-S", SUPERVISOR, json.dumps(config), sys.executable, "-c", BOOT, str(req_r), str(res_w)]
        try:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out_w, stderr=err_w,
                                            pass_fds=(req_r, res_w, life_r), cwd=folder, env=env,
                                            start_new_session=True)
        finally:
            for fd in (req_r, res_w, out_w, err_w, life_r):
                os.close(fd)
        self._requests = os.fdopen(req_w, "w", encoding="utf-8")
        self._lifeline = life_w
        self._fds = {res_r: "results", out_r: "stdout", err_r: "stderr"}
        for fd in self._fds:
            os.set_blocking(fd, False)
        self._selector = selectors.DefaultSelector()
        for fd in self._fds:
            self._selector.register(fd, selectors.EVENT_READ)
        self._open = set(self._fds)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def alive(self):
        return not self._closed and any(self._fds[fd] == "results" for fd in self._open)

    # --- talking to the worker ---

    def request(self, request, seconds=None) -> List:
        """Send one request; the records it answers with (``Report`` and ``Started``), up to ``Done``. Stops
        early if the worker dies or the time limit (the sandbox's, or ``seconds`` for this request) passes."""
        replies = []
        if not self.alive:
            return replies
        deadline = self.deadline if seconds is None else min(self.deadline, time.monotonic() + seconds)
        try:
            self._requests.write(wire.dumps(request) + "\n")
            self._requests.flush()
        except (BrokenPipeError, OSError):
            return replies
        while True:
            for record in self._records():
                if isinstance(record, Done):
                    return replies
                replies.append(record)
                if isinstance(record, Started):
                    self.outcome.running = record
                elif isinstance(record, Report):
                    self.outcome.running = None
            if not self.alive:
                return replies
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if deadline >= self.deadline:
                    self.outcome.limit = "time"
                self.stop()
                return replies
            self._pump(remaining)

    def _records(self):
        lines = self._buffer.split(b"\n")
        self._buffer = lines.pop()
        for line in lines:
            if line.strip():
                try:
                    yield wire.loads(line.decode("utf-8"))
                except (ValueError, KeyError, TypeError):
                    continue    # a line cut off by a kill, or something the learner's code wrote to our pipe

    def _pump(self, timeout):
        for key, _ in self._selector.select(min(timeout, 1.0)):
            fd = key.fd
            try:
                data = os.read(fd, 1 << 16)
            except BlockingIOError:
                continue
            if not data:
                self._selector.unregister(fd)
                self._open.discard(fd)
                continue
            name = self._fds[fd]
            if name == "results":
                self._buffer += data
            else:
                room = self.limits.output_bytes - len(self._kept[name])
                if room > 0:
                    self._kept[name] += data[:room]
                self._counted[name] += len(data)

    # --- ending ---

    def stop(self):
        """Stop the learner's process now (the time limit): the supervisor kills everything it started."""
        if self.process.poll() is None:
            try:
                os.kill(self.process.pid, signal.SIGTERM)
            except OSError:
                pass

    def close(self) -> SandboxOutcome:
        if self._closed:
            return self.outcome
        self._closed = True
        try:
            self._requests.close()
        except OSError:
            pass
        os.close(self._lifeline)      # the supervisor kills whatever is left and exits
        end = time.monotonic() + 3.0
        while self._open - {fd for fd, name in self._fds.items() if name == "results"} and time.monotonic() < end:
            self._pump(end - time.monotonic())
        try:
            code = self.process.wait(timeout=max(0.1, end - time.monotonic()))
        except subprocess.TimeoutExpired:
            code = None
        try:     # last resort, and for anything still in the supervisor's process group
            os.killpg(self.process.pid, signal.SIGKILL)
        except OSError:
            pass
        if code is None:
            code = self.process.wait()
        for fd in list(self._fds):
            try:
                self._selector.unregister(fd)
            except (KeyError, ValueError):
                pass
            os.close(fd)
        self._selector.close()
        self.outcome.exit = _exit_words(code)
        if code == 128 + getattr(signal, "SIGXCPU", 24) and not self.outcome.limit:
            self.outcome.limit = "cpu"
        for name in ("stdout", "stderr"):
            setattr(self.outcome, name, Stream(self._kept[name].decode("utf-8", "replace"), self._counted[name]))
        self.outcome.seconds = round(time.monotonic() - self.start, 3)
        return self.outcome


def _exit_words(code):
    if code in (0, STOPPED):
        return ""
    if code > 128:
        number = code - 128
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = "?"
        return f"killed by signal {number} ({name})"
    return f"exit code {code}"


def run(path, load, spec, limits: Limits = Limits()):
    """The one-shot check: load the file, run every probe, close. Returns (records, SandboxOutcome)."""
    path = os.path.abspath(path)
    load = dataclasses.replace(load, path=path)
    with Sandbox(os.path.dirname(path), limits) as box:
        replies = box.request(records.Request("load", load=load))
        if any(isinstance(r, Report) and r.record.stage == "done" and r.record.class_name for r in replies):
            replies += box.request(records.Request("probes", spec=spec))
    return replies, box.outcome

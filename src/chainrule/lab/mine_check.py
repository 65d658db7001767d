"""The whole ``chainrule check`` of the learner's file, run once in the background while the lab serves.

``BackgroundCheck(path)`` starts ``chainrule check PATH --json`` as a process of its own (the check runs the
file in its sandbox there, exactly as on the command line) and reads its answer when it ends; ``status`` is a
``CheckStatus`` at any moment: running, done (verdict, checks, the named mistakes) or failed (why). The page
never waits for it. ``close()`` stops it the way Ctrl-C stops ``chainrule check``: its sandbox is closed, and
every process the learner's code started is gone, before ``close`` returns.
"""
import json
import signal
import subprocess
import sys
import threading

from ..check.catalogue import CATALOGUE
from ..check.result import CheckResult
from ..findings import Finding
from .mine import CheckStatus

#: how long a stopped check may take to close its sandbox (it kills, then reaps, in milliseconds)
CLOSE_SECONDS = 10.0


def status_of(code, out, err, seconds=0.0):
    """The ``CheckStatus`` of a finished ``chainrule check --json``: its exit code and what it printed."""
    if code in (0, 1):
        try:
            result = CheckResult.from_dict(json.loads(out))
        except (ValueError, KeyError, TypeError) as exc:
            return CheckStatus("failed", message=f"chainrule check printed no result it can read ({exc})")
        diagnoses = tuple(d if isinstance(d, Finding) else Finding.from_dict(d) for d in result.diagnoses)
        return CheckStatus("done", verdict=result.verdict, passed=result.passed,
                           checks=tuple((c.status, c.name, c.summary) for c in result.checks), diagnoses=diagnoses,
                           seconds=result.seconds or seconds,
                           explained=tuple(d.kind for d in diagnoses if d.kind in CATALOGUE))
    lines = [line for line in err.splitlines() if line.strip()]
    why = lines[-1] if lines else f"it ended with exit code {code}"
    return CheckStatus("failed", message=why.removeprefix("chainrule check: error: "))


class BackgroundCheck:
    """``chainrule check`` of one file, in a process of its own; ``status`` says how far it is."""

    def __init__(self, path, class_name=None, probe_timeout=10.0, timeout=60.0, memory_limit=2048):
        command = [sys.executable, "-m", "chainrule", "check", str(path), "--json", "--timeout", f"{timeout:g}",
                   "--probe-timeout", f"{probe_timeout:g}", "--memory-limit", str(int(memory_limit))]
        if class_name:
            command += ["--class", class_name]
        self.status = CheckStatus("running")
        self._closed = False
        # its own session: a Ctrl-C in the terminal reaches the lab, which then stops this check itself
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, start_new_session=True)
        self._thread = threading.Thread(target=self._wait, name="chainrule-lab-check", daemon=True)
        self._thread.start()

    def _wait(self):
        out, err = self.process.communicate()
        if not self._closed:
            self.status = status_of(self.process.returncode, out, err)

    def close(self):
        """Stop the check if it still runs (SIGINT: it closes its sandbox and exits), and wait for it."""
        self._closed = True
        if self.process.poll() is None:
            try:
                self.process.send_signal(signal.SIGINT)
            except OSError:
                pass
        try:
            self._thread.join(CLOSE_SECONDS)
        finally:
            if self.process.poll() is None:     # it did not stop: its sandbox's supervisor still cleans up
                self.process.kill()
                self.process.wait()
            self._thread.join(1.0)
        if self.status.state == "running":
            self.status = CheckStatus("failed", message="stopped before it finished")

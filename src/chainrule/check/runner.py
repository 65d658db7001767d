"""Run the worker on a learner's file in a child process with a time limit, or in-process
for a class that has no file (a notebook). Returns the worker's records and how it ended."""
import io
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

from . import worker


@dataclass
class RunOutcome:
    records: list = field(default_factory=list)
    finished: bool = False          # the worker got through every probe
    timed_out: bool = False         # the whole run hit its time limit and was killed
    returncode: int = 0
    stderr_tail: str = ""           # what the child wrote to its real stderr (C-level output, crashes)
    printed: str = ""               # what the learner's code printed (capped), in order

    @property
    def running(self):
        """The probe that had started but not reported when the run ended, if any."""
        started = None
        for record in self.records:
            if record.get("probe") == "started":
                started = record
            elif started and record.get("probe") == started.get("name") \
                    and record.get("index") == started.get("index"):
                started = None
        return started


def run_file(spec, timeout):
    """Run the worker as ``python worker.py SPEC RESULTS PRINTED``; kill it after ``timeout`` seconds."""
    with tempfile.TemporaryDirectory(prefix="chainrule-check-") as tmp:
        spec_path = os.path.join(tmp, "spec.json")
        results_path = os.path.join(tmp, "results.jsonl")
        stderr_path = os.path.join(tmp, "stderr.txt")
        printed_path = os.path.join(tmp, "printed.txt")
        with open(spec_path, "w", encoding="utf-8") as handle:
            json.dump(spec, handle)
        open(results_path, "w").close()
        env = dict(os.environ, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1", OMP_NUM_THREADS="1",
                   OPENBLAS_NUM_THREADS="1")
        outcome = RunOutcome()
        with open(stderr_path, "wb") as stderr:
            process = subprocess.Popen([sys.executable, worker.__file__, spec_path, results_path, printed_path],
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                                       cwd=os.path.dirname(os.path.abspath(spec["path"])), env=env)
            try:
                outcome.returncode = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                outcome.timed_out = True
            finally:  # a time-out, or Ctrl-C in the caller: the child never outlives the check
                if process.poll() is None:
                    process.kill()
                outcome.returncode = process.wait()
        outcome.records = _read_records(results_path)
        outcome.finished = any(r.get("probe") == "finished" for r in outcome.records)
        if os.path.exists(printed_path):
            with open(printed_path, encoding="utf-8", errors="replace") as handle:
                outcome.printed = handle.read()
        with open(stderr_path, "rb") as handle:
            handle.seek(max(0, os.path.getsize(stderr_path) - 2000))
            outcome.stderr_tail = handle.read().decode("utf-8", "replace")
    return outcome


def _read_records(path):
    records = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:  # a line cut off by a kill
                break
    return records


def run_class(spec, cls, module=None):
    """Run the probes in this process, on a class object (a notebook's)."""
    outcome = RunOutcome()
    sink = io.StringIO()
    worker.run_probes(spec, outcome.records.append, module=module, cls=cls, sink=sink)
    outcome.finished = True
    outcome.printed = sink.getvalue()
    return outcome

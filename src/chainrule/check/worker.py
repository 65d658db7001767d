"""The learner's side of ``chainrule check``: a process that loads their file and answers requests.

Started by ``sandbox.py`` (through ``supervisor.py``) as ``python -c ... REQUESTS RESULTS``: it reads one
JSON ``Request`` per line from the REQUESTS file descriptor and writes records to RESULTS, one per line
(``records.py``). Requests: ``load`` (the file and the class), ``probes`` (every probe of a ``Spec``, each
record preceded by ``Started`` so the parent knows what was running if the process dies) and ``lab`` (the
learner's class on one explicit network state). Each request ends with ``Done``. All judging happens in the
parent; the learner's prints are captured per probe, and their own stdout/stderr go to capped pipes.
"""
from __future__ import annotations

import os
import sys

from . import wire
from .driver import Driver
from .guard import Guard
from .learner import Subject, find_class, load_module
from .records import Done, LabRecord, LoadRecord, Output, Report, Started


class Worker:
    def __init__(self, emit):
        self.emit = emit
        self.subject = None
        self.guard = None
        self.path = None

    def handle(self, request):
        if request.op == "load":
            self.load(request.load)
        elif request.op == "probes":
            self.probes(request.spec)
        elif request.op == "lab":
            self.lab(request.lab)
        self.emit(Done(request.op))

    def load(self, load):
        self.path = os.path.abspath(load.path)
        self.guard = Guard(self.path, load.probe_timeout, capture=True, forward=lambda text: self.emit(Output(text)))
        record = LoadRecord(stage="load")
        self.emit(Started("load"))
        module = None
        with self.guard(record):
            module, record.skipped = load_module(self.path, load.whole_file)
        if module is not None:
            found, record.candidates, record.classes = find_class(module.__dict__, load.class_name)
            if found is not None:
                self.subject = Subject(found, module.__dict__)
                record.class_name = found.__name__
                record.own_loss, record.loss_name = self.subject.own_loss, self.subject.loss_name
                record.train_step, record.train_epoch = self.subject.has_train_step, self.subject.train_epoch_kind
            record.stage = "done" if record.error is None and record.timeout is None else record.stage
        self.emit(Report("load", 0, record))

    def probes(self, spec):
        if self.subject is None:
            return
        run_probes(Driver(self.subject, spec, self.path), self.guard, self.emit)

    def lab(self, state):
        record = LabRecord()
        self.emit(Started("lab"))
        if self.subject is not None:
            with self.guard(record):
                Driver(self.subject, None, self.path, numerical=False, trace=False).lab(state, record)
        self.emit(Report("lab", 0, record))


def run_probes(driver, guard, emit):
    """Every probe of the driver, in order; a probe that times out ends the run (it would hang again)."""
    count = 0
    for kind, index, record, job in driver.jobs():
        emit(Started(kind, index))
        with guard(record):
            job(record)
        emit(Report(kind, index, record))
        count += 1
        if record.timeout is not None:
            break
    return count


def main(argv=None):
    argv = sys.argv if argv is None else argv
    requests_fd, results_fd = int(argv[-2]), int(argv[-1])
    for fd in (requests_fd, results_fd):
        os.set_inheritable(fd, False)     # processes the learner's code starts do not get the protocol
    sys.argv = ["my_network.py"]
    os.environ.setdefault("MPLBACKEND", "Agg")
    out = os.fdopen(results_fd, "w", encoding="utf-8")

    def emit(record):
        out.write(wire.dumps(record) + "\n")
        out.flush()

    worker = Worker(emit)
    with os.fdopen(requests_fd, encoding="utf-8") as requests:
        for line in requests:
            request = wire.loads(line)
            if request.op == "load":   # the learner's own imports first, from their folder
                sys.path.insert(0, os.path.dirname(os.path.abspath(request.load.path)))
            worker.handle(request)
    out.flush()
    os._exit(0)   # the learner's atexit handlers and threads are not ours to wait for

"""``check(cls_or_path)``: check a learner's own Network against chainrule, finite differences of their own
loss, and the catalogue of mistakes."""
from __future__ import annotations

import inspect
import os
import sys
import time

from ..errors import ConfigError
from . import sandbox
from .analysis import NoNetworkClass, analyse
from .driver import Driver
from .guard import Guard
from .learner import Subject
from .probes import build_spec
from .records import LoadRecord, LoadRequest, Output, Report
from .result import CheckResult
from .sandbox import Limits
from .source import Source
from .worker import run_probes


def check(cls_or_path: type | str | os.PathLike[str], class_name: str | None = None, *, timeout: float = 60.0,
          probe_timeout: float = 10.0, memory_limit: int = 2048, whole_file: bool = False, batches: bool = True,
          in_process: bool | None = None, limits: Limits | None = None) -> CheckResult:
    """Check a learner's ``Network`` (the guide's API: ``Network(layer_sizes, seed)``, ``forward(x)``,
    ``backward(target)``, and where present ``train_step``, ``train_epoch`` and ``mse_loss``).

    ``cls_or_path`` is a ``.py`` file or a class. A file runs in a sandbox (``sandbox.py``): its own session,
    ``timeout`` seconds for the whole check and ``probe_timeout`` for each call into it, ``memory_limit`` MB,
    capped output, and nothing it starts outlives the check. Only the file's imports, functions, classes and
    constants run unless ``whole_file``. A class defined in a file is checked through its file; one defined in
    a notebook (no file), or with ``in_process=True``, in this process (time limits only in the main thread).

    Returns a ``CheckResult``: ``passed``, ``checks``, ``first_failure``, ``diagnoses`` (``Finding``s),
    ``to_dict()``; ``print(result)`` prints the report.
    """
    start = time.perf_counter()
    limits = limits or Limits(seconds=float(timeout), probe_seconds=float(probe_timeout), memory_mb=int(memory_limit))
    spec = build_spec(batches=batches)
    if isinstance(cls_or_path, type):
        cls = cls_or_path
        path = _source_file(cls)
        if in_process or path is None:
            result = _in_process(cls, path, spec, limits)
            result.seconds = round(time.perf_counter() - start, 3)
            return result
        class_name = cls.__name__
    else:
        path = _checked_path(cls_or_path)
    load = LoadRequest(os.path.abspath(path), class_name, bool(whole_file), limits.probe_seconds)
    replies, outcome = sandbox.run(path, load, spec, limits)
    result = _analyse(spec, replies, outcome, os.fspath(path) if not isinstance(cls_or_path, type) else path,
                      Source(os.path.abspath(path)), limits, class_name)
    result.seconds = round(time.perf_counter() - start, 3)
    return result


class NoClassError(ConfigError):
    """The file has no class to check (none with forward() and backward(), or not the one asked for)."""


def _checked_path(path):
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ConfigError(f"no such file: {path!r} (chainrule check takes the path of your .py file)")
    if not path.endswith(".py"):
        raise ConfigError(f"chainrule check takes a Python file (.py), got {path!r}")
    return path


def _source_file(cls):
    module = sys.modules.get(cls.__module__)
    path = getattr(module, "__file__", None)
    if cls.__module__ == "__main__" or not path or not path.endswith(".py") or not os.path.isfile(path):
        return None
    try:
        return inspect.getsourcefile(cls)
    except TypeError:
        return None


def _in_process(cls, path, spec, limits):
    module = sys.modules.get(cls.__module__)
    namespace = dict(vars(module)) if module is not None else {}
    subject = Subject(cls, namespace)
    load = LoadRecord(stage="done", class_name=cls.__name__, candidates=[cls.__name__], own_loss=subject.own_loss,
                      loss_name=subject.loss_name, train_step=subject.has_train_step,
                      train_epoch=subject.train_epoch_kind)
    replies = [Report("load", 0, load)]
    guard = Guard(path, limits.probe_seconds, capture=True, forward=lambda text: replies.append(Output(text)))
    run_probes(Driver(subject, spec, path), guard, replies.append)
    source = None
    if path is not None:
        source = Source(path, cls.__name__)
    else:
        try:
            lines, start = inspect.getsourcelines(cls)
            source = Source(None, cls.__name__, "".join(lines), offset=start - 1)
        except (OSError, TypeError):
            source = None
    return _analyse(spec, replies, None, path or f"<class {cls.__qualname__}>", source, limits, cls.__name__)


def _analyse(spec, replies, outcome, display_path, source, limits, wanted=None):
    try:
        return analyse(spec, replies, outcome, display_path, source, limits)
    except NoNetworkClass as missing:
        found = ", ".join(missing.classes) or "none"
        if wanted:
            raise NoClassError(f"{display_path} has no class {wanted!r} (classes defined there: {found})") from None
        raise NoClassError(f"{display_path} has no class with forward() and backward() (classes defined there: "
                          f"{found}); name yours with --class NAME") from None


check_implementation = check

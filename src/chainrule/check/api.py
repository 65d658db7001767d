"""``check(cls_or_path)``: check a learner's own Network against chainrule and finite differences."""
import inspect
import os
import sys

from ..errors import ConfigError
from . import runner
from .analysis import NoNetworkClass, analyse
from .cases import build_spec


def check(cls_or_path, class_name=None, *, timeout=60.0, probe_timeout=10.0, whole_file=False, batches=True,
          in_process=None):
    """Check a learner's ``Network`` (the guide's API: ``Network(layer_sizes, seed)``, ``forward(x)``,
    ``backward(target)``, and where present ``train_step``, ``train_epoch`` and ``mse_loss``).

    ``cls_or_path`` is a ``.py`` file or a class. A file is run in a child process that is killed after
    ``timeout`` seconds (each piece of the learner's code also gets ``probe_timeout`` seconds), so a
    hang or a crash in it cannot take the caller down; only the file's imports, functions, classes and
    constants run unless ``whole_file``. A class defined in a file is checked the same way; one defined
    in a notebook (no file) is checked in this process. ``class_name`` picks the class in a file.

    Returns a ``CheckResult``: ``passed``, ``checks``, ``first_failure``, ``diagnoses``, ``exit_code``;
    ``print(result)`` prints the report.
    """
    spec = build_spec(batches=batches)
    spec["probe_timeout"] = float(probe_timeout)
    spec["whole_file"] = bool(whole_file)
    if isinstance(cls_or_path, type):
        cls = cls_or_path
        path = _source_file(cls)
        if in_process or (path is None and in_process is None):
            spec["path"] = path
            spec["class_name"] = cls.__name__
            outcome = runner.run_class(spec, cls, module=sys.modules.get(cls.__module__))
            return _analyse(spec, outcome, path or f"<class {cls.__qualname__}>")
        class_name = cls.__name__
    else:
        path = os.fspath(cls_or_path)
        if not os.path.isfile(path):
            raise ConfigError(f"no such file: {path!r} (chainrule check takes the path of your .py file)")
        if not path.endswith(".py"):
            raise ConfigError(f"chainrule check takes a Python file (.py), got {path!r}")
    spec["path"] = os.path.abspath(path)
    spec["class_name"] = class_name
    outcome = runner.run_file(spec, timeout)
    return _analyse(spec, outcome, path)


def _source_file(cls):
    module = sys.modules.get(cls.__module__)
    path = getattr(module, "__file__", None)
    if cls.__module__ == "__main__" or not path or not path.endswith(".py") or not os.path.isfile(path):
        return None
    try:
        return inspect.getsourcefile(cls)
    except TypeError:
        return None


def _analyse(spec, outcome, display_path):
    try:
        return analyse(spec, outcome, display_path)
    except NoNetworkClass as missing:
        wanted = spec.get("class_name")
        found = ", ".join(missing.classes) or "none"
        if wanted:
            raise ConfigError(f"{display_path} has no class {wanted!r} (classes defined there: {found})") from None
        raise ConfigError(f"{display_path} has no class with forward() and backward() (classes defined there: "
                          f"{found}); name yours with --class NAME") from None


check_implementation = check

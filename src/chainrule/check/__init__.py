"""Check a learner's own Network (the guide's API) against chainrule, finite differences and the catalogue of
mistakes learners make.

    from chainrule.check import check
    result = check("my_network.py")     # or check(MyNetwork)
    print(result)                       # the report: what passed, the first failure, the diagnosis
    result.passed, result.first_failure, result.diagnoses, result.to_dict()

The module itself is callable too: ``chainrule.check("my_network.py")`` is ``chainrule.check.check(...)``.
``chainrule.check.catalogue.CATALOGUE`` lists the mistakes it can name; ``chainrule.check.lab`` runs the
learner's class on one explicit network state, in the same sandbox (for ``chainrule lab --mine``);
``chainrule.check.classroom.check_class(["folder/"])`` checks a whole class in parallel (``chainrule check
FOLDER``; its summary in ``class_report``, its HTML page in ``class_html``).
"""
import sys
import types

from .api import check, check_implementation
from .result import Check, CheckResult, Failure
from .sandbox import Limits

__all__ = ["check", "check_implementation", "CheckResult", "Check", "Failure", "Limits"]


class _CallableModule(types.ModuleType):
    def __call__(self, cls_or_path, *args, **kwargs):
        return check(cls_or_path, *args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

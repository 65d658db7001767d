"""Check a learner's own Network (the guide's API) against chainrule and finite differences.

    from chainrule.check import check
    result = check("my_network.py")     # or check(MyNetwork)
    print(result)                       # the report: what passed, the first failure, the diagnosis
    result.passed, result.diagnosis_keys

The module itself is callable too: ``chainrule.check("my_network.py")`` is ``chainrule.check.check(...)``.
"""
import sys
import types

from .api import check, check_implementation
from .result import Check, CheckResult, Diagnosis, Failure

__all__ = ["check", "check_implementation", "CheckResult", "Check", "Diagnosis", "Failure"]


class _CallableModule(types.ModuleType):
    def __call__(self, cls_or_path, *args, **kwargs):
        return check(cls_or_path, *args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

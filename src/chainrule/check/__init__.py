"""Check a learner's own Network (the guide's API) against chainrule and finite differences.

    from chainrule.check import check
    result = check("my_network.py")     # or check(MyNetwork)
    print(result)                       # the report: what passed, the first failure, the diagnosis
    result.passed, result.diagnosis_keys
"""
from .api import check, check_implementation
from .result import CheckResult, Check, Diagnosis, Failure

__all__ = ["check", "check_implementation", "CheckResult", "Check", "Diagnosis", "Failure"]

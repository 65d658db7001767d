"""scikit-learn estimators backed by chainrule (needs the ``sklearn`` extra): see chainrule.interop.sklearn.

    >>> from chainrule.sklearn import ChainruleClassifier, ChainruleRegressor
"""
from .interop.sklearn import ChainruleClassifier, ChainruleRegressor, EarlyStoppingSkipped

__all__ = ["ChainruleClassifier", "ChainruleRegressor", "EarlyStoppingSkipped"]

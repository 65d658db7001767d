"""A learner who makes given mistakes, as a class chainrule can check: the catalogue's models turned into what a
learner's file holds (a ``Network`` class and a module-level ``mse_loss``). The tests check each one and
expect its mistake named; ``chainrule check --list-mistakes`` describes them."""
from __future__ import annotations

import sys
import types

from .catalogue import build, entry


def learner(kinds=(), variant=None):
    """The class of a learner's file that makes the mistakes ``kinds`` (catalogue names), in ``variant``."""
    mistakes = [entry(kind) for kind in kinds]
    cls = build(mistakes, entry(variant) if variant else None)
    name = "__chainrule_learner_" + ("_".join(kinds) or "reference") + "__"
    module = types.ModuleType(name)
    cls.__module__ = name
    module.Network = cls
    module.mse_loss = cls.mse_loss
    sys.modules[name] = module
    return cls

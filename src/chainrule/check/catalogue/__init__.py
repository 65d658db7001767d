"""The catalogue of mistakes learners make, as data plus small functions.

Each entry is a ``Mistake``: a stable ``kind``, the stage of the computation it is in, the words the report
uses (title, cause, advice, what to reread), and either

- ``methods``: the stages of ``reference.GuideNetwork`` it replaces. That *is* the mistake model: chainrule
  runs the model on the same probes as the learner's class, and a model (or two together) that reproduces the
  learner's numbers, example by example and layer by layer, is the diagnosis; or
- ``detect``: for mistakes of set-up (a seed that is ignored, networks that share their lists), a function of
  what the probes observed that returns the evidence, or None. ``methods`` then builds a class that makes the
  mistake, so the tests can check that it is caught.

Variants (``severity="warning"``: another hidden activation) are models too; they change what the learner's
numbers are compared with, and the check says what that costs them.

Adding a mistake is one entry in the file of its stage (``loss.py``, ``deltas.py``, ``gradients.py``,
``forward.py``, ``updates.py``, ``epochs.py``, ``setup.py``, ``variants.py``) and its fixture
``tests/check/fixtures/mistake_<kind>.py``: a learner's file that makes it.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable, Mapping, Optional, Tuple

from ..reference import STAGES, GuideNetwork, model_class

# the stages of the computation, in the order a forward-backward-update-epoch goes through them,
# with the check where each shows and the learner's method it lives in
STAGE_ORDER = ("set-up", "variant", "forward", "loss", "output error", "delta", "gradient", "returned",
               "update", "batch", "epoch", "order")
STAGE_CHECK = {"set-up": "initial weights", "variant": "forward", "forward": "backward", "loss": "mse_loss",
               "output error": "backward", "delta": "backward", "gradient": "backward", "returned": "backward",
               "update": "train_step", "batch": "train_epoch", "epoch": "train_epoch", "order": "shuffling"}
STAGE_METHOD = {"set-up": "__init__", "variant": "forward", "forward": "forward", "loss": "mse_loss",
                "output error": "backward", "delta": "backward", "gradient": "backward", "returned": "backward",
                "update": "train_step", "batch": "train_epoch", "epoch": "train_epoch", "order": "train_epoch"}


@dataclass(frozen=True)
class Mistake:
    kind: str                                   # stable name: what reports, tests and gradebooks key on
    stage: str                                  # one of STAGE_ORDER
    title: str                                  # one line: what is wrong
    cause: str                                  # why it is wrong, what it does to the numbers
    advice: str                                 # the fix, as code where it can be
    reread: str = ""                            # the part of the guide to reread
    methods: Mapping[str, object] = field(default_factory=dict)   # stages of GuideNetwork it replaces
    detect: Optional[Callable] = None           # set-up mistakes: observations -> evidence (dict) or None
    severity: str = "error"                     # "warning" for a workable choice
    family: str = ""                            # models of one family are never combined with each other
    locate: Tuple[str, ...] = ()                # stages whose values mark the line (default: the replaced ones)
    locate_reference: bool = False              # look for the guide's value instead (computed, then not used)
    where: Optional[Callable] = None            # source -> line, when no traced value can tell
    traced: bool = True                         # False: ``where`` tells the line better than any traced value
    raises: bool = False                        # set-up: it makes the learner's code raise (the report says where)
    options: Mapping[str, object] = field(default_factory=dict)   # variants: chainrule Network(...) options

    @property
    def check(self):
        return STAGE_CHECK[self.stage]

    @property
    def method(self):
        return STAGE_METHOD[self.stage]

    @property
    def model(self):
        return bool(self.methods) and self.detect is None and self.stage != "variant"

    @property
    def fixture(self):
        return f"mistake_{self.kind}"

    @property
    def located_by(self):
        return self.locate or tuple(name for name in self.methods if name in STAGES)


def _load():
    entries = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        entries += list(getattr(module, "MISTAKES", ()))
    entries.sort(key=lambda m: STAGE_ORDER.index(m.stage))
    catalogue = {}
    for entry in entries:
        if entry.kind in catalogue:
            raise RuntimeError(f"two catalogue entries named {entry.kind!r}")
        catalogue[entry.kind] = entry
    return catalogue


CATALOGUE = _load()
MODELS = tuple(m for m in CATALOGUE.values() if m.model)
# the per-layer models made at the output layer only or in the hidden layers only (scoped.py): derived, not entries
from .scoped import scoped_variants  # noqa: E402  (it needs the catalogue above)
SCOPED = scoped_variants(CATALOGUE)
VARIANTS = tuple(m for m in CATALOGUE.values() if m.stage == "variant")
DETECTORS = tuple(m for m in CATALOGUE.values() if m.detect is not None)


def composable(a: Mistake, b: Mistake) -> bool:
    """Two models can be made together when they replace different stages and are of different families."""
    return a.kind != b.kind and not (set(a.methods) & set(b.methods)) and not (a.family and a.family == b.family)


def build(mistakes=(), variant: Optional[Mistake] = None):
    """The model class: the guide's network, in ``variant`` (if any), with ``mistakes`` made."""
    methods = {}
    if variant is not None:
        methods.update(variant.methods)
    for mistake in mistakes:
        methods.update(mistake.methods)
    name = "+".join([m.kind for m in mistakes]) or (variant.kind if variant else "Reference")
    return model_class(name, methods, GuideNetwork)


def entry(kind) -> Mistake:
    """The catalogue's entry ``kind``, or a scoped version of one (``derivative_twice_in_hidden``)."""
    return CATALOGUE[kind] if kind in CATALOGUE else SCOPED[kind]

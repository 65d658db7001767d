"""Diagnosis by reproduction: which model of the guide's computation gives the learner's numbers?

Each candidate (the reference, every mistake model of the catalogue, then every pair of models that can be
made together) is run on the probes the learner's class ran, from the learner's own starting weights and in
the order their train_epoch visited the examples, and its records are compared with the learner's, probe by
probe and field by field (``compare.records_agree``). The first probe that differs rules a candidate out, so
most are ruled out after one example. A model that agrees everywhere the reference does not is the diagnosis.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import numpy as np

from .catalogue import MODELS, SCOPED, Mistake, build, composable
from .compare import Normalizer, Tolerance, records_agree
from .driver import Driver
from .guard import Guard
from .learner import Subject
from .records import CaseRecord, Convention, EpochRecord, LossRecord, RunRecord, StepRecord
from .reference import GlobalShuffles

KINDS = (("example", CaseRecord), ("loss", LossRecord), ("step", StepRecord), ("run", RunRecord),
         ("epochs", EpochRecord))


class ObservedShuffles:
    """train_epoch's orders as the learner's code drew them (the rows its forward() got), epoch after epoch.

    ``permutation`` (what the guide's code draws: a new random order every epoch) gives the learner's order
    only when it is one: not the stored order, not an earlier epoch's; otherwise, and where the order could
    not be seen, the guide's own (np.random.permutation after seeding and drawing the weights). So the
    reference does not reproduce an order that is not shuffled; the order models (``first``, the stored
    order, ``with_replacement``) do."""

    def __init__(self, orders, fallback):
        self.orders, self.fallback, self.calls, self.given = orders, fallback, 0, []

    def _next(self):
        order = self.orders[self.calls] if self.calls < len(self.orders) else None
        self.calls += 1
        return order or None

    @staticmethod
    def _complete(order, n):
        seen = [i for i in dict.fromkeys(order) if 0 <= i < n]
        return seen + sorted(set(range(n)) - set(seen))

    def permutation(self, n):
        order = self._next()
        fresh = order is not None and order != list(range(n)) and self._complete(order, n) not in self.given
        result = self._complete(order, n) if fresh else list(self.fallback.permutation(n))
        self.given.append(result)
        return np.array(result)

    def first(self, n):
        """A shuffled order drawn once: the learner's, if it is shuffled."""
        order = self._next()
        shuffled = order is not None and order != list(range(n))
        return np.array(self._complete(order, n)) if shuffled else self.fallback.permutation(n)

    def with_replacement(self, n):
        """Draws with replacement: the learner's, if some example came twice."""
        order = self._next()
        repeats = order is not None and len(set(order)) < len(order)
        return np.array([i for i in order if 0 <= i < n]) if repeats else self.fallback.with_replacement(n)


def observed_orders(record: EpochRecord):
    """The rows of X whose gradient the learner's train_epoch computed, per epoch (forward()'s rows when no
    backward() call could be seen)."""
    orders = []
    for epoch in record.epochs:
        if epoch.pairs:
            orders.append([x for x, _ in epoch.pairs])
        else:
            rows = [row for call in epoch.forward_rows for row in call]
            orders.append([r for k, r in enumerate(rows) if k == 0 or r != rows[k - 1]])
    return orders


def guide_orders(arch, n, epochs):
    rng = np.random.RandomState(arch.seed)
    for n_in, n_out in zip(arch.sizes[:-1], arch.sizes[1:]):
        rng.randn(n_out, n_in)
    return GlobalShuffles(rng)


class ModelSubject(Subject):
    """A model of the learner's class, driven by the same probes, from the learner's starting weights."""

    def __init__(self, model, load):
        super().__init__(model, {"mse_loss": model.mse_loss} if load.own_loss else {})
        self.has_train_step = load.train_step
        self.train_epoch_kind = load.train_epoch
        self.epoch_function = lambda net, X, y, lr, bs: net.train_epoch(X, y, lr, bs)
        self.convention = Convention()
        self.start = None
        self.shuffles = None
        self.rng = np.random.RandomState(0)

    def make(self, sizes, seed):
        net = self.cls(sizes, seed, rng=self.rng)
        if self.start is not None:
            net.weights = [np.array(v.array, dtype=np.float64) for v in self.start.weights]
            net.biases = [np.array(v.array, dtype=np.float64) for v in self.start.biases]
        if self.shuffles is not None:
            net.shuffles = self.shuffles
        return net


@dataclass
class Probe:
    kind: str
    index: int
    record: object                  # the learner's record, in the guide's conventions


@dataclass
class Match:
    models: Tuple[Mistake, ...]     # () for the reference
    probes: int = 0                 # how many of the learner's probes it reproduces
    upto: str = ""                  # "" if all of them; else the first probe kind it does not reproduce


@dataclass
class Search:
    reference: bool = False                         # the guide's computation reproduces everything
    matches: List[Match] = field(default_factory=list)
    probes: int = 0
    first_difference: Optional[Probe] = None        # the first probe where the reference differs
    field: str = ""                                 # and what differs there


class Reproducer:
    def __init__(self, spec, load, probes: List[Probe], dtype, variant=None):
        self.spec, self.load, self.probes, self.variant = spec, load, probes, variant
        self.tol = Tolerance.for_dtype(dtype)
        self.long_tol = Tolerance.for_dtype(dtype, long=True)
        self.normalizer = Normalizer(Convention(), spec.archs)
        self.records = {}      # (model name, kind, index) -> the model's record, for evidence and tables

    def run(self, model, probe: Probe, keep=False):
        """The model's record for one probe."""
        subject = ModelSubject(model, self.load)
        subject.start = getattr(probe.record, "start", None)
        if probe.kind == "epochs":
            epoch_probe = self.spec.epochs[probe.index]
            fallback = guide_orders(self.spec.archs[epoch_probe.arch], len(epoch_probe.X), epoch_probe.epochs)
            subject.shuffles = ObservedShuffles(observed_orders(probe.record), fallback)
        driver = Driver(subject, self.spec, numerical=False, trace=False)
        driver.vector_checked = True
        record = type(probe.record)()
        job = {"example": driver.example, "step": driver.step, "run": driver.run, "epochs": driver.epochs}.get(probe.kind)
        with Guard()(record):
            job(probe.index, record) if job else driver.loss(record)
        if keep:
            self.records[(model.__qualname__, probe.kind, probe.index)] = record
        return record

    def reproduces(self, model, keep=False, probes=None):
        """(True, None, "") if the model gives the learner's numbers on every probe; else the first probe and
        field that differ."""
        for probe in self.probes if probes is None else probes:
            ok, where = records_agree(probe.record, self.run(model, probe, keep), self.tol, self.long_tol)
            if not ok:
                return False, probe, where
        return True, None, ""

    def search(self, pairs=True) -> Search:
        """The reference first; then every model; then, if none reproduces the numbers, every pair; then
        mistakes at different stages, stage by stage (``staged``)."""
        result = Search(probes=len(self.probes))
        reference = build((), self.variant)
        ok, first, where = self.reproduces(reference, keep=True)
        if ok:
            result.reference = True
            return result
        result.first_difference, result.field = first, where
        result.matches = [Match(models, len(self.probes)) for models in self.explain((), self.probes, first, pairs)]
        if not result.matches and pairs:
            staged = self.staged()
            if staged is not None:
                result.matches.append(staged)
        if not result.matches:
            result.matches = [Match((m,), len(self.probes)) for m in self.scoped(first)]
        return result

    def scoped(self, first):
        """The scoped models (one mistake at the output layer only, or in the hidden layers only) that reproduce
        every probe, ``first`` (where the reference differs) tried first: most are ruled out there."""
        ordered = [first] + [p for p in self.probes if p is not first]
        return [mistake for mistake in SCOPED.values()
                if self.reproduces(build([mistake], self.variant), probes=ordered)[0]]

    def explain(self, base, probes, first, pairs=True):
        """The single models, or else the pairs, that with ``base`` reproduce ``probes`` (``first``: the first of
        them ``base`` alone does not). A pair can only reproduce ``first`` if one of its models changes it and
        the other matches it, or both change it: that rules out most pairs after one probe."""
        base = list(base)
        ordered = [first] + [p for p in probes if p is not first]
        # what base already reproduces must stay reproduced: one probe of each kind before ``first``
        position = probes.index(first)
        kept = list({p.kind: p for p in reversed(probes[:position])}.values())
        before = self.run(build(base, self.variant), first)
        changes, matches = {}, {}
        singles = []
        for mistake in MODELS:
            if not all(composable(mistake, other) for other in base):
                continue
            model = build(base + [mistake], self.variant)
            if kept and not self.reproduces(model, probes=kept)[0]:
                continue
            record = self.run(model, first)
            matches[mistake.kind] = records_agree(first.record, record, self.tol, self.long_tol)[0]
            changes[mistake.kind] = not records_agree(before, record, self.tol, self.long_tol)[0]
            if matches[mistake.kind] and self.reproduces(build(base + [mistake], self.variant), probes=ordered)[0]:
                singles.append((mistake,))
        if singles or not pairs:
            return singles
        found = []
        for a, b in itertools.combinations([m for m in MODELS if m.kind in changes], 2):
            possible = (changes[a.kind] and changes[b.kind]) or (not changes[a.kind] and matches[b.kind]) or \
                (not changes[b.kind] and matches[a.kind])
            if possible and composable(a, b) and \
                    self.reproduces(build(base + [a, b], self.variant), probes=ordered)[0]:
                found.append((a, b))
        return found

    def staged(self) -> Optional[Match]:
        """Mistakes at different stages, found one stage at a time: what reproduces backward() on every example,
        then with it the steps, the runs, the epochs. Returns what reproduces the most (None if not even the
        first stage that differs can be reproduced)."""
        chosen = []
        kinds = [kind for kind, _ in KINDS if any(p.kind == kind for p in self.probes)]
        for n, kind in enumerate(kinds):
            so_far = [p for p in self.probes if p.kind in kinds[:n + 1]]
            ok, first, _ = self.reproduces(build(chosen, self.variant), probes=so_far)
            if ok:
                continue
            found = self.explain(chosen, so_far, first)
            if not found:
                done = len([p for p in self.probes if p.kind in kinds[:n]])
                return Match(tuple(chosen), done, kind) if chosen else None
            chosen += list(found[0])
        return Match(tuple(chosen), len(self.probes)) if chosen else None

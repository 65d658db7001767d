"""The catalogue of mistakes. The model with no mistake is chainrule's own Network; every mistake, made by a
simulated learner (the guide's computation with that one model), is caught and named; no two models give the
same numbers on the probes (else a diagnosis would be ambiguous); mistakes made in pairs are named as pairs.
The simulated learners are checked in this process (no sandbox), which is what makes 52 of them fast."""
import functools
import itertools
import random

import numpy as np
import pytest

from chainrule import Network
from chainrule.check import check
from chainrule.check.catalogue import CATALOGUE, MODELS, STAGE_ORDER, composable, entry
from chainrule.check.compare import Tolerance, params_agree, records_agree
from chainrule.check.driver import Driver
from chainrule.check.guard import Guard
from chainrule.check.learner import Subject
from chainrule.check.probes import build_spec
from chainrule.check.reference import Reference
from chainrule.check.simulate import learner

SPEC = build_spec()
TOL = Tolerance.for_dtype(np.float64)


def _kinds(kind):
    return ((), kind) if CATALOGUE[kind].stage == "variant" else ((kind,), None)


@functools.lru_cache(maxsize=None)
def simulated(kinds, variant=None):
    """The check of a simulated learner who makes ``kinds``."""
    return check(learner(kinds, variant), in_process=True)


@functools.lru_cache(maxsize=None)
def probe_records(kinds, variant=None):
    """Every probe's record for a simulated learner (what the worker would record for a learner's file)."""
    cls = learner(kinds, variant)
    import sys
    subject = Subject(cls, vars(sys.modules[cls.__module__]))
    records = {}
    for kind, index, record, job in Driver(subject, SPEC, numerical=False, trace=False).jobs():
        with Guard()(record):
            job(record)
        records[(kind, index)] = record
    return records


def same_numbers(a, b):
    """Two simulated learners whose every probe records the same numbers (the checker could not tell them apart)."""
    if a.keys() != b.keys():
        return False
    for key, mine in a.items():
        other = b[key]
        if key[0] == "init":
            if (mine.same_seed_equal, mine.other_seed_equal, mine.n_arrays) != \
                    (other.same_seed_equal, other.other_seed_equal, other.n_arrays) or \
                    not params_agree(mine.params, other.params, TOL):
                return False
        elif key[0] == "independence":
            if (mine.same_lists, mine.shared_arrays, mine.other_changed) != \
                    (other.same_lists, other.shared_arrays, other.other_changed):
                return False
        elif not records_agree(mine, other, TOL, TOL)[0]:
            return False
    return True


# --- the reference ---

def test_the_model_with_no_mistake_is_chainrules_network():
    for example in SPEC.examples:
        if example.batch:
            continue
        arch = SPEC.archs[example.arch]
        ours, theirs = Reference(arch.sizes, arch.seed, rng=np.random.RandomState()), Network(arch.sizes, seed=arch.seed)
        for W, V in zip(ours.weights + ours.biases, theirs.weights + theirs.biases):
            np.testing.assert_array_equal(W, V)
        x, t = np.array(example.x), np.array(example.target)
        np.testing.assert_allclose(ours.forward(x), theirs.forward(x), rtol=1e-14)
        for mine, ref in zip(sum(map(list, ours.backward(t)), []), sum(map(list, theirs.backward(t)), [])):
            np.testing.assert_allclose(mine, ref, rtol=1e-12, atol=1e-15)
        assert ours.train_step(x, t, 0.3) == pytest.approx(theirs.train_step(x, t, 0.3), rel=1e-14)
        for W, V in zip(ours.weights + ours.biases, theirs.weights + theirs.biases):
            np.testing.assert_allclose(W, V, rtol=1e-12, atol=1e-15)


def test_the_guides_computation_passes_every_check():
    result = simulated(())
    assert result.passed and result.diagnoses == []
    assert {c.status for c in result.checks} <= {"PASS", "SKIP"}


# --- every mistake is caught ---

@pytest.mark.parametrize("kind", list(CATALOGUE))
def test_each_mistake_model_applied_to_the_reference_is_caught(kind):
    mistake = entry(kind)
    result = simulated(*_kinds(kind))
    assert kind in result.diagnosis_keys, result.diagnosis_keys
    finding = next(f for f in result.diagnoses if f.kind == kind)
    assert finding.severity == mistake.severity and finding.title == mistake.title
    assert finding.seen and finding.cause and finding.advice
    if mistake.severity == "error":
        assert not result.passed and result.failed
    else:                                     # a workable choice: a WARN with its consequence, never a FAIL
        assert result.passed


def test_no_two_models_give_the_same_numbers_on_the_probes():
    learners = {"reference": probe_records(())}
    for kind in CATALOGUE:
        learners[kind] = probe_records(*_kinds(kind))
    alike = [(a, b) for (a, ra), (b, rb) in itertools.combinations(learners.items(), 2) if same_numbers(ra, rb)]
    assert alike == []


def test_the_catalogue_is_one_entry_per_mistake_with_its_words():
    assert len(CATALOGUE) >= 50 and len(MODELS) >= 40
    for kind, mistake in CATALOGUE.items():
        assert mistake.kind == kind and mistake.stage in STAGE_ORDER
        assert mistake.title and mistake.cause and mistake.advice and mistake.reread
        assert (mistake.detect is None) != (mistake.stage == "set-up"), kind     # set-up mistakes are seen directly
        assert mistake.methods, kind                                            # and can all be simulated


# --- pairs ---

def _sample_pairs():
    pairs = [(a.kind, b.kind) for a, b in itertools.combinations(MODELS, 2) if composable(a, b)]
    chosen = [("target_minus_output", "update_added"), ("loss_sum", "dropped_mean"),
              ("derivative_of_z", "dropped_mean"), ("missing_transpose", "per_example_update")]
    return chosen + random.Random(12).sample([p for p in pairs if p not in chosen], 12)


@pytest.mark.parametrize("pair", _sample_pairs(), ids="+".join)
def test_mistakes_made_in_pairs_are_named_as_pairs(pair):
    records = probe_records(pair)
    result = simulated(pair)
    hidden = [kind for kind in pair if same_numbers(records, probe_records(tuple(k for k in pair if k != kind)))]
    if hidden:    # one hides the other (it raises wherever the other would show): the one that shows is named
        assert len(hidden) == 1 and set(pair) - set(hidden) <= set(result.diagnosis_keys)
        return
    named = {f.kind: f for f in result.diagnoses}
    assert set(pair) <= set(named), result.diagnosis_keys
    for kind in pair:
        assert set(pair) - {kind} <= set(named[kind].together)
    assert "Two mistakes together" in str(result) or "mistakes together" in str(result)


def test_two_mistakes_that_cancel_in_training_are_named_together_never_one_alone():
    result = simulated(("target_minus_output", "update_added"))
    assert result.check_named("backward").status == "FAIL"
    assert result.check_named("train_step").status == "PASS"     # -dW added = dW subtracted: training works
    for kind in ("target_minus_output", "update_added"):
        finding = next(f for f in result.diagnoses if f.kind == kind)
        assert "fix both at once" in finding.seen and "Fixing only one of them" in finding.seen


def test_a_consistent_loss_and_gradient_are_named_together():
    result = simulated(("loss_sum", "dropped_mean"))
    assert result.check_named("gradient check").status == "PASS"   # the gradients are those of the sum
    finding = next(f for f in result.diagnoses if f.kind == "loss_sum")
    assert "consistent with each other" in finding.seen and finding.together == ("dropped_mean",)


def test_three_mistakes_at_different_stages_are_found_stage_by_stage():
    result = simulated(("derivative_of_z", "update_added", "batch_sum"))
    assert set(result.diagnosis_keys) == {"derivative_of_z", "update_added", "batch_sum"}

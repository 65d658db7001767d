"""A mistake made in part of the network only — at the output layer, or in the hidden layers — as a learner who
writes the output layer apart from the loop over the hidden layers makes it (Nielsen's network.py style). Every
per-layer model of the catalogue has its two scoped versions (catalogue/scoped.py); each is caught and named, none
gives the numbers of another model, and learners' files in Nielsen's style are named by them."""
import itertools
from pathlib import Path

import pytest

from chainrule.check import check
from chainrule.check.catalogue import CATALOGUE, SCOPED, entry

from test_check_catalogue import probe_records, same_numbers, simulated

FIXTURES = Path(__file__).parent / "fixtures"


def test_every_per_layer_model_has_its_two_scoped_versions_unless_the_catalogue_has_one():
    assert len(SCOPED) >= 10
    for kind, mistake in SCOPED.items():
        base = kind.rsplit("_", 2)[0]
        assert kind.endswith(("_at_output", "_in_hidden")) and base in CATALOGUE
        assert mistake.title.startswith(CATALOGUE[base].title + " (")
        assert mistake.cause == CATALOGUE[base].cause and mistake.advice == CATALOGUE[base].advice
        assert entry(kind) is mistake
    assert "derivative_of_z_in_hidden" not in SCOPED            # written in the catalogue: kept as written
    assert {"weight_grad_transposed_at_output", "weight_grad_transposed_in_hidden"} <= set(SCOPED)


@pytest.mark.parametrize("kind", sorted(SCOPED))
def test_each_scoped_model_applied_to_the_reference_is_caught_by_name(kind):
    result = simulated((kind,))
    assert result.diagnosis_keys == [kind]
    finding = result.diagnoses[0]
    assert finding.title == SCOPED[kind].title and not result.passed


def test_no_scoped_model_gives_the_numbers_of_another_model_or_of_the_reference():
    learners = {"reference": probe_records(())}
    for kind in [k for k, m in CATALOGUE.items() if m.model] + sorted(SCOPED):
        learners[kind] = probe_records((kind,))
    alike = [(a, b) for (a, ra), (b, rb) in itertools.combinations(learners.items(), 2)
             if (a in SCOPED or b in SCOPED) and same_numbers(ra, rb)]
    assert alike == []


@pytest.mark.parametrize("fixture, kind, line", [
    ("nielsen_prime_of_a_in_hidden", "derivative_of_sigmoid_of_a_in_hidden", None),
    ("nielsen_own_output_in_hidden", "weight_grad_own_output_in_hidden", 45),
])
def test_a_learners_mistake_in_the_hidden_loop_only_is_named(fixture, kind, line):
    result = check(FIXTURES / f"{fixture}.py")
    assert result.diagnosis_keys == [kind]
    if line is not None:
        assert result.diagnoses[0].line == line
    assert "no mistake in the catalogue" not in str(result)

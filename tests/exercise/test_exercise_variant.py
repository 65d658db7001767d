"""A variant per learner: the same numbers for the same name everywhere, other numbers for other names and
courses, short numbers, and every variant well-conditioned (checked here from the trace's values, apart from
the rules' own code)."""
import string

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule.errors import ConfigError
from chainrule.exercise import conditioning_problems, guide_variant, make_variant, normalise
from chainrule.exercise.conditioning import MIN_GAP, MIN_MAGNITUDE, MIN_SLOPE
from chainrule.exercise.variant import MAX_CANDIDATES, VERSION
from chainrule.viz.trace_text import steps

NAMES = [f"{first} {last}" for first in ("Ada", "Bo", "Chidi", "Dana", "Émile", "Fatima", "Grace", "Hiro", "Ines",
                                         "Jun") for last in ("Lovelace", "Chen", "Okafor", "Müller", "Nakamura")]
MANY = NAMES + [f"learner {i}" for i in range(250)]


def test_a_name_has_the_same_numbers_on_every_machine():
    # pinned: SHA-256 of the version tag, course and name, read as bytes -- no NumPy generator, no hash()
    v = make_variant("Ada Lovelace", "ml101")
    assert v.weights == (((0.7, 0.7), (0.8, 0.6)), ((0.7, -0.5),))
    assert v.biases == ((-0.09, 0.04), (0.13,))
    assert v.x == (-1.9, 1.2)
    assert v.target == (0.0,)
    assert v.learning_rate == 0.5
    assert v.fingerprint == "4d034a2e"
    assert (v.student, v.course, v.candidate) == ("Ada Lovelace", "ml101", 0)
    assert VERSION == "chainrule exercise 2.1 v1"     # changing the drawing or the rules needs a new tag


def test_spellings_of_a_name_are_the_same_learner():
    same = ["Ada Lovelace", "  ada   LOVELACE ", "ada_lovelace", "Ada-Lovelace", "ADA.LOVELACE", "Ａｄａ Lovelace",
            "Adá Lovelace", "Ada Lovela\u0301ce"]
    assert {normalise(n) for n in same} == {"ada lovelace"}
    assert len({make_variant(n, "ml101").weights for n in same}) == 1
    assert normalise("Dana Müller") == normalise("dana_muller") == "dana muller"
    assert normalise("Jürgen Groß") == "jurgen gross" and normalise("中村 ぴろ") == "中村 ぴろ" != normalise("中村 ひろ")
    assert make_variant("Ada Lovelace", " ML101 ").fingerprint == make_variant("Ada Lovelace", "ml101").fingerprint


def test_names_and_courses_give_different_numbers():
    variants = [make_variant(n, "ml101") for n in NAMES]
    assert len({(v.weights, v.biases, v.x, v.target) for v in variants}) == len(NAMES)
    assert make_variant("Ada Lovelace", "ml101").x != make_variant("Ada Lovelace", "ml102").x or \
        make_variant("Ada Lovelace", "ml101").weights != make_variant("Ada Lovelace", "ml102").weights
    assert make_variant("Ada Lovelace").course == ""


def test_a_name_needs_a_letter():
    for bad in ("", "   ", "_-."):
        with pytest.raises(ConfigError, match="at least one letter"):
            make_variant(bad)
    with pytest.raises(ConfigError, match="must be text"):
        make_variant(42)


def _short(value, decimals):
    return all(abs(v * 10 ** decimals - round(v * 10 ** decimals)) < 1e-9 for v in np.ravel(value))


def _check_well_conditioned(v):
    """The conditioning rules, checked from the trace's values directly."""
    trace = v.solution
    assert _short(v.x, 1) and _short(v.weights[0], 1) and _short(v.weights[1], 1)
    assert _short(v.biases[0], 2) and _short(v.biases[1], 2) and v.target in ((0.0,), (1.0,))
    assert all(x != 0 and abs(x) != 1 for x in v.x)
    values = trace.values()
    for layer in trace.layers:                                   # no saturated sigmoid
        assert np.all(layer.a * (1 - layer.a) >= MIN_SLOPE)
        assert np.all(np.abs(layer.W_new - layer.W) >= 0.001) and np.all(np.abs(layer.b_new - layer.b) >= 0.001)
        assert np.max(np.abs(layer.dW)) >= 0.01
    by_step = {}
    for step, name, _, value in steps(trace):
        rounded = np.round(np.ravel(value), 4)
        assert np.all(np.abs(rounded) >= MIN_MAGNITUDE), (name, rounded)        # nothing rounds to 0.0000
        if not name.startswith("dL/db"):                                        # dL/db is delta by definition
            by_step.setdefault(step, []).extend(rounded)
    for step, numbers in by_step.items():                                       # no two values of a step alike
        numbers = np.sort(numbers)
        assert np.all(np.diff(numbers) >= MIN_GAP - 1e-4), (step, numbers)
        assert len(set(numbers.tolist())) == len(numbers)
    assert trace.new_loss < trace.loss
    assert values["dL/db1"].tolist() == values["delta1"].tolist()


def test_hundreds_of_names_give_well_conditioned_numbers():
    candidates = []
    for name in MANY:
        v = make_variant(name, "ml101")
        _check_well_conditioned(v)
        assert conditioning_problems(v.solution) == []
        candidates.append(v.candidate)
    # measured: a name needs about two candidates; MAX_CANDIDATES is far out of reach
    assert np.mean(candidates) < 1.5 and max(candidates) < 20 < MAX_CANDIDATES


@settings(max_examples=60)
@given(st.text(alphabet=string.ascii_letters + " éøßЖ中-_.'", min_size=1, max_size=30),
       st.text(alphabet=string.printable, max_size=12))
def test_any_name_and_course_give_a_well_conditioned_variant(name, course):
    if not normalise(name):
        return
    v = make_variant(name, course)
    _check_well_conditioned(v)
    assert make_variant(name, course) == v


def test_the_rules_reject_badly_conditioned_numbers():
    # the guide's own Exercise 2.1 is not held to the rules: one bias moves by only 0.00044
    assert conditioning_problems(guide_variant().solution) == [
        "b1_new has an element 0.00044 from 0 (< 0.001)"]
    saturated = make_variant("Ada Lovelace", "ml101").spec()
    saturated["weights"][0] = [[9.0, 9.0], [9.0, 9.0]]
    from chainrule.viz import trace_from_spec
    found = conditioning_problems(trace_from_spec(saturated))
    assert any("layer 1 is saturated" in p for p in found)
    alike = dict(saturated, weights=[[[0.5, 0.5], [0.5, 0.5]], [[0.5, 0.5]]], biases=[[0.1, 0.1], [0.1]])
    assert any("step forward: z1 and z1" in p for p in conditioning_problems(trace_from_spec(alike)))


def test_the_guide_variant_is_the_guides_exercise():
    v = guide_variant()
    assert v.guide and v.x == (0.5, 1.5) and v.target == (0.0,) and v.learning_rate == 0.5
    assert v.weights == (((0.1, 0.3), (0.2, 0.4)), ((0.5, 0.6),)) and v.biases == ((0.01, 0.02), (0.03,))
    assert v.solution.guide_blocks == "16"      # chainrule trace notes where the guide's printout differs

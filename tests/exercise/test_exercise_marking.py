"""Marking: a learner's hand trace (tests/exercise/exercise_learner.py: plain NumPy, every value rounded to 4
decimals and the next computed from it) is marked value by value; a slip is found where it happens, the
values computed from it are carried errors, an independent later slip is a new error."""
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule.exercise import AnswerFileError, Status, format_marking, make_variant, mark, parse_answers
from chainrule.exercise.answers import quantities
from chainrule.exercise.conditioning import MIN_GAP
from chainrule.exercise.marking import TOLERANCE
from exercise_learner import answer_text, hand_trace

ADA = make_variant("Ada Lovelace", "ml101")
NAMES = [q.name for q in quantities()]


def marked(variant, values, **options):
    return mark(parse_answers(answer_text(values, **options)), variant)


def statuses(marking):
    return {v.name: str(v.status) for v in marking}


def test_a_correct_answer_file_passes():
    marking = marked(ADA, hand_trace(ADA), student="Ada Lovelace")
    assert marking.passed and marking.first_wrong is None and marking.new_errors == []
    assert marking.right == marking.total == 21
    assert "PASSED: 21 of 21 values right" in format_marking(marking)


def test_the_optional_values_may_be_left_out():
    values = {k: v for k, v in hand_trace(ADA, write_slopes=False).items() if k not in ("new_prediction", "new_loss")}
    marking = marked(ADA, values)
    assert marking.passed and marking.total == 17
    assert {v.name for v in marking if v.status == Status.SKIPPED} == {"da2/dz2", "da1/dz1", "new_prediction",
                                                                       "new_loss"}


@settings(max_examples=40)
@given(st.integers(0, 10_000), st.booleans(), st.sampled_from(["numpy", "list"]))
def test_every_careful_hand_trace_passes(number, slopes, style):
    variant = make_variant(f"learner {number}", "hand")
    marking = marked(variant, hand_trace(variant, write_slopes=slopes), style=style)
    assert marking.passed, [(v.name, v.yours, v.expected) for v in marking if v.status != Status.RIGHT]


def test_one_unit_in_the_last_place_is_not_a_mistake():
    exact = ADA.solution.values()
    for shift in (+1e-4, -1e-4):
        values = {name: np.round(np.asarray(exact[name]), 4) + shift for name in NAMES}
        marking = marked(ADA, values)
        assert marking.passed, [(v.name, v.status) for v in marking if v.status != Status.RIGHT]
    two_units = dict(hand_trace(ADA), z1=np.round(exact["z1"], 4) + 2e-4)
    assert marked(ADA, two_units)["z1"].status == Status.WRONG


def test_a_wrong_step_is_found_and_what_follows_from_it_is_carried():
    slip = hand_trace(ADA, {"z2": lambda z: z + 0.01})           # 0.2319 for 0.2219
    marking = marked(ADA, slip)
    assert marking.first_wrong.name == "z2" and marking.first_wrong.line == 3
    assert marking.new_errors == []
    exact = ADA.solution.values()
    assert [str(v.status) for v in marking][:3] == ["right", "right", "wrong"]
    for v in marking.values[3:]:
        # carried, unless the slip's effect on it is within tolerance of the exact value, or it follows from
        # right values (delta1 is back within a unit of the exact, and dL/dW1 = delta1 x is right from it)
        near = np.all(np.abs(slip[v.name] - exact[v.name]) <= TOLERANCE)
        assert v.status == (Status.RIGHT if near or v.by_rounding else Status.CARRIED), v.name
        assert not (v.by_rounding and v.wrong_inputs)
    assert statuses(marking)["da1/dz1"] == "right"                      # a1 was right: z2 does not reach it
    assert sum(v.status == Status.CARRIED for v in marking) == 12
    assert marking["a2"].carried_from == ("z2",) and marking["a2"].wrong_inputs == ("z2",)
    assert marking["W2_new"].carried_from == ("z2",) and marking["W2_new"].wrong_inputs == ("dL/dW2",)
    np.testing.assert_allclose(marking["a2"].from_yours, 1 / (1 + np.exp(-slip["z2"])))
    text = format_marking(marking)
    assert "First wrong value: z2 (line 3)" in text
    assert ("z2[0] = W2[0,0] × a1[0] + W2[0,1] × a1[1] + b2[0] = 0.7000 × 0.3589 + (-0.5000) × 0.3186 + 0.1300 "
            "= 0.2219   (you wrote 0.2319)") in text
    assert re.search(r"\n  carried  a2 +\[0\.5577\] +carried from z2\n", text)
    assert re.search(r"\n  carried  delta2 +\[0\.2752\] +right for your dL/da2, da2/dz2: carried from z2\n", text)


def test_a_new_independent_error_later_is_flagged_as_new():
    slips = {"z2": lambda z: z + 0.01, "delta1": lambda d: d + np.array([0.0, 0.003])}
    marking = marked(ADA, hand_trace(ADA, slips))
    assert marking.first_wrong.name == "z2"
    assert [v.name for v in marking.new_errors] == ["delta1"]
    assert marking["dL/da1"].status == Status.CARRIED                   # before the new error: carried
    assert marking["dL/dW1"].status == Status.CARRIED                   # after it: carried from both
    assert marking["dL/dW1"].carried_from == ("delta1", "z2")
    assert marking["delta1"].wrong_elements == ((1,),)
    text = format_marking(marking)
    assert "New error: delta1 (line 13) does not follow from your own dL/da1, da1/dz1:" in text
    assert "delta1[1] = dL/da1[1] × da1/dz1[1] = " in text and "(you wrote -0.0269)" in text
    assert "delta1[0]" not in text.split("New error")[1]                # only the element that is off


@settings(max_examples=60)
@given(st.integers(0, 10_000), st.sampled_from(NAMES), st.sampled_from([0.01, -0.003, 0.25]))
def test_a_slip_anywhere_is_the_first_wrong_value_and_the_rest_is_carried(number, name, size):
    variant = make_variant(f"learner {number}", "slips")
    marking = marked(variant, hand_trace(variant, {name: lambda v: v + size}))
    k = NAMES.index(name)
    assert marking.first_wrong.name == name and marking.new_errors == []
    assert all(v.status == Status.RIGHT for v in marking.values[:k])
    # later values are carried -- or right, where they do not depend on the slip
    assert all(v.status in (Status.CARRIED, Status.RIGHT) for v in marking.values[k + 1:])
    assert all(v.carried_from == (name,) for v in marking.values[k + 1:] if v.status == Status.CARRIED)


@settings(max_examples=40)
@given(st.integers(0, 10_000), st.data())
def test_a_second_slip_after_the_first_is_a_new_error(number, data):
    variant = make_variant(f"learner {number}", "two slips")
    first = data.draw(st.sampled_from(NAMES[:-1]))
    second = data.draw(st.sampled_from(NAMES[NAMES.index(first) + 1:]))
    marking = marked(variant, hand_trace(variant, {first: lambda v: v + 0.01, second: lambda v: v - 0.02}))
    assert marking.first_wrong.name == first
    assert [v.name for v in marking.new_errors] == [second]


@settings(max_examples=40)
@given(st.integers(0, 10_000), st.data())
def test_swapped_values_and_dropped_signs_are_never_within_tolerance(number, data):
    variant = make_variant(f"learner {number}", "swaps")
    values = hand_trace(variant)
    by_step = {}
    for q in quantities():
        by_step.setdefault(q.step, []).append(q.name)
    step = data.draw(st.sampled_from([s for s, names in by_step.items() if len(names) > 1]))
    a, b = data.draw(st.permutations(by_step[step]))[:2]
    if {a, b} in ({"delta2", "dL/db2"}, {"delta1", "dL/db1"}) or np.size(values[a]) != np.size(values[b]):
        return
    swapped = dict(values, **{a: np.reshape(values[b], np.shape(values[a])), b: np.reshape(values[a], np.shape(values[b]))})
    assert not marked(variant, swapped).passed
    flipped = dict(values, **{a: -values[a]})
    assert marked(variant, flipped)[a].status == Status.WRONG


def test_the_tolerances_stay_far_below_the_gap_between_values():
    largest = 0.0
    for number in range(60):
        variant = make_variant(f"learner {number}", "tolerance")
        largest = max(largest, max(float(np.max(v.allowance)) for v in marked(variant, hand_trace(variant))))
    assert TOLERANCE <= largest < MIN_GAP / 2          # measured: 0.00025 at most


def test_missing_values_are_counted_and_what_follows_is_marked_from_the_learners_values():
    values = hand_trace(ADA, {"z2": lambda z: z + 0.01})
    del values["a2"]                                          # skipped a2, then went on with sigmoid(their z2)
    marking = marked(ADA, values)
    assert marking["a2"].status == Status.MISSING and marking["a2"].line is None
    assert marking["loss"].status == Status.CARRIED and marking["loss"].wrong_inputs == ("a2",)
    assert marking["loss"].carried_from == ("z2",)
    assert marking.count(Status.MISSING) == 1 and "Missing (1): a2." in format_marking(marking)
    empty = mark(parse_answers("z1 = \nloss = ?\n"), ADA)
    assert empty.count(Status.MISSING) == 17 and not empty.passed and empty["z1"].line == 1


def test_an_answer_file_for_someone_else_is_refused():
    bo = make_variant("Bo Chen", "ml101")
    with pytest.raises(AnswerFileError, match="line 1: this file says student = Bo Chen, but it is being marked "
                                              "for Ada Lovelace"):
        marked(ADA, hand_trace(bo), student="Bo Chen")
    with pytest.raises(AnswerFileError, match=r"line 1: variant 4d034a2e is not the variant of Ada Lovelace \(4153f800\): was the file made "
                                              r"for another --course or student\?"):
        mark(parse_answers(f"variant = {ADA.fingerprint}\n"), make_variant("Ada Lovelace", "ml102"))
    with pytest.raises(AnswerFileError, match=r"line 1: x = \[0.5 1.5\], but x is \[-1.9  1.2\] for Ada Lovelace "
                                              r"\(another learner's numbers\?\)"):
        mark(parse_answers("x = [0.5 1.5]\n"), ADA)
    same = mark(parse_answers("student = ada LOVELACE\nx = -1.9 1.2\nvariant = 4D034A2E\n"), ADA)
    assert same.count(Status.MISSING) == 17


def test_the_marking_as_a_record():
    marking = marked(ADA, hand_trace(ADA, {"a1": lambda a: a[::-1]}))     # a1's two values swapped
    record = marking.to_dict()
    assert record["first_wrong"] == "a1" and record["first_wrong_step"] == "forward"
    assert record["passed"] is False and record["right"] == 1 and record["carried"] == 19
    a1 = record["values"][1]
    assert a1["name"] == "a1" and a1["status"] == "wrong" and a1["line"] == 2
    with pytest.raises(KeyError):
        marking["W3"]
    assert a1["expected"] == np.round(ADA.solution.values()["a1"], 6).tolist() and a1["yours"] == [0.3186, 0.3589]

"""Honest reports: the numbers shown are where the difference is; nothing "raised" unless it did, and then the
learner's own exception and line; two cancelling mistakes named together; a probe that cannot work on the
learner's arrays says so; no internal encoding reaches the learner; the checker never crashes; no check
PASSes against its own evidence. And the result as JSON (stable, documented), and hint levels."""
import functools
import json
import re
from pathlib import Path

import numpy as np

from chainrule.check import check
from chainrule.check.result import CheckResult
from chainrule.check.report import render

FIXTURES = Path(__file__).parent / "fixtures"
INTERNAL = re.compile(r"\{'repr'|\{\"@\"|'@':|Value\(|ErrorInfo\(|Params\(|LearnerAPIError|<lambda>")


@functools.lru_cache(maxsize=None)
def checked(name):
    return check(FIXTURES / f"{name}.py")


def test_the_evidence_is_where_the_difference_is():
    result = checked("guide_practice")
    for label, yours, numerical, chainrule, ratio in result.first_failure.rows:
        assert not np.isclose(yours, chainrule, rtol=1e-7, atol=1e-12), label
    fan_out = checked("init_fan_out")        # its square layers equal the guide's: the difference is elsewhere
    seen = next(f for f in fan_out.diagnoses if f.kind == "init_other").seen
    mine, guide = re.search(r"= (\[[^]]*\]), the guide's (\[[^]]*\])", seen).groups()
    assert mine != guide and "W2[0]" in seen


def test_a_layer_without_a_gradient_is_said_to_be_missing_not_raised():
    result = checked("mistake_first_layer_skipped")    # the loop stops at i = 1: weight_grads[0] stays None
    message = result.first_failure.message
    assert message == "backward() returned None (or not an array) as layer 1's weight gradient"
    assert "raised" not in result.check_named("backward").summary
    assert not INTERNAL.search(str(result))


def test_when_the_learners_code_raises_its_own_exception_and_line_are_shown():
    result = checked("mistake_integer_params")           # b = np.zeros(n_out, dtype=int)
    message = result.check_named("train_step").failure.message
    assert message.startswith("UFuncTypeError: Cannot cast ufunc 'subtract' output from dtype('float64') to "
                              "dtype('int64')")
    assert message.endswith("at line 63 (train_step): self.biases[i] -= learning_rate * b_grads[i]")
    # the checker's own finite differences could not be stored in integer arrays: it says so, and does not blame
    # the (right) gradients
    assert result.check_named("backward").status == result.check_named("gradient check").status == "PASS"
    assert "nudges made on float64 copies of your arrays (self.biases[0] is int64" in \
        result.check_named("gradient check").summary


def test_two_cancelling_mistakes_are_named_together_with_advice_that_does_not_make_things_worse():
    result = checked("pair_sign_cancels")                # target - a, and W += lr * dW
    assert result.check_named("train_step").status == "PASS" and result.check_named("backward").status == "FAIL"
    by_kind = {f.kind: f for f in result.diagnoses}
    assert set(by_kind) == {"target_minus_output", "update_added"}
    assert by_kind["update_added"].together == ("target_minus_output",)
    assert by_kind["update_added"].source == "self.weights[i] += learning_rate * w_grads[i]    # move towards the target"
    report = " ".join(str(result).split())
    assert "1. Two mistakes together" in report and "fix both at once" in report


def test_no_check_passes_while_its_own_evidence_shows_a_difference():
    dropped = checked("mistake_drop_last")
    assert dropped.check_named("train_epoch").status == "FAIL"
    assert re.fullmatch(r"trained on 8 of the 10 examples it was given \(rows \[\d, \d\] never\)",
                        dropped.check_named("train_epoch").failure.message)
    summed = checked("mistake_epoch_loss_sum")           # right weights, the summed loss returned
    assert summed.check_named("train_epoch").status == "FAIL"
    assert summed.check_named("train_epoch").failure.rows[0][0] == "returned loss"


def test_a_hostile_class_never_crashes_the_checker():
    class Network:
        def __init__(self, layer_sizes, seed=42):
            self.weights = [np.zeros((o, i)) for i, o in zip(layer_sizes, layer_sizes[1:])]
            self.biases = [np.zeros(o) for o in layer_sizes[1:]]

        def forward(self, x):
            return {"not": "an array"}

        def backward(self, target):
            return "gradients", None, object()

        def train_step(self, x, target, learning_rate):
            self.weights = None
            return [1, 2, 3]

    result = check(Network, in_process=True)
    report = str(result)
    assert not result.passed and not INTERNAL.search(report)
    assert result.check_named("forward").failure.message == "forward() returned a dict: {'not': 'an array'}"
    assert "params_replaced" in result.diagnosis_keys          # train_step put None in place of self.weights
    json.dumps(result.to_dict())


def test_a_failure_of_the_checkers_own_code_is_one_line_and_the_report_goes_on(monkeypatch):
    from chainrule.check import judges
    from chainrule.check.judges import backward

    def broken(ctx):
        raise IndexError("list index out of range")

    table = tuple((name, broken if judge is backward.judge else judge, kinds) for name, judge, kinds in judges.CHECKS)
    monkeypatch.setattr("chainrule.check.analysis.CHECKS", table)
    result = check(FIXTURES / "correct.py")
    assert any(note.startswith("chainrule's own code failed in the backward check (IndexError: list index out of "
                               "range)") for note in result.notes)
    assert result.check_named("backward") is None and result.check_named("forward").status == "PASS"


# --- the JSON a gradebook reads ---

def test_the_json_result_is_stable_and_reads_back():
    result = checked("guide_practice")
    data = result.to_dict()
    assert list(data) == ["schema", "path", "class_name", "passed", "exit_code", "verdict", "checks",
                          "first_failure", "diagnoses", "notes", "limits", "printed", "seconds"]
    assert data["schema"] == "chainrule-check/1" and data["passed"] is False
    assert list(data["checks"][0]) == ["name", "status", "summary", "failure"]
    diagnosis = data["diagnoses"][0]
    assert list(diagnosis) == ["kind", "severity", "title", "seen", "cause", "advice", "reread", "epoch", "layer",
                               "line", "evidence", "check", "source", "together"]
    assert diagnosis["kind"] == "dropped_mean" and diagnosis["line"] == 45 and diagnosis["check"] == "backward"
    text = json.dumps(data, allow_nan=False)
    again = CheckResult.from_dict(json.loads(text))
    assert again.to_dict() == data and str(again) == str(result)


def test_hint_levels_show_only_what_they_promise():
    result = checked("mistake_missing_transpose")
    level1, level2, level3 = (render(result, hints=n) for n in (1, 2, 3))
    assert "First failure: backward" in level1 and "[missing_transpose]" not in level1 and "W.T" not in level1
    assert "[missing_transpose]" in level2 and "Where:  line 52" in level2 and "Fix:" not in level2
    assert "Why:" in level3 and "Fix:    self.weights[i].T @ delta." in level3


def test_where_no_model_reproduces_the_numbers_it_says_what_it_measured():
    result = checked("novel_bug")                   # the hidden deltas halved: in no catalogue
    assert result.diagnosis_keys == ["unexplained_backward"]
    seen = result.diagnoses[0].seen
    assert "layer 2 (output): W right, b right; layer 1: W wrong (= 0.5 x chainrule's), b wrong (= 0.5 x " \
           "chainrule's)" in seen
    assert "the loss derivative and the output delta are ruled out" in seen
    assert "none of the usual mistakes" not in str(result)


def test_the_docs_list_every_mistake_of_the_catalogue():
    from chainrule.check.catalogue import CATALOGUE
    docs = (Path(__file__).parents[2] / "docs" / "check.md").read_text()
    assert [kind for kind in CATALOGUE if f"| `{kind}` |" not in docs] == []


def test_a_layer_whose_weights_are_right_and_biases_wrong_points_at_the_bias_step():
    # the bias gradient is the mean of delta over the units: the weight gradients prove delta right, so the loss,
    # the output delta, W.T @ delta and the derivative are ruled out; saying otherwise would send the learner away
    result = checked("novel_bias_grad_mean")
    assert result.diagnosis_keys == ["unexplained_backward"]
    seen = result.diagnoses[0].seen
    assert "layer 2 (output): W right, b right; layer 1: W right, b wrong" in seen
    assert "the bias gradient itself is the suspect (step 4: dL/db = delta" in seen
    assert "W.T @ delta, or" not in seen


def test_an_unexplained_train_epoch_says_what_was_measured_after_epoch_one():
    result = checked("novel_epoch_weights_mean_twice")
    assert [c.name for c in result.checks if c.status == "FAIL"] == ["train_epoch"]
    assert result.diagnosis_keys == ["unexplained_train_epoch"]
    seen = result.diagnoses[0].seen
    assert seen.startswith("after epoch 1 of [2, 4, 1] network (seed 42) (10 examples, batches of 4), against "
                           "chainrule's replay in your order: layer 2 (output): W wrong (moved ")
    assert "differs from epoch 1" not in seen


def test_a_batch_bias_gradient_summed_over_the_units_is_a_failure_not_one_example_at_a_time():
    # forward() of a batch is right and so are the weight gradients: the class takes batches, so "takes one example
    # at a time, like the guide" (SKIP) would be false; the bias gradients are the row sums of delta
    result = checked("batch_bias_wrong_axis")
    batches = result.check_named("batches")
    assert batches.status == "FAIL"
    assert result.first_failure.message == (
        "backward() of a batch of 5: the weight gradients are right, but bias gradients hold one number per example "
        "instead of one per unit (layer 1's shape (5,), not (2,), layer 2's shape (5,), not (1,)): each example's "
        "delta is summed over the units (delta.sum(axis=1)) instead of each unit's delta over the examples "
        "(delta.sum(axis=0))")
    assert "unexplained_batches" in result.diagnosis_keys
    assert "one example at a time" not in str(result)


def test_inputs_paired_with_other_targets_are_named_from_what_the_epochs_showed():
    result = checked("epoch_two_permutations")         # X and y shuffled by two different permutations
    assert result.diagnosis_keys == ["pairs_mismatched"]
    finding = result.diagnoses[0]
    assert finding.line == 54 and finding.source == "perm_x = np.random.permutation(len(X))"
    assert finding.seen.startswith("inputs and targets were paired wrongly in 8 of 10 gradients: forward() got row "
                                   "7 of X and backward() row 5 of y ([2, 4, 1] network (seed 42), 10 examples, "
                                   "batch_size 4, epoch 1: the rows of X and y")
    assert "no mistake in the catalogue" not in str(result)

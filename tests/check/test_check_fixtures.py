"""``chainrule.check`` on a folder of learner implementations: the guide's code as printed, a correct
one (the guide's code with the block-17 fix), and one per usual mistake. Each must get the right
verdict and the right diagnosis, from the numbers. One subprocess per fixture."""
import functools
from pathlib import Path

import numpy as np
import pytest

from chainrule import Network
from chainrule.check import check

FIXTURES = Path(__file__).parent / "fixtures"


@functools.lru_cache(maxsize=None)
def checked(name, **options):
    return check(FIXTURES / f"{name}.py", **options)


def statuses(result):
    return {c.name: c.status for c in result.checks}


def test_correct_implementation_passes_everything():
    result = checked("correct")
    assert result.passed and result.exit_code == 0
    assert result.diagnoses == [] and result.first_failure is None
    assert statuses(result) == {
        "initial weights": "PASS", "mse_loss": "PASS", "forward": "PASS", "backward": "PASS",
        "gradient check": "PASS", "batches": "SKIP", "train_step": "PASS", "training run": "PASS",
        "train_epoch": "PASS", "shuffling": "PASS"}
    assert "exactly the guide's" in result.check_named("shuffling").summary
    assert "Verdict: all checks passed." in str(result)


def _exercise_2_2_gradients():
    net = Network([3, 4, 2], seed=99)
    net.forward(np.array([0.5, -1.0, 2.0]))
    return net.backward(np.array([1.0, 0.0]))


@pytest.mark.parametrize("name", ["guide_practice", "guide_section2", "guide_section3"])
def test_the_guides_printed_code_has_the_block_17_bug_and_nothing_else(name):
    result = checked(name)
    assert not result.passed and result.exit_code == 1
    assert result.diagnosis_keys == ["dropped_mean"]
    checks = statuses(result)
    assert checks["initial weights"] == checks["forward"] == checks["mse_loss"] == "PASS"
    assert checks["backward"] == checks["gradient check"] == "FAIL"
    assert checks["batches"] == "SKIP"                     # the guide's code takes one example at a time
    # right on the 1-output networks, wrong on the others
    assert "matches chainrule on 4 of 10" in result.check_named("backward").summary
    evidence = result.diagnoses[0].evidence
    assert "2.000000 on [3, 4, 2] (2 outputs)" in evidence and "3.000000 on [3, 3, 3] (3 outputs)" in evidence
    assert "exact on the 1-output networks [2, 2, 1], [2, 4, 1]" in evidence
    assert "`chainrule errata 17`" in result.diagnoses[0].advice

    # The first failure is the guide's own Exercise 2.2, the numbers side by side.
    failure = result.first_failure
    assert failure.check == "backward" and "(the guide's Exercise 2.2)" in failure.where
    assert failure.columns == ("yours", "finite diff.", "chainrule", "yours/chainrule")
    weight_grads, bias_grads = _exercise_2_2_gradients()
    rows = {row[0]: row[1:] for row in failure.rows}
    yours, numerical, chainrule, ratio = rows["Layer 2 b[0]"]
    assert chainrule == pytest.approx(bias_grads[1][0], abs=1e-15)
    assert numerical == pytest.approx(chainrule, abs=1e-9)
    assert yours == pytest.approx(2 * chainrule, abs=1e-15) and ratio == pytest.approx(2.0, abs=1e-12)
    assert rows["Layer 1 W[0,0]"][2] == pytest.approx(weight_grads[0][0, 0], abs=1e-15)


def test_the_practice_project_is_checked_without_running_its_mnist_script():
    result = checked("guide_practice")
    assert any("skipped the script statements" in note for note in result.notes)
    checks = statuses(result)
    assert checks["one update"] == "FAIL"                  # no train_step: one example through train_epoch
    assert "your update W - lr*dW is right" in result.check_named("one update").summary
    assert result.check_named("train_epoch").summary.startswith(
        "[2, 4, 1]: 3 epochs match chainrule replayed in your order; [3, 4, 2]: differs")
    assert checks["shuffling"] == "PASS"


def test_section_3_module_level_train_epoch_is_used():
    result = checked("guide_section3")
    assert any("train_epoch is a function of the file" in note for note in result.notes)
    assert statuses(result)["shuffling"] == "PASS"
    run = result.check_named("training run").summary
    assert "[2, 4, 1]: mean loss 0.4183 -> 0.3442 over 20 passes, as chainrule" in run


def test_section_2_code_without_training_methods_only_gets_forward_and_backward_checked():
    result = checked("guide_section2")
    assert result.check_named("train_step") is None and result.check_named("train_epoch") is None
    assert any("no train_step or train_epoch" in note for note in result.notes)


def test_dropped_mean_on_batches_too():
    result = checked("mistake_dropped_mean")
    assert result.diagnosis_keys == ["dropped_mean"]
    assert statuses(result)["batches"] == "FAIL"
    assert "matches chainrule on 4 of 10" in result.check_named("backward").summary
    assert "forward()/backward() on batches right on 2 of 5 networks" in result.check_named("batches").summary


@pytest.mark.parametrize("name, key", [
    ("mistake_derivative_of_z", "derivative_of_z"),
    ("mistake_no_transpose", "missing_transpose"),
    ("mistake_extra_transpose", "extra_transpose"),
    ("mistake_wrong_layer", "wrong_layer"),
    ("mistake_forward_not_saving", "forward_not_saving"),
    ("mistake_stale_activations", "stale_activations"),
    ("mistake_reversed_order", "reversed_order"),
])
def test_backward_mistakes_are_named(name, key):
    result = checked(name)
    assert not result.passed
    assert result.diagnosis_keys == [key]
    checks = statuses(result)
    assert checks["initial weights"] == checks["forward"] == "PASS"
    assert checks["backward"] == "FAIL" and result.first_failure.check == "backward"
    assert result.diagnoses[0].reread.startswith("Section 2")


def test_missing_transpose_is_caught_where_it_runs_silently_and_where_it_crashes():
    evidence = checked("mistake_no_transpose").diagnoses[0].evidence
    assert "on all 2 examples where it runs" in evidence           # the square [3, 3, 3] network
    assert "yours raises too: ValueError: matmul" in evidence and "self.weights[i] @ delta" in evidence


def test_extra_transpose_shows_the_shapes():
    failure = checked("mistake_extra_transpose").first_failure
    assert "your gradients have shapes [(2, 2), (2, 1), (2,), (1,)]" in failure.message
    assert "the parameters' are [(2, 2), (1, 2), (2,), (1,)]" in failure.message


def test_forward_not_saving_names_the_missing_attribute():
    evidence = checked("mistake_forward_not_saving").diagnoses[0].evidence
    assert "no attribute 'activations'" in evidence and "no new attributes" in evidence


def test_biases_not_updated():
    result = checked("mistake_biases_not_updated")
    assert result.diagnosis_keys == ["biases_not_updated"]
    checks = statuses(result)
    assert checks["backward"] == checks["gradient check"] == "PASS"
    assert checks["train_step"] == "FAIL" and result.first_failure.check == "train_step"
    failure = result.first_failure
    assert failure.columns == ("before", "yours after", "chainrule after")
    bias_rows = [row for row in failure.rows if " b[" in row[0]]
    assert bias_rows and all(before == yours != chainrule for _, before, yours, chainrule in bias_rows)


def test_update_added_instead_of_subtracted():
    result = checked("mistake_update_added")
    assert result.diagnosis_keys == ["update_added"]
    assert "change/(-lr*dW) = -1.000000" in result.diagnoses[0].evidence
    assert statuses(result)["training run"] == "FAIL"
    run = result.check_named("training run").summary
    first, last = run.split(": ")[1].split(" (")[0].split(" -> ")
    assert float(last) > float(first)                       # the loss rises


def test_no_shuffling_between_epochs():
    result = checked("mistake_no_shuffle")
    assert result.diagnosis_keys == ["no_shuffle"]
    assert result.failed == ["shuffling"]
    assert result.first_failure.message.splitlines() == [f"epoch {e}: " + ", ".join(map(str, range(12)))
                                                         for e in (1, 2, 3)]


def test_stale_activations_are_read_off_the_growing_list():
    evidence = checked("mistake_stale_activations").diagnoses[0].evidence
    assert evidence.startswith("self.activations had 3 entries after one forward() and 6 after two")


def test_a_class_without_the_guides_attributes_is_told_what_is_expected():
    result = checked("api_other_names")
    assert result.check_named("initial weights").status == "FAIL"
    assert "no list self.weights" in result.first_failure.message


def test_other_initial_weights_are_a_warning_and_the_rest_uses_the_learners_weights():
    result = checked("other_init")             # randn * 0.1, and a train_step that returns no loss
    assert result.passed and result.exit_code == 0
    assert result.diagnosis_keys == ["different_init"]
    assert result.check_named("initial weights").status == "WARN"
    assert "yours = the guide's x 0.1 everywhere" in result.check_named("initial weights").summary
    assert all(c.status in ("PASS", "SKIP") for c in result.checks if c.name != "initial weights")


def test_derivative_of_z_shows_the_ratio_a_prime_of_z_over_a_prime_of_a():
    evidence = checked("mistake_derivative_of_z").diagnoses[0].evidence
    net = Network([2, 2, 1], seed=0)
    a = net.forward(np.array([1.0, 2.0]))[0]
    z = net.z_values[-1][0]
    assert f"the output bias gradient is {z * (1 - z) / (a * (1 - a)):.6f} x chainrule's = z(1-z) / a(1-a)" in evidence


def test_another_activation_is_judged_by_the_gradient_check_of_the_learners_own_loss():
    result = checked("tanh_hidden")            # tanh hidden layers, a right backward()
    checks = statuses(result)
    assert checks["forward"] == "FAIL" and checks["backward"] == "SKIP"
    assert checks["gradient check"] == "PASS"
    assert "agree on 10 of 10" in result.check_named("gradient check").summary
    assert result.diagnoses == []
    assert "as forward() differs from chainrule's there" in result.check_named("train_epoch").summary

"""``chainrule check`` on learners' files, each run in the sandbox as a learner would run it: one file per
mistake of the catalogue (named, with the line of the file), the guide's printed code (the block-17 bug and
nothing else), and correct files in six coding styles (all pass; a convention is a note)."""
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from chainrule import Network
from chainrule.check import check
from chainrule.check.catalogue import CATALOGUE

FIXTURES = Path(__file__).parent / "fixtures"
CORRECT = ["correct", "correct_nielsen", "correct_row_batches", "correct_stores_z", "correct_float32",
           "correct_transposed"]
_pool = ThreadPoolExecutor(max_workers=3)
_futures = {}


def checked(name):
    """The check of fixtures/<name>.py (each file is checked once per session, several at a time)."""
    if name not in _futures:
        _futures[name] = _pool.submit(check, FIXTURES / f"{name}.py")
    return _futures[name].result()


@pytest.fixture(scope="module", autouse=True)
def _start_all():
    for name in [m.fixture for m in CATALOGUE.values()] + CORRECT + ["guide_practice", "guide_section2",
                                                                      "guide_section3"]:
        if name not in _futures:
            _futures[name] = _pool.submit(check, FIXTURES / f"{name}.py")


def statuses(result):
    return {c.name: c.status for c in result.checks}


def finding(result, kind):
    return next(f for f in result.diagnoses if f.kind == kind)


# --- one fixture per mistake ---

@pytest.mark.parametrize("kind", list(CATALOGUE))
def test_each_mistake_fixture_is_diagnosed_by_name_and_line(kind):
    mistake = CATALOGUE[kind]
    result = checked(mistake.fixture)
    assert kind in result.diagnosis_keys, result.diagnosis_keys
    found = finding(result, kind)
    source = (FIXTURES / f"{mistake.fixture}.py").read_text().splitlines()
    assert found.line is not None and found.source == source[found.line - 1].strip()
    assert result.passed == (mistake.severity == "warning")


@pytest.mark.parametrize("kind, line", [
    ("dropped_two", "delta = (a_out - target) / a_out.size * sigmoid_derivative(a_out)"),
    ("derivative_of_z_in_hidden", "sigmoid_derivative(self.z_values[i - 1])"),
    ("missing_transpose", "(self.weights[i] @ delta)"),
    ("weight_grad_transposed", "a_prev.reshape(-1, 1) @ delta.reshape(1, -1)"),
    ("bias_grad_summed", "bias_grads[i] = np.sum(delta)"),
    ("first_layer_skipped", "for i in range(n_layers - 1, 0, -1):"),
    ("update_added", "self.weights[i] += learning_rate * w_grads[i]"),
    ("nothing_updated", "W = W - learning_rate * dW"),
    ("batch_sum", "self.weights[j] -= learning_rate * cum_wg[j]"),
    ("drop_last", "range(0, n - batch_size + 1, batch_size)"),
    ("no_shuffle", "indices = np.arange(n)"),
    ("x_without_y", "X = X[indices]"),
    ("seed_ignored", "np.random.seed(42)"),
    ("shared_lists", "weights = []"),
])
def test_the_line_shown_is_the_line_with_the_mistake(kind, line):
    assert line in finding(checked(CATALOGUE[kind].fixture), kind).source


# --- the guide's own code ---

def _exercise_2_2_gradients():
    net = Network([3, 4, 2], seed=99)
    net.forward(np.array([0.5, -1.0, 2.0]))
    return net.backward(np.array([1.0, 0.0]))


@pytest.mark.parametrize("name", ["guide_practice", "guide_section2", "guide_section3"])
def test_the_guides_printed_code_has_the_block_17_bug_and_nothing_else(name):
    result = checked(name)
    assert result.diagnosis_keys == ["dropped_mean"]
    checks = statuses(result)
    assert checks["initial weights"] == checks["forward"] == checks["mse_loss"] == "PASS"
    assert checks["backward"] == checks["gradient check"] == "FAIL" and checks["batches"] == "SKIP"
    assert "matches chainrule on 4 of 10 single examples ([2, 2, 1], [2, 4, 1])" in result.check_named("backward").summary
    seen = result.diagnoses[0].seen
    assert "yours / chainrule = 1 on [2, 2, 1], [2, 4, 1]; 2 on [3, 4, 2]; 3 on [3, 3, 3], [4, 6, 5, 3]" in seen
    assert "`chainrule errata 17`" in result.diagnoses[0].cause
    assert "2 * (a_out - target)" in result.diagnoses[0].source

    failure = result.first_failure    # the guide's own Exercise 2.2, the numbers side by side
    assert failure.check == "backward" and "(the guide's Exercise 2.2)" in failure.input
    assert failure.columns == ("yours", "finite diff.", "chainrule", "yours/chainrule")
    weight_grads, bias_grads = _exercise_2_2_gradients()
    rows = {row[0]: row[1:] for row in failure.rows}
    yours, numerical, chainrule, ratio = rows["Layer 2 b[0]"]
    assert chainrule == pytest.approx(bias_grads[1][0], abs=1e-15)
    assert numerical == pytest.approx(chainrule, abs=1e-9)
    assert yours == pytest.approx(2 * chainrule, abs=1e-15) and ratio == pytest.approx(2.0, abs=1e-12)


def test_the_practice_project_is_checked_without_running_its_mnist_script():
    result = checked("guide_practice")
    assert any("skipped the script statements" in note for note in result.notes)
    assert statuses(result)["one update"] == "FAIL"        # no train_step: one example through train_epoch
    assert "[2, 4, 1]: 3 epochs of 10 in batches of 4 match chainrule" in result.check_named("train_epoch").summary
    assert statuses(result)["shuffling"] == "PASS" and "exactly the guide's" in result.check_named("shuffling").summary


def test_section_3_module_level_train_epoch_is_used():
    result = checked("guide_section3")
    assert any("train_epoch is a function of the file" in note for note in result.notes)
    assert "[2, 4, 1]: mean loss 0.4183 -> 0.3791 over 10 passes, as chainrule" in result.check_named("training run").summary


def test_section_2_code_without_training_methods_only_gets_forward_and_backward_checked():
    result = checked("guide_section2")
    assert result.check_named("train_step") is None and result.check_named("train_epoch") is None
    assert any("no train_step or train_epoch" in note for note in result.notes)


# --- every right coding style passes ---

@pytest.mark.parametrize("name", CORRECT)
def test_a_right_network_passes_in_every_style(name):
    result = checked(name)
    assert result.passed and result.exit_code == 0, str(result)
    assert [f for f in result.diagnoses if f.severity == "error"] == []
    assert {"initial weights", "forward", "backward", "gradient check", "train_step"} <= \
        {c.name for c in result.checks if c.status == "PASS"}
    assert "Verdict: all checks passed" in str(result) or "Verdict: passed every check that ran" in str(result)


def test_conventions_are_notes_never_failures():
    nielsen = checked("correct_nielsen")
    assert any("column vectors (n, 1), as Nielsen's network.py does" in n for n in nielsen.notes)
    assert statuses(nielsen)["batches"] == "SKIP"           # its backward() takes one column at a time
    transposed = checked("correct_transposed")
    assert any("shape (n_in, n_out), used as a @ W" in n for n in transposed.notes)
    assert any("self.W and self.b" in n for n in transposed.notes)
    float32 = checked("correct_float32")
    assert any("float32" in n for n in float32.notes)
    assert statuses(checked("correct_row_batches"))["batches"] == "PASS"


def test_a_workable_choice_is_a_warning_with_its_consequence():
    scaled = checked("mistake_init_scaled")               # randn * 0.1, and a train_step that returns None
    assert scaled.passed and statuses(scaled)["initial weights"] == "WARN"
    seen = finding(scaled, "init_scaled").seen
    assert "randn(n_out, n_in) * 0.1" in seen and "training starts slower" in seen
    assert statuses(scaled)["train_step"] == "WARN" and "would raise TypeError" in scaled.check_named("train_step").summary
    tanh = checked("mistake_tanh_hidden")
    assert tanh.passed and statuses(tanh)["backward"] == "PASS"
    assert "Network(..., activation='tanh')" in tanh.check_named("forward").summary

"""The lab's view of the learner's own class (for ``chainrule lab --mine``): their class, in the check's
sandbox, on an explicit network state and example, beside chainrule's numbers, in the guide's conventions.
The state here is the guide's own hand-trace (Section 2, Full Hand-Trace: a 2-2-1 network, x = [1, 2],
target = [1]), so the numbers are what the guide's code prints for it (its printed hand arithmetic is off in the
last digit: sigmoid(0.71) is 0.6704, not 0.6706; docs/errata.md)."""
import os
from pathlib import Path

import numpy as np
import pytest

from chainrule.check.lab import LearnerSession, run_learner
from chainrule.check.sandbox import Limits

FIXTURES = Path(__file__).parent / "fixtures"
W = [[[0.1, 0.3], [0.2, 0.4]], [[0.5, 0.6]]]
B = [[0.01, 0.02], [0.03]]


def test_a_right_class_shows_the_guides_hand_trace_numbers():
    result = run_learner(FIXTURES / "correct.py", [2, 2, 1], W, B, x=[1.0, 2.0], target=[1.0], learning_rate=0.5)
    assert result.first_difference is None and result.error == "" and result.how == "train_step"
    assert np.round(result.mine.output, 4).tolist() == [0.6913]                       # Step 1
    assert np.round(result.saved["activations"][1], 4).tolist() == [0.6704, 0.735]
    assert np.round(result.mine.weight_grads[1], 4).tolist() == [[-0.0883, -0.0968]]    # Step 3
    assert np.round(result.mine.bias_grads[0], 4).tolist() == [-0.0146, -0.0154]       # Step 4
    assert np.round(result.mine.weights_after[1], 4).tolist() == [[0.5442, 0.6484]]    # Step 5
    for mine, reference in zip(result.mine.weights_after, result.reference.weights_after):
        np.testing.assert_allclose(mine, reference, rtol=1e-12)
    assert np.round(result.reference.z[0], 2).tolist() == [0.71, 1.02]


@pytest.mark.parametrize("name", ["correct_nielsen", "correct_transposed", "guide_practice"])
def test_other_conventions_come_back_in_the_guides(name):
    result = run_learner(FIXTURES / f"{name}.py", [2, 2, 1], W, B, x=[1.0, 2.0], target=[1.0])
    assert result.first_difference is None
    assert np.round(result.mine.weight_grads[1], 4).tolist() == [[-0.0883, -0.0968]]
    assert len(result.mine.weights_after[0]) == 2 and len(result.mine.weights_after[0][0]) == 2


def test_a_session_serves_many_states_and_marks_the_first_wrong_value():
    with LearnerSession(FIXTURES / "mistake_derivative_of_z.py") as mine:
        first = mine.run([2, 2, 1], W, B, x=[1.0, 2.0], target=[1.0])
        second = mine.run([3, 4, 2], [np.full((4, 3), 0.1), np.full((2, 4), -0.2)], [np.zeros(4), np.zeros(2)],
                          x=[0.5, -1.0, 2.0], target=[1.0, 0.0])
        pid = mine.box.process.pid
    assert first.mine.output == pytest.approx(first.reference.output)
    assert first.first_difference == second.first_difference == "bias_grads[1]"   # the output layer's delta
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_hang_in_the_learners_code_is_an_error_of_the_result_not_of_the_lab():
    with LearnerSession(FIXTURES / "hangs.py", limits=Limits(seconds=60, probe_seconds=1.0)) as mine:
        result = mine.run([2, 2, 1], W, B, x=[1.0, 2.0], target=[1.0])
    assert result.stage == "backward" and result.mine.weight_grads is None
    assert result.mine.output == pytest.approx(result.reference.output)


def test_what_forward_saves_is_shown_under_the_learners_own_names():
    result = run_learner(FIXTURES / "correct_stores_z.py", [2, 2, 1], W, B, x=[1.0, 2.0], target=[1.0])
    assert set(result.saved) == {"cache['z']", "cache['a']"}
    assert np.round(result.saved["cache['z']"][0], 2).tolist() == [0.71, 1.02]       # z1 of the hand-trace
    assert result.first_difference is None


def test_a_hang_says_when_it_was_stopped_and_the_session_goes_on():
    with LearnerSession(FIXTURES / "hangs.py", limits=Limits(seconds=60, probe_seconds=0.5)) as mine:
        result = mine.run([2, 2, 1], W, B, x=[1.0, 2.0], target=[1.0])
        assert result.timeout == 0.5 and result.error == "" and result.ended == ""
        assert mine.alive                        # the alarm stopped their loop; the worker is still there


def test_a_process_that_ends_is_said_once_with_its_exit_code_and_what_it_printed():
    with LearnerSession(FIXTURES / "crashes.py", limits=Limits(seconds=60, probe_seconds=2.0)) as mine:
        result = mine.run([2, 2, 1], W, B, x=[1.0, 2.0], target=[1.0])
        assert result.ended == "exit code 3" and not mine.alive
        assert result.error == "your code did not finish: its process ended (exit code 3)"
        assert "about to crash" in result.printed and result.mine.output is None
        pid = mine.box.process.pid
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_session_knows_what_the_class_has():
    with LearnerSession(FIXTURES / "mistake_derivative_of_z.py") as mine:
        assert (mine.class_name, mine.own_loss, mine.has_train_step, mine.train_epoch) == \
            ("Network", True, True, "method")
        assert mine.supports.activations == ("sigmoid",) and mine.supports.losses == ("mse",)
    with LearnerSession(FIXTURES / "crashes.py") as mine:
        assert (mine.own_loss, mine.has_train_step, mine.train_epoch) == (False, False, "")


def test_a_file_that_cannot_be_loaded_says_why(tmp_path):
    from chainrule.errors import ConfigError

    (tmp_path / "helpers.py").write_text("import time\ntime.sleep(30)\n")     # their own module: it is imported
    slow = tmp_path / "slow_import.py"
    slow.write_text("import helpers\n")
    with pytest.raises(ConfigError, match=r"slow_import\.py: cannot load your Network: loading it did not finish "
                                          r"within 0\.5 s"):
        LearnerSession(slow, limits=Limits(seconds=60, probe_seconds=0.5))
    with pytest.raises(ConfigError, match=r"it has no class 'Net' \(classes: Network\)"):
        LearnerSession(FIXTURES / "correct.py", class_name="Net")

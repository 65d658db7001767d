"""The learner's code cannot hang, kill or garble ``chainrule check``; the CLI and the in-process path."""
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from chainrule.check import check, check_implementation
from chainrule.check.models import MISTAKES, model_gradients
from chainrule.cli.main import main
from chainrule.core import Network
from chainrule.errors import ConfigError

FIXTURES = Path(__file__).parent / "fixtures"


def test_an_infinite_loop_is_stopped_by_the_time_limit():
    start = time.perf_counter()
    result = check(FIXTURES / "hangs.py", probe_timeout=1.0, timeout=30)
    assert time.perf_counter() - start < 10
    assert not result.passed and "hangs" in result.diagnosis_keys
    assert result.first_failure.message == "did not finish within 1 s (stopped while in backward)"


def test_the_whole_run_is_killed_at_its_time_limit():
    start = time.perf_counter()
    result = check(FIXTURES / "hangs.py", probe_timeout=30, timeout=4)
    assert time.perf_counter() - start < 15
    assert not result.passed and "hangs" in result.diagnosis_keys
    assert any("ran out of time" in c.summary for c in result.checks if c.status == "FAIL")


def test_a_crash_ends_only_the_child_and_its_printing_is_kept_apart():
    result = check(FIXTURES / "crashes.py")
    assert not result.passed
    assert "ended (exit code 3)" in result.first_failure.message
    assert result.printed.splitlines()[-1] == "about to crash"
    report = str(result)
    for line in report.splitlines():
        if "forward called with" in line or "about to crash" in line:
            assert line.startswith("  | ")   # the learner's prints only ever appear quoted


def test_a_file_that_fails_on_import():
    result = check(FIXTURES / "import_error.py", whole_file=True)
    assert result.failed == ["load"]
    assert result.first_failure.message.startswith("ValueError: my file has a bug at the top level at line 18")
    # by default the top-level raise is a script statement and is skipped; then the constructor fails
    result = check(FIXTURES / "import_error.py")
    assert "initial weights" in result.failed
    assert "RuntimeError: not written yet" in result.first_failure.message


def test_no_network_class_is_a_usage_error():
    with pytest.raises(ConfigError, match="no class with forward\\(\\) and backward\\(\\).*Layer"):
        check(FIXTURES / "no_network.py")
    with pytest.raises(ConfigError, match="has no class 'Net'"):
        check(FIXTURES / "correct.py", class_name="Net")
    with pytest.raises(ConfigError, match="no such file"):
        check(FIXTURES / "missing.py")


def _load(name):
    spec = importlib.util.spec_from_file_location(f"learner_{name}", FIXTURES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_a_class_is_checked_through_its_file_or_in_process():
    module = _load("mistake_wrong_layer")
    by_file = check(module.Network)
    in_process = check_implementation(module.Network, in_process=True)
    assert by_file.diagnosis_keys == in_process.diagnosis_keys == ["wrong_layer"]
    assert [c.status for c in by_file.checks] == [c.status for c in in_process.checks]


def test_cli_exit_codes_and_report(capsys):
    assert main(["check", str(FIXTURES / "correct.py")]) == 0
    assert "Verdict: all checks passed." in capsys.readouterr().out
    assert main(["check", str(FIXTURES / "guide_section2.py")]) == 1
    out = capsys.readouterr().out
    assert "First failure: backward, [3, 4, 2] network (seed 99)" in out and "Diagnosis:" in out
    assert main(["check", str(FIXTURES / "no_network.py")]) == 2
    assert "no class with forward() and backward()" in capsys.readouterr().err


def test_the_mistake_models_reduce_to_chainrule():
    """The model with no mistake is chainrule's backward; dropping the mean multiplies it by n_out."""
    net = Network([3, 4, 2], seed=99)
    x, t = np.array([0.5, -1.0, 2.0]), np.array([1.0, 0.0])
    net.forward(x)
    weight_grads, bias_grads = net.backward(t)
    no_mistake = MISTAKES[0]
    W, b = model_gradients(net.weights, net.biases, x, t, no_mistake)
    for mine, ref in zip(W + b, list(weight_grads) + list(bias_grads)):
        np.testing.assert_allclose(mine, ref, rtol=1e-12, atol=1e-15)
    W2, b2 = model_gradients(net.weights, net.biases, x, t, no_mistake, mean=False)
    for mine, ref in zip(W2 + b2, W + b):
        np.testing.assert_allclose(mine, 2 * ref, rtol=1e-12, atol=1e-15)


def test_the_module_is_callable_as_chainrule_check():
    import chainrule.check

    result = chainrule.check(FIXTURES / "mistake_no_shuffle.py")
    assert result.diagnosis_keys == ["no_shuffle"]
    assert chainrule.check.check is chainrule.check.check_implementation

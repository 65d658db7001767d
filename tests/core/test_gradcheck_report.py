"""gradient_check's report as it prints and as it reads: rows, the summary line of a pass and of a failure,
and the network left exactly as it was."""
import re

import numpy as np
import pytest

from chainrule import Network, gradient_check
from chainrule.errors import ConfigError

ROW = re.compile(r"  Layer (\d) ([Wb]\[[\d,]+\]):\s+analytical=\s*(\S+)  numerical=\s*(\S+)  diff=(\S+)  (OK|FAIL)")


def small():
    net = Network([2, 3, 2], seed=4)
    net.biases[0][:] = [0.1, -0.2, 0.3]
    return net, np.array([[0.5, -1.0], [1.5, 0.25]]), np.array([[1.0, 0.0], [0.0, 1.0]])


def test_a_passing_report_prints_every_row_and_the_largest_differences():
    net, x, target = small()
    report = gradient_check(net, x, target)
    lines = str(report).splitlines()
    assert lines[:2] == ["Gradient check (analytical vs numerical):", ""]
    rows = [ROW.fullmatch(line) for line in lines[2:-2]]
    assert all(rows) and len(rows) == len(report) == 2 * 3 + 3 + 3 * 2 + 2
    assert [row.group(1, 2) for row in rows[:3]] == [("1", "W[0,0]"), ("1", "W[0,1]"), ("1", "W[1,0]")]
    assert [row.group(6) for row in rows] == ["OK"] * len(rows)
    assert lines[-2] == ""
    assert lines[-1] == (f"All {len(report)} gradients passed (max abs diff {report.max_abs_diff:.2e}, "
                         f"max rel diff {report.max_rel_diff:.2e}).")
    assert report.passed and report.failures == [] and report.tolerance == 1e-5
    assert report.max_abs_diff == max(row.abs_diff for row in report) < 1e-9
    assert report.max_rel_diff == max(row.rel_diff for row in report)


def test_a_failing_report_names_how_many_failed_and_the_tolerance():
    net, x, target = small()
    report = gradient_check(net, x, target, tolerance=1e-13)
    failed = report.failures
    assert 0 < len(failed) <= len(report) and not report.passed
    assert all(not row.ok and row.abs_diff >= 1e-13 for row in failed)
    assert all(row.ok == (row.abs_diff < 1e-13) for row in report)
    lines = str(report).splitlines()
    assert lines[-1] == f"{len(failed)} of {len(report)} gradients FAILED (tolerance 1e-13)."
    statuses = [ROW.fullmatch(line).group(6) for line in lines[2:-2]]
    assert statuses.count("FAIL") == len(failed)


def test_each_row_holds_its_numbers():
    net, x, target = small()
    net.forward(x)
    weight_grads, bias_grads = net.backward(target)
    report = gradient_check(net, x, target)
    by_place = {(row.layer, row.parameter, row.index): row for row in report}
    row = by_place[(2, "W", (1, 2))]
    assert row.analytical == pytest.approx(weight_grads[1][1, 2], rel=1e-12)
    assert row.numerical == pytest.approx(row.analytical, rel=1e-6)
    assert row.abs_diff == abs(row.numerical - row.analytical)
    assert row.rel_diff == pytest.approx(row.abs_diff / max(abs(row.numerical), abs(row.analytical)))
    assert by_place[(1, "b", (2,))].analytical == pytest.approx(bias_grads[0][2], rel=1e-12)
    assert str(row) == (f"  Layer 2 W[1,2]: analytical={row.analytical:>9.6f}  numerical={row.numerical:>9.6f}  "
                        f"diff={row.abs_diff:.2e}  OK")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_network_is_left_exactly_as_it_was(dtype):
    net, x, target = small()
    net = net.astype(dtype)
    before = [p.copy() for p in net.weights + net.biases]
    net.forward(x)
    output = net.activations[-1].copy()
    report = gradient_check(net, x, target)
    assert report.passed
    for a, b in zip(net.weights + net.biases, before):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    if dtype == np.float64:                  # the saved activations are those of the unperturbed network
        np.testing.assert_array_equal(net.activations[-1], output)


def test_a_zero_gradient_has_a_relative_difference_of_zero():
    net = Network([2, 1], seed=0, output_activation="identity")
    x = np.array([[0.0, 1.0]])
    report = gradient_check(net, x, net.forward(x).copy())   # at the target: every gradient is 0
    assert all(row.analytical == 0 and row.rel_diff == 0.0 for row in report)


def test_epsilon_must_be_positive():
    net, x, target = small()
    with pytest.raises(ConfigError, match=r"^epsilon must be > 0, got 0$"):
        gradient_check(net, x, target, epsilon=0)

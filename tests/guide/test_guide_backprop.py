"""Section 2's seeded networks: backward() (block 14), gradient checking (block 15), Exercise 2.2 (block 17).

Block 17 is a real bug in the guide's code. Its backward() starts from dL/da = 2 (a - t), but its mse_loss
is the mean over the 2 outputs, so its gradients are exactly twice the true ones and all 26 checks FAIL.
Below, the guide's backward formula is transcribed (here, in the test, never in the library) and run on
chainrule's network to show the ratio 2.000000, and that the one-line fix gives chainrule's gradients.
"""
import re

import numpy as np
import pytest

from chainrule import Network, gradient_check, mse_loss, mse_loss_gradient, sigmoid_derivative
from chainrule.guide import backprop


def test_block_14_network_2_2_1_seed_0():
    assert backprop.block_14_backward() == (
        "Prediction: 0.6816\n"                      # guide: 0.7311
        "Loss:       0.1014\n"                      # guide: 0.0723
        "\n"
        "Weight gradients:\n"
        "  Layer 1: dW = [[-0.0171 -0.0343]\n"
        " [ 0.0006  0.0011]]\n"
        "           db = [-0.0171  0.0006]\n"
        "  Layer 2: dW = [[-0.1283 -0.1376]]\n"
        "           db = [-0.1382]"
    )


def test_block_14_guides_expected_output_contradicts_itself():
    # The guide prints prediction 0.7311 (loss 0.0723) but db2 = -0.1161. For one sigmoid output,
    # db2 = dL/da * sigmoid'(a) = 2 (a - 1) a (1 - a): 0.7311 gives -0.1057; -0.1161 needs a ~ 0.715.
    def db2(a):
        return (mse_loss_gradient([a], [1.0]) * sigmoid_derivative(np.array([a])))[0]

    assert f"{mse_loss([0.7311], [1.0]):.4f}" == "0.0723"
    assert f"{db2(0.7311):.4f}" == "-0.1057"
    assert f"{db2(0.7151):.4f}" == "-0.1161"


GRAD_ROW = re.compile(r"  Layer (\d) ([Wb]\[[\d,]+\]):\s+analytical=(.{9})  numerical=(.{9})  diff=(\S+)  (OK|FAIL)")


def test_block_15_gradient_check_all_9_ok():
    lines = backprop.block_15_gradient_check().splitlines()
    assert lines[:2] == ["Gradient check (analytical vs numerical):", ""]
    rows = [GRAD_ROW.fullmatch(line).groups() for line in lines[2:]]
    # (layer, parameter, analytical = numerical) as the guide's code prints them; the guide shows
    # -0.004102, -0.008205, ... which belong to its irreproducible block-14 network.
    assert [(layer, where, analytical.strip()) for layer, where, analytical, *_ in rows] == [
        ("1", "W[0,0]", "-0.017130"), ("1", "W[0,1]", "-0.034261"),
        ("1", "W[1,0]", "0.000569"), ("1", "W[1,1]", "0.001139"),
        ("1", "b[0]", "-0.017130"), ("1", "b[1]", "0.000569"),
        ("2", "W[0,0]", "-0.128348"), ("2", "W[0,1]", "-0.137641"), ("2", "b[0]", "-0.138226"),
    ]
    assert all(numerical == analytical for _, _, analytical, numerical, _, _ in rows)
    # The last digits of diff are rounding noise (about 2e-12 to 4e-13 here; the guide shows 1e-10 to 1e-11).
    assert all(float(diff) < 1e-11 and status == "OK" for *_, diff, status in rows)


def test_block_17_chainrule_passes_all_26():
    assert backprop.block_17_gradient_check_3_4_2() == (
        "Architecture: 3 -> 4 -> 2\n"
        "Input:      [ 0.5 -1.   2. ]\n"
        "Target:     [1. 0.]\n"
        "Prediction: [0.4252 0.4962]\n"             # guide: [0.5468 0.4855]
        "Loss:       0.2883\n"                      # guide: 0.1381
        "\n"
        "All 26 gradients passed! Backprop is correct."
    )


def guide_backward(net, target, dL_da=None):
    """The guide's backward() (Exercise 2.2), transcribed, on chainrule's saved activations."""
    activations = net.activations
    a_out = activations[-1]
    if dL_da is None:
        dL_da = 2 * (a_out - target)                     # the guide's line: drops mse_loss's 1/n
    delta = dL_da * sigmoid_derivative(a_out)
    weight_grads, bias_grads = [None] * len(net.weights), [None] * len(net.weights)
    for i in range(len(net.weights) - 1, -1, -1):
        weight_grads[i] = delta.reshape(-1, 1) @ activations[i].reshape(1, -1)
        bias_grads[i] = delta.copy()
        if i > 0:
            delta = (net.weights[i].T @ delta).flatten() * sigmoid_derivative(activations[i])
    return weight_grads, bias_grads


def _flat(grads):
    return np.concatenate([g.ravel() for pair in zip(*grads) for g in pair])


def _exercise_2_2():
    net = Network([3, 4, 2], seed=99)
    x, target = np.array([0.5, -1.0, 2.0]), np.array([1.0, 0.0])
    net.forward(x)
    return net, x, target


def test_block_17_guides_backward_is_exactly_2x_the_numerical_gradient():
    net, x, target = _exercise_2_2()
    guide = _flat(guide_backward(net, target))
    report = gradient_check(net, x, target)
    numerical = np.array([row.numerical for row in report])
    ratios = guide / numerical
    assert len(ratios) == 26
    assert {f"{r:.6f}" for r in ratios} == {"2.000000"}
    # Under the guide's own rule |numerical - analytical| > 1e-5 -> FAIL, all 26 fail:
    assert np.all(np.abs(numerical - guide) > 1e-5)
    # chainrule's gradients are the numerical ones (all 26 OK), so the guide's are 2x chainrule's.
    assert report.passed and len(report) == 26
    np.testing.assert_allclose(guide, 2 * _flat(net.backward(target)), rtol=1e-12, atol=0)


def test_block_17_one_line_fix_gives_chainrules_gradients():
    net, x, target = _exercise_2_2()
    a_out = net.activations[-1]
    fixed = guide_backward(net, target, dL_da=2 * (a_out - target) / a_out.size)
    np.testing.assert_allclose(_flat(fixed), _flat(net.backward(target)), rtol=1e-12, atol=1e-15)
    # and with one output (n = 1) the guide's formula is already right: blocks 14-15 pass.
    net1 = Network([2, 2, 1], seed=0)
    net1.forward([1.0, 2.0])
    np.testing.assert_allclose(_flat(guide_backward(net1, np.array([1.0]))), _flat(net1.backward([1.0])),
                               rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("n_outputs", [1, 2, 5, 10])
def test_guides_backward_is_n_outputs_times_the_true_gradient(n_outputs):
    # The same backward() trains the mini-batch helper (block 20) and the MNIST project ([784, 64, 5]):
    # there the gradients are 5x those of the mse_loss it reports, so learning_rate=0.5 acts as 2.5.
    net = Network([4, 3, n_outputs], seed=42)
    x = np.linspace(-1, 1, 4)
    target = (np.arange(n_outputs) % 2).astype(float)
    net.forward(x)
    np.testing.assert_allclose(_flat(guide_backward(net, target)), n_outputs * _flat(net.backward(target)),
                               rtol=1e-12, atol=1e-15)

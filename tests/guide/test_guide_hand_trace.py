"""Section 2's hand-trace (blocks 9-13) and Exercise 2.1 (block 16), read off a chainrule Network that
holds the guide's W1, b1, W2, b2. The guide's hand arithmetic slips at sigmoid(0.71) (0.6704, not 0.6706)
and every later value inherits the slip; these are the values the guide's code prints."""
import numpy as np

from chainrule import Network, mse_loss, sigmoid
from chainrule.guide import hand_trace


def test_hand_trace_network_holds_the_guides_weights():
    net = hand_trace.hand_trace_network()
    assert np.array_equal(net.weights[0], [[0.1, 0.3], [0.2, 0.4]])
    assert np.array_equal(net.biases[1], [0.03])


def test_sigmoid_of_0_71_is_0_6704_not_0_6706():
    assert f"{sigmoid(0.71):.4f}" == "0.6704"
    assert f"{sigmoid(1.02):.4f}" == "0.7350"


def test_block_9_forward_pass():
    assert hand_trace.block_9_forward() == (
        "z1 = [0.71 1.02]\n"
        "a1 = [0.6704 0.735 ]\n"    # guide: [0.6706 0.7352]
        "z2 = [0.8062]\n"           # guide: 0.8064
        "a2 = [0.6913]"             # guide: 0.6914
    )


def test_block_10_loss():
    assert hand_trace.block_10_loss() == (
        "Prediction: 0.6913\n"
        "Target:     1.0000\n"
        "MSE loss:   0.0953"        # guide: 0.0952
    )


def test_block_11_output_layer():
    assert hand_trace.block_11_output_layer() == (
        "dL/da2  = [-0.6174]\n"     # guide: -0.6173
        "da2/dz2 = [0.2134]\n"      # guide: 0.2133
        "delta2  = [-0.1318]\n"     # guide: -0.1316
        "dL/dW2  = [[-0.0883 -0.0968]]\n"
        "dL/db2  = [-0.1318]"
    )


def test_block_12_hidden_layer():
    assert hand_trace.block_12_hidden_layer() == (
        "dL/da1  = [-0.0659 -0.0791]\n"
        "da1/dz1 = [0.221  0.1948]\n"
        "delta1  = [-0.0146 -0.0154]\n"
        "dL/dW1  = [[-0.0146 -0.0291]\n"
        " [-0.0154 -0.0308]]\n"
        "dL/db1  = [-0.0146 -0.0154]"
    )


def test_block_13_update_new_prediction_0_7208():
    assert hand_trace.block_13_update() == (
        "Before -> After update:\n"
        "W2: [[0.5 0.6]] -> [[0.5442 0.6484]]\n"
        "b2: [0.03] -> [0.0959]\n"
        "W1:\n"
        "[[0.1 0.3]\n"
        " [0.2 0.4]]\n"
        "->\n"
        "[[0.1073 0.3146]\n"
        " [0.2077 0.4154]]\n"
        "b1: [0.01 0.02] -> [0.0173 0.0277]\n"
        "\n"
        "Old prediction: 0.6913  (loss: 0.0953)\n"
        "New prediction: 0.7208  (loss: 0.0780)\n"   # guide: 0.7253 (loss 0.0755)
        "Loss decreased: True"
    )


def test_block_13_guides_own_updated_weights_give_0_7207_not_0_7253():
    net = Network([2, 2, 1])
    net.set_weights(([[[0.1073, 0.3146], [0.2077, 0.4154]], [[0.5441, 0.6484]]],
                     [[0.0173, 0.0277], [0.0958]]))
    prediction = net.forward([1.0, 2.0])
    assert f"{prediction[0]:.4f}" == "0.7207"
    assert f"{mse_loss(prediction, [1.0]):.4f}" == "0.0780"


def test_block_16_trace_for_x_0_5_1_5_target_0():
    assert hand_trace.block_16_trace_other_input() == (
        "=== Forward Pass ===\n"
        "z1 = [0.51 0.72]\n"
        "a1 = [0.6248 0.6726]\n"
        "z2 = [0.746]\n"            # guide: [0.7460], which numpy never prints
        "a2 = [0.6783]\n"           # guide: 0.6784
        "loss = 0.4601\n"           # guide: 0.4603
        "\n"
        "=== Backward Pass ===\n"   # the guide's extra "da2/dz2 = [0.2183]" line: its code prints no such line
        "dL/da2  = [1.3566]\n"
        "delta2  = [0.296]\n"
        "dL/dW2  = [[0.185  0.1991]]\n"
        "dL/db2  = [0.296]\n"
        "dL/da1  = [0.148  0.1776]\n"
        "delta1  = [0.0347 0.0391]\n"
        "dL/dW1  = [[0.0173 0.052 ]\n"
        " [0.0196 0.0587]]\n"
        "dL/db1  = [0.0347 0.0391]"
    )

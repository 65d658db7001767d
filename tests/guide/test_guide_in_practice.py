"""Section 4 (training in practice): the sine loss curve (block 24) and the overfitting demos (blocks 25, 27).
Neither demo overfits: the guide's "(approximate)" outputs tell a story its code does not produce."""
import numpy as np

from chainrule import Network
from chainrule.guide import in_practice


def test_block_24_sine_fit_final_loss():
    assert in_practice.block_24_loss_curve() == "Final loss: 0.001475"


def test_block_25_overfitting_demo_does_not_overfit():
    assert in_practice.block_25_overfitting() == (
        "Epoch    0: train_loss=0.099329  test_loss=0.143052\n"
        "Epoch 1000: train_loss=0.007316  test_loss=0.003666\n"
        "Epoch 2000: train_loss=0.006376  test_loss=0.003704\n"
        "Epoch 2999: train_loss=0.006077  test_loss=0.004037"
    )
    # guide (approximate): train 0.209432 / 0.004521 / 0.001230 / 0.000345, test 0.166285 / 0.009843 /
    # 0.013567 / 0.019821. Really the train loss plateaus near the noise level and the test loss stays below it.


def test_block_25_train_loss_sits_at_the_noise_level():
    # The training targets carry N(0, 0.1) noise: their mean squared noise is 0.0087, and a fit that
    # ignores the noise cannot get far below it. The test set is the clean curve, hence its lower loss.
    X_train, y_train = in_practice.noisy_sine(20, np.random.RandomState(42))
    assert f"{np.mean((y_train - np.sin(np.pi * X_train)) ** 2):.4f}" == "0.0087"


def test_block_27_exercise_4_1_flags_no_overfitting():
    assert in_practice.block_27_split_and_overfit() == (
        "Epoch    Train Loss     Test Loss   Overfitting?\n"   # 3 spaces before Overfitting?; guide shows 2
        "------------------------------------------------\n"
        "    0      0.140369      0.070272             No\n"
        "  500      0.007419      0.014755             No\n"
        " 1000      0.006681      0.013187             No\n"   # guide: Yes from here on
        " 1500      0.006335      0.012809             No\n"
        " 1999      0.006136      0.012433             No"     # guide: test 0.025678, Yes
    )


def test_block_27_network_has_49_parameters_not_33():
    assert Network([1, 16, 1]).n_params == 16 + 16 + 16 + 1 == 49


def test_practice_project_network_has_50565_parameters_not_50629():
    assert Network([784, 64, 5]).n_params == 784 * 64 + 64 + 64 * 5 + 5 == 50565

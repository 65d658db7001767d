"""Every python block of the guide, numbered as in what-the-code-prints.md (the 36 ```python blocks in order).

``BLOCKS`` holds the blocks that compute something: number -> ``Block(section, function)``; the function
returns the text the guide's code prints. ``FRAGMENTS`` says why each other block prints nothing of its own.
"""
from dataclasses import dataclass
from typing import Callable

from ..errors import ConfigError
from . import backprop, hand_trace, in_practice, losses, practice_project, training_loop


@dataclass(frozen=True)
class Block:
    number: int
    section: str
    function: Callable[..., str]
    #: how the guide's printed "Expected output" compares with what its code prints (docs/errata.md)
    guide_says: str = "wrong numbers"
    #: the block begins with np.load('mnist_data.npz'): ``run(path)`` takes that file (practice_project.py)
    reads_mnist: bool = False

    def run(self, mnist_path=None):
        return self.function(mnist_path) if self.reads_mnist else self.function()


_S1 = "Section 1: Loss Functions"
_S2 = "Section 2: Backpropagation"
_TRACE = f"{_S2} > Full Hand-Trace: A 2→2→1 Network"
_S3 = "Section 3: The Training Loop"
_S4 = "Section 4: Training in Practice"
_PROJECT = "Practice Project: Train on MNIST Digits"

BLOCKS = {b.number: b for b in [
    Block(1, "Setup", losses.block_1_setup_check, guide_says="right"),
    Block(2, f"{_S1} > Mean Squared Error (MSE)", losses.block_2_mse,
          guide_says="right (array spacing)"),
    Block(3, f"{_S1} > Cross-Entropy Loss", losses.block_3_cross_entropy),
    Block(4, f"{_S1} > Why Cross-Entropy for Classification?", losses.block_4_mse_vs_cross_entropy),
    Block(6, f"{_S1} > Exercise 1.1: Compute MSE by Hand (solution)", losses.block_6_mse_by_hand,
          guide_says="right (rounds 0.085)"),
    Block(7, f"{_S1} > Exercise 1.2: Cross-Entropy and Confident Wrong Answers (solution)",
          losses.block_7_confident_wrong),
    Block(9, f"{_TRACE} > Step 1: Forward Pass", hand_trace.block_9_forward),
    Block(10, f"{_TRACE} > Step 2: Compute the Loss", hand_trace.block_10_loss,
          guide_says="last digit off"),
    Block(11, f"{_TRACE} > Step 3: Backward Pass — Output Layer", hand_trace.block_11_output_layer),
    Block(12, f"{_TRACE} > Step 4: Backward Pass — Hidden Layer", hand_trace.block_12_hidden_layer,
          guide_says="last digit off"),
    Block(13, f"{_TRACE} > Step 5: Update the Weights", hand_trace.block_13_update),
    Block(14, f"{_S2} > Implementing backward()", backprop.block_14_backward),
    Block(15, f"{_S2} > Gradient Checking: Verify Backprop Is Correct", backprop.block_15_gradient_check),
    Block(16, f"{_S2} > Exercise 2.1: Trace Backprop by Hand for a Different Input (solution)",
          hand_trace.block_16_trace_other_input),
    Block(17, f"{_S2} > Exercise 2.2: Implement backward() and Verify with Gradient Checking (solution)",
          backprop.block_17_gradient_check_3_4_2, guide_says="CODE BUG: gradients 2x"),
    Block(18, f"{_S3} > Putting It All Together", training_loop.block_18_single_example),
    Block(19, f"{_S3} > Learning Rate", training_loop.block_19_learning_rates),
    Block(22, f"{_S3} > Exercise 3.1: Train a Network on XOR (solution)", training_loop.block_22_xor),
    Block(23, f"{_S3} > Exercise 3.2: Experiment with Different Learning Rates (solution)",
          training_loop.block_23_xor_learning_rates),
    Block(24, f"{_S4} > Monitoring Training: The Loss Curve", in_practice.block_24_loss_curve,
          guide_says="no expected output"),
    Block(25, f"{_S4} > Overfitting and Underfitting", in_practice.block_25_overfitting),
    Block(27, f"{_S4} > Exercise 4.1: Split Data and Observe Overfitting (solution)",
          in_practice.block_27_split_and_overfit),
    Block(28, f"{_PROJECT} > Hint 1: Loading and preparing the data", practice_project.block_28_load_and_prepare,
          guide_says="right (prints nothing)", reads_mnist=True),
    Block(31, f"{_PROJECT} > Example Solution", practice_project.block_31_example_solution,
          guide_says="no expected output", reads_mnist=True),
]}

FRAGMENTS = {
    5: "Exercise 1.1's data (two arrays, no print); block 6 is its solution",
    8: "the hand-trace setup (W1, b1, W2, b2, x, target); blocks 9-13 run on it",
    20: "a train_epoch helper, defined and never called; it is Network.train_epoch",
    21: "Exercise 3.1's XOR data (no print); block 22 is its solution",
    26: "Exercise 4.1's data split (no print); block 27 is its solution",
    29: "an accuracy() helper, defined only",
    30: "a mini-batch loop skeleton (needs X_train)",
    32: "Quick Reference: loss definitions", 33: "Quick Reference: per-layer pseudo-code",
    34: "Quick Reference: training-loop pseudo-code", 35: "Quick Reference: sigmoid definitions",
    36: "Quick Reference: gradient-checking pseudo-code",
}


def get_block(number):
    """The ``Block`` for a guide block number; a clear error for fragments and unknown numbers."""
    if number in BLOCKS:
        return BLOCKS[number]
    if number in FRAGMENTS:
        raise ConfigError(f"guide block {number} prints nothing to reproduce: {FRAGMENTS[number]}. "
                          f"Blocks that compute something: {_numbers()}")
    raise ConfigError(f"the guide has python blocks 1-36; blocks that compute something: {_numbers()}, "
                      f"got {number}")


def run_block(number, mnist_path=None):
    """The text guide block ``number`` prints, computed with chainrule (``mnist_path``: the guide's
    mnist_data.npz, for the blocks that read it)."""
    return get_block(number).run(mnist_path)


def _numbers():
    return ", ".join(map(str, BLOCKS))

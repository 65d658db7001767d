"""Section 1 (loss functions): what the guide's blocks 1-7 really print, reproduced with chainrule.

Expected texts are the real outputs listed in what-the-code-prints.md (measured by running the guide's
code verbatim); docs/errata.md lists where the guide's printed "Expected output" differs.
"""
import numpy as np

from chainrule import cross_entropy_loss
from chainrule.guide import losses


def test_block_1_setup_check():
    lines = losses.block_1_setup_check().splitlines()
    assert lines[0] == f"numpy version: {np.__version__}"
    assert lines[1].startswith("matplotlib version: ")
    assert lines[2] == "MSE loss: 0.0200"


def test_block_2_mse_prints_targets_without_the_guides_padding():
    assert losses.block_2_mse() == (
        "Predictions: [0.9 0.1 0.8]\n"
        "Targets:     [1. 0. 1.]\n"          # the guide prints [1.  0.  1. ], which no numpy print mode gives
        "Errors:      [-0.1  0.1 -0.2]\n"
        "Squared:     [0.01 0.01 0.04]\n"
        "MSE loss:    0.0200"
    )


def test_block_3_cross_entropy_good_0_0693_bad_2_7647():
    assert losses.block_3_cross_entropy() == (
        "Good predictions (confident, correct):\n"
        "  Predictions: [0.95 0.05 0.9 ]\n"
        "  Cross-entropy: 0.0693\n"           # guide: 0.0696
        "\n"
        "Bad predictions (confident, WRONG):\n"
        "  Predictions: [0.05 0.95 0.1 ]\n"
        "  Cross-entropy: 2.7647"             # guide: 2.6610
    )


def test_block_3_prose_almost_40_times_fits_the_real_values():
    targets = np.array([1.0, 0.0, 1.0])
    good = cross_entropy_loss(np.array([0.95, 0.05, 0.90]), targets)
    bad = cross_entropy_loss(np.array([0.05, 0.95, 0.10]), targets)
    assert f"{bad / good:.1f}" == "39.9"
    assert f"{2.6610 / 0.0696:.1f}" == "38.2"  # the guide's own printed pair


def test_block_4_last_row_ratio_is_100_5():
    assert losses.block_4_mse_vs_cross_entropy() == (
        "  pred       MSE        CE  CE/MSE ratio\n"
        "----------------------------------------\n"
        "  0.01    0.9801    4.6052           4.7\n"
        "  0.10    0.8100    2.3026           2.8\n"
        "  0.30    0.4900    1.2040           2.5\n"
        "  0.50    0.2500    0.6931           2.8\n"
        "  0.70    0.0900    0.3567           4.0\n"
        "  0.90    0.0100    0.1054          10.5\n"
        "  0.99    0.0001    0.0101         100.5"   # guide: 101.0 (= the rounded 0.0101 / 0.0001)
    )


def test_block_6_mse_prints_full_float_repr():
    assert losses.block_6_mse_by_hand() == (
        "Errors:  [ 0.5 -0.2  0.2 -0.1]\n"
        "Squared: [0.25 0.04 0.04 0.01]\n"
        "MSE:     0.08499999999999999"       # guide: 0.085
    )


def test_block_7_hedging_0_5108_ratio_4_5x():
    assert losses.block_7_confident_wrong() == (
        "Hedging (uncertain):\n"
        "  Predictions: [0.6 0.4 0.6]\n"
        "  Cross-entropy: 0.5108\n"           # guide: 0.6365; its own hint says -log(0.6) ~ 0.51
        "\n"
        "Confident and WRONG:\n"
        "  Predictions: [0.1 0.9 0.1]\n"
        "  Cross-entropy: 2.3026\n"
        "\n"
        "Ratio: 4.5x worse"                   # guide: 3.6x
    )

"""Section 1 of the guide, Loss Functions: blocks 1, 2, 3, 4, 6 and 7.

Each function does its block's work with ``chainrule.mse_loss`` / ``cross_entropy_loss`` and returns
exactly the text the guide's print statements print.
"""
import numpy as np

from ..core import cross_entropy_loss, mse_loss


def block_1_setup_check():
    """Setup: the versions, then the MSE of [0.9, 0.1, 0.8] against [1, 0, 1]."""
    import matplotlib

    predictions = np.array([0.9, 0.1, 0.8])
    targets = np.array([1.0, 0.0, 1.0])
    return "\n".join([
        f"numpy version: {np.__version__}",
        f"matplotlib version: {matplotlib.__version__}",
        f"MSE loss: {mse_loss(predictions, targets):.4f}",
    ])


def block_2_mse():
    """Mean Squared Error, element by element."""
    predictions = np.array([0.9, 0.1, 0.8])
    targets = np.array([1.0, 0.0, 1.0])
    errors = predictions - targets
    return "\n".join([
        f"Predictions: {predictions}",
        f"Targets:     {targets}",
        f"Errors:      {errors}",
        f"Squared:     {errors ** 2}",
        f"MSE loss:    {mse_loss(predictions, targets):.4f}",
    ])


def block_3_cross_entropy():
    """Cross-entropy for confident-correct and confident-wrong predictions."""
    targets = np.array([1.0, 0.0, 1.0])
    good_preds = np.array([0.95, 0.05, 0.90])
    bad_preds = np.array([0.05, 0.95, 0.10])
    return "\n".join([
        "Good predictions (confident, correct):",
        f"  Predictions: {good_preds}",
        f"  Cross-entropy: {cross_entropy_loss(good_preds, targets):.4f}",
        "",
        "Bad predictions (confident, WRONG):",
        f"  Predictions: {bad_preds}",
        f"  Cross-entropy: {cross_entropy_loss(bad_preds, targets):.4f}",
    ])


def block_4_mse_vs_cross_entropy():
    """MSE and cross-entropy for a target of 1 as the prediction sweeps from 0.01 to 0.99."""
    target = np.array([1.0])
    lines = [f"{'pred':>6}  {'MSE':>8}  {'CE':>8}  {'CE/MSE ratio':>12}", "-" * 40]
    for p in [0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99]:
        prediction = np.array([p])
        m = mse_loss(prediction, target)
        c = cross_entropy_loss(prediction, target)
        ratio = c / m if m > 0 else float("inf")
        lines.append(f"{p:>6.2f}  {m:>8.4f}  {c:>8.4f}  {ratio:>12.1f}")
    return "\n".join(lines)


def block_6_mse_by_hand():
    """Exercise 1.1: the MSE of [0.5, 0.8, 0.2, 0.9] against [0, 1, 0, 1], printed at full precision."""
    predictions = np.array([0.5, 0.8, 0.2, 0.9])
    targets = np.array([0.0, 1.0, 0.0, 1.0])
    errors = predictions - targets
    return "\n".join([
        f"Errors:  {errors}",
        f"Squared: {errors ** 2}",
        f"MSE:     {mse_loss(predictions, targets)}",
    ])


def block_7_confident_wrong():
    """Exercise 1.2: hedging vs confident-and-wrong cross-entropy, and their ratio."""
    targets = np.array([1.0, 0.0, 1.0])
    hedging = np.array([0.6, 0.4, 0.6])
    confident_wrong = np.array([0.1, 0.9, 0.1])
    hedging_loss = cross_entropy_loss(hedging, targets)
    wrong_loss = cross_entropy_loss(confident_wrong, targets)
    return "\n".join([
        "Hedging (uncertain):",
        f"  Predictions: {hedging}",
        f"  Cross-entropy: {hedging_loss:.4f}",
        "",
        "Confident and WRONG:",
        f"  Predictions: {confident_wrong}",
        f"  Cross-entropy: {wrong_loss:.4f}",
        "",
        f"Ratio: {wrong_loss / hedging_loss:.1f}x worse",
    ])

"""The guide's small data sets: XOR (Section 3) and sine curves (Section 4), drawn exactly as its code draws them."""
import numpy as np

from ..core.validation import check_positive, check_seed

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=float)


def sine_data(n_points=50, seed=42):
    """Section 4's loss-curve data: ``(X_norm, y)``, x uniform in [0, pi] scaled to [0, 1], y = sin(x); (n, 1)."""
    n_points = check_positive(n_points, "n_points", integer=True)
    x = np.random.RandomState(check_seed(seed)).uniform(0, np.pi, n_points).reshape(-1, 1)
    return x / np.pi, np.sin(x)


def noisy_sine(n, rng, noise=0.1):
    """``n`` points, x uniform in [0, 1] and y = sin(pi x) + N(0, noise), drawn from ``rng`` in the guide's order."""
    x = rng.uniform(0, 1, n).reshape(-1, 1)
    return x, np.sin(x * np.pi) + rng.normal(0, noise, x.shape)

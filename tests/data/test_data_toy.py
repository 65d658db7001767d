"""The guide's small data sets, drawn as its own code draws them (Section 3's XOR, Section 4's sine curves)."""
from pathlib import Path

import numpy as np
import pytest

from chainrule import ConfigError
from chainrule.data.toy import XOR_X, XOR_Y, noisy_sine, sine_data

GUIDE = Path("/work/shared/guide/training-and-backprop.md")


def guide_global_rng(code):
    """Run the guide's lines, which draw from NumPy's global generator, leaving that generator as it was."""
    state = np.random.get_state()
    namespace = {"np": np}
    try:
        exec(code, namespace)
    finally:
        np.random.set_state(state)
    return namespace


def test_sine_data_is_the_guides_section_4_data():
    guide = guide_global_rng("np.random.seed(42)\nn_points = 50\n"
                             "X_data = np.random.uniform(0, np.pi, n_points).reshape(-1, 1)\ny_data = np.sin(X_data)\n"
                             "X_norm = X_data / np.pi\n")
    X_norm, y = sine_data()
    assert X_norm.shape == y.shape == (50, 1)
    assert np.array_equal(X_norm, guide["X_norm"]) and np.array_equal(y, guide["y_data"])
    X_small, y_small = sine_data(3, seed=1)
    assert X_small.shape == (3, 1) and not np.array_equal(X_small, X_norm[:3])
    with pytest.raises(ConfigError, match="n_points must be > 0, got 0"):
        sine_data(0)


def test_noisy_sine_is_the_guides_overfitting_data():
    guide = guide_global_rng("np.random.seed(42)\nn_train = 20\n"
                             "X_train = np.random.uniform(0, 1, n_train).reshape(-1, 1)\n"
                             "y_train = np.sin(X_train * np.pi) + np.random.normal(0, 0.1, X_train.shape)\n")
    X, y = noisy_sine(20, np.random.RandomState(42))
    assert X.shape == y.shape == (20, 1)
    assert np.array_equal(X, guide["X_train"]) and np.array_equal(y, guide["y_train"])
    X25, y25 = noisy_sine(20, np.random.RandomState(42), noise=0.25)
    assert np.array_equal(X25, X) and np.allclose(y25 - np.sin(X * np.pi), 2.5 * (y - np.sin(X * np.pi)))


def test_xor_is_the_guides_truth_table():
    assert XOR_X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and XOR_Y.tolist() == [[0], [1], [1], [0]]
    assert XOR_X.dtype == XOR_Y.dtype == np.float64


@pytest.mark.skipif(not GUIDE.exists(), reason="the guide is not on this machine")
def test_the_lines_above_are_the_guides():
    text = GUIDE.read_text()
    assert "X_data = np.random.uniform(0, np.pi, n_points).reshape(-1, 1)\ny_data = np.sin(X_data)" in text
    assert ("X_train = np.random.uniform(0, 1, n_train).reshape(-1, 1)\n"
            "y_train = np.sin(X_train * np.pi) + np.random.normal(0, 0.1, X_train.shape)") in text

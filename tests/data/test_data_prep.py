"""The practice project's steps: choose digits 0-4, flatten, scale, one-hot, split; then a training run starts."""
import numpy as np
import pytest

from chainrule import Network
from chainrule.data import flatten_and_scale, load_mnist, one_hot, select_classes, train_test_split
from chainrule.errors import ConfigError, InputValueError, ShapeError


def test_select_digits_0_to_4_like_the_guides_mask():
    images, labels = load_mnist("sample")
    chosen_images, chosen_labels = select_classes(images, labels, range(5))
    mask = labels < 5  # the guide's way
    np.testing.assert_array_equal(chosen_images, images[mask])
    np.testing.assert_array_equal(chosen_labels, labels[mask])
    assert chosen_labels.dtype == np.uint8


def test_select_renumbers_to_positions_and_keeps_one_hot_form():
    images = np.arange(6 * 4).reshape(6, 2, 2)
    labels = np.array([3, 8, 1, 8, 3, 5])
    kept, renumbered = select_classes(images, labels, [8, 3])
    np.testing.assert_array_equal(kept, images[[0, 1, 3, 4]])
    np.testing.assert_array_equal(renumbered, [1, 0, 0, 1])
    kept, hot = select_classes(images, np.eye(10)[labels], [8, 3])
    np.testing.assert_array_equal(hot, [[0, 1], [1, 0], [1, 0], [0, 1]])


def test_flatten_and_scale():
    images = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    np.testing.assert_array_equal(flatten_and_scale(images), [[0.0, 1.0, 0.2, 0.4]])
    assert flatten_and_scale(images, dtype=np.float32).dtype == np.float32
    sample = load_mnist("sample").images[:100]
    X = flatten_and_scale(sample)
    assert X.shape == (100, 784) and X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(X, sample.reshape(-1, 784).astype(float) / 255.0)  # the guide's arithmetic


def test_flatten_and_scale_refuses_scaled_or_out_of_range_input():
    with pytest.raises(InputValueError, match=r"already scaled to \[0, 1\]"):
        flatten_and_scale(np.full((2, 28, 28), 0.5))
    with pytest.raises(InputValueError, match="grey levels 0..255, found values from -1 to 3"):
        flatten_and_scale(np.array([[-1, 3]]))
    with pytest.raises(ShapeError, match=r"got shape \(784,\)"):
        flatten_and_scale(np.zeros(784, dtype=np.uint8))


def test_one_hot_matches_the_guides_loop_and_accepts_one_hot():
    labels = np.array([3, 0, 4, 1], dtype=np.uint8)
    guide = np.zeros((4, 5))
    for i, label in enumerate(labels):
        guide[i, label] = 1.0
    np.testing.assert_array_equal(one_hot(labels, 5), guide)
    np.testing.assert_array_equal(one_hot(guide, 5), guide)  # already one-hot: checked, returned
    np.testing.assert_array_equal(one_hot(labels), np.eye(5)[labels])  # n_classes from the labels


def test_one_hot_errors_say_what_is_wrong():
    with pytest.raises(InputValueError, match=r"labels\[2\] is 7, outside 0..4 for n_classes=5"):
        one_hot([1, 2, 7], 5)
    with pytest.raises(InputValueError, match=r"must be one-hot .* row 1 is \[1.0, 1.0, 0.0\]"):
        one_hot(np.array([[0.0, 1, 0], [1, 1, 0]]), 3)
    with pytest.raises(ShapeError, match="one-hot over 3 classes but n_classes=5"):
        one_hot(np.eye(3), 5)


def test_train_test_split_is_seeded_complete_and_leaves_the_global_rng_alone():
    X, y = np.arange(100).reshape(50, 2), np.arange(50) % 5
    state = np.random.get_state()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.2, seed=3)
    assert np.array_equal(np.random.get_state()[1], state[1])
    assert len(X_train) == 40 and len(X_test) == 10
    np.testing.assert_array_equal(np.sort(np.concatenate([X_train[:, 0], X_test[:, 0]])), X[:, 0])
    np.testing.assert_array_equal(X_train[:, 0] // 2 % 5, y_train)  # rows and labels stay together
    again = train_test_split(X, y, test_fraction=0.2, seed=3)
    np.testing.assert_array_equal(again[1], X_test)
    assert not np.array_equal(train_test_split(X, y, test_fraction=0.2, seed=4)[1], X_test)
    _, _, hot_train, _ = train_test_split(X, np.eye(5)[y], seed=3)
    assert hot_train.shape == (40, 5)


def test_train_test_split_rejects_nonsense():
    with pytest.raises(ShapeError, match="X has 3 examples but y has 2"):
        train_test_split(np.zeros((3, 1)), [0, 1])
    with pytest.raises(ConfigError, match="test_fraction must be between 0 and 1"):
        train_test_split(np.zeros((3, 1)), [0, 1, 2], test_fraction=1.5)


def test_a_training_run_starts_from_the_shipped_sample():
    """The issue's 'done when': with no network, the guide's [784, 64, 5] net trains on the sample."""
    images, labels = load_mnist()
    images, labels = select_classes(images, labels, range(5))
    X_train, X_test, y_train, y_test = train_test_split(flatten_and_scale(images), labels, seed=0)
    net = Network([784, 64, 5], seed=42)
    losses = [net.train_epoch(X_train, one_hot(y_train, 5), learning_rate=0.5) for _ in range(2)]
    accuracy = np.mean(net.predict(X_test) == y_test)
    assert losses[1] < losses[0]
    assert accuracy > 0.8, accuracy  # the guide's target, reached in 2 epochs on 4,000 real digits

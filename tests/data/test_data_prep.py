"""The practice project's steps: choose digits 0-4, flatten, scale, one-hot, split; then a training run starts."""
import numpy as np
import pytest

from chainrule import Network
from chainrule.data import as_class_numbers, flatten_and_scale, load_mnist, one_hot, select_classes, train_test_split
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


# --- both sides of every check ---

def test_one_hot_rows_are_checked_value_by_value():
    """A row with exactly one 1 but another non-zero value is not one-hot: the message points at that row."""
    with pytest.raises(InputValueError) as caught:
        as_class_numbers(np.array([[1, 0, 0], [1, 0, 2]]))
    assert str(caught.value) == ("labels is 2-D, so it must be one-hot (exactly one 1 per row, zeros elsewhere); "
                                 "row 1 is [1, 0, 2]")
    with pytest.raises(ShapeError) as caught:
        as_class_numbers(np.zeros((2, 2, 2)), "y")
    assert str(caught.value) == "y must be class numbers (N,) or one-hot rows (N, n_classes), got shape (2, 2, 2)"


def test_class_numbers_may_be_whole_floats_but_not_fractions():
    numbers = as_class_numbers(np.array([0.0, 2.0, 1.0]))
    assert numbers.dtype == np.int64 and numbers.tolist() == [0, 2, 1]
    with pytest.raises(InputValueError) as caught:
        as_class_numbers(np.array([0.5, 1.0, 2.0, 3.0]))
    assert str(caught.value) == "labels must be whole class numbers, got float64 values like [0.5, 1.0, 2.0]"


def test_flatten_and_scale_on_both_sides_of_its_checks():
    assert flatten_and_scale(np.full((1, 2), 255)).tolist() == [[1.0, 1.0]]
    with pytest.raises(InputValueError) as caught:
        flatten_and_scale(np.full((1, 2), 256))
    assert str(caught.value) == "images must hold grey levels 0..255, found values from 256 to 256"
    assert flatten_and_scale(np.array([[0, 1]])).tolist() == [[0.0, 1 / 255]]          # 0/1 integers: grey levels
    assert flatten_and_scale(np.zeros((1, 2))).tolist() == [[0.0, 0.0]]                # a black float image
    assert flatten_and_scale(np.array([[0.0, 2.0]])).tolist() == [[0.0, 2 / 255]]      # floats above 1: grey levels
    with pytest.raises(InputValueError) as caught:
        flatten_and_scale(np.array([[0.0, 1.0]]))                                      # max exactly 1: scaled
    assert str(caught.value).startswith("images look already scaled to [0, 1] (floats, max 1.0)")
    with pytest.raises(InputValueError) as caught:
        flatten_and_scale(np.zeros((1, 2), bool))
    assert str(caught.value) == "images must be numeric grey levels, got dtype bool"
    assert flatten_and_scale(np.zeros((0, 28, 28))).shape == (0, 784)


def test_one_hot_width_and_dtype():
    hot = np.eye(3)[[0, 1]]                            # one-hot over 3 classes, class 2 absent: still 3 wide
    assert one_hot(hot).shape == (2, 3)
    assert one_hot([0], 1).tolist() == [[1.0]]         # a single class is allowed
    assert one_hot([1, 0], 2, dtype=np.float32).dtype == np.float32
    assert one_hot([], 3).shape == (0, 3)
    for bad in (2.5, True, 0):
        with pytest.raises(ConfigError) as caught:
            one_hot([0, 1], bad)
        assert str(caught.value) == f"n_classes must be a whole number >= 1, got {bad!r}"
    with pytest.raises(ConfigError) as caught:
        one_hot([])                                    # no labels and no n_classes: no width to give
    assert str(caught.value) == "n_classes must be a whole number >= 1, got 0"


def test_select_classes_refusals_and_forms():
    images = np.arange(4)
    for classes in ([], [1, 1], [1.5, 2], [True, 2], [-1, 2], ["1"]):
        with pytest.raises(ConfigError) as caught:
            select_classes(images, [0, 1, 2, 1], classes)
        assert str(caught.value) == f"classes must be distinct class numbers (whole numbers >= 0), got {classes}"
    kept, numbers = select_classes(images, np.array([0.0, 1.0, 2.0, 1.0]), [1, 2])     # whole floats in
    assert numbers.dtype == np.int64 and numbers.tolist() == [0, 1, 0] and kept.tolist() == [1, 2, 3]
    kept, hot = select_classes(images, np.eye(3, dtype=np.float32)[[0, 1, 2, 1]], [2, 1])
    assert hot.dtype == np.float32 and hot.tolist() == [[0, 1], [1, 0], [0, 1]]
    kept, numbers = select_classes(np.zeros((0, 2)), np.zeros(0, np.uint8), [0, 1])    # nothing in, nothing out
    assert kept.shape == (0, 2) and numbers.shape == (0,) and numbers.dtype == np.uint8


def test_train_test_split_both_sides_of_its_fraction():
    X, y = np.arange(5).reshape(5, 1), np.arange(5)
    assert [len(part) for part in train_test_split(X, y, test_fraction=0.2)] == [4, 1, 4, 1]   # one test row: fine
    for fraction, leaves in ((0.05, "no test"), (0.95, "no training")):
        with pytest.raises(ConfigError) as caught:
            train_test_split(X, y, test_fraction=fraction)
        assert str(caught.value) == f"test_fraction={fraction} of 5 examples leaves {leaves} examples"
    for fraction in (1, 0.0, True):
        with pytest.raises(ConfigError) as caught:
            train_test_split(X, y, test_fraction=fraction)
        assert str(caught.value) == f"test_fraction must be between 0 and 1 (exclusive), got {fraction!r}"
    default = train_test_split(X, y)                  # the documented default: seed 0, 20% held out
    assert all(np.array_equal(a, b) for a, b in zip(default, train_test_split(X, y, test_fraction=0.2, seed=0)))


def test_float32_grey_levels_are_grey_levels():
    images = np.array([[0.0, 128.0, 255.0]], dtype=np.float32)
    assert flatten_and_scale(images).tolist() == [[0.0, 128 / 255, 1.0]]
    with pytest.raises(InputValueError, match=r"already scaled to \[0, 1\] \(floats, max 0.5\)"):
        flatten_and_scale(np.array([[0.0, 0.5]], dtype=np.float32))

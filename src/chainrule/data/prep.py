"""The practice project's preparation steps: choose digits, flatten, scale, one-hot, split.

Wherever labels go in, class numbers (N,) and one-hot rows (N, n_classes) are both accepted.
"""
import math

import numpy as np

from ..core.validation import check_seed, numeric_array, one_hot_matrix
from ..errors import ConfigError, InputValueError, ShapeError


def as_class_numbers(labels, name="labels"):
    """Class numbers (N,) int64 from class numbers or one-hot rows (N, n_classes)."""
    labels = numeric_array(labels, name)
    if labels.ndim == 2:
        ones = labels == 1
        if not np.all(ones | (labels == 0)) or not np.all(ones.sum(axis=1) == 1):
            bad = int(np.argmax(~(np.all(ones | (labels == 0), axis=1) & (ones.sum(axis=1) == 1))))
            raise InputValueError(f"{name} is 2-D, so it must be one-hot (exactly one 1 per row, zeros "
                                  f"elsewhere); row {bad} is {labels[bad].tolist()}")
        return ones.argmax(axis=1).astype(np.int64)
    if labels.ndim != 1:
        raise ShapeError(f"{name} must be class numbers (N,) or one-hot rows (N, n_classes), got shape {labels.shape}")
    if labels.size and not (np.issubdtype(labels.dtype, np.integer) or np.all(labels == np.round(labels))):
        raise InputValueError(f"{name} must be whole class numbers, got {labels.dtype} values like {labels[:3].tolist()}")
    if labels.size and labels.min() < 0:
        raise InputValueError(f"{name} must be class numbers >= 0, found {labels.min()}")
    return labels.astype(np.int64)


def select_classes(images, labels, classes):
    """Keep the examples whose class is in ``classes`` (e.g. range(5) for digits 0-4).

    Labels are renumbered to their position in ``classes`` (so classes=[3, 8] gives labels 0
    and 1, and range(5) leaves digits 0-4 unchanged), in the form they came in: class numbers
    stay class numbers (uint8 for uint8 input), one-hot rows become one-hot over ``classes``.
    """
    images = np.asarray(images)
    raw_labels = np.asarray(labels)
    numbers = as_class_numbers(raw_labels)
    if len(images) != len(numbers):
        raise ShapeError(f"images has {len(images)} examples but labels has {len(numbers)}")
    given = list(classes)
    classes = [int(c) if isinstance(c, (int, np.integer)) and not isinstance(c, (bool, np.bool_)) and c >= 0
               else None for c in given]
    if not classes or None in classes or len(set(classes)) != len(classes):
        raise ConfigError(f"classes must be distinct class numbers (whole numbers >= 0), got {given}")
    # each label's position in ``classes`` (-1: not selected), by binary search: no table as long as the
    # largest class number (classes=[10**12] would make one of 8 TB)
    order = np.argsort(classes)
    sorted_classes = np.asarray(classes, dtype=np.int64)[order]
    at = np.minimum(np.searchsorted(sorted_classes, numbers), len(classes) - 1)
    position = np.where(sorted_classes[at] == numbers, order[at], -1)
    keep = position >= 0
    if raw_labels.ndim == 2:
        return images[keep], one_hot_matrix(position[keep], len(classes), raw_labels.dtype)
    out_dtype = raw_labels.dtype if np.issubdtype(raw_labels.dtype, np.integer) else np.int64
    return images[keep], position[keep].astype(out_dtype)


def flatten_and_scale(images, dtype=np.float64):
    """Grey levels 0-255, shape (N, 28, 28) or (N, 784) -> (N, 784) floats in [0, 1] (divided by 255)."""
    images = np.asarray(images)
    if images.ndim < 2:
        raise ShapeError(f"images must be a batch (N, rows, cols) or (N, pixels), got shape {images.shape}")
    if not (np.issubdtype(images.dtype, np.integer) or np.issubdtype(images.dtype, np.floating)):
        raise InputValueError(f"images must be numeric grey levels, got dtype {images.dtype}")
    if images.size:
        low, high = images.min(), images.max()
        if not np.isfinite(low) or not np.isfinite(high) or low < 0 or high > 255:
            raise InputValueError(f"images must hold grey levels 0..255, found values from {low} to {high}")
        if np.issubdtype(images.dtype, np.floating) and 0 < high <= 1:
            raise InputValueError(f"images look already scaled to [0, 1] (floats, max {high}); flatten_and_scale "
                                  f"divides by 255, so pass the raw 0..255 grey levels (or just reshape)")
    flat = images.reshape(len(images), math.prod(images.shape[1:])).astype(dtype)   # -1 fails for 0 images
    flat /= 255
    return flat


def one_hot(labels, n_classes=None, dtype=np.float64):
    """Class numbers (N,) -> one-hot rows (N, n_classes); one-hot input is checked and returned as ``dtype``."""
    numbers = as_class_numbers(labels)
    width = np.asarray(labels).shape[1] if np.asarray(labels).ndim == 2 else None
    if n_classes is None:
        n_classes = width if width is not None else int(numbers.max(initial=-1)) + 1
    if isinstance(n_classes, bool) or int(n_classes) != n_classes or n_classes < 1:
        raise ConfigError(f"n_classes must be a whole number >= 1, got {n_classes!r}")
    n_classes = int(n_classes)
    if width is not None and width != n_classes:
        raise ShapeError(f"labels are one-hot over {width} classes but n_classes={n_classes}")
    if numbers.size and numbers.max() >= n_classes:
        where = int(np.argmax(numbers >= n_classes))
        raise InputValueError(f"labels[{where}] is {numbers[where]}, outside 0..{n_classes - 1} for n_classes="
                              f"{n_classes} (choose the classes first with select_classes)")
    return one_hot_matrix(numbers, n_classes, dtype)


def train_test_split(X, y, test_fraction=0.2, seed=0):
    """Shuffle with its own seeded generator (no global RNG), then split.

    Returns ``X_train, X_test, y_train, y_test`` (scikit-learn's order); ``y`` may be class
    numbers or one-hot rows and keeps its form.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ShapeError(f"X has {len(X)} examples but y has {len(y)}")
    if isinstance(test_fraction, bool) or not 0 < test_fraction < 1:
        raise ConfigError(f"test_fraction must be between 0 and 1 (exclusive), got {test_fraction!r}")
    n_test = int(round(len(X) * test_fraction))
    if n_test == 0 or n_test == len(X):
        raise ConfigError(f"test_fraction={test_fraction} of {len(X)} examples leaves "
                          f"{'no test' if n_test == 0 else 'no training'} examples")
    order = np.random.default_rng(check_seed(seed)).permutation(len(X))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]

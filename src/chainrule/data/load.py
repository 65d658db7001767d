"""load_mnist(): images and labels from the best source present, saying which one it used."""
import os
import re
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterator


import numpy as np

from .._typing import PathArg
from ..errors import ChainruleError, ConfigError, DataError
from .files import load_npz, save_npz
from .idx import read_idx
from .paths import MNIST_FILES, full_set_present, resolve_data_dir
from .prep import as_class_numbers

SAMPLE_FILE = "mnist_sample.npz"
SAMPLE_DESCRIPTION = "shipped sample: 10,000 real MNIST digits (npm mnist@1.1.0), shuffled, no official split"
KEYWORDS = ("auto", "full", "sample")


@dataclass(eq=False)
class MnistData:
    """Images (N, 28, 28) uint8 and labels (N,) uint8, with where they came from.

    ``n_train``: for the full set the first 60,000 rows are the official training set and the
    rest the official test set; None means there is no official split (split it yourself).
    ``images, labels = load_mnist()`` works: iterating yields the two arrays.
    """

    images: np.ndarray = field(repr=False)
    labels: np.ndarray = field(repr=False)
    source: str
    description: str
    n_train: int | None = None

    def __iter__(self) -> Iterator[np.ndarray]:
        yield self.images
        yield self.labels

    def __len__(self) -> int:
        return len(self.labels)


def load_mnist(source: PathArg = "auto", data_dir: PathArg | None = None, verbose: bool = False) -> MnistData:
    """Load MNIST from ``source``:

    "auto"   the full downloaded set if it is in the cache folder, else the shipped sample
             (never touches the network);
    "full"   the four downloaded files (DataError saying how to download if absent);
    "sample" the 10,000 real digits shipped inside chainrule;
    a path   a folder of IDX files (gzip or plain; any MNIST-format data set) or an .npz
             holding ``images`` and ``labels``.
    """
    if isinstance(source, str) and source in KEYWORDS:
        folder = resolve_data_dir(data_dir)
        if source == "full" or (source == "auto" and full_set_present(folder)):
            data = _load_full(folder)
        else:
            data = load_sample()
            if source == "auto" and verbose:
                print(f"(the full MNIST set is not in {folder}; `chainrule download-mnist` fetches all 70,000)",
                      file=sys.stderr)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source).expanduser()
        if path.is_dir():
            data = load_idx_folder(path)
        elif path.is_file():
            data = load_npz_data(path)
        else:
            raise DataError(f"source={str(source)!r}: no such file or folder (source is 'auto', 'full', 'sample', "
                            f"a folder of IDX files or an .npz with images/labels)")
    else:
        raise ConfigError(f"source must be 'auto', 'full', 'sample' or a path, got {source!r}")
    if verbose:
        print(f"MNIST: {data.description}", file=sys.stderr)
    return data


def load_sample() -> MnistData:
    """The 10,000 real MNIST digits shipped in the package (see README-mnist-sample.md)."""
    with resources.as_file(resources.files(__package__) / SAMPLE_FILE) as path:
        arrays = load_npz(path)
    return MnistData(arrays["images"], arrays["labels"], "sample", SAMPLE_DESCRIPTION, None)


def _load_full(folder):
    missing = [name for name in MNIST_FILES if not (folder / name).is_file()]
    if missing:
        raise DataError(f"the full MNIST set is not in {folder} (missing {', '.join(missing)}); run "
                        f"`chainrule download-mnist` (or download_mnist()) first, or use source='sample'")
    train = _read_pair(folder / "train-images-idx3-ubyte.gz", folder / "train-labels-idx1-ubyte.gz")
    test = _read_pair(folder / "t10k-images-idx3-ubyte.gz", folder / "t10k-labels-idx1-ubyte.gz")
    n_train, n_test = len(train[1]), len(test[1])
    return MnistData(np.concatenate([train[0], test[0]]), np.concatenate([train[1], test[1]]), "full",
                     f"full MNIST: {n_train + n_test:,} digits ({n_train:,} training, then {n_test:,} test) "
                     f"from {folder}", n_train)


_IMAGES_NAME = re.compile(r"^(?P<prefix>.*?)images(?P<mid>[-.])idx3-ubyte(?P<gz>\.gz)?$")


def load_idx_folder(folder: PathArg) -> MnistData:
    """Every ``*images-idx3-ubyte[.gz]`` file in ``folder`` with its ``*labels-idx1-ubyte[.gz]`` partner.

    Training files (a name containing "train") come first; ``n_train`` counts them when the
    folder also holds test files.
    """
    folder = Path(folder)
    pairs = []
    for image_path in sorted(folder.iterdir()):
        match = _IMAGES_NAME.match(image_path.name)
        if not match:
            continue
        stem = f"{match['prefix']}labels{match['mid']}idx1-ubyte"
        candidates = [folder / (stem + ".gz"), folder / stem]
        label_path = next((p for p in candidates if p.is_file()), None)
        if label_path is None:
            raise DataError(f"{image_path}: no labels file next to it (looked for {stem}[.gz])")
        pairs.append((image_path, label_path))
    if not pairs:
        raise DataError(f"{folder}: no IDX image file (named like train-images-idx3-ubyte[.gz]) in this folder")
    pairs.sort(key=lambda pair: "train" not in pair[0].name)  # stable: training files first
    arrays = [_read_pair(*pair) for pair in pairs]
    n_in_train = sum(len(labels) for (image_path, _), (_, labels) in zip(pairs, arrays) if "train" in image_path.name)
    total = sum(len(labels) for _, labels in arrays)
    n_train = n_in_train if 0 < n_in_train < total else None
    names = ", ".join(p[0].name for p in pairs)
    return MnistData(np.concatenate([a[0] for a in arrays]), np.concatenate([a[1] for a in arrays]), "idx",
                     f"IDX files: {total:,} images from {folder} ({names})", n_train)


def load_npz_data(path: PathArg) -> MnistData:
    """An .npz with ``images`` (N, H, W) or (N, H*W) grey levels 0-255 and ``labels`` (integer or one-hot)."""
    path = Path(path)
    arrays = load_npz(path)
    images = _as_grey_images(arrays["images"], f"{path}: images")
    labels = _as_label_vector(arrays["labels"], f"{path}: labels")
    if len(images) != len(labels):
        raise DataError(f"{path}: mismatched counts: {len(images):,} images but {len(labels):,} labels")
    stored = arrays.get("n_train")
    n_train = None
    if stored is not None:
        if stored.shape != () or stored.dtype.kind not in "ui" or not 0 < int(stored) < len(labels):
            raise DataError(f"{path}: n_train must be a whole number between 1 and {len(labels) - 1:,} (the training "
                            f"rows before the test rows), got {stored.tolist()!r:.80}")
        n_train = int(stored)
    return MnistData(images, labels, "npz", f".npz file: {len(labels):,} images from {path}", n_train)


def write_guide_npz(path: PathArg, data_dir: PathArg | None = None, source: str = "full") -> Path:
    """Write the guide's ``mnist_data.npz``: ``images`` (70000, 28, 28) uint8, ``labels`` (70000,) uint8.

    The rows are the 60,000 training digits then the 10,000 test digits (``n_train`` is stored
    too), so the guide's hint code ``data = np.load('mnist_data.npz'); data['images'],
    data['labels']`` runs unchanged. ``source="sample"`` writes the shipped 10,000 instead.
    Written atomically; never touches the network (download first with download_mnist()).
    """
    data = load_mnist(source, data_dir=data_dir)
    arrays = {"images": data.images, "labels": data.labels}
    if data.n_train is not None:
        arrays["n_train"] = np.int64(data.n_train)
    return save_npz(path, **arrays)


def _read_pair(image_path, label_path):
    images, labels = read_idx(image_path), read_idx(label_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise DataError(f"{image_path}: expected images as a 3-D uint8 IDX array (N, rows, cols), "
                        f"got shape {images.shape} of {images.dtype}")
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise DataError(f"{label_path}: expected labels as a 1-D uint8 IDX array, got shape {labels.shape} "
                        f"of {labels.dtype}")
    if len(images) != len(labels):
        raise DataError(f"mismatched counts: {image_path.name} holds {len(images):,} images but "
                        f"{label_path.name} holds {len(labels):,} labels")
    return images, labels


def _as_grey_images(images, name):
    if images.ndim == 2 and round(np.sqrt(images.shape[1])) ** 2 == images.shape[1]:
        side = round(np.sqrt(images.shape[1]))
        images = images.reshape(len(images), side, side)
    if images.ndim != 3:
        raise DataError(f"{name} must have shape (N, rows, cols) or (N, rows*cols), got {images.shape}")
    return _as_uint8(images, name, "grey levels")


def _as_label_vector(labels, name):
    try:
        numbers = as_class_numbers(labels, name)
    except ChainruleError as exc:
        raise DataError(str(exc)) from None
    return _as_uint8(numbers, name, "class numbers")


def _as_uint8(array, name, what):
    if array.dtype == np.uint8:
        return array
    if not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise DataError(f"{name} must be numeric {what}, got dtype {array.dtype}")
    if array.size and (array.min() < 0 or array.max() > 255 or not np.all(array == np.round(array))):
        raise DataError(f"{name} must hold whole {what} 0..255 (got {array.dtype} from {array.min()} to "
                        f"{array.max()}); scale floats in [0, 1] back with np.round(x * 255)")
    return array.astype(np.uint8)

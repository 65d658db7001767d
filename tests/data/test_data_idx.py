"""The IDX reader: round trips, and a clear DataError naming the file for every way a file can be broken."""
import gzip

import numpy as np
import pytest

from chainrule.data import DataError, load_idx_folder, load_mnist, read_idx, write_idx

from mnist_testkit import fake_mnist_arrays


@pytest.mark.parametrize("name", ["digits-idx3-ubyte", "digits-idx3-ubyte.gz"])
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_round_trip_plain_and_gzip(tmp_path, name, dtype):
    array = (np.arange(2 * 3 * 4) - 7).reshape(2, 3, 4).astype(dtype)
    write_idx(tmp_path / name, array)
    back = read_idx(tmp_path / name)
    assert back.dtype == np.dtype(dtype) and back.dtype.isnative
    np.testing.assert_array_equal(back, array)


def test_mnist_header_bytes_are_the_published_layout(tmp_path):
    """00 00 08 03, then 3 big-endian uint32 dimensions, then the pixels: as in LeCun's description."""
    images = np.zeros((2, 28, 28), dtype=np.uint8)
    images[1, 0, 0] = 255
    write_idx(tmp_path / "x-idx3-ubyte", images)
    raw = (tmp_path / "x-idx3-ubyte").read_bytes()
    assert raw[:16] == bytes.fromhex("00000803 00000002 0000001c 0000001c")
    assert len(raw) == 16 + 2 * 784 and raw[16 + 784] == 255


def test_gzip_is_recognised_by_content_not_name(tmp_path):
    labels = np.array([5, 0, 4, 1, 9], dtype=np.uint8)
    write_idx(tmp_path / "labels-idx1-ubyte", labels, compress=True)  # gzip data, no .gz
    assert (tmp_path / "labels-idx1-ubyte").read_bytes()[:2] == b"\x1f\x8b"
    np.testing.assert_array_equal(read_idx(tmp_path / "labels-idx1-ubyte"), labels)


def _mnist_labels_file(tmp_path, labels=(5, 0, 4, 1, 9)):
    path = tmp_path / "train-labels-idx1-ubyte"
    write_idx(path, np.array(labels, dtype=np.uint8))
    return path, path.read_bytes()


def test_truncated_data(tmp_path):
    path, raw = _mnist_labels_file(tmp_path)
    path.write_bytes(raw[:-2])
    with pytest.raises(DataError, match=r"train-labels-idx1-ubyte: truncated IDX file: header says shape \(5,\) "
                                        r"\(13 bytes in all\), but the data ends after 11 bytes"):
        read_idx(path)


def test_truncated_header(tmp_path):
    path, raw = _mnist_labels_file(tmp_path)
    path.write_bytes(raw[:6])
    with pytest.raises(DataError, match=r"truncated IDX header: 1 dimensions need 8 bytes, file has 6"):
        read_idx(path)
    path.write_bytes(raw[:3])
    with pytest.raises(DataError, match="not even the 4-byte magic number"):
        read_idx(path)


def test_trailing_bytes(tmp_path):
    path, raw = _mnist_labels_file(tmp_path)
    path.write_bytes(raw + b"\x00\x00\x00")
    with pytest.raises(DataError, match=r"3 unexpected trailing bytes after the \(5,\) array"):
        read_idx(path)


@pytest.mark.parametrize("magic", ["01000801", "00000701", "504b0304"])
def test_bad_magic(tmp_path, magic):
    path, raw = _mnist_labels_file(tmp_path)
    path.write_bytes(bytes.fromhex(magic) + raw[4:])
    with pytest.raises(DataError, match=rf"{path.name}: not an IDX file: magic number {' '.join(magic[i:i + 2] for i in range(0, 8, 2))}"):
        read_idx(path)


def test_truncated_and_corrupt_gzip(tmp_path):
    path, raw = _mnist_labels_file(tmp_path)
    packed = gzip.compress(raw * 50)
    cut = tmp_path / "cut-labels-idx1-ubyte.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(DataError, match=r"cut-labels-idx1-ubyte.gz: truncated gzip file"):
        read_idx(cut)
    bad = tmp_path / "bad-labels-idx1-ubyte.gz"
    bad.write_bytes(packed[:10] + bytes(b ^ 0x55 for b in packed[10:]))
    with pytest.raises(DataError, match=r"bad-labels-idx1-ubyte.gz: (corrupt gzip data|truncated gzip file)"):
        read_idx(bad)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="nothing-idx1-ubyte: no such file"):
        read_idx(tmp_path / "nothing-idx1-ubyte")


def test_folder_with_mismatched_counts(tmp_path):
    images, labels = fake_mnist_arrays(10, 0)
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", labels[:9])
    with pytest.raises(DataError, match="mismatched counts: train-images-idx3-ubyte.gz holds 10 images but "
                                        "train-labels-idx1-ubyte.gz holds 9 labels"):
        load_mnist(tmp_path)


def test_folder_with_labels_given_as_images(tmp_path):
    images, labels = fake_mnist_arrays(10, 0)
    write_idx(tmp_path / "train-images-idx3-ubyte", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte", images)
    with pytest.raises(DataError, match=r"expected labels as a 1-D uint8 IDX array, got shape \(10, 28, 28\)"):
        load_mnist(tmp_path)


def test_folder_of_mixed_plain_gzip_and_dotted_names(tmp_path):
    """Kaggle-style names (train-images.idx3-ubyte, plain) next to gzip test files; training rows first."""
    images, labels = fake_mnist_arrays(30, 12, seed=3)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", images[30:])
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", labels[30:])
    write_idx(tmp_path / "train-images.idx3-ubyte", images[:30])
    write_idx(tmp_path / "train-labels.idx1-ubyte", labels[:30])
    data = load_idx_folder(tmp_path)
    assert data.source == "idx" and data.n_train == 30
    np.testing.assert_array_equal(data.images, images)
    np.testing.assert_array_equal(data.labels, labels)


def test_folder_without_idx_files(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here")
    with pytest.raises(DataError, match="no IDX image file"):
        load_mnist(tmp_path)
    write_idx(tmp_path / "train-images-idx3-ubyte", fake_mnist_arrays(3, 0)[0])
    with pytest.raises(DataError, match=r"no labels file next to it \(looked for train-labels-idx1-ubyte\[.gz\]\)"):
        load_mnist(tmp_path)

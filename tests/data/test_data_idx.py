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
    with pytest.raises(DataError, match=r"IDX file has 3 unexpected trailing bytes after the \(5,\) array"):
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


# --- read back at the edges: chunks, exact sizes, every refusal's message ---

def test_an_array_larger_than_one_read_chunk_comes_back_whole(tmp_path):
    """1.1 MB of images: read in 1 MiB chunks, each chunk lands after the previous one (plain and gzip)."""
    images = (np.arange(1400 * 28 * 28) % 251).astype(np.uint8).reshape(1400, 28, 28)
    for name in ("big-idx3-ubyte", "big-idx3-ubyte.gz"):
        write_idx(tmp_path / name, images)
        assert np.array_equal(read_idx(tmp_path / name), images)


def test_multi_byte_values_and_dimensions_are_big_endian(tmp_path):
    values = np.array([[1, -2, 300], [70000, -70000, 2 ** 30]], dtype=np.int32)
    write_idx(tmp_path / "v-idx2-ubyte", values)
    raw = (tmp_path / "v-idx2-ubyte").read_bytes()
    assert raw[:12] == bytes.fromhex("00000c02 00000002 00000003")
    assert raw[12:16] == (1).to_bytes(4, "big") and raw[16:20] == (-2).to_bytes(4, "big", signed=True)
    assert np.array_equal(read_idx(tmp_path / "v-idx2-ubyte"), values)
    wide = np.zeros((1, 300), np.uint8)                   # a dimension above 255 needs its high byte
    write_idx(tmp_path / "w-idx2-ubyte", wide)
    assert (tmp_path / "w-idx2-ubyte").read_bytes()[4:12] == bytes.fromhex("00000001 0000012c")
    assert read_idx(tmp_path / "w-idx2-ubyte").shape == (1, 300)


def test_gzip_output_is_reproducible(tmp_path):
    """Level 6 and no timestamp: the same array gives the same bytes, the ones gzip.compress gives."""
    labels = np.random.default_rng(0).integers(0, 4, 20_000).astype(np.uint8)   # levels 6, 7, 9 differ here
    write_idx(tmp_path / "a-idx1-ubyte.gz", labels)
    header = bytes.fromhex("00000801 00004e20")
    assert (tmp_path / "a-idx1-ubyte.gz").read_bytes() == gzip.compress(header + labels.tobytes(), compresslevel=6,
                                                                         mtime=0)


def test_a_truncated_gzip_idx_says_where_its_data_ends(tmp_path):
    path, raw = _mnist_labels_file(tmp_path)
    gz = tmp_path / "short-labels-idx1-ubyte.gz"
    gz.write_bytes(gzip.compress(raw[:-2]))               # a whole gzip stream of a cut IDX file
    with pytest.raises(DataError) as caught:
        read_idx(gz)
    assert str(caught.value) == (f"{gz}: truncated IDX file: header says shape (5,) (13 bytes in all), but the data "
                                 f"ends after 11 bytes")


@pytest.mark.parametrize("extra, says", [(3, "3"), (1 << 20, "1,048,576"), ((1 << 20) + 1, "more than 1,048,576")])
def test_trailing_bytes_are_counted_up_to_a_mebibyte(tmp_path, extra, says):
    path, raw = _mnist_labels_file(tmp_path)
    for name, data in (("t-idx1-ubyte.gz", gzip.compress(raw + bytes(extra))), ("t-idx1-ubyte", raw + bytes(extra))):
        if name.endswith("ubyte") and says.startswith("more"):
            says = f"{extra:,}"                           # a plain file's size is known: counted exactly
        (tmp_path / name).write_bytes(data)
        with pytest.raises(DataError) as caught:
            read_idx(tmp_path / name)
        assert str(caught.value) == (f"{tmp_path / name}: IDX file has {says} unexpected trailing bytes after the "
                                     f"(5,) array its header declares")


def test_trailing_bytes_of_a_gzip_bomb_are_counted_in_small_pieces(tmp_path):
    """64 MiB of zeros after a 5-label IDX, inflated from a 64 KiB gzip: counted a chunk at a time, never held."""
    import tracemalloc
    path = tmp_path / "bomb-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(bytes.fromhex("00000801 00000005") + bytes(5 + (64 << 20)), compresslevel=9))
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match="more than 1,048,576 unexpected trailing bytes"):
            read_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20, f"{peak / 2 ** 20:.0f} MiB"


def test_header_refusals_name_what_they_expected(tmp_path):
    path = tmp_path / "h-idx3-ubyte"
    path.write_bytes(bytes.fromhex("00000803 00000002 0000"))    # 3 dimensions need 16 bytes
    with pytest.raises(DataError) as caught:
        read_idx(path)
    assert str(caught.value) == f"{path}: truncated IDX header: 3 dimensions need 16 bytes, file has 10"
    path.write_bytes(bytes.fromhex("00000a01 00000001 00"))
    with pytest.raises(DataError) as caught:
        read_idx(path)
    assert str(caught.value) == (f"{path}: not an IDX file: magic number 00 00 0a 01 (expected 00 00 <type> <ndim> "
                                 f"with type one of 08, 09, 0b, 0c, 0d, 0e; e.g. 00 00 08 03 for MNIST images)")
    path.write_bytes(bytes.fromhex("00000800"))
    with pytest.raises(DataError) as caught:
        read_idx(path)
    assert str(caught.value) == f"{path}: IDX header declares 0 dimensions"


def test_a_folder_a_fifo_and_an_unreadable_name_are_refused_without_waiting(tmp_path):
    import os
    import threading
    with pytest.raises(DataError) as caught:
        read_idx(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a folder, not an IDX file"
    fifo = tmp_path / "pipe-idx1-ubyte"
    os.mkfifo(fifo)
    outcome = []
    reader = threading.Thread(target=lambda: outcome.append(_error_of(read_idx, fifo)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert outcome == [f"{fifo}: is a FIFO (named pipe), not an IDX file"]     # open() alone would block forever
    long_name = tmp_path / ("x" * 300)
    with pytest.raises(DataError) as caught:
        read_idx(long_name)
    assert str(caught.value) == f"{long_name}: cannot read it (File name too long)"


def _error_of(call, *args):
    try:
        call(*args)
    except DataError as error:
        return str(error)
    return None


def test_write_idx_refusals(tmp_path):
    with pytest.raises(DataError) as caught:
        write_idx(tmp_path / "x", np.zeros(3, dtype=np.uint16))
    assert str(caught.value) == ("IDX cannot store dtype uint16; use one of ['float32', 'float64', 'int16', 'int32', "
                                 "'int8', 'uint8']")
    with pytest.raises(DataError) as caught:
        write_idx(tmp_path / "x", np.uint8(3))
    assert str(caught.value) == "IDX needs 1 to 255 dimensions, got shape ()"
    assert list(tmp_path.iterdir()) == []


def test_short_reads_are_read_on_until_the_header_is_whole():
    from chainrule.data.idx import _read_exactly

    class Dribble:
        """A stream that gives at most 3 bytes a read, as a pipe or a slow gzip member may."""
        def __init__(self, data):
            self.data = data

        def read(self, n):
            chunk, self.data = self.data[:min(n, 3)], self.data[min(n, 3):]
            return chunk

    assert _read_exactly(Dribble(b"abcdefgh"), 4) == b"abcd"
    assert _read_exactly(Dribble(b"ab"), 4) == b"ab"

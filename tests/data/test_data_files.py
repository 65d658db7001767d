"""The .npz files of the data, read back: byte for byte what the shipped sample is, every member as written,
nothing pickled, and what a reader says of a file that lacks an array."""
import zipfile
from importlib import resources

import numpy as np
import pytest

from chainrule.data import DataError, load_npz, save_npz

SAMPLE = resources.files("chainrule.data") / "mnist_sample.npz"


def test_saving_the_sample_again_gives_the_shipped_file_byte_for_byte(tmp_path):
    """The sample was written by save_npz (scripts/make_mnist_sample.py): the same arrays give the same bytes,
    whenever and wherever they are saved (a fixed zip date, compression level 9, mode 0644, ZIP64 headers)."""
    shipped = SAMPLE.read_bytes()
    arrays = load_npz(SAMPLE, required=("images", "labels", "npm_index"))
    assert list(arrays) == ["images", "labels", "npm_index"]
    assert save_npz(tmp_path / "again.npz", **arrays) == tmp_path / "again.npz"
    assert (tmp_path / "again.npz").read_bytes() == shipped


def test_every_member_is_a_deflated_npy_of_the_array_given(tmp_path):
    arrays = {"images": np.arange(24, dtype=np.uint8).reshape(2, 3, 4), "labels": np.array([3, 1]),
              "n_train": np.int64(1), "weights": np.linspace(0, 1, 5, dtype=np.float32)}
    path = save_npz(tmp_path / "d.npz", **arrays)
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        assert [info.filename for info in infos] == ["images.npy", "labels.npy", "n_train.npy", "weights.npy"]
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0) and info.compress_type == zipfile.ZIP_DEFLATED
            assert info.external_attr >> 16 == 0o644
    back = load_npz(path, required=())
    assert list(back) == list(arrays)
    for name, array in arrays.items():
        assert back[name].dtype == np.asarray(array).dtype and np.array_equal(back[name], array)
    with np.load(path, allow_pickle=False) as plain:           # and NumPy reads it as it is
        assert np.array_equal(plain["images"], arrays["images"])


def test_an_object_array_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(DataError) as caught:
        save_npz(tmp_path / "d.npz", images=np.zeros((1, 2, 2)), labels=np.array([{"a": 1}], dtype=object))
    assert str(caught.value) == (f"cannot save 'labels' to {tmp_path / 'd.npz'}: it holds Python objects (dtype "
                                 f"object), which would need pickling; a data file holds numbers (chainrule never "
                                 f"pickles)")
    assert list(tmp_path.iterdir()) == []


def test_missing_arrays_are_named_with_what_the_file_holds(tmp_path):
    path = save_npz(tmp_path / "d.npz", pictures=np.zeros(2), names=np.zeros(1))
    with pytest.raises(DataError) as caught:
        load_npz(path)
    assert str(caught.value) == f"{path}: no array named 'images', 'labels' (it holds 'pictures', 'names')"
    empty = save_npz(tmp_path / "e.npz")
    with pytest.raises(DataError) as caught:
        load_npz(empty, required=("images",))
    assert str(caught.value) == f"{empty}: no array named 'images' (it holds nothing)"
    (tmp_path / "bad.npz").write_bytes(b"PK\x03\x04" + bytes(40))
    with pytest.raises(DataError) as caught:
        load_npz(tmp_path / "bad.npz")
    assert str(caught.value).startswith(f"{tmp_path / 'bad.npz'}: not a readable .npz file (BadZipFile: ")
    with pytest.raises(DataError) as caught:
        load_npz(tmp_path / "none.npz")
    assert str(caught.value) == f"{tmp_path / 'none.npz'}: no such file"

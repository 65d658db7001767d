"""Model files: weights + JSON description in an .npz, atomic, never unpickled, clear errors."""
import json
import os
import zipfile

import numpy as np
import pytest

from chainrule import Network
from chainrule.errors import ModelFileError
from chainrule.training import FORMAT_VERSION, load_model, save_model


def test_round_trip_gives_the_same_network(tmp_path):
    net = Network([6, 5, 4, 3], seed=1, activation=["relu", "tanh"], loss="softmax_cross_entropy",
                  dtype=np.float32)
    path = save_model(net, tmp_path / "m.npz", metadata={"classes": [3, 5, 8], "note": "hello"})
    again = load_model(path)
    assert again.layer_sizes == [6, 5, 4, 3] and again.activation_names == ["relu", "tanh", "identity"]
    assert again.loss.name == "softmax_cross_entropy" and again.dtype == np.float32
    assert again.metadata == {"classes": [3, 5, 8], "note": "hello"}
    assert again.description["format_version"] == FORMAT_VERSION
    x = np.random.RandomState(0).rand(7, 6)
    assert np.array_equal(net.predict_proba(x), again.predict_proba(x))
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]        # no temporary file left behind


def test_file_is_readable_without_pickle(tmp_path):
    path = save_model(Network([2, 2]), tmp_path / "m.npz")
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["W0", "b0", "chainrule_model"]
        description = json.loads(str(archive["chainrule_model"]))
    assert description["format"] == "chainrule-model" and description["layer_sizes"] == [2, 2]


def test_foreign_npz_is_named(tmp_path):
    path = tmp_path / "mnist.npz"
    np.savez(path, images=np.zeros((2, 28, 28)), labels=np.zeros(2))
    with pytest.raises(ModelFileError, match=r"not a chainrule model file .*images, labels"):
        load_model(path)


def test_truncated_file_is_named(tmp_path):
    path = save_model(Network([20, 10, 2]), tmp_path / "m.npz")
    data = open(path, "rb").read()
    with open(path, "wb") as handle:
        handle.write(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match=r"m\.npz.*truncated, corrupted"):
        load_model(path)


def test_text_file_and_missing_file(tmp_path):
    (tmp_path / "notes.npz").write_text("not a zip")
    with pytest.raises(ModelFileError, match="notes.npz"):
        load_model(tmp_path / "notes.npz")
    with pytest.raises(ModelFileError, match="does not exist"):
        load_model(tmp_path / "nothing.npz")


def _rewrite_description(path, change):
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    description = json.loads(str(arrays["chainrule_model"]))
    change(description)
    arrays["chainrule_model"] = np.array(json.dumps(description))
    np.savez(path, **arrays)


def test_newer_format_version_says_upgrade(tmp_path):
    path = save_model(Network([2, 2]), tmp_path / "m.npz")
    _rewrite_description(path, lambda d: d.update(format_version=FORMAT_VERSION + 1))
    with pytest.raises(ModelFileError, match=f"version {FORMAT_VERSION + 1}.*upgrade chainrule"):
        load_model(path)


def test_weights_that_do_not_fit_the_architecture(tmp_path):
    path = save_model(Network([3, 2]), tmp_path / "m.npz")
    _rewrite_description(path, lambda d: d.update(layer_sizes=[4, 2]))
    with pytest.raises(ModelFileError, match="inconsistent"):
        load_model(path)


def test_object_arrays_are_refused_not_unpickled(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, chainrule_model=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ModelFileError, match="evil.npz"):
        load_model(path)


def test_failed_save_keeps_the_previous_file(tmp_path, monkeypatch):
    path = save_model(Network([2, 2], seed=1), tmp_path / "m.npz")
    before = open(path, "rb").read()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez_compressed", crash)
    with pytest.raises(KeyboardInterrupt):
        save_model(Network([2, 2], seed=2), path)
    assert open(path, "rb").read() == before and os.listdir(tmp_path) == ["m.npz"]
    assert zipfile.is_zipfile(path)

"""Model and checkpoint files: written atomically, read without unpickling; a damaged, foreign or too-new file
gives a ModelFileError naming the file and the problem, never a crash deep inside NumPy or a wrong network."""
import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainrule import ModelFileError, Network
from chainrule.training import fit, load_model, save_model
from chainrule.training.checkpoint import CHECKPOINT_KEY, load_checkpoint

X = np.random.default_rng(0).normal(size=(40, 3))
Y = np.eye(2)[(X[:, 0] > 0).astype(int)]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("files")
    net = Network([3, 5, 2], seed=1)
    fit(net, X, Y, epochs=2, learning_rate=0.5, optimizer="momentum", checkpoint=folder / "checkpoint.npz",
        diagnostics=False)
    save_model(net, folder / "model.npz", metadata={"classes": [0, 1]})
    return {"model": folder / "model.npz", "checkpoint": folder / "checkpoint.npz", "net": net}


LOADERS = {"model": load_model, "checkpoint": load_checkpoint}


def weights_of(loaded):
    if isinstance(loaded, Network):
        return loaded.weights + loaded.biases
    return list(loaded.state["weights"]) + list(loaded.state["biases"])


@pytest.mark.parametrize("kind", ["model", "checkpoint"])
def test_a_good_file_loads_and_a_checkpoint_is_also_a_model(files, kind):
    for W_a, W_b in zip(weights_of(LOADERS[kind](files[kind])), files["net"].weights + files["net"].biases):
        assert np.array_equal(W_a, W_b)
    assert np.array_equal(load_model(files["checkpoint"]).weights[0], files["net"].weights[0])


@pytest.mark.parametrize("kind", ["model", "checkpoint"])
def test_missing_file_and_folder(files, tmp_path, kind):
    with pytest.raises(ModelFileError, match=r"'.*nothing\.npz' does not exist"):
        LOADERS[kind](tmp_path / "nothing.npz")
    with pytest.raises(ModelFileError, match=str(tmp_path)):
        LOADERS[kind](tmp_path)


@pytest.mark.parametrize("kind", ["model", "checkpoint"])
@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.5, 0.9, 0.999])
def test_truncated_file(files, tmp_path, kind, fraction):
    data = files[kind].read_bytes()
    bad = tmp_path / f"cut-{kind}.npz"
    bad.write_bytes(data[:int(len(data) * fraction)])
    with pytest.raises(ModelFileError, match=r"cut-.*(truncated, corrupted or not an \.npz|is empty \(0 bytes\))"):
        LOADERS[kind](bad)


@pytest.mark.parametrize("kind", ["model", "checkpoint"])
def test_text_pickle_and_single_array_files_are_foreign(files, tmp_path, kind):
    text = tmp_path / "notes.npz"
    text.write_text("these are my notes, not a model\n")
    with pytest.raises(ModelFileError, match="notes.npz"):
        LOADERS[kind](text)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, payload=np.array([{"evil": "code"}], dtype=object))   # would need unpickling
    with pytest.raises(ModelFileError, match="pickled.npz"):
        LOADERS[kind](pickled)
    single = tmp_path / "single.npy"
    np.save(single, np.arange(3))
    with pytest.raises(ModelFileError, match="single.npy. is a single NumPy array"):
        LOADERS[kind](single)


def test_a_foreign_npz_says_what_it_holds(tmp_path):
    other = tmp_path / "mnist.npz"
    np.savez(other, x_train=np.zeros((2, 2)), y_train=np.zeros(2))
    with pytest.raises(ModelFileError, match=r"not a chainrule model file .*x_train, y_train"):
        load_model(other)
    with pytest.raises(ModelFileError, match=r"not a chainrule checkpoint .*x_train, y_train"):
        load_checkpoint(other)


def test_a_model_file_is_not_a_checkpoint(files):
    with pytest.raises(ModelFileError, match="model file, not a checkpoint: .* optimizer state, epoch and history"):
        load_checkpoint(files["model"])


def rewrite_entry(source, target, key, change):
    """Copy an .npz, passing the JSON of entry ``key`` through ``change``."""
    with np.load(source, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    description = json.loads(str(arrays[key]))
    arrays[key] = np.array(json.dumps(change(description)))
    np.savez(target, **arrays)


def test_newer_format_versions_are_refused_with_the_version(files, tmp_path):
    newer = tmp_path / "from-the-future.npz"
    rewrite_entry(files["checkpoint"], newer, CHECKPOINT_KEY, lambda d: dict(d, format_version=99))
    with pytest.raises(ModelFileError, match=r"from-the-future.npz' has format version 99, newer than .* \(up to 1\)"):
        load_checkpoint(newer)
    # model files are at format version 2 since the kinds' configs are stored (issue 16): 3 is the newer one
    rewrite_entry(files["model"], newer, "chainrule_model", lambda d: dict(d, format_version=3))
    with pytest.raises(ModelFileError, match=r"model format version 3, newer than"):
        load_model(newer)


def test_a_checkpoint_missing_an_array_is_damaged(files, tmp_path):
    with np.load(files["checkpoint"], allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files if name != "s8"}
    assert len(arrays) > 8
    broken = tmp_path / "broken.npz"
    np.savez(broken, **arrays)
    with pytest.raises(ModelFileError, match=r"broken.npz' is damaged: .* array 's8'"):
        load_checkpoint(broken)


@pytest.mark.parametrize("kind", ["model", "checkpoint"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_flipped_byte_gives_the_same_weights_or_a_clear_error(files, tmp_path, kind, data):
    """Flip bytes anywhere: zip CRCs, headers and JSON checks catch it, or the flip was harmless (a timestamp)."""
    raw = bytearray(files[kind].read_bytes())
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.integers(0, len(raw) - 1))
        raw[where] ^= data.draw(st.integers(1, 255))
    bad = tmp_path / f"flipped-{kind}.npz"
    bad.write_bytes(bytes(raw))
    try:
        loaded = LOADERS[kind](bad)
    except ModelFileError as error:
        assert "flipped-" in str(error)
        return
    for W_a, W_b in zip(weights_of(loaded), files["net"].weights + files["net"].biases):
        assert np.array_equal(W_a, W_b)


def test_corrupted_compressed_data_is_a_clear_error(files, tmp_path):
    """Inside a compressed member, a damaged deflate stream raises zlib.error, not BadZipFile."""
    with zipfile.ZipFile(files["model"]) as archive:
        info = archive.infolist()[-1]
        assert info.compress_type == zipfile.ZIP_DEFLATED
    raw = bytearray(files["model"].read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start, start + min(info.compress_size, 24)):
        raw[i] = 0xFF
    bad = tmp_path / "deflate.npz"
    bad.write_bytes(bytes(raw))
    with pytest.raises(ModelFileError, match="deflate.npz"):
        load_model(bad)


# --- a save that fails or dies half-way leaves the previous file ---

def test_a_failing_rename_leaves_the_previous_checkpoint_and_no_temporary_file(files, tmp_path, monkeypatch):
    path = tmp_path / "checkpoint.npz"
    fit(Network([3, 5, 2], seed=1), X, Y, epochs=2, learning_rate=0.5, checkpoint=path, diagnostics=False)
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        fit(Network([3, 5, 2], seed=2), X, Y, epochs=3, learning_rate=0.5, checkpoint=path, diagnostics=False)
    monkeypatch.undo()
    assert path.read_bytes() == before and load_checkpoint(path).epoch == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint.npz"]


KILLED_WRITER = """
import os, signal, sys
import numpy as np
from chainrule import Network
from chainrule.training import fit, save_model

path, kind = sys.argv[1], sys.argv[2]
net = Network([3, 50, 2], seed=7)
real_savez = np.savez

def savez_then_die(handle, **arrays):          # half of the file reaches the disk, then the process is killed
    real_savez(handle, **arrays)
    handle.truncate(handle.tell() // 2)
    handle.flush()
    os.fsync(handle.fileno())
    os.kill(os.getpid(), signal.SIGKILL)

np.savez = np.savez_compressed = savez_then_die
X = np.random.default_rng(0).normal(size=(40, 3))
if kind == "checkpoint":
    fit(net, X, np.eye(2)[(X[:, 0] > 0).astype(int)], epochs=1, learning_rate=0.5, checkpoint=path, diagnostics=False)
else:
    save_model(net, path)
"""


@pytest.mark.parametrize("kind", ["model", "checkpoint"])
def test_a_process_killed_while_saving_leaves_the_previous_file_loadable(files, tmp_path, kind):
    path = tmp_path / f"{kind}.npz"
    path.write_bytes(files[kind].read_bytes())
    result = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(path), kind], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == -9, result.stderr                 # SIGKILL: no cleanup code ran
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]
    assert len(leftovers) == 1 and leftovers[0].stat().st_size > 0   # the half-written temporary file
    assert path.read_bytes() == files[kind].read_bytes()
    for W_a, W_b in zip(weights_of(LOADERS[kind](path)), files["net"].weights + files["net"].biases):
        assert np.array_equal(W_a, W_b)
    with pytest.raises(ModelFileError, match=r"\.tmp-.*truncated, corrupted"):
        LOADERS[kind](leftovers[0])

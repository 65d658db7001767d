"""Every file reader answers a hostile or damaged file with its own error (ModelFileError for models and
checkpoints, DataError for data, ConfigError for a trace spec): never a bare zlib.error, KeyError, TypeError,
RecursionError, BadZipFile, UnpicklingError or MemoryError, and never a silently wrong result (two W0.npy)."""
import gzip
import json
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainrule import ConfigError, DataError, ModelFileError, Network
from chainrule.data import load_mnist, load_npz, read_idx, save_npz, write_idx
from chainrule.training import fit, load_model, save_model
from chainrule.training.checkpoint import CHECKPOINT_KEY, load_checkpoint
from chainrule.project.settings import ProjectConfig
from chainrule.viz import network_from_spec

from hostile_files import model_description, npy_bytes, npy_header, stored, text_entry, write_zip

HYPOTHESIS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# --- zip members ---

def test_two_members_with_the_same_name_are_refused_not_the_last_one_loaded(tmp_path):
    """np.load would give the second W0.npy; a model must never load weights other than those it was saved with."""
    good = save_model(Network([2, 2], seed=0), tmp_path / "good.npz")
    with zipfile.ZipFile(good) as archive:
        members = [stored(info.filename, archive.read(info)) for info in archive.infolist()]
    evil = npy_bytes(np.full((2, 2), 999.0))
    path = write_zip(tmp_path / "twice.npz", members + [stored("W0.npy", evil)])
    with pytest.raises(ModelFileError, match=r"'.*twice.npz' holds two members named 'W0.npy': an archive with "
                                             r"duplicate names is ambiguous \(tampered with, or appended to\)"):
        load_model(path)
    with pytest.raises(DataError, match="holds two members named 'W0.npy'"):
        load_npz(path, required=())


@pytest.mark.parametrize("member, message", [
    (("notes.txt", b"hello", 0x3610a686, 5, 0), r"holds a member 'notes.txt' that is not a NumPy array \(.npy\)"),
    (("W0.npy", b"x" * 10, 0, 10, zipfile.ZIP_BZIP2), r"member 'W0.npy' uses compression method 12; chainrule "
                                                       r"reads stored or deflated members"),
])
def test_members_that_are_not_plain_npy_arrays(tmp_path, member, message):
    path = write_zip(tmp_path / "odd.npz", [stored("chainrule_model.npy", text_entry(model_description([2, 2]))),
                                            member])
    with pytest.raises(ModelFileError, match=message):
        load_model(path)


def test_an_encrypted_member(tmp_path):
    path = write_zip(tmp_path / "locked.npz", [stored("chainrule_model.npy", text_entry(model_description([2, 2])))])
    raw = bytearray(path.read_bytes())
    central = raw.index(b"PK\x01\x02")
    raw[central + 8] |= 1                        # the "encrypted" flag bit in the central directory
    path.write_bytes(bytes(raw))
    with pytest.raises(ModelFileError, match=r"member 'chainrule_model.npy' is encrypted"):
        load_model(path)


def test_an_archive_listing_20000_members_is_refused_before_its_directory_is_parsed(tmp_path):
    path = write_zip(tmp_path / "many.npz", [stored(f"a{i}.npy", b"") for i in range(20_001)])
    with pytest.raises(DataError, match=r"many.npz lists 20,001 members, more than the 10,000 chainrule reads"):
        load_npz(path, required=())


def test_object_arrays_would_need_unpickling_and_are_refused(tmp_path):
    path = tmp_path / "pickled.npz"
    np.savez(path, images=np.array([{"evil": "code"}], dtype=object), labels=np.zeros(1))
    with pytest.raises(DataError, match=r"member 'images.npy' holds Python objects \(dtype object\), which would "
                                        r"need unpickling; chainrule never unpickles files"):
        load_mnist(path)


def test_an_npy_where_an_npz_is_expected(tmp_path):
    np.save(tmp_path / "images.npy", np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(DataError, match=r"images.npy is a single NumPy array \(.npy\), not an .npz archive of named "
                                        r"arrays"):
        load_mnist(tmp_path / "images.npy")
    with pytest.raises(ModelFileError, match=r"images.npy' is a single NumPy array"):
        load_model(tmp_path / "images.npy")


def corrupt_deflate(path, member_index=0):
    """Overwrite the start of a deflated member's data with 0xFF: a broken deflate stream (zlib.error)."""
    with zipfile.ZipFile(path) as archive:
        info = archive.infolist()[member_index]
        assert info.compress_type == zipfile.ZIP_DEFLATED
    raw = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start:start + min(info.compress_size, 24)] = b"\xff" * min(info.compress_size, 24)
    path.write_bytes(bytes(raw))


def test_a_corrupt_deflate_stream_in_data_is_a_data_error(tmp_path):
    save_npz(tmp_path / "d.npz", images=np.arange(2 * 28 * 28).reshape(2, 28, 28) % 256, labels=np.arange(2))
    corrupt_deflate(tmp_path / "d.npz")
    with pytest.raises(DataError, match=r"d.npz: not a readable .npz file \((error|BadZipFile): "):
        load_mnist(tmp_path / "d.npz")
    gz = tmp_path / "t-labels-idx1-ubyte.gz"
    gz.write_bytes(gzip.compress(bytes([0, 0, 8, 1, 0, 0, 0, 200]) + bytes(range(200))))
    raw = bytearray(gz.read_bytes())
    raw[12:30] = b"\xff" * 18
    gz.write_bytes(bytes(raw))
    with pytest.raises(DataError, match=r"t-labels-idx1-ubyte.gz: corrupt gzip data \(Error -3 while decompressing"):
        read_idx(gz)


@HYPOTHESIS
@given(flips=st.lists(st.tuples(st.integers(0, 10 ** 6), st.integers(1, 255)), min_size=1, max_size=3),
       kind=st.sampled_from(["npz", "idx.gz"]))
def test_any_flipped_byte_in_a_data_file_gives_the_same_data_or_a_data_error(tmp_path, flips, kind):
    images = (np.arange(6 * 28 * 28) % 251).astype(np.uint8).reshape(6, 28, 28)
    path = tmp_path / ("d.npz" if kind == "npz" else "d-images-idx3-ubyte.gz")
    save_npz(path, images=images, labels=np.arange(6) % 2, n_train=np.int64(4)) if kind == "npz" \
        else write_idx(path, images)
    raw = bytearray(path.read_bytes())
    for where, bits in flips:
        raw[where % len(raw)] ^= bits
    path.write_bytes(bytes(raw))
    try:
        got = load_mnist(path).images if kind == "npz" else read_idx(path)
    except DataError as error:
        assert path.name in str(error)
    else:
        assert np.array_equal(got, images)


# --- generated headers ---

DESCRS = ["<f8", "<f4", ">f8", "|u1", "<i8", "|b1", "<c16", "<U3", "|V4", "|O"]
SHAPES = st.lists(st.one_of(st.integers(0, 4), st.integers(0, 2 ** 63)), min_size=0, max_size=4).map(tuple)


@HYPOTHESIS
@given(shape=SHAPES, descr=st.sampled_from(DESCRS), fortran=st.booleans(), data_bytes=st.integers(0, 64))
def test_any_npy_header_gives_an_array_or_the_readers_error(tmp_path, shape, descr, fortran, data_bytes):
    """Header fields as an attacker would write them: huge or zero dimensions, every dtype, fortran order,
    a body of any length. The model reader and the data reader answer with their error or a correct array,
    and never allocate what the header claims."""
    header = npy_header(shape, descr, fortran)
    member = stored("W0.npy", header + bytes(data_bytes))
    model = write_zip(tmp_path / "h-model.npz", [stored("chainrule_model.npy", text_entry(model_description([2, 2]))),
                                                 member, stored("b0.npy", npy_bytes(np.zeros(2)))])
    if shape == (2, 2) and descr in ("<f8", "<f4", ">f8") and data_bytes == 4 * np.dtype(descr).itemsize:
        assert np.array_equal(load_model(model).weights[0], np.zeros((2, 2)))     # a valid W0 of zeros
    else:
        with pytest.raises(ModelFileError, match="h-model.npz"):
            load_model(model)
    data = write_zip(tmp_path / "h-data.npz", [member])
    try:
        arrays = load_npz(data, required=())
    except DataError as error:
        assert "h-data.npz" in str(error)
    else:
        array = arrays["W0"]
        assert array.shape == shape and array.dtype == np.dtype(descr) and array.nbytes == data_bytes


@HYPOTHESIS
@given(type_code=st.sampled_from([0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0x07]),
       dims=st.lists(st.one_of(st.integers(0, 3), st.integers(2 ** 31, 2 ** 32 - 1)), min_size=1, max_size=4),
       body=st.integers(0, 40), compressed=st.booleans())
def test_idx_dimensions_whose_product_overflows(tmp_path, type_code, dims, body, compressed):
    """Four dimensions of ~2**32 multiply past 2**64 (np.prod in int64 overflowed to a small or negative size):
    the reader computes with Python ints, so it is the budget or a truncated file, never a wrong shape."""
    raw = bytes([0, 0, type_code, len(dims)]) + b"".join(n.to_bytes(4, "big") for n in dims) + bytes(body)
    path = tmp_path / ("x-idx-ubyte.gz" if compressed else "x-idx-ubyte")
    path.write_bytes(gzip.compress(raw) if compressed else raw)
    try:
        array = read_idx(path)
    except DataError as error:
        assert str(path) in str(error)
    else:
        assert array.shape == tuple(dims) and array.nbytes == body


JSON = st.recursive(st.none() | st.booleans() | st.integers(-10, 10 ** 6) | st.floats() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=25)
KEYS = ["format", "format_version", "layer_sizes", "activations", "loss", "dtype", "seed", "metadata"]


@HYPOTHESIS
@given(changes=st.dictionaries(st.sampled_from(KEYS), JSON, min_size=1, max_size=3))
def test_any_json_in_a_model_description_loads_or_is_a_model_file_error(tmp_path, changes):
    path = save_model(Network([2, 2], seed=0), tmp_path / "json.npz")
    with np.load(path) as archive:
        arrays = {name: archive[name] for name in archive.files}
    description = json.loads(str(arrays["chainrule_model"]))
    description.update(changes)
    arrays["chainrule_model"] = np.array(json.dumps(description))
    np.savez(path, **arrays)
    try:
        net = load_model(path)
    except ModelFileError as error:
        assert "json.npz" in str(error)
    else:
        assert net.layer_sizes == [2, 2]


@HYPOTHESIS
@given(spec=st.dictionaries(st.sampled_from(["weights", "biases", "x", "target", "layers", "seed", "learning_rate"]),
                            JSON, max_size=3))
def test_any_json_in_a_trace_spec_builds_a_network_or_is_a_config_error(spec):
    try:
        network_from_spec(spec)
    except ConfigError:
        pass
    except ValueError as error:      # ShapeError and InputValueError are ChainruleErrors too
        from chainrule import ChainruleError
        assert isinstance(error, ChainruleError), repr(error)


# --- checkpoints: settings and state ---

@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    path = tmp_path_factory.mktemp("ckpt") / "checkpoint.npz"
    X = np.random.default_rng(0).normal(size=(20, 3))
    fit(Network([3, 4, 2], seed=1), X, np.eye(2)[(X[:, 0] > 0).astype(int)], epochs=2, learning_rate=0.1,
        optimizer="momentum", checkpoint=path, diagnostics=False,
        checkpoint_metadata={"project": "mnist", "config": ProjectConfig(epochs=3).to_dict()})
    return path


def rewrite_checkpoint(source, target, change):
    """Copy a checkpoint, letting ``change(description, arrays)`` edit its JSON and arrays."""
    with np.load(source, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    description = json.loads(str(arrays[CHECKPOINT_KEY]))
    change(description, arrays)
    arrays[CHECKPOINT_KEY] = np.array(json.dumps(description))
    np.savez(target, **arrays)
    return target


def test_a_checkpoint_config_with_an_unknown_key_names_the_key(checkpoint, tmp_path, capsys):
    from chainrule.cli.main import main
    path = rewrite_checkpoint(checkpoint, tmp_path / "c.npz",
                              lambda d, a: d["metadata"]["config"].update(turbo=True))
    assert main(["train", "--resume", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == (
        f"chainrule train: error: checkpoint {str(path)!r} holds project settings this chainrule does not know: "
        f"'turbo' (written by a newer chainrule, or edited)")
    with pytest.raises(ModelFileError, match=r"the model file holds invalid project settings: digits must look "
                                             r"like .0-4."):
        ProjectConfig.from_saved(dict(ProjectConfig().to_dict(), digits="seven"), "the model file")


def _state(description):
    return description["state"]


def _set_array(description, arrays, where, value):
    """Point the state entry at ``where`` (a path of keys) to a new array ``value``."""
    node = _state(description)
    for key in where[:-1]:
        node = node[key]
    arrays["garbage"] = value
    node[where[-1]] = {"__array__": "garbage"}


GARBAGE = [
    (("rng_state", "key"), np.zeros(3), r"rng_state.key must be 624 whole numbers in 0..2\*\*32-1 \(a MT19937 key\), "
                                         r"got a \(3,\) float64 array"),
    (("rng_state", "key"), np.full(624, -5, np.int64), r"rng_state.key must be 624 whole numbers"),
    (("optimizer", "velocity", 0), np.zeros((2, 2)), r"optimizer.velocity\[0\] must be a \(4, 3\) float array, got a "
                                                     r"\(2, 2\) float64 array"),
    (("optimizer", "velocity", 1), np.full(4, np.nan), r"optimizer.velocity\[1\] must be finite"),
    (("weights", 1), np.zeros((2, 4), np.int64), r"weights\[1\] must be a \(2, 4\) float array, got a \(2, 4\) int64"),
]


@pytest.mark.parametrize("where, value, message", GARBAGE, ids=[m.split(" ")[0] for _, _, m in GARBAGE])
def test_garbage_state_arrays_are_a_model_file_error(checkpoint, tmp_path, where, value, message):
    path = rewrite_checkpoint(checkpoint, tmp_path / "g.npz", lambda d, a: _set_array(d, a, where, value))
    with pytest.raises(ModelFileError, match=r"checkpoint '.*g.npz' is damaged: " + message):
        load_checkpoint(path)


@pytest.mark.parametrize("change, message", [
    (lambda s: s["rng_state"].update(pos=10 ** 6),
     r"rng_state.pos must be a whole number >= 0 and <= 624, got 1000000"),
    (lambda s: s["rng_state"].update(cached_gaussian="x"),
     r"rng_state.cached_gaussian must be a finite number, got 'x'"),
    (lambda s: s.update(optimizer=[1, 2]), r"optimizer must be a JSON object \(the optimizer's state\), got \[1, 2\]"),
    (lambda s: s["optimizer"].update(t=-1), r"optimizer.t must be a whole number >= 0, got -1"),
    (lambda s: s["schedule"].update(base_lr=0), r"schedule.base_lr must be a finite number > 0, got 0"),
    (lambda s: s["history"].update(train_loss=3), r"history.train_loss must be a list, got 3"),
    (lambda s: s.update(callbacks=[]), r"callbacks must be a JSON object, got \[\]"),
    (lambda s: s["rng_state"].update(key={"__float__": "1e999999"}),
     r"\{'__float__': '1e999999'\} is not a spelled-out float"),
    (lambda s: s["rng_state"].update(key={"__array__": ["s0"]}),
     r"its description refers to an array \['s0'\] the file does not hold"),
])
def test_garbage_state_values_are_a_model_file_error(checkpoint, tmp_path, change, message):
    path = rewrite_checkpoint(checkpoint, tmp_path / "v.npz", lambda d, a: change(_state(d)))
    with pytest.raises(ModelFileError, match=r"checkpoint '.*v.npz' is damaged: " + message):
        load_checkpoint(path)


def test_a_shuffled_order_out_of_range_is_refused(checkpoint, tmp_path):
    def interrupted(description, arrays):
        arrays["order"] = np.array([0, 1, 99])
        arrays["sums"] = np.zeros(2)
        _state(description)["partial_epoch"] = {"order": {"__array__": "order"}, "next_batch": 1, "total": 0.5,
                                                "seen": 2, "norm_sums": {"__array__": "sums"}}
    path = rewrite_checkpoint(checkpoint, tmp_path / "o.npz", interrupted)
    with pytest.raises(ModelFileError, match=r"partial_epoch.order must be a shuffled order of the training rows"):
        load_checkpoint(path)


@HYPOTHESIS
@given(where=st.sampled_from([("rng_state", "key"), ("optimizer", "velocity", 0), ("optimizer", "velocity", 3),
                              ("weights", 0), ("biases", 1)]),
       shape=st.lists(st.integers(0, 5), max_size=3).map(tuple),
       dtype=st.sampled_from([np.float64, np.float32, np.int64, np.uint32, np.bool_, np.complex128]),
       fill=st.sampled_from([0, 1, -1, 2 ** 31, np.inf]))
def test_any_garbage_array_in_the_state_is_refused_or_resumes(checkpoint, tmp_path, where, shape, dtype, fill):
    """A state array replaced by anything: load_checkpoint refuses it, or it is valid and training resumes."""
    with np.errstate(invalid="ignore", over="ignore"):
        value = np.full(shape, fill).astype(dtype)
    path = rewrite_checkpoint(checkpoint, tmp_path / "h.npz", lambda d, a: _set_array(d, a, where, value))
    try:
        loaded = load_checkpoint(path)
    except ModelFileError as error:
        assert "h.npz" in str(error)
        return
    X = np.random.default_rng(0).normal(size=(20, 3))
    fit(Network([3, 4, 2], seed=1), X, np.eye(2)[(X[:, 0] > 0).astype(int)], epochs=3, learning_rate=0.1,
        optimizer="momentum", resume=loaded, diagnostics=False)

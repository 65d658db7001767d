"""No small hostile file can make chainrule allocate gigabytes: each reader checks the size it is about to
allocate (from headers and descriptions) against the memory budget of ``chainrule.limits``, and the error names
the size asked for, the limit and how to raise it. The memory really used is measured in a child process
(VmHWM: the peak resident set), so a reader that allocated first and refused later would fail here."""
import json

import numpy as np
import pytest

from chainrule import ConfigError, DataError, ModelFileError, Network
from chainrule.data import load_npz, read_idx
from chainrule.limits import (DEFAULT_MAX_MEMORY, check_allocation, format_bytes, max_memory, memory_limit,
                              parse_size)
from chainrule.training import load_model, save_model
from chainrule.project.run import load_history
from chainrule.viz import load_spec

from hostile_files import (MIB, attempt_in_child, gzip_zeros, inflating_member, model_description, npy_bytes,
                           npy_header, png_header, stored, text_entry, write_zip)

PEAK = 200 * MIB     # a fresh Python with chainrule imported peaks at ~40 MB; every file below claims >= 1 GiB
LIMIT_MESSAGE = r"more than chainrule's memory limit of 1 GiB; if you really need that much, raise the limit " \
                r"with --max-memory \d+G or CHAINRULE_MAX_MEMORY=\d+G"


def assert_refused_small(imports, call, exception, message):
    """``call`` (after ``imports``) in a child raises ``exception`` matching ``message``; the child's peak stays
    small."""
    error, peak = attempt_in_child(f"{imports}\ndef attempt():\n    {call}\n")
    assert error is not None and error.startswith(exception + ":"), error
    import re
    assert re.search(message, error), error
    assert peak < PEAK, f"peak memory {peak / MIB:.0f} MiB"
    return error, peak


# --- the budget itself ---

def test_sizes_and_the_limit_setting(monkeypatch):
    assert [parse_size(s) for s in ("4G", "512M", "2GiB", "1.5GB", "1000000", "64k")] == \
        [4 << 30, 512 << 20, 2 << 30, 1_500_000_000, 1_000_000, 64 << 10]
    for bad in ("", "lots", "-1G", "1X", "0"):
        with pytest.raises(ConfigError, match="must be"):
            parse_size(bad)
    monkeypatch.delenv("CHAINRULE_MAX_MEMORY", raising=False)
    assert max_memory() == DEFAULT_MAX_MEMORY == 1 << 30
    monkeypatch.setenv("CHAINRULE_MAX_MEMORY", "3G")
    assert max_memory() == 3 << 30
    with memory_limit("100M"):
        assert max_memory() == 100 << 20
    assert max_memory() == 3 << 30
    monkeypatch.setenv("CHAINRULE_MAX_MEMORY", "plenty")
    with pytest.raises(ConfigError, match=r"CHAINRULE_MAX_MEMORY must be a size such as 4G.*got 'plenty'"):
        max_memory()


def test_the_error_names_the_size_the_limit_and_how_to_raise_it():
    with memory_limit("1G"), pytest.raises(DataError) as caught:
        check_allocation(3 * 2 ** 30 + 1, "the thing", DataError)
    assert str(caught.value) == (
        "the thing needs 3 GiB (3,221,225,473 bytes), more than chainrule's memory limit of 1 GiB; if you really "
        "need that much, raise the limit with --max-memory 4G or CHAINRULE_MAX_MEMORY=4G")
    assert caught.value.requested == 3 * 2 ** 30 + 1 and caught.value.limit == 2 ** 30
    assert format_bytes(52428800) == "50 MiB" and format_bytes(999) == "999 bytes"


# --- model files and checkpoints ---

def bomb_model(path, n_mib=1025):
    """A 1 MiB model file whose W0.npy really inflates to n_mib MiB; header, directory and CRC all honest."""
    n = n_mib * MIB // 8
    members = [stored("chainrule_model.npy", text_entry(model_description([1, n]))),
               inflating_member("W0.npy", (n, 1), "<f8", n_mib), stored("b0.npy", npy_bytes(np.zeros(n_mib)))]
    return write_zip(path, members)


def test_a_model_member_inflating_to_1_gib_is_refused_before_it_is_inflated(tmp_path):
    path = bomb_model(tmp_path / "bomb.npz")
    assert path.stat().st_size < 2 * MIB
    assert_refused_small(
        "from chainrule.training import load_model", f"load_model({str(path)!r})", "ModelFileError",
        r"the network in model file '.*bomb.npz' \(layer sizes \[1, 134348800\], "
        r"268,697,600 parameters\) needs 2 GiB .*" + LIMIT_MESSAGE)


def test_the_member_is_checked_even_when_the_description_is_small(tmp_path):
    """The description says [2, 2]; W0's header says 1 GiB: the header is checked before any inflating."""
    path = write_zip(tmp_path / "liar.npz", [stored("chainrule_model.npy", text_entry(model_description([2, 2]))),
                                             inflating_member("W0.npy", (1025 * MIB // 8,), "<f8", 1025),
                                             stored("b0.npy", npy_bytes(np.zeros(2)))])
    assert_refused_small(
        "from chainrule.training import load_model", f"load_model({str(path)!r})", "ModelFileError",
        r"model file '.*liar.npz' member 'W0.npy' \(shape \(134348800,\), float64\) needs "
        r"1 GiB \(1,074,790,400 bytes\), " + LIMIT_MESSAGE)


def test_metadata_claiming_huge_layers_is_refused_before_any_array_is_made(tmp_path):
    """The issue's 2 KB model claiming [784, 300000, 5]: refused from the description alone."""
    path = save_model(Network([784, 3, 5], seed=0), tmp_path / "m.npz")
    with np.load(path) as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays["chainrule_model"] = np.array(model_description([784, 300000, 5]))
    np.savez(path, **arrays)
    error, _ = assert_refused_small(
        "from chainrule.training import load_model", f"load_model({str(path)!r})", "ModelFileError",
        r"the network in model file '.*m.npz' \(layer sizes \[784, 300000, 5\], 237,000,005 "
        r"parameters\) needs 1.77 GiB \(1,896,000,040 bytes\), " + LIMIT_MESSAGE)
    # with the limit raised, the same file is refused for what it really is: arrays that do not fit
    with memory_limit("4G"), pytest.raises(ModelFileError, match=r"W0 is a \(3, 784\) float64 array, but layer_sizes "
                                                                 r"\[784, 300000, 5\] need \(300000, 784\)"):
        load_model(path)


def test_an_npy_header_claiming_2_to_the_40_elements_asks_for_nothing(tmp_path):
    path = write_zip(tmp_path / "huge.npz", [stored("chainrule_model.npy", text_entry(model_description([2, 2]))),
                                             stored("W0.npy", npy_header((2 ** 40,))),
                                             stored("b0.npy", npy_bytes(np.zeros(2)))])
    assert path.stat().st_size < 2000
    assert_refused_small(
        "from chainrule.training import load_model", f"load_model({str(path)!r})", "ModelFileError",
        r"member 'W0.npy' \(shape \(1099511627776,\), float64\) needs 8 TiB "
        r"\(8,796,093,022,208 bytes\), more than chainrule's memory limit of 1 GiB")


def test_a_checkpoint_is_read_within_the_same_budget(tmp_path):
    from chainrule.training.checkpoint import load_checkpoint  # noqa: F401  (the child imports it)
    path = bomb_model(tmp_path / "bomb-checkpoint.npz")
    assert_refused_small(
        "from chainrule.training.checkpoint import load_checkpoint", f"load_checkpoint({str(path)!r})",
        "ModelFileError",
        r"checkpoint file '.*bomb-checkpoint.npz' .*needs .*" + LIMIT_MESSAGE)


def test_a_raised_limit_lets_a_real_file_through(tmp_path, monkeypatch):
    """The budget refuses sizes, not files: a real model larger than a lowered limit loads once it is raised."""
    path = save_model(Network([784, 300, 10], seed=0), tmp_path / "big.npz")     # 1.9 MB of weights
    monkeypatch.setenv("CHAINRULE_MAX_MEMORY", "1M")
    with pytest.raises(ModelFileError, match=r"needs 1.82 MiB \(1,908,080 bytes\), more than .* limit of 1 MiB; "
                                             r".* --max-memory 2M or "
                                             r"CHAINRULE_MAX_MEMORY=2M"):
        load_model(path)
    with memory_limit("2M"):
        assert load_model(path).layer_sizes == [784, 300, 10]


# --- data files ---

def test_a_1_mib_gzipped_idx_inflating_to_2_gib_is_refused_from_its_header(tmp_path):
    dims = (2_739_000, 28, 28)                       # 2.15 GB of uint8 pixels, honestly compressed
    header = bytes([0, 0, 8, 3]) + b"".join(n.to_bytes(4, "big") for n in dims)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip_zeros(header, 2048))
    assert path.stat().st_size < 3 * MIB
    assert_refused_small(
        "from chainrule.data import read_idx", f"read_idx({str(path)!r})", "DataError",
        r"train-images-idx3-ubyte.gz: the IDX header's \(2739000, 28, 28\) array of uint8 needs "
        r"2 GiB \(2,147,376,000 bytes\), " + LIMIT_MESSAGE)


def test_a_gzipped_idx_that_inflates_past_its_header_is_counted_not_kept(tmp_path):
    """The header says 5 labels; the gzip stream inflates to 512 MiB: the rest is counted in a stream."""
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(gzip_zeros(bytes([0, 0, 8, 1, 0, 0, 0, 5]), 512))
    assert_refused_small(
        "from chainrule.data import read_idx", f"read_idx({str(path)!r})", "DataError",
        r"train-labels-idx1-ubyte.gz: IDX file has more than 1,048,576 unexpected trailing bytes "
        r"after the \(5,\) array its header declares")


def test_an_npz_data_file_with_a_huge_member(tmp_path):
    path = write_zip(tmp_path / "data.npz", [inflating_member("images.npy", (1536 * MIB,), "|u1", 1536),
                                             stored("labels.npy", npy_header((1,), "|u1") + b"\0")])
    assert_refused_small(
        "from chainrule.data import load_mnist", f"load_mnist({str(path)!r})", "DataError",
        r"data.npz member 'images.npy' \(shape \(1610612736,\), uint8\) needs 1.5 GiB .*"
                          + LIMIT_MESSAGE)


def test_members_within_the_limit_one_by_one_are_checked_together(tmp_path):
    arrays = {"images": np.zeros((400, 28, 28), np.uint8), "labels": np.zeros(400 * 784, np.uint8)}
    np.savez(tmp_path / "d.npz", **arrays)
    with memory_limit("500K"), pytest.raises(DataError, match=r"d.npz \(2 arrays\) needs 612 KiB \(627,200 bytes\), "
                                                             r"more than chainrule.s memory limit of 500 KiB"):
        load_npz(tmp_path / "d.npz")
    with memory_limit("1M"):
        assert load_npz(tmp_path / "d.npz")["images"].shape == (400, 28, 28)


# --- images ---

def test_a_15000_by_15000_png_is_a_clear_error_not_a_decompression_bomb(tmp_path):
    path = tmp_path / "huge.png"
    path.write_bytes(png_header(15000, 15000))
    assert_refused_small(
        "from chainrule import Network; from chainrule.project.inference import predict_image",
        f"predict_image(Network([784, 4, 2]), {str(path)!r})", "DataError",
        r"cannot read image file '.*huge.png' as a digit image: Image size \(225000000 pixels\) "
        r"exceeds limit of \d+ pixels.*\(a digit needs only 28x28 pixels")


def test_an_image_larger_than_the_budget_is_refused_from_its_header(tmp_path):
    from chainrule.project.inference import read_digit_image
    path = tmp_path / "big.png"
    path.write_bytes(png_header(8000, 8000))
    with memory_limit("100M"), pytest.raises(DataError, match=r"decoding the 8000x8000 image file '.*big.png' "
                                                              r"needs 305 MiB .* limit of 100 MiB"):
        read_digit_image(path)


# --- JSON ---

@pytest.mark.parametrize("where", ["spec", "model", "checkpoint", "history"])
def test_deeply_nested_json_is_refused_before_parsing(tmp_path, where):
    """100,000 levels of [[[...]]]: RecursionError inside json, before; now the reader's own error."""
    deep = "[" * 100_000 + "]" * 100_000
    if where == "spec":
        (tmp_path / "net.json").write_text(deep)
        call, error = (lambda: load_spec(tmp_path / "net.json")), ConfigError
    elif where == "history":
        (tmp_path / "history.json").write_text(deep)
        call, error = (lambda: load_history(tmp_path / "history.json")), ModelFileError
    else:
        from chainrule.training import fit
        from chainrule.training.checkpoint import CHECKPOINT_KEY, load_checkpoint
        net = Network([2, 2], seed=0)
        path = tmp_path / "file.npz"
        fit(net, np.zeros((4, 2)), np.zeros((4, 2)), epochs=1, learning_rate=0.1, checkpoint=path, diagnostics=False)
        key = CHECKPOINT_KEY if where == "checkpoint" else "chainrule_model"
        with np.load(path) as archive:
            arrays = {name: archive[name] for name in archive.files}
        arrays[key] = np.array(deep)
        np.savez(path, **arrays)
        call, error = ((lambda: load_checkpoint(path)) if where == "checkpoint" else (lambda: load_model(path))), \
            ModelFileError
    with pytest.raises(error, match=r"nests its JSON 100000 levels deep, more than the 100 chainrule reads"):
        call()


def test_a_json_text_larger_than_its_budget_is_refused_before_parsing(tmp_path):
    """Parsed JSON takes up to ~25x its text (measured: [{}, {}, ...] 24 bytes per character), so a text may be
    at most 1/32 of the memory limit."""
    path = tmp_path / "spec.json"
    path.write_text(json.dumps({"layers": [2, 2, 1], "x": [0.5] * 200_000}))
    with memory_limit("16M"), pytest.raises(ConfigError, match=r"parsing trace spec .*spec.json \(1,000,\d{3} "
                                                               r"bytes of JSON\) needs 30.5 MiB"):
        load_spec(path)
    error, peak = attempt_in_child(f"""
        from chainrule.viz import load_spec
        def attempt():
            load_spec("/dev/zero")
        """)
    assert "parsing trace spec /dev/zero (more than 33,554,432 bytes of JSON) needs" in error and peak < PEAK


def test_cli_max_memory_and_the_environment(tmp_path, capsys, monkeypatch):
    from chainrule.cli.main import main
    path = save_model(Network([784, 300, 10], seed=0), tmp_path / "big.npz")
    image = tmp_path / "digit.png"
    from PIL import Image
    Image.fromarray(np.zeros((28, 28), np.uint8)).save(image)
    assert main(["predict", str(path), str(image), "--max-memory", "1M"]) == 2
    assert "chainrule predict: error: the network in model file" in capsys.readouterr().err
    assert main(["predict", str(path), str(image), "--max-memory", "4M"]) == 0
    monkeypatch.setenv("CHAINRULE_MAX_MEMORY", "1M")
    assert main(["predict", str(path), str(image)]) == 2
    assert "CHAINRULE_MAX_MEMORY=2M" in capsys.readouterr().err

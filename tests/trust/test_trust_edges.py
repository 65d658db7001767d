"""The top-level safety modules read back at their edges: what a saved file really is on disk (its bytes reached
the disk before the rename, its mode, where its temporary file lived), each limit on both sides, and every
refusal's exact message."""
import json
import os
import stat
import struct

import pytest

from chainrule import ConfigError, ModelFileError, OutputError
from chainrule import files, limits, safe_json
from chainrule.files import LOCK_NAME, atomic_path, atomic_write, atomic_write_text, check_output_folder, \
    check_output_path, run_lock, save_figure
from chainrule.limits import (check_allocation, format_bytes, json_text_limit, max_memory, memory_limit, parse_size,
                              reset_max_memory, set_max_memory)


# --- files: written whole, fsynced, with the mode open() would give ---

def test_the_bytes_reach_the_disk_before_the_rename(tmp_path, monkeypatch):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        calls.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src, dst):
        calls.append(("replace", os.fspath(src), os.fspath(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    target = tmp_path / "report.html"
    atomic_write_text(target, "<html>é</html>")
    monkeypatch.undo()
    assert [call[0] for call in calls] == ["fsync", "replace"]
    assert calls[0][1] == calls[1][1] and calls[1][2] == str(target)        # the temporary file, then renamed
    assert target.read_bytes() == "<html>é</html>".encode("utf-8")


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_saved_file_has_the_mode_open_would_give(tmp_path, umask, mode):
    """mkstemp makes 0600 files; the saved file gets 0666 less the umask, like any file a program writes."""
    old = os.umask(umask)
    try:
        atomic_write_text(tmp_path / "a.txt", "x")
        with atomic_write(tmp_path / "b.bin") as handle:
            handle.write(b"y")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "b.bin").stat().st_mode) == mode
    assert os.umask(old) == old                                      # and the process's umask is as it was


def test_the_temporary_file_lives_next_to_the_target_and_says_what_it_is(tmp_path):
    with atomic_path(tmp_path / "model.npz", suffix=".npz") as tmp:
        name = os.path.basename(tmp)
        assert os.path.dirname(tmp) == str(tmp_path)                 # same folder: the rename is atomic
        assert name.startswith(".tmp-model.npz-") and name.endswith(".part.npz")
        with open(tmp, "wb") as handle:
            handle.write(b"done")
    assert (tmp_path / "model.npz").read_bytes() == b"done" and sorted(os.listdir(tmp_path)) == ["model.npz"]


def test_a_file_in_the_way_deep_in_the_path_is_named(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "file").write_text("not a folder")
    path = tmp_path / "a" / "file" / "b" / "c.npz"
    with pytest.raises(OutputError) as caught:
        atomic_write_text(path, "x")
    assert str(caught.value) == f"cannot write {str(path)!r}: {str(tmp_path / 'a' / 'file')!r} is a file, not a folder"


def test_names_too_long_full_disks_and_symlink_loops_are_output_errors(tmp_path, monkeypatch):
    long_folder = tmp_path / ("d" * 300) / "x.txt"
    with pytest.raises(OutputError) as caught:
        atomic_write_text(long_folder, "x")
    assert str(caught.value) == f"cannot write {str(long_folder)!r}: File name too long"

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")
    with monkeypatch.context() as patched:
        patched.setattr(files.os, "makedirs", full)
        with pytest.raises(OutputError) as caught:
            atomic_write_text(tmp_path / "new" / "x.txt", "x")
    assert str(caught.value) == (f"cannot create the folder {str(tmp_path / 'new')!r} for "
                                 f"{str(tmp_path / 'new' / 'x.txt')!r}: No space left on device")
    long_file = tmp_path / ("f" * 250)                    # fits, but its temporary file's name does not
    with pytest.raises(OutputError) as caught:
        atomic_write_text(long_file, "x")
    assert str(caught.value) == (f"cannot write {str(long_file)!r}: no file can be created in {str(tmp_path)!r} "
                                 f"(File name too long)")
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(OutputError) as caught:
        check_output_path(loop)
    assert str(caught.value) == f"cannot write {str(loop)!r}: Too many levels of symbolic links"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loop"]


def test_the_output_folder_is_probed_inside_itself(tmp_path, monkeypatch):
    made = []
    real = files.tempfile.mkstemp

    def mkstemp(**kwargs):
        made.append(kwargs["dir"])
        return real(**kwargs)

    monkeypatch.setattr(files.tempfile, "mkstemp", mkstemp)
    assert check_output_folder(tmp_path / "run") == str(tmp_path / "run")
    assert made == [str(tmp_path / "run")] and list((tmp_path / "run").iterdir()) == []

    def refused(**kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(files.tempfile, "mkstemp", refused)
    with pytest.raises(OutputError) as caught:
        check_output_folder(tmp_path / "run")
    assert str(caught.value) == (f"cannot write {str(tmp_path / 'run' / 'probe')!r}: no file can be created in "
                                 f"{str(tmp_path / 'run')!r} (Permission denied)")


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_save_figure_takes_its_format_from_the_name_and_its_size_from_dpi(tmp_path):
    from matplotlib.figure import Figure
    figure = Figure(figsize=(2, 1))
    assert save_figure(figure, tmp_path / "plot") == str(tmp_path / "plot")
    assert png_size(tmp_path / "plot") == (200, 100)                      # no extension: PNG at 100 dpi
    save_figure(figure, tmp_path / "small.png", dpi=50)
    assert png_size(tmp_path / "small.png") == (100, 50)
    save_figure(figure, tmp_path / "vector.SVG")
    assert (tmp_path / "vector.SVG").read_bytes().startswith(b"<?xml")
    save_figure(figure, tmp_path / "print.pdf")
    assert (tmp_path / "print.pdf").read_bytes().startswith(b"%PDF")


# --- the run lock: who holds it, from what its file says ---

def hold(folder, text):
    """Hold the run lock of ``folder`` as another run would, its lock file saying ``text``."""
    import fcntl
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT)
    os.write(fd, text.encode())
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


@pytest.mark.parametrize("text, holder", [
    (json.dumps({"pid": 4242, "command": "chainrule train", "host": "box", "started": "2025-01-01T10:00:00+00:00"}),
     "pid 4242 (chainrule train) on box, started 2025-01-01T10:00:00+00:00"),
    (json.dumps({"pid": 7}), "pid 7 (?) on ?, started ?"),
    (json.dumps({"pid": 7, "command": "x" * 200}), f"pid 7 ({'x' * 120}) on ?, started ?"),
    ("", "another process (its lock file does not say which)"),
    ("not json", "another process (its lock file does not say which)"),
    (json.dumps({"pid": 7, "pad": "p" * 4100}), "another process (its lock file does not say which)"),  # > 4 KiB
])
def test_a_held_lock_names_its_holder_as_far_as_its_file_says(tmp_path, text, holder):
    fd = hold(tmp_path, text)
    try:
        with pytest.raises(OutputError) as caught:
            with run_lock(tmp_path):
                pass
    finally:
        os.close(fd)
    assert str(caught.value) == (f"the run folder {str(tmp_path)!r} is in use by another run: {holder}; wait for it "
                                 f"to finish or choose another output folder (its lock is "
                                 f"{str(tmp_path / LOCK_NAME)!r})")


# --- limits: sizes, suggestions, the JSON share ---

def test_parse_size_both_sides_of_one_byte():
    assert parse_size("1") == 1 and parse_size(1) == 1 and parse_size("1.5K") == 1536
    for bad, shown in (("0.5", "'0.5'"), (0, "0")):
        with pytest.raises(ConfigError) as caught:
            parse_size(bad)
        assert str(caught.value) == f"--max-memory must be at least 1 byte, got {shown}"
    with pytest.raises(ConfigError) as caught:
        parse_size(True)                                  # a bool is not a size
    assert str(caught.value) == ("--max-memory must be a size such as 4G, 512M or 2GiB (K, M, G, T; a plain number is "
                                 "bytes), got True")
    with pytest.raises(ConfigError, match="^memory_limit must be"):
        parse_size("lots", "memory_limit")


@pytest.mark.parametrize("n_bytes, suggestion", [
    (1, "1M"), (1 << 20, "1M"), ((1 << 20) + 1, "2M"), (3 << 20, "4M"), ((1 << 30) - 1, "1G"), (1 << 30, "1G"),
    ((1 << 30) + 1, "2G"), (1 << 40, "1T"), ((1 << 40) + 1, "2T"), (5 << 40, "8T")])
def test_the_suggested_limit_is_the_next_power_of_two(n_bytes, suggestion):
    with pytest.raises(ConfigError) as caught:
        check_allocation(n_bytes, "it", limit=0)
    assert str(caught.value).endswith(f"--max-memory {suggestion} or CHAINRULE_MAX_MEMORY={suggestion}")


@pytest.mark.parametrize("n, text", [(0, "0 bytes"), (1023, "1,023 bytes"), (1024, "1 KiB"), (1 << 20, "1 MiB"),
                                     ((1 << 30) - 1, "1,024 MiB"), (1 << 40, "1 TiB"), ((1 << 41) - 1, "2 TiB"),
                                     (3 << 40, "3 TiB"), (10 ** 17, "90,949 TiB")])
def test_format_bytes_units(n, text):
    assert format_bytes(n) == text


def test_set_max_memory_none_goes_back_to_the_environment(monkeypatch):
    monkeypatch.setenv("CHAINRULE_MAX_MEMORY", "3M")
    token = set_max_memory("5M")
    assert max_memory() == 5 << 20
    inner = set_max_memory(None)
    assert max_memory() == 3 << 20
    reset_max_memory(inner)
    reset_max_memory(token)
    assert max_memory() == 3 << 20


def test_the_json_text_limit_is_a_32nd_of_the_memory_limit_and_at_least_one_byte():
    with memory_limit(31):
        assert json_text_limit() == 1
    with memory_limit(64):
        assert json_text_limit() == 2
    with memory_limit("32M"):
        assert json_text_limit() == 1 << 20


# --- safe_json: both directions, both limits, the caller's error class ---

def test_dumps_refuses_what_could_not_be_read_back():
    assert safe_json.dumps({"b": 1, "a": [1, 2]}, "x", ModelFileError, sort_keys=True, indent=1) == \
        json.dumps({"b": 1, "a": [1, 2]}, sort_keys=True, indent=1)
    with pytest.raises(ModelFileError) as caught:
        safe_json.dumps({"loss": float("nan")}, "the history", ModelFileError)
    assert str(caught.value).startswith("the history must be JSON-ready (numbers, text, lists, dicts; no NaN or "
                                        "infinity): Out of range float values are not JSON compliant")
    deep = []
    for _ in range(100):
        deep = [deep]
    with pytest.raises(ModelFileError) as caught:                  # 101 levels: written, it could not be read
        safe_json.dumps(deep, "the metadata", ModelFileError)
    assert str(caught.value) == "the metadata nests its JSON 101 levels deep, more than the 100 chainrule reads"
    endless = []
    for _ in range(100_000):
        endless = [endless]
    with pytest.raises(ModelFileError) as caught:
        safe_json.dumps(endless, "the metadata", ModelFileError)
    assert str(caught.value) == "the metadata nests too deeply to be written as JSON"


def test_load_file_passes_its_name_and_depth_on(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text("[[[1]]]")
    assert safe_json.load_file(path, "the spec", ConfigError) == [[[1]]]
    with pytest.raises(ConfigError) as caught:
        safe_json.load_file(path, "the spec", ConfigError, max_depth=2)
    assert str(caught.value) == "the spec nests its JSON 3 levels deep, more than the 2 chainrule reads"


def test_read_text_refuses_with_the_callers_error(tmp_path):
    big = tmp_path / "big.json"
    big.write_text("[" + "0," * 60 + "0]")                         # 123 bytes: more than 100
    with memory_limit(3200), pytest.raises(ModelFileError) as caught:
        safe_json.read_text(big, "the history", ModelFileError)
    assert str(caught.value).startswith("parsing the history (123 bytes of JSON) needs 3.84 KiB (3,936 bytes), more "
                                        "than chainrule's memory limit of 3.12 KiB")
    exact = tmp_path / "exact.json"
    exact.write_text("[" + "0," * 48 + "0]" + " ")                  # exactly 100 bytes: the limit itself is read
    with memory_limit(3200):
        assert len(safe_json.read_text(exact, "it", ModelFileError)) == 100
    with memory_limit(3200), pytest.raises(ModelFileError) as caught:
        safe_json.read_text("/dev/zero", "the spec", ModelFileError)   # no size to stat: read 101 bytes, no more
    assert str(caught.value).startswith("parsing the spec (more than 100 bytes of JSON) needs 3.16 KiB (3,232 bytes)")
    with pytest.raises(ModelFileError) as caught:
        safe_json.read_text(tmp_path, "the spec", ModelFileError)
    assert str(caught.value) == "cannot read the spec: it is a folder, not a JSON file"
    with pytest.raises(ModelFileError) as caught:
        safe_json.read_text(tmp_path / ("n" * 300), "the spec", ModelFileError)
    assert str(caught.value) == "cannot read the spec: File name too long"


def test_read_text_of_a_fifo_does_not_wait_for_a_writer(tmp_path):
    import threading
    fifo = tmp_path / "spec.json"
    os.mkfifo(fifo)
    outcome = []
    reader = threading.Thread(target=lambda: outcome.append(safe_json.read_text(fifo, "it", ConfigError)),
                              daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert outcome == [b""]                           # nothing written: empty (then "not valid JSON"), not a hang


def test_brackets_inside_strings_are_text_not_nesting():
    text = json.dumps({"note": "[" * 200 + "{" * 200, "quoted": 'say "[[" \\ [', "list": [[1]]})
    assert safe_json.nesting_depth(text) == 3
    assert safe_json.loads(text, "the metadata", ModelFileError)["list"] == [[1]]
    assert safe_json.nesting_depth('"[[["') == 0 and safe_json.nesting_depth("1") == 0


def test_open_for_reading_refuses_a_folder_as_open_does(tmp_path):
    with pytest.raises(IsADirectoryError) as builtin:
        open(tmp_path, "rb")
    with pytest.raises(IsADirectoryError) as ours:
        files.open_for_reading(tmp_path)
    assert (ours.value.errno, ours.value.strerror, ours.value.filename) == \
        (builtin.value.errno, builtin.value.strerror, builtin.value.filename)
    (tmp_path / "f").write_bytes(b"abc")
    handle, kind = files.open_for_reading(tmp_path / "f")
    with handle:
        assert kind is None and handle.read() == b"abc"


def test_a_flipped_byte_in_a_stored_member_fails_its_crc(tmp_path):
    """np.savez stores members uncompressed: a flipped data byte still parses as an array, only the CRC tells."""
    import numpy as np
    from chainrule import DataError
    from chainrule.data import load_npz
    path = tmp_path / "stored.npz"
    np.savez(path, images=np.arange(64, dtype=np.uint8), labels=np.zeros(4, np.uint8))
    raw = bytearray(path.read_bytes())
    at = raw.index(bytes(range(10, 20)))                          # inside the images' data
    raw[at] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(DataError) as caught:
        load_npz(path)
    assert str(caught.value) == f"{path}: not a readable .npz file (BadZipFile: Bad CRC-32 for file 'images.npy')"


def test_a_member_shorter_than_its_header_declares_is_refused_before_allocating(tmp_path):
    """A 1 KB member whose header claims 64 MiB (within the budget): refused from the zip directory's size,
    before the 64 MiB are asked for."""
    import tracemalloc
    from chainrule import DataError
    from chainrule.data import load_npz
    from hostile_files import npy_header, stored, write_zip
    header = npy_header((64 << 20,), "|u1")
    path = write_zip(tmp_path / "short.npz", [stored("images.npy", header + bytes(10))])
    tracemalloc.start()
    try:
        with pytest.raises(DataError) as caught:
            load_npz(path, required=())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(caught.value) == (f"{path}: member 'images.npy' is {len(header) + 10:,} bytes but its header declares "
                                 f"a (67108864,) uint8 array ({len(header) + (64 << 20):,} bytes with the header): "
                                 f"truncated, padded or tampered with")
    assert peak < 16 << 20, f"{peak / 2 ** 20:.0f} MiB"

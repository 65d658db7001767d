"""Writing only where a file belongs, never over good work: every writer refuses a folder, a device node, a
FIFO or a socket (os.replace would replace the node itself); `chainrule train` checks its output folder before
any training; one run per folder (a lock naming the holder; a dead run's lock is taken over); and a network
with NaN or infinite weights is never saved over a good file."""
import os
import signal
import socket
import stat
import subprocess
import sys
import time

import numpy as np
import pytest

from chainrule import InputValueError, Network, OutputError
from chainrule.cli.main import main
from chainrule.data import save_npz, write_idx
from chainrule.files import LOCK_NAME, atomic_write_text, check_output_path, run_lock, save_figure
from chainrule.training import fit, load_model, save_model
from chainrule.training.checkpoint import load_checkpoint


def fifo(tmp_path):
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def device(tmp_path):
    """A character device node like /dev/full (major 1, minor 7), made in tmp; skips without CAP_MKNOD."""
    path = tmp_path / "full"
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 7))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    return path


def unix_socket(tmp_path):
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()
    return path


def folder(tmp_path):
    path = tmp_path / "folder"
    path.mkdir()
    return path


WRITERS = {
    "save_model": lambda path: save_model(Network([2, 2], seed=0), path),
    "save_npz": lambda path: save_npz(path, images=np.zeros((1, 2, 2), np.uint8)),
    "write_idx": lambda path: write_idx(path, np.zeros(3, np.uint8)),
    "save_figure": lambda path: save_figure(__import__("matplotlib.figure").figure.Figure(), path),
    "report text": lambda path: atomic_write_text(path, "<html></html>"),
    "checkpoint": lambda path: fit(Network([2, 2], seed=0), np.zeros((4, 2)), np.zeros((4, 2)), epochs=1,
                                   learning_rate=0.1, checkpoint=path, diagnostics=False),
}
NODES = {"a FIFO \\(named pipe\\)": fifo, "a character device": device, "a socket": unix_socket, "a folder": folder}


@pytest.mark.parametrize("kind", list(NODES))
@pytest.mark.parametrize("writer", list(WRITERS))
def test_every_writer_refuses_a_path_that_is_not_a_regular_file(tmp_path, writer, kind):
    path = NODES[kind](tmp_path)
    mode = os.lstat(path).st_mode
    with pytest.raises(OutputError, match=rf"refusing to write '.*{path.name}': it is {kind}, not a regular file; "
                                          rf"chainrule only replaces regular files or creates new ones"):
        WRITERS[writer](path)
    assert os.lstat(path).st_mode == mode                      # the node is still what it was
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # and no temporary file was left


def test_dev_null_is_refused_before_anything_is_written():
    with pytest.raises(OutputError, match=r"refusing to write '/dev/null': it is a character device"):
        check_output_path("/dev/null")


def test_a_symlink_is_followed_to_its_file_and_kept(tmp_path):
    target = save_model(Network([2, 2], seed=0), tmp_path / "real.npz")
    link = tmp_path / "link.npz"
    link.symlink_to(target)
    save_model(Network([2, 2], seed=5), link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert np.array_equal(load_model(target).weights[0], Network([2, 2], seed=5).weights[0])
    pointing_at_a_fifo = tmp_path / "to-pipe.npz"
    pointing_at_a_fifo.symlink_to(fifo(tmp_path))
    with pytest.raises(OutputError, match="to-pipe.npz': it is a FIFO"):
        save_model(Network([2, 2]), pointing_at_a_fifo)


# --- chainrule train checks its folder before training ---

TRAIN = ["train", "--epochs", "1", "--max-train", "200", "--progress", "epochs", "--no-report"]


@pytest.mark.parametrize("case", ["file in the way", "model.npz is a folder", "checkpoint is a FIFO"])
def test_train_refuses_an_impossible_output_before_training(tmp_path, capsys, case):
    (tmp_path / "notes.txt").write_text("not a folder")
    out, extra = tmp_path / "run", []
    if case == "file in the way":
        out = tmp_path / "notes.txt" / "run"
        message = r"cannot write '.*notes.txt/run': '.*notes.txt' is a file, not a folder"
    elif case == "model.npz is a folder":
        (out / "model.npz").mkdir(parents=True)
        message = r"refusing to write '.*run/model.npz': it is a folder"
    else:
        extra = ["--checkpoint", str(fifo(tmp_path))]
        message = r"refusing to write '.*pipe': it is a FIFO"
    started = time.perf_counter()
    assert main([*TRAIN, "--out", str(out), *extra]) == 2
    captured = capsys.readouterr()
    assert "Epoch" not in captured.out and "Data:" not in captured.out     # nothing was loaded or trained
    import re
    assert re.search(rf"chainrule train: error: {message}", captured.err), captured.err
    assert time.perf_counter() - started < 5


HOLDER = """
import sys
from chainrule.files import run_lock
with run_lock(sys.argv[1], command="the first run"):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def hold_lock(folder):
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "locked"
    return child


def test_a_second_run_into_a_folder_gets_an_error_naming_the_first(tmp_path, capsys):
    out = tmp_path / "run"
    first = hold_lock(out)
    try:
        assert main([*TRAIN, "--out", str(out)]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"chainrule train: error: the run folder {str(out)!r} is in use by another run: "
                              f"pid {first.pid} (the first run) on {socket.gethostname()}, started 20"), err
        assert "wait for it to finish or choose another output folder" in err
        with pytest.raises(OutputError, match=rf"pid {first.pid} \(the first run\)"):
            with run_lock(out):
                pass
    finally:
        first.communicate("\n", timeout=30)
    assert first.returncode == 0 and not (out / LOCK_NAME).exists()     # released and removed at the end
    with run_lock(out) as lock:
        assert str(os.getpid()) in open(lock).read()


def test_the_lock_of_a_killed_run_is_taken_over(tmp_path):
    out = tmp_path / "run"
    crashed = hold_lock(out)
    crashed.send_signal(signal.SIGKILL)
    crashed.wait(timeout=30)
    assert (out / LOCK_NAME).exists()                                  # the stale lock file is still there
    with run_lock(out, command="the next run") as lock:
        assert '"command": "the next run"' in open(lock).read()


def test_a_run_leaves_no_lock_file(tmp_path, capsys):
    assert main([*TRAIN, "--out", str(tmp_path / "run"), "--no-checkpoint"]) == 0
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["history.json", "loss_curve.png", "model.npz"]


# --- never write a file you would refuse to read ---

def test_save_model_refuses_non_finite_weights_and_keeps_the_good_file(tmp_path):
    path = save_model(Network([3, 4, 2], seed=0), tmp_path / "model.npz")
    before = open(path, "rb").read()
    broken = Network([3, 4, 2], seed=1)
    broken.weights[1][0, 2] = np.nan
    broken.biases[1][0] = np.inf
    with pytest.raises(InputValueError, match=r"save_model refuses to write '.*model.npz': the network's layer 2 "
                                              r"holds NaN or infinite weights \(W1: 1 of 8 values\), which load_model "
                                              r"would refuse; any previous file there is kept as it was"):
        save_model(broken, path)
    assert open(path, "rb").read() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz"]


def test_a_checkpoint_with_non_finite_state_is_never_written(tmp_path):
    from chainrule.training.callbacks import Callback
    X = np.random.default_rng(0).normal(size=(20, 3))
    Y = np.eye(2)[(X[:, 0] > 0).astype(int)]
    path = tmp_path / "checkpoint.npz"
    fit(Network([3, 4, 2], seed=1), X, Y, epochs=2, learning_rate=0.1, optimizer="adam", checkpoint=path,
        diagnostics=False)
    before = path.read_bytes()

    class Poison(Callback):
        def on_epoch_end(self, run):
            run.optimizer.state["v"][0][0, 0] = np.inf

    with pytest.raises(InputValueError, match=r"refusing to write checkpoint '.*checkpoint.npz': optimizer.v\[0\] "
                                              r"holds 1 NaN or infinite values, and resuming from it would be refused; "
                                              r"the previous checkpoint there is kept as it was"):
        fit(Network([3, 4, 2], seed=1), X, Y, epochs=2, learning_rate=0.1, optimizer="adam", checkpoint=path,
            diagnostics=False, callbacks=[Poison()])
    assert path.read_bytes() == before and load_checkpoint(path).epoch == 2

"""The console of `chainrule train` at any width: the progress bar fits the terminal, is not drawn where a carriage
return cannot redraw (a pipe, a file, a notebook), and the header's note is wrapped by textwrap."""
import io
import subprocess
import sys

import numpy as np
import pytest

from chainrule import Network
from chainrule.training import ProgressBar, fit
from chainrule.training.callbacks import EpochLogger
from chainrule.project.run import mse_step_note
from chainrule.project.settings import ProjectConfig
from fake_terminal import Screen


def blobs(n=640, seed=0):
    rng = np.random.RandomState(seed)
    labels = rng.randint(3, size=n)
    return rng.randn(3, 4)[labels] * 2 + rng.randn(n, 4), np.eye(3)[labels]


@pytest.mark.parametrize("width", [50, 64, 80])
def test_the_bar_fits_the_terminal_and_leaves_only_the_epoch_lines(monkeypatch, width):
    """Bar and epoch lines on one screen, as in a terminal: after training only the epoch lines are left, and no
    redraw ever reached the last column (where the terminal would wrap and leave a stale row)."""
    monkeypatch.setenv("COLUMNS", str(width))
    screen = Screen(width)
    history = fit(Network([4, 3], seed=0), *blobs(), epochs=12, learning_rate=0.1, batch_size=4,
                  callbacks=[ProgressBar(screen, interval=0), EpochLogger(screen)], diagnostics=False)
    bar_drawn = screen.getvalue().count("\r")
    assert bar_drawn >= 12 * 160                               # every batch redrew the bar in place
    assert "] 160/160  loss " in screen.getvalue()
    assert screen.widest <= width - 1
    lines = screen.lines()
    assert [line[:len("Epoch 12/12  loss ")] for line in lines] == [f"Epoch {e:>2}/12  loss " for e in range(1, 13)]
    assert lines[0].startswith("Epoch  1/12  loss ") and f"{history.train_loss[0]:.4f}" in lines[0]


def test_the_bar_narrows_to_fit_and_never_passes_width_minus_one():
    class Run:                                  # what ProgressBar.line reads from a TrainingRun
        epoch, epochs, batch, n_batches, running_loss = 9, 75, 63, 129, 0.0421

    bar = ProgressBar()
    wide, narrow, tiny = (bar.line(Run, cols) for cols in (200, 50, 20))
    assert wide == "Epoch 10/75 [=============>              ] 64/129  loss 0.0421"      # the full 28
    assert narrow == "Epoch 10/75 [=======>       ] 64/129  loss 0.0421" and len(narrow) == 49     # bar 15
    assert tiny.startswith("Epoch 10/75 [==>  ]")                                      # 5 at least, then cut


@pytest.mark.parametrize("stream", [io.StringIO(), None])
def test_no_bar_and_no_carriage_return_when_not_a_terminal(capsys, stream):
    """A file, a pipe or a notebook's output: just the epoch lines (pytest's captured stderr is not a TTY)."""
    fit(Network([4, 3], seed=0), *blobs(64), epochs=3, learning_rate=0.1, batch_size=8,
        callbacks=[ProgressBar(stream, interval=0)], diagnostics=False, progress="epochs")
    out, err = capsys.readouterr()
    assert "\r" not in out + err + (stream.getvalue() if stream else "")
    assert [line[:10] for line in out.splitlines()] == ["Epoch 1/3 ", "Epoch 2/3 ", "Epoch 3/3 "]


def test_chainrule_train_through_a_pipe_prints_no_bar(tmp_path):
    """The command's own default (--progress auto) in a pipe: epoch lines, no carriage return anywhere."""
    done = subprocess.run([sys.executable, "-m", "chainrule", "train", "--epochs", "2", "--max-train", "300",
                           "--out", str(tmp_path / "run"), "--no-report", "--no-checkpoint"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stdout + done.stderr
    assert [line for line in done.stdout.splitlines() if line.startswith("Epoch ")][-1].startswith("Epoch 2/2  ")


@pytest.mark.parametrize("width", [80, 50, 120, 200])
def test_the_note_is_wrapped_by_textwrap_at_word_boundaries(width):
    note = mse_step_note(ProjectConfig(), width=width)
    lines = note.splitlines()
    assert all(len(line) <= width - 1 for line in lines)
    assert lines[0].startswith("Note: chainrule's MSE gradient") and all(l.startswith("      ") for l in lines[1:])
    words = " ".join(note.split()).split(" ")           # no word broken: the words are those of the one paragraph
    assert words == ("Note: chainrule's MSE gradient is the exact gradient of the mean over all 5 outputs, 1/5 of "
                     "the guide's 2(a - t) (guide block 17): learning rate 0.5 is a 5x smaller step than in the "
                     "guide's code (--learning-rate 2.5 takes the guide's step); 75 epochs = the guide's 15 at the "
                     "smaller step.").split(" ")
    if width == 80:
        assert [len(line) for line in lines] == [len(line) for line in lines] and len(lines) == 4


def test_the_note_follows_the_terminal_width(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    assert max(map(len, mse_step_note(ProjectConfig()).splitlines())) <= 59
    monkeypatch.setenv("COLUMNS", "200")
    assert len(mse_step_note(ProjectConfig()).splitlines()) == 2

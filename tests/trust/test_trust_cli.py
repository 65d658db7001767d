"""The command line: every command, given bad input, prints one line ("chainrule COMMAND: error: ...") on stderr
and exits with 2, never a traceback unless --debug asks for it. Ctrl-C on `chainrule train` stops after the
batch, saves, and `--resume` finishes the run bit for bit as if it had never stopped. Findings reach the console
and the HTML report."""
import re
import signal
import subprocess
import sys

import numpy as np
import pytest

from chainrule.cli.main import main
from chainrule.training import load_model
from chainrule.training.checkpoint import load_checkpoint

TRAIN_FAST = ["--max-train", "300", "--no-report", "--progress", "epochs"]


def bad_files(tmp_path):
    text = tmp_path / "notes.npz"
    text.write_text("not a model")
    return {"TEXT": str(text), "NOFILE": str(tmp_path / "nothing.npz"), "FOLDER": str(tmp_path)}


# (command line, regex the single error line must match); TEXT/NOFILE/FOLDER are replaced by real paths
CASES = [
    ("train --epochs 0", r"chainrule train: error: epochs must be > 0, got 0"),
    ("train --lr -1", r"chainrule train: error: learning_rate must be > 0, got -1.0"),
    ("train --batch-size 0", r"chainrule train: error: batch_size must be > 0, got 0"),
    ("train --digits 7", r"chainrule train: error: digits must be at least two distinct digits from 0 to 9, got '7'"),
    ("train --hidden 64,0", r"chainrule train: error: every layer size must be a whole number >= 1, got \[784, 64, 0, 5\]"),
    ("train --layers 784,64,10", r"chainrule train: error: --layers must start with 784 \(pixels\) and end with 5"),
    ("train --source NOFILE", r"chainrule train: error: source='.*nothing.npz': no such file or folder"),
    ("train --source TEXT", r"chainrule train: error: .*notes.npz"),
    ("train --resume NOFILE", r"chainrule train: error: checkpoint file '.*nothing.npz' does not exist"),
    ("train --resume TEXT", r"chainrule train: error: checkpoint file '.*notes.npz' is not an .npz archive \(it starts with b'not a mo'\); chainrule never unpickles files"),
    ("train --test-fraction 1.5", r"chainrule train: error: test_fraction must be between 0 and 1 \(exclusive\), got 1.5"),
    ("train --weight-decay -1 --epochs 1", r"chainrule train: error: weight_decay must be >= 0, got -1.0"),
    ("train --max-train 0", r"chainrule train: error: max_train must be > 0, got 0"),
    ("compare --epochs 0", r"chainrule compare: error: epochs must be > 0, got 0"),
    ("compare --arch 784,0,10", r"chainrule compare: error: .*layer size"),
    ("evaluate NOFILE", r"chainrule evaluate: error: model file '.*nothing.npz' does not exist"),
    ("evaluate TEXT", r"chainrule evaluate: error: model file '.*notes.npz' is not an .npz archive \(it starts with b'not a mo'\); chainrule never unpickles files"),
    ("predict NOFILE digit.png", r"chainrule predict: error: model file '.*nothing.npz' does not exist"),
    ("demo --steps -5", r"chainrule demo: error: --steps must be > 0, got -5"),
    ("demo --learning-rate 0", r"chainrule demo: error: learning_rate must be > 0, got 0.0"),
    ("gradcheck --layers 0", r"chainrule gradcheck: error: layer_sizes needs at least an input and an output size"),
    ("gradcheck --layers 2,2,1 --x 1,2,3 --no-figure", r"chainrule gradcheck: error: .*\(3,\)"),
    ("guide 999", r"chainrule guide: error: the guide has python blocks 1-36.*got 999"),
    ("trace --layers 2,0,1", r"chainrule trace: error: .*layer"),
    ("trace --layers 2,2,1 --lr -1", r"chainrule trace: error: learning_rate must be > 0"),
    ("lr-sweep --lrs 0.1,-1 --no-figure", r"chainrule lr-sweep: error: learning rate must be > 0, got -1"),
    ("fit-sine --epochs 0 --no-figure", r"chainrule fit-sine: error: epochs must be > 0, got 0"),
    ("overfit --epochs -1 --no-figure", r"chainrule overfit: error: epochs must be > 0, got -1"),
    ("loss-surfaces --out TEXT/x.png", r"chainrule loss-surfaces: error: cannot write '.*notes.npz/x.png': '.*notes.npz' is a file, not a folder"),
    ("check NOFILE", r"chainrule check: error: no such file: '.*nothing.npz'"),
    ("download-mnist --data-dir TEXT/sub --quiet", r"chainrule download-mnist: error: .*notes.npz"),
    # settings validated before any data is loaded: seeds, sizes within the memory budget, sweeps with something in them
    ("train --seed -1", r"chainrule train: error: seed must be a whole number from 0 to 4,294,967,295 \(2\*\*32 - 1\), "
                        r"got -1$"),
    ("train --split-seed 4294967296", r"chainrule train: error: split_seed must be a whole number from 0 to "
                                      r"4,294,967,295 \(2\*\*32 - 1\), got 4294967296$"),
    ("train --epochs 1000000000000", r"chainrule train: error: a training history of 1,000,000,000,000 epochs \(about "
                                     r"256 bytes each\) needs 233 TiB \(256,000,000,000,000 bytes\), more than "
                                     r"chainrule's memory limit of 1 GiB; if you really need that much, raise the limit "
                                     r"with --max-memory 256T or CHAINRULE_MAX_MEMORY=256T$"),
    ("train --hidden 100000000", r"chainrule train: error: the network \(layer sizes \[784, 100000000, 5\], "
                                 r"79,000,000,005 parameters\) needs 589 GiB"),
    ("demo --seed 4294967296", r"chainrule demo: error: seed must be a whole number from 0 to 4,294,967,295"),
    ("compare --seed -1 --epochs 1", r"chainrule compare: error: seed must be a whole number from 0"),
    ("gradcheck --epsilon 1e-300 --no-figure", r"chainrule gradcheck: error: epsilon must be between 1e-10 and 0.01 for a "
                                               r"central difference in float64 \(1e-5 to 1e-7 is usual\), got 1e-300: "
                                               r"the rounding error of the loss would swamp the difference$"),
    ("lr-sweep --lrs , --no-figure", r"chainrule lr-sweep: error: lr_sweep needs at least one learning rate, got none$"),
    ("lr-sweep --steps 10000000000 --no-figure", r"chainrule lr-sweep: error: 4 training histories of 10,000,000,000 "
                                                 r"steps \(about 32 bytes each\) needs 1.16 TiB "),
    ("fit-sine --epochs 100000000000 --no-figure", r"chainrule fit-sine: error: a training history of 100,000,000,000 "
                                                   r"epochs \(about 32 bytes each\) needs 2.91 TiB "),
    ("overfit --epochs 100000000000 --no-figure", r"chainrule overfit: error: a training history of 100,000,000,000 "
                                                  r"epochs \(about 96 bytes each\) needs 8.73 TiB "),
]


@pytest.mark.parametrize("command, message", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_and_exit_code_2(command, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    paths = bad_files(tmp_path)
    argv = [paths.get(word.split("/")[0], word.split("/")[0]) + word[len(word.split("/")[0]):] for word in command.split()]
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert re.match(message, lines[0]), lines[0]


def test_argparse_mistakes_exit_2_with_usage():
    result = subprocess.run([sys.executable, "-m", "chainrule.cli.main", "train", "--epochs", "ten"],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == ("chainrule train: error: argument --epochs: invalid int value: "
                                                      "'ten'")


def test_debug_shows_the_traceback(tmp_path):
    run = [sys.executable, "-m", "chainrule.cli.main"]
    quiet = subprocess.run(run + ["evaluate", str(tmp_path / "x.npz")], capture_output=True, text=True)
    loud = subprocess.run(run + ["--debug", "evaluate", str(tmp_path / "x.npz")], capture_output=True, text=True)
    assert quiet.returncode == loud.returncode == 2
    assert "Traceback" not in quiet.stderr and "Traceback (most recent call last)" in loud.stderr
    assert loud.stderr.strip().splitlines()[-1] == quiet.stderr.strip()


def test_a_broken_run_explains_itself_on_the_console_and_in_the_report(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--lr", "100", "--epochs", "2", "--max-train", "300", "--progress", "epochs",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "[diagnostics] WARNING (epoch 1): Saturated units in layer 1" in text
    assert "Likely cause: the learning rate (100) is too high" in text
    assert "Diagnostics: 2 finding(s), explained above and in the report: Saturated units in layer 1; " \
           "The network is not learning" in text
    report = (out / "report.html").read_text()
    section = report[report.index('<h2 id="diagnostics">'):report.index('<h2 id="confusion">')]
    assert "Saturated units in layer 1" in section and "The network is not learning" in section
    assert "reduce the learning rate by a factor of 10: try 10" in section
    assert "No problems found" not in section
    history = (out / "history.json").read_text()
    assert '"kind": "saturated"' in history and '"kind": "not_learning"' in history


def test_a_healthy_run_reports_no_problem(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--epochs", "3", "--max-train", "300", "--progress", "epochs", "--out", str(out)]) == 0
    assert "[diagnostics]" not in capsys.readouterr().out
    assert 'id="no-findings"' in (out / "report.html").read_text()


def test_ctrl_c_saves_and_resume_finishes_bit_for_bit(tmp_path):
    command = [sys.executable, "-m", "chainrule.cli.main", "train", "--epochs", "4", *TRAIN_FAST]
    interrupted = subprocess.Popen(command + ["--out", str(tmp_path / "a")], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
    for line in interrupted.stdout:             # Ctrl-C once the first epoch is done
        if line.startswith("Epoch 1/4"):
            interrupted.send_signal(signal.SIGINT)
            break
    out, err = interrupted.communicate(timeout=120)
    checkpoint = tmp_path / "a" / "checkpoint.npz"
    assert interrupted.returncode == 130, err
    assert "Ctrl-C: stopping after this batch and saving the checkpoint" in err and "Traceback" not in err
    assert f"Continue with: chainrule train --resume {checkpoint} --out {tmp_path / 'a'}" in out
    stopped_at = load_checkpoint(checkpoint)
    assert 1 <= stopped_at.epoch < 4 or stopped_at.in_epoch

    resumed = subprocess.run([sys.executable, "-m", "chainrule.cli.main", "train", "--resume", str(checkpoint),
                              "--out", str(tmp_path / "a"), "--progress", "epochs", "--no-report"],
                             capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.startswith(f"Resuming from {checkpoint}: ")
    whole = subprocess.run(command + ["--out", str(tmp_path / "b")], capture_output=True, text=True, timeout=120)
    assert whole.returncode == 0, whole.stderr
    a, b = load_model(tmp_path / "a" / "model.npz"), load_model(tmp_path / "b" / "model.npz")
    for W_a, W_b in zip(a.weights + a.biases, b.weights + b.biases):
        assert W_a.tobytes() == W_b.tobytes()
    history_a = load_checkpoint(tmp_path / "a" / "checkpoint.npz").state["history"]
    history_b = load_checkpoint(tmp_path / "b" / "checkpoint.npz").state["history"]
    for key in ("train_loss", "train_accuracy", "grad_norms", "metrics", "findings"):
        assert history_a[key] == history_b[key], key


def test_resume_refuses_a_checkpoint_not_written_by_train(tmp_path, capsys):
    from chainrule import Network
    from chainrule.training import fit
    X = np.random.default_rng(0).normal(size=(20, 3))
    fit(Network([3, 2]), X, np.eye(2)[(X[:, 0] > 0).astype(int)], epochs=1, learning_rate=0.1,
        checkpoint=tmp_path / "c.npz", diagnostics=False)
    assert main(["train", "--resume", str(tmp_path / "c.npz")]) == 2
    assert "was not written by chainrule train" in capsys.readouterr().err

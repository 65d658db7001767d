"""The practice project through the command line: train (the real default run), evaluate, predict, compare."""
import json
import re

import numpy as np
import pytest
from PIL import Image

from chainrule.cli.main import main
from chainrule.training import load_model
from chainrule.project.run import prepare_data
from chainrule.project.settings import DEFAULT_EPOCHS, ProjectConfig
from project_png_checks import assert_png_picture

QUICK = ["--epochs", "3", "--max-train", "600"]


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """`chainrule train` exactly as a newcomer runs it (only the output folder moved): a few seconds."""
    out = tmp_path_factory.mktemp("train")
    import contextlib
    import io
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(["train", "--out", str(out)])
    return code, stdout.getvalue(), out


def test_default_train_command(default_run):
    code, output, out = default_run
    assert code == 0
    assert "Digits 0-4: 5,131 images -> 4,105 training, 1,026 test" in output
    assert "Network([784, 64, 5], activations=['sigmoid', 'sigmoid'], loss='mse', dtype=float64)" in output
    assert "SGD, learning rate 0.5 (constant), batch 32" in output
    assert "exact gradient of the mean over all 5 outputs, 1/5 of the" in output    # the block-17 note
    assert "(--learning-rate 2.5 takes the guide's step); 75 epochs = the guide's 15" in output
    epoch_lines = [line for line in output.splitlines() if line.startswith("Epoch")]
    assert len(epoch_lines) == DEFAULT_EPOCHS
    assert re.match(rf"Epoch {DEFAULT_EPOCHS}/{DEFAULT_EPOCHS}  loss 0\.\d{{4}}  train  \d\d\.\d%  test  \d\d\.\d%  "
                    r"\d+\.\d\ds$", epoch_lines[-1])
    final = re.search(r"Final test accuracy: (\d+\.\d)% on 1,026 held-out digits \(guide's target: >80%\) PASSED",
                      output)
    assert final, output
    history = json.loads((out / "history.json").read_text())
    assert history["epochs"] == DEFAULT_EPOCHS
    assert float(final.group(1)) == round(100 * history["metrics"]["test_accuracy"][-1], 1)
    assert float(final.group(1)) > 95.0
    assert_png_picture(out / "loss_curve.png", 800, 300)
    assert (out / "report.html").stat().st_size > 50_000


def test_saved_model_knows_its_project(default_run):
    _, _, out = default_run
    net = load_model(out / "model.npz")
    assert net.layer_sizes == [784, 64, 5] and net.metadata["classes"] == [0, 1, 2, 3, 4]
    assert net.metadata["config"]["learning_rate"] == 0.5 and net.metadata["config"]["source"] == "sample"
    assert net.metadata["n_test"] == 1026


def test_evaluate_command(default_run, capsys):
    _, output, out = default_run
    assert main(["evaluate", str(out / "model.npz")]) == 0
    text = capsys.readouterr().out
    final = re.search(r"Final test accuracy: (\d+\.\d)%", output).group(1)
    assert f"Test accuracy: {final}%" in text
    rows = [line.split() for line in text.splitlines() if re.match(r"^\s+[0-4]\s+\d+", line)]
    assert [r[0] for r in rows] == ["0", "1", "2", "3", "4"] and sum(int(r[1]) for r in rows) == 1026
    assert "Most common mistakes:" in text
    assert_png_picture(out / "confusion_matrix.png", 350, 300)
    assert_png_picture(out / "misclassified.png", 800, 300)


def test_predict_command_on_a_drawn_digit(default_run, capsys, tmp_path):
    """A test digit saved as a 56x56 black-on-white PNG (as a person would draw it): resized and inverted."""
    _, _, out = default_run
    net = load_model(out / "model.npz")
    data = prepare_data(ProjectConfig(source="sample"))
    index = int(np.flatnonzero(net.predict(data.X_test) == data.labels_test)[0])
    digit = (255 - data.X_test[index].reshape(28, 28) * 255).astype(np.uint8)
    Image.fromarray(digit).resize((56, 56), Image.NEAREST).save(tmp_path / "digit.png")
    assert main(["predict", str(out / "model.npz"), str(tmp_path / "digit.png"), "--all"]) == 0
    text = capsys.readouterr().out
    expected = int(data.labels_test[index])
    assert re.search(rf"digit\.png: {expected}  \(\d+\.\d% confidence\) \(inverted", text), text
    assert len(re.findall(r"^  [0-4]: ", text, flags=re.M)) == 5


def test_predict_rejects_a_non_image(default_run, capsys, tmp_path):
    _, _, out = default_run
    (tmp_path / "notes.png").write_text("hello")
    assert main(["predict", str(out / "model.npz"), str(tmp_path / "notes.png")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_same_command_same_history(tmp_path, capsys):
    runs = []
    for name in ("a", "b"):
        assert main(["train", *QUICK, "--optimizer", "adam", "--schedule", "cosine", "--no-report",
                     "--out", str(tmp_path / name)]) == 0
        history = json.loads((tmp_path / name / "history.json").read_text())
        history.pop("time")
        runs.append(history)
    assert runs[0] == runs[1] and runs[0]["epochs"] == 3


def test_every_option_reaches_the_run(tmp_path, capsys):
    assert main(["train", "--digits", "3,5,8", "--hidden", "32,16", "--activation", "tanh", "--loss",
                 "softmax_cross_entropy", "--optimizer", "momentum", "--learning-rate", "0.05", "--schedule", "step",
                 "--epochs", "6", "--batch-size", "16", "--seed", "1", "--split-seed", "2", "--weight-decay", "1e-4",
                 "--early-stopping", "2", "--validation-fraction", "0.2", "--dtype", "float32", "--source", "sample",
                 "--max-train", "500", "--no-report", "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "Digits 3,5,8:" in text and "validation" in text and "early stopping after 2 epochs" in text
    net = load_model(tmp_path / "model.npz")
    assert net.layer_sizes == [784, 32, 16, 3] and net.dtype == np.float32
    assert net.activation_names == ["tanh", "tanh", "identity"] and net.metadata["classes"] == [3, 5, 8]
    config = net.metadata["config"]
    assert (config["optimizer"], config["schedule"], config["weight_decay"], config["early_stopping"]) == \
        ("momentum", "step", 1e-4, 2)
    history = json.loads((tmp_path / "history.json").read_text())
    assert history["learning_rate"][:3] == [0.05, 0.05, 0.025] and history["val_loss"][0] is not None
    assert not (tmp_path / "report.html").exists()


def test_bad_options_give_one_line_errors(tmp_path, capsys):
    assert main(["train", "--layers", "784,64,3", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("chainrule train: error: --layers must start with 784") and err.count("\n") == 1
    assert main(["train", "--digits", "0-12", "--out", str(tmp_path)]) == 2
    assert "digits must be" in capsys.readouterr().err
    assert main(["evaluate", str(tmp_path / "missing.npz")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_compare_command(tmp_path, capsys):
    assert main(["compare", "--digits", "0-4", "--arch", "784,16,5", "--arch", "784,32,16,5", "--loss", "mse",
                 "--loss", "softmax_cross_entropy", "--epochs", "2", "--max-train", "400",
                 "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    labels = ["[784,16,5] mse", "[784,16,5] softmax_cross_entropy", "[784,32,16,5] mse",
              "[784,32,16,5] softmax_cross_entropy"]
    for label in labels:
        assert re.search(rf"^{re.escape(label)}\s+\d+\.\d{{4}}\s+\d+\.\d%", text, flags=re.M), text
    saved = json.loads((tmp_path / "compare.json").read_text())
    assert [run["label"] for run in saved] == labels
    assert_png_picture(tmp_path / "compare.png", 900, 300)

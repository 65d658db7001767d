"""The practice project on data that is not MNIST's digits (a generated three-class set of strokes, as .npz and
as an IDX folder with an official test split): the output says images and classes, uses --class-names, and
says nothing of the guide's >80% target; evaluate on other data takes all of it, or its official test split."""
import contextlib
import io
import re

import numpy as np
import pytest

from chainrule.cli.main import main
from chainrule.data import write_idx
from chainrule.errors import ConfigError
from chainrule.training import load_model
from chainrule.project.settings import ProjectConfig, parse_class_names

NAMES = ["Bar", "Column", "Cross"]


def strokes(n, seed):
    """n 28x28 uint8 images of three classes: a horizontal bar, a vertical bar, an X; shifted and noisy."""
    rng = np.random.RandomState(seed)
    labels = rng.randint(3, size=n).astype(np.uint8)
    images = (rng.rand(n, 28, 28) * 60).astype(np.uint8)
    for image, label in zip(images, labels):
        at = rng.randint(8, 20)
        if label == 0:
            image[at - 2:at + 2, 4:24] = 255
        elif label == 1:
            image[4:24, at - 2:at + 2] = 255
        else:
            idx = np.arange(4, 24)
            image[idx, idx] = image[idx, 27 - idx] = 255
    return images, labels


def run(argv):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    return code, out.getvalue()


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A model trained on strokes.npz (600 images, no official split: a seeded 80/20 split), with class names;
    other data: another seed's 300 strokes as .npz, and an IDX folder of 200 training and 90 test strokes."""
    folder = tmp_path_factory.mktemp("strokes")
    images, labels = strokes(600, 0)
    np.savez(folder / "strokes.npz", images=images, labels=labels)
    images, labels = strokes(300, 1)
    np.savez(folder / "other.npz", images=images, labels=labels)
    idx = folder / "idx"
    idx.mkdir()
    for prefix, n, seed in (("train", 200, 2), ("t10k", 90, 3)):
        images, labels = strokes(n, seed)
        write_idx(idx / f"{prefix}-images-idx3-ubyte", images)
        write_idx(idx / f"{prefix}-labels-idx1-ubyte", labels)
    code, output = run(["train", "--source", str(folder / "strokes.npz"), "--digits", "0-2", "--class-names",
                        ",".join(NAMES), "--loss", "softmax_cross_entropy", "--epochs", "8",
                        "--out", str(folder / "run"), "--no-checkpoint"])
    assert code == 0, output
    return folder, output


def test_train_says_images_and_classes_and_no_guide_target(trained):
    folder, output = trained
    assert "Classes 0-2 (Bar, Column, Cross): 600 images -> 480 training, 120 test" in output
    final = re.search(r"^Final test accuracy: \d+\.\d% on 120 held-out images$", output, re.M)
    assert final, output
    assert "digit" not in output.lower() and "guide's target" not in output and "PASSED" not in output
    report = (folder / "run" / "report.html").read_text()
    assert "chainrule training report: strokes.npz: classes 0-2" in report
    assert "held-out images." in report and "Misclassified images" in report and "guide&#x27;s target" not in report
    assert "the guide's target" not in report and "digits" not in report.split("<h2 id=\"settings\">")[0]
    for name in NAMES:
        assert f'<td class="key">{name}</td>' in report                      # the per-class table
    net = load_model(folder / "run" / "model.npz")
    assert net.metadata["class_names"] == NAMES and net.metadata["classes"] == [0, 1, 2]


def test_evaluate_on_its_own_data_keeps_its_held_out_split(trained, monkeypatch):
    folder, _ = trained
    code, text = run(["evaluate", str(folder / "run" / "model.npz")])
    assert code == 0
    assert "120 test images (seeded split: 20% held out for testing, split seed 0; the model's own test set)" in text
    rows = [line.split() for line in text.splitlines() if line.strip().split(" ")[0] in NAMES]
    assert [r[0] for r in rows] == NAMES and sum(int(r[1]) for r in rows) == 120
    assert "guide's target" not in text
    # naming its own source explicitly is the same, also by another path to it and from another folder
    code, again = run(["evaluate", str(folder / "run" / "model.npz"), "--source", str(folder / "strokes.npz")])
    assert again.split("\n", 2)[1] == text.split("\n", 2)[1]
    monkeypatch.chdir(folder / "run")
    code, relative = run(["evaluate", "model.npz", "--source", "../strokes.npz"])
    assert code == 0 and "120 test images (seeded split" in relative and "the model's own test set" in relative


def test_evaluate_on_other_data_takes_all_of_it(trained):
    folder, _ = trained
    code, text = run(["evaluate", str(folder / "run" / "model.npz"), "--source", str(folder / "other.npz")])
    assert code == 0
    assert "300 test images (all 300 examples: other data than the model's, evaluated whole)" in text
    accuracy = re.search(r"Test accuracy: [\d.]+% \((\d+) of 300 correct\)", text)
    assert accuracy, text
    # the old behaviour on request: the test part train would hold out of it
    code, held_out = run(["evaluate", str(folder / "run" / "model.npz"), "--source", str(folder / "other.npz"),
                          "--rows", "held-out"])
    assert "60 test images (seeded split: 20% held out for testing, split seed 0)" in held_out


def test_evaluate_on_other_data_with_an_official_split_takes_its_test_part(trained):
    folder, _ = trained
    model = str(folder / "run" / "model.npz")
    code, text = run(["evaluate", model, "--source", str(folder / "idx")])
    assert code == 0
    assert "90 test images (its official test split, 90 examples: other data than the model's" in text
    code, everything = run(["evaluate", model, "--source", str(folder / "idx"), "--rows", "all"])
    assert "290 test images (all 290 examples" in everything


def test_evaluate_class_names_replace_the_stored_ones(trained):
    folder, _ = trained
    code, text = run(["evaluate", str(folder / "run" / "model.npz"), "--class-names", "h,v,x"])
    assert code == 0
    assert [line.split()[0] for line in text.splitlines() if re.match(r"^\s+[hvx]\s+\d", line)] == ["h", "v", "x"]


def test_class_names_one_per_class_or_one_per_label():
    assert parse_class_names("a,b", [3, 5]) == ["a", "b"]
    assert parse_class_names([str(i) + "!" for i in range(10)], [3, 5]) == ["3!", "5!"]
    assert ProjectConfig(digits="0-2", class_names=" Bar , Column,Cross").class_names == NAMES
    assert ProjectConfig().class_names is None
    for bad, message in (("a,b,c", "3 class names for 2 classes 3,5"), ("a,a", "distinct"), ("a,", "not empty")):
        with pytest.raises(ConfigError, match=message):
            parse_class_names(bad, [3, 5])


def test_compare_on_other_data_names_it(trained):
    folder, _ = trained
    code, text = run(["compare", "--source", str(folder / "strokes.npz"), "--digits", "0-2", "--arch", "784,8,3",
                      "--loss", "mse", "--loss", "softmax_cross_entropy", "--epochs", "2", "--out",
                      str(folder / "compare")])
    assert code == 0
    assert text.startswith("Comparing 2 runs on strokes.npz: classes 0-2: 2 epochs each")
    assert "MNIST" not in text and "digit" not in text

"""The Practice Project's MNIST blocks, offline: the guide's own code was run once on the shipped sample
(scripts/record_guide_practice_project.py; its per-example loop takes seconds), and chainrule's run of
blocks 28 and 31 must print and compute what that recording holds."""
import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pytest

from chainrule.cli.main import main
from chainrule.data import load_npz, load_sample
from chainrule.guide import run_block
from chainrule.guide.practice_project import BLOCK_28_HEADER, prepare, guide_data, run_example_solution

RECORDING = json.loads((Path(__file__).parent / "recordings" / "practice_project_on_the_sample.json")
                       .read_text(encoding="utf-8"))
GUIDE = Path("/work/shared/guide/training-and-backprop.md")


def _sha256(array):
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


@pytest.fixture(scope="module")
def guide_npz(tmp_path_factory):
    """mnist_data.npz written the way a learner without network writes it."""
    path = tmp_path_factory.mktemp("project") / "mnist_data.npz"
    assert main(["download-mnist", "--guide-npz", str(path), "--source", "sample"]) == 0
    return path


@pytest.fixture(scope="module")
def solution_run(guide_npz):
    return run_example_solution(guide_npz)


def test_the_file_is_the_recorded_one_in_the_guides_format(guide_npz):
    arrays = load_npz(guide_npz)
    assert set(arrays) == {"images", "labels"}                  # the sample has no official split to store
    for name in ("images", "labels"):
        recorded = RECORDING["data"][name]
        assert list(arrays[name].shape) == recorded["shape"] and str(arrays[name].dtype) == recorded["dtype"]
        assert _sha256(arrays[name]) == recorded["sha256"]
    assert arrays["images"].shape == (10000, 28, 28) and arrays["images"].dtype == np.uint8


def test_download_mnist_source_sample_says_it_is_the_10000_digit_sample(tmp_path, capsys):
    path = tmp_path / "mnist_data.npz"
    assert main(["download-mnist", "--guide-npz", str(path), "--source", "sample"]) == 0
    out = capsys.readouterr().out
    assert f"wrote {path}: images (10000, 28, 28) uint8, labels (10000,) uint8" in out
    assert "10,000 real MNIST digits" in out and "NOT the guide's 70,000 digits" in out
    assert "Nothing was downloaded" in out


def test_download_mnist_source_sample_needs_guide_npz(capsys):
    assert main(["download-mnist", "--source", "sample"]) == 2
    assert "add --guide-npz PATH" in capsys.readouterr().err


def test_block_31_prints_what_the_guides_code_prints_on_the_sample(guide_npz, solution_run):
    recorded = RECORDING["blocks"]["31"]
    assert "\n".join(solution_run.lines) + "\n" == recorded["stdout"]
    assert run_block(31, guide_npz) + "\n" == recorded["stdout"]
    assert "Final test accuracy: 96.3%\nTarget: >80%\nPASSED\n" in recorded["stdout"]


def test_block_31_losses_are_the_guides_to_rounding(solution_run):
    # chainrule's batch matrix products against the guide's per-example sums: the same steps, to rounding
    recorded = RECORDING["blocks"]["31"]
    np.testing.assert_allclose(solution_run.losses, recorded["losses"], rtol=1e-9, atol=0)
    assert solution_run.final_acc == recorded["final_acc"]      # the same 989 of 1,027 digits


def test_block_28_leaves_the_guides_arrays_bit_for_bit(guide_npz):
    recorded = RECORDING["blocks"]["28"]
    assert recorded["stdout"] == ""                              # the guide's Hint 1 prints nothing
    p = prepare(guide_data(guide_npz))
    arrays = {"X_train": p.X_train, "X_test": p.X_test, "y_train": p.y_train, "y_test": p.y_test,
              "labels_test": p.labels_test}
    assert list(arrays) == list(recorded["arrays"])
    for name, array in arrays.items():
        assert {"shape": list(array.shape), "dtype": str(array.dtype), "sha256": _sha256(array)} == \
            recorded["arrays"][name], name
    lines = run_block(28, guide_npz).splitlines()
    assert lines[0] == BLOCK_28_HEADER
    assert lines[1:] == [f"{name} {tuple(r['shape'])} {r['dtype']}" for name, r in recorded["arrays"].items()]


def test_without_the_file_the_blocks_read_the_shipped_sample(tmp_path, monkeypatch, capsys, guide_npz):
    monkeypatch.chdir(tmp_path)                                  # no mnist_data.npz here
    sample = load_sample()
    data = guide_data()
    assert data.images is sample.images or np.array_equal(data.images, sample.images)
    assert "shipped sample" in data.description and "not the guide's 70,000" in data.description
    assert main(["guide", "28"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[1] == "X_train (4104, 784) float64"
    assert "np.load('mnist_data.npz') reads the shipped sample" in err     # on stderr: stdout is the block's
    # with the file in the folder, as the guide's code expects it, the file is what is read
    (tmp_path / "mnist_data.npz").write_bytes(guide_npz.read_bytes())
    assert main(["guide", "28"]) == 0
    assert "reads mnist_data.npz: 10,000 images" in capsys.readouterr().err


def test_guide_command_takes_the_file(guide_npz, capsys):
    assert main(["guide", "31", "--npz", str(guide_npz)]) == 0
    assert capsys.readouterr().out == RECORDING["blocks"]["31"]["stdout"]


def test_recording_is_of_the_shipped_sample():
    sample = load_sample()
    assert _sha256(sample.images) == RECORDING["data"]["images"]["sha256"]
    assert _sha256(sample.labels) == RECORDING["data"]["labels"]["sha256"]


@pytest.mark.skipif(not GUIDE.exists(), reason="the guide is not on this machine")
def test_recording_is_of_the_guides_blocks_28_and_31_as_written():
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    for number in ("28", "31"):
        code = blocks[int(number) - 1]
        assert hashlib.sha256(code.encode("utf-8")).hexdigest() == RECORDING["blocks"][number]["code_sha256"]
        assert "np.load('mnist_data.npz')" in code

"""Run the guide's own Practice Project code on the shipped sample, once, and record what it prints.

    python scripts/record_guide_practice_project.py /path/to/training-and-backprop.md

Block 28 (Hint 1, "Loading and preparing the data") and block 31 (the Example Solution) both begin with
``np.load('mnist_data.npz')``. This script writes that file with chainrule (``chainrule download-mnist
--guide-npz mnist_data.npz --source sample``: the 10,000 shipped digits, not the guide's 70,000), runs each
block exactly as the guide prints it in a fresh Python process in that folder (Matplotlib's Agg backend, so
``plt.show()`` returns), and writes tests/guide/recordings/practice_project_on_the_sample.json: the
printed output, the arrays block 28 leaves (shape, dtype, SHA-256), block 31's per-epoch losses at full
precision, the SHA-256 of each block's code and of the data, the versions and the time taken.
Block 31's per-example loop takes seconds; tests/guide/test_guide_practice_project.py compares chainrule's
run with this recording instead of running it again.

Lines added after a block (never inside it) write the recording's extra values to a side file; what the
block prints is untouched.
"""
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "guide" / "recordings" / "practice_project_on_the_sample.json"
DATA_COMMAND = "chainrule download-mnist --guide-npz mnist_data.npz --source sample"

# after block 28: every array it leaves, by name
AFTER_28 = """
import hashlib as _h, json as _j
_names = ["X_train", "X_test", "y_train", "y_test", "labels_test"]
with open("_extra.json", "w") as _f:
    _j.dump({"arrays": {n: {"shape": list(globals()[n].shape), "dtype": str(globals()[n].dtype),
                            "sha256": _h.sha256(globals()[n].tobytes()).hexdigest()} for n in _names}}, _f)
"""
# after block 31: the per-epoch losses and the final accuracy, at full precision
AFTER_31 = """
import json as _j
with open("_extra.json", "w") as _f:
    _j.dump({"losses": [float(x) for x in losses], "final_acc": float(final_acc)}, _f)
"""


def python_blocks(guide_text):
    return re.findall(r"```python\n(.*?)```", guide_text, re.S)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def run_block(code, after, folder):
    (Path(folder) / "block.py").write_text(code + after, encoding="utf-8")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "block.py"], cwd=folder, env=env, capture_output=True, text=True,
                          check=True, timeout=600)
    seconds = time.perf_counter() - start
    extra = json.loads((Path(folder) / "_extra.json").read_text())
    return done.stdout, seconds, extra


def main(guide_path):
    from chainrule.data import load_npz, write_guide_npz

    blocks = python_blocks(Path(guide_path).read_text(encoding="utf-8"))
    assert len(blocks) == 36, f"expected the guide's 36 python blocks, found {len(blocks)}"
    recording = {"what": "the guide's own code, run as written on the shipped sample",
                 "data": {"file": "mnist_data.npz", "written_by": DATA_COMMAND},
                 "python": platform.python_version(), "numpy": np.__version__, "machine": platform.machine(),
                 "blocks": {}}
    with tempfile.TemporaryDirectory() as folder:
        data_path = write_guide_npz(Path(folder) / "mnist_data.npz", source="sample")
        arrays = load_npz(data_path)
        recording["data"].update({name: {"shape": list(arrays[name].shape), "dtype": str(arrays[name].dtype),
                                         "sha256": sha256(arrays[name].tobytes())} for name in ("images", "labels")})
        for number, after in ((28, AFTER_28), (31, AFTER_31)):
            code = blocks[number - 1]
            assert code.lstrip().startswith("import numpy as np") and "np.load('mnist_data.npz')" in code
            stdout, seconds, extra = run_block(code, after, folder)
            recording["blocks"][str(number)] = {"code_sha256": sha256(code.encode("utf-8")), "stdout": stdout,
                                                "seconds": round(seconds, 1), **extra}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(recording, indent=1)
    text = re.sub(r"\[\s+([^\[\]{}]*?)\s+\]", lambda m: "[" + " ".join(m[1].split()) + "]", text)  # lists on one line
    OUT.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    for number, block in recording["blocks"].items():
        print(f"block {number}: {block['seconds']} s")
        print(block["stdout"], end="")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "training-and-backprop.md")

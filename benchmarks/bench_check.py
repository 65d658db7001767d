"""How long ``chainrule check`` takes on one learner's file, with the whole catalogue: the sandbox (a new
process, the learner's imports, every probe) and the analysis (chainrule's reference, every mistake model and
the pairs it cannot rule out, the line of the file). The issue's target: one file in at most 5 s on this
2-core machine.

    python benchmarks/bench_check.py             # 5 runs of each file
    python benchmarks/bench_check.py --runs 10

The files span the work the analysis can have: a right file (the reference reproduces everything at once),
the guide's own practice project (which imports matplotlib), a single mistake, two mistakes that cancel (a
pair search), three mistakes at three stages (the stage-by-stage search), and a mistake no model makes (every
model and every possible pair tried, then measured).
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "check" / "fixtures"
FILES = (
    ("a right file", "correct.py"),
    ("the guide's practice project", "guide_practice.py"),
    ("one mistake (derivative of z, hidden layers)", "mistake_derivative_of_z_in_hidden.py"),
    ("two mistakes that cancel", "pair_sign_cancels.py"),
    ("three mistakes, three stages", None),
    ("a mistake no model makes", "novel_bug.py"),
)


def three_mistakes(folder):
    """A learner's file with three mistakes: derivative of z (backward), the update added, batch sums."""
    text = (FIXTURES / "mistake_derivative_of_z.py").read_text()
    text = text.replace("self.weights[i] -= learning_rate * w_grads[i]", "self.weights[i] += learning_rate * w_grads[i]")
    text = text.replace("self.biases[i] -= learning_rate * b_grads[i]", "self.biases[i] += learning_rate * b_grads[i]")
    text = text.replace("cum_wg[j] / batch_len", "cum_wg[j]").replace("cum_bg[j] / batch_len", "cum_bg[j]")
    text = text.replace("self.weights[j] -= ", "self.weights[j] += ").replace("self.biases[j] -= ", "self.biases[j] += ")
    path = Path(folder) / "three_mistakes.py"
    path.write_text(text)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    from chainrule.check import check
    from chainrule.check.catalogue import CATALOGUE, MODELS

    print(f"$ python benchmarks/bench_check.py{' --runs ' + str(args.runs) if args.runs != 5 else ''}")
    print(f"chainrule check, whole catalogue: {len(CATALOGUE)} entries ({len(MODELS)} mistake models, their pairs); "
          f"{os.cpu_count()} cores; {args.runs} runs of each file\n")
    print(f"{'file':48} {'diagnosis':44} {'median':>7} {'max':>7}")
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for label, name in FILES:
            path = three_mistakes(folder) if name is None else Path(shutil.copy(FIXTURES / name, folder))
            check(path)                                        # warm the file system cache once
            times, result = [], None
            for _ in range(args.runs):
                start = time.perf_counter()
                result = check(path)
                times.append(time.perf_counter() - start)
            worst = max(worst, max(times))
            names = "+".join(result.diagnosis_keys) or "(passes)"
            print(f"{label:48} {names[:44]:44} {statistics.median(times):6.2f}s {max(times):6.2f}s")
    print(f"\nslowest single check: {worst:.2f} s (target: at most 5 s)")
    return 0 if worst <= 5.0 else 1


if __name__ == "__main__":
    sys.exit(main())

"""How long ``chainrule check FOLDER`` takes on a class, against the time of its slowest file: the issue's
target is a class in about the time of the slowest submission times submissions / cores.

    python benchmarks/bench_class_check.py               # 12 files, 3 runs of each measurement
    python benchmarks/bench_class_check.py --files 24 --runs 5

The class: copies of fixture files of tests/check/fixtures in turn (right files in several styles, the guide's
practice project, single mistakes, a pair that cancels, one no model makes, a crash). Measured in one run, side
by side: each file checked alone, one after the other (the slowest of them, and their sum); the class checked
one file at a time (``--jobs 1``); and the class checked in parallel (``--jobs`` = the number of cores).
Each figure is the median of ``--runs``.
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
KINDS = ("correct.py", "guide_practice.py", "mistake_dropped_mean.py", "mistake_derivative_of_z_in_hidden.py",
         "pair_sign_cancels.py", "novel_bug.py", "correct_nielsen.py", "mistake_missing_transpose.py",
         "crashes.py", "mistake_update_added.py", "correct_row_batches.py", "mistake_no_shuffle.py")


def make_class(folder, n):
    for i in range(n):
        shutil.copy(FIXTURES / KINDS[i % len(KINDS)], Path(folder) / f"learner_{i + 1:02d}.py")
    return sorted(str(p) for p in Path(folder).glob("*.py"))


def timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from chainrule.check import check
    from chainrule.check.classroom import check_class

    cores = os.cpu_count() or 1
    shown = " ".join(f"--{k} {v}" for k, v in (("files", args.files), ("runs", args.runs)) if v != {"files": 12,
                                                                                                     "runs": 3}[k])
    print(f"$ python benchmarks/bench_class_check.py{' ' + shown if shown else ''}")
    print(f"a class of {args.files} files; {cores} cores; median of {args.runs} runs; load average "
          f"{os.getloadavg()[0]:.1f} at the start\n")
    with tempfile.TemporaryDirectory() as folder:
        paths = make_class(folder, args.files)
        check(paths[0])                                               # warm the file system cache once
        singles = {p: [] for p in paths}
        serial, parallel = [], []
        for _ in range(args.runs):
            for p in paths:
                singles[p].append(timed(lambda: check(p)))
            serial.append(timed(lambda: check_class([folder], jobs=1)))
            parallel.append(timed(lambda: check_class([folder], jobs=cores)))
        each = {p: statistics.median(t) for p, t in singles.items()}
        slowest_path = max(each, key=each.get)
        slowest, total = each[slowest_path], sum(each.values())
        target = slowest * args.files / cores
        wall, wall1 = statistics.median(parallel), statistics.median(serial)
        print(f"{'each file alone, one after another (sum)':52} {total:7.2f} s")
        print(f"{'the slowest file alone':52} {slowest:7.2f} s  ({Path(slowest_path).name}: "
              f"{KINDS[paths.index(slowest_path) % len(KINDS)]})")
        print(f"{'class check, --jobs 1':52} {wall1:7.2f} s")
        print(f"{f'class check, --jobs {cores} (the default)':52} {wall:7.2f} s")
        print(f"{'target: slowest x files / cores':52} {target:7.2f} s")
        print(f"\nclass check / (slowest x files / cores) = {wall / target:.2f}; "
              f"/ (sum / cores) = {wall / (total / cores):.2f}; speed-up over --jobs 1: {wall1 / wall:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

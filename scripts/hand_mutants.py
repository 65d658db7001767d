#!/usr/bin/env python3
"""Hand-made mutants: realistic bugs, written by a person rather than a tool, that the tests must catch.

    python scripts/hand_mutants.py                 # every mutant below, 2 at a time: killed or survived
    python scripts/hand_mutants.py --list          # what each one breaks
    python scripts/hand_mutants.py idx-no-byteswap # only these

A check that the mutation score (scripts/mutation.py, docs/mutation.md) is not fitted to mutmut's own mutants:
each mutant is one edit a person could make (a forgotten check, a reversed order, a dropped fsync), applied to
a copy of ``src/`` in a temporary folder (the repository is never touched), then the tests that mutmut runs
for that part of chainrule are run against the copy (``PYTHONPATH`` first, so child processes see it too),
stopping at the first failure. A mutant is killed when a test fails. Unmutated, the same tests must pass.
"""
import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutation import ROOT, TARGETS, lock  # noqa: E402


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str              # under src/chainrule/
    old: str               # must occur exactly once in the file
    new: str
    bug: str               # what a person would have done wrong

    @property
    def target(self):
        package = self.path.split("/")[0]
        return package if package in ("data", "core", "training") else "top"


MUTANTS = [
    # --- data/ ---
    Mutant("download-size-only", "data/download.py",
           "    return digest.hexdigest() == sha256\n", "    return True\n",
           "a cached download is trusted on its size alone (the hash is computed, never compared)"),
    Mutant("download-no-sha-check", "data/download.py",
           "            if digest.hexdigest() != sha256:\n", "            if False:\n",
           "a downloaded file is kept without comparing its SHA-256"),
    Mutant("download-window-bytes-kept", "data/download.py",
           "            self.window_start, self.window_bytes = now, 0\n", "            self.window_start = now\n",
           "the rate window restarts but keeps counting the bytes of the previous windows"),
    Mutant("download-deadline-per-window", "data/download.py",
           "        left = self.deadline - (time.monotonic() - self.started)\n",
           "        left = self.deadline - (time.monotonic() - self.window_start)\n",
           "the deadline is measured from the start of the current rate window, not of the file"),
    Mutant("download-no-overflow-check", "data/download.py",
           "                    if received > size:\n", "                    if False:\n",
           "a server sending more than the file is not stopped"),
    Mutant("idx-no-byteswap", "data/idx.py",
           "        array.byteswap(inplace=True)", "        pass",
           "multi-byte IDX values are left big-endian (wrong numbers for int16/int32/float data)"),
    Mutant("idx-trailing-ignored", "data/idx.py",
           "    extra = _count_rest(stream)\n", "    extra = 0\n",
           "bytes after the declared array are silently ignored"),
    Mutant("idx-gzip-by-name", "data/idx.py",
           "        compressed = handle.read(2) == GZIP_MAGIC\n", "        compressed = path.suffix == '.gz'\n",
           "gzip is recognised by the file name, not by its content"),
    Mutant("load-test-rows-first", "data/load.py",
           '    pairs.sort(key=lambda pair: "train" not in pair[0].name)',
           '    pairs.sort(key=lambda pair: "train" in pair[0].name)',
           "an IDX folder's test files come before its training files (n_train counts the wrong rows)"),
    Mutant("load-fractions-truncated", "data/load.py",
           " or not np.all(array == np.round(array))):", "):",
           "grey levels scaled to [0, 1] are cast to uint8 (all zeros) instead of refused"),
    Mutant("load-npz-no-required-check", "data/files.py",
           "        missing = [name for name in required if name not in archive]\n", "        missing = []\n",
           "an .npz without images or labels is not refused with a message naming what it holds"),
    Mutant("prep-split-global-rng", "data/prep.py",
           "    order = np.random.default_rng(check_seed(seed)).permutation(len(X))\n",
           "    order = np.random.permutation(len(X))\n",
           "train_test_split ignores its seed and draws from NumPy's global generator"),
    Mutant("prep-one-hot-width", "data/prep.py",
           "int(numbers.max(initial=-1)) + 1", "int(numbers.max(initial=-1))",
           "one_hot infers one class too few from the labels"),
    Mutant("prep-select-not-renumbered", "data/prep.py",
           "    position = np.where(sorted_classes[at] == numbers, order[at], -1)\n",
           "    position = np.where(sorted_classes[at] == numbers, sorted_classes[at], -1)\n",
           "select_classes keeps the original class numbers instead of their positions"),
    Mutant("paths-relative-xdg", "data/paths.py",
           "PurePosixPath(xdg) if PurePosixPath(xdg).is_absolute() else", "PurePosixPath(xdg) if xdg else",
           "a relative $XDG_CACHE_HOME is used (the XDG spec says to ignore it)"),
    # --- core/ ---
    Mutant("core-last-batch-skipped", "core/network.py",
           "            for start in range(0, n, batch_size):\n",
           "            for start in range(0, n - batch_size, batch_size):\n",
           "train_epoch's batch loop stops one batch early (the last batch, full or short, is never trained on)"),
    Mutant("core-bias-grad-averaged", "core/layers/dense.py",
           "            bias_grad = np.add.reduce(delta, axis=0,",
           "            bias_grad = (1 / len(delta)) * np.add.reduce(delta, axis=0,",
           "a batch's bias gradient is averaged over the batch again (the loss's gradient already holds the 1/n)"),
    Mutant("core-mse-value-after-scaling", "core/losses/mse.py",
           "    value = np.dot(flat, flat) / diff.size      # the mean of diff**2, as one BLAS dot\n"
           "    diff *= 2.0 / diff.size\n",
           "    diff *= 2.0 / diff.size\n    value = np.dot(flat, flat) / diff.size\n",
           "the training path's MSE value is taken after the difference was scaled into the gradient"),
    Mutant("core-sigmoid-derivative-half", "core/activations/sigmoid.py",
           "        delta = np.subtract(1, a, out=out)\n        delta *= a\n",
           "        delta = np.subtract(1, a, out=out)\n",
           "the training path's sigmoid derivative is (1 - a), not a(1 - a) (backward() stays right)"),
    Mutant("core-tanh-derivative-sign", "core/activations/tanh.py",
           "        np.subtract(1, delta, out=delta)\n", "        np.subtract(delta, 1, out=delta)\n",
           "the training path's tanh derivative is a^2 - 1 instead of 1 - a^2"),
    Mutant("core-relu-derivative-at-zero", "core/activations/relu.py",
           "    return (a > 0).astype(a.dtype)\n", "    return (a >= 0).astype(a.dtype)\n",
           "a ReLU that outputs 0 passes the gradient as if it were active"),
    Mutant("core-softmax-backward-axis", "core/activations/softmax.py",
           "        return a * (grad_a - np.sum(grad_a * a, axis=-1, keepdims=True))\n",
           "        return a * (grad_a - np.sum(grad_a * a, axis=0, keepdims=True))\n",
           "softmax's Jacobian-vector product sums over the batch instead of over the classes"),
    Mutant("core-leaky-relu-default-alpha", "core/activations/leaky_relu.py",
           "        return leaky_relu_derivative(a, self.alpha)\n",
           "        return leaky_relu_derivative(a)\n",
           "LeakyReLU(alpha) takes its derivative with the default alpha 0.01"),
    Mutant("core-ce-clip-one-side", "core/losses/cross_entropy.py",
           "    clipped = (predictions < eps) | (predictions > 1 - eps)\n",
           "    clipped = predictions < eps\n",
           "cross-entropy's gradient is zeroed where the prediction is clipped at eps, not where clipped at 1 - eps"),
    Mutant("core-astype-shares-generator", "core/network.py",
           "        clone.rng = np.random.RandomState()\n        clone.rng.set_state(self.rng.get_state())\n",
           "        clone.rng = self.rng\n",
           "a copy made by astype shares the original's shuffling generator"),
    Mutant("core-undo-keeps-generator", "core/network.py",
           "                    self.rng.set_state(start_state[1])\n", "",
           "an epoch undone for a NaN batch puts the weights back but not the shuffling generator"),
    Mutant("core-gradcheck-one-epsilon", "core/gradcheck.py",
           "                numerical = float((loss_plus - loss_minus) / (2 * epsilon))\n",
           "                numerical = float((loss_plus - loss_minus) / epsilon)\n",
           "the central difference is divided by epsilon instead of 2 epsilon"),
    Mutant("core-gradcheck-leaves-perturbed", "core/gradcheck.py",
           "                param[index] = original\n", "",
           "gradient_check leaves every weight moved by -epsilon"),
    # --- training/ ---
    Mutant("train-momentum-sign", "training/optimizers.py",
           "            v *= self.momentum\n            v += g\n",
           "            v *= self.momentum\n            v -= g\n",
           "momentum's velocity subtracts the gradient (and the step then climbs)"),
    Mutant("train-adam-t-plus-one", "training/optimizers.py",
           "        correction1 = 1 - self.beta1 ** self.t\n",
           "        correction1 = 1 - self.beta1 ** (self.t + 1)\n",
           "Adam's first-moment bias correction uses t + 1"),
    Mutant("train-adam-eps-in-sqrt", "training/optimizers.py",
           "(np.sqrt(v / correction2) + self.eps)", "np.sqrt(v / correction2 + self.eps)",
           "Adam's eps is added under the square root"),
    Mutant("train-step-boundary", "training/schedules.py",
           "        return self.base_lr * self.gamma ** (epoch // self.step_size)\n",
           "        return self.base_lr * self.gamma ** ((epoch + 1) // self.step_size)\n",
           "the step schedule decays one epoch early"),
    Mutant("train-cosine-min-lr", "training/schedules.py",
           "        return self.min_lr + (self.base_lr - self.min_lr) * (1 + math.cos(",
           "        return self.min_lr + self.base_lr * (1 + math.cos(",
           "the cosine schedule adds min_lr on top of the full cosine (it never reaches min_lr, starts above lr)"),
    Mutant("train-early-stopping-keeps-last", "training/callbacks.py",
           "                run.net.set_weights(self.best_weights)\n", "                pass\n",
           "early stopping records the best epoch but leaves the last epoch's weights"),
    Mutant("train-min-delta-sign", "training/callbacks.py",
           "            return value < self.best - self.min_delta\n",
           "            return value < self.best + self.min_delta\n",
           "early stopping counts a loss that rose by less than min_delta as an improvement"),
    Mutant("train-patience-off-by-one", "training/callbacks.py",
           "            if self.wait >= self.patience:\n", "            if self.wait > self.patience:\n",
           "early stopping waits patience + 1 epochs"),
    Mutant("train-best-epoch-one-based", "training/callbacks.py",
           "            self.best, self.best_epoch, self.wait = value, run.epoch, 0\n",
           "            self.best, self.best_epoch, self.wait = value, run.history.epochs, 0\n",
           "early stopping records the best epoch 1-based (history.best_epoch is 0-based)"),
    Mutant("train-checkpoint-drops-best-weights", "training/callbacks.py",
           '                "best_weights": self.best_weights}\n', "                }\n",
           "early stopping's state (so a checkpoint) lacks the best weights: a resumed run cannot put them back"),
    Mutant("train-resume-forgets-generator", "training/fit.py",
           '        self.net.rng.set_state(("MT19937", np.asarray(rng["key"], dtype=np.uint32), int(rng["pos"]),\n'
           '                                int(rng["has_gauss"]), float(rng["cached_gaussian"])))\n', "",
           "resuming puts back weights and optimizer but not the shuffling generator"),
    Mutant("train-checkpoint-before-callbacks", "training/fit.py",
           '                self.call("on_epoch_end")\n                if self.checkpoint is not None:\n'
           '                    self.checkpoint.on_epoch_saved(self)\n',
           '                if self.checkpoint is not None:\n                    self.checkpoint.on_epoch_saved(self)\n'
           '                self.call("on_epoch_end")\n',
           "the checkpoint is written before the callbacks' on_epoch_end (without the epoch's early-stopping update)"),
    Mutant("train-decay-on-biases", "training/fit.py",
           "        params = [p for pair in zip(net.weights, net.biases) for p in pair]\n",
           "        bias_grads = [db + self.weight_decay * b for db, b in zip(bias_grads, net.biases)]\n"
           "        params = [p for pair in zip(net.weights, net.biases) for p in pair]\n",
           "weight decay is applied to the biases too"),
    Mutant("train-short-batch-dropped", "training/fit.py",
           "        starts = range(first_batch * self.batch_size, len(X), self.batch_size)\n",
           "        starts = range(first_batch * self.batch_size, len(X) - self.batch_size + 1, self.batch_size)\n",
           "fit drops the short last batch of each epoch"),
    Mutant("train-epoch-loss-last-batch", "training/fit.py",
           "        train_loss = total / seen\n", "        train_loss = self.batch_loss\n",
           "the epoch's training loss is the last batch's, not the mean over the epoch"),
    Mutant("train-vanishing-absolute", "training/diagnostics/layers.py",
           "            if largest > 0 and norm <= VANISHING_RATIO * largest:\n",
           "            if largest > 0 and norm <= VANISHING_RATIO:\n",
           "a vanishing gradient is judged against an absolute 1e-6, not relative to the largest layer's"),
    Mutant("train-dead-relu-axis", "core/activations/relu.py",
           "        return int(np.sum(np.all(a <= 0, axis=0)))\n",
           "        return int(np.sum(np.all(a <= 0, axis=1)))\n",
           "dead ReLUs counted per example (rows where every unit is 0) instead of per unit"),
    # --- the top-level modules ---
    Mutant("files-no-fsync", "files.py",
           "            os.fsync(handle.fileno())\n", "",
           "the bytes are not fsynced before the rename (a crash can leave an empty file under the real name)"),
    Mutant("files-no-chmod", "files.py",
           "        os.chmod(tmp, _creation_mode())\n", "",
           "saved files keep mkstemp's mode 0600 instead of what open() would give"),
    Mutant("files-temp-left-behind", "files.py",
           "        with contextlib.suppress(FileNotFoundError):\n            os.unlink(tmp)\n",
           "        pass\n",
           "a failed write leaves its temporary file behind"),
    Mutant("files-lock-not-removed", "files.py",
           "        with contextlib.suppress(OSError):\n            os.unlink(lock_path)\n", "        pass\n",
           "the run lock's file stays in the folder after the run"),
    Mutant("files-symlink-replaced", "files.py",
           "    real = check_output_path(path)\n    folder = os.path.dirname(real)\n",
           "    real = check_output_path(path)\n    real = path\n    folder = os.path.dirname(real)\n",
           "writing through a symlink replaces the link instead of the file it points to"),
    Mutant("limits-k-decimal", "limits.py",
           '"k": 1 << 10,', '"k": 1000,',
           "'64k' is read as 64,000 bytes (K alone is binary, as documented)"),
    Mutant("limits-env-typo", "limits.py",
           "    text = os.environ.get(ENV_VAR, \"\").strip()\n",
           "    text = os.environ.get(\"CHAINRULE_MEMORY\", \"\").strip()\n",
           "the memory limit set in the environment is ignored (a misspelt variable)"),
    Mutant("npz-duplicates-allowed", "safe_npz.py",
           "            if info.filename.removesuffix(\".npy\") in members:\n", "            if False:\n",
           "an archive with two members of the same name is read (the last one wins, as np.load does)"),
    Mutant("npz-size-unchecked", "safe_npz.py",
           "        if header.header_size + header.nbytes != declared:\n", "        if False:\n",
           "a member whose .npy header declares another size than the zip directory is read anyway"),
    Mutant("npz-budget-unchecked", "safe_npz.py",
           "        check_shape(header.shape, dtype.itemsize,", "        (header.shape, dtype.itemsize,",
           "an .npy header's shape is not checked against the memory budget before it is allocated"),
    Mutant("json-brackets-in-strings", "safe_json.py",
           "    skeleton = np.frombuffer(_STRING.sub('\"\"', text).encode(",
           "    skeleton = np.frombuffer(text.encode(",
           "brackets inside JSON strings count as nesting (a text holding '[[[' is refused as too deep)"),
    Mutant("findings-tuples-kept", "findings.py",
           "    if isinstance(value, (list, tuple)):\n", "    if isinstance(value, list):\n",
           "a Finding's evidence keeps tuples (a JSON round trip then changes it)"),
]


def copy_sources(folder):
    shutil.copytree(ROOT / "src", folder / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"))
    return folder / "src" / "chainrule"


def run_tests(src, tests, timeout):
    """pytest on ``tests`` (paths, then the target's pytest options) with ``src`` first on the path;
    ``(exit code, seconds, last line)``."""
    env = dict(__import__("os").environ, PYTHONPATH=str(src))
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - started, f"no answer in {timeout} s"
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    failed = next((line.split(" - ")[0] for line in lines if line.startswith("FAILED ")), lines[-1] if lines else "")
    return done.returncode, time.monotonic() - started, failed


def tests_of(target):
    return [path for path in TARGETS[target].tests if (ROOT / path).exists()] + list(TARGETS[target].pytest_args)


def check_unmutated(timeout, targets):
    """The tests pass on an unmutated copy, and that copy is what they import."""
    with tempfile.TemporaryDirectory(prefix="hand-mutants-") as folder:
        src = copy_sources(Path(folder)).parent
        where = subprocess.run([sys.executable, "-c", "import chainrule; print(chainrule.__file__)"],
                               env=dict(__import__("os").environ, PYTHONPATH=str(src)), capture_output=True,
                               text=True).stdout.strip()
        if not where.startswith(str(src)):
            sys.exit(f"the copy is not what Python imports ({where}); is PYTHONPATH overridden?")
        for target in targets:
            code, seconds, line = run_tests(src, tests_of(target), timeout)
            print(f"unmutated, {target} tests: exit {code} in {seconds:.0f} s ({line})", flush=True)
            if code != 0:
                sys.exit("the tests fail without any mutant: fix that first")


def try_mutant(mutant, timeout):
    with tempfile.TemporaryDirectory(prefix=f"hand-{mutant.name}-") as folder:
        package = copy_sources(Path(folder))
        path = package / mutant.path
        if not path.exists():               # the code moved since the mutant was written
            return mutant, "stale", 0.0, f"pattern not found: {mutant.path} is gone (update the mutant)"
        text = path.read_text()
        if text.count(mutant.old) != 1:     # the code moved or changed since the mutant was written
            return mutant, "stale", 0.0, (f"pattern not found: the text to change occurs {text.count(mutant.old)} "
                                          f"times in {mutant.path} (update the mutant)")
        path.write_text(text.replace(mutant.old, mutant.new))
        code, seconds, line = run_tests(package.parent, tests_of(mutant.target), timeout)
    status = {1: "killed", "timeout": "killed (timeout)", 0: "SURVIVED"}.get(code, f"error (pytest exit {code})")
    return mutant, status, seconds, line


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="mutants to try (default: all)")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per mutant's tests")
    parser.add_argument("--skip-baseline", action="store_true",
                        help="do not first run the tests on an unmutated copy (when the suite has just passed)")
    args = parser.parse_args(argv)
    known = {mutant.name: mutant for mutant in MUTANTS}
    if args.list:
        for mutant in MUTANTS:
            print(f"{mutant.name:<28} {mutant.path:<18} {mutant.bug}")
        return 0
    unknown = [name for name in args.names if name not in known]
    if unknown:
        parser.error(f"unknown mutants {unknown}; see --list")
    chosen = [known[name] for name in args.names] or MUTANTS
    held = lock()
    if not args.skip_baseline:
        check_unmutated(args.timeout, sorted({mutant.target for mutant in chosen}, key=list(TARGETS).index))
    results = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for mutant, status, seconds, line in pool.map(lambda m: try_mutant(m, args.timeout), chosen):
            results.append((mutant, status))
            print(f"{status:<17} {mutant.name:<28} {seconds:5.0f} s  {line}", flush=True)
    held.close()
    stale = [mutant.name for mutant, status in results if status == "stale"]
    tried = [(mutant, status) for mutant, status in results if status != "stale"]
    for target in TARGETS:
        mine = [status for mutant, status in tried if mutant.target == target]
        if mine:
            killed = sum(status.startswith("killed") for status in mine)
            print(f"{target}: {killed} of {len(mine)} hand-made mutants killed ({100 * killed / len(mine):.0f}%)")
    killed = sum(status.startswith("killed") for _, status in tried)
    print(f"all: {killed} of {len(tried)} killed ({100 * killed / max(1, len(tried)):.0f}%)"
          + (f"; {len(stale)} stale, not tried (their code moved: update them): {', '.join(stale)}" if stale else ""))
    return 0 if killed == len(tried) and not stale else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Mutation testing of one part of chainrule with mutmut: the score, and every mutant the tests let through.

    pip install -e ".[test,mutation]"             # mutmut 3.8.1; not a dependency of chainrule, not run in CI
    python scripts/mutation.py data               # mutate src/chainrule/data/, run the tests related to it
    python scripts/mutation.py top                # files.py limits.py safe_npz.py safe_json.py errors.py findings.py
    python scripts/mutation.py --list             # every target: what it mutates and which tests it runs
    python scripts/mutation.py data --survivors   # re-test only last run's survivors (after writing tests)
    python scripts/mutation.py data --report      # print last run's score and survivors again, run nothing
    python scripts/mutation.py training --sample 300   # too slow for a full run: a random sample, an estimate

A mutant is the source with one small change (``<`` for ``<=``, ``None`` for a value, a string altered); it is
*killed* when one of the target's tests fails on it and *survives* when they all pass. docs/mutation.md says how
to read a survivor and lists, per target, the measured score and why each survivor left is not worth a test.

Each target runs in its own folder ``.mutation/<target>/`` (git-ignored): ``src`` and ``tests`` linked to the
repository, and a ``pyproject.toml`` that is the repository's with its ``[tool.mutmut]`` section narrowed to the
target's files and tests. mutmut copies the sources there, runs the target's tests once to learn which tests
reach which function, then runs each mutant against only those tests, in at most ``--max-children`` forked
workers (default 2: the machine is shared) at a lower priority. Tests that start a Python child process test
the mutant in the child too (``PYTHONPATH`` points to the mutated sources). One run at a time: a second one
waits for nothing, it stops with the first one's pid.
"""
import argparse
import ast
import fcntl
import hashlib
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".mutation"
#: linked into every workspace: the tests read some of these (the packaging and guide tests read docs/, README)
LINKED = ("src", "tests", "docs", "README.md", "LICENSE", "CHANGELOG.md", "scripts", "benchmarks")


@dataclass(frozen=True)
class Target:
    """What one run mutates (globs under the repository) and the tests related to it (pytest paths)."""
    sources: tuple
    tests: tuple
    pytest_args: tuple = ()
    about: str = ""


TOP_LEVEL = tuple(f"src/chainrule/{name}.py" for name in ("files", "limits", "safe_npz", "safe_json", "errors",
                                                          "findings"))
TRUST_FILES = ("tests/trust/test_trust_files.py", "tests/trust/test_trust_outputs.py",
               "tests/trust/test_trust_readers.py", "tests/trust/test_trust_limits.py")

#: The tests of a target are the ones written for it plus the trust tests that feed it hostile input; when a
#: package gains or moves files, its globs follow by themselves; when it gains a test folder, add it here.
TARGETS = {
    "data": Target(("src/chainrule/data/*.py",),
                   ("tests/data", *TRUST_FILES, "tests/trust/test_trust_bad_input.py"),
                   about="the MNIST sample, IDX reader, verified download, load_mnist, preparation helpers"),
    "top": Target(TOP_LEVEL,
                  ("tests/data", *TRUST_FILES, "tests/trust/test_trust_bad_input.py",
                   "tests/trust/test_trust_findings.py", "tests/trust/test_trust_edges.py",
                   "tests/training/test_training_model_io.py"),
                  about="the top-level modules: atomic files and the run lock, the memory budget, safe .npz and "
                        "JSON readers, the error family, the Finding record"),
    "core": Target(("src/chainrule/core/**/*.py",),
                   ("tests/core", "tests/guide", "tests/perf", "tests/trust/test_trust_properties.py",
                    "tests/trust/test_trust_bad_input.py"),
                   about="activations, losses, layers, Network, gradient check, validation"),
    # not tests/trust/test_trust_limits.py: its memory peaks, measured with mutmut's trampolines in every training
    # function, pass the limit they check (a false failure that stops mutmut's first run); not test_trust_cli.py:
    # the command line is its own target; not test_trust_resume.py for now: its Ctrl-C tests signal their own
    # process, a suspect for mutmut's clean run failing on training (docs/mutation.md; the run still fails without
    # it, so put it back once the cause is found)
    "training": Target(("src/chainrule/training/**/*.py",),
                       ("tests/training", "tests/trust/test_trust_diagnostics.py",
                        "tests/trust/test_trust_readers.py", "tests/trust/test_trust_bad_input.py"),
                       pytest_args=("-m", "not browser"),
                       about="fit, optimizers, schedules, callbacks, diagnostics, checkpoints, model files, "
                             "evaluation"),
    "project": Target(("src/chainrule/project/**/*.py",),
                      ("tests/project", "tests/guide/test_guide_practice_project.py",
                       "tests/trust/test_trust_bad_input.py", "tests/trust/test_trust_limits.py",
                       "tests/trust/test_trust_readers.py", "tests/trust/test_trust_settings.py"),
                      pytest_args=("-m", "not browser"),
                      about="the MNIST practice project: settings, run, report, figures, compare, inference"),
    "check": Target(("src/chainrule/check/**/*.py",), ("tests/check",),
                    about="`chainrule check`: a learner's Network against chainrule and finite differences"),
    "lab": Target(("src/chainrule/lab/*.py",), ("tests/lab",), pytest_args=("-m", "not browser"),
                  about="the lab's engine and server (Python only: the page's JavaScript is not mutated)"),
    "viz": Target(("src/chainrule/viz/*.py",), ("tests/viz",), pytest_args=("-m", "not browser"),
                  about="trace, animation, figures"),
    "interop": Target(("src/chainrule/interop/*.py",), ("tests/interop",),
                      about="scikit-learn estimators and the PyTorch bridge"),
    "guide": Target(("src/chainrule/guide/*.py",), ("tests/guide",), about="the guide's blocks and errata"),
    "cli": Target(("src/chainrule/cli/*.py", "src/chainrule/cli/commands/*.py"),
                  ("tests/trust/test_trust_cli.py", "tests/guide/test_guide_cli.py", "tests/lab/test_lab_cli.py",
                   "tests/test_packaging.py"),
                  about="the command line"),
}

KILLED = {"killed", "timeout", "segfault", "caught by type check"}
NOT_CHECKED = "not checked"


def source_files(target):
    return sorted({path.relative_to(ROOT).as_posix() for pattern in target.sources for path in ROOT.glob(pattern)
                   if path.name != "__init__.py" or path.read_text().strip()})


def fingerprint(target):
    digest = hashlib.sha256()
    for name in source_files(target):
        digest.update(name.encode() + b"\0" + (ROOT / name).read_bytes())
    return digest.hexdigest()[:16]


def mutmut_section(target, files):
    """The ``[tool.mutmut]`` of a workspace: the repository's, narrowed to the target."""
    import tomllib
    base = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"].get("mutmut", {})
    tests = [path for path in target.tests if (ROOT / path.split("::")[0]).exists()]
    for path in sorted(set(target.tests) - set(tests)):
        print(f"warning: {path} does not exist: not run", file=sys.stderr)
    settings = dict(base, only_mutate=files, pytest_add_cli_args_test_selection=tests,
                    pytest_add_cli_args=list(base.get("pytest_add_cli_args", [])) + list(target.pytest_args))
    return "[tool.mutmut]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in settings.items())


def prepare(name, target, fresh):
    """The workspace of ``name``; its old mutants are removed unless ``fresh`` is false."""
    folder = WORK / name
    if fresh and (folder / "mutants").exists():
        shutil.rmtree(folder / "mutants")
    folder.mkdir(parents=True, exist_ok=True)
    for entry in LINKED:
        link = folder / entry
        if (ROOT / entry).exists() and not link.is_symlink():
            link.symlink_to(ROOT / entry)
    text = (ROOT / "pyproject.toml").read_text()
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", text).rstrip() + "\n\n"
    (folder / "pyproject.toml").write_text(text + mutmut_section(target, source_files(target)))
    return folder


def run_mutmut(folder, max_children, names=(), check=True):
    """``mutmut run`` in ``folder``, its output in ``folder/run.log``; a progress line now and then."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(folder / "mutants" / "src"),
                                                                      os.environ.get("PYTHONPATH")])))
    # One BLAS thread: mutmut forks its workers from a process whose BLAS has started threads, and a forked
    # child that calls BLAS can wait forever on a lock held by a thread it does not have (seen: workers asleep
    # at 0% CPU, never reaching mutmut's CPU-time limit). Two workers use the two cores anyway.
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    # made before Python starts: a PYTHONPATH folder missing at start-up is cached as "nothing to import there"
    (folder / "mutants" / "src").mkdir(parents=True, exist_ok=True)
    log_path = folder / "run.log"
    command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children), *names]
    mutmut = shutil.which("mutmut", path=str(Path(sys.executable).parent)) or shutil.which("mutmut")
    if mutmut:
        command[:3] = [mutmut]                   # mutmut asks to be started as `mutmut`, not `python -m mutmut`
    started, shown = time.monotonic(), ""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   preexec_fn=lambda: os.nice(10))
        while process.poll() is None:
            time.sleep(5)
            counts = re.findall(rb"(\d+)/(\d+)  \S+ (\d+)", log_path.read_bytes()[-4000:])
            if counts:
                done, total, killed = (int(n) for n in counts[-1])
                line = f"  {done}/{total} mutants tested, {killed} killed ({time.monotonic() - started:.0f} s)"
                if line.split(" (")[0] != shown.split(" (")[0] and (done == total or done % 50 < 5):
                    print(line, flush=True)
                shown = line
    tail = log_path.read_bytes().decode("utf-8", "replace")
    if process.returncode != 0 and check:
        print(re.sub(r"[^\n]*\r", "", tail)[-3000:])
        sys.exit(f"mutmut failed (exit {process.returncode}); its whole output is in {log_path}")
    return time.monotonic() - started


def untested(folder, target):
    """Names of the mutants of ``target`` in ``folder`` not tested yet, from mutmut's own records (``*.meta``)."""
    mutated = set(source_files(target))
    names = []
    for meta in sorted((folder / "mutants").rglob("*.py.meta")):
        codes = json.loads(meta.read_text()).get("exit_code_by_key", {})
        names += [name for name, code in codes.items() if code is None and module_file(name) in mutated]
    return names


def not_killed(folder, target):
    """Names of the mutants of ``target`` tested and not killed (survived, no tests, suspicious)."""
    mutated = set(source_files(target))
    return tuple(m for m, s in results(folder).items()
                 if module_file(m) in mutated and s not in KILLED and s != NOT_CHECKED)


def draw_sample(folder, target, n, seed):
    """``n`` names drawn at random (seeded) from the untested mutants; the mutants are made first when there are
    none yet (a mutmut run asked for a name that matches nothing makes them and learns which tests reach what)."""
    if not any((folder / "mutants").rglob("*.py.meta")):
        run_mutmut(folder, 1, ("chainrule.no_such_mutant",), check=False)
        if not (folder / "mutants" / "mutmut-stats.json").exists():   # the tests failed unmutated, say, or hung
            tail = re.sub(r"[^\n]*\r", "", (folder / "run.log").read_text(errors="replace"))[-3000:]
            sys.exit(f"{tail}\nmutmut could not learn which tests reach which function (see {folder / 'run.log'})")
    pool = untested(folder, target)
    if not pool:
        sys.exit("every mutant has been tested: nothing to sample (run without --sample for a fresh run)")
    return tuple(random.Random(seed).sample(pool, min(n, len(pool))))


def results(folder):
    """``{mutant name: status}`` of the workspace, as ``mutmut results`` reports them."""
    done = subprocess.run([shutil.which("mutmut") or "mutmut", "results", "--all", "true"], cwd=folder,
                          capture_output=True, text=True, check=True)
    return dict(re.findall(r"^\s+(\S+): (.+)$", done.stdout, re.M))


def module_file(mutant):
    """'chainrule.data.idx.x_read_idx__mutmut_3' -> 'src/chainrule/data/idx.py'."""
    module = "src/" + re.split(r"\.x[_ǁ]", mutant, maxsplit=1)[0].replace(".", "/")
    return module + "/__init__.py" if (ROOT / module / "__init__.py").exists() else module + ".py"


def function_name(mutant):
    """'...xǁNpzReaderǁread__mutmut_3' -> 'NpzReader.read'; '...x_read_idx__mutmut_3' -> 'read_idx'."""
    tail = re.split(r"\.(?=x[_ǁ])", mutant, maxsplit=1)[1].rsplit("__mutmut_", 1)[0]
    return tail[2:] if tail.startswith("x_") else tail[2:].replace("ǁ", ".")


def def_line(path, qualified):
    """The line of ``def`` of ``qualified`` ('Class.method' or 'function') in ``path``."""
    tree = ast.parse((ROOT / path).read_text())
    parts = qualified.split(".")
    nodes = tree.body
    for i, part in enumerate(parts):
        node = next((n for n in nodes if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                     and n.name == part), None)
        if node is None:
            return 0
        if i == len(parts) - 1:
            return node.lineno
        nodes = node.body
    return 0


def mutant_diff(folder, mutant):
    """The diff of ``mutant`` against its function, as ``mutmut show`` prints it (in this process: ~1000x faster
    than a ``mutmut show`` per survivor)."""
    cwd = os.getcwd()
    try:
        os.chdir(folder)
        from mutmut.mutation.diff_apply import get_diff_for_mutant
        return get_diff_for_mutant(mutant)
    except ImportError:
        return subprocess.run([shutil.which("mutmut") or "mutmut", "show", mutant], capture_output=True,
                              text=True).stdout
    finally:
        os.chdir(cwd)


def describe(folder, mutant):
    """``(line, removed, added)`` of a mutant: the line in the repository's file, the lines it changes."""
    old_line, first, removed, added = 0, None, [], []
    for line in mutant_diff(folder, mutant).splitlines():
        hunk = re.match(r"@@ -(\d+)", line)
        if hunk:
            old_line = int(hunk.group(1))
        elif line.startswith(("---", "+++", "#")):
            continue
        elif line.startswith("-"):
            first = first or old_line
            removed.append(line[1:].strip())
            old_line += 1
        elif line.startswith("+"):
            first = first or old_line
            added.append(line[1:].strip())
        else:
            old_line += 1
    path = module_file(mutant)
    start = def_line(path, function_name(mutant))
    return (start + (first or 1) - 1 if start else 0), removed, added


def estimate(statuses, sample):
    """The score of all mutants when only some were tested: the tested ones exactly, the untested ones at the kill
    rate of ``sample`` (a random sample of the mutants that were untested before it ran), with a 95% interval
    (normal approximation, finite-population correction). ``(score, half-width)`` in percent."""
    total = len(statuses)
    tested = [s for m, s in statuses.items() if s != NOT_CHECKED and m not in sample]
    pool = total - len(tested)                   # untested before the sample, the sample included
    n = len([m for m in sample if statuses.get(m, NOT_CHECKED) != NOT_CHECKED])
    if not n:
        return None
    rate = sum(statuses[m] in KILLED for m in sample if statuses.get(m, NOT_CHECKED) != NOT_CHECKED) / n
    score = (sum(s in KILLED for s in tested) + rate * pool) / total
    spread = 1.96 * math.sqrt(rate * (1 - rate) / n * max(0.0, 1 - n / pool)) if pool > 1 else 0.0
    return 100 * score, 100 * spread * pool / total


def summarize(name, target, folder, statuses, seconds=None, markdown=False, sample=()):
    files = source_files(target)
    per_file = {path: [0, 0, 0] for path in files}
    for mutant, status in statuses.items():
        counts = per_file.setdefault(module_file(mutant), [0, 0, 0])
        counts[0] += 1
        counts[1] += status in KILLED
        counts[2] += status == NOT_CHECKED
    total, killed = len(statuses), sum(status in KILLED for status in statuses.values())
    if not total:
        sys.exit(f"no mutants for {name}: is mutmut installed and did it run? (see {folder / 'run.log'})")
    untested = sum(status == NOT_CHECKED for status in statuses.values())
    tested = total - untested
    took = f", in {seconds / 60:.1f} min" if seconds else ""
    if not untested:
        score = 100 * killed / total
        print(f"\nMutation score of {name}: {score:.1f}% ({killed} of {total} mutants killed{took})")
    else:
        guess = estimate(statuses, set(sample))
        score = 100 * killed / max(1, tested)
        print(f"\nMutation score of {name}: {score:.1f}% of the mutants tested ({killed} of {tested} killed{took}); "
              f"{untested} of {total} not tested")
        if guess:
            n = sum(statuses.get(m, NOT_CHECKED) != NOT_CHECKED for m in sample)
            print(f"Estimated score of all {total} (a random sample of {n} stands for the {untested + n} untested "
                  f"before it): {guess[0]:.1f}% +/- {guess[1]:.1f} (95%)")
            score = guess[0]
    if markdown:
        print("\n| file | mutants | killed | score | not tested |\n|---|---:|---:|---:|---:|")
    for path, (n, k, u) in per_file.items():
        if n - u:
            print(f"| `{path}` | {n - u} | {k} | {100 * k / (n - u):.1f}% | {u} |" if markdown else
                  f"  {path:<40} {k:>4}/{n - u:<4} {100 * k / (n - u):5.1f}%" + (f"  ({u} not tested)" if u else ""))
    survivors = sorted((m for m, s in statuses.items() if s not in KILLED and s != NOT_CHECKED),
                       key=lambda m: (module_file(m), m))
    if survivors:
        print(f"\n{len(survivors)} mutants not killed (file:line function [status]  - original  + mutant):")
    for mutant in survivors:
        line, removed, added = describe(folder, mutant)
        print(f"\n{module_file(mutant)}:{line} {function_name(mutant)} [{statuses[mutant]}]  {mutant}")
        for text in removed:
            print(f"    - {text}")
        for text in added:
            print(f"    + {text}")
    return score, survivors


def lock():
    WORK.mkdir(exist_ok=True)
    handle = open(WORK / ".lock", "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        sys.exit(f"another mutation run is in progress ({handle.read().strip() or 'pid unknown'}): one at a time "
                 f"on this machine")
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}: {' '.join(sys.argv)}")
    handle.flush()
    return handle


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", nargs="?", help=f"one of {', '.join(TARGETS)}")
    parser.add_argument("--list", action="store_true", help="list the targets")
    parser.add_argument("--max-children", type=int, default=2, help="parallel workers (default 2)")
    parser.add_argument("--survivors", action="store_true",
                        help="keep the last run and test again only its survivors (sources unchanged)")
    parser.add_argument("--sample", type=int, metavar="N",
                        help="test a random sample of N of the mutants not tested yet, keeping earlier results, "
                             "and estimate the whole score from it (when a full run takes too long)")
    parser.add_argument("--seed", type=int, default=0, help="the sample's seed (default 0)")
    parser.add_argument("--report", action="store_true", help="only print the last run's results")
    parser.add_argument("--markdown", action="store_true", help="the per-file table as Markdown (for the docs)")
    parser.add_argument("--fail-under", type=float, help="exit 1 when the score is below this percentage")
    args = parser.parse_args(argv)
    if args.list or not args.target:
        for name, target in TARGETS.items():
            print(f"{name:<9} {target.about}\n          mutates {' '.join(target.sources)}\n"
                  f"          tests   {' '.join(target.tests)} {' '.join(target.pytest_args)}")
        return 0
    if args.target not in TARGETS:
        parser.error(f"unknown target {args.target!r}; choose one of {', '.join(TARGETS)}")
    target = TARGETS[args.target]
    folder = WORK / args.target
    summary_path = folder / "summary.json"
    seconds = None
    if not args.report:
        held = lock()
        names = ()
        if args.survivors:
            if not summary_path.exists():
                sys.exit(f"no earlier run of {args.target}: run `python scripts/mutation.py {args.target}` first")
            last = json.loads(summary_path.read_text())
            if last["fingerprint"] != fingerprint(target):
                sys.exit(f"the sources of {args.target} changed since the last run: its mutants are stale; "
                         f"run `python scripts/mutation.py {args.target}` again (without --survivors)")
            names = tuple(last["survivors"])
            if not names:
                print("no survivors to test again")
                return 0
        folder = prepare(args.target, target, fresh=not (args.survivors or args.sample))
        if args.sample:
            sample = draw_sample(folder, target, args.sample, args.seed)
            (folder / "sample.json").write_text(json.dumps(list(sample)))
            again = not_killed(folder, target)          # the earlier survivors, tested again with today's tests
            names = sample + again
            print(f"a random sample of {len(sample)} untested mutants (seed {args.seed}), and the {len(again)} "
                  f"earlier survivors again", flush=True)
        elif not args.survivors:                         # a fresh full run: no estimate
            (folder / "sample.json").unlink(missing_ok=True)
        print(f"mutmut on {args.target}: {len(source_files(target))} files, tests {' '.join(target.tests)} "
              f"(at most {args.max_children} workers; log {folder / 'run.log'})", flush=True)
        seconds = run_mutmut(folder, args.max_children, names)
        held.close()
    elif not (folder / "mutants").exists():
        sys.exit(f"no earlier run of {args.target}")
    mutated = set(source_files(target))      # the files the globs of the target find
    statuses = {m: s for m, s in results(folder).items() if module_file(m) in mutated}
    sample = json.loads((folder / "sample.json").read_text()) if (folder / "sample.json").exists() else ()
    score, survivors = summarize(args.target, target, folder, statuses, seconds, args.markdown, sample)
    if not args.report or not summary_path.exists():      # --report after a run that stopped in its summary
        summary_path.write_text(json.dumps({"target": args.target, "fingerprint": fingerprint(target),
                                            "score": round(score, 2), "mutants": len(statuses),
                                            "survivors": survivors,
                                            "date": time.strftime("%Y-%m-%d")}, indent=1))
    if args.fail_under is not None and score < args.fail_under:
        print(f"\nscore {score:.1f}% is below --fail-under {args.fail_under:g}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

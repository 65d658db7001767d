"""The learner's code runs contained: its own session, time and memory limits, capped output on both streams
(writes straight to file descriptors 1 and 2 included), and nothing it started outlives the check. Hitting a
limit is one line naming it. Also: files that cannot be loaded, the command line, the in-process path."""
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

import pytest

from chainrule.check import check, check_implementation
from chainrule.check.sandbox import Limits, Sandbox
from chainrule.check.records import LoadRequest, Report, Request
from chainrule.cli.main import main
from chainrule.errors import ConfigError

FIXTURES = Path(__file__).parent / "fixtures"


def test_an_infinite_loop_is_stopped_by_the_probe_time_limit():
    start = time.perf_counter()
    result = check(FIXTURES / "hangs.py", probe_timeout=1.0, timeout=30)
    assert time.perf_counter() - start < 15
    assert not result.passed and "probe_time_limit" in result.diagnosis_keys
    assert result.limits == ["Time limit: a call into your code ran past 1 s (--probe-timeout) in backward, on "
                             "[2, 2, 1] network (seed 0), x = [1.0, 2.0], target = [1.0] (the guide's backward() test)"]
    assert result.first_failure.message == "did not finish within 1 s (stopped in backward)"


def test_the_whole_run_is_killed_at_its_time_limit():
    start = time.perf_counter()
    result = check(FIXTURES / "hangs.py", probe_timeout=30, timeout=5)
    assert time.perf_counter() - start < 15
    assert "time_limit" in result.diagnosis_keys
    assert result.limits[0].startswith("Time limit: the check was stopped after 5 s (--timeout) while running "
                                       "forward() and backward() on [2, 2, 1] network (seed 0)")
    assert result.check_named("backward").status == "FAIL"


def test_a_crash_ends_only_the_learners_process_and_its_printing_is_kept_apart():
    result = check(FIXTURES / "crashes.py")
    assert not result.passed and "process_ended" in result.diagnosis_keys
    assert result.limits[0].startswith("Process ended: the process running your code ended (exit code 3) while "
                                       "running forward() and backward() on [2, 2, 1] network (seed 0)")
    assert "about to crash" in result.first_failure.message
    for line in str(result).splitlines():
        if "forward called with" in line or "about to crash" in line:
            assert line.startswith("  | ") or "| about to crash" in line    # the learner's prints only quoted


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as handle:          # a zombie is dead, only not yet reaped
        return handle.read().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs Linux /proc")
def test_processes_the_learners_code_starts_do_not_outlive_the_check(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINRULE_TEST_PIDS", str(tmp_path))
    result = check(FIXTURES / "forks.py")
    started = sorted(p.name for p in tmp_path.iterdir())
    assert [name.split("-")[0] for name in started] == ["child", "daemon"]   # a child, and a setsid daemon
    assert not any(_alive(int(name.split("-")[1])) for name in started)
    assert result.check_named("backward").status == "PASS"


def test_output_on_both_streams_is_capped_with_one_line_saying_so():
    result = check(FIXTURES / "floods_output.py")                 # 40 MB to fd 2, 1 MB to fd 1
    assert result.limits == ["Output limit: your code wrote 1.0 MB to stdout; the first 64 KB are kept",
                             "Output limit: your code wrote 40.0 MB to stderr; the first 64 KB are kept"]
    assert len(result.printed) <= 2 * 64 * 1024
    assert max(len(line) for line in str(result).splitlines()) < 400
    assert result.passed


def test_a_memory_limit_refuses_what_is_too_large_and_says_so():
    result = check(FIXTURES / "eats_memory.py", memory_limit=512)  # backward() asks for 8 GB
    assert "memory_limit" in result.diagnosis_keys
    assert result.limits[0].startswith("Memory limit: your code ran out of memory (the check allows 512 MB, "
                                       "--memory-limit): MemoryError: Unable to allocate 8.00 GiB")
    assert "line 19" in result.limits[0]


def test_a_sandbox_serves_several_requests_and_leaves_nothing_behind():
    path = str((FIXTURES / "correct.py").resolve())
    with Sandbox(str(FIXTURES), Limits(seconds=30)) as box:
        reply = box.request(Request("load", load=LoadRequest(path)))
        assert [r.record.class_name for r in reply if isinstance(r, Report)] == ["Network"]
        pid = box.process.pid
    assert box.outcome.exit == "" and not _alive(pid)


def test_a_file_that_fails_on_import():
    result = check(FIXTURES / "import_error.py", whole_file=True)
    assert result.failed == ["load"]
    assert result.first_failure.message.startswith("ValueError: my file has a bug at the top level at line 18")
    result = check(FIXTURES / "import_error.py")    # the top-level raise is a script statement, skipped
    assert "initial weights" in result.failed
    assert "RuntimeError: not written yet" in result.first_failure.message


def test_no_network_class_is_a_usage_error():
    with pytest.raises(ConfigError, match="no class with forward\\(\\) and backward\\(\\).*Layer"):
        check(FIXTURES / "no_network.py")
    with pytest.raises(ConfigError, match="has no class 'Net'"):
        check(FIXTURES / "correct.py", class_name="Net")
    with pytest.raises(ConfigError, match="no such file"):
        check(FIXTURES / "missing.py")


def _load(name):
    spec = importlib.util.spec_from_file_location(f"learner_{name}", FIXTURES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_a_class_is_checked_through_its_file_or_in_process():
    module = _load("mistake_wrong_layer_above")
    by_file = check(module.Network)
    in_process = check_implementation(module.Network, in_process=True)
    assert by_file.diagnosis_keys == in_process.diagnosis_keys == ["wrong_layer_above"]
    assert [c.status for c in by_file.checks] == [c.status for c in in_process.checks]
    assert by_file.diagnoses[0].line == in_process.diagnoses[0].line == 53


def test_cli_exit_codes_report_json_and_the_catalogue(capsys):
    assert main(["check", str(FIXTURES / "correct.py")]) == 0
    assert "Verdict: passed every check that ran; not checked: batches." in capsys.readouterr().out
    assert main(["check", str(FIXTURES / "guide_section2.py")]) == 1
    out = capsys.readouterr().out
    assert "First failure: backward, [3, 4, 2] network (seed 99)" in out and "Diagnosis:" in out
    assert main(["check", "--json", str(FIXTURES / "mistake_batch_sum.py")]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "chainrule-check/1" and [d["kind"] for d in data["diagnoses"]] == ["batch_sum"]
    assert main(["check", "--list-mistakes"]) == 0
    listing = capsys.readouterr().out
    from chainrule.check.catalogue import CATALOGUE
    assert all(kind in listing for kind in CATALOGUE)
    assert main(["check", "--explain", "derivative_of_z"]) == 0     # one entry: its words, from the catalogue
    explained = capsys.readouterr().out
    entry = CATALOGUE["derivative_of_z"]
    assert explained.startswith("derivative_of_z (delta, shows in: backward)")
    assert "Fix:" in explained and entry.advice.split()[0] in explained
    assert main(["check", "--explain", "no_such_mistake"]) == 2
    assert "no mistake named 'no_such_mistake' in the catalogue; `chainrule check --list-mistakes` lists" in capsys.readouterr().err
    assert main(["check", str(FIXTURES / "no_network.py")]) == 2
    assert "no class with forward() and backward()" in capsys.readouterr().err
    assert main(["check", "--timeout", "0", str(FIXTURES / "correct.py")]) == 2
    assert "--timeout must be > 0, got 0.0" in capsys.readouterr().err


def test_the_module_is_callable_as_chainrule_check():
    import chainrule.check

    result = chainrule.check(FIXTURES / "mistake_no_shuffle.py")
    assert result.diagnosis_keys == ["no_shuffle"]
    assert chainrule.check.check is chainrule.check.check_implementation


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="needs Linux pidfd_open")
def test_if_chainrule_itself_dies_the_learners_processes_go_too(tmp_path):
    """A process that opened a sandbox (a lab session, here) and died without closing it: the supervisor sees
    its pipe close and kills everything the learner's code started."""
    import select
    import subprocess

    script = (f"import os, sys\nfrom chainrule.check.lab import LearnerSession\n"
              f"s = LearnerSession({str(FIXTURES / 'forks.py')!r})\n"
              f"print(s.box.process.pid, flush=True)\n"
              f"s.run([2, 2, 1], [[[0.1, 0.3], [0.2, 0.4]], [[0.5, 0.6]]], [[0.0, 0.0], [0.0]], [1.0, 2.0], [1.0])\n"
              f"os._exit(0)\n")
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, CHAINRULE_TEST_PIDS=str(tmp_path)))
    supervisor = int(child.stdout.split()[0])
    try:
        fd = os.pidfd_open(supervisor)
    except ProcessLookupError:
        fd = None
    if fd is not None:                      # wait (up to 10 s) for the supervisor to finish its clean-up
        select.select([fd], [], [], 10)
        os.close(fd)
    started = [int(p.name.split("-")[1]) for p in tmp_path.iterdir()]
    assert len(started) == 2 and not any(_alive(pid) for pid in started)

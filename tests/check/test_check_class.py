"""A whole class checked at once: a folder of learners' files (right, two with the same mistake, another
mistake, a crash, a hang, a fork bomb of daemons, a flood of output, no class at all), each in its own
sandbox, in parallel. Each file gets its own right row, the counts add up, the gradebook files are stable,
and nothing a learner's file started outlives the check. One class run serves every assertion."""
import csv
import io
import json
import multiprocessing
import os
import shutil
from pathlib import Path

import pytest

from chainrule.check import CheckResult
from chainrule.check import classroom
from chainrule.check.class_report import format_class, learner_report, write_learner_reports
from chainrule.check.classroom import COLUMNS, SCHEMA, check_class
from chainrule.cli.main import main
from test_check_sandbox import _alive

FIXTURES = Path(__file__).parent / "fixtures"
CLASS = {"ada.py": "correct.py", "alan.py": "mistake_dropped_mean.py", "edsger.py": "mistake_dropped_mean.py",
         "grace.py": "mistake_derivative_of_z_in_hidden.py", "ken.py": "crashes.py", "barbara.py": "hangs.py",
         "linus.py": "forks.py", "margaret.py": "floods_output.py", "donald.py": "no_network.py"}
STATUS = {"ada.py": "passed", "alan.py": "failed", "edsger.py": "failed", "grace.py": "failed", "ken.py": "crashed",
          "barbara.py": "timed out", "linus.py": "passed", "margaret.py": "passed", "donald.py": "no class"}
LIMITS = dict(probe_timeout=1.0, timeout=20.0)       # the hanging file is stopped after 1 s


def make_class(folder, names=CLASS):
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(FIXTURES / CLASS[name], folder / name)
    return folder


@pytest.fixture(scope="module")
def pids(tmp_path_factory):
    return tmp_path_factory.mktemp("pids")


@pytest.fixture(scope="module")
def checked(tmp_path_factory, pids):
    folder = make_class(tmp_path_factory.mktemp("class") / "lab3")
    os.environ["CHAINRULE_TEST_PIDS"] = str(pids)         # forks.py writes its children's pids here
    try:
        done = []
        checked = check_class([str(folder)], jobs=2, progress=lambda n, total, s: done.append((n, total, s.file)),
                              **LIMITS)
        assert sorted(f for _, _, f in done) == sorted(CLASS) and [n for n, _, _ in done] == list(range(1, 10))
        return checked
    finally:
        del os.environ["CHAINRULE_TEST_PIDS"]


def row(checked, name):
    return next(s for s in checked.submissions if s.file == name)


def test_each_file_gets_its_own_row(checked):
    assert [s.file for s in checked.submissions] == sorted(CLASS)
    assert {s.file: s.status for s in checked.submissions} == STATUS
    assert row(checked, "alan.py").mistakes == ["dropped_mean"] and row(checked, "alan.py").first_failure == "backward"
    assert row(checked, "grace.py").mistakes == ["derivative_of_z_in_hidden"]
    assert row(checked, "ken.py").limits == ["process_ended"] and row(checked, "ken.py").first_failure == "backward"
    assert row(checked, "barbara.py").limits == ["probe_time_limit"]
    assert row(checked, "margaret.py").limits == ["output_limit"]
    assert "no class with forward() and backward()" in row(checked, "donald.py").error
    assert row(checked, "donald.py").result is None
    for s in checked.submissions:          # every file's report names the file as the teacher knows it
        assert s.result is None or s.result.path == s.file


def test_the_counts_and_what_to_reteach(checked):
    assert checked.counts() == {"passed": 3, "failed": 3, "crashed": 1, "timed out": 1, "out of memory": 0,
                                "not loaded": 0, "no class": 1, "error": 0}
    assert not checked.passed and checked.exit_code == 1 and checked.jobs == 2
    mistakes = checked.mistakes()
    assert [(m.kind, m.files) for m in mistakes] == [("dropped_mean", ("alan.py", "edsger.py")),
                                                     ("derivative_of_z_in_hidden", ("grace.py",))]
    assert [s.file for s in checked.not_checked()] == ["barbara.py", "donald.py", "ken.py"]


def test_no_file_disturbs_another(checked, pids):
    started = sorted(p.name for p in pids.iterdir())
    assert [name.split("-")[0] for name in started] == ["child", "daemon"]     # forks.py did start them...
    assert not any(_alive(int(name.split("-")[1])) for name in started)       # ...and none outlived the check
    assert multiprocessing.active_children() == []                            # nor did the worker processes
    for s in checked.submissions:          # the flood stays in margaret's report, capped
        if s.result is not None and s.file != "margaret.py":
            assert "xxxxxxxx" not in s.result.printed
    assert len(row(checked, "margaret.py").result.printed) <= 2 * 64 * 1024


def test_the_console_summary(checked):
    text = format_class(checked)
    assert text.startswith(f"chainrule check {checked.checked}: 9 files, 2 at a time, ")
    assert "Passed: 3 of 9\nFailed: 3 (the code ran and a check failed)\n" in text
    assert ("Not checked fully: 3: crashed 1 (ken.py); timed out 1 (barbara.py); no class 1 (donald.py)") in text
    lines = text.splitlines()
    first = lines.index("Mistakes, most common first (what to re-teach):")
    assert lines[first + 1].split()[:2] == ["2", "dropped_mean"]
    assert lines[first + 2].strip() == "in: alan.py, edsger.py"
    assert next(line for line in lines if line.strip().startswith("barbara.py")).split()[1:3] == ["timed", "out"]
    assert lines[-1] == "Verdict: 6 of 9 did not pass (3 not checked fully)."


def test_the_gradebook_csv_and_json(checked):
    rows = list(csv.DictReader(io.StringIO(checked.to_csv())))
    assert tuple(rows[0]) == COLUMNS == ("file", "status", "class_name", "first_failure", "failed_checks",
                                         "not_checked", "mistakes", "warnings", "line", "limits", "seconds",
                                         "error")
    by_file = {r["file"]: r for r in rows}
    assert by_file["alan.py"]["mistakes"] == "dropped_mean" and by_file["alan.py"]["line"] == "40"
    assert by_file["alan.py"]["failed_checks"].split("; ")[:2] == ["backward", "gradient check"]
    assert by_file["ken.py"]["not_checked"].split("; ")[:2] == ["mse_loss", "forward"]     # the crash came first
    assert by_file["ada.py"]["status"] == "passed" and by_file["ada.py"]["not_checked"] == "batches"
    assert by_file["donald.py"]["class_name"] == "" and by_file["donald.py"]["error"].startswith("donald.py has no")
    data = json.loads(json.dumps(checked.to_dict(), allow_nan=False))
    assert data["schema"] == SCHEMA == "chainrule-check-class/1" and data["submissions"] == 9
    assert data["counts"]["passed"] == 3 and data["exit_code"] == 1
    assert data["mistakes"][0] == {"kind": "dropped_mean", "title": data["mistakes"][0]["title"],
                                   "severity": "error", "count": 2, "files": ["alan.py", "edsger.py"]}
    alan = next(r for r in data["rows"] if r["file"] == "alan.py")
    assert alan["mistakes"] == ["dropped_mean"] and alan["line"] == 40
    assert CheckResult.from_dict(alan["result"]).diagnosis_keys == ["dropped_mean"]
    assert next(r for r in data["rows"] if r["file"] == "donald.py")["result"] is None


# --- hint levels: each shows exactly what it promises ---

def test_each_hint_level_shows_exactly_what_it_promises(checked):
    alan = row(checked, "alan.py")
    finding = alan.result.diagnoses[0]
    name, where, fix, why = f"[{finding.kind}]", f"line {finding.line}", finding.advice[:40], finding.cause[:40]
    level1, level2, level3 = (learner_report(alan, hints=n) for n in (1, 2, 3))
    # 1: which check fails and on what input; no mistake, no line, no cause, no fix
    assert "FAIL  backward" in level1 and "First failure: backward, [3, 4, 2] network (seed 99)" in level1
    assert all(text not in level1 for text in (name, where, fix, why, finding.title, "Diagnosis:"))
    assert "1 finding(s) withheld at this hint level." in level1
    # 2: also the named mistake and where in the file; still no cause, no fix
    assert name in level2 and f"Where:  {where}: " in level2 and "First failure: backward" in level2
    assert all(text not in level2 for text in (fix, why, "Why:", "Fix:", "Reread:"))
    # 3: also the explanation and the fix
    assert all(text in level3 for text in (name, where, "Why:", why, "Fix:", fix))


def test_a_learners_report_never_says_all_passed_over_what_was_not_checked(checked):
    linus = row(checked, "linus.py")          # right, but no mse_loss, train_step or train_epoch to check
    report = learner_report(linus, hints=1)
    assert "all checks passed" not in report
    assert "Verdict: passed every check that ran; not checked: mse_loss, batches, train_step, training run, " \
           "train_epoch, shuffling." in report
    assert "  train_step: your class has no train_step." in report
    assert "  mse_loss: your file has no mse_loss." in report
    assert "  batches: skipped (its line above says why)." in report
    ken = row(checked, "ken.py").result.not_checked          # a crash: what came after it did not run
    assert ken[0] == ("mse_loss", "not run: your code's process ended before it (the limit is named above)")
    donald = learner_report(row(checked, "donald.py"), hints=1)
    assert donald.endswith("Verdict: NOT CHECKED (no class): none of the checks ran on your file.")


def test_the_result_knows_every_check_of_the_table():
    from chainrule.check.judges import CHECKS
    from chainrule.check.result import ALL_CHECKS, NEEDS
    assert ALL_CHECKS == tuple(name for name, _, _ in CHECKS) and set(NEEDS) <= set(ALL_CHECKS)


def test_learner_reports_one_file_each_at_the_hint_level(checked, tmp_path):
    paths = write_learner_reports(checked, tmp_path / "reports", hints=2)
    assert sorted(os.path.basename(p) for p in paths) == sorted(f"{Path(n).stem}.txt" for n in CLASS)
    text = (tmp_path / "reports" / "alan.txt").read_text()
    assert "[dropped_mean]" in text and "Fix:" not in text


# --- the command line ---

def test_cli_class_check_writes_everything_and_its_exit_code(tmp_path, capsys):
    folder = make_class(tmp_path / "lab", ["ada.py", "alan.py"])
    out = tmp_path / "out"
    argv = ["check", str(folder), "--html", str(out / "class.html"), "--csv", str(out / "grades.csv"), "--json",
            str(out / "grades.json"), "--learner-reports", str(out / "reports"), "--hints", "1"]
    assert main(argv) == 1
    printed = capsys.readouterr().out
    assert "Passed: 1 of 2" in printed and f"Wrote {out / 'grades.csv'}: one row per file" in printed
    assert (out / "class.html").read_text().startswith("<!DOCTYPE html>")
    assert json.loads((out / "grades.json").read_text())["schema"] == "chainrule-check-class/1"
    assert [r["file"] for r in csv.DictReader(open(out / "grades.csv"))] == ["ada.py", "alan.py"]
    assert "[dropped_mean]" not in (out / "reports" / "alan.txt").read_text()     # hint level 1
    assert sorted(os.listdir(out)) == ["class.html", "grades.csv", "grades.json", "reports"]   # no temporary left
    assert main(["check", str(folder / "ada.py"), str(FIXTURES / "correct.py"), "--jobs", "1"]) == 0   # files
    assert "Verdict: all passed." in capsys.readouterr().out
    assert main(["check", str(folder), "--json"]) == 1                      # the class JSON on stdout
    assert json.loads(capsys.readouterr().out)["counts"]["passed"] == 1


def test_cli_single_file_hint_levels(capsys):
    assert main(["check", str(FIXTURES / "mistake_dropped_mean.py"), "--hints", "1"]) == 1
    level1 = capsys.readouterr().out
    assert "First failure: backward" in level1 and "[dropped_mean]" not in level1 and "Fix:" not in level1
    assert main(["check", str(FIXTURES / "mistake_dropped_mean.py"), "--hints", "2"]) == 1
    level2 = capsys.readouterr().out
    assert "[dropped_mean]" in level2 and "Where:  line 40" in level2 and "Fix:" not in level2
    assert main(["check", str(FIXTURES / "mistake_dropped_mean.py"), "--hints", "1", "--json"]) == 2
    assert "--json prints the whole result" in capsys.readouterr().err


@pytest.mark.parametrize("argv, words", [
    (["--hints", "2"], "add --learner-reports DIR"),
    (["--show-output"], "--show-output is for one file's report"),
    (["--jobs", "0"], "--jobs must be > 0"),
])
def test_cli_class_usage_errors(tmp_path, capsys, argv, words):
    folder = make_class(tmp_path / "lab", ["ada.py"])
    assert main(["check", str(folder)] + argv) == 2
    assert words in capsys.readouterr().err


def test_cli_bad_paths(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["check", str(tmp_path / "empty")]) == 2
    assert "no .py files in the folder" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "missing"), str(FIXTURES / "correct.py")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["check", str(FIXTURES / "correct.py"), "--hints", "4"])
    folder = make_class(tmp_path / "lab", ["ada.py"])
    assert main(["check", str(folder), "--html", str(tmp_path)]) == 2        # a folder is not an output file
    assert "not a regular file" in capsys.readouterr().err


def test_which_files_are_a_class(tmp_path):
    folder = make_class(tmp_path / "lab", ["ada.py", "alan.py"])
    (folder / ".hidden.py").write_text("")
    (folder / "notes.txt").write_text("")
    (folder / "sub").mkdir()
    (folder / "sub" / "deeper.py").write_text("")
    assert classroom.submission_files(str(folder)) == [(str(folder / "ada.py"), "ada.py"),
                                                       (str(folder / "alan.py"), "alan.py")]
    both = classroom.submission_files([str(folder), str(folder / "ada.py"), str(FIXTURES / "correct.py")])
    assert [shown for _, shown in both] == [str(folder / "ada.py"), str(folder / "alan.py"),
                                            str(FIXTURES / "correct.py")]     # each file once, named in full


def test_a_file_that_does_not_load_and_one_out_of_memory(tmp_path):
    shutil.copy(FIXTURES / "import_error.py", tmp_path / "raises.py")       # raises at the top level
    shutil.copy(FIXTURES / "eats_memory.py", tmp_path / "greedy.py")        # backward() asks for 8 GB
    checked = check_class([str(tmp_path)], jobs=1, whole_file=True, memory_limit=512)
    assert [(s.file, s.status) for s in checked.submissions] == [("greedy.py", "out of memory"),
                                                                ("raises.py", "not loaded")]
    assert checked.submissions[1].first_failure == "load" and checked.submissions[0].limits == ["memory_limit"]
    assert "Not checked fully: 2: out of memory 1 (greedy.py); not loaded 1 (raises.py)" in format_class(checked)


def test_a_failure_of_chainrule_itself_is_that_files_row(tmp_path, monkeypatch):
    folder = make_class(tmp_path / "lab", ["ada.py", "alan.py"])
    real = classroom.check

    def fragile(path, **options):
        if path.endswith("alan.py"):
            raise IndexError("list index out of range")
        return real(path, **options)

    monkeypatch.setattr(classroom, "check", fragile)
    seen = []
    checked = check_class([str(folder)], jobs=1, progress=lambda done, total, s: seen.append((done, total, s.file)))
    assert [(s.file, s.status) for s in checked.submissions] == [("ada.py", "passed"), ("alan.py", "error")]
    assert seen == [(1, 2, "ada.py"), (2, 2, "alan.py")]
    assert checked.submissions[1].error == ("chainrule's own code failed on this file (IndexError: list index out "
                                            "of range)")

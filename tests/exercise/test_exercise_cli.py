"""``chainrule exercise trace`` and ``chainrule exercise mark`` as a learner and a teacher use them: what they
print, the files they write, exit code 0 when all is right, 1 otherwise, 2 (one line) on bad input."""
import csv
import json

import pytest

from chainrule.cli.main import main
from chainrule.exercise import make_variant, template
from exercise_learner import answer_text, hand_trace

ADA = make_variant("Ada Lovelace", "ml101")


def run(capsys, *args):
    code = main(["exercise", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_trace_prints_the_task_and_the_template(capsys):
    code, out, err = run(capsys, "trace", "--student", "Ada Lovelace", "--course", "ml101")
    assert code == 0 and err == ""
    assert out.startswith("Exercise 2.1: trace backpropagation by hand, for Ada Lovelace\n")
    assert "  W1 = [[0.7 0.7] [0.8 0.6]]   b1 = [-0.09  0.04]\n" in out
    assert "  x = [-1.9  1.2]   target = [0.]   learning rate 0.5\n" in out
    assert "  delta2         = dL/da2 * da2/dz2\n" in out and "  W1_new         = W1 - lr * dL/dW1\n" in out
    assert "chainrule exercise mark answers.txt --student 'Ada Lovelace' --course SEED" in out
    assert "ml101" not in out                      # what learners read never shows the course seed
    assert out.endswith(template(ADA))
    assert "0.2219" not in out                     # the task gives no answer away (z2 is 0.2219)


def test_trace_writes_the_template_and_the_teacher_gets_the_solution(tmp_path, capsys):
    path = tmp_path / "answers.txt"
    code, out, _ = run(capsys, "trace", "--student", "Ada Lovelace", "--course", "ml101", "--template", str(path))
    assert code == 0 and path.read_text() == template(ADA)
    assert out.rstrip().endswith(f"Wrote the answer file {path}: fill it in, then mark it.")
    code, out, _ = run(capsys, "trace", "--student", "Ada Lovelace", "--course", "ml101", "--solution")
    assert code == 0 and "  z2         = W2 @ a1 + b2          = [0.2219]" in out
    assert "z2 = [0.2219]\n" in out                 # the filled answer file
    code, out, _ = run(capsys, "trace", "--guide")
    assert code == 0 and "for the guide's numbers (x = [0.5, 1.5], target 0)" in out
    assert "  W1 = [[0.1 0.3] [0.2 0.4]]   b1 = [0.01 0.02]" in out


def test_mark_exit_codes(tmp_path, capsys):
    right = tmp_path / "right.txt"
    right.write_text(answer_text(hand_trace(ADA), student="Ada Lovelace"))
    code, out, _ = run(capsys, "mark", str(right), "--course", "ml101")       # the name from the file
    assert code == 0 and "PASSED: 21 of 21 values right" in out
    slip = tmp_path / "slip.txt"
    slip.write_text(answer_text(hand_trace(ADA, {"a2": lambda a: a + 0.1})))
    code, out, _ = run(capsys, "mark", str(slip), "--student", "Ada Lovelace", "--course", "ml101")
    assert code == 1 and "First wrong value: a2 (line 4)" in out and "NOT YET" in out
    code, _, err = run(capsys, "mark", str(slip), "--course", "ml101")
    assert code == 2 and err == (f"chainrule exercise: error: whose answers are in {slip}? Give --student NAME "
                                 "(or --guide), or keep the template's 'student = NAME' line\n")


@pytest.mark.parametrize("content, message", [
    ("z1 = [0.51\n", "line 1: z1: '[' never closed"),
    ("z1 = 1\nfoo = 2\n", "line 1: z1 is 2 numbers, got 1 number: 1; line 2: unknown name 'foo'"),
    ("student = Bo Chen\n", "line 1: this file says student = Bo Chen, but it is being marked for Ada Lovelace"),
])
def test_mark_refuses_a_bad_file_in_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "answers.txt"
    path.write_text(content)
    code, out, err = run(capsys, "mark", str(path), "--student", "Ada Lovelace", "--course", "ml101")
    assert code == 2 and out == ""
    assert err.startswith(f"chainrule exercise: error: {path}: {message}") and err.count("\n") == 1


def test_mark_a_folder_with_its_gradebook(tmp_path, capsys):
    folder = tmp_path / "answers"
    folder.mkdir()
    for name, slips in (("Ada Lovelace", {}), ("Bo Chen", {"z1": lambda z: z * 2})):
        variant = make_variant(name, "ml101")
        (folder / f"{name.replace(' ', '_').lower()}.txt").write_text(answer_text(hand_trace(variant, slips)))
    out_csv, out_json = tmp_path / "marks.csv", tmp_path / "marks.json"
    code, out, _ = run(capsys, "mark", str(folder), "--course", "ml101", "--csv", str(out_csv), "--json", str(out_json))
    assert code == 1 and "Fully right: 1 of 2." in out
    assert [r["status"] for r in csv.DictReader(out_csv.open())] == ["passed", "failed"]
    assert json.loads(out_json.read_text())["rows"][1]["first_wrong"] == "z1"
    (folder / "bo_chen.txt").write_text(answer_text(hand_trace(make_variant("Bo Chen", "ml101"))))
    code, out, _ = run(capsys, "mark", str(folder), "--course", "ml101")
    assert code == 0 and "Fully right: 2 of 2." in out


def test_mark_options_that_do_not_fit(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("z1 =\n")
    code, _, err = run(capsys, "mark", str(tmp_path), "--student", "Ada")
    assert code == 2 and "--student names one learner" in err
    code, _, err = run(capsys, "mark", str(tmp_path / "a.txt"), "--student", "Ada", "--roster", "r.csv")
    assert code == 2 and "--roster is for a folder" in err
    code, _, err = run(capsys, "mark", str(tmp_path / "a.txt"), "--student", "Ada", "--csv", str(tmp_path))
    assert code == 2 and "folder" in err and err.count("\n") == 1
    code, _, err = run(capsys, "mark", str(tmp_path / "missing.txt"), "--student", "Ada")
    assert code == 2 and "missing.txt: cannot read it: No such file or directory" in err
    with pytest.raises(SystemExit) as caught:
        main(["exercise", "trace", "--student", "Ada", "--guide"])
    assert caught.value.code == 2

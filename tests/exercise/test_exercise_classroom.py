"""A teacher marks a folder: one row per learner (or per file), the class summary (how many fully right, where
learners first went wrong, step by step), and the gradebook as CSV and JSON with its documented columns."""
import csv
import io
import json
import re

import numpy as np
import pytest

from chainrule.errors import DataError
from chainrule.exercise import make_variant, mark_folder, read_roster
from chainrule.exercise.answers import quantities
from chainrule.exercise.classroom import SUMMARY_COLUMNS, csv_columns
from chainrule.exercise.text import format_class
from exercise_learner import answer_text, hand_trace

COURSE = "ml101"
#: file name -> (learner, their slips, values they left out)
CLASS = {
    "ada_lovelace.txt": ("Ada Lovelace", {}, ()),
    "bo_chen.txt": ("Bo Chen", {"z2": lambda z: z + 0.05}, ()),
    "Chidi Okafor.txt": ("Chidi Okafor", {"dL/da1": lambda d: d[::-1]}, ()),
    "dana-muller.txt": ("Dana Muller", {"delta2": lambda d: -d, "W1_new": lambda w: w + 0.01}, ()),
    "emile_nakamura.txt": ("Emile Nakamura", {}, ("loss",)),
    "fatima_zahra.txt": ("Fatima Zahra", {"a1": lambda a: a + 0.02}, ()),
}


@pytest.fixture
def folder(tmp_path):
    for file, (student, slips, left_out) in CLASS.items():
        values = hand_trace(make_variant(student, COURSE), slips, write_slopes=False)
        for name in left_out:
            del values[name]
        (tmp_path / file).write_text(answer_text(values, student=student), encoding="utf-8")
    (tmp_path / "grace.txt").write_text("student = Grace\nz1 = [0.51 0.72\na1 = 0,5 0,6\n")
    (tmp_path / "notes.md").write_text("not an answer file")
    (tmp_path / ".hidden.txt").write_text("z1 = 1")
    (tmp_path / "sub").mkdir()
    return tmp_path


def rows(result):
    return {row["file"]: row for row in result.to_rows()}


def test_a_folder_is_marked_file_by_file(folder):
    result = mark_folder(folder, COURSE)
    r = rows(result)
    assert list(r) == ["Chidi Okafor.txt", "ada_lovelace.txt", "bo_chen.txt", "dana-muller.txt",
                       "emile_nakamura.txt", "fatima_zahra.txt", "grace.txt"]
    assert {f: row["status"] for f, row in r.items()} == {
        "Chidi Okafor.txt": "failed", "ada_lovelace.txt": "passed", "bo_chen.txt": "failed",
        "dana-muller.txt": "failed", "emile_nakamura.txt": "failed", "fatima_zahra.txt": "failed",
        "grace.txt": "unreadable"}
    assert {f: row["first_wrong"] for f, row in r.items()} == {
        "Chidi Okafor.txt": "dL/da1", "ada_lovelace.txt": "", "bo_chen.txt": "z2", "dana-muller.txt": "delta2",
        "emile_nakamura.txt": "", "fatima_zahra.txt": "a1", "grace.txt": ""}
    assert r["dana-muller.txt"]["new_errors"] == "W1_new"
    assert (r["emile_nakamura.txt"]["missing"], r["emile_nakamura.txt"]["loss"]) == (1, "missing")
    assert r["ada_lovelace.txt"]["student"] == "Ada Lovelace" and r["dana-muller.txt"]["student"] == "Dana Muller"
    assert r["grace.txt"]["error"].startswith("line 2: z1: '[' not closed before line 3; line 3: a1 = 0,5 0,6")
    assert result.fully_right == 1 and not result.passed


def test_the_class_summary_says_what_to_re_teach(folder):
    result = mark_folder(folder, COURSE)
    by_step = {step: (count, values) for step, count, values in result.first_wrong_by_step()}
    assert by_step == {"forward": (2, {"z2": 1, "a1": 1}), "loss": (0, {}), "backward2": (1, {"delta2": 1}),
                       "backward1": (1, {"dL/da1": 1}), "update": (0, {}), "result": (0, {})}
    assert result.new_errors_by_value() == {"W1_new": 1}
    text = format_class(result)
    assert "Fully right: 1 of 7 (1 not marked, below)." in text
    assert "  Step 1: forward pass: every z and a" in text and "   2   a1 1, z2 1" in text
    assert "New errors after the first (independent mistakes): W1_new 1" in text
    assert "grace.txt: line 2: z1: '[' not closed" in text


def test_the_gradebook_as_csv_and_json(folder):
    result = mark_folder(folder, COURSE)
    table = list(csv.DictReader(io.StringIO(result.to_csv())))
    assert tuple(table[0]) == csv_columns() == SUMMARY_COLUMNS + tuple(q.name for q in quantities())
    assert csv_columns()[:12] == ("student", "file", "status", "right", "carried", "wrong", "missing", "total",
                                  "first_wrong", "first_wrong_step", "new_errors", "error")
    bo = next(row for row in table if row["file"] == "bo_chen.txt")
    assert (bo["right"], bo["carried"], bo["wrong"], bo["total"], bo["z2"], bo["a2"], bo["da2/dz2"]) == (
        "2", "16", "1", "19", "wrong", "carried", "skipped")
    record = json.loads(json.dumps(result.to_dict()))
    assert (record["format"], record["version"], record["submissions"], record["marked"], record["fully_right"]) == (
        "chainrule exercise marks", 1, 7, 6, 1)
    assert record["first_wrong_by_step"]["forward"] == {"count": 2, "values": {"z2": 1, "a1": 1}}
    grace = next(row for row in record["rows"] if row["file"] == "grace.txt")
    assert (grace["status"], grace["right"], grace["first_wrong"], grace["values"]) == ("unreadable", None, None, [])
    dana = next(row for row in record["rows"] if row["file"] == "dana-muller.txt")
    assert dana["new_errors"] == ["W1_new"] and dana["first_wrong_step"] == "backward2"
    delta2 = next(v for v in dana["values"] if v["name"] == "delta2")
    assert delta2["status"] == "wrong" and delta2["yours"] == (-np.asarray(delta2["expected"])).round(4).tolist()


def test_a_roster_names_the_learners(folder):
    (folder / "roster.csv").write_text(
        "\ufeffStudent;File;email\n"                           # Excel's BOM and semicolons
        "Ada Lovelace;;ada@example.org\n"                      # file found by name: ada_lovelace.txt
        "Bo Chen;bo_chen.txt;\n"
        "Grace Hopper;;\n"                                     # no file
        "Emile Nakamura;emile_nakamura.txt;\n"
        "\n"
        "Ines Lopez;fatima_zahra.txt;\n"                       # Fatima's file given to Ines: not her answers
        "Jun Park;ada_lovelace.txt\n", encoding="utf-8")       # a file already Ada Lovelace's (by her name)
    result = mark_folder(folder, COURSE, folder / "roster.csv")
    r = [(row["student"], row["file"], row["status"]) for row in result.to_rows()]
    assert r == [("Ada Lovelace", "ada_lovelace.txt", "passed"), ("Bo Chen", "bo_chen.txt", "failed"),
                 ("Grace Hopper", "", "no file"), ("Emile Nakamura", "emile_nakamura.txt", "failed"),
                 ("Ines Lopez", "fatima_zahra.txt", "mismatch"), ("Jun Park", "ada_lovelace.txt", "no file"),
                 ("", "Chidi Okafor.txt", "not on roster"), ("", "dana-muller.txt", "not on roster"),
                 ("", "grace.txt", "not on roster")]
    ines = result.submissions[4]
    assert ines.error == ("line 1: this file says student = Fatima Zahra, but it is being marked for Ines Lopez "
                          "(another learner's file, or the wrong --student?)")


@pytest.mark.parametrize("text, message", [
    ("", "is empty"),
    ("name_of_student,file\nAda,\n", "needs a 'student' column; its header is name_of_student, file"),
    ("student\nAda\n ada \n", "line 3: ada is listed twice (first on line 2)"),
    ("student,file\nAda,a.txt\nBo,a.txt\n", "line 3: file a.txt is listed twice (first on line 2)"),
    ("student,file\n,a.txt\n", "line 2: no student name"),
])
def test_a_bad_roster_is_refused_with_its_line(tmp_path, text, message):
    (tmp_path / "roster.csv").write_text(text)
    with pytest.raises(DataError, match=re.escape(message)):
        read_roster(tmp_path / "roster.csv")


def test_a_folder_that_is_not_one(tmp_path):
    (tmp_path / "a.txt").write_text("z1 = 1 2")
    with pytest.raises(DataError, match="is not a folder"):
        mark_folder(tmp_path / "a.txt")
    with pytest.raises(DataError, match="cannot read folder"):
        mark_folder(tmp_path / "missing")
    empty = mark_folder(tmp_path / ".." / tmp_path.name / "..", COURSE)     # a folder without answer files
    assert not empty.passed

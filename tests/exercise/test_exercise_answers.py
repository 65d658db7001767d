"""Answer files: forgiving in what they read, strict in what they report (every bad line named, never skipped)."""
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule.errors import ChainruleError, DataError
from chainrule.exercise import AnswerFileError, parse_answers, read_answers
from chainrule.exercise.answers import MAX_ANSWER_BYTES, parse_value


def values(text):
    return {name: answer.value.tolist() if answer.value is not None else None
            for name, answer in parse_answers(text).values.items()}


@pytest.mark.parametrize("written", [
    "[0.51 0.72]", "[0.51, 0.72]", "0.51 0.72", "0.51, 0.72", "0.51,0.72", "[ 0.51  0.72 ]", "[[0.51 0.72]]",
    "array([0.51, 0.72])", "np.array([0.51, 0.72], dtype=float64)", "(0.51 0.72)".replace("(", "[").replace(")", "]"),
    "０.５１ ０.７２",                      # fullwidth digits
    "5.1e-1 7.2E-1", ".51 .72",
])
def test_one_value_written_many_ways(written):
    assert values(f"z1 = {written}") == {"z1": [0.51, 0.72]}


def test_minus_signs_matrices_and_names_as_the_guides_code_spells_them():
    text = """
    dL_dW1 = [[−0.0173 0.052 ]
     [0.0196 –0.0587]]          # a Unicode minus and an en dash
    dl/dw2 : -0.185, 0.1991     # lower case, ':' and a flat (1, 2) matrix
    DELTA1 = [0.0347; 0.0391]   # ';' starts a row; a (2,) value takes it
    dL/dz2 = 0.296              # dL/dz2 is delta2, and a (1,) value may drop its brackets
    new W1 = 0.1 0.2 0.3 0.4    # a 2 x 2 matrix row by row
    b1 new = [0.1 0.2]
    loss = [0.4601]
    da1_dz1 = [0.2344
               0.2202]          # a continuation line without brackets
    """
    assert values(text) == {
        "dL/dW1": [[-0.0173, 0.052], [0.0196, -0.0587]], "dL/dW2": [[-0.185, 0.1991]],
        "delta1": [0.0347, 0.0391], "delta2": [0.296], "W1_new": [[0.1, 0.2], [0.3, 0.4]], "b1_new": [0.1, 0.2],
        "loss": 0.4601, "da1/dz1": [0.2344, 0.2202]}


def test_empty_values_headings_comments_and_the_guides_own_printout():
    text = """# my answers
    === Forward Pass ===
    Step 1: forward pass
    z1 =
    a1 = ?
    --- layer 2 ---
    W2: [[0.5 0.6]] -> [[0.4075 0.5004]]
    W1:
    [[0.1 0.3]
     [0.2 0.4]]
    ->
    [[0.0913 0.274 ]
     [0.1902 0.3707]]
    Prediction: 0.6783
    """
    answers = parse_answers(text)
    assert values(text) == {"z1": None, "a1": None, "W2_new": [[0.4075, 0.5004]],
                            "W1_new": [[0.0913, 0.274], [0.1902, 0.3707]], "a2": [0.6783]}
    assert answers.values["W1_new"].line == 8
    assert answers.given["W2"].value.tolist() == [[0.5, 0.6]]      # checked against the variant when marking


def test_who_the_file_is_for():
    answers = parse_answers("student =   Ada   Lovelace\nvariant = 4d034a2e\nx = [-1.9, 1.2]\n")
    assert (answers.student, answers.variant, answers.lines) == ("Ada Lovelace", "4d034a2e",
                                                                 {"student": 1, "variant": 2})
    assert answers.given["x"].value.tolist() == [-1.9, 1.2]


BAD = [
    ("z1 = [0.51 0.72\na1 = [0.6 0.7]\n", 1, "'[' not closed before line 2"),
    ("z1 = [0.51 0.72\n", 1, "'[' never closed"),
    ("z1 = 0.51]\n", 1, "a ']' closes no '['"),
    ("a1 = 0,6248 0,6726\n", 1, "decimal commas"),
    ("zz = 3\n", 1, "unknown name 'zz'; the names are z1, a1"),
    ("dL/dW3 = 3\n", 1, "unknown name 'dL/dW3' (did you mean dL/dW2"),
    ("z2 = 1 2\n", 1, "z2 is 1 number, got 2 numbers"),
    ("dL/dW1 = [0.1 0.2 0.3]\n", 1, "dL/dW1 is a 2 x 2 matrix (4 numbers), got 3 numbers"),
    ("dL/dW1 = [[0.1 0.2] [0.3]]\n", 1, "rows have different lengths"),
    ("a2 = 0.5*2\n", 1, "write the number, not the expression"),
    ("a2 = sigmoid(0.746)\n", 1, "cannot read"),
    ("dL/da2 = nan\n", 1, "cannot read 'nan' as a number"),
    ("dL/da2 = 1e999\n", 1, "not a finite number"),
    ("a1 = 0.6 0.7\n\nA1 = 0.6 0.7\n", 3, "a1 is given twice (first on line 1)"),
    ("z1 = 0.51 0.72\nhello there\n", 2, "cannot read 'hello there': write one value per line"),
    ("x = [0.5]\n", 1, "x is 2 numbers, got 1 number"),
    ("Step 2 = 0.5\n", 1, "unknown name 'Step 2'"),        # a heading has no '=' and no number after it
]


@pytest.mark.parametrize("text, line, message", BAD, ids=[b[2][:30] for b in BAD])
def test_a_line_that_cannot_be_read_is_named_by_its_number(text, line, message):
    with pytest.raises(AnswerFileError) as caught:
        parse_answers(text, source="answers.txt")
    assert [p[0] for p in caught.value.problems] == [line]
    assert message in caught.value.problems[0][1]
    assert str(caught.value).startswith(f"answers.txt: line {line}: ")
    assert isinstance(caught.value, DataError) and isinstance(caught.value, ChainruleError)


def test_every_bad_line_is_reported_at_once_in_one_line():
    text = "z1 = [0.51 0.72]\nz2 = 1 2\nfoo = 1\n\na2 = x\ndelta1 = 0.1 0.2\n"
    with pytest.raises(AnswerFileError) as caught:
        parse_answers(text)
    assert [p[0] for p in caught.value.problems] == [2, 3, 5]
    assert "\n" not in str(caught.value)


@settings(max_examples=150)
@given(st.text(max_size=200))
def test_any_text_is_read_or_refused_with_line_numbers(text):
    try:
        answers = parse_answers(text)
    except AnswerFileError as exc:
        assert exc.problems and all(isinstance(line, int) and 0 < line <= max(1, len(text.splitlines()))
                                    for line, _ in exc.problems)
    else:
        for answer in answers.values.values():
            assert answer.value is None or np.all(np.isfinite(answer.value))


@settings(max_examples=100)
@given(st.lists(st.floats(-10, 10, allow_nan=False).map(lambda v: round(v, 4)), min_size=4, max_size=4),
       st.sampled_from(["numpy", "list", "flat", "semicolons"]))
def test_a_matrix_reads_back_in_every_style(numbers, style):
    matrix = np.array(numbers).reshape(2, 2)
    text = {"numpy": np.array2string(matrix), "list": str(matrix.tolist()),
            "flat": " ".join(map(str, numbers)), "semicolons": f"[{numbers[0]} {numbers[1]}; {numbers[2]} {numbers[3]}]"}[style]
    assert values(f"dL/dW1 = {text}")["dL/dW1"] == matrix.tolist()


def test_parse_value_alone():
    assert parse_value("[[1 2] [3 4]]").shape == (2, 2)
    assert parse_value("1 2; 3 4").tolist() == [[1, 2], [3, 4]]
    with pytest.raises(ValueError, match="no number"):
        parse_value("[]")


def test_files_that_are_not_answer_files(tmp_path):
    (tmp_path / "ok.txt").write_text("z1 = [0.51 0.72]\n")
    assert read_answers(tmp_path / "ok.txt").values["z1"].value.tolist() == [0.51, 0.72]
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbfz1 = 0.51 0.72\r\n")      # Notepad's UTF-8 with a BOM
    assert read_answers(tmp_path / "bom.txt").values["z1"].value.tolist() == [0.51, 0.72]
    (tmp_path / "utf16.txt").write_bytes("z1 = 0.51 −0.72\n".encode("utf-16"))  # Notepad's "Unicode"
    assert read_answers(tmp_path / "utf16.txt").values["z1"].value.tolist() == [0.51, -0.72]
    cases = {"folder": "it is a folder", "missing.txt": "No such file", "big.txt": "an answer file is at most",
             "binary.txt": "not UTF-8 text", "nul.txt": "NUL bytes"}
    (tmp_path / "folder").mkdir()
    (tmp_path / "big.txt").write_text("# " + "x" * MAX_ANSWER_BYTES)
    (tmp_path / "binary.txt").write_bytes(b"z1 = \xff\xfe\x00")
    (tmp_path / "nul.txt").write_bytes(b"z1 = 0.5\x00")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.txt")       # would block a reader that opened it
        cases["fifo.txt"] = "not a regular file"
    for name, message in cases.items():
        with pytest.raises(AnswerFileError, match=message) as caught:
            read_answers(tmp_path / name)
        assert caught.value.problems[0][0] == 0

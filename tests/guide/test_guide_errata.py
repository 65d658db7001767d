"""docs/errata.md is backed by tests: every row names a test that exists and a command that runs."""
import re
from pathlib import Path

import pytest

from chainrule.guide import BLOCKS

ROOT = Path(__file__).resolve().parents[2]
ERRATA = (ROOT / "docs" / "errata.md").read_text(encoding="utf-8")
TEST_REF = re.compile(r"`(test_guide_\w+\.py)::(test_\w+)`")


def _table_rows():
    return [line for line in ERRATA.splitlines()
            if line.startswith("| ") and not line.startswith("| Block ") and not line.startswith("|---")]


def test_every_errata_row_names_a_test_and_a_command():
    rows = _table_rows()
    assert len(rows) >= 20
    for row in rows:
        assert TEST_REF.search(row), row
        assert "chainrule guide " in row or "Network([784, 64, 5]).n_params" in row, row


def test_every_referenced_test_exists():
    refs = set(TEST_REF.findall(ERRATA))
    assert refs
    for file_name, test_name in refs:
        source = (ROOT / "tests" / "guide" / file_name).read_text(encoding="utf-8")
        assert re.search(rf"^def {test_name}\(", source, re.M), f"{file_name}::{test_name} does not exist"


def test_every_command_names_a_block_that_runs():
    numbers = {int(n) for n in re.findall(r"`chainrule guide (\d+)`", ERRATA)}
    assert numbers <= set(BLOCKS)
    # and every block whose printed output the guide gets wrong has its row
    wrong = {n for n, block in BLOCKS.items() if not block.guide_says.startswith("right")}
    rows = "\n".join(_table_rows())
    for n in wrong:
        assert re.search(rf"^\| {n}, ", rows, re.M), f"no errata row for block {n}"


# --- `chainrule errata`: the same document, shipped in the package, printed for a terminal ---

from chainrule.cli.main import main  # noqa: E402
from chainrule.guide.errata import format_errata, parse_blocks  # noqa: E402


def _numbered_rows():
    return [(int(m[1]), m[2].strip()) for m in (re.match(r"\| (\d+), ([^|]+)\|", row) for row in _table_rows()) if m]


def test_errata_n_prints_every_row_about_block_n():
    rows = _numbered_rows()
    assert len(rows) >= 20
    for number, title in rows:
        assert f"Block {number}, {title}".replace("\\*", "*") in format_errata([number], width=100)


def test_errata_17_includes_the_section_on_the_bug_and_its_fix():
    text = format_errata([17], width=100)
    assert text.startswith("Block 17, Exercise 2.2\n  (Section 2: Backpropagation)\n")
    assert "The block-17 bug: gradients 2x too large" in text
    assert "    dL_da = 2 * (a_out - target) / a_out.size" in text   # the one-line fix, as code
    assert "Quick Reference, Loss Functions" in text               # the row that reproduces block 17 too
    assert "Block 18" not in text


def test_errata_of_the_hand_trace_includes_its_slip():
    text = format_errata(parse_blocks(["9-13"]), width=100)
    assert [line for line in text.splitlines() if line.startswith("Block ")] == [
        "Block 9, Step 1: Forward Pass", "Block 10, Step 2: Loss", "Block 11, Step 3: Output Layer",
        "Block 12, Step 4: Hidden Layer", "Block 13, Step 5: Update"]
    assert "sigmoid(0.71) = 0.67040, not 0.6706" in text


def test_code_spans_are_printed_whole_and_never_split_across_lines():
    for width in (60, 100):
        for line in format_errata(width=width).splitlines():
            if not line.startswith("    "):                      # code blocks hold their own backticks
                assert "`" not in re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", line), line
    assert "`[0.221  0.1948]`" in format_errata([12], width=60)  # numpy's two spaces kept


def test_blocks_without_an_erratum_say_so(capsys):
    assert main(["errata", "1"]) == 0
    assert "Block 1 (Setup): no erratum; the guide's printed output is right." in capsys.readouterr().out
    assert main(["errata", "5"]) == 0
    assert "Block 5: no erratum; it prints nothing of its own" in capsys.readouterr().out


def test_the_whole_document_keeps_every_heading_and_row():
    text = format_errata(width=100)
    for line in ERRATA.splitlines():
        if line.startswith("## "):
            assert f"\n{line[3:]}\n{'-' * len(line[3:])}\n" in text
    assert text.count("\n  Pinned by:") == len(_table_rows())


@pytest.mark.parametrize("argument, message", [
    ("0", "the guide has python blocks 1-36, got '0'"),
    ("13-9", "the guide has python blocks 1-36, got '13-9'"),
    ("seventeen", "a block is a number such as 17 or a range such as 9-13, got 'seventeen'"),
])
def test_errata_bad_block_is_a_one_line_error(capsys, argument, message):
    assert main(["errata", argument]) == 2
    err = capsys.readouterr().err
    assert err == f"chainrule errata: error: {message}\n"

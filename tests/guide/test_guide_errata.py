"""docs/errata.md is backed by tests: every row names a test that exists and a command that runs."""
import re
from pathlib import Path

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

"""``chainrule guide``: list the blocks, print one block's real output, or all of them."""
import pytest

from chainrule.cli import main as cli
from chainrule.cli.commands import guide as guide_command
from chainrule.guide import BLOCKS


def test_guide_block_prints_exactly_the_blocks_output(capsys):
    assert cli.main(["guide", "10"]) == 0
    assert capsys.readouterr().out == "Prediction: 0.6913\nTarget:     1.0000\nMSE loss:   0.0953\n"


def test_guide_list_names_every_computing_block_and_what_the_guide_printed(capsys):
    assert cli.main(["guide", "--list"]) == 0
    out = capsys.readouterr().out
    for number, block in BLOCKS.items():
        assert f"{number:>5}  {block.guide_says:<22}  {block.section}" in out
    assert "   17  CODE BUG: gradients 2x  Section 2: Backpropagation > Exercise 2.2" in out
    assert sorted(BLOCKS) == [1, 2, 3, 4, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 22, 23, 24, 25, 27, 28, 31]


def test_guide_all_prints_each_block_under_a_header(capsys, monkeypatch):
    # the real `all` takes ~15 s (about 200,000 train_steps); two quick blocks show the layout
    monkeypatch.setattr(guide_command, "BLOCKS", {n: BLOCKS[n] for n in (1, 10)})
    assert cli.main(["guide", "all"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("=== block 1: Setup ===\nnumpy version: ")
    assert out.endswith("\n\n=== block 10: Section 2: Backpropagation > Full Hand-Trace: A 2→2→1 Network > "
                        "Step 2: Compute the Loss ===\nPrediction: 0.6913\nTarget:     1.0000\nMSE loss:   0.0953\n")


@pytest.mark.parametrize("argument, message", [
    ("8", "guide block 8 prints nothing to reproduce: the hand-trace setup"),
    ("37", "the guide has python blocks 1-36"),
    ("x", "block must be a number such as 14 or 'all', got 'x'"),
])
def test_guide_bad_block_is_a_one_line_error(capsys, argument, message):
    assert cli.main(["guide", argument]) == 2
    err = capsys.readouterr().err
    assert err.startswith("chainrule guide: error: ") and message in err and err.count("\n") == 1

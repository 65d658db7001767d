"""The README's "Extending chainrule" example runs and prints what the README shows (in a subprocess: its
registrations stay out of this process's registries)."""
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def extending_example():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Extending chainrule"):]
    section = section[:section.index("\n## ", 1)]
    code, printed = re.findall(r"```(?:python)?\n(.*?)```", section, re.S)[:2]
    return code, printed


def test_the_readme_example_adds_an_activation_a_loss_and_a_layer_and_prints_what_it_says(tmp_path):
    code, printed = extending_example()
    assert code.count(".register(") == 3          # one registration line each
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == printed

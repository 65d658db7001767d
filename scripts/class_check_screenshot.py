"""docs/img/class_check.png: the class check's HTML page at phone width (390 px), in headless Chromium.

    python scripts/class_check_screenshot.py [docs/img/class_check.png]

The class is the README's: six fixture files of tests/check/fixtures (right, two mistakes, a crash, a hang, a
file with no class), checked as `chainrule check FOLDER --html` checks them; the first failing file's report
is opened from its link in the table.
"""
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from chromium_cdp import Browser  # noqa: E402

from chainrule.check.class_html import render_class_html  # noqa: E402
from chainrule.check.classroom import check_class  # noqa: E402

FIXTURES = ROOT / "tests" / "check" / "fixtures"
CLASS = {"ada.py": "correct.py", "alan.py": "mistake_dropped_mean.py", "grace.py": "mistake_derivative_of_z.py",
         "edsger.py": "mistake_dropped_mean.py", "barbara.py": "hangs.py", "donald.py": "no_network.py"}


def make_class(folder):
    """The README's class: a folder of learners' files, each a copy of a fixture."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    for name, fixture in CLASS.items():
        shutil.copy(FIXTURES / fixture, Path(folder) / name)
    return folder


def main(out=ROOT / "docs" / "img" / "class_check.png"):
    out = Path(out).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)                            # the page names the folder as the teacher typed it: lab3
        make_class("lab3")
        checked = check_class(["lab3"], probe_timeout=2)
        page_path = Path(tmp) / "class.html"
        page_path.write_text(render_class_html(checked))
        with Browser() as browser:
            page = browser.new_page(390, 1400, mobile=True, scale=2)
            page.goto(page_path.as_uri())
            page.wait_for("document.readyState === 'complete'")
            page.screenshot(out)
            assert page.errors == [], page.errors
    print(f"Wrote {out}")


if __name__ == "__main__":
    main(*sys.argv[1:])

"""docs/img/lab_mine.png: ``chainrule lab --mine my_network.py`` as the README shows it, in headless Chromium.

    python scripts/lab_mine_screenshot.py [docs/img/lab_mine.png]

The learner's file is tests/check/fixtures/mistake_derivative_of_z.py saved as my_network.py (the sigmoid
derivative taken of z instead of a); the guide's hand-trace, the first wrong value's formula pinned, and the
background chainrule check's diagnosis shown.
"""
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from chromium_cdp import Browser  # noqa: E402

from chainrule.lab import LabServer  # noqa: E402
from chainrule.lab.mine_provider import MineProvider  # noqa: E402

IDLE = "document.body.dataset.ready === 'true' && document.body.dataset.busy === 'false'"
LEARNER = ROOT / "tests" / "check" / "fixtures" / "mistake_derivative_of_z.py"


def main(out=ROOT / "docs" / "img" / "lab_mine.png"):
    out, here = Path(out).resolve(), os.getcwd()
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(LEARNER, Path(folder) / "my_network.py")
        os.chdir(folder)                # as the learner runs it: chainrule lab --mine my_network.py
        try:
            shoot(out)
        finally:
            os.chdir(here)
    print(f"Wrote {out}")


def shoot(out):
    with LabServer(mine=MineProvider("my_network.py")) as server, Browser() as browser:
        page = browser.new_page(1280, 1500)
        page.goto(server.url())
        page.wait_for(IDLE)
        page.wait_for("document.querySelector('#diagnoses .diagnosis') !== null", timeout=60)
        page.click('#tables-body td[data-id="dL/dW2[0,0]"]')     # the first wrong value, pinned
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(out)
        assert page.errors == [], page.errors


if __name__ == "__main__":
    main(*sys.argv[1:])

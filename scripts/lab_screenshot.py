"""docs/img/lab.png: the lab as the README shows it, taken in headless Chromium over the DevTools Protocol.

    python scripts/lab_screenshot.py [docs/img/lab.png]

XOR after 600 epochs of the guide's loop, stepped to the backward pass of the output layer, with the formula
of one weight's gradient pinned.
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from chromium_cdp import Browser  # noqa: E402

from chainrule.lab import LabServer  # noqa: E402

IDLE = "document.body.dataset.ready === 'true' && document.body.dataset.busy === 'false'"


def main(out=ROOT / "docs" / "img" / "lab.png"):
    with LabServer() as server, Browser() as browser:
        page = browser.new_page(1280, 1460)
        page.goto(server.url("#data=xor"))
        page.wait_for(IDLE)
        page.type("#train-n", "600")
        page.click("#train-n-go")
        page.wait_for(IDLE + " && document.body.dataset.steps === '600'", timeout=60)
        page.evaluate("window.chainruleLab.send('/api/reshape', {state: window.chainruleLab.view.result.state, example: 1})")
        page.wait_for(IDLE + " && window.chainruleLab.view.result.state.example === 1")
        for _ in range(5):
            page.click("#phase-next")
        page.click('#net .elabel[data-id="dL/dW2[0,1]"]')
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(out)
        assert page.errors == [], page.errors
    print(f"Wrote {out}")


if __name__ == "__main__":
    main(*sys.argv[1:])

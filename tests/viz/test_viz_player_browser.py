"""The trace player (``chainrule trace --animate trace.html``) as a learner uses it: the slider goes where it is
dragged, every label is legible on a phone, and no arrowhead is drawn across a label."""
import pytest

from chainrule.viz import build_frames, guide_trace, save_html, trace_from_spec

pytestmark = pytest.mark.browser

#: every arrow's and every label's box on screen, and whether a label comes after every line in the drawing
BOXES = """(() => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const all = [...document.querySelectorAll('#net *')];
  const lastLine = Math.max(...all.map((e, k) => e.tagName === 'line' ? k : -1));
  const firstLabel = all.findIndex(e => e.classList.contains('elabel'));
  return {arrows: [...document.querySelectorAll('#net .arrow')].map(box),
          labels: [...document.querySelectorAll('#net .elabel')].map(box), labelsOnTop: firstLabel === -1 || firstLabel > lastLine};
})()"""


def _open(browser, tmp_path, trace, fragment="", **viewport):
    path = tmp_path / "trace.html"
    save_html(trace, path)
    page = browser.new_page(**viewport)
    page.goto(path.as_uri() + fragment)
    page.wait_for("document.body.dataset.step !== undefined")
    return page


def test_the_slider_goes_where_it_is_dragged(browser, tmp_path):
    page = _open(browser, tmp_path, guide_trace())
    left, top, right, bottom = page.evaluate(
        "(() => { const r = document.querySelector('#slider').getBoundingClientRect(); "
        "return [r.left, r.top, r.right, r.bottom]; })()")
    x, y = left + 0.75 * (right - left), (top + bottom) / 2
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        page.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})
    step = page.evaluate("Number(document.body.dataset.step)")
    assert step > 1 and step == page.evaluate("Number(document.querySelector('#slider').value)")
    assert page.evaluate("document.querySelector('#title').textContent").startswith(f"Step {step}/14")
    page.press("ArrowLeft")                       # the slider has the focus: one key, one step
    assert page.evaluate("Number(document.body.dataset.step)") == step - 1
    assert page.errors == []


@pytest.mark.parametrize("spec", [None, {"layers": [3, 4, 2], "seed": 1}])
def test_legible_on_a_phone_and_no_arrow_across_a_label(browser, tmp_path, spec):
    trace = guide_trace() if spec is None else trace_from_spec(spec)
    page = _open(browser, tmp_path, trace, "#step=10", width=390, height=844, mobile=True)
    size, text, _ = page.smallest_text_px()
    assert size >= 12, (size, text)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    arrow_steps = [k + 1 for k, f in enumerate(build_frames(trace)) if f["direction"] and f["phase"] in
                   ("forward", "backward") and f["edge_label_kind"] != "dL/dW"]
    assert len(arrow_steps) >= 3
    labels_seen = 0
    for step in arrow_steps:
        page.evaluate(f"window.tracePlayer.go({step})")
        boxes = page.evaluate(BOXES)
        assert boxes["arrows"] and boxes["labelsOnTop"], step
        labels_seen += len(boxes["labels"])
        for a in boxes["arrows"]:
            for b in boxes["labels"]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (step, a, b)
    assert labels_seen > 0 or spec is not None      # the guide's 2-2-1 labels every edge
    assert page.errors == []

"""The lab in a real browser (headless Chromium over the DevTools Protocol): what a learner sees and does."""
import json
import re

import numpy as np
import pytest

from chainrule import Network
from chainrule.cli.main import main
from chainrule.guide.training_loop import train_xor_pass
from chainrule.lab import LabServer, guide_state
from chainrule.lab.formulas import number
from fake_mine import DerivativeOfZ
from labhttp import request

pytestmark = pytest.mark.browser

IDLE = "document.body.dataset.ready === 'true' && document.body.dataset.busy === 'false'"

#: every value cell of the tables, by item id (an input's value for the editable ones)
CELLS = """(() => { const out = {};
  document.querySelectorAll('#tables-body td[data-id]').forEach(td => {
    const input = td.querySelector('input');
    out[td.dataset.id] = input ? input.value : td.firstChild ? td.firstChild.textContent : ''; });
  return out; })()"""


def open_lab(browser, server, fragment="", width=1280, height=1000, mobile=False):
    page = browser.new_page(width, height, mobile=mobile)
    page.goto(server.url(fragment))
    page.wait_for(IDLE)
    return page


def choose(page, selector, value):
    """Pick an option of a <select> as a user would: focus it, set it, and let it announce the change."""
    page.evaluate(f"(() => {{ const s = document.querySelector({json.dumps(selector)}); s.focus(); "
                  f"s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change', {{bubbles: true}})); }})()")


def _trace_printout(capsys):
    """``{name: [numbers]}`` of what ``chainrule trace`` prints, in its order (matrices row by row)."""
    assert main(["trace", "--no-notes"]) == 0
    printed, section = {}, None
    for line in capsys.readouterr().out.splitlines():
        if line.startswith(("Step", "Check:")):
            section = "check" if line.startswith("Check:") else "steps"
        match = section and re.match(r"^  (\S+(?: new)?)\s+= .* = (\[.*\]|-?\d+\.\d+)$", line)
        if match:
            name = match.group(1).replace(" new", "_new")
            if section == "check":
                name = {"prediction": "new_prediction", "loss": "new_loss"}[name]
            printed[name] = [float(v) for v in re.findall(r"-?\d+\.?\d*(?:e-?\d+)?", match.group(2))]
    return printed


def test_the_default_page_shows_the_numbers_of_chainrule_trace(browser, capsys):
    printed = _trace_printout(capsys)
    assert len(printed) == 21     # z1 ... new loss, every row of the trace
    with LabServer() as server:
        page = open_lab(browser, server)
        cells = page.evaluate(CELLS)
        for name, numbers in printed.items():
            ids = [key for key in cells if key == name or key.startswith(name + "[")]
            assert len(ids) == len(numbers), name
            assert [float(cells[key]) for key in ids] == numbers, name
        # the picture shows them too, and a hover gives the formula with the numbers in it
        assert page.evaluate("document.querySelector('#net [data-id=\"a1[1]\"]').textContent") == "a 0.7350"
        page.hover('#net [data-id="delta2[0]"]')
        assert page.evaluate("document.querySelector('#explain .chain').textContent") == (
            "delta2[0] = dL/da2[0] × da2/dz2[0] = 2 × (a2[0] - target[0]) × a2[0] × (1 - a2[0]) = -0.6174 × 0.2134 "
            "= -0.1318")
        page.hover('#net .elabel[data-id="W2[0,1]"]')     # an edge: its weight, gradient and new value
        lines = page.evaluate("[...document.querySelectorAll('#explain .chain')].map(p => p.textContent)")
        assert lines[1] == "dL/dW2[0,1] = delta2[0] × a1[1] = -0.1318 × 0.7350 = -0.0968"
        assert "The guide prints 0.6706" in page.evaluate("(() => { const e = document.querySelector("
                                                          "'#net [data-id=\"a1[0]\"]'); e.focus(); "
                                                          "return document.querySelector('#explain').innerText; })()")
        assert page.errors == []


def _by_hand(w):
    """Every value of one training step of the guide's network with W2[0,1] = w, through the guide's API."""
    net = Network([2, 2, 1])
    net.set_weights(([np.array([[0.1, 0.3], [0.2, 0.4]]), np.array([[0.5, w]])],
                     [np.array([0.01, 0.02]), np.array([0.03])]))
    x, target = np.array([1.0, 2.0]), np.array([1.0])
    prediction = net.forward(x)
    weight_grads, bias_grads = net.backward(target)
    out = {f"z{l + 1}[{j}]": z[j] for l, z in enumerate(net.z_values) for j in range(len(z))}
    out.update({f"a{l}[{j}]": a[j] for l, a in enumerate(net.activations) if l for j in range(len(a))})
    out.update({f"dL/dW{l + 1}[{j},{i}]": g[j, i] for l, g in enumerate(weight_grads) for j, i in np.ndindex(g.shape)})
    out.update({f"dL/db{l + 1}[{j}]": g[j] for l, g in enumerate(bias_grads) for j in range(len(g))})
    out["loss"] = net.loss.value(prediction, target)
    net.train_step(x, target, 0.5)
    out.update({f"W{l + 1}_new[{j},{i}]": W[j, i] for l, W in enumerate(net.weights) for j, i in np.ndindex(W.shape)})
    out.update({f"b{l + 1}_new[{j}]": b[j] for l, b in enumerate(net.biases) for j in range(len(b))})
    out["new_loss"] = net.loss_value(x, target)
    return {key: number(value) for key, value in out.items()}


def test_editing_a_weight_changes_exactly_what_chainrule_computes(browser):
    with LabServer() as server:
        page = open_lab(browser, server)
        before = page.evaluate(CELLS)
        page.type('#tables-body input[data-id="W2[0,1]"]', "0.9")
        page.wait_for(IDLE + " && window.chainruleLab.view.result.state.weights[1][0][1] === 0.9")
        after = page.evaluate(CELLS)
        assert page.errors == []
    old, new = _by_hand(0.6), _by_hand(0.9)
    assert {key: before[key] for key in old} == old
    assert {key: after[key] for key in new} == new and after["W2[0,1]"] == "0.9"    # what was typed stays
    # exactly the values chainrule computes differently changed on the page; the hidden layer's forward did not
    changed = {key for key in new if before[key] != after[key]}
    assert changed == {key for key in new if old[key] != new[key]}
    assert {"z1[0]", "a1[1]"}.isdisjoint(changed) and {"z2[0]", "dL/db1[0]", "dL/dW1[1,1]"} <= changed


def test_a_step_lowers_the_loss_and_the_phases_walk_through_it(browser):
    with LabServer() as server:
        page = open_lab(browser, server)
        assert page.evaluate("window.chainruleLab.view.items.loss.text") == "0.0953"
        # phase by phase: only what that phase computes is new, what comes later is not shown yet
        page.evaluate("document.body.focus()")
        page.press("ArrowRight")
        page.press("ArrowRight")
        assert page.evaluate("document.body.dataset.phase") == "forward1"
        fresh = page.evaluate("[...document.querySelectorAll('#tables-body td.fresh')].map(t => t.dataset.id).sort()")
        assert fresh == ["a1[0]", "a1[1]", "z1[0]", "z1[1]"]
        assert page.evaluate("document.querySelector('#tables-body td[data-id=\"loss\"]').textContent") == "\u2026"
        for _ in range(5):
            page.click("#phase-next")
        assert page.evaluate("document.body.dataset.phase") == "update"
        assert page.evaluate("document.querySelector('#net .elabel[data-id=\"W2_new[0,1]\"]').textContent") == "0.6484"
        page.click("#phase-next")
        assert page.evaluate("document.querySelector('#phase-next').textContent").startswith("Apply the update")
        page.click("#phase-next")                      # the update is applied: a real training step
        page.wait_for(IDLE + " && document.body.dataset.steps === '1'")
        assert page.evaluate("window.chainruleLab.view.items.loss.text") == "0.0780"
        assert page.evaluate("document.body.dataset.phase") == "start"
        page.click("#train-one")
        page.wait_for(IDLE + " && document.body.dataset.steps === '2'")
        losses = [h["loss"] for h in page.evaluate("window.chainruleLab.history()")]
        assert len(losses) == 2 and losses[1] < losses[0]
        assert float(page.evaluate("window.chainruleLab.view.items.loss.text")) < losses[1]
        assert page.evaluate("document.querySelector('#loss-curve').dataset.points") == "2"
        assert page.errors == []


def test_xor_trains_to_a_correct_decision_boundary(browser):
    with LabServer() as server:
        page = open_lab(browser, server)
        choose(page, "#data", "xor")
        page.wait_for(IDLE + " && window.chainruleLab.view.result.state.data === 'xor'")
        page.type("#train-n", "2000")
        page.click("#train-n-go")
        page.wait_for(IDLE + " && document.body.dataset.steps === '2000'", timeout=60)
        assert "4 of 4 on the right side of 0.5" in page.evaluate("document.querySelector('#data-summary').textContent")
        # the colour drawn under each point is its class: blue (class 1) or orange (class 0)
        colours = page.evaluate("""(() => {
          const canvas = document.querySelector('#boundary'), ctx = canvas.getContext('2d'), r = window.devicePixelRatio || 1;
          const base = canvas.getBoundingClientRect();
          return [...document.querySelectorAll('#data-plot [data-example]')].map(p => {
            const b = p.getBoundingClientRect(), x = (b.left + b.width / 2 - base.left + 14) * r, y = (b.top + b.height / 2 - base.top) * r;
            return [Number(p.dataset.example), Array.from(ctx.getImageData(x, y, 1, 1).data)];
          }); })()""")
        state = page.evaluate("window.chainruleLab.view.result.state")
        assert page.errors == []
    targets = {0: 0, 1: 1, 2: 1, 3: 0}
    for example, (red, green, blue, _) in colours:
        assert (blue > red) == bool(targets[example]), (example, red, green, blue)
    guide = Network([2, 4, 1], seed=42)
    for _ in range(2000):
        train_xor_pass(guide, 2.0)
    assert state["weights"] == [W.tolist() for W in guide.weights]     # the guide's own loop, to the last bit


def test_at_phone_width_no_text_is_below_12px(browser):
    with LabServer() as server:
        page = open_lab(browser, server, width=390, height=844, mobile=True)
        assert page.evaluate("document.querySelector('#net').dataset.layout") == "vertical"
        checks = [page.smallest_text_px()]
        page.tap('#net [data-id="delta2[0]"]')          # a tap pins the formula
        assert page.evaluate("document.querySelector('#explain .chain').textContent").startswith("delta2[0] = dL/da2[0] × da2/dz2[0] = 2 ×")
        page.click("#phase-next")
        checks.append(page.smallest_text_px())
        choose(page, "#data", "circles")
        page.wait_for(IDLE + " && window.chainruleLab.view.result.state.data === 'circles'")
        page.click("#train-one")
        page.wait_for(IDLE + " && document.body.dataset.steps === '1'")
        checks.append(page.smallest_text_px())
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.errors == []
    for size, text, tag in checks:
        assert size >= 12, (size, text, tag)


def test_the_address_holds_the_whole_state(browser):
    with LabServer() as server:
        page = open_lab(browser, server, "#layers=2,3,1&seed=0&act=tanh,sigmoid")
        assert page.evaluate("window.chainruleLab.view.result.state.weights[0][2]") == Network(
            [2, 3, 1], seed=0).weights[0][2].tolist()
        page.type('#tables-body input[data-id="b1[2]"]', "-0.25")
        page.wait_for(IDLE + " && window.chainruleLab.view.result.state.biases[0][2] === -0.25")
        page.press("Tab")                      # leaving the field: it reads -0.2500 like every other value
        link = page.evaluate("location.hash")
        cells = page.evaluate(CELLS)
        again = open_lab(browser, server, link)
        assert again.evaluate(CELLS) == cells and "b1=0,0,-0.25" in link and "act=tanh,sigmoid" in link
        # a link the lab cannot read says why, and the guide's network opens instead
        bad = browser.new_page(1280, 1000)
        bad.goto(server.url("#layers=2,9,1"))
        bad.wait_for(IDLE + " && window.chainruleLab.view.result.state.layers.join() === '2,2,1'")
        assert bad.evaluate("document.querySelector('#banner').textContent") == (
            "chainrule refused this link: layers[1] must be between 1 and 8, got 9. Here is the guide's network instead.")


def test_a_saved_page_steps_through_without_a_server(browser, tmp_path):
    with LabServer() as server:
        status, _, html = request(server, "POST", "/api/page", {"state": guide_state().to_dict(), "losses": [0.2, 0.1]})
    assert status == 200
    path = tmp_path / "chainrule-lab.html"
    path.write_bytes(html)
    page = browser.new_page(1100, 900)
    page.goto(path.as_uri())                    # the server is gone: everything is in the file
    page.wait_for("document.body.dataset.ready === 'true'")
    assert "chainrule lab '#layers=2,2,1&" in page.evaluate("document.querySelector('#banner').textContent")
    assert page.evaluate("document.querySelector('#train-one').offsetParent") is None    # no training without the lab
    page.hover('#tables-body td[data-id="dL/db2[0]"]')
    assert page.evaluate("document.querySelector('#explain .chain').textContent") == "dL/db2[0] = delta2[0] = -0.1318"
    page.click("#phase-next")
    for _ in range(3):
        page.press("ArrowRight")
    assert page.evaluate("document.body.dataset.phase") == "loss"
    assert page.evaluate("document.querySelector('#loss-curve').dataset.points") == "2"
    assert not page.evaluate("document.querySelectorAll('#tables-body input').length")
    assert page.errors == []


def test_the_learners_values_sit_beside_chainrules(browser):
    with LabServer(mine=DerivativeOfZ()) as server:
        page = open_lab(browser, server)
        page.wait_for("!document.querySelector('#mine-panel').hidden")
        assert page.evaluate("document.querySelector('#tables-body td.first-wrong').dataset.id") == "dL/dW2[0,0]"
        assert page.evaluate("document.querySelector('#tables-body td[data-id=\"a2[0]\"] .yours').textContent") == \
            "yours 0.6913 \u2713"
        summary = page.evaluate("document.querySelector('#mine-summary').textContent")
        assert "The first wrong value, in the order the step computes them: dL/dW2[0,0]" in summary
        assert page.evaluate("document.querySelector('.diagnosis h3').textContent") == \
            "The activation's derivative is applied to z instead of a"
        page.hover('#net .elabel[data-id="W2[0,0]"]')
        assert "the first wrong value" in page.evaluate("document.querySelector('#explain').innerText")
        assert page.smallest_text_px()[0] >= 12
        assert page.errors == []


def test_everything_works_from_the_keyboard(browser):
    with LabServer() as server:
        page = open_lab(browser, server)
        focused = None
        for _ in range(60):                       # Tab from the top of the page to the first value
            page.press("Tab")
            focused = page.evaluate("document.activeElement.getAttribute('data-id')")
            if focused and page.evaluate("document.activeElement.tagName") != "INPUT":
                break
        assert focused is not None
        assert page.evaluate("document.querySelector('#explain .chain').textContent").startswith(
            page.evaluate(f"window.chainruleLab.view.items[{json.dumps(focused)}].label"))
        page.press("Enter")                       # pins the formula
        assert "Pinned" in page.evaluate("document.querySelector('#explain').innerText")
        page.press("Escape")
        assert "Pinned" not in page.evaluate("document.querySelector('#explain').innerText")
        page.press("ArrowRight")
        assert page.evaluate("document.body.dataset.phase") == "start"
        page.press("t")                           # one training step
        page.wait_for(IDLE + " && document.body.dataset.steps === '1'")
        assert page.evaluate("window.chainruleLab.view.items.loss.text") == "0.0780"
        assert page.errors == []


def test_run_pauses_and_train_n_after_it_trains_exactly_n(browser):
    with LabServer() as server:
        page = open_lab(browser, server, "#data=xor")
        page.click("#run")
        page.wait_for("Number(document.body.dataset.steps) >= 500", timeout=60)
        page.press("r")                           # pause
        page.wait_for(IDLE)
        paused = int(page.evaluate("document.body.dataset.steps"))
        assert page.evaluate("document.querySelector('#run').getAttribute('aria-pressed')") == "false"
        page.type("#train-n", "70")
        page.click("#train-n-go")
        page.wait_for(IDLE + f" && document.body.dataset.steps === '{paused + 70}'", timeout=60)
        history = page.evaluate("window.chainruleLab.history()")
        assert [h["step"] for h in history] == list(range(paused + 70))    # one point per epoch, none twice
        assert page.errors == []

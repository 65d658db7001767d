"""``chainrule lab --mine`` in a real browser (headless Chromium over the DevTools Protocol): a learner's own class,
run in chainrule check's sandbox, its values beside chainrule's on the guide's hand-trace (2-2-1, x = [1, 2],
target = [1]); every number of theirs the page shows is checked against their class run here."""
import os
import shutil

import numpy as np
import pytest

from chainrule import Network
from chainrule.lab import LabServer, LabState, guide_state
from chainrule.lab.formulas import number
from chainrule.lab.mine_provider import MineProvider
from minefiles import fixture, item_value, provider_processes, running, their_step
from test_lab_browser import CELLS, IDLE, choose, open_lab

pytestmark = pytest.mark.browser

#: the learner's value under each chainrule value in the tables, by item id
YOURS = """(() => { const out = {};
  document.querySelectorAll('#tables-body td[data-id] .yours').forEach(s => { out[s.parentNode.dataset.id] = s.textContent; });
  return out; })()"""
DIAGNOSED = "document.querySelector('#diagnoses .diagnosis') !== null"


@pytest.fixture(scope="module")
def derivative_of_z():
    """The lab with --mine on a learner's file whose sigmoid derivative is taken of z instead of a."""
    with LabServer(mine=MineProvider(fixture("mistake_derivative_of_z"))) as server:
        yield server


def test_the_first_wrong_value_is_marked_and_the_check_names_the_mistake(browser, derivative_of_z):
    page = open_lab(browser, derivative_of_z)
    page.wait_for("!document.querySelector('#mine-panel').hidden")
    assert page.evaluate("[...document.querySelectorAll('#tables-body td.first-wrong')].map(td => td.dataset.id)") == \
        ["dL/dW2[0,0]"]
    assert page.evaluate("document.querySelector('#net .wrongedge + text').textContent") == "\u2717 first wrong"
    yours = page.evaluate(YOURS)
    assert yours["a2[0]"] == "yours 0.6913 \u2713" and yours["loss"] == "yours 0.0953 \u2713"
    assert yours["dL/dW2[0,0]"] == "yours -0.0647 \u2717" and yours["delta2[0]"] == "yours \u2013"
    theirs = their_step("mistake_derivative_of_z", guide_state())
    for item_id, text in yours.items():                      # every number of theirs, as their class computes it
        if text != "yours \u2013":
            assert text.split()[1] == number(item_value(theirs, item_id)), item_id
    summary = page.evaluate("document.querySelector('#mine-summary').textContent")
    assert "The first wrong value, in the order the step computes them: dL/dW2[0,0] (yours -0.0647, chainrule " \
           "-0.0883)." in summary
    page.wait_for(DIAGNOSED, timeout=60)                     # chainrule check, run in the background
    assert page.evaluate("document.querySelector('.diagnosis').dataset.kind") == "derivative_of_z"
    assert page.evaluate("document.querySelector('.diagnosis h3').textContent") == \
        "The activation derivative is applied to z instead of a"
    assert "Where: line 11: return a * (1 - a)" in page.evaluate("document.querySelector('.diagnosis').innerText")
    assert page.evaluate("document.querySelector('#mine-check .verdict').textContent").startswith(
        "chainrule check: FAILED: backward, gradient check, train_step, training run, train_epoch (")
    assert page.errors == []
    phone = open_lab(browser, derivative_of_z, width=390, height=844, mobile=True)
    phone.wait_for(DIAGNOSED)
    assert phone.smallest_text_px()[0] >= 12 and phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_editing_a_weight_updates_both_columns(browser, derivative_of_z):
    page = open_lab(browser, derivative_of_z)
    page.type('#tables-body input[data-id="W2[0,0]"]', "0.9")
    page.wait_for(IDLE + " && window.chainruleLab.view.result.state.weights[1][0][0] === 0.9")
    state = guide_state()
    state.weights[1][0, 0] = 0.9
    net = Network([2, 2, 1])
    net.set_weights(([W.copy() for W in state.weights], [b.copy() for b in state.biases]))
    prediction = net.forward(state.x)
    weight_grads, bias_grads = net.backward(state.target)
    cells, yours, theirs = page.evaluate(CELLS), page.evaluate(YOURS), their_step("mistake_derivative_of_z", state)
    assert cells["a2[0]"] == number(prediction[0]) == "0.7454"   # sigmoid(0.9 × 0.6704 + 0.6 × 0.7350 + 0.03)
    assert cells["dL/dW1[0,1]"] == number(weight_grads[0][0, 1])
    assert yours["a2[0]"] == f"yours {number(theirs['a2'][0])} \u2713"            # and theirs, for it too
    assert yours["dL/dW2[0,0]"] == f"yours {number(theirs['dL/dW2'][0, 0])} \u2717"
    assert yours["dL/db1[1]"] == f"yours {number(theirs['dL/db1'][1])} \u2717"
    assert not np.isclose(theirs["dL/db1"][1], bias_grads[0][1])
    assert page.evaluate("document.querySelector('#tables-body td.first-wrong').dataset.id") == "dL/dW2[0,0]"
    page.click("#train-one")          # a step: the train answer has chainrule's numbers, then theirs are asked
    page.wait_for(IDLE + " && document.body.dataset.steps === '1'")
    trained = LabState.from_dict(page.evaluate("window.chainruleLab.view.result.state"))
    assert trained.weights[1][0, 0] != 0.9
    assert page.evaluate(YOURS)["a2[0]"] == f"yours {number(their_step('mistake_derivative_of_z', trained)['a2'][0])} \u2713"
    assert page.errors == []


def test_a_state_their_class_cannot_compute_is_said_and_nothing_of_theirs_is_shown(browser, derivative_of_z):
    page = open_lab(browser, derivative_of_z)
    choose(page, '#activations select[data-layer="0"]', "tanh")
    page.wait_for(IDLE + " && window.chainruleLab.view.result.state.activations[0] === 'tanh'")
    assert "here layer 1 is tanh. Set every layer to sigmoid and the loss to mse to compare." in \
        page.evaluate("document.querySelector('#mine-summary').textContent")
    assert page.evaluate(YOURS) == {} and page.evaluate("document.querySelectorAll('.first-wrong').length") == 0
    choose(page, '#activations select[data-layer="0"]', "sigmoid")
    page.wait_for(IDLE + " && window.chainruleLab.view.result.state.activations[0] === 'sigmoid'")
    assert page.evaluate(YOURS)["a2[0]"] == "yours 0.6913 \u2713"
    assert page.errors == []


def test_a_right_class_matches_and_nothing_is_marked(browser):
    provider = MineProvider(fixture("correct"), check=False)     # chainrule check passes it: test_check_fixtures
    with LabServer(mine=provider) as server:
        page = open_lab(browser, server)
        yours = page.evaluate(YOURS)
        assert {text.rsplit(" ", 1)[-1] for text in yours.values()} == {"\u2713", "\u2013"}
        assert yours["dL/dW2[0,1]"] == "yours -0.0968 \u2713" and yours["new_loss"] == "yours 0.0780 \u2713"
        assert page.evaluate("document.querySelectorAll('.first-wrong, #net .mark, #net .wrongedge').length") == 0
        assert page.evaluate("document.querySelector('#mine-summary').textContent").endswith("No value is wrong.")
        assert page.evaluate("document.querySelectorAll('#diagnoses .diagnosis, #mine-errors p').length") == 0
        assert page.errors == []
        processes = provider_processes(provider)
    assert processes and not any(running(pid) for pid in processes)     # the sandbox is gone with the server


@pytest.mark.parametrize("name, line", [
    ("crashes", "Your code ended the process it ran in (exit code 3). The lab calls it again when you save your file."),
    ("hangs", "Your backward(target) did not return within 1 s (an endless loop?), so the lab stopped it. The lab "
              "calls it again when you save your file."),
])
def test_a_crash_or_a_hang_is_one_line_and_the_page_stays_usable(browser, name, line):
    provider = MineProvider(fixture(name), timeout=1.0)
    with LabServer(mine=provider) as server:
        page = open_lab(browser, server)
        assert page.evaluate("[...document.querySelectorAll('#mine-errors p')].map(p => p.textContent)") == [line]
        assert "Traceback" not in page.evaluate("document.body.innerText")
        page.type('#tables-body input[data-id="W1[0,0]"]', "0.5")        # chainrule's numbers still follow edits
        page.wait_for(IDLE + " && window.chainruleLab.view.result.state.weights[0][0][0] === 0.5")
        assert page.evaluate(CELLS)["z1[0]"] == "1.1100"                  # 0.5 × 1 + 0.3 × 2 + 0.01
        assert page.evaluate("[...document.querySelectorAll('#mine-errors p')].map(p => p.textContent)") == [line]
        assert page.evaluate("document.querySelector('#banner').hidden") and page.errors == []
        processes = provider_processes(provider)
    assert processes and not any(running(pid) for pid in processes)


def test_a_saved_file_is_read_again_when_the_page_is_looked_at_again(browser, tmp_path):
    path = tmp_path / "my_network.py"
    shutil.copy(fixture("correct"), path)
    with LabServer(mine=MineProvider(path, check=False)) as server:
        page = open_lab(browser, server)
        assert page.evaluate(YOURS)["dL/dW2[0,0]"] == "yours -0.0883 \u2713"
        shutil.copy(fixture("mistake_derivative_of_z"), path)             # the learner saves a change
        os.utime(path, ns=(os.stat(path).st_atime_ns, os.stat(path).st_mtime_ns + 10 ** 9))
        page.evaluate("window.dispatchEvent(new Event('focus'))")          # and comes back to the browser
        page.wait_for("document.querySelector('#tables-body td.first-wrong') !== null")
        page.wait_for(IDLE)
        assert page.evaluate(YOURS)["dL/dW2[0,0]"] == "yours -0.0647 \u2717"
        assert page.errors == []

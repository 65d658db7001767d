"""``chainrule lab --mine``: a learner's own class, in chainrule check's sandbox, on the lab's state.

The state is the guide's hand-trace (Section 2: a 2-2-1 network, x = [1, 2], target = [1]). Each learner's
number the lab shows is checked a second way: the fixture's class imported here and run on the same state."""
import json
import os
import shutil
from dataclasses import replace

import numpy as np
import pytest

from chainrule.check.lab import run_learner
from chainrule.errors import ConfigError
from chainrule.lab import LabServer, MineRun, compare, compute, guide_state, reshape
from chainrule.lab.mine_provider import MineProvider, forward_values
from labhttp import post, refused
from minefiles import fixture, item_value, provider_processes, running, their_step

AGAIN = "The lab calls it again when you save your file."


@pytest.fixture(scope="module")
def derivative_of_z():
    with MineProvider(fixture("mistake_derivative_of_z")) as provider:
        yield provider


def test_the_first_wrong_value_of_a_learner_with_the_derivative_taken_of_z(derivative_of_z):
    state = guide_state()
    view = compute(state, mine=derivative_of_z).mine
    theirs = their_step("mistake_derivative_of_z", state)
    for item_id, mine in view.values.items():
        if mine.status != "missing":
            assert mine.value == pytest.approx(item_value(theirs, item_id), rel=1e-12, abs=1e-15), item_id
    # forward and the loss are right; the output layer's gradients are the first wrong (their delta2 is wrong,
    # but their class does not keep deltas)
    assert [k for k in ("z1[0]", "z1[1]", "a1[0]", "a1[1]", "z2[0]", "a2[0]", "loss")
            if view.values[k].status != "same"] == []
    assert view.first_wrong == "dL/dW2[0,0]"
    # delta2 = 2 (a2 - t) z2 (1 - z2) = -0.6174 × 0.8062 × 0.1938; × a1[0] = 0.6704 (chainrule: -0.0883)
    assert view.values["dL/dW2[0,0]"].text == "-0.0647" and view.values["dL/db2[0]"].status == "wrong"
    assert {view.values[k].status for k in ("delta2[0]", "dL/da2[0]", "delta1[0]")} == {"missing"}
    # chainrule check's own first difference on the same state: the output layer's gradients (its order
    # takes the bias gradient, which is delta2 itself, before the weight gradient; the lab's is the step's)
    result = run_learner(fixture("mistake_derivative_of_z"), [2, 2, 1], state.weights, state.biases, state.x,
                         state.target, state.learning_rate)
    assert result.first_difference == "bias_grads[1]"
    assert result.mine.weight_grads[1][0][0] == pytest.approx(view.values["dL/dW2[0,0]"].value, rel=1e-12)


def test_the_background_check_names_the_mistake(derivative_of_z):
    derivative_of_z._check._thread.join(60)
    status = derivative_of_z.status()
    assert status["changed"] is False and status["source"].endswith("mistake_derivative_of_z.py: class Network")
    check = status["check"]
    assert check["state"] == "done" and check["passed"] is False
    assert check["verdict"] == "FAILED: backward, gradient check, train_step, training run, train_epoch"
    assert [d["kind"] for d in check["diagnoses"]] == ["derivative_of_z"] == check["explained"]
    assert check["diagnoses"][0]["line"] == 11 and ["PASS", "forward"] == check["checks"][2][:2]
    view = compute(guide_state(), mine=derivative_of_z).mine          # and every answer carries it now
    assert [d.kind for d in view.diagnoses] == ["derivative_of_z"] and view.check.state == "done"


def test_a_right_class_matches_everywhere_it_shows_a_value():
    with MineProvider(fixture("correct"), check=False) as provider:
        state = reshape(guide_state(), layers=[2, 3, 2])
        view = compute(state, mine=provider).mine
    statuses = {v.status for v in view.values.values()}
    assert statuses == {"same", "missing"} and view.first_wrong is None and view.errors == {}
    theirs = their_step("correct", state)
    assert view.values["new_loss"].value == pytest.approx(float(theirs["new_loss"]), rel=1e-12)
    assert view.values["W1_new[2,1]"].status == "same" and view.values["a2[1]"].status == "same"
    assert view.values["z1[0]"].status == "missing"     # correct.py keeps the activations only, not z


@pytest.mark.parametrize("saved, kinds", [
    ({"z_values": 2, "activations": 3}, {"z_values": "z", "activations": "a"}),
    ({"zs": 2, "outs": 2}, {"zs": "z", "outs": "a"}),
    ({"cache['z']": 2, "cache['a']": 2}, {"cache['z']": "z", "cache['a']": "a"}),
    ({"pre_activations": 2, "post": 2}, {"pre_activations": "z", "post": "a"}),   # post: by value
    ({"layer_outputs": 3}, {"layer_outputs": "a"}),
])
def test_lists_forward_saved_are_read_by_their_names_then_their_values(saved, kinds):
    sizes, x = [2, 2, 1], [1.0, 2.0]
    z, a = [[0.71, 1.02], [0.9974]], [[0.6704, 0.7350], [0.7305]]
    lists = {name: ([x] + a if length == 3 else z if kinds[name] == "z" else a) for name, length in saved.items()}
    values = forward_values(lists, sizes, output=a[-1])
    for name, kind in kinds.items():
        expected = z if kind == "z" else a
        assert [values[f"{kind}1"], values[f"{kind}2"]] == expected, name


def test_a_state_their_class_cannot_compute_is_said_plainly(derivative_of_z):
    tanh = compute(replace(guide_state(), activations=["tanh", "sigmoid"]), mine=derivative_of_z).mine
    assert tanh.values == {} and tanh.first_wrong is None
    assert tanh.unsupported == (
        "Your values are not shown: your class has the guide's API, Network(layer_sizes, seed), which computes "
        "sigmoid layers and the MSE loss only, and here layer 1 is tanh. Set every layer to sigmoid and the "
        "loss to mse to compare.")
    spiral = compute(reshape(guide_state(), data="spiral"), mine=derivative_of_z).mine
    assert "here layer 1 is tanh and layer 2 is tanh." in spiral.unsupported
    softmax = compute(replace(guide_state(), activations=["sigmoid", "identity"], loss="softmax_cross_entropy"),
                      mine=derivative_of_z).mine
    assert "here layer 2 is identity and the loss is softmax_cross_entropy." in softmax.unsupported
    xor = reshape(guide_state(), data="xor")
    batches = compute(replace(xor, batch=4), mine=derivative_of_z).mine
    assert batches.unsupported == "" and batches.first_wrong == "dL/dW2[0,0]"
    assert batches.note.startswith("Training here takes batches of 4; the step shown, chainrule's and yours, is")
    assert compute(xor, mine=derivative_of_z).mine.note == ""


def test_a_hang_is_one_line_and_the_lab_stops_calling_until_the_file_is_saved(tmp_path):
    path = tmp_path / "my_network.py"
    shutil.copy(fixture("hangs"), path)
    with MineProvider(path, timeout=0.5, check=False) as provider:
        worker = provider_processes(provider)
        first = compute(guide_state(), mine=provider).mine
        line = ("Your backward(target) did not return within 0.5 s (an endless loop?), so the lab stopped it. " + AGAIN)
        assert first.errors == {"backward": line}
        assert first.values["a2[0]"].status == "same"            # forward had returned
        again = compute(guide_state(), mine=provider).mine
        assert again.errors == {"run": line} and again.values == {}
        assert provider_processes(provider) == worker             # the alarm stopped their loop: same worker
        shutil.copy(fixture("correct"), path)                     # the learner fixes it and saves
        os.utime(path, ns=(os.stat(path).st_atime_ns, os.stat(path).st_mtime_ns + 10 ** 9))
        assert provider.status()["changed"] is True
        fixed = compute(guide_state(), mine=provider).mine
        assert fixed.errors == {} and fixed.first_wrong is None and provider.status()["changed"] is False
        processes = provider_processes(provider)
    assert processes and not any(running(pid) for pid in processes + worker)


def test_a_crash_and_an_exception_are_one_line_each(tmp_path):
    with MineProvider(fixture("crashes"), timeout=2.0, check=False) as provider:
        view = compute(guide_state(), mine=provider).mine
    assert view.errors == {"run": "Your code ended the process it ran in (exit code 3). " + AGAIN}
    assert view.values == {} and "about to crash" in view.printed
    path = tmp_path / "raises.py"
    path.write_text(fixture("correct").read_text().replace(
        "        a_out = self.activations[-1]\n", "        a_out = self.activations[-1]\n"
        "        raise ValueError('shapes (2,) and (1,) not aligned')\n"))
    with MineProvider(path, check=False) as provider:
        view = compute(guide_state(), mine=provider).mine
    assert view.errors == {"backward": "Your backward(target) raised ValueError: shapes (2,) and (1,) not aligned at "
                                       "line 46 (backward): raise ValueError('shapes (2,) and (1,) not aligned')"}
    assert view.values["a2[0]"].status == "same" and view.first_wrong is None
    with MineProvider(fixture("api_other_names"), check=False) as provider:     # a promise of the API broken
        view = compute(guide_state(), mine=provider).mine
    assert view.errors == {"backward": "Your backward(target) breaks the guide's API: backward() returned None; the "
                                       "guide's backward(target) returns (weight_grads, bias_grads), two lists"}


def test_a_file_saved_broken_says_why_and_one_that_cannot_load_does_not_start(tmp_path):
    path = tmp_path / "my_network.py"
    shutil.copy(fixture("correct"), path)
    with MineProvider(path, check=False) as provider:
        path.write_text(path.read_text().replace("def forward(self, x):", "def forward(self, x)"))
        os.utime(path, ns=(os.stat(path).st_atime_ns, os.stat(path).st_mtime_ns + 10 ** 9))
        view = compute(guide_state(), mine=provider).mine
        assert view.values == {} and list(view.errors) == ["run"]
        assert view.errors["run"].startswith(f"{path} cannot be loaded now: SyntaxError: expected ':' at line 31")
    with pytest.raises(ConfigError, match="no_network.py: cannot load your Network: no class with forward"):
        MineProvider(fixture("no_network"))
    with pytest.raises(ConfigError, match="no such file"):
        MineProvider(tmp_path / "missing.py")


def test_a_learners_nan_is_a_wrong_value_json_can_carry():
    items = compute(guide_state()).items
    view = compare(items, MineRun(source="x", values={"a2": [float("nan")], "loss": float("inf")}))
    assert (view.values["a2[0]"].value, view.values["a2[0]"].status, view.values["a2[0]"].text) == (None, "wrong", "nan")
    assert view.first_wrong == "a2[0]" and view.values["loss"].text == "inf"
    json.dumps(view.to_dict(), allow_nan=False)


def test_the_server_answers_how_the_check_is_doing_and_stops_the_sandbox():
    provider = MineProvider(fixture("correct"))
    started = provider_processes(provider)   # the session's supervisor and worker, the check just started
    with LabServer(mine=provider) as server:
        answer = post(server, "/api/mine", {})
        assert answer["source"].endswith("correct.py: class Network") and answer["check"]["state"] in ("running", "done")
        assert refused(server, "/api/mine", {"state": 1})["message"] == \
            "a mine request is the empty object {}, got the key(s) state"
        processes = set(started + provider_processes(provider))
    assert len(started) >= 3
    assert not any(running(pid) for pid in processes)
    with LabServer() as server:
        assert refused(server, "/api/mine", {})["message"] == \
            "this lab was started without --mine: there is no file of yours to report on"

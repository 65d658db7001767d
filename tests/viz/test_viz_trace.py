"""The guide's 2->2->1 hand-trace, recorded from chainrule's own layers: the real numbers
(what-the-code-prints.md, item 1), not the guide's hand-rounded ones."""
import json

import numpy as np
import pytest

from chainrule import Network
from chainrule.cli.main import main
from chainrule.errors import ConfigError, ShapeError
from chainrule.viz import format_trace, guide_trace, record_trace, spec_from_options, trace_from_spec


def r4(value):
    return np.round(np.asarray(value, dtype=float), 4).tolist()


def test_guide_trace_has_the_real_numbers_in_order():
    v = guide_trace().values()
    assert r4(v["z1"]) == [0.71, 1.02]
    assert r4(v["a1"]) == [0.6704, 0.735]
    assert r4(v["z2"]) == [0.8062]
    assert r4(v["a2"]) == [0.6913]
    assert r4(v["loss"]) == 0.0953
    assert r4(v["dL/da2"]) == [-0.6174]
    assert r4(v["da2/dz2"]) == [0.2134]
    assert r4(v["delta2"]) == [-0.1318]
    assert r4(v["dL/dW2"]) == [[-0.0883, -0.0968]]
    assert r4(v["dL/db2"]) == [-0.1318]
    assert r4(v["dL/da1"]) == [-0.0659, -0.0791]
    assert r4(v["da1/dz1"]) == [0.221, 0.1948]
    assert r4(v["delta1"]) == [-0.0146, -0.0154]
    assert r4(v["dL/dW1"]) == [[-0.0146, -0.0291], [-0.0154, -0.0308]]
    assert r4(v["W2_new"]) == [[0.5442, 0.6484]]
    assert r4(v["b2_new"]) == [0.0959]
    assert r4(v["W1_new"]) == [[0.1073, 0.3146], [0.2077, 0.4154]]
    assert r4(v["b1_new"]) == [0.0173, 0.0277]
    assert r4(v["new_prediction"]) == [0.7208]
    assert r4(v["new_loss"]) == 0.078
    # the guide's printing order: forward, loss, backward from the output, update, check
    names = list(v)
    assert names.index("a2") < names.index("loss") < names.index("dL/da2") < names.index("dL/da1")
    assert names.index("dL/db1") < names.index("W2_new") < names.index("new_loss")


def test_trace_is_a_record_of_the_network_not_a_second_implementation():
    net = Network([2, 3, 2], seed=5, activation="tanh")
    x, target = np.array([0.3, -1.2]), np.array([1.0, 0.0])
    before = net.copy_weights()
    trace = record_trace(net, x, target, learning_rate=0.1)
    for W, W0 in zip(net.weights, before[0]):           # the caller's network is untouched
        np.testing.assert_array_equal(W, W0)
    prediction = net.forward(x)
    weight_grads, bias_grads = net.backward(target)
    np.testing.assert_array_equal(trace.prediction, prediction)
    for record, layer, dW, db in zip(trace.layers, net.layers, weight_grads, bias_grads):
        np.testing.assert_array_equal(record.z, layer.z)
        np.testing.assert_array_equal(record.delta, layer.delta)
        np.testing.assert_array_equal(record.grad_a, layer.grad_a)
        np.testing.assert_array_equal(record.dW, dW)
        np.testing.assert_array_equal(record.db, db)
    loss_before = net.train_step(x, target, 0.1)
    assert loss_before == trace.loss
    for record, W in zip(trace.layers, net.weights):
        np.testing.assert_array_equal(record.W_new, W)
    np.testing.assert_array_equal(trace.new_prediction, net.forward(x))


def test_printed_trace_shows_real_values_and_where_the_guide_differs():
    text = format_trace(guide_trace())
    assert "a1         = sigmoid(z1)           = [0.6704 0.735 ]" in text
    assert "guide prints [0.6706 0.7352] (hand arithmetic: sigmoid(0.71) = 0.67040" in text
    assert "see `chainrule errata 9-13`" in text
    assert "= [[0.1073 0.3146] [0.2077 0.4154]]" in text
    assert "prediction = a2 after the update   = [0.7208]" in text
    assert "guide prints [0.7253] (its own updated weights give 0.7207)" in text
    assert "Loss 0.0953 -> 0.0780: decreased after one step." in text
    # W1/b1 updates and z1 agree with the guide: no note under them
    lines = text.splitlines()
    w1 = next(i for i, line in enumerate(lines) if line.strip().startswith("W1 new"))
    assert "guide prints" not in lines[w1 + 1]
    assert "18 values differ" in text
    assert "guide prints" not in format_trace(guide_trace(), notes=False)


def test_seeded_network_is_the_guides_block_14():
    trace = trace_from_spec(spec_from_options(layers="2,2,1", seed=0))
    assert r4(trace.prediction) == [0.6816]
    assert r4(trace.loss) == 0.1014
    assert r4(trace.layers[0].dW) == [[-0.0171, -0.0343], [0.0006, 0.0011]]
    assert r4(trace.layers[1].dW) == [[-0.1283, -0.1376]]
    assert r4(trace.layers[1].db) == [-0.1382]
    assert trace.guide == {}                       # no guide notes for another network
    assert "guide prints" not in format_trace(trace)


def test_exercise_2_1_from_options():
    # the guide's Exercise 2.1: the same network, x = [0.5, 1.5], target [0]; what-the-code-prints.md item 11
    spec = spec_from_options(x=[0.5, 1.5], target=[0.0])
    trace = trace_from_spec(spec)
    assert r4(trace.layers[0].z) == [0.51, 0.72]
    assert r4(trace.layers[0].a) == [0.6248, 0.6726]
    assert r4(trace.prediction) == [0.6783]
    assert r4(trace.loss) == 0.4601
    assert r4(trace.layers[1].delta) == [0.296]
    assert r4(trace.layers[1].dW) == [[0.185, 0.1991]]
    assert r4(trace.layers[0].delta) == [0.0347, 0.0391]
    assert r4(trace.layers[0].dW) == [[0.0173, 0.052], [0.0196, 0.0587]]
    text = format_trace(trace)   # the guide prints this trace too (block 16): notes where it differs
    assert "guide prints [0.6784] (Exercise 2.1's hand arithmetic)" in text
    assert "guide prints [[0.1851 0.1992]]" in text
    assert "guide prints [0.51" not in text and "guide prints [0.0347" not in text
    assert "guide prints" not in format_trace(trace_from_spec(spec_from_options(x=[0.5, 1.5], target=[1.0])))


def test_json_spec_file_and_cli(tmp_path, capsys):
    spec = {"weights": [[[0.1, 0.3], [0.2, 0.4]], [[0.5, 0.6]]], "biases": [[0.01, 0.02], [0.03]],
            "x": [1, 2], "target": [1], "activation": "sigmoid", "loss": "mse", "learning_rate": 0.5}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    assert main(["trace", "--spec", str(path)]) == 0
    out = capsys.readouterr().out
    assert "delta2     = dL/da2 * da2/dz2      = [-0.1318]" in out
    assert "guide prints [-0.1316]" in out          # the same network as the guide: notes apply
    assert main(["trace", "--spec", str(path), "--loss", "cross_entropy"]) == 0
    out = capsys.readouterr().out
    assert "cross_entropy loss" in out and "guide prints" not in out
    assert "dL/da2     = (a2 - t) / (a2 (1 - a2))" in out


def test_bad_specs_are_rejected_with_clear_messages(tmp_path):
    with pytest.raises(ShapeError, match=r"weights\[1\] has shape \(1, 3\)"):
        trace_from_spec({"weights": [[[1, 2], [3, 4]], [[1, 2, 3]]]})
    with pytest.raises(ConfigError, match="unknown trace spec key"):
        trace_from_spec({"layers": [2, 1], "wieghts": []})
    with pytest.raises(ConfigError, match="either --weights or --layers"):
        spec_from_options(layers="2,1", weights=[[[1, 2]]])
    with pytest.raises(ShapeError, match="one example"):
        record_trace(Network([2, 1]), np.ones((3, 2)), np.ones((3, 1)))
    assert main(["trace", "--animate", str(tmp_path / "a.txt")]) == 2
    assert not (tmp_path / "a.txt").exists()


def test_float32_network_is_traced_in_float32():
    net = Network([2, 2, 1], seed=0, dtype=np.float32)
    trace = record_trace(net, [1.0, 2.0], [1.0])
    assert trace.layers[0].z.dtype == np.float32 and trace.layers[1].dW.dtype == np.float32
    np.testing.assert_array_equal(trace.prediction, net.forward(np.array([1.0, 2.0], dtype=np.float32)))
    assert r4(trace.prediction) == [0.6816]

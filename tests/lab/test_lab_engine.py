"""The lab's engine: every value it shows is chainrule's, every formula has the right numbers in it."""
import math
import re

import numpy as np
import pytest

from chainrule import ChainruleError, ConfigError, Network
from chainrule.guide.training_loop import train_xor_pass
from chainrule.lab import compute, guide_state, reshape, seeded_state, train
from chainrule.lab.engine import MAX_UPDATES
from chainrule.viz import guide_trace, trace_from_spec


def _elements(name, value):
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        yield name, float(array)
        return
    for index in np.ndindex(array.shape):
        yield f"{name}[{','.join(map(str, index))}]", float(array[index])


def test_every_value_is_the_trace_of_chainrule_trace():
    items = {item.id: item for item in compute(guide_state()).items}
    expected = dict(kv for name, value in guide_trace().values().items() for kv in _elements(name, value))
    assert set(expected) <= set(items)
    for item_id, value in expected.items():
        assert items[item_id].value == value, item_id
    # what `chainrule trace` prints (4 decimals), as the page shows it
    assert [items[f"a1[{j}]"].text for j in range(2)] == ["0.6704", "0.7350"]
    assert items["loss"].text == "0.0953" and items["new_loss"].text == "0.0780"


def test_formulas_carry_the_numbers():
    items = {item.id: item for item in compute(guide_state()).items}
    assert items["dL/dW2[0,1]"].line == "dL/dW2[0,1] = delta2[0] × a1[1] = -0.1318 × 0.7350 = -0.0968"
    assert items["delta1[0]"].line == ("delta1[0] = dL/da1[0] × da1/dz1[0] = (W2ᵀ delta2)[0] × a1[0] × (1 - a1[0]) "
                                       "= -0.0659 × 0.2210 = -0.0146")
    assert items["z1[0]"].line == ("z1[0] = W1[0,0] × x[0] + W1[0,1] × x[1] + b1[0] = 0.1000 × 1.0000 + "
                                   "0.3000 × 2.0000 + 0.0100 = 0.7100")
    assert items["dL/da1[1]"].line == ("dL/da1[1] = (W2ᵀ delta2)[1] = W2[0,1] × delta2[0] = 0.6000 × (-0.1318) "
                                       "= -0.0791")
    assert items["W2_new[0,1]"].line == ("new W2[0,1] = W2[0,1] - lr × dL/dW2[0,1] = 0.6000 - 0.5 × (-0.0968) "
                                         "= 0.6484")
    assert items["loss"].line == "loss = (a2[0] - target[0])^2 = (0.6913 - 1.0000)^2 = 0.0953"
    # where the guide's hand arithmetic slipped, the item says so
    assert items["a1[0]"].guide.startswith("The guide prints 0.6706 here (hand arithmetic")
    assert items["z1[0]"].guide == "" and items["W1_new[0,0]"].guide == ""
    assert [p.key for p in compute(guide_state()).phases] == [
        "start", "forward1", "forward2", "loss", "backward2", "backward1", "update", "result"]


def _evaluate(plugged):
    """A plugged-in formula as Python, where it is plain arithmetic; None where it is prose."""
    text = plugged.replace("×", "*").replace("^", "**").replace("ᵀ", "")
    text = re.sub(r"\blog ([\d.()-]+)", r"log(\1)", text)
    names = {"log": math.log, "exp": math.exp, "sigmoid": lambda z: 1 / (1 + math.exp(-z)), "tanh": math.tanh,
             "relu": lambda z: max(z, 0.0), "identity": lambda z: z, "leaky_relu": lambda z: z if z > 0 else 0.01 * z}
    if re.search(r"[a-zA-Z]", re.sub(r"\b(" + "|".join(names) + r")\b", "", text)):
        return None
    return eval(text, {"__builtins__": {}}, names)  # noqa: S307 - our own formula text, numbers and + - * / only


@pytest.mark.parametrize("activation, output, loss", [
    ("sigmoid", "sigmoid", "mse"), ("tanh", "sigmoid", "cross_entropy"), ("relu", "identity", "softmax_cross_entropy"),
    ("leaky_relu", "softmax", "mse"), ("identity", "tanh", "mse"), ("softmax", "sigmoid", "cross_entropy")])
def test_plugged_formulas_compute_the_value(activation, output, loss):
    """Every formula whose plugged-in form is arithmetic gives chainrule's value (up to the 4-decimal rounding)."""
    state = seeded_state([3, 3, 2], seed=4, activations=[activation, output], loss=loss)
    state.x[:] = [0.5, -1.0, 2.0]
    if loss != "mse":
        state.target[:] = [1.0, 0.0]
    evaluated = 0
    for item in compute(state).items:
        if len(item.stages) < 2:
            continue
        value = _evaluate(item.stages[-1])
        if value is not None:
            evaluated += 1
            assert value == pytest.approx(item.value, rel=2e-2, abs=3e-3), item.line
    assert evaluated >= 30


def test_a_link_holds_the_whole_state():
    from chainrule.lab import fragment, state_from_fragment

    trained, _, _ = train(reshape(guide_state(), data="spiral"), 3)
    for state in (guide_state(), seeded_state([4, 8, 8, 8, 3], seed=5, loss="softmax_cross_entropy"), trained):
        again = state_from_fragment("#" + fragment(state))
        assert again.to_dict() == state.to_dict()
    assert fragment(guide_state()) == ("layers=2,2,1&act=sigmoid,sigmoid&loss=mse&lr=0.5&x=1,2&target=1"
                                       "&W1=0.1,0.3;0.2,0.4&b1=0.01,0.02&W2=0.5,0.6&b2=0.03")
    # a short hand-written link takes the defaults chainrule trace takes
    short = state_from_fragment("http://127.0.0.1:8000/?token=abc#layers=2,3,1&seed=0")
    assert [W.tolist() for W in short.weights] == [W.tolist() for W in Network([2, 3, 1], seed=0).weights]
    assert short.x.tolist() == [1.0, 2.0] and short.target.tolist() == [1.0]
    xor = state_from_fragment("data=xor")
    assert xor.layers == [2, 4, 1] and xor.learning_rate == 2.0
    assert xor.weights[0].tolist() == Network([2, 4, 1], seed=42).weights[0].tolist()
    assert state_from_fragment("").to_dict() == guide_state().to_dict()


@pytest.mark.parametrize("link, message", [
    ("layers=2,9,1", "layers[1] must be between 1 and 8, got 9"),
    ("layers=2,2,2,2,2,2", "layers must be a list of 2 to 5 layer sizes"),
    ("W1=1,2&W3=1", "the link gives weights W1, W3: give all of W1, W2 or none"),
    ("colour=red", "unknown link part 'colour=red'"),
    ("act=sigmod,sigmoid", "link.activations[0] must be one of sigmoid, tanh, relu, leaky_relu, identity, softmax, "
                           "got 'sigmod'"),
    ("x=1,two", "link part x= must be comma-separated numbers, got '1,two'"),
    ("x=1,2,3", "link.x must hold 2 number(s), got 3"),
    ("lr=0", "link.learning_rate must be in (0, 1000], got 0"),
    ("W1=1e300,0;0,0&W2=1,1", "link.weights[0][0,0] must be in [-1e+06, 1e+06], got 1e+300"),
    ("loss=softmax_cross_entropy&act=sigmoid,sigmoid", "softmax_cross_entropy takes logits"),
    ("loss=cross_entropy&target=2", "link.target must hold probabilities in [0, 1] for cross-entropy"),
    ("data=xor&layers=2,2,2", "link.layers [2, 2, 2] do not fit the xor data: it needs 2 input(s) and 1 output"),
    ("data=xor&example=4", "link.example must be between 0 and 3, got 4"),
    ("data=moons", "link part data= must be one of xor, circles, spiral, sine, got 'moons'"),
    ("x=1&x=2", "link part x= is given twice"),
    ("layers=" + "1," * 20000, "the link is 40,007 characters long; the lab reads at most 20,000"),
])
def test_a_bad_link_says_what_is_wrong(link, message):
    from chainrule.lab import state_from_fragment

    with pytest.raises(ChainruleError, match=re.escape(message)):
        state_from_fragment(link)


def test_reshape_keeps_what_fits_and_draws_the_rest():
    state = reshape(guide_state(), layers=[2, 3, 1])
    fresh = Network([2, 3, 1], seed=0)
    assert state.weights[0][:2].tolist() == [[0.1, 0.3], [0.2, 0.4]]
    assert state.weights[0][2].tolist() == fresh.weights[0][2].tolist()
    assert state.weights[1][0, :2].tolist() == [0.5, 0.6] and state.biases[1].tolist() == [0.03]
    deeper = reshape(guide_state(), layers=[2, 2, 2, 1])
    assert deeper.weights[-1].tolist() == [[0.5, 0.6]] and deeper.activations == ["sigmoid"] * 3
    assert deeper.weights[1].tolist() == Network([2, 2, 2, 1], seed=0).weights[1].tolist()
    redrawn = reshape(guide_state(), seed=3, new_weights=True)
    assert [W.tolist() for W in redrawn.weights] == [W.tolist() for W in Network([2, 2, 1], seed=3).weights]
    xor = reshape(guide_state(), data="xor")
    picked = reshape(xor, example=2)
    assert picked.x.tolist() == [1.0, 0.0] and picked.target.tolist() == [1.0]
    with pytest.raises(ConfigError, match=r"the xor data needs 2 input\(s\) and 1 output"):
        reshape(xor, layers=[3, 4, 1])
    with pytest.raises(ConfigError, match="choose a data set first"):
        reshape(guide_state(), example=1)


def test_a_step_is_chainrules_train_step():
    state, losses, note = train(guide_state(), 1)
    net = guide_state().network()
    loss = net.train_step(np.array([1.0, 2.0]), np.array([1.0]), 0.5)
    assert losses == [loss] and note == ""
    assert all(np.array_equal(a, b) for a, b in zip(state.weights, net.weights))
    assert compute(state).items[0].value == 1.0
    assert {i.id: i for i in compute(state).items}["loss"].value < loss     # the step lowered the loss


def test_xor_trains_as_the_guides_loop_and_in_pieces_as_at_once():
    xor = reshape(guide_state(), data="xor")
    at_once, losses, _ = train(xor, 300)
    in_pieces = xor
    for _ in range(3):
        in_pieces, _, _ = train(in_pieces, 100)
    guide = Network([2, 4, 1], seed=42)
    guide_losses = [train_xor_pass(guide, 2.0) for _ in range(300)]
    assert losses == guide_losses
    assert all(np.array_equal(a, b) for a, b in zip(at_once.weights, guide.weights))
    assert in_pieces.to_dict() == at_once.to_dict() and at_once.steps == 300
    spiral = reshape(guide_state(), data="spiral")                   # mini-batches, shuffled by (seed, epoch)
    a, _, _ = train(spiral, 4)
    b, _, _ = train(train(spiral, 1)[0], 3)
    assert a.to_dict() == b.to_dict()


def test_divergence_keeps_the_last_good_weights():
    state = seeded_state([2, 3, 1], seed=1, activations=["identity", "identity"], learning_rate=900.0)
    trained, losses, note = train(state, 50)
    assert note.startswith(f"Training diverged at step {len(losses) + 1}") and "10x lower than 900" in note
    assert len(losses) < 50 and all(np.isfinite(W).all() for W in trained.weights)
    with pytest.raises(ConfigError, match=f"one request makes at most {MAX_UPDATES:,}"):
        train(reshape(guide_state(), data="circles"), 1000)


def test_the_data_sets_pictures():
    xor, _, _ = train(reshape(guide_state(), data="xor"), 2000)
    picture = compute(xor).picture
    assert picture.kind == "boundary" and picture.correct == 4 and len(picture.values) == 41 * 41
    net = xor.network()
    assert picture.predictions == net.forward(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float))[:, 0].tolist()
    # the grid's corners are the plane's corners, top row first
    assert picture.values[0] == round(float(net.forward([picture.x_range[0], picture.y_range[1]])[0]), 4)
    assert picture.values[-1] == round(float(net.forward([picture.x_range[1], picture.y_range[0]])[0]), 4)
    sine = compute(reshape(guide_state(), data="sine")).picture
    assert sine.kind == "curve" and len(sine.xs) == 101 and sine.correct is None
    assert compute(guide_state()).picture is None


def test_the_guides_trace_specs_agree():
    """The lab's state is a trace spec: the same network gives the same trace as `chainrule trace --spec`."""
    state = seeded_state([3, 4, 2], seed=99)
    state.x[:] = [0.5, -1.0, 2.0]
    state.target[:] = [1.0, 0.0]
    lab = {i.id: i.value for i in compute(state).items}
    trace = trace_from_spec({"layers": [3, 4, 2], "seed": 99, "x": [0.5, -1, 2], "target": [1, 0]})
    for name, value in trace.values().items():
        for item_id, v in _elements(name, value):
            assert lab[item_id] == v


def test_the_learners_values_beside_chainrules():
    from chainrule.lab import MineRun, compare
    from chainrule.lab.mine import run_safely
    from fake_mine import DerivativeOfZ

    result = compute(guide_state(), mine=DerivativeOfZ())
    view = result.mine
    assert view.first_wrong == "dL/dW2[0,0]"          # forward and the loss agree; backward is the first to differ
    assert [view.values[f"a{l}[0]"].status for l in (1, 2)] == ["same", "same"]
    assert view.values["delta2[0]"].status == "missing"  # the guide's API does not expose deltas
    assert view.values["W1_new[1,1]"].status == "wrong" and view.diagnoses[0].kind == "derivative_of_z"
    data = result.to_dict()["mine"]
    assert data["values"]["loss"] == {"value": view.values["loss"].value, "status": "same", "text": "0.0953"}
    # a value of the wrong shape, and a sandbox that refuses
    items = compute(guide_state()).items
    odd = compare(items, MineRun(source="x", values={"z1": [1.0], "a1": [[0.67, 0.73]]}))
    assert odd.values["z1[1]"].status == "wrong" and odd.values["z1[1]"].text == "shape (1,)"

    def refuses(state):
        raise ConfigError("my_network.py has no class with forward and backward")
    run = run_safely(refuses, guide_state())
    assert run.errors == {"run": "my_network.py has no class with forward and backward"}
    assert compare(items, run).first_wrong is None

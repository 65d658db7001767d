"""Model files keep every parameter of every kind (format version 2: the kinds' configs), and a file written
before that (format version 1) still loads with the same outputs."""
import inspect
import json
from pathlib import Path

import numpy as np
import pytest

from chainrule import ACTIVATIONS, LOSSES, Network
from chainrule.training import load_model, save_model

FIXTURES = Path(__file__).parent / "fixtures"


def non_default_params(kind):
    """Keyword arguments unlike every default of ``kind`` (as in tests/core/test_kinds.py)."""
    return {name: parameter.default * 3 + 0.27 for name, parameter in inspect.signature(kind).parameters.items()}


def made(registry, name):
    kind = registry.lookup(name)
    return kind(**non_default_params(kind))


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_every_activation_comes_back_with_every_parameter(tmp_path, name):
    activation = made(ACTIVATIONS, name)
    output = activation if activation.elementwise else made(ACTIVATIONS, "sigmoid")
    net = Network([3, 4, 2], seed=5, activation=activation, output_activation=output)
    again = load_model(save_model(net, tmp_path / f"{name}.npz"))
    assert [layer.activation.config() for layer in again.layers] == [activation.config(), output.config()]
    x = np.random.RandomState(0).uniform(-3, 3, (5, 3))
    np.testing.assert_array_equal(again.forward(x), net.forward(x))


@pytest.mark.parametrize("name", list(LOSSES))
def test_every_loss_comes_back_with_every_parameter(tmp_path, name):
    loss = made(LOSSES, name)
    net = Network([3, 4, 2], seed=5, loss=loss)
    again = load_model(save_model(net, tmp_path / f"{name}.npz"))
    assert again.loss.config() == loss.config() and type(again.loss) is type(loss)


def test_the_leaky_relu_slope_survives_save_and_load(tmp_path):
    # the bug of issue 16: the slope came back as 0.01, and with it other outputs
    net = Network([2, 3, 1], seed=0, activation={"name": "leaky_relu", "alpha": 0.3})
    again = load_model(save_model(net, tmp_path / "leaky.npz"))
    assert again.layers[0].activation.alpha == 0.3
    x = np.array([[-1.0, -2.0]])
    np.testing.assert_array_equal(again.forward(x), net.forward(x))


def test_a_model_file_of_format_version_1_still_loads():
    """Written by chainrule before issue 16 (activation names only): [3, 5, 4, 3] tanh, leaky_relu (its default
    slope, all that version 1 could store), softmax cross-entropy, trained one epoch."""
    path = FIXTURES / "model_format_v1.npz"
    expected = json.loads((FIXTURES / "model_format_v1.expected.json").read_text())
    net = load_model(path)
    assert net.description["format_version"] == 1
    assert net.activation_names == ["tanh", "leaky_relu", "identity"] and net.loss.name == "softmax_cross_entropy"
    assert net.layers[1].activation.alpha == 0.01 and net.metadata["classes"] == ["a", "b", "c"]
    X = np.array(expected["X"])
    np.testing.assert_array_equal(net.forward(X), expected["forward"])
    np.testing.assert_array_equal(net.predict_proba(X), expected["predict_proba"])
    assert net.predict(X).tolist() == expected["predict"]


def test_a_model_file_stores_names_and_configs(tmp_path):
    path = save_model(Network([2, 3, 1], activation={"name": "leaky_relu", "alpha": 0.3}), tmp_path / "m.npz")
    with np.load(path) as archive:
        description = json.loads(str(archive["chainrule_model"]))
    assert description["format_version"] == 2
    assert description["activations"] == ["leaky_relu", "sigmoid"]
    assert description["activation_configs"] == [{"name": "leaky_relu", "alpha": 0.3}, {"name": "sigmoid"}]
    assert description["loss_config"] == {"name": "mse"}

"""Activation and loss kinds carry their whole contract: a config the registry rebuilds them from, their formula
text, what their output means. Every registered kind is checked, so a new kind is checked the day it is added."""
import inspect

import numpy as np
import pytest

from chainrule import ACTIVATIONS, LOSSES, ConfigError, Network
from chainrule.core.activations import LeakyReLU, Softplus, softplus
from chainrule.core.registry import Registry


def non_default_params(kind):
    """Keyword arguments unlike every default of ``kind``: a parameter that falls back to its default on the way
    through a config (or a file) then shows."""
    params = {}
    for name, parameter in inspect.signature(kind).parameters.items():
        default = parameter.default
        assert isinstance(default, (int, float)) and not isinstance(default, bool), \
            f"{kind.__name__}.{name}: extend non_default_params for a {type(default).__name__} parameter"
        params[name] = default * 3 + 0.27
    return params


@pytest.mark.parametrize("registry", [ACTIVATIONS, LOSSES], ids=["activations", "losses"])
def test_every_kind_comes_back_from_its_config_with_every_parameter(registry):
    for name in registry:
        kind = registry.lookup(name)
        made = kind(**non_default_params(kind))
        config = made.config()
        assert config["name"] == name and set(config) == {"name", *non_default_params(kind)}
        again = registry.from_config(config)
        assert type(again) is kind and again.config() == config
        assert registry.create(name).config()["name"] == name


def test_the_leaky_relu_slope_is_in_its_config():
    assert LeakyReLU(0.3).config() == {"name": "leaky_relu", "alpha": 0.3}
    assert ACTIVATIONS.create({"name": "leaky_relu", "alpha": 0.3}).alpha == 0.3
    assert Network([2, 3, 1], activation={"name": "leaky_relu", "alpha": 0.3}).layers[0].activation.alpha == 0.3


@pytest.mark.parametrize("config, message", [
    ({"alpha": 0.3}, "must be a dict with a 'name'"),
    ({"name": "swish"}, "unknown activation 'swish'; choose one of sigmoid, tanh"),
    ({"name": "sigmoid", "alpha": 0.3}, "activation 'sigmoid' cannot take {'alpha': 0.3}"),
    ({"name": "leaky_relu", "alpha": "steep"}, "leaky_relu's alpha must be a finite number, got 'steep'"),
    ({"name": "leaky_relu", "alpha": float("nan")}, "leaky_relu's alpha must be a finite number, got nan"),
])
def test_a_bad_config_is_a_config_error_naming_it(config, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("{", r"\{")):
        ACTIVATIONS.from_config(config)


def test_a_registry_reads_as_the_tuple_of_names_it_replaced():
    assert ACTIVATIONS[:6] == ("sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax")
    assert "softplus" in ACTIVATIONS and "swish" not in ACTIVATIONS
    assert list(LOSSES) == ["mse", "cross_entropy", "softmax_cross_entropy"]
    assert LOSSES.lookup("sce") is LOSSES.lookup("softmax_cross_entropy")


def test_registering_refuses_a_nameless_class_or_a_second_kind_under_a_name():
    registry = Registry("activation", ACTIVATIONS.base)

    class Nameless(ACTIVATIONS.base):
        pass

    class Other(ACTIVATIONS.base):
        name = "sigmoid"

    registry.register(ACTIVATIONS.lookup("sigmoid"))
    with pytest.raises(ConfigError, match="needs a `name`"):
        registry.register(Nameless)
    with pytest.raises(ConfigError, match="'sigmoid' is already registered"):
        registry.register(Other)
    with pytest.raises(ConfigError, match="not a subclass of Activation"):
        registry.register(int)


def test_what_a_loss_takes_decides_the_output_activation_and_predict_proba():
    sce, mse = LOSSES.create("softmax_cross_entropy"), LOSSES.create("mse")
    assert sce.takes_logits and sce.output_activation == "identity"
    assert not mse.takes_logits and mse.output_activation == "sigmoid"
    net = Network([3, 4], loss="softmax_cross_entropy")
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(net.predict_proba(x).sum(), 1.0)
    np.testing.assert_array_equal(net.predict_proba(x), sce.probabilities(net.forward(x)))
    with pytest.raises(ConfigError, match="softmax_cross_entropy takes logits"):
        Network([3, 4], output_activation="sigmoid", loss="softmax_cross_entropy")


def test_formula_texts_are_the_kinds_own():
    assert ACTIVATIONS.create("sigmoid").derivative_formula(1) == "a1 (1 - a1)"
    assert ACTIVATIONS.create("softmax").element_formula(2) == "exp(z2) / sum(exp(z2))"
    assert LOSSES.create("mse").gradient_formula(2, 3) == "2 (a2 - target) / 3"
    assert LOSSES.create("softmax_cross_entropy").formula(2) == "-sum(target * log softmax(z2))"


def test_saturation_and_dead_units_are_the_kinds_own():
    a = np.array([[0.001, 0.5], [0.999, 0.5]])
    assert ACTIVATIONS.create("sigmoid").saturated_fraction(a) == 0.5
    assert ACTIVATIONS.create("relu").saturated_fraction(a) is None
    assert ACTIVATIONS.create("relu").dead_units(np.array([[0.0, 1.0], [0.0, 0.0]])) == 1
    assert ACTIVATIONS.create("leaky_relu").dead_units(a) is None


def test_the_baseline_is_what_predicting_the_mean_scores():
    Y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 0.0]])
    mean = Y.mean(axis=0)
    assert LOSSES.create("mse").baseline(Y) == pytest.approx(np.mean((Y - mean) ** 2))
    assert LOSSES.create("softmax_cross_entropy").baseline(Y) == pytest.approx(-np.log(mean) @ mean)
    sigmoid = ACTIVATIONS.create("sigmoid")
    assert LOSSES.create("mse").baseline(Y * 3, output_activation=sigmoid) is None   # sigmoid cannot output 2.25


# --- softplus, the kind added to prove it takes one file and one registration line ---

def test_softplus_is_log_one_plus_exp_without_overflow():
    z = np.array([-800.0, -30.0, 0.0, 2.0, 800.0])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        a = softplus(z)
    np.testing.assert_allclose(a[1:4], np.log1p(np.exp(z[1:4])), rtol=1e-15)
    assert a[0] == 0.0 and a[-1] == 800.0
    # its derivative, sigmoid(z), in terms of the output a: exact even where a is tiny
    np.testing.assert_allclose(Softplus().derivative(a[1:]), 1 / (1 + np.exp(-z[1:])), rtol=1e-12)


def test_softplus_gradients_pass_the_finite_difference_check():
    from chainrule import gradient_check

    net = Network([3, 5, 2], seed=3, activation="softplus", loss="mse")
    report = gradient_check(net, np.array([0.5, -1.0, 2.0]), np.array([1.0, 0.0]))
    assert report.passed, str(report)

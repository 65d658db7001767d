"""Settings are validated at the boundary by the same helpers everywhere (chainrule.core.validation): the
practice project's config, fit, train_epoch, the scikit-learn estimators. A setting that decides a size (epochs:
the history a run keeps; batch x the widest layer; hidden_layer_sizes) is checked against the memory budget before
anything is allocated (measured in a child: VmHWM), and nothing is written that would be refused on reading."""
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule import ConfigError, InputValueError, ModelFileError, Network, ShapeError
from chainrule.training import fit, save_model
from chainrule.project import ProjectConfig
from chainrule.viz.sweep import lr_sweep

from hostile_files import MIB, attempt_in_child

X = np.random.default_rng(0).normal(size=(12, 3))
Y = np.eye(2)[np.arange(12) % 2]
SEED_RANGE = "must be a whole number from 0 to 4,294,967,295 (2**32 - 1), got "
LIMIT = "more than chainrule's memory limit of 1 GiB; if you really need that much, raise the limit with"


@settings(max_examples=40)
@given(key=st.sampled_from(["seed", "split_seed"]),
       value=st.one_of(st.integers(-2 ** 40, 2 ** 40), st.floats(-10, 10), st.booleans(), st.text(max_size=2)))
def test_project_seeds_are_checked_before_any_data_is_loaded(key, value):
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2 ** 32:
        assert getattr(ProjectConfig(**{key: value}), key) == value
        return
    with pytest.raises(ConfigError) as caught:
        ProjectConfig(**{key: value})
    assert str(caught.value) == f"{key} {SEED_RANGE}{value!r}"


@pytest.mark.parametrize("settings_, message", [
    (dict(dtype="float16"), "dtype must be float32 or float64, got float16"),
    (dict(hidden=[64, True]), "layer_sizes must be a list of whole numbers such as [784, 64, 5], got [784, 64, True, 5]"),
    (dict(hidden=[64.5]), "layer_sizes must be a list of whole numbers such as [784, 64, 5], got [784, 64.5, 5]"),
    (dict(hidden=[10 ** 6]), "the network (layer sizes [784, 1000000, 5], 790,000,005 parameters) needs 5.89 GiB "
                             "(6,320,000,040 bytes), " + LIMIT),
    (dict(epochs=10 ** 12), "a training history of 1,000,000,000,000 epochs (about 256 bytes each) needs 233 TiB "
                            "(256,000,000,000,000 bytes), " + LIMIT),
])
def test_project_settings_that_decide_sizes_are_refused_up_front(settings_, message):
    with pytest.raises(ConfigError) as caught:
        ProjectConfig(**settings_)
    assert str(caught.value).startswith(message)


def test_a_checkpoint_or_model_with_such_settings_is_a_model_file_error():
    with pytest.raises(ModelFileError) as caught:
        ProjectConfig.from_saved({"seed": -1}, "checkpoint 'c.npz'")
    assert str(caught.value) == f"checkpoint 'c.npz' holds invalid project settings: seed {SEED_RANGE}-1"
    with pytest.raises(ModelFileError, match=r"^model file 'm.npz' holds project settings this chainrule does not "
                                             r"know: 'colour' \(written by a newer chainrule, or edited\)$"):
        ProjectConfig.from_saved({"colour": "red"}, "model file 'm.npz'")


def test_fit_checks_its_seed_and_epochs_before_training():
    net = Network([3, 2], seed=0)
    before = net.copy_weights()
    with pytest.raises(ConfigError, match=re.escape(f"seed {SEED_RANGE}-1")):
        fit(net, X, Y, epochs=1, learning_rate=0.1, seed=-1, diagnostics=False)
    with pytest.raises(ConfigError, match=re.escape("a training history of 10,000,000,000 epochs")):
        fit(net, X, Y, epochs=10 ** 10, learning_rate=0.1, diagnostics=False)
    for W, W0 in zip(net.weights, before[0]):
        np.testing.assert_array_equal(W, W0)


def test_a_batch_too_large_for_the_budget_is_refused_before_the_first_step():
    """[1, 200000, 1] has 600,001 parameters (4.8 MB) but a batch of 100 makes 160 MB arrays in each layer."""
    code = ("import numpy as np\nfrom chainrule import Network\nfrom chainrule.training import fit\n"
            "def attempt():\n    net = Network([1, 200_000, 1])\n"
            "    {call}\n")
    message = ("ConfigError: a batch of 100 examples through a layer of 200,000 units (float64) needs 153 MiB "
               "(160,000,000 bytes), more than chainrule's memory limit of 100 MiB; if you really need that much, "
               "raise the limit with --max-memory 256M or CHAINRULE_MAX_MEMORY=256M")
    for call in ("net.train_epoch(np.ones((500, 1)), np.ones((500, 1)), 0.1, batch_size=100)",
                 "fit(net, np.ones((500, 1)), np.ones((500, 1)), epochs=1, learning_rate=0.1, batch_size=100)"):
        error, peak = attempt_in_child(code.format(call=call), env={"CHAINRULE_MAX_MEMORY": "100M"})
        assert error == message
        assert peak < 150 * MIB, peak / MIB


def test_lr_sweep_needs_learning_rates_and_checks_them_all_first():
    with pytest.raises(ConfigError, match=r"^lr_sweep needs at least one learning rate, got none$"):
        lr_sweep([], steps=1)
    with pytest.raises(ConfigError, match=r"^learning rate must be > 0, got -1$"):
        lr_sweep([0.5, -1], steps=10 ** 9)   # refused before the first 10**9 steps at 0.5


# --- never write a file you would refuse to read; the previous file kept ---

@pytest.mark.parametrize("spoil, error, message", [
    (lambda net: net.weights.__setitem__(0, np.ones((2, 2))), ShapeError,
     r"^net.weights\[0\] \(layer 1\) has shape \(2, 2\) but layer 1 of Network\(\[3, 2\]"),
    (lambda net: net.biases.__setitem__(0, np.ones(2, dtype=np.float32)), ConfigError,
     r"^net.biases\[0\] \(layer 1\) has dtype float32 but the network computes in float64"),
    (lambda net: net.weights[0].__setitem__((0, 0), np.nan), InputValueError,
     r"save_model refuses to write .*: the network's layer 1 holds NaN or infinite weights"),
])
def test_save_model_over_a_good_model_keeps_it_byte_identical(tmp_path, spoil, error, message):
    path = tmp_path / "model.npz"
    net = Network([3, 2], seed=0)
    save_model(net, path)
    good = path.read_bytes()
    spoil(net)
    with pytest.raises(error, match=message):
        save_model(net, path)
    assert path.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz"]


# --- the scikit-learn estimators ---

@pytest.mark.filterwarnings("ignore:Stochastic optimizer")
def test_sklearn_settings_get_the_same_errors():
    pytest.importorskip("sklearn")
    from chainrule.interop.sklearn import ChainruleClassifier, ChainruleRegressor
    labels = np.arange(12) % 2
    for estimator in (ChainruleClassifier, ChainruleRegressor):
        for seed in (-1, 2 ** 32, 1.5, "a", True):
            with pytest.raises(ConfigError) as caught:
                estimator(random_state=seed, max_iter=1).fit(X, labels)
            assert str(caught.value) == f"random_state {SEED_RANGE}{seed!r}"
        masked = np.ma.array(X, mask=X > 1)
        with pytest.raises(InputValueError) as caught:
            estimator(max_iter=1).fit(masked, labels)
        assert str(caught.value) == ("X is a masked array; chainrule would silently use the hidden values, so fill "
                                     "them first (X.filled(value)) or drop those rows")
        fitted = estimator(max_iter=1, random_state=0).fit(X, labels)
        with pytest.raises(InputValueError, match=r"^X is a masked array"):
            fitted.predict(masked)


def test_sklearn_hidden_layer_sizes_beyond_the_budget_are_refused_before_allocating():
    """The case that grew to 23 GB until the kernel killed it: now refused with the budget error, in a child with
    an address-space limit so that a regression fails this test instead of the machine."""
    pytest.importorskip("sklearn")
    error, peak = attempt_in_child(
        "import resource\nresource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))\nimport numpy as np\n"
        "from chainrule.interop.sklearn import ChainruleClassifier\n"
        "def attempt():\n    X = np.random.default_rng(0).normal(size=(20, 4))\n"
        "    ChainruleClassifier(hidden_layer_sizes=(10**8,)).fit(X, np.arange(20) % 2)\n")
    assert error == ("ConfigError: the network (layer sizes [4, 100000000, 2], 700,000,002 parameters) needs 5.22 GiB "
                     "(5,600,000,016 bytes), more than chainrule's memory limit of 1 GiB; if you really need that "
                     "much, raise the limit with --max-memory 8G or CHAINRULE_MAX_MEMORY=8G")
    assert peak < 200 * MIB, peak / MIB


@pytest.mark.parametrize("call", [
    lambda seed: __import__("chainrule.data.toy", fromlist=["x"]).sine_data(seed=seed),
    lambda seed: __import__("chainrule.data.prep", fromlist=["x"]).train_test_split(X, Y, seed=seed),
])
def test_the_data_helpers_check_their_seeds_too(call):
    for seed in (-1, 2 ** 32, 0.5, "0", False):
        with pytest.raises(ConfigError) as caught:
            call(seed)
        assert str(caught.value) == f"seed {SEED_RANGE}{seed!r}"
    call(2 ** 32 - 1)


def test_a_wide_network_is_evaluated_in_chunks_within_the_budget_and_a_whole_forward_is_refused():
    """[4, 200000, 2] on 300 rows: one forward pass would make 480 MB arrays; under a 100 MiB budget evaluation
    takes 8 rows at a time (each array 1/8 of the budget at most) and forward() of all 300 is refused up front."""
    code = ("import numpy as np\nfrom chainrule import Network\nfrom chainrule.training import evaluate\n"
            "from chainrule.training.metrics import eval_chunk, loss_and_accuracy\n"
            "def attempt():\n    net = Network([4, 200_000, 2])\n"
            "    X = np.random.default_rng(0).random((300, 4))\n"
            "    assert eval_chunk(net) == 8\n"
            "    loss, accuracy = loss_and_accuracy(net, X, np.eye(2)[np.arange(300) % 2])\n"
            "    assert np.isfinite(loss) and evaluate(net, X, np.arange(300) % 2).accuracy == accuracy\n"
            "    {call}\n")
    error, peak = attempt_in_child(code.format(call="pass"), env={"CHAINRULE_MAX_MEMORY": "100M"})
    assert error is None and peak < 150 * MIB, (error, peak / MIB)
    error, peak = attempt_in_child(code.format(call="net.forward(X)"), env={"CHAINRULE_MAX_MEMORY": "100M"})
    assert error == ("ConfigError: a batch of 300 examples through a layer of 200,000 units (float64) needs 458 MiB "
                     "(480,000,000 bytes), more than chainrule's memory limit of 100 MiB; if you really need that "
                     "much, raise the limit with --max-memory 512M or CHAINRULE_MAX_MEMORY=512M")
    assert peak < 150 * MIB, peak / MIB


def test_class_numbers_and_class_counts_never_size_a_table():
    """select_classes with a class number of 10**12 (was a lookup table of 8 TB), and a classifier fitted on
    100,000 distinct labels (was np.eye(100000): 80 GB), each in a child under an address-space limit."""
    pytest.importorskip("sklearn")
    prelude = ("import resource, warnings\nresource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))\n"
               "warnings.simplefilter('ignore')\nimport numpy as np\n")
    error, peak = attempt_in_child(prelude + "from chainrule.data import select_classes\ndef attempt():\n"
                                   "    images, labels = np.zeros((4, 2)), np.array([5, 7, 5, 1])\n"
                                   "    kept, renumbered = select_classes(images, labels, [10**12, 5])\n"
                                   "    assert renumbered.tolist() == [1, 1] and len(kept) == 2\n")
    assert error is None and peak < 200 * MIB, (error, peak / MIB)
    error, peak = attempt_in_child(prelude + "from chainrule.interop.sklearn import ChainruleClassifier\n"
                                   "def attempt():\n    X = np.random.default_rng(0).random((100_000, 2))\n"
                                   "    ChainruleClassifier(hidden_layer_sizes=(2,), max_iter=1).fit(X, np.arange(100_000))\n")
    assert error == ("ConfigError: one-hot y (100,000 labels x 100,000 classes, float64) needs 74.5 GiB "
                     "(80,000,000,000 bytes), more than chainrule's memory limit of 1 GiB; if you really need that "
                     "much, raise the limit with --max-memory 128G or CHAINRULE_MAX_MEMORY=128G")
    assert peak < 200 * MIB, peak / MIB

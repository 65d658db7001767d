"""The library's boundary: what is handed to the public API is checked once, by one validator per kind of thing
(chainrule.core.validation), and what comes back never aliases what the network keeps.

- arrays: real numbers only (complex, object, string, bool and masked arrays refused with an InputValueError
  naming the argument and what came), in every entry point;
- settings: seeds, dtypes and layer sizes into ConfigError, and sizes a setting controls (parameters, one-hot
  matrices) checked against the memory budget before anything is allocated (measured in a child: VmHWM);
- a network's parameters replaced from outside: checked at forward/train entry, naming the layer;
- set_weights refuses non-finite values and keeps the weights it had;
- losses finite for finite inputs or the documented overflow error, never a warning;
- gradient_check's epsilon within the range where a central difference means something.
"""
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from chainrule import (ConfigError, InputValueError, Network, ShapeError, gradient_check, mse_loss,
                       mse_loss_gradient, softmax_cross_entropy_loss, softmax_cross_entropy_loss_gradient)
from chainrule.data.prep import one_hot
from chainrule.training import evaluate, fit

from hostile_files import MIB, attempt_in_child

X = np.array([[0.5, -0.2], [0.1, 0.9], [-0.3, 0.4]])
T = np.array([[1.0], [0.0], [1.0]])
PEAK = 200 * MIB
LIMIT = r"more than chainrule's memory limit of 1 GiB; if you really need that much, raise the limit with " \
        r"--max-memory \d+[GT] or CHAINRULE_MAX_MEMORY=\d+[GT]$"


def no_warnings(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


# --- aliasing: what forward returns and what it was given are not what the network keeps ---

def test_changing_the_output_of_forward_does_not_change_backward():
    net, reference = Network([2, 3, 1], seed=0), Network([2, 3, 1], seed=0)
    out = net.forward(X)
    np.testing.assert_array_equal(out, reference.forward(X))
    out[:] = 999
    for got, expected in zip(net.backward(T), reference.backward(T)):
        for g, e in zip(got, expected):
            np.testing.assert_array_equal(g, e)


def test_changing_x_after_forward_does_not_change_backward():
    net, reference = Network([2, 3, 1], seed=0), Network([2, 3, 1], seed=0)
    x = X.copy()
    net.forward(x)
    reference.forward(X)
    x[:] = 100.0
    for got, expected in zip(net.backward(T), reference.backward(T)):
        for g, e in zip(got, expected):
            np.testing.assert_array_equal(g, e)
    assert not np.shares_memory(net.activations[0], x)


def test_forward_keeps_no_view_of_a_buffer_it_was_given():
    """A PyTorch tensor (or any object whose __array__ shares its memory) is copied like an ndarray."""
    torch = pytest.importorskip("torch")
    net, reference = Network([2, 3, 1], seed=0), Network([2, 3, 1], seed=0)
    x = torch.tensor(X, dtype=torch.float64)
    net.forward(x)
    reference.forward(X)
    x[:] = 100.0
    for got, expected in zip(net.backward(T), reference.backward(T)):
        for g, e in zip(got, expected):
            np.testing.assert_array_equal(g, e)


def test_train_step_uses_what_forward_saved_not_the_callers_arrays():
    net, reference = Network([2, 3, 1], seed=0), Network([2, 3, 1], seed=0)
    x = X[0].copy()
    assert net.train_step(x, T[0], 0.5) == reference.train_step(X[0], T[0], 0.5)
    for W, W_ref in zip(net.weights, reference.weights):
        np.testing.assert_array_equal(W, W_ref)


def test_predict_is_inference_it_leaves_what_backward_uses_alone():
    # issue 16: predictions take a pure inference path (Network.output), so what the last forward saved stays:
    # backward after predict gives that forward's gradients (it used to raise, the saved state being cleared)
    net = Network([2, 3, 2], seed=0)
    expected = np.argmax(net.forward(X), axis=1)
    gradients = net.backward(np.zeros((3, 2)))
    assert net.predict(X[:2] * 5).tolist() == np.argmax(net.output(X[:2] * 5), axis=1).tolist()
    assert net.predict(X).tolist() == expected.tolist()
    for ours, before in zip(net.backward(np.zeros((3, 2))), gradients):
        for a, b in zip(ours, before):
            np.testing.assert_array_equal(a, b)
    with pytest.raises(ConfigError, match=r"^call forward\(x\) before backward\(target\)$"):
        Network([2, 3, 2], seed=0).backward(np.zeros((3, 2)))
    proba = net.predict_proba(X)
    proba[:] = 0   # the caller's to change
    np.testing.assert_array_equal(net.output(X), Network([2, 3, 2], seed=0).forward(X))


# --- arrays: real numbers only, in every entry point ---

NOT_NUMBERS = {
    "complex": (np.array([[1j, 2.0]] * 3), "must hold real numbers, got complex numbers (dtype complex128); pass the "
                                           "real part (.real) or the magnitude (abs) if that is what you mean"),
    "object": (np.array([[1.0, 2.0]] * 3, dtype=object),
               "must hold real numbers, got an object array (dtype object) of Python numbers; convert it with "
               "np.asarray(..., dtype=float)"),
    "None inside": ([[1.0, None]] * 3, "must hold real numbers, got an object array holding None (a NoneType)"),
    "text": ([["1", "2"]] * 3, "must hold real numbers, got strings (dtype <U1)"),
    "bool": (np.ones((3, 2), dtype=bool), "must hold real numbers, got booleans (True/False) (dtype bool); convert "
                                          "them if that is what you mean ({name}.astype(float), or .astype(int) "
                                          "for class labels)"),
    "masked": (np.ma.array(np.ones((3, 2)), mask=[[0, 1]] * 3),
               "is a masked array; chainrule would silently use the hidden values, so fill them first "
               "({name}.filled(value)) or drop those rows"),
}


def entry_points(bad):
    """(argument name, call) for each public entry point, ``bad`` in the argument named."""
    sce = Network([2, 2], seed=0, loss="softmax_cross_entropy")
    return [
        ("x", lambda: Network([2, 1]).forward(bad)),
        ("x", lambda: Network([2, 1]).output(bad)),
        ("x", lambda: Network([2, 1]).predict(bad)),
        ("x", lambda: Network([2, 1]).train_step(bad, T, 0.1)),
        ("X", lambda: Network([2, 1]).train_epoch(bad, T, 0.1)),
        ("X", lambda: Network([2, 1]).prepare_data(bad, T)),
        ("X", lambda: fit(Network([2, 1]), bad, T, epochs=1, learning_rate=0.1, diagnostics=False)),
        ("y", lambda: fit(Network([2, 2]), X, bad, epochs=1, learning_rate=0.1, diagnostics=False)),
        ("y", lambda: sce.train_epoch(X, bad, 0.1)),
        ("target", lambda: (lambda net: (net.forward(X), net.backward(bad)))(Network([2, 2]))),
        ("predictions", lambda: mse_loss(bad, np.ones((3, 2)))),
        ("targets", lambda: mse_loss_gradient(np.ones((3, 2)), bad)),
        ("logits", lambda: softmax_cross_entropy_loss(bad, [0, 1, 0])),
        ("x", lambda: gradient_check(Network([2, 1]), bad, T)),
        ("labels", lambda: one_hot(bad)),
        ("X", lambda: evaluate(Network([2, 2]), bad, [0, 1, 0])),
        ("labels", lambda: evaluate(Network([2, 2]), X, bad)),
    ]


@pytest.mark.parametrize("kind", NOT_NUMBERS)
def test_every_entry_point_refuses_what_is_not_real_numbers(kind):
    bad, message = NOT_NUMBERS[kind]
    for name, call in entry_points(bad):
        with pytest.raises(InputValueError) as caught:
            no_warnings(call)
        assert str(caught.value) == f"{name} {message.format(name=name)}", name


KINDS = {"c": "complex numbers", "b": "booleans (True/False)", "U": "strings", "M": "dates"}


@settings(max_examples=60)
@given(arrays(st.sampled_from([np.complex128, np.complex64, np.bool_, np.int8, np.uint16, np.int64, np.float16,
                               np.float32, np.float64, np.dtype("U2"), np.dtype("datetime64[D]")]),
              st.tuples(st.integers(1, 4), st.just(2))), st.booleans())
def test_any_dtype_gives_an_output_or_names_what_came(x, masked):
    """Integers and floats of every width are numbers (a finite output); every other dtype, and any masked array,
    is refused naming what came."""
    net = Network([2, 1], seed=0)
    if masked:
        with pytest.raises(InputValueError, match=r"^x is a masked array"):
            no_warnings(net.forward, np.ma.array(x))
        return
    if x.dtype.kind in "iuf":
        if np.all(np.isfinite(x.astype(np.float64))):
            assert np.all(np.isfinite(no_warnings(net.forward, x)))
        return
    with pytest.raises(InputValueError) as caught:
        no_warnings(net.forward, x)
    assert str(caught.value).startswith(f"x must hold real numbers, got {KINDS[x.dtype.kind]} (dtype {x.dtype})")


def test_bool_class_labels_are_refused_with_what_to_do():
    net = Network([2, 2], seed=0, loss="softmax_cross_entropy")
    with pytest.raises(InputValueError) as caught:
        net.train_epoch(X, np.array([True, False, True]), 0.1)
    assert str(caught.value) == ("y must hold real numbers, got booleans (True/False) (dtype bool); convert them if "
                                 "that is what you mean (y.astype(float), or .astype(int) for class labels)")
    assert net.train_epoch(X, np.array([True, False, True]).astype(int), 0.1) > 0   # what the message says works


# --- settings: seeds, dtypes, layer sizes ---

SEED_MESSAGE = "seed must be a whole number from 0 to 4,294,967,295 (2**32 - 1), got {!r}"


@settings(max_examples=60)
@given(st.one_of(st.integers(), st.floats(), st.text(max_size=3), st.booleans(), st.none()))
def test_a_seed_is_a_whole_number_from_0_to_2_32_minus_1(seed):
    if isinstance(seed, int) and not isinstance(seed, bool) and 0 <= seed < 2 ** 32:
        assert Network([2, 1], seed=seed).seed == seed
        return
    with pytest.raises(ConfigError) as caught:
        Network([2, 1], seed=seed)
    assert str(caught.value) == SEED_MESSAGE.format(seed)


def test_numpy_integer_seeds_are_whole_numbers_too():
    assert Network([2, 1], seed=np.uint32(2 ** 32 - 1)).seed == 2 ** 32 - 1
    with pytest.raises(ConfigError, match=re.escape(SEED_MESSAGE.format(np.int64(-1)))):
        Network([2, 1], seed=np.int64(-1))


@pytest.mark.parametrize("dtype, shown", [("floaty", "'floaty'"), (np.int32, "int32"), ("float16", "float16"),
                                          (None, "None"), (True, "True"), (complex, "complex128")])
def test_dtype_is_float32_or_float64(dtype, shown):
    with pytest.raises(ConfigError) as caught:
        Network([2, 1], dtype=dtype)
    assert str(caught.value) == f"dtype must be float32 or float64, got {shown}"
    with pytest.raises(ConfigError):
        Network([2, 1]).astype(dtype)


@settings(max_examples=60)
@given(st.lists(st.one_of(st.integers(-2, 5), st.booleans(), st.floats(0, 5), st.text(max_size=1)), max_size=4))
def test_layer_sizes_are_whole_numbers_of_at_least_1(sizes):
    whole = all(isinstance(n, int) and not isinstance(n, bool) for n in sizes)
    if whole and len(sizes) >= 2 and min(sizes) >= 1:
        assert Network(sizes).layer_sizes == sizes
        return
    with pytest.raises(ConfigError) as caught:
        Network(sizes)
    if not whole:
        expected = f"layer_sizes must be a list of whole numbers such as [784, 64, 5], got {sizes!r}"
    elif len(sizes) < 2:
        expected = f"layer_sizes needs at least an input and an output size, got {sizes}"
    else:
        expected = f"every layer size must be a whole number >= 1, got {sizes}"
    assert str(caught.value) == expected


def test_absurd_sizes_are_refused_before_anything_is_allocated():
    """Each in a child: the documented budget error, and the child's peak memory stays small."""
    cases = [
        ("from chainrule import Network", "Network([10**7, 10**7])",
         r"ConfigError: the network \(layer sizes \[10000000, 10000000\], 100,000,010,000,000 parameters\) needs "
         r"728 TiB \(800,000,080,000,000 bytes\), "),
        ("from chainrule import Network", "Network([1, 10**8, 1], dtype='float32')",
         r"ConfigError: the network \(layer sizes \[1, 100000000, 1\], 300,000,001 parameters\) needs 2.24 GiB "),
        ("import numpy as np\nfrom chainrule.data.prep import one_hot", "one_hot(np.array([1]), 10**10)",
         r"ConfigError: one-hot labels \(1 label x 10,000,000,000 classes, float64\) needs 74.5 GiB "
         r"\(80,000,000,000 bytes\), "),
        ("import numpy as np\nfrom chainrule.data.prep import one_hot", "one_hot(np.arange(100_000), 100_000)",
         r"ConfigError: one-hot labels \(100,000 labels x 100,000 classes, float64\) needs 74.5 GiB "),
    ]
    for imports, call, message in cases:
        error, peak = attempt_in_child(f"{imports}\ndef attempt():\n    {call}\n")
        assert error is not None and re.match(message + ".*" + LIMIT, error), error
        assert peak < PEAK, f"{call}: peak memory {peak / MIB:.0f} MiB"


def test_a_large_one_hot_within_the_budget_is_made_without_np_eye():
    """np.eye(n_classes) alone would be 80 GB for 100,000 classes: one_hot makes only the rows."""
    error, peak = attempt_in_child("import numpy as np\nfrom chainrule.data.prep import one_hot\n"
                                   "def attempt():\n    assert one_hot(np.array([3, 99_999]), 100_000).sum() == 2\n")
    assert error is None and peak < PEAK, (error, peak / MIB)


# --- parameters replaced from outside ---

def replaced(index, value, kind="weights"):
    net = Network([2, 3, 1], seed=0)
    getattr(net, kind)[index] = value
    return net


def read_only(array):
    array = array.copy()
    array.flags.writeable = False
    return array


REPLACED = [
    (1, np.ones((3, 3)), "weights", ShapeError,
     "net.weights[1] (layer 2) has shape (3, 3) but layer 2 of Network([2, 3, 1], activations=['sigmoid', 'sigmoid'], "
     "loss='mse', dtype=float64) needs (1, 3); to change the layer sizes build a new Network"),
    (0, np.ones((3, 2), dtype=int), "weights", ConfigError,
     "net.weights[0] (layer 1) has dtype int64 but the network computes in float64; assign weights.astype(np.float64) "
     "or use net.set_weights"),
    (0, read_only(np.ones((3, 2))), "weights", ConfigError,
     "net.weights[0] (layer 1) is read-only, so training could not update it; assign a writable copy (np.array(...)) "
     "or use net.set_weights"),
    (0, [[1.0, 2.0]] * 3, "weights", ConfigError, "net.weights[0] (layer 1) must be a NumPy array, got list"),
    (1, np.ones(2), "biases", ShapeError,
     "net.biases[1] (layer 2) has shape (2,) but layer 2 of Network([2, 3, 1], activations=['sigmoid', 'sigmoid'], "
     "loss='mse', dtype=float64) needs (1,); to change the layer sizes build a new Network"),
]


@pytest.mark.parametrize("index, value, kind, error, message", REPLACED)
def test_a_replaced_parameter_is_checked_at_every_entry(index, value, kind, error, message):
    calls = [lambda net: net.forward(X), lambda net: net.predict(X), lambda net: net.train_step(X, T, 0.1),
             lambda net: net.train_epoch(X, T, 0.1),
             lambda net: fit(net, X, T, epochs=1, learning_rate=0.1, diagnostics=False),
             lambda net: gradient_check(net, X, T)]
    for call in calls:
        with pytest.raises(error) as caught:
            no_warnings(call, replaced(index, value, kind))
        assert str(caught.value) == message
    net = Network([2, 3, 1], seed=0)
    net.forward(X)
    getattr(net, kind)[index] = value
    with pytest.raises(error):
        net.backward(T)


def test_set_weights_refuses_non_finite_values_and_keeps_its_weights():
    net = Network([2, 3, 1], seed=0)
    before = net.copy_weights()
    weights, biases = net.copy_weights()
    weights[1][0, 2] = np.inf
    with pytest.raises(InputValueError) as caught:
        net.set_weights((weights, biases))
    assert str(caught.value) == ("W of layer 2 contains 1 non-finite value(s) (inf first at index (0, 2)); a network "
                                 "with NaN or inf parameters computes NaN; only finite weights are accepted (as "
                                 "load_model accepts)")
    biases[0] = np.array([1j, 0, 0])
    weights[1][0, 2] = 0.0
    with pytest.raises(InputValueError, match=r"^b of layer 1 must hold real numbers, got complex numbers"):
        net.set_weights((weights, biases))
    for kept, old in zip(net.weights + net.biases, before[0] + before[1]):
        np.testing.assert_array_equal(kept, old)


def test_from_torch_refuses_non_finite_weights():
    torch = pytest.importorskip("torch")
    from chainrule.interop.torch import from_torch
    module = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Sigmoid(), torch.nn.Linear(3, 1), torch.nn.Sigmoid())
    with torch.no_grad():
        module[2].weight[0, 1] = float("nan")
    with pytest.raises(InputValueError) as caught:
        from_torch(module)
    assert str(caught.value) == ("W of layer 2 contains 1 non-finite value(s) (NaN first at index (0, 1)); a network "
                                 "with NaN or inf parameters computes NaN; only finite weights are accepted (as "
                                 "load_model accepts)")


# --- losses: finite for finite inputs, or the documented overflow error; never a warning ---

def test_softmax_cross_entropy_of_logits_1e308_apart():
    logits = np.array([1e308, -1e308])
    assert no_warnings(softmax_cross_entropy_loss, logits, 0) == 0.0
    assert str(no_warnings(softmax_cross_entropy_loss, logits, 0)) == "0.0"
    np.testing.assert_array_equal(no_warnings(softmax_cross_entropy_loss_gradient, logits, 1), [1.0, -1.0])
    with pytest.raises(InputValueError) as caught:
        no_warnings(softmax_cross_entropy_loss, logits, 1)    # the true value, 2e308, is beyond float64
    assert str(caught.value) == ("softmax_cross_entropy_loss overflows float64 for these values (it exceeds "
                                 "1.8e+308); rescale the logits")
    assert no_warnings(softmax_cross_entropy_loss, [[1e308, 1e308]], [0]) == pytest.approx(np.log(2))


def test_mse_of_huge_values_is_exact_when_float64_holds_it():
    assert no_warnings(mse_loss, [2e154] + [0.0] * 9, [0.0] * 10) == pytest.approx(4e307, rel=1e-15)
    assert no_warnings(mse_loss, [1e308], [1e308]) == 0.0
    np.testing.assert_array_equal(no_warnings(mse_loss_gradient, [1e308, 0.0, 0.0, 0.0], [-1e308, 0.0, 0.0, 0.0]),
                                  [1e308, 0.0, 0.0, 0.0])
    with pytest.raises(InputValueError) as caught:
        no_warnings(mse_loss, [1e308], [-1e308])
    assert str(caught.value) == ("mse_loss overflows float64 for these values (it exceeds 1.8e+308); rescale the "
                                 "predictions and targets")


# --- gradient_check's step ---

@settings(max_examples=40)
@given(st.one_of(st.floats(1e-320, 10), st.sampled_from([1e-300, 1e-11, 1e-10, 1e-7, 1e-2, 0.5])))
def test_gradient_check_epsilon_is_where_a_central_difference_means_something(epsilon):
    net = Network([2, 2, 1], seed=0)
    if 1e-10 <= epsilon <= 1e-2:
        assert gradient_check(net, X[0], T[0], epsilon=epsilon, tolerance=1e-3).passed
        return
    with pytest.raises(ConfigError) as caught:
        gradient_check(net, X[0], T[0], epsilon=epsilon)
    reason = ("the rounding error of the loss would swamp the difference" if epsilon < 1e-10 else
              "the step is too large for the difference to approximate the derivative")
    assert str(caught.value) == (f"epsilon must be between 1e-10 and 0.01 for a central difference in float64 "
                                 f"(1e-5 to 1e-7 is usual), got {epsilon:g}: {reason}")

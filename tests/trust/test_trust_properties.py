"""Property tests: whatever is thrown at the entry points, the answer is a finite result or the documented error
(a ChainruleError), never a crash from deep inside NumPy; and a checkpoint gives back exactly what went in."""
import math
import re

import numpy as np
import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from chainrule import ChainruleError, ConfigError, InputValueError, Network, ShapeError, TrainingDiverged
from chainrule.training import fit
from chainrule.training.checkpoint import _pack, _unpack
from chainrule.training.diagnostics import check_inputs

anything = st.floats(allow_nan=True, allow_infinity=True, width=64)
values = st.one_of(
    arrays(np.float64, array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5), elements=anything),
    arrays(np.int64, array_shapes(min_dims=1, max_dims=2, max_side=4), elements=st.integers(-300, 300)),
    st.lists(st.one_of(anything, st.text(max_size=2), st.none()), max_size=4),
    st.text(max_size=3), st.none(), anything,
)


def numeric(value, name):
    """``value`` as NumPy reads it as float64, or the problems of a value that is not real numbers: what NumPy
    cannot make an array of, and arrays of anything but integers and floats (None and text included)."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        return None, [(InputValueError, rf"{name} must be numeric, got {re.escape(type(value).__name__)}: ")]
    if array.dtype.kind not in "iuf":
        return None, [(InputValueError, rf"{name} must hold real numbers, got ")]
    return array.astype(np.float64), []


def non_finite(array, name):
    """The documented message for the non-finite values of ``array`` (None, [] when all are finite)."""
    bad = ~np.isfinite(array)
    if not bad.any():
        return []
    first = np.unravel_index(int(np.flatnonzero(bad.ravel())[0]), array.shape) if array.ndim else ()
    kind = "NaN" if np.isnan(array[first]) else "inf"
    return [(InputValueError, rf"{name} contains {int(bad.sum())} non-finite value\(s\) \({kind} first at index "
                              rf"{re.escape(str(tuple(int(i) for i in first)))}\); clean or impute")]


def assert_one_of(problems, call):
    """``call()`` raises one of ``problems`` (class, message regex) when there are any, else returns."""
    if not problems:
        return call()
    with pytest.raises(ChainruleError) as caught:
        call()
    message = str(caught.value)
    assert any(isinstance(caught.value, cls) and re.search(pattern, message) for cls, pattern in problems), \
        f"{type(caught.value).__name__}: {message}\nexpected one of {problems}"
    assert "\n" not in message
    return None


def forward_problems(x):
    """What Network([3, 4, 2]).forward must say about ``x``: its documented errors, or nothing."""
    array, problems = numeric(x, "x")
    if array is None:
        return problems
    problems = non_finite(array, "x")
    if array.ndim not in (1, 2) or array.shape[-1] != 3:
        problems.append((ShapeError, rf"x must have shape \(3,\) for one example or \(batch, 3\) for a batch, got "
                                     rf"{re.escape(str(array.shape))}"))
    elif array.ndim == 2 and len(array) == 0:
        problems.append((ShapeError, r"x is an empty batch \(shape \(0, 3\)\)"))
    return problems


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=300, deadline=None)
@given(x=values)
def test_forward_gives_a_finite_output_or_the_documented_error(x):
    net = Network([3, 4, 2], activation="relu")
    problems = forward_problems(x)
    event(" + ".join(sorted({cls.__name__ for cls, _ in problems})) or "a finite output")
    out = assert_one_of(problems, lambda: net.forward(x))
    if out is not None:
        assert out.shape == np.asarray(x).shape[:-1] + (2,) and np.all(np.isfinite(out))


def fit_problems(X, y, loss, lr, batch):
    """What fit(Network([3, 2], loss=loss), X, y, ...) must say: every documented error these inputs deserve
    (whichever is checked first), or nothing."""
    problems = []
    if not isinstance(lr, (int, float)) or not np.isfinite(lr) or lr <= 0:
        problems.append((ConfigError, rf"learning_rate must be > 0, got {re.escape(repr(lr))}$"))
    if batch <= 0:
        problems.append((ConfigError, rf"batch_size must be > 0, got {batch}$"))
    array, x_problems = numeric(X, "X")
    problems += x_problems
    if array is None:
        return problems
    problems += non_finite(array, "X")
    if array.ndim != 2 or array.shape[1] != 3:
        return problems + [(ShapeError, rf"X must have shape \(n_examples, 3\), got {re.escape(str(array.shape))}")]
    n = len(array)
    if n == 0:
        return problems + [(ShapeError, r"X has no examples")]
    targets = np.asarray(y) if not isinstance(y, list) or all(not isinstance(v, str) for v in y) else None
    if targets is not None and targets.ndim >= 1 and len(targets) != n:
        return problems + [(ShapeError, rf"X has {n} examples but y has {len(targets)} \(y shape ")]
    if loss == "softmax_cross_entropy" and targets is not None and targets.dtype.kind in "iub" \
            and targets.shape == (n,):
        if targets.size and (targets.min() < 0 or targets.max() >= 2):
            problems.append((InputValueError, rf"y holds class labels from {targets.min()} to {targets.max()}, but "
                                              rf"the network has 2 outputs \(labels 0..1\)"))
        return problems
    target_array, y_problems = numeric(y, "y")
    if target_array is None:
        return problems + y_problems
    problems += non_finite(target_array, "y")
    if target_array.shape != (n, 2):
        return problems + [(ShapeError, rf"y has shape {re.escape(str(target_array.shape))} but the network output "
                                        rf"has shape \({n}, 2\); they must match exactly")]
    finite = target_array[np.isfinite(target_array)]
    if loss != "mse" and finite.size and (finite.min() < 0 or finite.max() > 1):
        problems.append((InputValueError, r"y must hold probabilities in \[0, 1\] for cross-entropy, got values "
                                          r"from "))
    return problems


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=150, deadline=None)
@given(X=values, y=values, loss=st.sampled_from(["mse", "cross_entropy", "softmax_cross_entropy"]),
       lr=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-2, 2)),
       batch=st.integers(-1, 7))
@example(X=np.eye(4, 3), y=np.full((4, 2), 0.5), loss="mse", lr=0.1, batch=2)              # valid: trains
@example(X=np.eye(4, 3), y=np.full((4, 2), 0.5), loss="cross_entropy", lr=2, batch=7)
@example(X=np.eye(4, 3), y=np.array([0, 1, 1, 0]), loss="softmax_cross_entropy", lr=1.0, batch=1)
@example(X=np.eye(4, 3), y=np.array([0, 1, 2, 0]), loss="softmax_cross_entropy", lr=1.0, batch=1)
@example(X=np.full((2, 3), 1e200), y=np.zeros((2, 2)), loss="mse", lr=1.0, batch=1)       # sigmoid: bounded
@example(X=np.full((2, 3), 1e308), y=np.array([0, 1]), loss="softmax_cross_entropy", lr=1.0, batch=1)
@example(X=[[1, 2, 3]], y=[[0, 2]], loss="cross_entropy", lr=0.5, batch=1)
def test_fit_trains_or_names_what_is_wrong(X, y, loss, lr, batch):
    net = Network([3, 2], loss=loss)
    problems = fit_problems(X, y, loss, lr, batch)
    event(" + ".join(sorted({cls.__name__ for cls, _ in problems})) or "trains")
    try:
        history = assert_one_of(problems, lambda: fit(net, X, y, epochs=1, learning_rate=lr, batch_size=batch,
                                                      diagnostics="quiet"))
    except TrainingDiverged as error:      # valid data so large that the first step overflows: stopped and named
        assert not problems and np.abs(np.asarray(X)).max() > 1e150, f"diverged on {X!r}"
        assert re.match(r"the loss became (inf|nan) in epoch 1, batch 1; try a learning rate 10x lower than ",
                        str(error)), str(error)
        return
    if history is not None:
        assert history.epochs == 1 and math.isfinite(history.train_loss[0])


@settings(max_examples=100, deadline=None)
@given(X=arrays(np.float64, st.tuples(st.integers(1, 20), st.integers(1, 5)),
                elements=st.floats(-1e6, 1e6, allow_nan=False)))
def test_input_check_flags_large_inputs_and_only_those(X):
    findings = check_inputs(X)
    assert len(findings) <= 1
    if findings:
        assert np.abs(X).max() > 1.5
    else:
        assert np.abs(X).max() <= 20


state_leaves = st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63 - 1), st.text(max_size=5),
                         st.floats(allow_nan=True, allow_infinity=True),
                         arrays(st.sampled_from([np.float64, np.float32, np.int64, np.uint32]),
                                array_shapes(min_dims=0, max_dims=2, max_side=3)))
states = st.recursive(state_leaves, lambda children: st.one_of(
    st.lists(children, max_size=3), st.dictionaries(st.text(max_size=4), children, max_size=3)), max_leaves=12)


def same(a, b):
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return isinstance(b, float) and (math.isnan(a) and math.isnan(b) or
                                         np.float64(a).tobytes() == np.float64(b).tobytes())
    return type(a) is type(b) and a == b


@settings(max_examples=300, deadline=None)
@given(state=states)
def test_checkpoint_encoding_gives_back_every_bit(state, tmp_path_factory):
    import json
    arrays_out, names = {}, {}
    text = json.dumps(_pack(state, arrays_out, names), allow_nan=False)
    path = tmp_path_factory.mktemp("enc") / "a.npz"
    np.savez(path, **arrays_out)
    with np.load(path, allow_pickle=False) as archive:
        loaded = {name: archive[name] for name in archive.files}
    assert same(state, _unpack(json.loads(text), loaded, str(path)))

"""Property tests: whatever is thrown at the entry points, the answer is a finite result or the documented error
(a ChainruleError), never a crash from deep inside NumPy; and a checkpoint gives back exactly what went in."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from chainrule import ChainruleError, Network
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


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=300, deadline=None)
@given(x=values)
def test_forward_gives_a_finite_output_or_the_documented_error(x):
    net = Network([3, 4, 2], activation="relu")
    try:
        out = net.forward(x)
    except ChainruleError:
        return
    assert out.shape[-1] == 2 and np.all(np.isfinite(out))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=150, deadline=None)
@given(X=values, y=values, loss=st.sampled_from(["mse", "cross_entropy", "softmax_cross_entropy"]),
       lr=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-2, 2)),
       batch=st.integers(-1, 7))
def test_fit_trains_or_names_what_is_wrong(X, y, loss, lr, batch):
    net = Network([3, 2], loss=loss)
    try:
        history = fit(net, X, y, epochs=1, learning_rate=lr, batch_size=batch, diagnostics="quiet")
    except ChainruleError as error:
        assert str(error) and "\n" not in str(error)
        return
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

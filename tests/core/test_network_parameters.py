"""The layers own their weights; Network.weights and Network.biases are lists of those same arrays, used exactly
as the guide uses them. Predictions take a pure inference path."""
import copy
import pickle

import numpy as np
import pytest

from chainrule import ConfigError, Network


def test_indexing_into_a_weight_matrix_reaches_the_layer():
    net = Network([2, 2, 1], seed=0)
    net.weights[0][1, 0] = 0.5
    net.biases[1][0] = -0.25
    assert net.layers[0].W[1, 0] == 0.5 and net.layers[1].b[0] == -0.25
    assert net.weights[0] is net.layers[0].W and net.biases[1] is net.layers[1].b


def test_assigning_a_new_array_reaches_the_layer_and_the_next_forward_pass():
    net = Network([2, 2, 1], seed=0)
    net.weights[0] = np.array([[0.1, 0.3], [0.2, 0.4]])
    net.weights = [net.weights[0], np.array([[0.5, 0.6]])]
    net.biases = [np.zeros(2), np.zeros(1)]
    assert net.layers[1].W.tolist() == [[0.5, 0.6]]
    z1 = np.array([[0.1, 0.3], [0.2, 0.4]]) @ np.array([1.0, 2.0])
    a1 = 1 / (1 + np.exp(-z1))
    expected = 1 / (1 + np.exp(-(np.array([0.5, 0.6]) @ a1)))
    assert net.forward(np.array([1.0, 2.0]))[0] == pytest.approx(expected, abs=1e-15)


def test_training_updates_the_arrays_a_reader_holds():
    net = Network([2, 2, 1], seed=0)
    W1 = net.weights[0]
    before = W1.copy()
    net.train_step(np.array([1.0, 2.0]), np.array([1.0]), 0.5)
    assert net.weights[0] is W1 and not np.array_equal(W1, before)


def test_the_lists_keep_their_length():
    net = Network([2, 2, 1], seed=0)
    with pytest.raises(ConfigError, match="never change their length"):
        net.weights[0:1] = []
    assert len(net.weights) == 2 and net.weights[0] is net.layers[0].W


@pytest.mark.parametrize("clone", [copy.deepcopy, lambda net: pickle.loads(pickle.dumps(net)),
                                   lambda net: net.astype(np.float32)], ids=["deepcopy", "pickle", "astype"])
def test_a_copy_keeps_its_own_layers_linked_to_its_own_lists(clone):
    net = Network([3, 4, 2], seed=1, dropout=0.3, activation={"name": "leaky_relu", "alpha": 0.2})
    other = clone(net)
    other.weights[0][0, 0] = 9.0
    assert other.layers[0].W[0, 0] == 9.0 and net.weights[0][0, 0] != 9.0
    assert other.dropout == [0.3] and other.layers[0].activation.alpha == 0.2 and other.stack[1].rng is other.rng


def test_predictions_touch_nothing_a_backward_pass_would_use():
    net = Network([2, 3, 2], seed=0)
    x = np.array([[1.0, 2.0], [0.5, -1.0]])
    net.forward(x)
    saved = [a.copy() for a in net.activations]
    saved_ids = [id(a) for a in net.activations]
    outputs = net.output(x)
    net.predict(np.ones((5, 2)))
    net.predict_proba(np.ones(2))
    assert [id(a) for a in net.activations] == saved_ids
    assert all(np.array_equal(a, b) for a, b in zip(saved, net.activations))
    np.testing.assert_array_equal(outputs, net.forward(x))

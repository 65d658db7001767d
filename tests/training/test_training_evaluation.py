"""Evaluation and the history, worked examples with every branch: single-output (binary) networks, sigmoid
scores normalised into confidences, a class with no examples, the chunked forward pass past 8192 rows, the
refusals and their messages, and a history's metrics, lookups and JSON."""
import math

import numpy as np
import pytest

from chainrule import Network
from chainrule.errors import ConfigError, InputValueError, ModelFileError, ShapeError
from chainrule.training import History, evaluate
from chainrule.training.metrics import (accuracy, labels_from_targets, loss_and_accuracy, per_class_accuracy,
                                        predicted_classes)


def test_labels_from_targets_only_for_one_hot_rows_or_zero_one():
    assert labels_from_targets(np.array([[0.0, 1.0], [1.0, 0.0]])).tolist() == [1, 0]
    assert labels_from_targets(np.array([[1.0, 1.0], [1.0, 0.0]])) is None      # two classes in one row
    assert labels_from_targets(np.array([[0.0, 0.0], [1.0, 0.0]])) is None      # none in one row
    assert labels_from_targets(np.array([1.0, 0.0])) is None                      # not (n, n_out)
    assert labels_from_targets(np.array([[1.0], [0.0], [1.0]])).dtype == np.int64


def test_one_output_predicts_class_1_above_one_half_only():
    assert predicted_classes(np.array([[0.5], [0.5000001], [0.2], [0.9]])).tolist() == [0, 1, 0, 1]
    assert predicted_classes(np.array([[0.1, 0.7, 0.2]])).tolist() == [1]


def test_accuracy_needs_the_same_shapes():
    assert accuracy([1, 2, 3, 4], [1, 0, 3, 0]) == 0.5
    with pytest.raises(ShapeError, match=r"^predicted labels have shape \(3,\) but true labels \(2,\)$"):
        accuracy([1, 2, 3], [1, 2])


def test_a_class_with_no_examples_has_no_accuracy():
    result = per_class_accuracy(np.array([[2, 0], [0, 0]]))
    assert result[0] == 1.0 and math.isnan(result[1])


def test_loss_and_accuracy_past_one_chunk_of_rows():
    net = Network([2, 3], seed=0, loss="softmax_cross_entropy")
    X = np.random.RandomState(0).uniform(-1, 1, size=(8200, 2))
    Y = np.eye(3)[np.random.RandomState(1).randint(3, size=8200)]
    loss, acc = loss_and_accuracy(net, X, Y)
    outputs = net.forward(X)
    assert loss == pytest.approx(float(net.loss.value(outputs, Y)), rel=1e-12)
    assert acc == float(np.mean(np.argmax(outputs, axis=1) == np.argmax(Y, axis=1)))
    assert loss_and_accuracy(net, X, np.full((8200, 3), 1 / 3))[1] is None       # not classes: no accuracy


def sigmoid_net():
    """Three sigmoid outputs whose scores are known: a sigmoid of 5 * x."""
    net = Network([3, 3])
    net.set_weights(([np.eye(3) * 5], [np.zeros(3)]))
    return net


def test_sigmoid_scores_become_confidences_that_sum_to_one():
    net = sigmoid_net()
    X = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    result = evaluate(net, X, [0, 1], class_names=["a", "b", "c"])
    scores = 1 / (1 + np.exp(-5 * X))
    np.testing.assert_allclose(result.confidence, [scores[0, 0] / scores[0].sum(), scores[1, 2] / scores[1].sum()])
    assert result.predicted.tolist() == [0, 2] and result.accuracy == 0.5
    assert result.to_dict() == {"accuracy": 0.5, "n_examples": 2, "n_misclassified": 1, "class_names": ["a", "b", "c"],
                                "per_class_accuracy": [1.0, 0.0, None],
                                "confusion_matrix": [[1, 0, 0], [0, 0, 1], [0, 0, 0]]}
    assert result.per_class_table().splitlines() == ["class  examples  correct  accuracy",
                                                     "    a         1        1    100.0%",
                                                     "    b         1        0      0.0%",
                                                     "    c         0        0         -"]


def test_a_single_output_network_is_a_two_class_classifier():
    net = Network([1, 1], output_activation="sigmoid")
    net.set_weights(([np.array([[4.0]])], [np.array([0.0])]))
    X = np.array([[1.0], [-1.0], [0.5], [-0.25]])
    result = evaluate(net, X, [1, 0, 0, 0])
    p = 1 / (1 + np.exp(-4 * X[:, 0]))
    assert result.class_names == [0, 1] and result.predicted.tolist() == [1, 0, 1, 0]
    np.testing.assert_allclose(result.confidence, np.where(p > 0.5, p, 1 - p))
    assert result.misclassified.tolist() == [2] and result.confusion.tolist() == [[2, 1], [0, 1]]


def test_mistakes_are_listed_most_confident_first():
    net = sigmoid_net()
    X = np.array([[0.2, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.5, 0.0], [0.0, 0.0, 1.0]])
    result = evaluate(net, X, [1, 2, 1, 0])
    assert result.misclassified.tolist() == [1, 3, 0]


def test_all_zero_sigmoid_scores_give_equal_confidences():
    net = Network([2, 2], output_activation="relu")
    net.set_weights(([np.zeros((2, 2))], [np.zeros(2)]))
    result = evaluate(net, np.ones((3, 2)), [0, 1, 0])
    np.testing.assert_allclose(result.confidence, [0.5, 0.5, 0.5])


@pytest.mark.parametrize("labels, error, message", [
    ([0, 3], InputValueError, r"^labels run from 0 to 3, but the network tells apart 3 classes \(labels 0\.\.2\)$"),
    ([-1, 0], InputValueError, r"^labels must be class numbers >= 0, found -1$"),
    ([0, 1, 2], ShapeError, r"^X must be \(n, 3\) with one label per row; got X \(2, 3\), labels \(3,\)$"),
], ids=["label_3_of_3_classes", "label_minus_1", "one_label_too_many"])
def test_labels_that_do_not_fit_are_refused(labels, error, message):
    with pytest.raises(error, match=message):
        evaluate(sigmoid_net(), np.zeros((2, 3)), labels)


def test_class_names_must_name_every_class():
    with pytest.raises(ConfigError, match=r"^class_names has 2 names for a network with 3 classes$"):
        evaluate(sigmoid_net(), np.zeros((2, 3)), [0, 1], class_names=["a", "b"])
    with pytest.raises(ShapeError, match=r"^X has no examples to evaluate \(shape \(0, 3\)\)$"):
        evaluate(sigmoid_net(), np.zeros((0, 3)), [])


# --- History ---

def three_epochs():
    h = History({"epochs": 3})
    for e in range(3):
        h.append(train_loss=1.0 - 0.1 * e, learning_rate=0.1, time=0.5, grad_norms=[0.1, 0.2])
        if e > 0:
            h.add_metric("test_accuracy", 0.5 + 0.1 * e)
    return h


def test_a_metric_added_late_is_padded_with_none_and_read_by_name():
    h = three_epochs()
    assert h.metrics["test_accuracy"] == [None, 0.6, 0.7]
    assert h["test_accuracy"] is h.metrics["test_accuracy"] and h["train_loss"] is h.train_loss
    assert h.val_loss == [None, None, None] and h.last("train_loss") == 0.8 and len(h) == 3 == h.epochs
    assert History().last("train_loss") is None
    with pytest.raises(KeyError, match=r"no series 'val_acc' in this history; it has train_loss, train_accuracy, "
                                       r"val_loss, val_accuracy, learning_rate, time, grad_norms, test_accuracy"):
        h["val_acc"]
    assert repr(h) == "History(3 epochs, last train_loss=0.8)" and repr(History()) == "History(0 epochs)"


def test_history_json_round_trip_keeps_everything_and_spells_non_finite_as_null():
    h = three_epochs()
    h.train_loss[0] = np.float32(1.5)
    h.val_loss[2] = float("nan")
    h.grad_norms[1] = np.array([0.25, np.inf])
    h.best_epoch, h.stop_reason = 1, "early stopping"
    data = h.to_dict()
    assert data["train_loss"][0] == 1.5 and type(data["train_loss"][0]) is float
    assert data["val_loss"][2] is None and data["grad_norms"][1] == [0.25, None]
    again = History.from_json(h.to_json())
    assert again.to_dict() == data
    assert (again.best_epoch, again.stop_reason, again.settings) == (1, "early stopping", {"epochs": 3})


@pytest.mark.parametrize("text, message", [("[1, 2]", "a history is a JSON object, got list"),
                                           ('{"train_loss": 5}', "not a chainrule history")],
                         ids=["a_list", "a_number_for_a_series"])
def test_a_json_that_is_not_a_history_is_named(text, message):
    with pytest.raises(ModelFileError, match=rf"^my.json is not a chainrule history \(.*{message}|{message}"):
        History.from_json(text, source="my.json")

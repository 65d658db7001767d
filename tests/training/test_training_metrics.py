"""Evaluation numbers on a worked example."""
import numpy as np

from chainrule import Network
from chainrule.training import evaluate
from chainrule.training.metrics import confusion_matrix, labels_from_targets, per_class_accuracy


def test_confusion_matrix_and_per_class_accuracy():
    labels = [0, 0, 1, 1, 1, 2]
    predicted = [0, 1, 1, 1, 2, 2]
    matrix = confusion_matrix(labels, predicted, 3)
    assert matrix.tolist() == [[1, 1, 0], [0, 2, 1], [0, 0, 1]]
    np.testing.assert_allclose(per_class_accuracy(matrix), [0.5, 2 / 3, 1.0])


def test_labels_from_targets():
    assert labels_from_targets(np.eye(3)[[2, 0]]).tolist() == [2, 0]
    assert labels_from_targets(np.array([[0.0], [1.0]])).tolist() == [0, 1]
    assert labels_from_targets(np.array([[0.2], [0.7]])) is None          # regression targets


def test_evaluate_a_network_with_known_weights():
    # Output k fires when input k is the largest: a perfect 3-class classifier on its own inputs.
    net = Network([3, 3], loss="softmax_cross_entropy")
    net.set_weights(([np.eye(3) * 5], [np.zeros(3)]))
    X = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]], dtype=float)
    result = evaluate(net, X, [0, 1, 2, 2], class_names=[3, 5, 8])
    assert result.accuracy == 0.75
    assert result.predicted.tolist() == [0, 1, 2, 1]
    assert result.misclassified.tolist() == [3]
    np.testing.assert_allclose(result.confidence[3], np.exp(5) / (np.exp(5) + 2))
    assert result.per_class_table().splitlines()[3].split() == ["8", "2", "1", "50.0%"]

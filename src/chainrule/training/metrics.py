"""Classification metrics: accuracy, per-class accuracy, confusion matrix.

Targets count as classes when they are one-hot rows (several outputs, each row a single 1) or 0/1 values
for a single output; then the predicted class is the argmax of the outputs (or output > 0.5 for one output).
"""
import numpy as np

from ..errors import ShapeError
from ..limits import max_memory

EVAL_CHUNK = 8192  # rows per forward pass when evaluating, so 60,000 examples never need one huge matrix


def labels_from_targets(Y):
    """Integer class labels for prepared targets ``Y`` (n, n_out), or ``None`` if they are not classes."""
    Y = np.asarray(Y)
    if Y.ndim != 2:
        return None
    is_binary = np.all((Y == 0) | (Y == 1))
    if not is_binary:
        return None
    if Y.shape[1] == 1:
        return Y[:, 0].astype(np.int64)
    if np.all(Y.sum(axis=1) == 1):
        return np.argmax(Y, axis=1)
    return None


def predicted_classes(outputs):
    outputs = np.asarray(outputs)
    if outputs.shape[-1] == 1:
        return (outputs[..., 0] > 0.5).astype(np.int64)
    return np.argmax(outputs, axis=-1)


def eval_chunk(net):
    """Rows per forward pass when evaluating: ``EVAL_CHUNK``, fewer for a network so wide that a chunk's
    largest array (rows x the widest layer) would take more than 1/8 of the memory budget."""
    row_bytes = max(net.layer_sizes) * net.dtype.itemsize
    return max(1, min(EVAL_CHUNK, max_memory() // 8 // row_bytes))


def outputs_of(net, X):
    """The network's outputs for every row of ``X``, computed in chunks (``eval_chunk``)."""
    chunk = eval_chunk(net)
    return np.concatenate([net.output(X[i:i + chunk]) for i in range(0, len(X), chunk)])


def loss_and_accuracy(net, X, Y, labels=None):
    """Mean loss and accuracy of ``net`` on prepared ``X``, ``Y`` (accuracy ``None`` if Y are not classes)."""
    outputs = outputs_of(net, X)
    loss = float(net.loss.value(outputs, Y))
    if labels is None:
        labels = labels_from_targets(Y)
    accuracy = None if labels is None else float(np.mean(predicted_classes(outputs) == labels))
    return loss, accuracy


def accuracy(predicted, labels):
    predicted, labels = np.asarray(predicted), np.asarray(labels)
    if predicted.shape != labels.shape:
        raise ShapeError(f"predicted labels have shape {predicted.shape} but true labels {labels.shape}")
    return float(np.mean(predicted == labels))


def confusion_matrix(labels, predicted, n_classes):
    """``C[i, j]`` = number of examples of true class i predicted as class j."""
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(labels), np.asarray(predicted)), 1)
    return matrix


def per_class_accuracy(matrix):
    """Accuracy on each true class (recall): diagonal over row sums; NaN for a class with no examples."""
    totals = matrix.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(matrix) / np.maximum(totals, 1), np.nan)

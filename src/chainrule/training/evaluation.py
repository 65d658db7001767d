"""Evaluating a classifier: accuracy overall and per class, the confusion matrix, the misclassified examples."""
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .._typing import ArrayLike
from ..core.network import Network
from ..core.validation import as_float_array
from ..data.prep import as_class_numbers
from ..errors import ConfigError, InputValueError, ShapeError
from .metrics import confusion_matrix, eval_chunk, per_class_accuracy, predicted_classes


def class_probabilities(net: Network, X: np.ndarray) -> np.ndarray:
    """Per-class confidence for each row of ``X``: the softmax for softmax cross-entropy networks, else the
    outputs normalised to sum to 1 (sigmoid outputs are scores, not probabilities; the guide's note)."""
    rows, chunk = [], eval_chunk(net)
    for start in range(0, len(X), chunk):
        outputs = net.predict_proba(X[start:start + chunk])
        if not net.loss.takes_logits:   # predict_proba gave the outputs, not the softmax of logits
            outputs = np.clip(outputs, 0, None)
            if outputs.shape[-1] == 1:
                outputs = np.concatenate([1 - outputs, outputs], axis=-1)
            total = outputs.sum(axis=-1, keepdims=True)
            outputs = np.where(total > 0, outputs / np.where(total > 0, total, 1), 1.0 / outputs.shape[-1])
        rows.append(outputs)
    return np.concatenate(rows)


@dataclass
class Evaluation:
    """The result of ``evaluate``: ``labels`` and ``predicted`` are class positions 0..k-1;
    ``class_names`` say what each position means (e.g. the digits)."""

    class_names: list
    labels: np.ndarray = field(repr=False)
    predicted: np.ndarray = field(repr=False)
    confidence: np.ndarray = field(repr=False)
    accuracy: float
    confusion: np.ndarray = field(repr=False)
    per_class: np.ndarray = field(repr=False)

    @property
    def misclassified(self):
        """Indices of the wrong predictions, the most confident mistakes first."""
        wrong = np.flatnonzero(self.predicted != self.labels)
        return wrong[np.argsort(-self.confidence[wrong], kind="stable")]

    def per_class_table(self):
        lines = [f"{'class':>5}  {'examples':>8}  {'correct':>7}  {'accuracy':>8}"]
        for i, name in enumerate(self.class_names):
            total, correct = int(self.confusion[i].sum()), int(self.confusion[i, i])
            acc = "-" if total == 0 else f"{100 * self.per_class[i]:.1f}%"
            lines.append(f"{str(name):>5}  {total:>8}  {correct:>7}  {acc:>8}")
        return "\n".join(lines)

    def to_dict(self):
        return {"accuracy": self.accuracy, "n_examples": int(len(self.labels)),
                "n_misclassified": int(np.sum(self.predicted != self.labels)),
                "class_names": [str(c) for c in self.class_names],
                "per_class_accuracy": [None if np.isnan(a) else float(a) for a in self.per_class],
                "confusion_matrix": self.confusion.tolist()}


def evaluate(net: Network, X: ArrayLike, labels: ArrayLike,
             class_names: Sequence[object] | None = None) -> Evaluation:
    """Evaluate ``net`` on ``X`` (n, n_in) with integer ``labels`` (class positions 0..k-1)."""
    data = as_float_array(X, "X", net.dtype)
    codes = as_class_numbers(labels)
    if data.ndim != 2 or len(data) != len(codes):
        raise ShapeError(f"X must be (n, {net.layer_sizes[0]}) with one label per row; got X {data.shape}, "
                         f"labels {codes.shape}")
    if len(data) == 0:
        raise ShapeError(f"X has no examples to evaluate (shape {data.shape})")
    n_classes = max(net.layer_sizes[-1], 2)
    if codes.size and (codes.min() < 0 or codes.max() >= n_classes):
        raise InputValueError(f"labels run from {codes.min()} to {codes.max()}, but the network tells apart "
                              f"{n_classes} classes (labels 0..{n_classes - 1})")
    names = list(range(n_classes)) if class_names is None else list(class_names)
    if len(names) != n_classes:
        raise ConfigError(f"class_names has {len(names)} names for a network with {n_classes} classes")
    probabilities = class_probabilities(net, data)
    chunk = eval_chunk(net)
    predicted = predicted_classes(np.concatenate([net.predict_proba(data[i:i + chunk])
                                                  for i in range(0, len(data), chunk)])) \
        if net.layer_sizes[-1] == 1 else np.argmax(probabilities, axis=1)
    confidence = probabilities[np.arange(len(data)), predicted]
    matrix = confusion_matrix(codes, predicted, n_classes)
    return Evaluation(names, codes, predicted, confidence, float(np.mean(predicted == codes)),
                      matrix, per_class_accuracy(matrix))

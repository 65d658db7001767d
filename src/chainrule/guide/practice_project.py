"""The Practice Project's MNIST blocks: Hint 1, "Loading and preparing the data" (block 28), and the Example
Solution (block 31), run on chainrule.

Both start with ``np.load('mnist_data.npz')``. Without a path they read ``mnist_data.npz`` in the current
folder, as the guide's code does, and when there is none, the shipped sample -- the same arrays that
``chainrule download-mnist --guide-npz mnist_data.npz --source sample`` writes (10,000 digits, not the
guide's 70,000). ``guide_data(path).description`` says which one a run reads.

The Example Solution's ``backward()`` starts from ``2 * (a - t)``, the block-17 bug: with 5 outputs its
gradients are 5x those of the MSE it prints. chainrule's gradients are the MSE's own, so its learning rate
2.5 takes exactly the guide's step at ``learning_rate = 0.5``; everything else (the seeded weights, the
shuffles of ``np.random.permutation``, batch 32, the mean loss per example, accuracy on the first 500)
is the guide's, and the printed lines are too.
"""
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core import Network
from ..data import load_npz, load_sample
from ..data.prep import flatten_and_scale, one_hot, select_classes

GUIDE_FILE = "mnist_data.npz"
#: the guide's 0.5 on its own gradients, 5 times the MSE's (5 outputs): 2.5 on chainrule's
GUIDE_STEP_LEARNING_RATE = 2.5


@dataclass(frozen=True)
class GuideData:
    images: np.ndarray
    labels: np.ndarray
    description: str


def guide_data(path=None):
    """The arrays the guide's ``np.load('mnist_data.npz')`` gets: from ``path``, else ``./mnist_data.npz``
    if there is one, else the shipped sample (in the order ``--guide-npz ... --source sample`` writes it)."""
    if path is None and Path(GUIDE_FILE).is_file():
        path = GUIDE_FILE
    if path is None:
        sample = load_sample()
        return GuideData(sample.images, sample.labels,
                         f"the shipped sample, as there is no {GUIDE_FILE} here: 10,000 real MNIST digits, not the "
                         f"guide's 70,000 (the file `chainrule download-mnist --guide-npz {GUIDE_FILE} --source sample` "
                         f"writes)")
    arrays = load_npz(path)   # the guide reads exactly these two arrays, as they are
    return GuideData(arrays["images"], arrays["labels"], f"{path}: {len(arrays['labels']):,} images")


@dataclass(frozen=True)
class Prepared:
    """What the guide's Hint 1 (and the top of its Example Solution) leaves: digits 0-4, scaled, flattened,
    one-hot, the first 80% for training and the rest for testing, in the file's order."""
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    labels_train: np.ndarray
    labels_test: np.ndarray


def prepare(data):
    images, labels = select_classes(data.images, data.labels, range(5))
    X = flatten_and_scale(images)
    Y = one_hot(labels, 5)
    n_train = int(0.8 * len(X))
    return Prepared(X[:n_train], X[n_train:], Y[:n_train], Y[n_train:], labels[:n_train], labels[n_train:])


def block_28_load_and_prepare(path=None):
    """Hint 1 prints nothing; this prints what it leaves, as ``print(name, array.shape, array.dtype)`` would."""
    p = prepare(guide_data(path))
    names = {"X_train": p.X_train, "X_test": p.X_test, "y_train": p.y_train, "y_test": p.y_test,
             "labels_test": p.labels_test}
    return "\n".join([BLOCK_28_HEADER] + [f"{name} {array.shape} {array.dtype}" for name, array in names.items()])


BLOCK_28_HEADER = "Hint 1 prints nothing; the arrays it leaves (name, shape, dtype):"


def _accuracy(net, X, labels):
    return float(np.mean(net.predict(X) == labels))


@dataclass
class SolutionRun:
    """The Example Solution's run: the loss of every epoch, the accuracies it prints, and its lines."""
    losses: list
    final_acc: float
    lines: list


def run_example_solution(path=None, n_epochs=15):
    """The Example Solution on chainrule: ``Network([784, 64, 5], seed=42)``, ``n_epochs`` of ``train_epoch``
    (batch 32, the guide's step), accuracy on the first 500 training and test examples every 3 epochs and on
    the whole test set at the end."""
    p = prepare(guide_data(path))
    lines = [f"Training set: {len(p.X_train)} examples", f"Test set:     {len(p.X_test)} examples",
             f"Input size:   {p.X_train.shape[1]}", "Classes:      0-4 (5 classes)", ""]
    net = Network([784, 64, 5], seed=42)
    losses = []
    for epoch in range(n_epochs):
        loss = net.train_epoch(p.X_train, p.y_train, GUIDE_STEP_LEARNING_RATE, batch_size=32)
        losses.append(loss)
        if epoch % 3 == 0 or epoch == n_epochs - 1:
            train_acc = _accuracy(net, p.X_train[:500], p.labels_train[:500])
            test_acc = _accuracy(net, p.X_test[:500], p.labels_test[:500])
            lines.append(f"Epoch {epoch:>2}: loss={loss:.4f}  train_acc={train_acc:.1%}  test_acc={test_acc:.1%}")
    final_acc = _accuracy(net, p.X_test, p.labels_test)
    lines += ["", f"Final test accuracy: {final_acc:.1%}", "Target: >80%",
              "PASSED" if final_acc > 0.8 else "NOT YET - try more epochs or adjust learning rate"]
    return SolutionRun(losses, final_acc, lines)


def block_31_example_solution(path=None):
    """The Example Solution's printed lines (its loss-curve figure is what ``chainrule train`` draws as
    ``loss_curve.png``)."""
    return "\n".join(run_example_solution(path).lines)

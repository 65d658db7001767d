"""The seeded cases every implementation is checked on, chosen so that every mistake in the catalogue shows.

- Five networks: the guide's own 2-2-1 (seed 0, its ``backward()`` test) and 3-4-2 (seed 99, Exercise 2.2),
  the training loop's 2-4-1, a square 3-3-3 (where W @ delta runs where W.T @ delta is meant, and a transposed
  gradient has the right shape) and a three-layer 4-6-5-3; one output and several.
- Two single examples per network, each after a *decoy* input (so a backward() that reads an earlier
  forward() shows), and one batch whose size equals no layer size (so a batch never passes for a matrix).
- One update per network, at a learning rate whose square and whose halves are different numbers.
- Short runs of train_step, and epochs of train_epoch with example counts that are not multiples of the batch
  size (10 in 4+4+2, 10 in 3+3+3+1, 9 in 2+2+2+2+1), several epochs each, every X row and Y row different so
  that each call to forward() and backward() tells which example it got.
"""
from __future__ import annotations

import numpy as np

from .records import Arch, EpochProbe, Example, RunProbe, Spec, StepProbe

ARCHITECTURES = (
    Arch([2, 2, 1], 0, "the guide's backward() test"),
    Arch([2, 4, 1], 42, "the guide's training loop"),
    Arch([3, 4, 2], 99, "the guide's Exercise 2.2"),
    Arch([3, 3, 3], 5, "square weights"),
    Arch([4, 6, 5, 3], 7, "three layers"),
)
GUIDE_EXAMPLES = {0: ([1.0, 2.0], [1.0]), 2: ([0.5, -1.0, 2.0], [1.0, 0.0])}
XOR_X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_Y = [[0.0], [1.0], [1.0], [0.0]]
STEP_LEARNING_RATE = 0.3
EPOCH_LEARNING_RATE = 0.7
EPOCH_RUNS = ((1, 10, 4, 3), (2, 10, 3, 2), (4, 9, 2, 2))     # (network, examples, batch_size, epochs)


def _batch_size(sizes):
    n = 5
    while n in sizes:
        n += 1
    return n


def _example(rng, sizes):
    return np.round(rng.randn(sizes[0]), 2).tolist(), np.round(rng.uniform(0.05, 0.95, sizes[-1]), 2).tolist()


def _distinct_rows(rng, n, width, low, high, first_column=None):
    """n rows, pairwise different (rounded to 2 decimals), so each tells which example it is."""
    while True:
        rows = np.round(rng.uniform(low, high, (n, width)), 2)
        if first_column is not None:
            rows[:, 0] = first_column
        if len({tuple(r) for r in rows}) == n:
            return rows.tolist()


def build_spec(batches=True) -> Spec:
    archs = list(ARCHITECTURES)
    examples, steps = [], []
    for k, arch in enumerate(archs):
        rng = np.random.RandomState(1000 + k)
        first = GUIDE_EXAMPLES.get(k) or _example(rng, arch.sizes)
        second = _example(rng, arch.sizes)
        for n, (x, target) in enumerate((first, second)):
            decoy = np.round(rng.randn(arch.sizes[0]), 2).tolist()
            label = arch.label if n == 0 and k in GUIDE_EXAMPLES else ""
            examples.append(Example(k, x, target, decoy, label))
        if batches:
            size = _batch_size(arch.sizes)
            examples.append(Example(k, np.round(rng.randn(size, arch.sizes[0]), 2).tolist(),
                                    np.round(rng.uniform(0.05, 0.95, (size, arch.sizes[-1])), 2).tolist(), batch=True))
        steps.append(StepProbe(k, first[0], first[1], STEP_LEARNING_RATE))

    rng = np.random.RandomState(2000)
    runs = [RunProbe(1, XOR_X, XOR_Y, 2.0, 10),
            RunProbe(2, np.round(rng.randn(6, 3), 2).tolist(), np.eye(2)[rng.randint(0, 2, 6)].tolist(), 0.5, 6)]
    epochs = []
    for arch, n, batch_size, count in EPOCH_RUNS:
        sizes = archs[arch].sizes
        X = _distinct_rows(rng, n, sizes[0], -1.5, 1.5, first_column=np.arange(n) / 10.0 - 0.45)
        Y = _distinct_rows(rng, n, sizes[-1], 0.05, 0.95)
        epochs.append(EpochProbe(arch, X, Y, EPOCH_LEARNING_RATE, batch_size, count))
    loss_pairs = [([0.9, 0.1, 0.8], [1.0, 0.0, 1.0]), ([0.3], [1.0]),
                  ([[0.2, 0.7], [0.6, 0.1]], [[0.0, 1.0], [1.0, 0.0]])]
    singles = [i for i, e in enumerate(examples) if not e.batch]
    first_of_each = [next(i for i in singles if examples[i].arch == k) for k in range(len(archs))]
    return Spec(archs, examples, steps, runs, epochs, loss_pairs, independence_arch=2,
                traced_examples=first_of_each, traced_steps=[2, 3], traced_epochs=[1])

"""The seeded cases every implementation is checked on.

Five architectures, from the guide's own 2-2-1 (seed 0, the ``backward()`` test) and
3-4-2 (seed 99, Exercise 2.2) to a square 3-3-3 (where a missing transpose does not
crash) and a deeper 4-6-5-3. Each gets two single examples and one batch. The first
example of 2-2-1 and 3-4-2 is the guide's, so the numbers can be put beside the guide's.
"""
import numpy as np

ARCHITECTURES = (
    ([2, 2, 1], 0),     # the guide's backward() test (block 14)
    ([2, 4, 1], 42),    # the guide's training loop (block 18)
    ([3, 4, 2], 99),    # the guide's Exercise 2.2 (block 17)
    ([3, 3, 3], 5),     # square weights: W @ delta runs where W.T @ delta is meant
    ([4, 6, 5, 3], 7),  # three layers
)
GUIDE_EXAMPLES = {0: ([1.0, 2.0], [1.0]), 2: ([0.5, -1.0, 2.0], [1.0, 0.0])}
XOR_X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_Y = [[0.0], [1.0], [1.0], [0.0]]


def _batch_size(sizes):
    """A batch size equal to no layer size, so a batch can never pass for a weight matrix."""
    n = 5
    while n in sizes:
        n += 1
    return n


def _example(rng, sizes):
    return np.round(rng.randn(sizes[0]), 2).tolist(), np.round(rng.uniform(0, 1, sizes[-1]), 2).tolist()


def build_spec(batches=True):
    """Everything the worker runs: architectures, forward/backward cases, one-step updates,
    short training runs (train_step) and epochs (train_epoch). Plain lists, for JSON."""
    archs = [{"sizes": sizes, "seed": seed} for sizes, seed in ARCHITECTURES]
    cases, steps = [], []
    for k, (sizes, seed) in enumerate(ARCHITECTURES):
        rng = np.random.RandomState(1000 + k)
        first = GUIDE_EXAMPLES.get(k) or _example(rng, sizes)
        second = _example(rng, sizes)
        for x, target in (first, second):
            decoy = np.round(rng.randn(sizes[0]), 2).tolist()
            cases.append({"arch": k, "kind": "single", "x": x, "target": target, "decoy": decoy})
        if batches:
            n = _batch_size(sizes)
            cases.append({"arch": k, "kind": "batch", "x": np.round(rng.randn(n, sizes[0]), 2).tolist(),
                          "target": np.round(rng.uniform(0, 1, (n, sizes[-1])), 2).tolist(), "decoy": None})
        steps.append({"arch": k, "x": first[0], "target": first[1], "learning_rate": 0.5})

    rng = np.random.RandomState(2000)
    runs = [
        {"arch": 1, "X": XOR_X, "Y": XOR_Y, "learning_rate": 2.0, "passes": 20},
        {"arch": 2, "X": np.round(rng.randn(6, 3), 2).tolist(),
         "Y": np.eye(2)[rng.randint(0, 2, 6)].tolist(), "learning_rate": 0.5, "passes": 10},
    ]
    epoch_runs = []
    for arch in (1, 2):
        sizes = ARCHITECTURES[arch][0]
        X = np.round(rng.randn(12, sizes[0]), 2)
        X[:, 0] = np.arange(12) / 10.0 - 0.55  # every row different, so forward() tells which row it got
        Y = np.round(rng.uniform(0, 1, (12, sizes[-1])), 2)
        epoch_runs.append({"arch": arch, "X": X.tolist(), "Y": Y.tolist(), "learning_rate": 0.5,
                           "batch_size": 4, "epochs": 3})
    loss_pairs = [([0.9, 0.1, 0.8], [1.0, 0.0, 1.0]), ([0.3], [1.0]),
                  ([[0.2, 0.7], [0.6, 0.1]], [[0.0, 1.0], [1.0, 0.0]])]
    return {"archs": archs, "cases": cases, "steps": steps, "runs": runs, "epoch_runs": epoch_runs,
            "loss_pairs": loss_pairs}

"""Which examples a learner's train_epoch() fed to forward() and backward(): each array they got, matched to
the rows of the probe's X and Y, and an epoch's outcome with the rows in call order."""
import numpy as np

from .records import EpochOutcome, Value


class RowLookup:
    """Which row of a probe's X (or Y) an array passed to forward() (or backward()) holds."""

    def __init__(self, rows):
        self.width = np.shape(rows)[1]
        self.index = {}
        for i, row in enumerate(np.asarray(rows, dtype=np.float64)):
            self.index.setdefault(self.key(row), i)

    @staticmethod
    def key(row):
        return tuple(np.round(np.asarray(row, dtype=np.float64).ravel(), 4).tolist())

    def rows(self, value):
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            return [-1]
        if array.ndim <= 1 or array.size == self.width:
            return [self.index.get(self.key(array), -1)]
        if array.ndim == 2 and array.shape[1] == self.width:
            return [self.index.get(self.key(row), -1) for row in array]
        if array.ndim == 2 and array.shape[0] == self.width:
            return [self.index.get(self.key(col), -1) for col in array.T]
        return [-1]


def epoch_outcome(returned, events, after):
    outcome = EpochOutcome(returned=Value.of(returned), after=after)
    last_forward = None
    for kind, rows in events:
        if kind == "f":
            outcome.forward_rows.append(rows)
            last_forward = rows
        else:
            outcome.backward_rows.append(rows)
            xs = last_forward if last_forward is not None and len(last_forward) == len(rows) else [-1] * len(rows)
            outcome.pairs += [[x, y] for x, y in zip(xs, rows)]
    return outcome

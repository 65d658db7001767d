"""The data set's picture: the network's output over the plane (2-D inputs, a decision boundary) or along
the line (1-D, the fitted curve), with the data points and how well the network does on them.

Every value is ``Network.forward`` on a batch: the grid or curve is one matrix product per layer.
"""
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

GRID = 41          # samples per axis of the plane (the corners of 40 x 40 cells)
CURVE = 101        # samples along the line


@dataclass(frozen=True)
class Picture:
    kind: str                 # "boundary" (2-D inputs, two classes) or "curve" (1-D inputs)
    data: str                 # the data set's name
    title: str
    about: str
    X: list                   # the data points' inputs ...
    Y: list                   # ... targets ...
    predictions: list         # ... and the network's output at each
    loss: float               # the network's loss on the whole data set (chainrule's loss_value on the batch)
    correct: int | None = None       # points on the right side of 0.5 (boundary pictures)
    x_range: tuple = ()       # the plane's (or line's) extent
    y_range: tuple = ()
    values: Sequence = ()     # boundary: GRID x GRID outputs, row by row from y_range[1] down; curve: CURVE outputs
    xs: Sequence = ()         # curve: where the outputs were taken

    def to_dict(self):
        return asdict(self)


def _extent(column, pad=0.15):
    low, high = float(column.min()), float(column.max())
    margin = pad * (high - low or 1.0)
    return round(low - margin, 4), round(high + margin, 4)


def picture(state):
    """The picture of ``state``'s data set, or None when the lab traces one example."""
    dataset = state.dataset
    if dataset is None:
        return None
    net = state.network()
    outputs = net.forward(dataset.X)[:, 0]
    common = dict(data=dataset.name, title=dataset.title, about=dataset.about, X=dataset.X.tolist(),
                  Y=dataset.Y[:, 0].tolist(), predictions=outputs.tolist(),
                  loss=float(net.loss_value(dataset.X, dataset.Y)))
    if dataset.classification:
        x_range, y_range = _extent(dataset.X[:, 0]), _extent(dataset.X[:, 1])
        gx = np.linspace(*x_range, GRID)
        gy = np.linspace(*y_range, GRID)[::-1]          # top row first, as an image is drawn
        plane = np.column_stack([np.tile(gx, GRID), np.repeat(gy, GRID)])
        values = net.forward(plane)[:, 0]
        correct = int(np.sum((outputs > 0.5) == (dataset.Y[:, 0] > 0.5)))
        return Picture("boundary", correct=correct, x_range=x_range, y_range=y_range,
                       values=np.round(values, 4).tolist(), **common)
    x_range = _extent(dataset.X[:, 0], pad=0.0)
    xs = np.linspace(*x_range, CURVE)
    ys = net.forward(xs.reshape(-1, 1))[:, 0]
    y_range = _extent(np.concatenate([dataset.Y[:, 0], ys]))
    return Picture("curve", x_range=x_range, y_range=y_range, values=np.round(ys, 4).tolist(),
                   xs=np.round(xs, 4).tolist(), **common)

"""The lab's toy data sets, each with the network the lab starts it on.

XOR (Section 3, Exercise 3.1) and the sine curve (Section 4) are the guide's own, drawn by
``chainrule.data.toy`` exactly as the guide draws them, with the guide's settings. Circles and the spiral are
the two-class pictures TensorFlow Playground made familiar, drawn here from a seeded ``RandomState`` and
shuffled once, so that training in order (the guide's loop) meets the classes mixed.

Training on a data set is the guide's loop (``chainrule.guide.training_loop.train_pass``: one ``train_step``
per example, in order) or, with a batch size above 1, ``Network.train_epoch``'s mini-batches in an order
shuffled by the seed; one epoch is one pass.
"""
from dataclasses import dataclass

import numpy as np

from ..data.toy import XOR_X, XOR_Y, sine_data


@dataclass(frozen=True)
class Preset:
    """The network a data set starts on: ``Network(layers, seed)`` with these activations, loss and rate."""

    layers: tuple
    activations: tuple      # one per weight layer: hidden layers first, the output last
    loss: str
    learning_rate: float
    seed: int
    batch: int = 1          # 1: the guide's loop (one train_step per example, in order); else mini-batches


@dataclass(frozen=True)
class DataSet:
    name: str
    title: str
    about: str              # one sentence for the page
    X: np.ndarray           # (n, 1) or (n, 2)
    Y: np.ndarray           # (n, 1): the target of each example
    preset: Preset

    @property
    def dims(self):
        return self.X.shape[1]

    @property
    def classification(self):
        """Two classes (targets 0 and 1) drawn as a decision boundary; otherwise a fitted curve."""
        return self.dims == 2


def _circles(n=120, seed=0):
    """Class 1 inside radius 0.5, class 0 on the ring from 0.7 to 1.0 (half each)."""
    rng = np.random.RandomState(seed)
    inner = n // 2
    radius = np.concatenate([rng.uniform(0, 0.5, inner), rng.uniform(0.7, 1.0, n - inner)])
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    Y = np.concatenate([np.ones(inner), np.zeros(n - inner)]).reshape(-1, 1)
    order = rng.permutation(n)
    return X[order], Y[order]


def _spiral(n=160, seed=0, noise=0.03):
    """Two interleaved spirals (class 1 and class 0, half each), radius up to 1, 1.75 turns."""
    rng = np.random.RandomState(seed)
    half = n // 2
    points, labels = [], []
    for label, offset in ((1.0, 0.0), (0.0, np.pi)):
        t = np.arange(half) / half
        angle = 1.75 * 2 * np.pi * t + offset
        points.append(np.column_stack([t * np.sin(angle), t * np.cos(angle)]) + rng.normal(0, noise, (half, 2)))
        labels.append(np.full(half, label))
    X, Y = np.concatenate(points), np.concatenate(labels).reshape(-1, 1)
    order = rng.permutation(len(X))
    return X[order], Y[order]


def _build():
    sine_X, sine_Y = sine_data()
    circles_X, circles_Y = _circles()
    spiral_X, spiral_Y = _spiral()
    sets = [
        DataSet("xor", "XOR", "The guide's Exercise 3.1: the four corners, 1 where exactly one input is 1. "
                "No single line separates the classes: the hidden layer must bend the boundary.",
                XOR_X.copy(), XOR_Y.copy(), Preset((2, 4, 1), ("sigmoid", "sigmoid"), "mse", 2.0, 42)),
        DataSet("circles", "Circles", "Class 1 inside a circle, class 0 on a ring around it (120 points).",
                circles_X, circles_Y, Preset((2, 4, 1), ("tanh", "sigmoid"), "mse", 0.5, 0)),
        DataSet("spiral", "Spiral", "Two interleaved spirals (160 points): the hardest picture here; it needs "
                "two hidden layers.",
                spiral_X, spiral_Y, Preset((2, 8, 8, 1), ("tanh", "tanh", "sigmoid"), "mse", 0.3, 0, batch=10)),
        DataSet("sine", "Sine", "The guide's Section 4: 50 points of sin(x) on [0, pi], x scaled to [0, 1]; "
                "the network draws the curve it has learned.",
                sine_X, sine_Y, Preset((1, 8, 1), ("sigmoid", "sigmoid"), "mse", 2.0, 42)),
    ]
    return {s.name: s for s in sets}


#: every data set the lab offers, by name
DATASETS = _build()


def get_dataset(name):
    return DATASETS[name]

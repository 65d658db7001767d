"""Comparing runs of the practice project on one plot: architectures, losses, optimizers, schedules.

Every run uses the same data split and network seed; only the named settings differ.
"""
import itertools
import json
import os
from dataclasses import dataclass, replace

from ..data.mnist import MNIST_PIXELS
from ..errors import ConfigError
from ..files import atomic_write_text
from .plots import compare_figure, save_figure
from .run import prepare_data, train_project
from .settings import format_digits


@dataclass
class ComparedRun:
    label: str
    config: object
    history: object
    test_accuracy: float
    seconds: float


def variants(base, layer_sizes=(), losses=()):
    """The configurations to compare: every architecture (list of full layer sizes) with every loss."""
    archs = [list(sizes) for sizes in layer_sizes] or [base.layer_sizes]
    for sizes in archs:
        if len(sizes) < 2 or sizes[0] != MNIST_PIXELS or sizes[-1] != len(base.digits):
            raise ConfigError(f"architecture {sizes} must start with {MNIST_PIXELS} (pixels) and end with "
                              f"{len(base.digits)} (one output per digit {base.digits})")
    loss_names = list(losses) or [base.loss]
    configs = []
    for sizes, loss in itertools.product(archs, loss_names):
        configs.append(replace(base, hidden=list(sizes[1:-1]), loss=loss))
    return configs


def label_of(config, vary_arch, vary_loss):
    parts = []
    if vary_arch or not vary_loss:
        parts.append(str(config.layer_sizes).replace(" ", ""))
    if vary_loss or not vary_arch:
        parts.append(config.loss)
    return " ".join(parts)


def run_comparison(configs, log=None):
    """Train each configuration (one data load, shared); returns a list of ``ComparedRun``."""
    data = prepare_data(configs[0])
    vary_arch = len({tuple(c.layer_sizes) for c in configs}) > 1
    vary_loss = len({c.loss for c in configs}) > 1
    runs = []
    for config in configs:
        result = train_project(config, data=data)
        run = ComparedRun(label_of(config, vary_arch, vary_loss), config, result.history, result.test_accuracy,
                          result.seconds)
        runs.append(run)
        if log:
            log(run)
    return runs


def write_comparison(runs, out_dir):
    """``compare.png`` (training loss and test accuracy of every run on one plot) and ``compare.json``."""
    os.makedirs(out_dir, exist_ok=True)
    digits = format_digits(runs[0].config.digits)
    png = save_figure(compare_figure([(r.label, r.history) for r in runs], f"MNIST digits {digits}"),
                      os.path.join(out_dir, "compare.png"))
    path = os.path.join(out_dir, "compare.json")
    atomic_write_text(path, json.dumps([{"label": r.label, "config": r.config.to_dict(),
                                         "test_accuracy": r.test_accuracy, "seconds": r.seconds,
                                         "history": r.history.to_dict()} for r in runs], indent=1))
    return {"plot": png, "json": path}

"""Callbacks: code that runs at fixed points of ``fit``.

A callback is any object with some of these methods, each given the ``TrainingRun`` (``run``):

    on_train_begin(run)  on_epoch_begin(run)  on_batch_end(run)  on_epoch_end(run)  on_train_end(run)

``run`` holds the network, the history, the optimizer, the schedule, the epoch and batch counters, the last
batch's loss and gradients, and ``run.stop(reason)``, which ends training after the current batch.
``on_epoch_end`` is called after the epoch's numbers are in ``run.history``.

At every hook, the callbacks that keep the run's books or print it (``runs_first = True``: early stopping,
diagnostics, ``EvaluateOn``, the progress bar and epoch lines) run before the others, each group in the order
given. So a callback of yours sees the state after the epoch whatever its place in ``callbacks``:
``run.state_dict()`` in its ``on_epoch_end`` holds the epoch's early-stopping update and findings, and its
``on_train_end`` sees the best weights already put back. Set ``runs_first = True`` on a callback of yours that
updates, in ``on_epoch_end``, what other callbacks read (the history, or state it returns from ``state_dict``).
"""
import sys
import time

import numpy as np

from ..errors import ConfigError
from ..terminal import clear_line, columns, is_terminal, redraw
from .metrics import loss_and_accuracy

HOOKS = ("on_train_begin", "on_epoch_begin", "on_batch_end", "on_epoch_end", "on_train_end")


class Callback:
    """Optional base class: every hook does nothing."""

    runs_first = False      # see the module docstring
    def on_train_begin(self, run): pass
    def on_epoch_begin(self, run): pass
    def on_batch_end(self, run): pass
    def on_epoch_end(self, run): pass
    def on_train_end(self, run): pass


class EarlyStopping(Callback):
    """Stop when ``monitor`` (default ``val_loss``) has not improved by ``min_delta`` for ``patience`` epochs,
    then put back the weights of the best epoch (``restore_best_weights``)."""

    runs_first = True

    def __init__(self, patience=5, monitor="val_loss", min_delta=0.0, restore_best_weights=True):
        if int(patience) != patience or patience < 1:
            raise ConfigError(f"early stopping patience must be a whole number >= 1, got {patience!r}")
        self.patience, self.monitor, self.min_delta = int(patience), monitor, float(min_delta)
        self.restore_best_weights = restore_best_weights
        self.mode = "max" if "accuracy" in monitor else "min"
        self.best = self.best_epoch = self.best_weights = None
        self.wait = 0

    def on_train_begin(self, run):
        if self.monitor.startswith("val_") and run.validation is None:
            raise ConfigError(f"early stopping on {self.monitor!r} needs validation_data")

    def _improved(self, value):
        if self.best is None:
            return True
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, run):
        try:
            value = run.history.last(self.monitor)
        except KeyError as exc:
            raise ConfigError(f"early stopping monitors {self.monitor!r}: {exc.args[0]}") from None
        if value is None or not np.isfinite(value):
            return
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, run.epoch, 0
            if self.restore_best_weights:
                self.best_weights = run.net.copy_weights()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                run.stop(f"early stopping: {self.monitor} has not improved for {self.patience} epochs "
                         f"(best {self.best:.6g} at epoch {self.best_epoch + 1})")

    def on_train_end(self, run):
        if self.best_epoch is not None:
            run.history.best_epoch = self.best_epoch
            if self.restore_best_weights and self.best_weights is not None:
                run.net.set_weights(self.best_weights)

    def state_dict(self):
        return {"best": self.best, "best_epoch": self.best_epoch, "wait": self.wait,
                "best_weights": self.best_weights}

    def load_state_dict(self, state):
        self.best, self.best_epoch, self.wait = state["best"], state["best_epoch"], int(state["wait"])
        self.best_weights = state.get("best_weights")


class EvaluateOn(Callback):
    """After each epoch, measure loss and accuracy on another data set and record them as
    ``<name>_loss`` and ``<name>_accuracy`` in ``history.metrics`` (the project runner's held-out test set:
    watched, never used to choose anything)."""

    runs_first = True

    def __init__(self, X, y, name="test"):
        self.X, self.y, self.name = X, y, name
        self.prepared = None

    def on_train_begin(self, run):
        self.prepared = run.net.prepare_data(self.X, self.y)

    def on_epoch_end(self, run):
        loss, accuracy = loss_and_accuracy(run.net, *self.prepared)
        run.history.add_metric(f"{self.name}_loss", loss)
        run.history.add_metric(f"{self.name}_accuracy", accuracy)


def _percent(value):
    return "   -  " if value is None else f"{100 * value:5.1f}%"


class EpochLogger(Callback):
    """One line per epoch: loss, train/validation/test accuracy, learning rate, time."""

    runs_first = True

    def __init__(self, stream=None):
        self.stream = stream

    def on_epoch_end(self, run):
        h = run.history
        width = len(str(run.epochs))
        parts = [f"Epoch {run.epoch + 1:>{width}}/{run.epochs}", f"loss {h.train_loss[-1]:.4f}"]
        if h.train_accuracy[-1] is not None:
            parts.append(f"train {_percent(h.train_accuracy[-1])}")
        if h.val_loss[-1] is not None:
            parts.append(f"val loss {h.val_loss[-1]:.4f}")
            if h.val_accuracy[-1] is not None:
                parts.append(f"val {_percent(h.val_accuracy[-1])}")
        for name in h.metrics:
            if name.endswith("_accuracy") and h.metrics[name][-1] is not None:
                parts.append(f"{name[:-len('_accuracy')]} {_percent(h.metrics[name][-1])}")
        if run.schedule.name != "constant":
            parts.append(f"lr {h.learning_rate[-1]:.4g}")
        parts.append(f"{h.time[-1]:.2f}s")
        print("  ".join(parts), file=self.stream or sys.stdout, flush=True)


class ProgressBar(Callback):
    """A bar across each epoch's batches with the running mean loss, redrawn in place on a terminal.

    Redraws at most every ``interval`` seconds, each fitted to the terminal's current width (the bar narrows
    first, then the line is cut: ``terminal.redraw``); the line is cleared at the end of the epoch. When the
    stream is not a terminal (a pipe, a file, a notebook) it draws nothing: the epoch lines are the whole log.
    """

    min_width = 5

    runs_first = True

    def __init__(self, stream=None, width=28, interval=0.05):
        self.stream, self.width, self.interval = stream, width, interval
        self.last_draw = 0.0
        self.drawn = False

    def _write(self, text):
        stream = self.stream or sys.stderr
        stream.write(text)
        stream.flush()

    def _live(self):
        return is_terminal(self.stream or sys.stderr)

    def line(self, run, cols):
        """The bar of the batch just done, for a terminal ``cols`` wide."""
        done = run.batch + 1
        head, tail = f"Epoch {run.epoch + 1}/{run.epochs} ", f" {done}/{run.n_batches}  loss {run.running_loss:.4f}"
        width = max(min(self.width, cols - 1 - len(head) - len(tail) - 2), self.min_width)
        filled = int(width * done / run.n_batches)
        bar = "=" * filled + (">" if filled < width else "") + " " * (width - filled - 1)
        return f"{head}[{bar[:width]}]{tail}"

    def on_batch_end(self, run):
        now = time.perf_counter()
        if run.batch + 1 < run.n_batches and now - self.last_draw < self.interval:
            return
        self.last_draw = now
        if not self._live():
            return
        cols = columns(self.stream or sys.stderr)
        self._write(redraw(self.line(run, cols), cols))
        self.drawn = True

    def on_epoch_end(self, run):
        if self.drawn:
            self._write(clear_line(columns(self.stream or sys.stderr)))
            self.drawn = False

    on_train_end = on_epoch_end

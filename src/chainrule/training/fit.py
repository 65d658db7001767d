"""``fit``: train a Network for some epochs and return its ``History``.

    history = fit(net, X, y, epochs=30, learning_rate=0.5)

Each epoch: shuffle with the network's own random generator (``net.rng``, so the same seed gives the same
run, bit for bit), then for each mini-batch take the loss and gradients from ``net.loss_and_gradients``, add
L2 weight decay (``weight_decay * W`` on the weights, not the biases) and let the optimizer step at the
schedule's learning rate for this epoch. After the epoch: training accuracy (a forward pass over the whole
training set), validation loss and accuracy, time and the per-layer gradient norms go into the history,
then the callbacks' ``on_epoch_end``: the run's own bookkeeping (early stopping, diagnostics) first, then the
user's callbacks, so a state a callback takes there is the state after the epoch (``training.callbacks``).

Everything the next epoch depends on — weights, optimizer state, schedule, random-generator state, epoch
counter, history, early-stopping state — is in ``run.state_dict()``, and ``fit(..., resume=state)`` continues
exactly where that state was taken. ``fit(..., checkpoint=path)`` writes that state to a file after every
epoch (``training.checkpoint``) and ``fit(..., resume=path)`` continues from the file.

Ctrl-C while training stops after the current batch (a half-applied update never happens), saves the
checkpoint, including the position inside the epoch, and returns the history so far (``history.stop_reason``
starts with "interrupted"); a second Ctrl-C interrupts at once. ``fit`` also runs ``Diagnostics`` (see
``training.diagnostics``): what goes wrong is reported in ``history.findings`` and printed.
"""
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .._typing import ArrayLike, PathArg
from ..core.network import Network
from ..core.threads import blas_threads
from ..core.validation import check_batch_arrays, check_epochs, check_positive, check_seed
from ..errors import ConfigError, TrainingDiverged
from .callbacks import EarlyStopping, EpochLogger, ProgressBar
from .checkpoint import Checkpoint, CheckpointSaver, data_fingerprint, load_checkpoint
from .diagnostics import Diagnostics
from .history import History
from .metrics import labels_from_targets, loss_and_accuracy
from .optimizers import Optimizer, get_optimizer
from .schedules import Schedule, get_schedule


# Note: the gradient norms use einsum, not np.vdot/np.linalg.norm: those call a multi-threaded BLAS dot whose
# threads spin-wait when the cores are busy, measured at 4-8 ms per call (100x the work) on a loaded 2-core machine.


class TrainingRun:
    """The state of one ``fit`` call, handed to every callback hook."""

    def __init__(self, net, X, Y, validation, optimizer, schedule, batch_size, weight_decay, epochs,
                 callbacks, history):
        self.net, self.X, self.Y, self.validation = net, X, Y, validation
        self.optimizer, self.schedule = optimizer, schedule
        self.batch_size, self.weight_decay, self.epochs = batch_size, weight_decay, epochs
        # The callbacks that keep the run's books (``runs_first``: early stopping, diagnostics, ...) run first at
        # every hook, so the others see the state after the epoch whatever order they were given in.
        callbacks = list(callbacks)
        self.callbacks = [c for c in callbacks if getattr(c, "runs_first", False)] + \
                         [c for c in callbacks if not getattr(c, "runs_first", False)]
        self.history = history
        self.train_labels = labels_from_targets(Y)
        self.val_labels = None if validation is None else labels_from_targets(validation[1])
        self.n_batches = -(-len(X) // batch_size)
        self.epoch = 0              # the epoch being run (0-based)
        self.batch = 0              # the batch being run in that epoch (0-based)
        self.batch_loss = self.running_loss = None
        self.weight_grads = self.bias_grads = None
        self.learning_rate = None
        self.stop_training = False
        self.stop_reason = None
        self.interrupted = False    # Ctrl-C: stop after the current batch
        self.partial = None         # where an interrupted epoch stands (its order, batches done, sums)
        self.checkpoint = None      # a CheckpointSaver, or None
        self.restored = None        # set by Diagnostics when it put back the last good weights

    def stop(self, reason):
        """End training after the current batch; ``reason`` is recorded in ``history.stop_reason``."""
        self.stop_training = True
        if self.stop_reason is None:
            self.stop_reason = reason

    def call(self, hook):
        for callback in self.callbacks:
            method = getattr(callback, hook, None)
            if method is not None:
                method(self)

    # --- the loop ---

    def _update(self, loss, weight_grads, bias_grads):
        """The update of one batch, for ``Network.train_batch``: stop on a diverged loss, sum the gradient
        norms, add the weight decay, then the optimizer's step."""
        net, lr = self.net, self.learning_rate
        if not np.isfinite(loss):
            self.batch_loss = loss
            self.stop(f"diverged: the loss became {loss} in epoch {self.epoch + 1}, batch {self.batch + 1}")
            self.history.stop_reason = self.stop_reason
            self.call("on_diverged")
            error = TrainingDiverged(
                f"the loss became {loss} in epoch {self.epoch + 1}, batch {self.batch + 1}; "
                f"try a learning rate 10x lower than {lr:g} (e.g. {lr / 10:g})"
                + (f"; {self.restored} were put back" if self.restored else ""))
            error.history = self.history
            raise error
        for i, dW in enumerate(weight_grads):   # the backpropagated gradient, before weight decay
            self._norm_sums[i] += np.sqrt(np.einsum("ij,ij->", dW, dW))  # not BLAS: see the note above
        if self.weight_decay:
            weight_grads = [dW + self.weight_decay * W for dW, W in zip(weight_grads, net.weights)]
        params = [p for pair in zip(net.weights, net.biases) for p in pair]
        grads = [g for pair in zip(weight_grads, bias_grads) for g in pair]
        self.optimizer.step(params, grads, lr)
        self.weight_grads, self.bias_grads = weight_grads, bias_grads

    def run_epoch(self):
        net, X, Y = self.net, self.X, self.Y
        self.learning_rate = lr = float(self.schedule(self.epoch))
        started = time.perf_counter()
        partial, self.partial = self.partial, None
        if partial is None:
            order = net.rng.permutation(len(X))
            norm_sums = np.zeros(len(net.weights))
            total, seen, first_batch = 0.0, 0, 0
        else:   # the rest of an epoch interrupted by Ctrl-C: same order, same running sums
            order, norm_sums = np.asarray(partial["order"]), np.array(partial["norm_sums"], dtype=np.float64)
            total, seen, first_batch = float(partial["total"]), int(partial["seen"]), int(partial["next_batch"])
        starts = range(first_batch * self.batch_size, len(X), self.batch_size)
        self._norm_sums = norm_sums
        for self.batch, start in enumerate(starts, start=first_batch):
            idx = order[start:start + self.batch_size]
            loss, _, _ = net.train_batch(X[idx], Y[idx], self._update)   # sets weight_grads, bias_grads
            total += loss * len(idx)
            seen += len(idx)
            self.batch_loss, self.running_loss = loss, total / seen
            try:
                self.call("on_batch_end")
            except KeyboardInterrupt:   # raised by a callback, after this batch's update: a clean stop
                self.interrupted = True
            if self.interrupted and start + self.batch_size < len(X):
                self.partial = {"order": order, "next_batch": self.batch + 1, "total": total, "seen": seen,
                                "norm_sums": norm_sums.copy()}
                return False
            if self.stop_training or self.interrupted:
                break
        n_done = -(-seen // self.batch_size)
        train_loss = total / seen
        _, train_accuracy = (None, None) if self.train_labels is None else \
            loss_and_accuracy(net, X, Y, self.train_labels)
        val_loss = val_accuracy = None
        if self.validation is not None:
            val_loss, val_accuracy = loss_and_accuracy(net, *self.validation, self.val_labels)
        self.history.append(train_loss=train_loss, train_accuracy=train_accuracy, val_loss=val_loss,
                            val_accuracy=val_accuracy, learning_rate=lr,
                            time=time.perf_counter() - started,
                            grad_norms=(norm_sums / n_done).tolist())
        return True

    def train(self, start_epoch=0):
        self.call("on_train_begin")
        mid_epoch = self.partial is not None   # resuming inside an epoch: its on_epoch_begin already ran
        with _ctrl_c_stops_after_the_batch(self):
            for epoch in range(start_epoch, self.epochs):
                self.epoch = epoch
                if not mid_epoch:
                    self.call("on_epoch_begin")
                mid_epoch = False
                if not self.run_epoch():
                    break                       # interrupted inside the epoch
                self.call("on_epoch_end")
                if self.checkpoint is not None:
                    self.checkpoint.on_epoch_saved(self)
                if self.stop_training or self.interrupted:
                    break
        if self.interrupted:
            self._interrupted()
        self.history.stop_reason = self.stop_reason
        self.call("on_train_end")
        return self.history

    def _interrupted(self):
        where = (f"in epoch {self.epoch + 1} after batch {self.partial['next_batch']} of {self.n_batches}"
                 if self.partial is not None else f"after epoch {self.history.epochs}")
        reason = f"interrupted (Ctrl-C) {where}"
        if self.checkpoint is not None:
            self.checkpoint.save(self)
            reason += f"; checkpoint saved to {self.checkpoint.path}"
        self.stop_reason = None
        self.stop(reason)
        self.call("on_interrupt")

    # --- resuming ---

    def _callback_keys(self):
        """A key per callback with state: class name and its count among callbacks of that class."""
        counts, keys = {}, []
        for callback in self.callbacks:
            name = type(callback).__name__
            keys.append(f"{name}:{counts.get(name, 0)}")
            counts[name] = counts.get(name, 0) + 1
        return keys

    def state_dict(self):
        """Everything needed to continue this run exactly: plain values and NumPy arrays only."""
        rng_state = self.net.rng.get_state()
        weights, biases = self.net.copy_weights()
        state = {
            "epoch": self.history.epochs, "weights": weights, "biases": biases,
            "rng_state": {"key": rng_state[1].copy(), "pos": int(rng_state[2]),
                          "has_gauss": int(rng_state[3]), "cached_gaussian": float(rng_state[4])},
            "optimizer": self.optimizer.state_dict(), "schedule": self.schedule.state_dict(),
            "history": self.history.to_dict(), "callbacks": {},
            "partial_epoch": None if self.partial is None else dict(self.partial),
        }
        for key, callback in zip(self._callback_keys(), self.callbacks):
            if hasattr(callback, "state_dict"):
                state["callbacks"][key] = callback.state_dict()
        return state

    def load_state_dict(self, state):
        self.net.set_weights((state["weights"], state["biases"]))
        rng = state["rng_state"]
        self.net.rng.set_state(("MT19937", np.asarray(rng["key"], dtype=np.uint32), int(rng["pos"]),
                                int(rng["has_gauss"]), float(rng["cached_gaussian"])))
        self.optimizer.load_state_dict(state["optimizer"])
        self.schedule.load_state_dict(state["schedule"])
        history = History.from_dict(state["history"])
        history.settings = self.history.settings
        self.history = history
        for key, callback in zip(self._callback_keys(), self.callbacks):
            if key in state.get("callbacks", {}) and hasattr(callback, "load_state_dict"):
                callback.load_state_dict(state["callbacks"][key])
        partial = state.get("partial_epoch")
        self.partial = None if partial is None else dict(partial)
        return int(state["epoch"])


@contextlib.contextmanager
def _ctrl_c_stops_after_the_batch(run):
    """While training, the first Ctrl-C (SIGINT) sets ``run.interrupted``: the loop stops after the current
    batch, never in the middle of an update. A second Ctrl-C raises ``KeyboardInterrupt`` at once. Only in the
    main thread, and not when SIGINT is ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous in (signal.SIG_IGN, None):
        yield
        return

    def handler(signum, frame):
        if run.interrupted:
            raise KeyboardInterrupt
        run.interrupted = True
        print("\nCtrl-C: stopping after this batch" + (" and saving the checkpoint" if run.checkpoint else "")
              + " (press Ctrl-C again to quit at once)", file=sys.stderr, flush=True)

    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _early_stopping(spec):
    if spec is None or spec is False:
        return None
    if isinstance(spec, EarlyStopping):
        return spec
    if isinstance(spec, dict):
        return EarlyStopping(**spec)
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        return EarlyStopping(patience=int(spec))
    raise ConfigError(f"early_stopping must be a patience (int), a dict of EarlyStopping settings or an "
                      f"EarlyStopping, got {spec!r}")


def fit(net: Network, X: ArrayLike, y: ArrayLike, *, epochs: int, learning_rate: float, batch_size: int = 32,
        optimizer: str | Optimizer = "sgd", schedule: str | Schedule = "constant", weight_decay: float = 0.0,
        validation_data: tuple[ArrayLike, ArrayLike] | None = None,
        early_stopping: int | dict[str, Any] | EarlyStopping | None = None, callbacks: Iterable[object] = (),
        progress: bool | str = False, seed: int | None = None,
        resume: PathArg | Checkpoint | dict[str, Any] | None = None,
        run_callback: Callable[["TrainingRun"], object] | None = None, diagnostics: bool | str | Diagnostics = True,
        checkpoint: PathArg | None = None, checkpoint_every: int = 1,
        checkpoint_metadata: dict[str, Any] | None = None) -> History:
    """Train ``net`` on ``X`` (n, n_in) and targets ``y`` for ``epochs`` passes; return a ``History``.

    - ``optimizer``: ``"sgd"``, ``"momentum"``, ``"adam"`` or an optimizer object (``training.optimizers``).
    - ``schedule``: ``"constant"``, ``"step"``, ``"cosine"`` or a schedule object (``training.schedules``).
    - ``weight_decay``: L2 penalty ``weight_decay/2 * sum(W**2)`` added to the gradient as ``weight_decay * W``
      (weights only; the reported loss is the data loss).
    - ``validation_data``: ``(X_val, y_val)``, measured after every epoch.
    - ``early_stopping``: a patience (int), a dict of ``EarlyStopping`` settings or an ``EarlyStopping``;
      stops when the validation loss stops improving and restores the best epoch's weights.
    - ``callbacks``: objects with ``on_train_begin/on_epoch_begin/on_batch_end/on_epoch_end/on_train_end(run)``.
    - ``progress``: ``True`` prints a per-batch progress bar (stderr) and one line per epoch (stdout);
      ``"epochs"`` prints only the epoch lines.
    - ``seed``: reseed the network's shuffling generator (``net.rng``) first; ``None`` keeps its state.
    - ``resume``: a checkpoint file (or ``Checkpoint``, or a ``TrainingRun.state_dict()``) to continue from,
      bit-identically; the network, the settings and the data must be those of the checkpoint.
    - ``run_callback``: called with the ``TrainingRun`` before training starts (for checkpointing tools).
    - ``diagnostics``: ``True`` (default) watches the run and reports problems (``training.diagnostics``) into
      ``history.findings`` and on the console; ``"quiet"`` records without printing; ``False`` turns it off;
      or a ``Diagnostics`` object.
    - ``checkpoint``: a file to save the whole training state to (atomically) every ``checkpoint_every``
      epochs, at the end and on Ctrl-C; ``checkpoint_metadata``: JSON-ready data stored with it.
    """
    if not isinstance(net, Network):
        raise ConfigError(f"fit trains a chainrule Network, got {type(net).__name__}")
    epochs = check_epochs(epochs)
    batch_size = check_positive(batch_size, "batch_size", integer=True)
    seed = None if seed is None else check_seed(seed)
    if isinstance(weight_decay, bool) or not isinstance(weight_decay, (int, float, np.integer, np.floating)):
        raise ConfigError(f"weight_decay must be a number >= 0, got {weight_decay!r}")
    weight_decay = float(weight_decay)
    if not np.isfinite(weight_decay) or weight_decay < 0:
        raise ConfigError(f"weight_decay must be >= 0, got {weight_decay!r}")
    X, Y = net.prepare_data(X, y)
    check_batch_arrays(net.layer_sizes, min(batch_size, len(Y)), net.dtype)
    validation = None
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ConfigError("validation_data must be a pair (X_val, y_val)")
        validation = net.prepare_data(*validation_data)
    if seed is not None:
        net.rng = np.random.RandomState(seed)

    optimizer = get_optimizer(optimizer)
    schedule = get_schedule(schedule, learning_rate, epochs)
    stopper = _early_stopping(early_stopping)
    all_callbacks: list[object] = []
    if progress is True:
        all_callbacks.append(ProgressBar())
    all_callbacks.extend(callbacks or ())
    if stopper is not None:
        all_callbacks.append(stopper)
    if progress:
        all_callbacks.append(EpochLogger())
    if diagnostics is not False and diagnostics is not None:
        all_callbacks.append(diagnostics if isinstance(diagnostics, Diagnostics)
                             else Diagnostics(verbose=diagnostics != "quiet"))

    settings = {"epochs": epochs, "learning_rate": schedule.base_lr, "batch_size": batch_size,
                "optimizer": optimizer.config(), "schedule": schedule.config(), "weight_decay": weight_decay,
                "early_stopping": None if stopper is None else
                {"patience": stopper.patience, "monitor": stopper.monitor, "min_delta": stopper.min_delta},
                "n_train": len(Y), "n_validation": None if validation is None else len(validation[0]),
                "seed": seed}
    run = TrainingRun(net, X, Y, validation, optimizer, schedule, batch_size, weight_decay, epochs,
                      all_callbacks, History(settings))
    if checkpoint is not None:
        run.checkpoint = CheckpointSaver(checkpoint, checkpoint_every, checkpoint_metadata)
    if isinstance(resume, (str, os.PathLike)):
        resume = load_checkpoint(resume)
    if isinstance(resume, Checkpoint):
        fingerprint = data_fingerprint(X, Y)
        resume.check_compatible(net, settings, fingerprint)
        if run.checkpoint is not None:
            run.checkpoint.fingerprint = fingerprint
        resume = resume.state
    start_epoch = run.load_state_dict(resume) if resume is not None else 0
    if run_callback is not None:
        run_callback(run)
    # Overflow on the way to a NaN loss is caught as TrainingDiverged, not printed as NumPy warnings.
    with blas_threads(batch_size, net.layer_sizes), np.errstate(over="ignore", invalid="ignore"):
        return run.train(start_epoch)

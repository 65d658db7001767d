"""``fit``: train a Network for some epochs and return its ``History``.

    history = fit(net, X, y, epochs=30, learning_rate=0.5)

Each epoch: shuffle with the network's own random generator (``net.rng``, so the same seed gives the same
run, bit for bit), then for each mini-batch take the loss and gradients from ``net.loss_and_gradients``, add
L2 weight decay (``weight_decay * W`` on the weights, not the biases) and let the optimizer step at the
schedule's learning rate for this epoch. After the epoch: training accuracy (a forward pass over the whole
training set), validation loss and accuracy, time and the per-layer gradient norms go into the history,
then the callbacks' ``on_epoch_end``.

Everything the next epoch depends on — weights, optimizer state, schedule, random-generator state, epoch
counter, history, early-stopping state — is in ``run.state_dict()``, and ``fit(..., resume=state)`` continues
exactly where that state was taken.
"""
import time

import numpy as np

from ..core.validation import check_positive
from ..errors import ConfigError, TrainingDiverged
from .callbacks import EarlyStopping, EpochLogger, ProgressBar
from .history import History
from .metrics import labels_from_targets, loss_and_accuracy
from .optimizers import get_optimizer
from .schedules import get_schedule


# Note: the gradient norms use einsum, not np.vdot/np.linalg.norm: those call a multi-threaded BLAS dot whose
# threads spin-wait when the cores are busy, measured at 4-8 ms per call (100x the work) on a loaded 2-core machine.


class TrainingRun:
    """The state of one ``fit`` call, handed to every callback hook."""

    def __init__(self, net, X, Y, validation, optimizer, schedule, batch_size, weight_decay, epochs,
                 callbacks, history):
        self.net, self.X, self.Y, self.validation = net, X, Y, validation
        self.optimizer, self.schedule = optimizer, schedule
        self.batch_size, self.weight_decay, self.epochs = batch_size, weight_decay, epochs
        self.callbacks, self.history = list(callbacks), history
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

    def run_epoch(self):
        net, X, Y = self.net, self.X, self.Y
        self.learning_rate = lr = float(self.schedule(self.epoch))
        started = time.perf_counter()
        order = net.rng.permutation(len(X))
        n_layers = len(net.weights)
        norm_sums = np.zeros(n_layers)
        total, seen = 0.0, 0
        for self.batch, start in enumerate(range(0, len(X), self.batch_size)):
            idx = order[start:start + self.batch_size]
            loss, weight_grads, bias_grads = net.loss_and_gradients(X[idx], Y[idx])
            if not np.isfinite(loss):
                error = TrainingDiverged(
                    f"the loss became {loss} in epoch {self.epoch + 1}, batch {self.batch + 1}; "
                    f"try a learning rate 10x lower than {lr:g}")
                error.history = self.history
                raise error
            for i, dW in enumerate(weight_grads):   # the backpropagated gradient, before weight decay
                norm_sums[i] += np.sqrt(np.einsum("ij,ij->", dW, dW))  # not BLAS: see the note above
            if self.weight_decay:
                weight_grads = [dW + self.weight_decay * W for dW, W in zip(weight_grads, net.weights)]
            params = [p for pair in zip(net.weights, net.biases) for p in pair]
            grads = [g for pair in zip(weight_grads, bias_grads) for g in pair]
            self.optimizer.step(params, grads, lr)
            total += loss * len(idx)
            seen += len(idx)
            self.batch_loss, self.running_loss = loss, total / seen
            self.weight_grads, self.bias_grads = weight_grads, bias_grads
            self.call("on_batch_end")
            if self.stop_training:
                break
        n_done = self.batch + 1
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

    def train(self, start_epoch=0):
        self.call("on_train_begin")
        for epoch in range(start_epoch, self.epochs):
            self.epoch = epoch
            self.call("on_epoch_begin")
            self.run_epoch()
            self.call("on_epoch_end")
            if self.stop_training:
                break
        self.history.stop_reason = self.stop_reason
        self.call("on_train_end")
        return self.history

    # --- resuming ---

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
        }
        for i, callback in enumerate(self.callbacks):
            if hasattr(callback, "state_dict"):
                state["callbacks"][f"{i}:{type(callback).__name__}"] = callback.state_dict()
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
        for i, callback in enumerate(self.callbacks):
            key = f"{i}:{type(callback).__name__}"
            if key in state.get("callbacks", {}) and hasattr(callback, "load_state_dict"):
                callback.load_state_dict(state["callbacks"][key])
        return int(state["epoch"])


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


def fit(net, X, y, *, epochs, learning_rate, batch_size=32, optimizer="sgd", schedule="constant",
        weight_decay=0.0, validation_data=None, early_stopping=None, callbacks=(), progress=False, seed=None,
        resume=None, run_callback=None):
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
    - ``resume``: a ``TrainingRun.state_dict()`` to continue from (same settings), bit-identically.
    - ``run_callback``: called with the ``TrainingRun`` before training starts (for checkpointing tools).
    """
    epochs = check_positive(epochs, "epochs", integer=True)
    batch_size = check_positive(batch_size, "batch_size", integer=True)
    weight_decay = float(weight_decay)
    if not np.isfinite(weight_decay) or weight_decay < 0:
        raise ConfigError(f"weight_decay must be >= 0, got {weight_decay!r}")
    X, Y = net.prepare_data(X, y)
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
    all_callbacks = []
    if progress is True:
        all_callbacks.append(ProgressBar())
    all_callbacks.extend(callbacks)
    if stopper is not None:
        all_callbacks.append(stopper)
    if progress:
        all_callbacks.append(EpochLogger())

    settings = {"epochs": epochs, "learning_rate": schedule.base_lr, "batch_size": batch_size,
                "optimizer": optimizer.config(), "schedule": schedule.config(), "weight_decay": weight_decay,
                "early_stopping": None if stopper is None else
                {"patience": stopper.patience, "monitor": stopper.monitor, "min_delta": stopper.min_delta},
                "n_train": len(X), "n_validation": None if validation is None else len(validation[0]),
                "seed": seed}
    run = TrainingRun(net, X, Y, validation, optimizer, schedule, batch_size, weight_decay, epochs,
                      all_callbacks, History(settings))
    start_epoch = run.load_state_dict(resume) if resume is not None else 0
    if run_callback is not None:
        run_callback(run)
    # Overflow on the way to a NaN loss is caught as TrainingDiverged, not printed as NumPy warnings.
    with _blas_threads(batch_size, net.layer_sizes), np.errstate(over="ignore", invalid="ignore"):
        return run.train(start_epoch)


def _blas_threads(batch_size, layer_sizes):
    """The core's BLAS-thread limit for small products (one thread: see core.network.blas_threads)."""
    try:
        from ..core.network import blas_threads
    except ImportError:
        import contextlib
        return contextlib.nullcontext()
    return blas_threads(batch_size, layer_sizes)

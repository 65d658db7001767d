"""Diagnostics: a training run that explains itself.

``Diagnostics`` is a callback that ``fit`` runs by default. It watches for the failure modes of the guide's
"Debugging a Training Run" and reports each as a *finding*: a plain dict with

    kind      what was seen: "diverged", "unnormalized_inputs", "loss_rising", "loss_oscillating",
              "not_learning", "saturated", "dead_relu", "vanishing_gradients", "symmetric_units",
              "plateau", "overfitting"
    severity  "error" (training cannot go on), "warning" (something is wrong) or "info"
    title     one line for a human
    epoch     0-based epoch it was found in (None: before training), ``layer`` 1-based when it is about one
    message   what was measured, with the numbers
    cause     the likely cause, in plain words
    advice    what to do: the guide's advice, made concrete (e.g. the learning rate 10x lower)
    evidence  the numbers behind it (JSON-ready)

Findings go into ``history.findings``, are printed when found, and appear in the HTML training report.

What is measured, and when:

- before training: the inputs' range (raw 0-255 pixels or a large scale), the loss of the best constant
  prediction (predicting the mean target for every input: a network that cannot beat it has learned nothing),
  and each layer on a probe batch (the first ``probe_size`` training rows, in order, so the network's random
  generator is never touched and the run's numbers do not change);
- after every epoch: the loss curve (rising, oscillating, stuck at the constant-prediction loss, plateau,
  validation or test loss rising while the training loss falls) and, per layer, the probe batch again:
  saturated sigmoid/tanh units (derivative below 1% of its maximum), dead ReLUs (never positive on the probe
  batch), units with identical weights (symmetry that gradient descent cannot break), and the mean weight
  gradient norm (vanishing when a layer's is a millionth of the largest). A problem present before training
  is blamed on the data or the initial weights; one that appears during training, on the learning rate.
- when the loss becomes NaN or infinite (``fit`` calls ``on_diverged`` and stops at once): the weights of the
  start of the epoch, the last ones known to be good, are put back.
"""
import math
import sys

import numpy as np

from .callbacks import Callback

GUIDE = "the guide's \"Debugging a Training Run\""

#: fraction of a sigmoid/tanh layer's activations that must be saturated for a finding
SATURATED_FRACTION = 0.5
#: fraction of a ReLU layer's units that must be dead for a finding
DEAD_FRACTION = 0.5
#: a layer's gradient norm below this fraction of the largest layer's counts as vanished
VANISHING_RATIO = 1e-6


def make_finding(kind, severity, title, message, cause, advice, epoch=None, layer=None, **evidence):
    return {"kind": kind, "severity": severity, "title": title, "epoch": epoch, "layer": layer,
            "message": message, "cause": cause, "advice": advice, "evidence": _plain(evidence)}


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def format_finding(finding):
    """The console text of a finding: a title line, then what, why and what to do, indented."""
    when = "before training" if finding.get("epoch") is None else f"epoch {finding['epoch'] + 1}"
    label = {"error": "ERROR", "warning": "WARNING"}.get(finding.get("severity"), "NOTE")
    lines = [f"[diagnostics] {label} ({when}): {finding['title']}",
             f"    {finding['message']}",
             f"    Likely cause: {finding['cause']}",
             f"    Advice: {finding['advice']}"]
    return "\n".join(lines)


# --- measurements ---

def check_inputs(X, epoch=None):
    """Findings about the training inputs before any training: values that look unnormalized."""
    X = np.asarray(X)
    if X.size == 0:
        return []
    sample = X[:4096]
    low, high = float(np.min(sample)), float(np.max(sample))
    if len(X) > len(sample):
        low, high = min(low, float(np.min(X))), max(high, float(np.max(X)))
    whole = bool(np.all(sample == np.round(sample)))
    if low >= 0 and 1.5 < high <= 255 and whole:
        return [make_finding(
            "unnormalized_inputs", "warning", "The inputs look like raw pixel values (0-255)",
            f"X holds whole numbers from {low:g} to {high:g}, like grey levels of an image, not values in [0, 1].",
            "unnormalized inputs make z = W x + b huge: sigmoids saturate at 0 or 1, their derivative a(1 - a) is "
            "almost 0, and learning crawls or stops (or the learning rate that suits [0, 1] inputs is far too big)",
            "divide the pixels by 255 (the guide's X / 255.0; chainrule.data.flatten_and_scale does it), "
            f"as {GUIDE} says: check that your data is formatted correctly (shapes, normalization)",
            epoch=epoch, min=low, max=high)]
    scale = max(abs(low), abs(high))
    if scale > 20:
        return [make_finding(
            "unnormalized_inputs", "warning", "The inputs have a large scale",
            f"X ranges from {low:.4g} to {high:.4g}; inputs of size {scale:.3g} make z = W x + b large.",
            "unscaled features saturate sigmoid/tanh units and make the gradient of the first layer "
            f"{scale:.3g}x larger than that of the others, so one learning rate cannot suit all layers",
            "scale each feature to [0, 1] (divide by its maximum) or standardize it (subtract the mean, divide by "
            "the standard deviation), using statistics of the training set only",
            epoch=epoch, min=low, max=high)]
    return []


def constant_prediction_loss(net, Y):
    """The loss of predicting the mean target for every input: the best a network that ignores its input
    can do (the class frequencies for classification). ``None`` when the output cannot represent it."""
    Y = np.asarray(Y, dtype=np.float64)
    mean = Y.mean(axis=0, keepdims=True)
    prediction = np.broadcast_to(mean, Y.shape)
    name = net.loss.name
    if name == "softmax_cross_entropy":
        with np.errstate(divide="ignore"):
            logits = np.where(mean > 0, np.log(mean), -1e4)
        prediction = np.broadcast_to(logits, Y.shape)
    elif net.activation_names[-1] in ("sigmoid",) and (mean.min() < 0 or mean.max() > 1):
        return None
    try:
        return float(net.loss.value(np.ascontiguousarray(prediction, dtype=np.float64), Y))
    except Exception:  # a custom loss that cannot take it: no baseline
        return None


def _saturation(activation, a):
    """Fraction of activations whose derivative is below 1% of the activation's largest derivative."""
    if activation == "sigmoid":
        return float(np.mean(a * (1 - a) < 0.0025))
    if activation == "tanh":
        return float(np.mean(1 - a * a < 0.01))
    return None


def probe_layers(net, X_probe):
    """Per layer on a probe batch: activation, saturated fraction, dead units, identical units, mean |z|."""
    net.forward(X_probe)
    layers = []
    for i, (layer, W, b) in enumerate(zip(net.layers, net.weights, net.biases)):
        name = layer.activation.name
        a, z = np.asarray(layer.a, dtype=np.float64), np.asarray(layer.z, dtype=np.float64)
        dead = int(np.sum(np.all(a <= 0, axis=0))) if name == "relu" else None
        identical = bool(W.shape[0] > 1 and np.ptp(W, axis=0).max() <= 1e-12 * (1 + np.abs(W).max())
                         and np.ptp(b) <= 1e-12 * (1 + np.abs(b).max()))
        layers.append({"layer": i + 1, "activation": name, "units": int(W.shape[0]),
                       "saturated": _saturation(name, a), "dead": dead, "identical": identical,
                       "mean_abs_z": float(np.mean(np.abs(z))), "mean_bias": float(np.mean(b)),
                       "mean_abs_wx": float(np.mean(np.abs(z - b)))})
    return layers


# --- the callback ---

class Diagnostics(Callback):
    """Watch a training run and report what goes wrong (see the module docstring).

    ``stream``: where findings are printed when found (default ``sys.stdout``); ``verbose=False`` prints nothing
    (the findings still go into ``history.findings``). ``probe_size``: training rows used to measure the layers.
    """

    def __init__(self, stream=None, verbose=True, probe_size=512, plateau_window=5, plateau_threshold=0.01,
                 overfit_patience=3, overfit_margin=0.02):
        self.stream, self.verbose, self.probe_size = stream, verbose, int(probe_size)
        self.plateau_window, self.plateau_threshold = int(plateau_window), float(plateau_threshold)
        self.overfit_patience, self.overfit_margin = int(overfit_patience), float(overfit_margin)
        self.reported = []          # keys of findings already reported (each is reported once)
        self.initial_loss = None    # loss of the first batch, before any update
        self.baseline = None        # loss of the constant prediction
        self.start_layers = None    # probe_layers() before training
        self.inputs_flagged = False
        self.epoch_max_batch_loss = -math.inf
        self.good_weights = None    # weights at the start of the current epoch: the last known good ones

    # --- recording findings ---

    def _report(self, run, finding, key=None):
        key = key or f"{finding['kind']}:{finding.get('layer')}"
        if key in self.reported:
            return False
        self.reported.append(key)
        run.history.findings.append(finding)
        if self.verbose:
            print(format_finding(finding), file=self.stream or sys.stdout, flush=True)
        return True

    # --- hooks ---

    def on_train_begin(self, run):
        if self.start_layers is not None:   # resumed: the measurements before training are in the state
            return
        for finding in check_inputs(run.X):
            self.inputs_flagged = True
            self._report(run, finding)
        self.baseline = constant_prediction_loss(run.net, run.Y)
        self.start_layers = probe_layers(run.net, run.X[:self.probe_size])
        self.good_weights = run.net.copy_weights()

    def on_epoch_begin(self, run):
        self.good_weights = run.net.copy_weights()
        self.epoch_max_batch_loss = -math.inf

    def on_batch_end(self, run):
        if self.initial_loss is None:
            self.initial_loss = run.batch_loss
        if run.batch_loss > self.epoch_max_batch_loss:
            self.epoch_max_batch_loss = run.batch_loss

    def on_diverged(self, run):
        """The loss became NaN or inf: put back the weights of the start of the epoch and say why."""
        loss, lr = run.batch_loss, run.learning_rate
        if self.good_weights is not None:
            run.net.set_weights(self.good_weights)
        restored = "the initial weights" if run.epoch == 0 else f"the weights of the end of epoch {run.epoch}"
        cause = (f"the learning rate ({lr:g}) is too high: each step overshoots the minimum and the weights grow "
                 f"until the numbers overflow (exploding gradients)")
        if self.inputs_flagged:
            cause += "; the unnormalized inputs make the gradients of the first layer larger still"
        self._report(run, make_finding(
            "diverged", "error", f"The loss became {loss} (training stopped)",
            f"The loss became {loss} in epoch {run.epoch + 1}, batch {run.batch + 1}; training stopped at once "
            f"and {restored} (the last good ones) were put back.",
            cause,
            f"reduce the learning rate by a factor of 10: try {lr / 10:g} ({GUIDE}: \"Loss is NaN ... reduce the "
            f"learning rate\"); also check the data for extreme values",
            epoch=run.epoch, loss=loss, batch=run.batch, learning_rate=lr, suggested_learning_rate=lr / 10))

    def on_epoch_end(self, run):
        h = run.history
        epoch, lr = run.epoch, run.learning_rate
        layers = probe_layers(run.net, run.X[:self.probe_size])
        grad_norms = h.grad_norms[-1] or []
        self._check_curve(run, epoch, lr)
        self._check_layers(run, epoch, lr, layers, grad_norms)
        if epoch >= 1 or epoch == run.epochs - 1:
            self._check_not_learning(run, epoch, lr, layers, grad_norms)
        self._check_plateau(run, epoch)
        self._check_overfitting(run, epoch)

    # --- the checks ---

    def _lr_advice(self, lr):
        return (f"reduce the learning rate by a factor of 10: try {lr / 10:g} ({GUIDE}: \"the learning rate is too "
                f"high. Reduce it by a factor of 10\")")

    def _check_curve(self, run, epoch, lr):
        losses = run.history.train_loss
        first = self.initial_loss
        if first is None or not losses:
            return
        if epoch == 0 and losses[0] > 1.2 * first:
            self._report(run, make_finding(
                "loss_rising", "warning", "The loss rose from the start",
                f"The loss was {first:.4g} on the first batch and averaged {losses[0]:.4g} over epoch 1 "
                f"(batches reached {self.epoch_max_batch_loss:.4g}): the updates made the network worse.",
                f"the learning rate ({lr:g}) is too high: each step jumps past the minimum to a point of higher loss",
                self._lr_advice(lr), epoch=epoch, initial_loss=first, epoch_loss=losses[0],
                max_batch_loss=self.epoch_max_batch_loss, suggested_learning_rate=lr / 10))
            return
        recent = losses[-4:]
        if len(recent) == 4 and all(b > a for a, b in zip(recent, recent[1:])) and recent[-1] > 1.05 * recent[0]:
            self._report(run, make_finding(
                "loss_rising", "warning", "The loss keeps rising",
                f"The training loss rose for 3 epochs in a row: {', '.join(f'{v:.4g}' for v in recent)}.",
                f"the learning rate ({lr:g}) is too high for this point of training: the steps overshoot",
                self._lr_advice(lr) + "; or use a schedule that lowers it as training goes on (--schedule step)",
                epoch=epoch, losses=recent, suggested_learning_rate=lr / 10))
            return
        window = losses[-6:]
        if len(window) >= 4:
            changes = np.diff(window) / np.asarray(window[:-1])
            rises = int(np.sum(changes > 0.05))
            turns = int(np.sum(np.sign(changes[1:]) != np.sign(changes[:-1])))
            if rises >= 2 and turns >= 2:
                self._report(run, make_finding(
                    "loss_oscillating", "warning", "The loss is oscillating",
                    f"The training loss went up and down over the last {len(window)} epochs: "
                    f"{', '.join(f'{v:.4g}' for v in window)} ({rises} rises of more than 5%).",
                    f"the learning rate ({lr:g}) is too high: the steps jump from one side of the valley to the other",
                    self._lr_advice(lr) + "; and check for NaN or inf values in your weights or activations",
                    epoch=epoch, losses=window, suggested_learning_rate=lr / 10))

    def _at_start(self, layer_index):
        return self.start_layers[layer_index] if self.start_layers else None

    def _check_layers(self, run, epoch, lr, layers, grad_norms):
        n_layers = len(layers)
        for i, info in enumerate(layers):
            hidden = i < n_layers - 1
            start = self._at_start(i)
            number = info["layer"]
            what = f"layer {number} ({info['activation']}, {info['units']} units)"
            if hidden and info["saturated"] is not None and info["saturated"] >= SATURATED_FRACTION:
                was = start is not None and start["saturated"] is not None and start["saturated"] >= SATURATED_FRACTION
                if was and self.inputs_flagged and i == 0:
                    cause = ("the inputs are not normalized: with values up to 255, z = W x + b is in the hundreds "
                             f"(mean |z| {info['mean_abs_z']:.3g}) and the sigmoid is flat there")
                    advice = "divide the inputs by 255 (or standardize them) before training"
                elif was:
                    cause = (f"the initial weights or biases are too large for these inputs (mean |z| "
                             f"{start['mean_abs_z']:.3g} before training)")
                    advice = "scale the inputs to [0, 1] and start from small random weights (He/Xavier scale)"
                else:
                    cause = (f"the learning rate ({lr:g}) is too high: the first updates made the weights so large "
                             f"that z = W x + b is far out on the flat part of the curve (mean |z| {info['mean_abs_z']:.3g})")
                    advice = self._lr_advice(lr)
                self._report(run, make_finding(
                    "saturated", "warning", f"Saturated units in layer {number}",
                    f"{100 * info['saturated']:.0f}% of the activations of {what} are saturated on "
                    f"{min(self.probe_size, len(run.X))} training examples: their derivative is below 1% of its "
                    "maximum, so almost no gradient flows through them (vanishing gradients).",
                    cause, advice, epoch=epoch, layer=number, saturated_fraction=info["saturated"],
                    mean_abs_z=info["mean_abs_z"], at_start=None if start is None else start["saturated"]))
            if hidden and info["dead"] is not None and info["dead"] >= DEAD_FRACTION * info["units"]:
                was = start is not None and start["dead"] is not None and start["dead"] >= DEAD_FRACTION * start["units"]
                if was and info["mean_bias"] < -info["mean_abs_wx"]:
                    cause = (f"the biases of layer {number} are strongly negative (mean {info['mean_bias']:.3g}, "
                             f"while |W x| averages {info['mean_abs_wx']:.3g}): z = W x + b is below 0 for every input")
                    advice = "start the biases at 0 (or slightly positive, e.g. 0.01) and check how they are set"
                elif was:
                    cause = "the initial weights make z = W x + b negative for every input"
                    advice = "use He initialization (chainrule's default) and inputs scaled to [0, 1]"
                else:
                    cause = (f"the learning rate ({lr:g}) is too high: one large update pushed these units' z below 0 for "
                             "every input, and a ReLU that is never positive gets no gradient, so it never recovers")
                    advice = self._lr_advice(lr) + "; or use leaky_relu, whose gradient is never exactly 0"
                self._report(run, make_finding(
                    "dead_relu", "warning", f"Dead ReLUs in layer {number}",
                    f"{info['dead']} of the {info['units']} units of {what} output 0 for every one of "
                    f"{min(self.probe_size, len(run.X))} training examples: a dead ReLU passes no gradient, "
                    "so its weights, and those feeding it, stop learning.",
                    cause, advice, epoch=epoch, layer=number, dead_units=info["dead"], units=info["units"],
                    mean_bias=info["mean_bias"]))
            if hidden and info["identical"]:
                self._report(run, make_finding(
                    "symmetric_units", "warning", f"All units of layer {number} are identical",
                    f"The {info['units']} units of {what} have exactly the same weights and bias, so they compute "
                    "the same thing: the layer works like a single unit.",
                    "the weights started equal (for example all zeros): every unit then receives the same gradient "
                    "and gradient descent can never make them different (symmetry)",
                    "initialize the weights randomly, as the guide does (np.random.randn(n_out, n_in) * "
                    "np.sqrt(2 / n_in), chainrule's default); never set them all to the same value",
                    epoch=epoch, layer=number, units=info["units"]))
        if len(grad_norms) > 1:
            largest = max(grad_norms)
            for i, norm in enumerate(grad_norms[:-1]):
                if largest > 0 and norm <= VANISHING_RATIO * largest:
                    self._report(run, make_finding(
                        "vanishing_gradients", "warning", f"No gradient reaches layer {i + 1}",
                        f"The mean weight-gradient norm ||dL/dW|| of layer {i + 1} in epoch {epoch + 1} was {norm:.3g}, "
                        f"against {largest:.3g} for the largest layer: layer {i + 1} is not learning.",
                        "the error signal dies on its way back: the layers above it are saturated or dead "
                        "(see the findings about them), so delta = W.T delta * f'(z) is multiplied by ~0",
                        f"fix the layers above (normalize inputs, lower the learning rate, re-initialize); "
                        f"{GUIDE}: print out gradient magnitudes, if they're all near zero the network is in a "
                        "flat region", epoch=epoch, layer=i + 1, grad_norm=norm, largest_grad_norm=largest))

    def _check_not_learning(self, run, epoch, lr, layers, grad_norms):
        h = run.history
        loss = h.train_loss[-1]
        if self.baseline is None or not loss < math.inf or loss < 0.98 * self.baseline:
            return
        problems = [f for f in h.findings if f["kind"] in
                    ("saturated", "dead_relu", "symmetric_units", "vanishing_gradients", "loss_rising",
                     "unnormalized_inputs")]
        output = layers[-1]
        notes = []
        if output["saturated"] is not None and output["saturated"] >= SATURATED_FRACTION:
            notes.append(f"the output layer is saturated ({100 * output['saturated']:.0f}% of its activations)")
        if grad_norms and max(grad_norms) == 0:
            notes.append("every weight gradient is exactly 0")
        generic = ("check your gradients with gradient checking (chainrule.gradient_check); try a much smaller "
                   f"learning rate (try {lr / 10:g}); check that your data is formatted correctly (shapes, "
                   f"normalization); print out gradient magnitudes ({GUIDE})")
        if problems:   # the first problem found is the most upstream one: blame it, give its advice
            cause, advice = problems[0]["cause"], problems[0]["advice"]
        elif notes:
            cause = (f"the learning rate ({lr:g}) is probably too high: the updates pushed the network to a flat "
                     f"region where the gradients vanish")
            advice = generic
        else:
            cause = (f"the learning rate ({lr:g}) may be too small, the network too small, or the data or "
                     "targets may be wrong (check shapes and labels)")
            advice = generic
        first = self.initial_loss
        self._report(run, make_finding(
            "not_learning", "warning", "The network is not learning",
            f"After {epoch + 1} epoch(s) the training loss is {loss:.4g}, no better than {self.baseline:.4g}, the loss "
            f"of predicting the same (average) output for every input"
            + (f" (it started at {first:.4g})" if first is not None else "")
            + (f"; {'; '.join(notes)}" if notes else "") + ".",
            cause, advice, epoch=epoch, loss=loss, constant_prediction_loss=self.baseline, initial_loss=first,
            grad_norms=list(grad_norms), suggested_learning_rate=lr / 10))

    def _check_plateau(self, run, epoch):
        losses = run.history.train_loss
        w = self.plateau_window
        if len(losses) <= w or self.initial_loss is None or "not_learning:None" in self.reported:
            return
        before, now = losses[-w - 1], losses[-1]
        if not (before > 0 and now < 0.9 * self.initial_loss):
            return
        drop = (before - now) / before
        if abs(drop) >= self.plateau_threshold:
            return
        accuracy = run.history.train_accuracy[-1]
        converged = accuracy is not None and accuracy >= 0.995
        self._report(run, make_finding(
            "plateau", "info", "The loss has levelled off",
            f"Over the last {w} epochs the training loss went from {before:.4g} to {now:.4g} "
            f"({100 * drop:+.2f}%), after falling from {self.initial_loss:.4g}"
            + (f"; training accuracy is {100 * accuracy:.1f}%" if accuracy is not None else "") + ".",
            "the network has probably converged: it fits the training data almost perfectly" if converged else
            "the learning rate is now too small for the remaining slope, or the network is too small to fit better",
            "stop here (more epochs will not help)" if converged else
            f"try increasing the learning rate slightly, try a larger network (more neurons or more layers), and "
            f"check whether this loss is already close to the best possible ({GUIDE})",
            epoch=epoch, window=w, loss_before=before, loss_now=now, relative_drop=drop))

    def _check_overfitting(self, run, epoch):
        h = run.history
        for name in ("val_loss", "test_loss"):
            series = h.val_loss if name == "val_loss" else h.metrics.get(name)
            if not series or series[-1] is None:
                continue
            values = np.array([np.inf if v is None else v for v in series], dtype=float)
            best = int(np.argmin(values))
            now = len(values) - 1
            if now - best < self.overfit_patience or not values[now] > values[best] * (1 + self.overfit_margin):
                continue
            train = h.train_loss
            if not train[now] < train[best]:
                continue
            label = "validation" if name == "val_loss" else "test"
            self._report(run, make_finding(
                "overfitting", "warning", f"Overfitting: the {label} loss is rising while the training loss falls",
                f"The {label} loss was lowest in epoch {best + 1} ({values[best]:.4g}) and is {values[now]:.4g} in "
                f"epoch {now + 1} (+{100 * (values[now] / values[best] - 1):.1f}%), while the training loss kept "
                f"falling ({train[best]:.4g} -> {train[now]:.4g}).",
                "the network is memorizing the training examples (their noise) instead of the pattern: it is large "
                "for the amount of data, or trained for too many epochs",
                "stop at the best epoch (early stopping: --early-stopping 5 restores its weights), add L2 weight decay "
                "(--weight-decay 1e-4), use a smaller network or more training data",
                epoch=epoch, series=name, best_epoch=best, best_loss=float(values[best]), loss_now=float(values[now]),
                train_loss_at_best=train[best], train_loss_now=train[now]), key=f"overfitting:{name}")

    # --- resuming ---

    def state_dict(self):
        weights = None if self.good_weights is None else {"weights": self.good_weights[0],
                                                          "biases": self.good_weights[1]}
        return {"reported": list(self.reported), "initial_loss": self.initial_loss, "baseline": self.baseline,
                "start_layers": self.start_layers, "inputs_flagged": self.inputs_flagged,
                "epoch_max_batch_loss": self.epoch_max_batch_loss, "good_weights": weights}

    def load_state_dict(self, state):
        self.reported = list(state["reported"])
        self.initial_loss, self.baseline = state["initial_loss"], state["baseline"]
        self.start_layers = state["start_layers"]
        self.inputs_flagged = bool(state["inputs_flagged"])
        self.epoch_max_batch_loss = state["epoch_max_batch_loss"]
        weights = state.get("good_weights")
        self.good_weights = None if weights is None else (list(weights["weights"]), list(weights["biases"]))

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


def constant_prediction_loss(net, Y, mean=None):
    """The loss on targets ``Y`` of predicting the mean target (of ``Y``, or ``mean``) for every input: the best
    a network that ignores its input can do (the class frequencies for classification). ``None`` when the
    output cannot represent it."""
    Y = np.asarray(Y, dtype=np.float64)
    mean = Y.mean(axis=0, keepdims=True) if mean is None else np.asarray(mean, dtype=np.float64).reshape(1, -1)
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


def probe_layers(net, X_probe, Y_probe=None):
    """Per layer on a probe batch: activation, saturated fraction, dead units, identical units, mean |z|;
    with ``Y_probe``, returns ``(layers, loss on the probe batch)``."""
    output = net.forward(X_probe)
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
    if Y_probe is None:
        return layers
    return layers, float(net.loss.value(output, Y_probe))


# --- the callback ---

class Diagnostics(Callback):
    """Watch a training run and report what goes wrong (see the module docstring).

    ``stream``: where findings are printed when found (default ``sys.stdout``); ``verbose=False`` prints nothing
    (the findings still go into ``history.findings``). ``probe_size``: training rows used to measure the layers
    and the loss after each epoch (measured without updates, so it is free of the batch-to-batch noise of the
    training loss). ``plateau_window``: epochs compared for a plateau (default: a twentieth of the run, >= 5).
    """

    runs_first = True       # its findings are in the history other callbacks read

    def __init__(self, stream=None, verbose=True, probe_size=512, plateau_window=None, plateau_threshold=0.01,
                 oscillation_threshold=0.3, overfit_patience=3, overfit_margin=0.02):
        self.stream, self.verbose, self.probe_size = stream, verbose, int(probe_size)
        self.plateau_window = plateau_window
        self.plateau_threshold, self.oscillation_threshold = float(plateau_threshold), float(oscillation_threshold)
        self.overfit_patience, self.overfit_margin = int(overfit_patience), float(overfit_margin)
        self.reported = []          # keys of findings already reported (each is reported once)
        self.probe_losses = []      # loss on the probe batch: before training, then after each epoch
        self.baseline = None        # loss of the constant prediction
        self.start_layers = None    # probe_layers() before training
        self.inputs_flagged = False
        self.good_weights = None    # weights at the start of the current epoch: the last known good ones

    @property
    def initial_loss(self):
        return self.probe_losses[0] if self.probe_losses else None

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

    def _found(self, *kinds):
        return any(key.split(":")[0] in kinds for key in self.reported)

    def _probe(self, run):
        n = min(self.probe_size, len(run.X))
        return probe_layers(run.net, run.X[:n], run.Y[:n])

    # --- hooks ---

    def on_train_begin(self, run):
        if self.start_layers is not None:   # resumed: the measurements before training are in the state
            return
        for finding in check_inputs(run.X):
            self.inputs_flagged = True
            self._report(run, finding)
        n = min(self.probe_size, len(run.X))
        self.baseline = constant_prediction_loss(run.net, run.Y[:n], np.mean(run.Y, axis=0, dtype=np.float64))
        self.start_layers, loss = self._probe(run)
        self.probe_losses.append(loss)
        self.good_weights = run.net.copy_weights()

    def on_epoch_begin(self, run):
        self.good_weights = run.net.copy_weights()

    def on_diverged(self, run):
        """The loss became NaN or inf: put back the weights of the start of the epoch and say why."""
        loss, lr = run.batch_loss, run.learning_rate
        restored = "the initial weights" if run.epoch == 0 else f"the weights of the end of epoch {run.epoch}"
        if self.good_weights is not None:
            run.net.set_weights(self.good_weights)
            run.restored = restored
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
        epoch, lr = run.epoch, run.learning_rate
        layers, loss = self._probe(run)
        self.probe_losses.append(loss)
        grad_norms = run.history.grad_norms[-1] or []
        self._check_curve(run, epoch, lr)
        self._check_layers(run, epoch, lr, layers, grad_norms)
        self._check_not_learning(run, epoch, lr, layers, grad_norms, final=False)
        self._check_plateau(run, epoch)
        self._check_overfitting(run, epoch)
        self.last_layers = layers

    def on_train_end(self, run):
        if run.history.epochs and not self._found("diverged", "not_learning"):
            grad_norms = run.history.grad_norms[-1] or []
            lr = run.learning_rate if run.learning_rate is not None else float(run.schedule(run.history.epochs - 1))
            self._check_not_learning(run, run.history.epochs - 1, lr,
                                     getattr(self, "last_layers", None) or self._probe(run)[0], grad_norms, final=True)

    # --- the checks ---

    def _lr_advice(self, lr):
        return (f"reduce the learning rate by a factor of 10: try {lr / 10:g} ({GUIDE}: \"the learning rate is too "
                f"high. Reduce it by a factor of 10\")")

    def _series_text(self, values):
        return ", ".join(f"{v:.4g}" for v in values)

    def _check_curve(self, run, epoch, lr):
        losses = self.probe_losses           # [before training, after epoch 1, ...]
        n = min(self.probe_size, len(run.X))
        first = losses[0]
        if len(losses) == 2 and losses[1] > 1.2 * first:
            self._report(run, make_finding(
                "loss_rising", "warning", "The loss rose from the start",
                f"The loss on {n} training examples was {first:.4g} before training and {losses[1]:.4g} after "
                f"epoch 1 (the epoch's batches averaged {run.history.train_loss[-1]:.4g}): the updates made the "
                "network worse.",
                f"the learning rate ({lr:g}) is too high: each step jumps past the minimum to a point of higher loss",
                self._lr_advice(lr), epoch=epoch, initial_loss=first, loss=losses[1],
                suggested_learning_rate=lr / 10))
            return
        recent = losses[-6:]
        if len(losses) > 6 and all(b > a for a, b in zip(recent, recent[1:])) and recent[-1] > 1.25 * recent[0]:
            self._report(run, make_finding(
                "loss_rising", "warning", "The loss keeps rising",
                f"The loss on {n} training examples rose after each of the last 5 epochs: "
                f"{self._series_text(recent)}.",
                f"the learning rate ({lr:g}) is too high for this point of training: the steps overshoot",
                self._lr_advice(lr) + "; or use a schedule that lowers it as training goes on (--schedule step)",
                epoch=epoch, losses=recent, suggested_learning_rate=lr / 10))
            return
        window = losses[-8:]
        if len(window) >= 5:
            changes = np.diff(window) / np.asarray(window[:-1])
            rises = int(np.sum(changes > self.oscillation_threshold))
            falls = int(np.sum(changes < -self.oscillation_threshold / (1 + self.oscillation_threshold)))
            if rises >= 2 and falls >= 1:
                self._report(run, make_finding(
                    "loss_oscillating", "warning", "The loss is oscillating",
                    f"The loss on {n} training examples jumped up and down over the last {len(window) - 1} epochs: "
                    f"{self._series_text(window)} ({rises} rises of more than "
                    f"{100 * self.oscillation_threshold:.0f}%).",
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
                    if i == 0 and not np.any(run.X[:self.probe_size]):
                        cause = ("every input value is 0: dL/dW = delta x^T of the first layer is 0 whatever the error "
                                 "signal")
                        advice = "check the data: the inputs carry no information (all zeros)"
                    else:
                        cause = ("the error signal dies on its way back: the layers above it are saturated or dead "
                                 "(see the findings about them), so delta = W.T delta * f'(z) is multiplied by ~0")
                        advice = (f"fix the layers above (normalize inputs, lower the learning rate, re-initialize); "
                                  f"{GUIDE}: print out gradient magnitudes, if they're all near zero the network is "
                                  "in a flat region")
                    self._report(run, make_finding(
                        "vanishing_gradients", "warning", f"No gradient reaches layer {i + 1}",
                        f"The mean weight-gradient norm ||dL/dW|| of layer {i + 1} in epoch {epoch + 1} was {norm:.3g}, "
                        f"against {largest:.3g} for the largest layer: layer {i + 1} is not learning.",
                        cause, advice, epoch=epoch, layer=i + 1, grad_norm=norm, largest_grad_norm=largest))

    def _check_not_learning(self, run, epoch, lr, layers, grad_norms, final):
        """No better than predicting the average output for every input. Judged early (after 2 epochs) only
        with hard evidence (a layer problem, a rising loss, zero gradients, a loss that does not move at all):
        some healthy runs sit on such a plateau for a while first (the guide's XOR)."""
        loss = self.probe_losses[-1]
        if self.baseline is None or not loss < math.inf or loss < 0.98 * self.baseline:
            return
        problems = [f for f in run.history.findings if f["kind"] in
                    ("saturated", "dead_relu", "symmetric_units", "vanishing_gradients", "loss_rising",
                     "loss_oscillating", "unnormalized_inputs")]
        output = layers[-1]
        notes = []
        if output["saturated"] is not None and output["saturated"] >= SATURATED_FRACTION:
            notes.append(f"the output layer is saturated ({100 * output['saturated']:.0f}% of its activations)")
        if grad_norms and max(grad_norms) == 0:
            notes.append("every weight gradient is exactly 0")
        previous = self.probe_losses[-2]
        frozen = len(self.probe_losses) >= 3 and abs(loss - previous) <= 1e-9 * abs(previous)
        if frozen:
            notes.append("the loss has not changed at all since the last epoch")
        layer_problems = [f for f in problems if f.get("layer") is not None]
        if not final and (epoch < 1 or not (layer_problems or notes)):
            return
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
            cause = (f"not enough training yet, a learning rate ({lr:g}) too small or too large, a network too "
                     "small, or data and targets that do not match (check shapes and labels)")
            advice = "train for more epochs, and " + generic
        n = min(self.probe_size, len(run.X))
        self._report(run, make_finding(
            "not_learning", "warning", "The network is not learning",
            f"After {epoch + 1} epoch(s) the loss on {n} training examples is {loss:.4g}, no better than "
            f"{self.baseline:.4g}, the loss of predicting the same (average) output for every input (it started "
            f"at {self.initial_loss:.4g})" + (f"; {'; '.join(notes)}" if notes else "") + ".",
            cause, advice, epoch=epoch, loss=loss, constant_prediction_loss=self.baseline,
            initial_loss=self.initial_loss, grad_norms=list(grad_norms), suggested_learning_rate=lr / 10))

    def _check_plateau(self, run, epoch):
        losses = self.probe_losses
        w = self.plateau_window or max(5, run.epochs // 20)
        if len(losses) <= w + 1 or self._found("not_learning", "loss_rising", "loss_oscillating"):
            return
        before, now = losses[-w - 1], losses[-1]
        if not (before > 0 and now < 0.9 * self.initial_loss):
            return          # never fell: that is "not learning", not a plateau
        drop = (before - now) / before
        accuracy = run.history.train_accuracy[-1]
        if abs(drop) >= self.plateau_threshold or (accuracy is not None and accuracy >= 0.995) \
                or now < 1e-3 * self.initial_loss:
            return          # still falling, or converged: nothing to fix
        n = min(self.probe_size, len(run.X))
        self._report(run, make_finding(
            "plateau", "info", "The loss has levelled off",
            f"Over the last {w} epochs the loss on {n} training examples went from {before:.4g} to {now:.4g} "
            f"({-100 * drop:+.2f}%), after falling from {self.initial_loss:.4g}"
            + (f"; training accuracy is {100 * accuracy:.1f}%" if accuracy is not None else "") + ".",
            "the learning rate is now too small for what is left of the slope, or the network is too small to fit "
            "the data better (or this is already close to the best possible loss)",
            f"try increasing the learning rate slightly, try a larger network (more neurons or more layers), and "
            f"check whether this loss is already close to the best possible ({GUIDE})",
            epoch=epoch, window=w, loss_before=before, loss_now=now, relative_drop=drop))

    def _check_overfitting(self, run, epoch):
        """The guide's sign: "the training loss keeps dropping but the test loss starts rising". Both measured
        without updates (validation/test loss, the probe loss on training examples), over ``patience`` epochs, so
        the ups and downs of a too-high learning rate do not count."""
        h = run.history
        patience = max(self.overfit_patience, run.epochs // 50)
        train = self.probe_losses[1:]                   # after each epoch
        if len(train) <= patience:
            return
        recent = np.asarray(train[-patience - 1:])
        if not np.all(np.diff(recent) <= 1e-3 * recent[:-1]):
            return                                      # the training loss is not steadily falling
        for name in ("val_loss", "test_loss"):
            series = h.val_loss if name == "val_loss" else h.metrics.get(name)
            if not series or series[-1] is None or len(series) != len(train):
                continue
            values = np.array([np.inf if v is None else v for v in series], dtype=float)
            best = int(np.argmin(values))
            now = len(values) - 1
            if now - best < patience or not values[now] > values[best] * (1 + self.overfit_margin) \
                    or not values[now] > values[now - patience] or not train[now] < train[best]:
                continue
            label = "validation" if name == "val_loss" else "test"
            self._report(run, make_finding(
                "overfitting", "warning", f"Overfitting: the {label} loss is rising while the training loss falls",
                f"The {label} loss was lowest after epoch {best + 1} ({values[best]:.4g}) and is {values[now]:.4g} "
                f"after epoch {now + 1} (+{100 * (values[now] / values[best] - 1):.1f}%), while the loss on training "
                f"examples kept falling ({train[best]:.4g} -> {train[now]:.4g}).",
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
        return {"reported": list(self.reported), "probe_losses": list(self.probe_losses), "baseline": self.baseline,
                "start_layers": self.start_layers, "inputs_flagged": self.inputs_flagged, "good_weights": weights}

    def load_state_dict(self, state):
        self.reported = list(state["reported"])
        self.probe_losses, self.baseline = list(state["probe_losses"]), state["baseline"]
        self.start_layers = state["start_layers"]
        self.inputs_flagged = bool(state["inputs_flagged"])
        weights = state.get("good_weights")
        self.good_weights = None if weights is None else (list(weights["weights"]), list(weights["biases"]))

"""What the diagnostics say: every title, measurement, cause and advice text, kept apart from the detection.

A detector (inputs.py, curve.py, layers.py, learning.py) measures and decides: which kind of problem, which
of its causes, and the numbers (the finding's ``evidence``). ``finding`` turns that into a ``Finding`` with
the words of ``WORDINGS``. Each text is a function of the *facts*: the evidence plus the context the sentence
needs and the record does not keep (the learning rate, the number of probe examples, a layer's description).

    finding("dead_relu", "learning_rate", epoch=3, layer=1, evidence={"dead_units": 30, "units": 32, ...},
            lr=10, n=512, what="layer 1 (relu, 32 units)")
"""
from dataclasses import dataclass, field
from typing import Callable, Mapping

from ...findings import Finding

GUIDE = "the guide's \"Debugging a Training Run\""


class Facts(dict):
    """The evidence and the context of one finding, read as attributes in the templates (``e.lr``)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def lr_advice(lr):
    """The guide's advice for a learning rate that is too high, with the rate to try."""
    return (f"reduce the learning rate by a factor of 10: try {lr / 10:g} ({GUIDE}: \"the learning rate is too "
            f"high. Reduce it by a factor of 10\")")


def layer_text(e):
    return f"layer {e.layer} ({e.activation}, {e.units} units)"


def series_text(values):
    return ", ".join(f"{v:.4g}" for v in values)


def _not_learning_advice(e):
    return ("check your gradients with gradient checking (chainrule.gradient_check); try a much smaller "
            f"learning rate (try {e.lr / 10:g}); check that your data is formatted correctly (shapes, "
            f"normalization); print out gradient magnitudes ({GUIDE})")


Text = Callable[[Facts], str]


@dataclass(frozen=True)
class Wording:
    """The words of one kind of finding: ``causes`` and ``advice`` by the cause the detector named."""
    severity: str
    title: Text
    seen: Text
    causes: Mapping[str, Text] = field(default_factory=dict)
    advice: Mapping[str, Text] = field(default_factory=dict)


WORDINGS = {
    ("unnormalized_inputs", "pixels"): Wording(
        "warning",
        lambda e: "The inputs look like raw pixel values (0-255)",
        lambda e: f"X holds whole numbers from {e.min:g} to {e.max:g}, like grey levels of an image, not values in "
                  "[0, 1].",
        {"pixels": lambda e: "unnormalized inputs make z = W x + b huge: sigmoids saturate at 0 or 1, their derivative "
                             "a(1 - a) is almost 0, and learning crawls or stops (or the learning rate that suits "
                             "[0, 1] inputs is far too big)"},
        {"pixels": lambda e: "divide the pixels by 255 (the guide's X / 255.0; chainrule.data.flatten_and_scale does "
                             f"it), as {GUIDE} says: check that your data is formatted correctly (shapes, "
                             "normalization)"}),
    ("unnormalized_inputs", "large_scale"): Wording(
        "warning",
        lambda e: "The inputs have a large scale",
        lambda e: f"X ranges from {e.min:.4g} to {e.max:.4g}; inputs of size {e.scale:.3g} make z = W x + b large.",
        {"large_scale": lambda e: "unscaled features saturate sigmoid/tanh units and make the gradient of the first "
                                  f"layer {e.scale:.3g}x larger than that of the others, so one learning rate cannot "
                                  "suit all layers"},
        {"large_scale": lambda e: "scale each feature to [0, 1] (divide by its maximum) or standardize it (subtract "
                                  "the mean, divide by the standard deviation), using statistics of the training set "
                                  "only"}),
    ("diverged", ""): Wording(
        "error",
        lambda e: f"The loss became {e.loss} (training stopped)",
        lambda e: f"The loss became {e.loss} in epoch {e.epoch + 1}, batch {e.batch + 1}; training stopped at once "
                  f"and {e.restored} (the last good ones) were put back.",
        {"learning_rate": lambda e: f"the learning rate ({e.learning_rate:g}) is too high: each step overshoots the "
                                    "minimum and the weights grow until the numbers overflow (exploding gradients)",
         "learning_rate_and_inputs": lambda e: f"the learning rate ({e.learning_rate:g}) is too high: each step "
                                               "overshoots the minimum and the weights grow until the numbers "
                                               "overflow (exploding gradients); the unnormalized inputs make the "
                                               "gradients of the first layer larger still"},
        {"learning_rate": lambda e: f"reduce the learning rate by a factor of 10: try {e.learning_rate / 10:g} "
                                    f"({GUIDE}: \"Loss is NaN ... reduce the learning rate\"); also check the data "
                                    "for extreme values"}),
    ("loss_rising", "first_epoch"): Wording(
        "warning",
        lambda e: "The loss rose from the start",
        lambda e: f"The loss on {e.n} training examples was {e.initial_loss:.4g} before training and {e.loss:.4g} "
                  f"after epoch 1 (the epoch's batches averaged {e.batch_loss:.4g}): the updates made the network "
                  "worse.",
        {"learning_rate": lambda e: f"the learning rate ({e.lr:g}) is too high: each step jumps past the minimum to a "
                                    "point of higher loss"},
        {"learning_rate": lambda e: lr_advice(e.lr)}),
    ("loss_rising", "keeps_rising"): Wording(
        "warning",
        lambda e: "The loss keeps rising",
        lambda e: f"The loss on {e.n} training examples rose after each of the last 5 epochs: "
                  f"{series_text(e.losses)}.",
        {"learning_rate": lambda e: f"the learning rate ({e.lr:g}) is too high for this point of training: the steps "
                                    "overshoot"},
        {"learning_rate": lambda e: lr_advice(e.lr) + "; or use a schedule that lowers it as training goes on "
                                                      "(--schedule step)"}),
    ("loss_oscillating", ""): Wording(
        "warning",
        lambda e: "The loss is oscillating",
        lambda e: f"The loss on {e.n} training examples jumped up and down over the last {len(e.losses) - 1} epochs: "
                  f"{series_text(e.losses)} ({e.rises} rises of more than {100 * e.threshold:.0f}%).",
        {"learning_rate": lambda e: f"the learning rate ({e.lr:g}) is too high: the steps jump from one side of the "
                                    "valley to the other"},
        {"learning_rate": lambda e: lr_advice(e.lr) + "; and check for NaN or inf values in your weights or "
                                                      "activations"}),
    ("saturated", ""): Wording(
        "warning",
        lambda e: f"Saturated units in layer {e.layer}",
        lambda e: f"{100 * e.saturated_fraction:.0f}% of the activations of {layer_text(e)} are saturated on {e.n} training "
                  "examples: their derivative is below 1% of its maximum, so almost no gradient flows through them "
                  "(vanishing gradients).",
        {"inputs": lambda e: "the inputs are not normalized: with values up to 255, z = W x + b is in the hundreds "
                             f"(mean |z| {e.mean_abs_z:.3g}) and the sigmoid is flat there",
         "initial_weights": lambda e: "the initial weights or biases are too large for these inputs (mean |z| "
                                      f"{e.mean_abs_z_at_start:.3g} before training)",
         "learning_rate": lambda e: f"the learning rate ({e.lr:g}) is too high: the first updates made the weights so "
                                    "large that z = W x + b is far out on the flat part of the curve (mean |z| "
                                    f"{e.mean_abs_z:.3g})"},
        {"inputs": lambda e: "divide the inputs by 255 (or standardize them) before training",
         "initial_weights": lambda e: "scale the inputs to [0, 1] and start from small random weights (He/Xavier "
                                      "scale)",
         "learning_rate": lambda e: lr_advice(e.lr)}),
    ("dead_relu", ""): Wording(
        "warning",
        lambda e: f"Dead ReLUs in layer {e.layer}",
        lambda e: f"{e.dead_units} of the {e.units} units of {layer_text(e)} output 0 for every one of {e.n} training "
                  "examples: a dead ReLU passes no gradient, so its weights, and those feeding it, stop learning.",
        {"negative_biases": lambda e: f"the biases of layer {e.layer} are strongly negative (mean {e.mean_bias:.3g}, "
                                      f"while |W x| averages {e.mean_abs_wx:.3g}): z = W x + b is below 0 for every "
                                      "input",
         "initial_weights": lambda e: "the initial weights make z = W x + b negative for every input",
         "learning_rate": lambda e: f"the learning rate ({e.lr:g}) is too high: one large update pushed these units' "
                                    "z below 0 for every input, and a ReLU that is never positive gets no gradient, "
                                    "so it never recovers"},
        {"negative_biases": lambda e: "start the biases at 0 (or slightly positive, e.g. 0.01) and check how they "
                                      "are set",
         "initial_weights": lambda e: "use He initialization (chainrule's default) and inputs scaled to [0, 1]",
         "learning_rate": lambda e: lr_advice(e.lr) + "; or use leaky_relu, whose gradient is never exactly 0"}),
    ("symmetric_units", ""): Wording(
        "warning",
        lambda e: f"All units of layer {e.layer} are identical",
        lambda e: f"The {e.units} units of {layer_text(e)} have exactly the same weights and bias, so they compute the same "
                  "thing: the layer works like a single unit.",
        {"equal_start": lambda e: "the weights started equal (for example all zeros): every unit then receives the "
                                  "same gradient and gradient descent can never make them different (symmetry)"},
        {"equal_start": lambda e: "initialize the weights randomly, as the guide does (np.random.randn(n_out, n_in) "
                                  "* np.sqrt(2 / n_in), chainrule's default); never set them all to the same value"}),
    ("vanishing_gradients", ""): Wording(
        "warning",
        lambda e: f"No gradient reaches layer {e.layer}",
        lambda e: f"The mean weight-gradient norm ||dL/dW|| of layer {e.layer} in epoch {e.epoch + 1} was "
                  f"{e.grad_norm:.3g}, against {e.largest_grad_norm:.3g} for the largest layer: layer {e.layer} is "
                  "not learning.",
        {"zero_inputs": lambda e: "every input value is 0: dL/dW = delta x^T of the first layer is 0 whatever the "
                                  "error signal",
         "dying_signal": lambda e: "the error signal dies on its way back: the layers above it are saturated or dead "
                                   "(see the findings about them), so delta = W.T delta * f'(z) is multiplied by ~0"},
        {"zero_inputs": lambda e: "check the data: the inputs carry no information (all zeros)",
         "dying_signal": lambda e: "fix the layers above (normalize inputs, lower the learning rate, re-initialize); "
                                   f"{GUIDE}: print out gradient magnitudes, if they're all near zero the network is "
                                   "in a flat region"}),
    ("not_learning", ""): Wording(
        "warning",
        lambda e: "The network is not learning",
        lambda e: f"After {e.epoch + 1} epoch(s) the loss on {e.n} training examples is {e.loss:.4g}, no better than "
                  f"{e.constant_prediction_loss:.4g}, the loss of predicting the same (average) output for every "
                  f"input (it started at {e.initial_loss:.4g})"
                  + (f"; {'; '.join(NOT_LEARNING_NOTES[note](e) for note in e.notes)}" if e.notes else "") + ".",
        {"upstream": lambda e: e.upstream["cause"],
         "learning_rate": lambda e: f"the learning rate ({e.lr:g}) is probably too high: the updates pushed the "
                                    "network to a flat region where the gradients vanish",
         "unknown": lambda e: f"not enough training yet, a learning rate ({e.lr:g}) too small or too large, a network "
                              "too small, or data and targets that do not match (check shapes and labels)"},
        {"upstream": lambda e: e.upstream["advice"],
         "learning_rate": _not_learning_advice,
         "unknown": lambda e: "train for more epochs, and " + _not_learning_advice(e)}),
    ("plateau", ""): Wording(
        "info",
        lambda e: "The loss has levelled off",
        lambda e: f"Over the last {e.window} epochs the loss on {e.n} training examples went from "
                  f"{e.loss_before:.4g} to {e.loss_now:.4g} ({-100 * e.relative_drop:+.2f}%), after falling from "
                  f"{e.initial_loss:.4g}"
                  + (f"; training accuracy is {100 * e.accuracy:.1f}%" if e.accuracy is not None else "") + ".",
        {"small_steps": lambda e: "the learning rate is now too small for what is left of the slope, or the network "
                                  "is too small to fit the data better (or this is already close to the best "
                                  "possible loss)"},
        {"small_steps": lambda e: "try increasing the learning rate slightly, try a larger network (more neurons or "
                                  "more layers), and check whether this loss is already close to the best possible "
                                  f"({GUIDE})"}),
    ("overfitting", ""): Wording(
        "warning",
        lambda e: f"Overfitting: the {e.label} loss is rising while the training loss falls",
        lambda e: f"The {e.label} loss was lowest after epoch {e.best_epoch + 1} ({e.best_loss:.4g}) and is "
                  f"{e.loss_now:.4g} after epoch {e.now + 1} (+{100 * (e.loss_now / e.best_loss - 1):.1f}%), while "
                  f"the loss on training examples kept falling ({e.train_loss_at_best:.4g} -> "
                  f"{e.train_loss_now:.4g}).",
        {"memorizing": lambda e: "the network is memorizing the training examples (their noise) instead of the "
                                 "pattern: it is large for the amount of data, or trained for too many epochs"},
        {"memorizing": lambda e: "stop at the best epoch (early stopping: --early-stopping 5 restores its weights), "
                                 "add L2 weight decay (--weight-decay 1e-4), use a smaller network or more training "
                                 "data"}),
}

#: the hard evidence a "not learning" finding adds to its measurement, by name
NOT_LEARNING_NOTES = {
    "output_saturated": lambda e: f"the output layer is saturated ({100 * e.output_saturated:.0f}% of its activations)",
    "zero_gradients": lambda e: "every weight gradient is exactly 0",
    "frozen_loss": lambda e: "the loss has not changed at all since the last epoch",
}


def finding(kind, cause, *, variant="", advice=None, epoch=None, layer=None, evidence=(), **context):
    """The ``Finding`` of ``kind`` (worded as ``variant``) blamed on ``cause`` (and its ``advice``, the cause's
    own by default), with its ``evidence``; ``context`` holds what else the words need."""
    wording = WORDINGS[kind, variant]
    evidence = dict(evidence)
    facts = Facts(evidence, epoch=epoch, layer=layer, **context)
    return Finding(kind=kind, severity=wording.severity, title=wording.title(facts), seen=wording.seen(facts),
                   cause=wording.causes[cause](facts), advice=wording.advice[advice or cause](facts),
                   epoch=epoch, layer=layer, evidence=evidence)


def format_finding(finding):
    """The console text of a finding: a title line, then what, why and what to do, indented."""
    when = "before training" if finding["epoch"] is None else f"epoch {finding['epoch'] + 1}"
    label = {"error": "ERROR", "warning": "WARNING"}.get(finding["severity"], "NOTE")
    lines = [f"[diagnostics] {label} ({when}): {finding['title']}",
             f"    {finding['seen']}",
             f"    Likely cause: {finding['cause']}",
             f"    Advice: {finding['advice']}"]
    return "\n".join(lines)

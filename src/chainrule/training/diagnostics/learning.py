"""Whether learning happens at all: a loss that became NaN or infinite (diverged), and a network no better
than predicting the same (average) output for every input (not learning)."""
import math

from .layers import SATURATED_FRACTION
from .texts import finding

#: the findings a "not learning" finding is blamed on (the first one found: the most upstream)
UPSTREAM = ("saturated", "dead_relu", "symmetric_units", "vanishing_gradients", "loss_rising", "loss_oscillating",
            "unnormalized_inputs")


def diverged(loss, epoch, batch, lr, restored, inputs_flagged):
    """The loss became ``loss`` (NaN or inf) in ``batch`` of ``epoch``; ``restored`` names the weights put back."""
    return finding("diverged", "learning_rate_and_inputs" if inputs_flagged else "learning_rate",
                   advice="learning_rate", epoch=epoch,
                   evidence={"loss": loss, "batch": batch, "learning_rate": lr, "suggested_learning_rate": lr / 10},
                   restored=restored)


def not_learning(losses, baseline, earlier, output, grad_norms, epoch, lr, n, final):
    """No better than predicting the average output for every input (``baseline``). Judged early (after 2
    epochs) only with hard evidence (a layer problem among the ``earlier`` findings, a rising loss, zero
    gradients, a loss that does not move at all): some healthy runs sit on such a plateau for a while first
    (the guide's XOR). ``final``: the run is over, judge it anyway. ``None`` when it is learning."""
    loss = losses[-1]
    if baseline is None or not loss < math.inf or loss < 0.98 * baseline:
        return None
    problems = [f for f in earlier if f["kind"] in UPSTREAM]
    notes = []
    if output["saturated"] is not None and output["saturated"] >= SATURATED_FRACTION:
        notes.append("output_saturated")
    if grad_norms and max(grad_norms) == 0:
        notes.append("zero_gradients")
    previous = losses[-2]
    if len(losses) >= 3 and abs(loss - previous) <= 1e-9 * abs(previous):
        notes.append("frozen_loss")
    layer_problems = [f for f in problems if f.get("layer") is not None]
    if not final and (epoch < 1 or not (layer_problems or notes)):
        return None
    # the first problem found is the most upstream one: blame it, give its advice
    cause = "upstream" if problems else "learning_rate" if notes else "unknown"
    return finding("not_learning", cause, epoch=epoch,
                   evidence={"loss": loss, "constant_prediction_loss": baseline, "initial_loss": losses[0],
                             "grad_norms": list(grad_norms), "suggested_learning_rate": lr / 10},
                   lr=lr, n=n, notes=notes, output_saturated=output["saturated"],
                   upstream=problems[0] if problems else None)

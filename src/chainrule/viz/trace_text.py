"""The formulas of a trace, and the trace printed step by step in the guide's order.

The same captions drive the printed trace and the animation frames, so the two never disagree. The formula text
of an activation or a loss is the kind's own (``Activation.derivative_formula``, ``Loss.formula``, ...): the
functions here only find the kind by the name the trace recorded.
"""
import numpy as np

from ..core.activations import ACTIVATIONS, Activation
from ..core.losses import LOSSES, Loss
from ..guide.errata import errata_command, see_errata
from .trace_spec import guide_differences

def fmt(value, decimals=4):
    """A value as the guide prints it: ``np.round(value, 4)``, matrices on one line."""
    value = np.asarray(value, dtype=float)
    if value.ndim == 0:
        return f"{float(value):.{decimals}f}"
    with np.printoptions(suppress=True):
        text = np.array2string(np.round(value, decimals) + 0.0, max_line_width=10_000)
    return " ".join(line.strip() for line in text.splitlines())


def input_name(l):
    return "x" if l == 1 else f"a{l - 1}"


def activation_kind(name):
    """The activation a trace recorded as ``name`` (its default parameters: the text names them, e.g. alpha);
    a name no kind is registered under gets the generic text of ``Activation``."""
    if name in ACTIVATIONS:
        return ACTIVATIONS.create(name)
    unregistered = Activation()
    unregistered.name = name
    return unregistered


def loss_kind(name):
    """The loss a trace recorded as ``name``; the generic text of ``Loss`` for an unregistered name."""
    if name in LOSSES:
        return LOSSES.create(name)
    unregistered = Loss()
    unregistered.name = name
    return unregistered


def activation_formula(name, l):
    return activation_kind(name).formula(l)


def loss_formula(trace):
    return loss_kind(trace.loss_name).formula(trace.n_layers)


def loss_gradient_formula(trace):
    return loss_kind(trace.loss_name).gradient_formula(trace.n_layers, trace.layer_sizes[-1])


def derivative_formula(name, l):
    return activation_kind(name).derivative_formula(l)


def delta_formula(name, l):
    return activation_kind(name).delta_formula(l)


def steps(trace):
    """The trace as ``(section, name, formula, value)`` rows in the guide's order."""
    rows = []
    for r in trace.layers:
        l = r.index
        rows.append(("forward", f"z{l}", f"W{l} @ {input_name(l)} + b{l}", r.z))
        rows.append(("forward", f"a{l}", activation_formula(r.activation, l), r.a))
    rows.append(("loss", "loss", loss_formula(trace), trace.loss))
    L = trace.n_layers
    for r in reversed(trace.layers):
        l = r.index
        section = f"backward{l}"
        grad_formula = loss_gradient_formula(trace) if l == L else f"W{l + 1}.T @ delta{l + 1}"
        rows.append((section, f"dL/da{l}", grad_formula, r.grad_a))
        rows.append((section, f"da{l}/dz{l}", derivative_formula(r.activation, l), r.da_dz))
        rows.append((section, f"delta{l}", delta_formula(r.activation, l), r.delta))
        rows.append((section, f"dL/dW{l}", f"delta{l} (outer) {input_name(l)}", r.dW))
        rows.append((section, f"dL/db{l}", f"delta{l}", r.db))
    for r in reversed(trace.layers):
        l = r.index
        rows.append(("update", f"W{l}_new", f"W{l} - lr * dL/dW{l}", r.W_new))
        rows.append(("update", f"b{l}_new", f"b{l} - lr * dL/db{l}", r.b_new))
    rows.append(("result", "new_prediction", f"a{L} after the update", trace.new_prediction))
    rows.append(("result", "new_loss", "loss after the update", trace.new_loss))
    return rows


def _section_title(section, trace, number):
    L = trace.n_layers
    if section == "forward":
        return f"Step {number}: forward pass, compute every z and a"
    if section == "loss":
        return f"Step {number}: the loss"
    if section.startswith("backward"):
        l = int(section[len("backward"):])
        which = "output layer" if l == L else f"hidden layer {l}"
        return f"Step {number}: backward pass, {which}"
    if section == "update":
        return f"Step {number}: update the weights (learning rate {trace.learning_rate:g})"
    return "Check: forward pass with the new weights"


def _display_name(name):
    if name.endswith("_new"):
        return f"{name[:-4]} new"
    return {"new_prediction": "prediction", "new_loss": "loss"}.get(name, name)


def format_trace(trace, decimals=4, notes=True):
    """The trace as text, step by step, with a note under each value the guide prints differently."""
    differences = guide_differences(trace, decimals) if notes else {}
    sizes = " -> ".join(str(n) for n in trace.layer_sizes)
    activations = ", ".join(r.activation for r in trace.layers)
    lines = [f"Backpropagation trace, one training step: {sizes} network ({activations}), "
             f"{trace.loss_name} loss, learning rate {trace.learning_rate:g}",
             f"Every value is what chainrule's layers computed, rounded to {decimals} decimals.",
             "", "Network:"]
    for r in trace.layers:
        lines.append(f"  W{r.index} = {fmt(r.W, decimals)}   b{r.index} = {fmt(r.b, decimals)}")
    lines.append(f"  x = {fmt(trace.x, decimals)}   target = {fmt(trace.target, decimals)}")
    rows = steps(trace)
    width_name = max(len(_display_name(name)) for _, name, _, _ in rows)
    width_formula = max(len(formula) for _, _, formula, _ in rows)
    section = None
    number = 0
    first_note = True
    for row_section, name, formula, value in rows:
        if row_section != section:
            section = row_section
            number += 1
            lines += ["", _section_title(section, trace, number)]
        lines.append(f"  {_display_name(name):<{width_name}} = {formula:<{width_formula}} = {fmt(value, decimals)}")
        if name in differences:
            printed, reason = differences[name]
            because = f" ({reason})" if reason else ""
            see = f"; {see_errata(trace.guide_blocks)}" if first_note else ""
            first_note = False
            lines.append(f"  {'':<{width_name}}   guide prints {fmt(printed, decimals)}{because}{see}")
    lines += ["", f"Loss {trace.loss:.{decimals}f} -> {trace.new_loss:.{decimals}f}: "
                  f"{'decreased' if trace.new_loss < trace.loss else 'did NOT decrease'} after one step."]
    if differences:
        lines.append(f"{len(differences)} values differ from the guide's printed hand-trace; every one is explained "
                     f"by `{errata_command(trace.guide_blocks)}`.")
    return "\n".join(lines)

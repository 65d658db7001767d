"""A trace as animation frames: what each step of one training step shows on a drawing of the network.

Frames are plain data (JSON-ready dicts) so the GIF (matplotlib) and the HTML player (SVG + JS) draw the same
thing. Each frame carries the whole picture: the text on every neuron, the label on every edge, which layer's
edges light up and in which direction, and the caption (title, formula, numbers).

Order: the network; for each layer z then a (forward, left to right); the loss; for each layer from the output
down: dL/da (for a hidden layer: the error signal flowing back through the transposed weights), delta, and
dL/dW, dL/db; the update; the forward pass with the new weights.
"""
import numpy as np

from ..errors import ConfigError
from .trace_text import (activation_formula, delta_formula, derivative_formula, fmt, input_name,
                         loss_formula, loss_gradient_formula)

MAX_NEURONS = 8        # per layer, for a drawing that stays readable
MAX_LAYERS = 5         # weight layers
MAX_EDGE_LABELS = 6    # per layer; above this the edges go unlabelled (the caption has the numbers)


def layout(layer_sizes):
    """Neuron centres ``[[(x, y), ...] per layer]`` in a unit box (x to the right, y downwards)."""
    n = len(layer_sizes)
    positions = []
    for i, size in enumerate(layer_sizes):
        x = 0.08 + 0.84 * i / (n - 1)
        ys = [0.5] if size == 1 else [0.12 + 0.76 * j / (size - 1) for j in range(size)]
        positions.append([(x, y) for y in ys])
    return positions


def _v(value, decimals=4):
    return f"{float(value):.{decimals}f}"


def _layer_texts(trace, fill):
    """Node texts for every layer (input layer first): ``fill(layer_index) -> list of str`` or None."""
    texts = []
    for l in range(trace.n_layers + 1):
        custom = fill(l)
        texts.append(custom if custom is not None else [""] * trace.layer_sizes[l])
    return texts


def _edge_labels(matrices, trace):
    """Edge labels per weight layer: ``labels[l-1][j][i]`` for the edge from neuron i of layer l-1 to j of l."""
    out = []
    for l, M in enumerate(matrices, start=1):
        if M is None or trace.layer_sizes[l] * trace.layer_sizes[l - 1] > MAX_EDGE_LABELS:
            out.append(None)
        else:
            out.append([[_v(v, 4) for v in row] for row in np.asarray(M)])
    return out


def check_drawable(layer_sizes):
    """Raise ConfigError when a network is too big to draw readably."""
    if len(layer_sizes) - 1 > MAX_LAYERS or max(layer_sizes) > MAX_NEURONS:
        raise ConfigError(f"the animation draws networks of up to {MAX_LAYERS} layers and {MAX_NEURONS} neurons "
                          f"per layer, got {list(layer_sizes)}; the printed trace has no such limit")


def build_frames(trace, decimals=4):
    """The animation frames of ``trace`` (see the module docstring)."""
    check_drawable(trace.layer_sizes)
    L = trace.n_layers
    rec = {r.index: r for r in trace.layers}
    d = decimals
    weights = [rec[l].W for l in range(1, L + 1)]
    state = {"input": [f"x{i + 1}={_v(v, d)}" for i, v in enumerate(trace.x)]}
    node_text = {0: state["input"]}  # what each layer's neurons show, updated as the frames go
    frames = []

    def add(title, formula, numbers, phase, active_layer=None, edges_layer=None, direction=None,
            edge_matrices=None, extra=None):
        texts = _layer_texts(trace, lambda l: list(node_text[l]) if l in node_text else None)
        frames.append({
            "title": title, "formula": formula, "numbers": numbers, "phase": phase,
            "active_layer": active_layer, "edges_layer": edges_layer, "direction": direction,
            "node_text": texts,
            "edge_labels": _edge_labels(edge_matrices if edge_matrices is not None else weights, trace),
            "edge_label_kind": extra or "W",
        })

    sizes = " -> ".join(map(str, trace.layer_sizes))
    add("The network", f"{sizes}: z = W a_prev + b, a = f(z); edges are labelled with their weights",
        f"x = {fmt(trace.x, d)}   target = {fmt(trace.target, d)}   learning rate {trace.learning_rate:g}",
        "start", active_layer=0)

    for l in range(1, L + 1):
        r = rec[l]
        node_text[l] = [f"z={_v(z, d)}" for z in r.z]
        add(f"Forward, layer {l}: weighted sum", f"z{l} = W{l} @ {input_name(l)} + b{l}",
            f"z{l} = {fmt(r.z, d)}", "forward", active_layer=l, edges_layer=l, direction="forward")
        node_text[l] = [f"z={_v(z, d)}|a={_v(a, d)}" for z, a in zip(r.z, r.a)]
        add(f"Forward, layer {l}: activation", f"a{l} = {activation_formula(r.activation, l)}",
            f"a{l} = {fmt(r.a, d)}", "forward", active_layer=l)

    add("The loss", f"loss = {loss_formula(trace)}",
        f"prediction {fmt(trace.prediction, d)}, target {fmt(trace.target, d)}: loss = {trace.loss:.{d}f}",
        "loss", active_layer=L)

    for l in range(L, 0, -1):
        r = rec[l]
        if l == L:
            node_text[l] = [f"dL/da={_v(g, d)}" for g in r.grad_a]
            add(f"Backward, output layer {l}: how the loss changes with a{l}",
                f"dL/da{l} = {loss_gradient_formula(trace)}", f"dL/da{l} = {fmt(r.grad_a, d)}",
                "backward", active_layer=l)
        else:
            node_text[l] = [f"dL/da={_v(g, d)}" for g in r.grad_a]
            add(f"Backward, layer {l}: the error flows back through W{l + 1}.T",
                f"dL/da{l} = W{l + 1}.T @ delta{l + 1}",
                f"dL/da{l} = {fmt(rec[l + 1].W.T, d)} @ {fmt(rec[l + 1].delta, d)} = {fmt(r.grad_a, d)}",
                "backward", active_layer=l, edges_layer=l + 1, direction="backward")
        node_text[l] = [f"dL/da={_v(g, d)}|δ={_v(dz, d)}" for g, dz in zip(r.grad_a, r.delta)]
        add(f"Backward, layer {l}: through the activation",
            f"delta{l} = {delta_formula(r.activation, l)},  da{l}/dz{l} = {derivative_formula(r.activation, l)}",
            f"da{l}/dz{l} = {fmt(r.da_dz, d)}   delta{l} = {fmt(r.delta, d)}",
            "backward", active_layer=l)
        add(f"Backward, layer {l}: gradients of the weights and biases",
            f"dL/dW{l} = delta{l} (outer) {input_name(l)},  dL/db{l} = delta{l}",
            f"dL/dW{l} = {fmt(r.dW, d)}   dL/db{l} = {fmt(r.db, d)}",
            "backward", active_layer=l, edges_layer=l, direction="backward",
            edge_matrices=[rec[k].dW if k == l else rec[k].W for k in range(1, L + 1)], extra="dL/dW")

    new_weights = [rec[l].W_new for l in range(1, L + 1)]
    node_text.update({l: [""] * trace.layer_sizes[l] for l in range(1, L + 1)})
    add(f"Update every weight and bias (learning rate {trace.learning_rate:g})",
        "W <- W - lr * dL/dW,  b <- b - lr * dL/db",
        "   ".join(f"W{l} = {fmt(rec[l].W_new, d)}" for l in range(L, 0, -1)),
        "update", edges_layer="all", direction="forward", edge_matrices=new_weights, extra="W new")

    node_text[L] = [f"a={_v(a, d)}" for a in trace.new_prediction]
    add("Forward again with the new weights",
        f"new prediction {fmt(trace.new_prediction, d)}",
        f"prediction {fmt(trace.prediction, d)} -> {fmt(trace.new_prediction, d)},  "
        f"loss {trace.loss:.{d}f} -> {trace.new_loss:.{d}f}",
        "result", active_layer=L, edge_matrices=new_weights, extra="W new")
    return frames


def player_data(trace, decimals=4):
    """Everything a renderer needs: layer sizes, neuron positions and frames."""
    return {"layer_sizes": list(trace.layer_sizes), "positions": layout(trace.layer_sizes),
            "frames": build_frames(trace, decimals)}

"""The gradient check of a seeded network of any shape, activation and loss, printed and drawn.

Defaults follow the guide: ``Network([2, 2, 1], seed=0)`` with x = [1, 2], target [1] (Section 2's gradient
check), and for a 3-input 2-output network x = [0.5, -1, 2], target [1, 0] (Exercise 2.2).
"""
from dataclasses import dataclass

import numpy as np

from ..core import Network, get_loss, gradient_check
from ..guide.errata import see_errata
from .figures import fit_layout, save_figure, subplots
from .trace_spec import _parse_sizes

GUIDE_EXAMPLES = {(2, 1): ([1.0, 2.0], [1.0]), (3, 2): ([0.5, -1.0, 2.0], [1.0, 0.0])}


def default_example(layer_sizes, seed, loss):
    """The guide's x and target for its shapes; otherwise x drawn from RandomState(seed) and target
    [1, 0, 1, ...] (class 0 for softmax cross-entropy)."""
    n_in, n_out = layer_sizes[0], layer_sizes[-1]
    if (n_in, n_out) in GUIDE_EXAMPLES:
        x, target = GUIDE_EXAMPLES[(n_in, n_out)]
    else:
        x = np.round(np.random.RandomState(seed).uniform(-2, 2, n_in), 2)
        target = [float((i + 1) % 2) for i in range(n_out)]
    target = get_loss(loss).example_target(np.asarray(target, dtype=float))
    return np.asarray(x, dtype=float), np.asarray(target, dtype=float)


@dataclass
class GradcheckResult:
    net: Network
    x: np.ndarray
    target: np.ndarray
    prediction: np.ndarray
    loss: float
    report: object
    figure: str = None


def seeded_gradient_check(layers=(2, 2, 1), seed=0, activation="sigmoid", output_activation=None, loss="mse",
                          x=None, target=None, epsilon=1e-5, tolerance=1e-5, out=None):
    """Gradient-check ``Network(layers, seed, activation, output_activation, loss)`` on one example."""
    sizes = _parse_sizes(layers)
    net = Network(sizes, seed=seed, activation=activation, output_activation=output_activation, loss=loss)
    default_x, default_target = default_example(net.layer_sizes, seed, net.loss)
    x = default_x if x is None else np.asarray(x, dtype=float)
    target = default_target if target is None else np.asarray(target, dtype=float)
    loss_value = net.loss_value(x, target)
    prediction = net.forward(x).copy()
    report = gradient_check(net, x, target, epsilon=epsilon, tolerance=tolerance)
    result = GradcheckResult(net, x, target, prediction, loss_value, report)
    if out is not None:
        result.figure = _plot(result, out)
    return result


def _plot(result, out):
    rows = list(result.report)
    analytical = np.array([r.analytical for r in rows])
    numerical = np.array([r.numerical for r in rows])
    diffs = np.array([max(r.abs_diff, 1e-18) for r in rows])
    names = [f"L{r.layer} {r.parameter}[{','.join(map(str, r.index))}]" for r in rows]
    fig, (left, right) = subplots(1, 2, figsize=(11, 5.2), gridspec_kw={"width_ratios": [1, 1.6]})
    span = max(np.max(np.abs(analytical)), np.max(np.abs(numerical)), 1e-12) * 1.1
    left.plot([-span, span], [-span, span], color="#999999", lw=1, label="analytical = numerical")
    left.scatter(numerical, analytical, c=["#2ca02c" if r.ok else "#d62728" for r in rows], s=30, zorder=3)
    left.set(xlabel="numerical (central difference)", ylabel="analytical (backward())",
             title=f"{len(rows)} gradients", xlim=(-span, span), ylim=(-span, span))
    left.legend(loc="upper left")
    left.grid(True, alpha=0.3)
    right.bar(range(len(rows)), diffs, color=["#2ca02c" if r.ok else "#d62728" for r in rows])
    right.axhline(result.report.tolerance, color="#d62728", ls="--", lw=1,
                  label=f"tolerance {result.report.tolerance:g}")
    right.set_yscale("log")
    right.set(ylabel="|analytical - numerical|", title="Difference per parameter")
    if len(rows) <= 40:
        right.set_xticks(range(len(rows)))
        right.set_xticklabels(names, rotation=90, fontsize=10)
    else:
        right.set_xlabel("parameter")
    right.legend(loc="upper right")
    right.grid(True, axis="y", alpha=0.3)
    net = result.net
    verdict = "all passed" if result.report.passed else f"{len(result.report.failures)} FAILED"
    fig.suptitle(f"Gradient check: {net.layer_sizes}, seed {net.seed}, {'/'.join(net.activation_names)}, "
                 f"{net.loss.name} loss: {verdict}", fontsize=12)
    fit_layout(fig)
    return save_figure(fig, out)


def format_gradient_check(result):
    net = result.net
    with np.printoptions(suppress=True):
        lines = [f"Architecture: {' -> '.join(map(str, net.layer_sizes))}  (seed {net.seed}, activations "
                 f"{', '.join(net.activation_names)}, {net.loss.name} loss)",
                 f"Input:      {result.x}",
                 f"Target:     {result.target}",
                 f"Prediction: {np.round(result.prediction, 4)}",
                 f"Loss:       {result.loss:.4f}", "", str(result.report)]
    n_out = net.layer_sizes[-1]
    if net.loss.name == "mse" and n_out > 1:
        lines += ["", f"Note: the guide's Exercise 2.2 backward() starts from dL/da = 2(a - t), without the 1/{n_out} "
                      f"of the mean over {n_out} outputs,",
                  f"so its gradients are {n_out}x the true ones and its own check fails; chainrule's loss "
                  f"gradient includes the 1/{n_out} ({see_errata(17)})."]
    if result.figure:
        lines += ["", f"Figure: {result.figure}"]
    return "\n".join(lines)

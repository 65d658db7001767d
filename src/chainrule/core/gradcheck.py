"""Gradient checking: every analytical gradient against a central difference.

    numerical = (L(p + eps) - L(p - eps)) / (2 eps)

A float32 network is checked through a float64 copy of itself: in float32 the
rounding error of the difference quotient would swamp the comparison.
"""
from dataclasses import dataclass

import numpy as np

from .validation import as_float_array, check_gradcheck_epsilon, check_positive


@dataclass(frozen=True)
class GradientCheckRow:
    layer: int          # 1-based, as the guide prints it
    parameter: str      # "W" or "b"
    index: tuple
    analytical: float
    numerical: float
    abs_diff: float
    rel_diff: float
    ok: bool

    def __str__(self):
        where = f"{self.parameter}[{','.join(map(str, self.index))}]:"
        return (f"  Layer {self.layer} {where:<7} analytical={self.analytical:>9.6f}  "
                f"numerical={self.numerical:>9.6f}  diff={self.abs_diff:.2e}  {'OK' if self.ok else 'FAIL'}")


class GradientCheckReport:
    """The rows of a gradient check; ``str(report)`` prints them in the guide's format."""

    def __init__(self, rows, tolerance):
        self.rows = rows
        self.tolerance = tolerance

    @property
    def passed(self):
        return all(row.ok for row in self.rows)

    @property
    def failures(self):
        return [row for row in self.rows if not row.ok]

    @property
    def max_abs_diff(self):
        return max(row.abs_diff for row in self.rows)

    @property
    def max_rel_diff(self):
        return max(row.rel_diff for row in self.rows)

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __str__(self):
        lines = ["Gradient check (analytical vs numerical):", ""]
        lines += [str(row) for row in self.rows]
        lines.append("")
        if self.passed:
            lines.append(f"All {len(self.rows)} gradients passed (max abs diff {self.max_abs_diff:.2e}, "
                         f"max rel diff {self.max_rel_diff:.2e}).")
        else:
            lines.append(f"{len(self.failures)} of {len(self.rows)} gradients FAILED (tolerance {self.tolerance:g}).")
        return "\n".join(lines)


def gradient_check(net, x, target, epsilon=1e-5, tolerance=1e-5):
    """Compare ``net.backward(target)`` with central differences for every weight and bias.

    ``x`` may be one example or a batch. A parameter passes when |analytical - numerical| < tolerance
    (the guide's rule). The network's weights are left exactly as they were. ``epsilon`` must lie in
    ``GRADCHECK_EPSILON_RANGE`` (1e-10 to 1e-2), where a float64 central difference means something.
    """
    epsilon, tolerance = check_gradcheck_epsilon(epsilon), check_positive(tolerance, "tolerance")
    checked = net.astype(np.float64) if net.dtype != np.float64 else net
    x = as_float_array(x, "x")
    prediction = checked.forward(x)
    target = checked.loss.prepare_targets(target, prediction)
    weight_grads, bias_grads = checked._backward(target)

    def loss_now():
        return checked.loss.value(checked._forward(x), target)

    rows = []
    for layer_index in range(len(checked.weights)):
        for name, param, grad in (("W", checked.weights[layer_index], weight_grads[layer_index]),
                                  ("b", checked.biases[layer_index], bias_grads[layer_index])):
            for index in np.ndindex(param.shape):
                original = param[index]
                param[index] = original + epsilon
                loss_plus = loss_now()
                param[index] = original - epsilon
                loss_minus = loss_now()
                param[index] = original
                numerical = float((loss_plus - loss_minus) / (2 * epsilon))
                analytical = float(grad[index])
                abs_diff = abs(numerical - analytical)
                scale = max(abs(numerical), abs(analytical))
                rel_diff = abs_diff / scale if scale > 0 else 0.0
                rows.append(GradientCheckRow(layer_index + 1, name, index, analytical, numerical,
                                             abs_diff, rel_diff, abs_diff < tolerance))
    checked._forward(x)  # leave the saved activations those of the unperturbed network
    return GradientCheckReport(rows, tolerance)

"""Central differences of the learner's own loss, on the learner's own network: the gradient their backward()
is compared with, computed without trusting any of their other code."""
import numpy as np

from .records import NumericalGrads
from .returned import scalar


def numerical_gradients(subject, net, x, target):
    """Central differences of the learner's own loss, nudging their own arrays (or float64 copies of them
    where a nudge cannot be stored: integer or read-only arrays)."""
    weights, biases = subject.params(net)
    result = NumericalGrads()
    reasons = []
    groups = []
    for attr, group in ((subject.convention.weights_attr, weights), (subject.convention.biases_attr, biases)):
        if isinstance(group, tuple):
            group = list(group)
            setattr(net, attr, group)
        for j, p in enumerate(group):
            if p.dtype != np.float64 or not p.flags.writeable:
                why = f"self.{attr}[{j}] is {p.dtype.name}" if p.dtype != np.float64 else f"self.{attr}[{j}] is read-only"
                reasons.append(why)
                group[j] = np.array(p, dtype=np.float64)
        groups.append(group)
    result.copies = "; ".join(reasons)
    output = net.forward(x.copy())
    result.loss_dtype = np.asarray(subject.loss(np.asarray(output), target)).dtype.name
    epsilon = result.epsilon = 1e-5 if result.loss_dtype == "float64" else 1e-2
    for group, out in zip(groups, (result.weights, result.biases)):
        for p in group:
            grad = np.zeros(p.shape)
            for index in np.ndindex(p.shape):
                original = p[index]
                p[index] = original + epsilon
                plus = scalar(subject.loss(np.asarray(net.forward(x.copy())), target))
                p[index] = original - epsilon
                minus = scalar(subject.loss(np.asarray(net.forward(x.copy())), target))
                p[index] = original
                grad[index] = (plus - minus) / (2 * epsilon) if plus is not None and minus is not None else np.nan
            out.append(grad)
    return result

"""What the learner's code returned, or left on its network, read without trusting it: a loss as one number,
the two lists backward() returns, the lists forward() saved, and whether two sets of parameters are equal."""
import numpy as np

from .learner import LearnerAPIError
from .records import Value


def scalar(value):
    """A loss the learner's code returned, as a float (None if it is not one number)."""
    if value is None or isinstance(value, (str, bytes, dict)):
        return None
    try:
        array = np.asarray(value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        return None
    return float(array[0]) if array.size == 1 else None


def split_gradients(returned, record):
    """The guide's backward(target) returns (weight_grads, bias_grads)."""
    if isinstance(returned, (tuple, list)) and len(returned) == 2 or \
            (isinstance(returned, np.ndarray) and returned.dtype == object and len(returned) == 2):
        return returned[0], returned[1]
    record.returned = Value.of(returned)
    raise LearnerAPIError("backward_returns", f"backward() returned {record.returned.describe()}; the guide's "
                                              f"backward(target) returns (weight_grads, bias_grads), two lists")


def list_lengths(net, skip):
    return {name: len(value) for name, value in vars(net).items()
            if isinstance(value, list) and name not in skip} if hasattr(net, "__dict__") else {}


def saved_lists(net, skip):
    """The lists of arrays forward() left on the network (self.activations, self.zs, self.cache["z"], ...)."""
    found = {}
    for name, value in (vars(net).items() if hasattr(net, "__dict__") else ()):
        values = value.items() if isinstance(value, dict) else [(None, value)]
        for key, item in values:
            if name not in skip and isinstance(item, (list, tuple)) and item and \
                    all(isinstance(v, np.ndarray) for v in item):
                found[name if key is None else f"{name}[{key!r}]"] = Value.of(item)
    return found


def equal_params(p, q):
    """Two parameter snapshots hold equal arrays (``False`` when either is missing or they differ in count)."""
    if p is None or q is None or len(p.weights) != len(q.weights) or len(p.biases) != len(q.biases):
        return False
    return all(a.kind == b.kind == "array" and a.array.shape == b.array.shape and np.array_equal(a.array, b.array)
               for a, b in zip(p.weights + p.biases, q.weights + q.biases))

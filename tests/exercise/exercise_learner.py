"""A learner doing Exercise 2.1 by hand, written independently of chainrule: plain NumPy formulas, every value
rounded to 4 decimals as written down and the next one computed from the written values. ``mistakes`` makes
them slip at a value (``{"z2": lambda v: v + 0.01}``); everything after it is then computed from the slip, as a
learner with the right method would."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def hand_trace(variant, mistakes=None, decimals=4, write_slopes=True):
    """``{name: value}``: the learner's written values (see the module docstring)."""
    mistakes = mistakes or {}
    W1, W2 = (np.array(W, dtype=float) for W in variant.weights)
    b1, b2 = (np.array(b, dtype=float) for b in variant.biases)
    x, t, lr = np.array(variant.x), np.array(variant.target), variant.learning_rate
    out = {}

    def write(name, value):
        value = np.round(np.asarray(value, dtype=float), decimals)
        if name in mistakes:
            value = np.asarray(mistakes[name](value), dtype=float)
        out[name] = value
        return value

    z1 = write("z1", W1 @ x + b1)
    a1 = write("a1", sigmoid(z1))
    z2 = write("z2", W2 @ a1 + b2)
    a2 = write("a2", sigmoid(z2))
    write("loss", np.mean((a2 - t) ** 2))
    dL_da2 = write("dL/da2", 2 * (a2 - t))            # one output: the mean over 1 output divides by 1
    slope2 = write("da2/dz2", a2 * (1 - a2)) if write_slopes else a2 * (1 - a2)
    delta2 = write("delta2", dL_da2 * slope2)
    dW2 = write("dL/dW2", np.outer(delta2, a1))
    db2 = write("dL/db2", delta2)
    dL_da1 = write("dL/da1", W2.T @ delta2)
    slope1 = write("da1/dz1", a1 * (1 - a1)) if write_slopes else a1 * (1 - a1)
    delta1 = write("delta1", dL_da1 * slope1)
    dW1 = write("dL/dW1", np.outer(delta1, x))
    db1 = write("dL/db1", delta1)
    W2_new = write("W2_new", W2 - lr * dW2)
    b2_new = write("b2_new", b2 - lr * db2)
    W1_new = write("W1_new", W1 - lr * dW1)
    b1_new = write("b1_new", b1 - lr * db1)
    new_prediction = write("new_prediction", sigmoid(W2_new @ sigmoid(W1_new @ x + b1_new) + b2_new))
    write("new_loss", np.mean((new_prediction - t) ** 2))
    return out


def answer_text(values, student=None, style="numpy"):
    """An answer file holding ``values``: ``style`` "numpy" (as np.array2string prints, multi-line matrices)
    or "list" (commas, one line)."""
    lines = [f"student = {student}"] if student else []
    for name, value in values.items():
        if style == "numpy":
            text = np.array2string(np.asarray(value), precision=4, suppress_small=True)
        else:
            text = str(np.asarray(value).tolist())
        lines.append(f"{name} = {text}")
    return "\n".join(lines) + "\n"

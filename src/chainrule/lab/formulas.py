"""Formula text for the lab, through one door.

The lab's formulas for activations and losses are the ones ``chainrule trace`` prints: each activation and loss
kind carries its own (``Activation.formula``, ``derivative_formula``, ``delta_formula``, ``element_formula``;
``Loss.formula``, ``gradient_formula``), found through ``chainrule.viz.trace_text`` by the name a trace
recorded. They are vector formulas ("a2 (1 - a2)", "2 (a2 - target)", "mean((a2 - target)^2)").

What this module adds is the step from a vector formula to one element of it, with the numbers plugged in:
``element("a2 (1 - a2)", 0, n)`` is ``"a2[0] × (1 - a2[0])"``, ``mean(...)`` and ``sum(...)`` are written
out over their ``n`` terms, and ``plug`` puts each symbol's value in its place (``"0.6913 × (1 - 0.6913)"``).
It never computes a result: the value after the last "=" is always the one chainrule's layers computed.
"""
import re

from ..viz import trace_text

# --- where the text comes from: the activation and loss kinds ---


def activation_text(name, l):
    """a_l as a formula of z_l: ``"sigmoid(z1)"`` (one element of it: ``"exp(z2) / sum(exp(z2))"`` for softmax)."""
    return trace_text.activation_kind(name).element_formula(l)


def derivative_text(name, l):
    """da_l/dz_l written in terms of a_l: ``"a1 (1 - a1)"``."""
    return trace_text.derivative_formula(name, l)


def delta_text(name, l):
    """delta_l = dL/dz_l from dL/da_l: ``"dL/da1 * da1/dz1"`` (softmax: its Jacobian-vector product)."""
    return trace_text.delta_formula(name, l)


def is_elementwise(name):
    """Whether a_l[j] depends on z_l[j] alone (not softmax): then delta is dL/da times the slope, element by element."""
    return trace_text.activation_kind(name).elementwise


def loss_text(trace):
    """The loss as a formula of the output: ``"mean((a2 - target)^2)"``."""
    return trace_text.loss_formula(trace)


def loss_gradient_text(trace):
    """dL/da of the output layer: ``"2 (a2 - target)"`` (``/ n`` for n outputs)."""
    return trace_text.loss_gradient_formula(trace)


# --- from a vector formula to one element, and the numbers plugged in ---

#: the vector symbols of a trace's formulas, longest first
SYMBOL = re.compile(r"softmax\(z\d+\)|dL/da\d+|da\d+/dz\d+|delta\d+|\b[az]\d+\b|\btarget\b|\bt\b|\bx\b")
#: an indexed symbol of any formula: a vector's element (``a2[0]``) or a matrix's (``W2[0,1]``)
_INDEXED = re.compile(r"(softmax\(z\d+\)|dL/d[Wb]\d+|dL/da\d+|da\d+/dz\d+|delta\d+|\b[azWb]\d+|\btarget|\bt|\bx)"
                      r"\[(\d+(?:,\d+)?)\]")
_REDUCTION = re.compile(r"\b(mean|sum)\(")
_NOTE = re.compile(r"\s{2,}\((.*)\)\s*$")


def split_note(text):
    """``("a2 (1 - a2)", "diagonal of the Jacobian")`` from ``"a2 (1 - a2)  (diagonal of the Jacobian)"``."""
    match = _NOTE.search(text)
    return (text[:match.start()], match.group(1)) if match else (text, "")


def _subscript(text, j):
    """Every vector symbol not yet indexed gets ``[j]``."""
    return SYMBOL.sub(lambda m: m.group(0) if text[m.end():m.end() + 1] == "[" else f"{m.group(0)}[{j}]", text)


def _closing(text, start):
    """Index of the parenthesis closing the one opened just before ``start``."""
    depth = 1
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i
    raise ValueError(f"unbalanced parentheses in {text!r}")


def _expand_reductions(text, n):
    """``mean(E)`` -> ``(E[0] + ... + E[n-1]) / n`` and ``sum(E)`` -> ``(E[0] + ... + E[n-1])``."""
    while True:
        match = _REDUCTION.search(text)
        if match is None:
            return text
        end = _closing(text, match.end())
        inner = _expand_reductions(text[match.end():end], n)
        terms = [_subscript(inner, k) for k in range(n)]
        if match.group(1) == "mean" and n == 1:
            written = terms[0] if match.start() == 0 else f"({terms[0]})"
        else:
            written = "(" + " + ".join(terms) + ")" + (f" / {n}" if match.group(1) == "mean" else "")
        text = text[:match.start()] + written + text[end + 1:]


def _times(text):
    """Juxtaposition written out as a product: ``a2[0] (1 - a2[0])`` -> ``a2[0] × (1 - a2[0])``."""
    text = text.replace(" * ", " × ")
    text = re.sub(r"(?<=[\w\]\)]) (?=(log|exp)\b)", " × ", text)          # "t[0] log a2[0]": t[0] × log a2[0]
    return re.sub(r"(?<=[\w\]\)]) \(", " × (", re.sub(r"\b(log|exp|sigmoid|tanh|relu) \(", r"\1(", text))


def element(formula, j, n):
    """Element ``j`` of a vector formula whose reductions run over ``n`` terms."""
    return _times(_subscript(_expand_reductions(formula, n), j))


def number(value):
    """A value as the lab shows it: 4 decimals as the guide prints them; tiny or huge values in e-notation,
    so a small gradient never reads as 0.0000."""
    value = float(value) + 0.0
    if value != 0 and (abs(value) < 5e-5 or abs(value) >= 1e5):
        return f"{value:.3e}"
    text = f"{value:.4f}"
    return "0.0000" if text == "-0.0000" else text


def plug(text, values):
    """``text`` with every indexed symbol (``a2[0]``, ``W2[0,1]``) replaced by its value from ``values``
    (symbol -> array) and ``lr`` by ``values["lr"]``; a negative value gets parentheses wherever a minus sign
    would be ambiguous."""
    if "lr" in values:
        text = re.sub(r"\blr\b", f"{float(values['lr']):g}", text)

    def put(match):
        index = tuple(int(k) for k in match.group(2).split(","))
        value = float(values[match.group(1)][index])
        shown = number(value)
        before = text[:match.start()].rstrip()
        after = text[match.end():]
        if value < 0 and ((before and before[-1] not in "(=") or after.startswith("^")):
            shown = f"({shown})"
        return shown
    return _INDEXED.sub(put, text)

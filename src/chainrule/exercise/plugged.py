"""Formulas with a learner's own numbers plugged in, in the words ``chainrule lab`` uses.

``chainrule.lab.explain`` writes every value of a trace as its formula and the formula with the numbers
plugged in (``dL/dW2[0,1] = delta2[0] × a1[1] = -0.1318 × 0.7350``), reading the numbers from the trace. Here
the trace is the learner's: chainrule's trace with each value replaced by what the learner wrote (or, where
they wrote nothing, what their earlier values give), so the formulas show their numbers.
"""
from dataclasses import replace

import numpy as np

from ..lab.explain import explain, label
from ..lab.formulas import number


def _record_names(l):
    """A layer record's fields by the trace's value names (as ``Trace.values()`` names them)."""
    return {f"z{l}": "z", f"a{l}": "a", f"dL/da{l}": "grad_a", f"da{l}/dz{l}": "da_dz", f"delta{l}": "delta",
            f"dL/dW{l}": "dW", f"dL/db{l}": "db", f"W{l}_new": "W_new", f"b{l}_new": "b_new"}


def with_values(trace, values):
    """A copy of ``trace`` holding ``values`` (name -> array, the names of ``trace.values()``) instead of its own."""
    layers = []
    for r in trace.layers:
        fields = {field: np.asarray(values[name], dtype=np.float64)
                  for name, field in _record_names(r.index).items() if name in values}
        layers.append(replace(r, **fields))
    L = trace.n_layers
    return replace(trace, layers=layers, prediction=np.asarray(values.get(f"a{L}", trace.prediction)),
                   loss=float(values.get("loss", trace.loss)),
                   new_prediction=np.asarray(values.get("new_prediction", trace.new_prediction)),
                   new_loss=float(values.get("new_loss", trace.new_loss)), guide={}, guide_blocks="")


def formula_lines(trace, values, results):
    """``{name: (line per element, ...)}``: ``"z2[0] = W2[0,0] × a1[0] + ... = 0.5000 × 0.6434 + ... = 0.8023"``,
    the formula of each element with ``values`` plugged in and ``results[name]`` (what those values give)
    after the last ``=``."""
    items, _ = explain(with_values(trace, values))
    lines = {}
    for item in items:
        if item.name not in results:
            continue
        result = np.asarray(results[item.name])[item.index] if item.index else np.asarray(results[item.name])
        lines.setdefault(item.name, []).append(" = ".join([label(item.id), *item.stages, number(result)]))
    return {name: tuple(text) for name, text in lines.items()}

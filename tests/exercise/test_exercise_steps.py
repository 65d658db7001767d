"""The rules the marker re-runs are chainrule trace's step structure: the same values in the same order, each
computed from exactly the values its printed formula names, giving back the trace's own numbers."""
import re

import numpy as np
import pytest

from chainrule import Network
from chainrule.errors import ConfigError
from chainrule.exercise import guide_variant, make_variant, rules
from chainrule.exercise.plugged import formula_lines, with_values
from chainrule.exercise.steps import given_values
from chainrule.viz import record_trace
from chainrule.viz.trace_text import steps

VARIANTS = [guide_variant()] + [make_variant(f"learner {i}", "steps") for i in range(40)]


def _symbols(formula, names):
    """The value names a formula text mentions (longest first, so dL/dW2 is not read as W2)."""
    pattern = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return set(re.findall(rf"(?<![\w/])(?:{pattern})(?![\w/])", formula))


@pytest.mark.parametrize("variant", VARIANTS[:8], ids=lambda v: v.fingerprint)
def test_rules_follow_the_traces_rows_and_formulas(variant):
    trace = variant.solution
    rows = steps(trace)
    found = rules(trace)
    assert [(r.step, r.name, r.formula) for r in found] == [(s, n, f) for s, n, f, _ in rows]
    names = set(given_values(trace)) | {n for _, n, _, _ in rows}
    for rule, (_, name, formula, _) in zip(found, rows):
        if rule.step == "result":          # "a2 after the update": prose, not a formula of names
            continue
        assert _symbols(formula, names) == set(rule.inputs), (name, formula, rule.inputs)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.fingerprint)
def test_each_rule_on_the_traces_values_gives_the_traces_value(variant):
    trace = variant.solution
    values = {**given_values(trace), **trace.values()}
    for rule in rules(trace):
        np.testing.assert_allclose(rule(values), values[rule.name], rtol=0, atol=1e-15, err_msg=rule.name)


def test_the_rules_work_for_other_small_networks_too():
    net = Network([3, 4, 2, 1], seed=5, activation="tanh")
    trace = record_trace(net, [0.5, -1.0, 2.0], [1.0], 0.3)
    values = {**given_values(trace), **trace.values()}
    assert [r.name for r in rules(trace)][:6] == ["z1", "a1", "z2", "a2", "z3", "a3"]
    for rule in rules(trace):
        np.testing.assert_allclose(rule(values), values[rule.name], rtol=0, atol=1e-14, err_msg=rule.name)
    softmax = record_trace(Network([2, 3], loss="softmax_cross_entropy", seed=1), [1.0, 2.0], [1.0, 0.0, 0.0])
    with pytest.raises(ConfigError, match="elementwise activations"):
        rules(softmax)


def test_a_trace_holding_other_values_and_its_formulas():
    trace = guide_variant().solution
    assert with_values(trace, trace.values()).values().keys() == trace.values().keys()
    for name, value in with_values(trace, trace.values()).values().items():
        np.testing.assert_array_equal(value, trace.values()[name])
    mine = dict(trace.values(), a1=np.array([0.6, 0.7]))
    results = {r.name: r({**given_values(trace), **mine}) for r in rules(trace)}
    lines = formula_lines(trace, mine, results)
    # lab's formula text with the learner's a1 plugged in, and what it gives after the last "="
    assert lines["z2"] == ("z2[0] = W2[0,0] × a1[0] + W2[0,1] × a1[1] + b2[0] = 0.5000 × 0.6000 + 0.6000 × 0.7000 "
                           "+ 0.0300 = 0.7500",)
    assert lines["dL/dW2"][1].startswith("dL/dW2[0,1] = delta2[0] × a1[1] = 0.2960 × 0.7000 = ")

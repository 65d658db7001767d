"""The diagnostics in parts: detectors are plain functions from numbers to ``Finding`` records, worded by texts.py."""
import numpy as np
import pytest

from chainrule import Network
from chainrule.findings import Finding
from chainrule.training import History, fit
from chainrule.training.diagnostics import curve, layers, learning, texts


def test_a_plateau_after_a_fall():
    # fell from 1.0 to 0.5, then moved 0.2% over the last 5 epochs
    found = curve.plateau([1.0, 0.7, 0.5010, 0.5008, 0.5006, 0.5004, 0.5002, 0.5000], epoch=6, window=5,
                          threshold=0.01, accuracy=0.9, n=100)
    assert isinstance(found, Finding) and (found.kind, found.severity, found.epoch) == ("plateau", "info", 6)
    assert found.evidence == {"window": 5, "loss_before": 0.501, "loss_now": 0.5, "relative_drop": pytest.approx(0.001996, rel=1e-3)}
    assert found.seen == ("Over the last 5 epochs the loss on 100 training examples went from 0.501 to 0.5 (-0.20%), "
                          "after falling from 1; training accuracy is 90.0%.")
    assert curve.plateau([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], 6, 5, 0.01, None, 100) is None   # never fell


def test_vanishing_gradients_blame_zero_inputs_on_the_data():
    found = layers.vanishing_gradients([0.0, 2.5], epoch=0, X_probe=np.zeros((4, 3)))
    assert [(f.kind, f.layer, f.evidence) for f in found] == [
        ("vanishing_gradients", 1, {"grad_norm": 0.0, "largest_grad_norm": 2.5})]
    assert found[0].cause.startswith("every input value is 0")
    dying = layers.vanishing_gradients([0.0, 2.5], epoch=0, X_probe=np.ones((4, 3)))
    assert dying[0].cause.startswith("the error signal dies on its way back")


def test_not_learning_takes_the_cause_and_advice_of_the_first_problem_upstream():
    upstream = texts.finding("symmetric_units", "equal_start", epoch=0, layer=1, evidence={"units": 4},
                             activation="sigmoid")
    output = {"saturated": 0.0}
    found = learning.not_learning([0.25, 0.25, 0.25], baseline=0.25, earlier=[upstream], output=output,
                                  grad_norms=[0.0, 0.0], epoch=1, lr=0.5, n=8, final=False)
    assert (found.cause, found.advice) == (upstream.cause, upstream.advice)
    assert found.seen.endswith("; every weight gradient is exactly 0; the loss has not changed at all since the last "
                               "epoch.")
    assert learning.not_learning([0.3, 0.1], 0.25, [], output, [1.0], 0, 0.5, 8, final=True) is None   # learning


def test_the_kinds_are_the_documented_ones_and_advice_is_keyed_by_cause():
    kinds = {kind for kind, _ in texts.WORDINGS}
    assert kinds == {"unnormalized_inputs", "diverged", "loss_rising", "loss_oscillating", "saturated", "dead_relu",
                     "symmetric_units", "vanishing_gradients", "not_learning", "plateau", "overfitting"}
    for (kind, variant), wording in texts.WORDINGS.items():
        assert wording.severity in ("error", "warning", "info")
        assert set(wording.advice) <= set(wording.causes), (kind, variant)


def test_a_run_records_finding_records_and_an_old_history_file_still_reads():
    X = np.random.default_rng(0).random((64, 4)) * 255
    history = fit(Network([4, 3], seed=0), X, np.eye(3)[np.arange(64) % 3], epochs=2, learning_rate=0.1,
                  diagnostics="quiet")
    assert history.findings and all(isinstance(f, Finding) for f in history.findings)
    assert History.from_json(history.to_json()).findings == history.findings
    old = ('{"train_loss": [0.5], "findings": [{"kind": "plateau", "severity": "info", "title": "t", "epoch": 0, '
           '"layer": null, "message": "what was seen", "cause": "c", "advice": "a", "evidence": {"window": 5}}]}')
    (finding,) = History.from_json(old).findings
    assert isinstance(finding, Finding) and finding.seen == "what was seen" and finding["message"] == "what was seen"

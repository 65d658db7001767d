"""The Finding record: what a diagnosis says, kept JSON-ready, read back field for field."""
import dataclasses
import json

import numpy as np
import pytest

from chainrule.findings import SEVERITIES, Finding, plain


def saturated():
    return Finding(kind="saturated", severity="warning", title="Saturated units in layer 1",
                   seen="58% of the activations of layer 1 are saturated", cause="large weights",
                   advice="scale the inputs", reread="Section 2", epoch=0, layer=1, line=None,
                   evidence={"fraction": np.float64(0.58), "units": np.int64(12), "shape": (4, 3),
                             "norms": [np.float32(0.5), float("inf")], 3: {"nested": float("nan")}})


def test_evidence_is_made_json_ready_without_losing_a_number():
    finding = saturated()
    assert finding.evidence == {"fraction": 0.58, "units": 12, "shape": [4, 3], "norms": [0.5, "inf"],
                                "3": {"nested": "nan"}}
    assert type(finding.evidence["fraction"]) is float and type(finding.evidence["units"]) is int
    assert json.loads(json.dumps(finding.to_dict(), allow_nan=False)) == finding.to_dict()


def test_to_dict_has_every_field_and_from_dict_reads_it_back():
    finding = saturated()
    data = finding.to_dict()
    assert list(data) == [f.name for f in dataclasses.fields(Finding)]
    assert data["kind"] == "saturated" and data["layer"] == 1 and data["epoch"] == 0 and data["line"] is None
    assert Finding.from_dict(data) == finding
    assert Finding.from_dict(dict(data, written_by="a newer chainrule")) == finding     # unknown keys: ignored


def test_severity_is_one_of_three():
    assert SEVERITIES == ("error", "warning", "info")
    for severity in SEVERITIES:
        assert Finding(kind="k", severity=severity, title="t").severity == severity
    with pytest.raises(ValueError) as caught:
        Finding(kind="k", severity="fatal", title="t")
    assert str(caught.value) == "severity must be one of error, warning, info, got 'fatal'"


def test_a_finding_is_frozen_and_defaults_to_empty_text():
    finding = Finding(kind="k", severity="info", title="t")
    assert (finding.seen, finding.cause, finding.advice, finding.reread) == ("", "", "", "")
    assert (finding.epoch, finding.layer, finding.line, finding.evidence) == (None, None, None, {})
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.title = "other"


@pytest.mark.parametrize("value, expected", [
    (np.float64(1.5), 1.5), (np.int32(-3), -3), (np.bool_(True), True), (np.array(2.5), 2.5),
    (float("-inf"), "-inf"), (np.float64("nan"), "nan"), ((1, (2, 3)), [1, [2, 3]]), ("text", "text"),
    (None, None), (7, 7), (np.arange(3), np.arange(3)),       # an array (not a scalar) is left as it is
])
def test_plain(value, expected):
    got = plain(value)
    if isinstance(expected, np.ndarray):
        assert got is value
    else:
        assert got == expected and type(got) is type(expected)


def test_plain_leaves_other_objects_with_an_item_method_alone():
    class Basket:
        def item(self):
            return "not a NumPy scalar"
    basket = Basket()
    assert plain(basket) is basket and plain({"b": basket})["b"] is basket


def test_a_finding_reads_like_the_dict_training_findings_were():
    finding = saturated()
    assert finding["kind"] == "saturated" and finding["evidence"]["fraction"] == 0.58
    assert finding["message"] == finding["seen"] == "58% of the activations of layer 1 are saturated"
    assert finding.get("layer") == 1 and finding.get("nothing") is None and finding.get("nothing", 0) == 0
    assert "message" in finding and "cause" in finding and "nothing" not in finding
    with pytest.raises(KeyError):
        finding["nothing"]


def test_from_dict_reads_message_as_seen():
    old = {"kind": "plateau", "severity": "info", "title": "The loss has levelled off", "epoch": 4, "layer": None,
           "message": "Over the last 5 epochs ...", "cause": "c", "advice": "a", "evidence": {"window": 5}}
    finding = Finding.from_dict(old)
    assert finding.seen == "Over the last 5 epochs ..." and finding.evidence == {"window": 5}
    assert Finding.from_dict(dict(old, seen="newer")).seen == "newer"

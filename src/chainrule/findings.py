"""One record for everything chainrule diagnoses.

A training run's diagnostics ("the loss is flat from the start: saturated units in layer 1") and
``chainrule check``'s diagnoses of a learner's code ("gradients exactly n times too large: the 1/n of the
mean is dropped") say the same kinds of things: what was seen, with the numbers; the likely cause; what to
do; where in the guide to reread. A ``Finding`` holds them, so the console, the HTML pages and JSON files
show both the same way.

Detection and wording are kept apart: a detector measures and returns the ``kind`` and its ``evidence``
(numbers, JSON-ready); the text fields are filled in from a catalogue of wordings keyed by ``kind``.

    Finding(kind="saturated", severity="warning", title="Saturated units in layer 1",
            seen="58% of the activations of layer 1 ... are saturated", cause="...", advice="...",
            epoch=0, layer=1, evidence={"fraction": 0.58})
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, Mapping, Optional

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """What was found, why, and what to do about it.

    kind      stable machine name ("dropped_mean", "saturated"): what tests, gradebooks and JSON files key on
    severity  "error" (wrong, or cannot go on), "warning" (probably wrong, or workable but costly), "info"
    title     one line for a human
    seen      what was measured, with the numbers
    cause     why it happens / the likely cause
    advice    what to do: the fix, made concrete
    reread    the part of the guide to reread ("" if none)
    epoch     0-based epoch of a training run it was found in (None: before training, or not a run)
    layer     1-based layer it is about (None: not about one layer)
    line      line of the learner's file where it shows (None: no file, or not known)
    evidence  the numbers behind it, JSON-ready
    check     the check it explains ("backward", "train_epoch"; "" if none): chainrule check's
    source    the text of ``line`` in the learner's file ("" if none)
    together  kinds of the other mistakes that reproduce the learner's numbers only together with this one
    """

    kind: str
    severity: str
    title: str
    seen: str = ""
    cause: str = ""
    advice: str = ""
    reread: str = ""
    epoch: Optional[int] = None
    layer: Optional[int] = None
    line: Optional[int] = None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    check: str = ""
    source: str = ""
    together: tuple = ()

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, got {self.severity!r}")
        object.__setattr__(self, "evidence", plain(dict(self.evidence)))
        object.__setattr__(self, "together", tuple(self.together))

    def to_dict(self) -> dict:
        """A JSON-ready dict with every field (``from_dict`` reads it back)."""
        return {f.name: list(getattr(self, f.name)) if f.name == "together" else getattr(self, f.name)
                for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Finding":
        """The inverse of ``to_dict``; keys it does not know are ignored, so newer files still load. A training
        history written before this record names ``seen`` ``"message"``: it is read as ``seen``."""
        known = {f.name for f in fields(cls)}
        data = dict(data)
        if "message" in data and "seen" not in data:
            data["seen"] = data["message"]
        return cls(**{key: value for key, value in data.items() if key in known})

    def __getitem__(self, key: str) -> Any:
        """A field by name, as training histories read their findings when they were dicts:
        ``finding["kind"]``, ``finding["evidence"]["loss"]``; ``"message"`` is the old name of ``seen``."""
        name = "seen" if key == "message" else key
        if name not in FIELD_NAMES:
            raise KeyError(key)
        return getattr(self, name)

    def __contains__(self, key: object) -> bool:
        return key == "message" or key in FIELD_NAMES

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default


FIELD_NAMES = frozenset(f.name for f in fields(Finding))


def plain(value: Any) -> Any:
    """``value`` with NumPy scalars made Python numbers, tuples made lists, and non-finite floats made
    strings ("nan", "inf"): what ``json.dumps`` writes without losing or inventing anything."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value

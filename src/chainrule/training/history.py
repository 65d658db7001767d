"""``History``: what a training run measured, epoch by epoch.

Per epoch (lists, one entry each): ``train_loss`` (mean batch loss, the guide's number), ``train_accuracy``,
``val_loss``, ``val_accuracy``, ``learning_rate``, ``time`` (seconds) and ``grad_norms`` (per layer: the mean
over the epoch's batches of the weight gradient's Frobenius norm ||dL/dW||). Accuracies are ``None`` when the
targets are not classes; validation entries are ``None`` without validation data. Callbacks add their own
per-epoch series to ``metrics`` (e.g. the project runner's ``test_accuracy``).

``findings`` is a list of ``chainrule.findings.Finding`` records the diagnostics add (what went wrong, its likely
cause, the guide's advice; JSON holds them as ``Finding.to_dict()``, and a dict that is not one stays a dict);
``stop_reason`` says why training ended early (``None`` when it ran all its epochs).
"""
import json
import math

from .. import safe_json
from ..errors import ModelFileError
from ..findings import Finding

SERIES = ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "learning_rate", "time", "grad_norms")


class History:
    def __init__(self, settings=None):
        for name in SERIES:
            setattr(self, name, [])
        self.metrics = {}
        self.findings = []
        self.settings = dict(settings or {})
        self.stop_reason = None
        self.best_epoch = None

    @property
    def epochs(self):
        return len(self.train_loss)

    def __len__(self):
        return self.epochs

    def __getitem__(self, name):
        """A series by name: one of the standard ones or a callback's metric."""
        if name in SERIES:
            return getattr(self, name)
        if name in self.metrics:
            return self.metrics[name]
        raise KeyError(f"no series {name!r} in this history; it has {', '.join(self.series_names())}")

    def series_names(self):
        return list(SERIES) + list(self.metrics)

    def append(self, **values):
        """Record one epoch: every standard series gets a value (``None`` when missing)."""
        for name in SERIES:
            getattr(self, name).append(values.get(name))

    def add_metric(self, name, value):
        """Record a callback's value for the epoch being finished."""
        series = self.metrics.setdefault(name, [])
        series.extend([None] * (self.epochs - 1 - len(series)))
        series.append(value)

    def last(self, name):
        series = self[name]
        return series[-1] if series else None

    def to_dict(self):
        data = {name: list(getattr(self, name)) for name in SERIES}
        data["metrics"] = {name: list(values) for name, values in self.metrics.items()}
        data.update(findings=[f.to_dict() if isinstance(f, Finding) else f for f in self.findings],
                    settings=self.settings,
                    stop_reason=self.stop_reason, best_epoch=self.best_epoch, epochs=self.epochs)
        return _jsonable(data)

    @classmethod
    def from_dict(cls, data):
        history = cls(data.get("settings"))
        for name in SERIES:
            setattr(history, name, list(data.get(name, [])))
        history.metrics = {name: list(values) for name, values in data.get("metrics", {}).items()}
        history.findings = [_finding(f) for f in data.get("findings", [])]
        history.stop_reason = data.get("stop_reason")
        history.best_epoch = data.get("best_epoch")
        return history

    def to_json(self, indent=None):
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    @classmethod
    def from_json(cls, text, source="the history JSON"):
        """A history from its JSON text (size and depth checked: ``safe_json``); ``ModelFileError`` naming
        ``source`` when the text is not a history."""
        data = safe_json.loads(text, source, ModelFileError)
        try:
            if not isinstance(data, dict):
                raise TypeError(f"a history is a JSON object, got {type(data).__name__}")
            return cls.from_dict(data)
        except (AttributeError, TypeError, ValueError) as exc:
            raise ModelFileError(f"{source} is not a chainrule history ({exc})") from None

    def __repr__(self):
        last = f", last train_loss={self.train_loss[-1]:.6g}" if self.train_loss else ""
        return f"History({self.epochs} epochs{last})"


def _finding(data):
    """A finding read back: a ``Finding`` when it is one (findings written before the record was shared name
    ``seen`` ``"message"``), else as it was written."""
    if isinstance(data, dict) and all(isinstance(data.get(key), str) for key in ("kind", "severity", "title")):
        try:
            return Finding.from_dict(data)
        except (TypeError, ValueError):
            pass
    return data


def _jsonable(value):
    """NumPy scalars to Python numbers, NaN/inf to None (JSON has neither)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        value = value.item()
    if hasattr(value, "tolist"):
        return _jsonable(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value

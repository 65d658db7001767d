"""The records of ``records.py`` as lines of JSON, for the pipe between the learner's process and chainrule's:
dataclasses tagged with their name, NumPy arrays with their dtype and shape, non-finite floats by name."""
from __future__ import annotations

import dataclasses
import json
import math

import numpy as np

from . import records

_TYPES = {name: obj for name, obj in vars(records).items()
          if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == records.__name__}


def _encode(obj):
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        data = {"@": type(obj).__name__}
        for f in dataclasses.fields(obj):
            data[f.name] = _encode(getattr(obj, f.name))
        return data
    if isinstance(obj, np.ndarray):
        return {"@": "nd", "dtype": obj.dtype.str, "shape": list(obj.shape),
                "data": [_float(v) for v in obj.ravel().tolist()]}
    if isinstance(obj, dict):
        return {"@": "dict", "items": [[k, _encode(v)] for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        return [_encode(v) for v in obj]
    if isinstance(obj, np.generic):
        return _float(obj.item())
    return _float(obj)


def _float(v):
    if isinstance(v, float) and not math.isfinite(v):
        return {"@": "float", "v": repr(v)}
    return v


def _decode(data):
    if isinstance(data, list):
        return [_decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    tag = data.get("@")
    if tag == "nd":
        values = [float(v["v"]) if isinstance(v, dict) else v for v in data["data"]]
        return np.array(values, dtype=np.dtype(data["dtype"])).reshape(data["shape"])
    if tag == "float":
        return float(data["v"])
    if tag == "dict":
        return {k: _decode(v) for k, v in data["items"]}
    cls = _TYPES[tag]
    kwargs = {f.name: _decode(data[f.name]) for f in dataclasses.fields(cls) if f.name in data}
    return cls(**kwargs)


def dumps(record) -> str:
    """One line of JSON for a record (or a request)."""
    return json.dumps(_encode(record), separators=(",", ":"))


def loads(line: str):
    """The record a ``dumps`` line holds."""
    return _decode(json.loads(line))


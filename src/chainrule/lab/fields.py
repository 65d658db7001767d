"""Reading one field of a request: a number, a whole number, a name, a vector or a matrix of the right shape.

Every reader names the field, says what was expected and what came, and raises from chainrule's exception
family (``ConfigError`` for settings, ``ShapeError`` for shapes, ``InputValueError`` for values), so a
request the lab refuses gets the same kind of message as a bad argument to ``Network``.
"""
import math

import numpy as np

from ..errors import ConfigError, InputValueError, ShapeError

#: the largest magnitude a weight, bias, input or target may have: far beyond anything training a small
#: network produces, small enough that z = W a + b stays finite for every network the lab draws
MAX_ABS = 1e6


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def describe(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def number(value, name, low=None, high=None, low_open=False):
    """A finite real number (not a bool, not a string) within ``[low, high]`` (``(low, high]`` with
    ``low_open``)."""
    if not _is_number(value):
        raise InputValueError(f"{name} must be a number, got {describe(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise InputValueError(f"{name} must be finite, got {value}")
    too_low = low is not None and (value <= low if low_open else value < low)
    if too_low or (high is not None and value > high):
        left = "(" if low_open else "["
        raise InputValueError(f"{name} must be in {left}{low:g}, {high:g}], got {value:g}")
    return value


def whole(value, name, low, high):
    """A whole number (an int, or a float that is one) within ``[low, high]``."""
    if not _is_number(value) or (isinstance(value, float) and not value.is_integer()):
        raise ConfigError(f"{name} must be a whole number, got {describe(value)}")
    value = int(value)
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def name_in(value, name, choices):
    """One of ``choices`` (strings)."""
    if not isinstance(value, str) or value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {describe(value)}")
    return value


def vector(value, name, length):
    """A list of ``length`` finite numbers, each at most ``MAX_ABS`` in size, as a float64 array."""
    if not isinstance(value, list):
        raise ShapeError(f"{name} must be a list of {length} numbers, got {describe(value)}")
    if len(value) != length:
        raise ShapeError(f"{name} must hold {length} number(s), got {len(value)}")
    return np.array([number(v, f"{name}[{i}]", -MAX_ABS, MAX_ABS) for i, v in enumerate(value)], dtype=np.float64)


def matrix(value, name, rows, columns):
    """A list of ``rows`` lists of ``columns`` numbers, as a float64 array of shape (rows, columns)."""
    if not isinstance(value, list) or len(value) != rows:
        got = f"{len(value)} row(s)" if isinstance(value, list) else describe(value)
        raise ShapeError(f"{name} must be a list of {rows} row(s) of {columns} number(s), got {got}")
    out = np.empty((rows, columns), dtype=np.float64)
    for j, row in enumerate(value):
        if not isinstance(row, list) or len(row) != columns:
            got = f"{len(row)} number(s)" if isinstance(row, list) else describe(row)
            raise ShapeError(f"{name}[{j}] must be a row of {columns} number(s), got {got}")
        for i, v in enumerate(row):
            out[j, i] = number(v, f"{name}[{j},{i}]", -MAX_ABS, MAX_ABS)
    return out


def only_keys(data, name, allowed, required=()):
    """``data`` is a dict whose keys are among ``allowed`` and include ``required``."""
    if not isinstance(data, dict):
        raise ConfigError(f"{name} must be a JSON object, got {describe(data)}")
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ConfigError(f"{name} has unknown key(s) {', '.join(unknown)}; known keys: {', '.join(sorted(allowed))}")
    missing = [key for key in required if key not in data]
    if missing:
        raise ConfigError(f"{name} is missing {', '.join(missing)}")
    return data

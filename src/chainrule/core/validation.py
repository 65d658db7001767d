"""Checks made once, at the boundary: wrong shapes and non-finite values get a clear error."""
import numpy as np

from ..errors import ConfigError, InputValueError, ShapeError


def as_float_array(value, name, dtype=np.float64):
    """Convert ``value`` to a floating array, rejecting NaN/inf with a message naming ``name``."""
    try:
        array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise InputValueError(f"{name} must be numeric, got {type(value).__name__}: {exc}") from None
    check_finite(array, name)
    return array


def check_finite(array, name):
    if not np.all(np.isfinite(array)):
        bad = ~np.isfinite(array)
        where = tuple(int(i) for i in np.argwhere(bad)[0]) if array.ndim else ()
        kind = "NaN" if np.isnan(array[where] if array.ndim else array) else "inf"
        raise InputValueError(
            f"{name} contains {int(bad.sum())} non-finite value(s) ({kind} first at index {where}); "
            f"clean or impute the data before training"
        )


def check_same_shape(predictions, targets, pred_name="predictions", target_name="targets"):
    if predictions.shape != targets.shape:
        hint = ""
        if predictions.ndim != targets.ndim and predictions.size == targets.size:
            hint = f" (reshape {target_name} with .reshape({predictions.shape}) if that is what you mean)"
        raise ShapeError(
            f"{target_name} has shape {targets.shape} but {pred_name} has shape {predictions.shape}; "
            f"they must match exactly, chainrule never broadcasts them{hint}"
        )


def check_input(x, n_in, name="x"):
    """An input is one example ``(n_in,)`` or a batch ``(batch, n_in)``."""
    if x.ndim not in (1, 2) or x.shape[-1] != n_in:
        raise ShapeError(
            f"{name} must have shape ({n_in},) for one example or (batch, {n_in}) for a batch, "
            f"got {x.shape}"
        )
    if x.ndim == 2 and x.shape[0] == 0:
        raise ShapeError(f"{name} is an empty batch (shape {x.shape})")


def check_positive(value, name, integer=False):
    kind = int if integer else float
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ConfigError(f"{name} must be a positive number, got {value!r}")
    if integer and int(value) != value:
        raise ConfigError(f"{name} must be a whole number, got {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise ConfigError(f"{name} must be > 0, got {value!r}")
    return kind(value)

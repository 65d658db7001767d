"""Checks made once, at the boundary: wrong shapes, wrong kinds of numbers, non-finite values and
absurd settings get a clear error from the ``ChainruleError`` family.

Every public entry point hands what it was given to one of these helpers, in one line:

- arrays: ``numeric_array`` (real numbers only: complex, object, string, bool and masked arrays are
  refused, naming the argument and what came), ``as_float_array`` (that, converted and finite),
  ``fresh_float_array`` (that, never sharing memory with the caller's array);
- settings: ``check_seed``, ``check_dtype``, ``check_layer_sizes`` (whole numbers, and the parameters
  within the memory budget of ``chainrule.limits``), ``check_positive``;
- sizes a setting controls, checked against the budget before allocating: ``one_hot_matrix`` (rows x
  classes), ``check_epochs`` (the history a run keeps), ``check_batch_arrays`` (a batch's largest layer);
- a network's parameters replaced from outside (``net.weights[i] = ...``): ``check_parameters``.
"""
import numpy as np

from ..errors import ConfigError, InputValueError, ShapeError
from ..limits import DEFAULT_MAX_MEMORY, check_allocation, check_network, check_shape
from ..limits import max_memory as _max_memory

#: the largest seed NumPy's RandomState takes (seeds are 32-bit)
MAX_SEED = 2 ** 32 - 1


def numeric_array(value, name):
    """``value`` as a NumPy array of real numbers (integer or floating, dtype kept as given).

    Refused with an ``InputValueError`` naming ``name``: masked arrays (converting would silently drop
    the mask), complex numbers (the imaginary part would be dropped), booleans, strings, objects and
    ragged lists (none of them are numbers the math can take)."""
    refuse_masked(value, name)
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise InputValueError(f"{name} must be numeric, got {type(value).__name__}: {exc}") from None
    kind = array.dtype.kind
    if kind in "iuf":
        return array
    if kind == "O":
        odd = [v for v in array.ravel()[:1000] if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating))][:1]
        what = (f"an object array holding {repr(odd[0])[:40]} (a {type(odd[0]).__name__})" if odd else
                "an object array (dtype object) of Python numbers; convert it with np.asarray(..., dtype=float)")
        raise InputValueError(f"{name} must hold real numbers, got {what}")
    what = {"c": "complex numbers", "b": "booleans (True/False)", "U": "strings", "S": "bytes", "M": "dates",
            "m": "time spans"}.get(kind, "non-numbers")
    hint = {"c": "; pass the real part (.real) or the magnitude (abs) if that is what you mean",
            "b": f"; convert them if that is what you mean ({name}.astype(float), or .astype(int) for "
                 f"class labels)"}.get(kind, "")
    raise InputValueError(f"{name} must hold real numbers, got {what} (dtype {array.dtype}){hint}")


def refuse_masked(value, name):
    """A masked array is refused (``np.asarray`` would silently drop its mask and use the hidden values)."""
    if isinstance(value, np.ma.MaskedArray):
        raise InputValueError(f"{name} is a masked array; chainrule would silently use the hidden values, so "
                              f"fill them first ({name}.filled(value)) or drop those rows")


def as_float_array(value, name, dtype=np.float64):
    """Convert ``value`` to a floating array, rejecting what is not real numbers (``numeric_array``) and
    NaN/inf with a message naming ``name``. The result may be ``value`` itself (no copy when it already
    is an array of ``dtype``)."""
    array = numeric_array(value, name).astype(dtype, copy=False)
    check_finite(array, name)
    return array


def fresh_float_array(value, name, dtype=np.float64):
    """``as_float_array``, but never an array sharing memory with ``value``: what is kept from it (a
    network's saved input) cannot change when the caller later changes their array."""
    array = as_float_array(value, name, dtype)
    if array is value or not array.flags.owndata:   # the caller's array, a view of it or of their buffer
        array = array.copy()
    return array


def parameter_array(value, name, dtype):
    """A weight or bias handed in from outside (``set_weights``, ``from_torch``): real, finite numbers
    converted to the network's ``dtype``, checked as ``load_model`` checks a file's."""
    array = numeric_array(value, name).astype(dtype, copy=False)
    check_finite(array, name, hint="a network with NaN or inf parameters computes NaN; only finite weights are "
                                   "accepted (as load_model accepts)")
    return array


def check_finite(array, name, hint="clean or impute the data before training"):
    if array.size < 4096:
        if np.isfinite(array).all():
            return
    else:   # without a boolean copy of a large array: a NaN or inf anywhere makes the sum NaN or inf
        with np.errstate(over="ignore", invalid="ignore"):
            total = np.add.reduce(array, axis=None)
        if np.isfinite(total) or np.isfinite(array).all():   # (or only the sum itself overflowed)
            return
    bad = ~np.isfinite(array)
    where = tuple(int(i) for i in np.argwhere(bad)[0]) if array.ndim else ()
    kind = "NaN" if np.isnan(array[where] if array.ndim else array) else "inf"
    raise InputValueError(
        f"{name} contains {int(bad.sum())} non-finite value(s) ({kind} first at index {where}); {hint}"
    )


def _whole_number(value):
    """An ``int`` for Python/NumPy integers (not bool), else None."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        return None
    return int(value)


def check_seed(seed, name="seed"):
    """A seed for NumPy's generators: a whole number in 0 .. 2**32 - 1 (not a bool, not a float)."""
    number = _whole_number(seed)
    if number is None or not 0 <= number <= MAX_SEED:
        raise ConfigError(f"{name} must be a whole number from 0 to {MAX_SEED:,} (2**32 - 1), got {seed!r}")
    return number


def check_dtype(dtype, name="dtype"):
    """float32 or float64 (a NumPy dtype, type or name) -> ``np.dtype``."""
    try:
        result = np.dtype(dtype)
    except (TypeError, ValueError):
        result = None
    if dtype is None or isinstance(dtype, bool) or result not in (np.float32, np.float64):
        got = result.name if result is not None and dtype is not None and not isinstance(dtype, bool) else repr(dtype)
        raise ConfigError(f"{name} must be float32 or float64, got {got}")
    return result


def check_layer_sizes(layer_sizes, name="layer_sizes", itemsize=8):
    """Whole numbers >= 1 (not bools), at least two, whose weights and biases fit the memory budget
    (``itemsize`` bytes per parameter: the initial weights are drawn in float64) -> a list of ints."""
    try:
        given = list(layer_sizes)
    except TypeError:
        given = None
    sizes = None if given is None else [_whole_number(n) for n in given]
    if sizes is None or any(n is None for n in sizes):
        raise ConfigError(f"{name} must be a list of whole numbers such as [784, 64, 5], got {layer_sizes!r}")
    if len(sizes) < 2:
        raise ConfigError(f"{name} needs at least an input and an output size, got {sizes}")
    if any(n < 1 for n in sizes):
        raise ConfigError(f"every layer size must be a whole number >= 1, got {sizes}")
    check_network(sizes, "the network", ConfigError, itemsize)
    return sizes


def one_hot_matrix(labels, n_classes, dtype, name="labels"):
    """One-hot rows ``(len(labels), n_classes)`` for integer ``labels`` already known to be in range,
    after checking the matrix fits the memory budget (and without ``np.eye(n_classes)``, which alone
    would take n_classes**2 numbers)."""
    labels = np.asarray(labels)
    dtype = np.dtype(dtype)
    check_shape(labels.shape + (int(n_classes),), dtype.itemsize,
                f"one-hot {name} ({labels.size:,} label{'s' if labels.size != 1 else ''} x {int(n_classes):,} "
                f"classes, {dtype.name})",
                ConfigError)
    rows = np.zeros(labels.shape + (int(n_classes),), dtype)
    np.put_along_axis(rows, labels[..., None].astype(np.intp, copy=False), 1, axis=-1)
    return rows


def check_parameters(net):
    """The network's ``weights``/``biases`` as its layer sizes and dtype need them: arrays of the right
    shape, of the network's dtype, writable (someone may have replaced ``net.weights[i]``). Cheap: no
    pass over the values."""
    sizes, dtype, weights, biases = net.layer_sizes, net.dtype, net.weights, net.biases
    if len(weights) == len(biases) == len(sizes) - 1 and all(
            type(W) is np.ndarray and type(b) is np.ndarray and W.shape == (n_out, n_in) and b.shape == (n_out,)
            and W.dtype == dtype and b.dtype == dtype and W.flags.writeable and b.flags.writeable
            for W, b, n_in, n_out in zip(weights, biases, sizes, sizes[1:])):
        return     # the common case, in one pass; else find and name the problem
    expected = len(sizes) - 1
    for kind, arrays in (("weights", net.weights), ("biases", net.biases)):
        if len(arrays) != expected:
            raise ShapeError(f"net.{kind} holds {len(arrays)} arrays but {net!r} has {expected} layer(s)")
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        for kind, array, shape in (("weights", net.weights[i], (n_out, n_in)), ("biases", net.biases[i], (n_out,))):
            where = f"net.{kind}[{i}] (layer {i + 1})"
            if not isinstance(array, np.ndarray) or isinstance(array, np.ma.MaskedArray):
                raise ConfigError(f"{where} must be a NumPy array, got {type(array).__name__}")
            if array.shape != shape:
                raise ShapeError(f"{where} has shape {array.shape} but layer {i + 1} of {net!r} needs {shape}; "
                                 f"to change the layer sizes build a new Network")
            if array.dtype != net.dtype:
                raise ConfigError(f"{where} has dtype {array.dtype} but the network computes in {net.dtype}; "
                                  f"assign {kind}.astype(np.{net.dtype.name}) or use net.set_weights")
            if not array.flags.writeable:
                raise ConfigError(f"{where} is read-only, so training could not update it; assign a writable "
                                  f"copy (np.array(...)) or use net.set_weights")


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


#: what a training history keeps per epoch: a few floats in each of ~7 series and one gradient norm per
#: layer, ~250 bytes for a two-layer network (measured with tracemalloc, fits of 1,000 and 5,000 epochs)
HISTORY_BYTES_PER_EPOCH = 256
#: what the guide's small loops (fit-sine, overfit, lr-sweep, demo) keep per epoch or step: one Python float
#: in a list (8-byte pointer + 24-byte float)
LOSS_BYTES_PER_EPOCH = 32


def check_epochs(epochs, name="epochs", bytes_each=HISTORY_BYTES_PER_EPOCH, runs=1):
    """A whole number >= 1 whose training history (``bytes_each`` per epoch, for each of ``runs`` runs) fits
    the memory budget: 10**12 epochs are refused before the first, not after weeks."""
    epochs = check_positive(epochs, name, integer=True)
    histories = "a training history" if runs == 1 else f"{runs} training histories"
    check_allocation(epochs * bytes_each * runs, f"{histories} of {epochs:,} {name} (about {bytes_each} bytes each)",
                     ConfigError)
    return epochs


def check_batch_arrays(layer_sizes, batch, dtype):
    """The largest array a batch makes (batch x the widest layer, made per layer) within the budget."""
    if int(batch) * max(layer_sizes) * 8 <= DEFAULT_MAX_MEMORY // 8 and _max_memory() >= DEFAULT_MAX_MEMORY // 8:
        return     # far below any limit: no message to build (forward of one example calls this)
    check_shape((int(batch), max(layer_sizes)), np.dtype(dtype).itemsize,
                f"a batch of {int(batch):,} examples through a layer of {max(layer_sizes):,} units "
                f"({np.dtype(dtype).name})", ConfigError)


#: the step sizes where a float64 central difference (L(p + eps) - L(p - eps)) / (2 eps) means something:
#: below, rounding in L (about 1e-16 |L| / eps) swamps the tolerance; above, the truncation error (about eps**2
#: times the third derivative) does
GRADCHECK_EPSILON_RANGE = (1e-10, 1e-2)


def check_gradcheck_epsilon(epsilon):
    """``gradient_check``'s step: a number in ``GRADCHECK_EPSILON_RANGE`` (checked in float64)."""
    epsilon = check_positive(epsilon, "epsilon")
    low, high = GRADCHECK_EPSILON_RANGE
    if not low <= epsilon <= high:
        raise ConfigError(f"epsilon must be between {low:g} and {high:g} for a central difference in float64 "
                          f"(1e-5 to 1e-7 is usual), got {epsilon:g}: "
                          + ("the rounding error of the loss would swamp the difference" if epsilon < low
                             else "the step is too large for the difference to approximate the derivative"))
    return epsilon


def check_positive(value, name, integer=False):
    kind = int if integer else float
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ConfigError(f"{name} must be a positive number, got {value!r}")
    if integer and int(value) != value:
        raise ConfigError(f"{name} must be a whole number, got {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise ConfigError(f"{name} must be > 0, got {value!r}")
    return kind(value)

"""Using a saved model: rebuild its test set, evaluate it with pictures, classify an image file."""
import os
import warnings
from dataclasses import replace

import numpy as np

from ..data.mnist import MNIST_IMAGE_SHAPE, MNIST_PIXELS
from ..errors import ConfigError, DataError, ModelFileError, ShapeError
from ..limits import check_allocation
from ..safe_npz import check_readable_file
from ..training.evaluation import class_probabilities, evaluate
from ..training.model_io import load_model
from .plots import confusion_figure, misclassified_figure, save_figure

N_MISCLASSIFIED = 32
PIL_SIZE = MNIST_IMAGE_SHAPE[::-1]                      # PIL sizes are (width, height)
SIZE_TEXT = "x".join(map(str, MNIST_IMAGE_SHAPE))      # "28x28"


def model_classes(net):
    """What each output means: the class names stored in the model file, else its classes (the digits),
    else 0..n_out-1."""
    metadata = getattr(net, "metadata", {})
    classes = metadata.get("class_names") or metadata.get("classes")
    return list(classes) if classes else list(range(net.layer_sizes[-1]))


def model_subject(net):
    """What the model's inputs are: ``"digit"`` for a model of the guide's MNIST digits (or one whose data is
    unknown), ``"image"`` for one trained on other data (an IDX folder, an .npz) or with its own class names."""
    metadata = getattr(net, "metadata", {})
    config = metadata.get("config") or {}
    other = config.get("source", "auto") not in ("auto", "sample", "full") or bool(metadata.get("class_names"))
    return "image" if other else "digit"


ROWS = ("auto", "all", "held-out")


def _same_source(a, b):
    """Two ``--source`` values naming the same data (a keyword, or the same file or folder)."""
    if a in ("sample", "full", "auto") or b in ("sample", "full", "auto"):
        return a == b
    return os.path.realpath(os.path.expanduser(a)) == os.path.realpath(os.path.expanduser(b))


def model_test_data(net, source=None, data_dir=None, rows="auto", class_names=None):
    """The data to evaluate a saved model on, and the ``ProjectConfig`` it was trained with (its classes, names
    and split settings).

    ``rows``: ``"auto"`` is the held-out test set the model was trained against, rebuilt from the settings in its
    file, when ``source`` is ``None`` or the model's own source; on other data it is that data's official test
    split when it has one (e.g. the t10k files of an IDX folder), else all of it. ``"all"``: every example of
    ``source``; ``"held-out"``: the test part ``chainrule train`` would hold out of ``source`` (its official test
    split, else the seeded split with the model's test fraction and split seed). Only the model's classes are
    kept, renumbered as in training. ``class_names`` replaces the names stored in the model file."""
    from .run import ProjectData, prepare_data
    from .settings import ProjectConfig, parse_class_names

    if rows not in ROWS:
        raise ConfigError(f"rows must be one of {', '.join(ROWS)}, got {rows!r}")
    metadata = getattr(net, "metadata", {})
    settings = dict(metadata.get("config") or {})
    if not settings:
        if source is None:
            raise ModelFileError("this model file holds no training settings, so its test set is unknown: "
                                 "pass the data to evaluate on (--source)")
        settings = {"digits": metadata.get("classes") or list(range(net.layer_sizes[-1])),
                    "class_names": metadata.get("class_names")}
    own = source is None or ("source" in settings and _same_source(os.fspath(source), settings["source"]))
    settings.update(early_stopping=None, max_train=None, dtype=net.dtype.name)
    if source is not None:
        settings["source"] = os.fspath(source)
    if data_dir is not None:
        settings["data_dir"] = data_dir
    config = ProjectConfig.from_saved(settings, "the model file")
    if class_names is not None:
        config = replace(config, class_names=parse_class_names(class_names, config.digits))
    if config.layer_sizes[0] != net.layer_sizes[0] or len(config.digits) != net.layer_sizes[-1]:
        raise ShapeError(f"the model has {net.layer_sizes[0]} inputs and {net.layer_sizes[-1]} outputs but the "
                         f"data gives {MNIST_PIXELS} pixels and {len(config.digits)} classes {config.digits}")
    if rows == "held-out" or (rows == "auto" and own):
        data = prepare_data(config)
        if own:
            data.split += "; the model's own test set"
        return config, data
    return config, _other_data(config, rows, ProjectData)


def _other_data(config, rows, ProjectData):
    """Data that is not the model's own: its official test split (``rows="auto"``, when it has one) or all of it,
    with the model's classes only."""
    from ..data import flatten_and_scale, load_mnist, select_classes

    data = load_mnist(config.source, data_dir=config.data_dir)
    images, labels = data.images, data.labels
    if rows == "auto" and data.n_train is not None:
        images, labels = images[data.n_train:], labels[data.n_train:]
        split = (f"its official test split, {len(labels):,} examples: other data than the model's, evaluated "
                 f"on its test part")
    else:
        split = f"all {len(labels):,} examples: other data than the model's, evaluated whole"
    images, labels = select_classes(images, labels, config.digits)
    X = flatten_and_scale(images, np.dtype(config.dtype))
    empty = X[:0]
    return ProjectData(empty, np.zeros(0, dtype=np.int64), X, np.asarray(labels, dtype=np.int64),
                       source=data.source, description=data.description, split=split, n_selected=len(X))


def evaluate_model(path, source=None, data_dir=None, out_dir=None, rows="auto", class_names=None):
    """Load a model, evaluate it (``model_test_data``: on its own test set, or on other data) and write
    ``confusion_matrix.png`` and ``misclassified.png`` (next to the model unless ``out_dir``). Returns
    ``(net, evaluation, data, files)``."""
    from .naming import class_labels

    net = load_model(path)
    config, data = model_test_data(net, source, data_dir, rows=rows, class_names=class_names)
    evaluation = evaluate(net, data.X_test, data.labels_test, class_names=class_labels(config))
    out_dir = out_dir or os.path.dirname(os.fspath(path))
    names = [str(c) for c in evaluation.class_names]
    wrong = evaluation.misclassified[:N_MISCLASSIFIED]
    files = {
        "confusion_matrix": save_figure(confusion_figure(evaluation.confusion, names),
                                        os.path.join(out_dir, "confusion_matrix.png")),
        "misclassified": save_figure(misclassified_figure(
            data.X_test[wrong], [names[i] for i in evaluation.labels[wrong]],
            [names[i] for i in evaluation.predicted[wrong]], evaluation.confidence[wrong],
            n_total=len(evaluation.misclassified), noun=data.noun),
            os.path.join(out_dir, "misclassified.png")),
    }
    return net, evaluation, data, files


def read_digit_image(path, invert="auto"):
    """An image file as 784 grey levels in [0, 1], MNIST-style (white digit on black, 28x28).

    Colour is converted to grey; other sizes are resized to 28x28. ``invert="auto"`` inverts a dark digit on a
    light background (most drawings), judged by the border pixels. Returns ``(x, inverted)``. The image's size
    is read from its header and checked against the memory budget (``chainrule.limits``) before it is decoded."""
    from PIL import Image, UnidentifiedImageError

    label = f"image file {os.fspath(path)!r}"
    check_readable_file(path, label, DataError)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)   # the budget below decides
            image = Image.open(path)
        with image:
            image.draft("L", PIL_SIZE)             # JPEG: decode at the smallest scale >= 28x28
            width, height = image.size
            # decoded, PIL keeps up to 4 bytes per pixel (RGB as RGBX, 32-bit modes), plus 1 for the grey copy
            check_allocation(width * height * 5, f"decoding the {width}x{height} {label}", DataError)
            grey = image.convert("L")
            if grey.size != PIL_SIZE:
                grey = grey.resize(PIL_SIZE, Image.LANCZOS)
            pixels = np.asarray(grey, dtype=np.float64) / 255.0
    except DataError:
        raise
    except Image.DecompressionBombError as exc:
        raise DataError(f"cannot read {label} as a digit image: {exc} (a digit needs only {SIZE_TEXT} pixels: scale "
                        f"it down first)") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise DataError(f"cannot read {label} as an image: {exc}") from None
    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    inverted = bool(border.mean() > 0.5) if invert == "auto" else bool(invert)
    if inverted:
        pixels = 1.0 - pixels
    return pixels.reshape(MNIST_PIXELS), inverted


def predict_image(net, path, invert="auto"):
    """Classify an image file: ``(predicted class name, confidence, {class: probability}, inverted)``."""
    if net.layer_sizes[0] != MNIST_PIXELS:
        raise ShapeError(f"the model takes {net.layer_sizes[0]} inputs, not a {SIZE_TEXT} image ({MNIST_PIXELS} "
                         "pixels)")
    x, inverted = read_digit_image(path, invert)
    x = x.astype(net.dtype)
    probabilities = class_probabilities(net, x[None, :])[0]
    classes = model_classes(net)
    best = int(np.argmax(probabilities))
    return classes[best], float(probabilities[best]), dict(zip(classes, probabilities.tolist())), inverted

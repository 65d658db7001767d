"""Using a saved model: rebuild its test set, evaluate it with pictures, classify an image file."""
import os
import warnings

import numpy as np

from ..data.mnist import MNIST_IMAGE_SHAPE, MNIST_PIXELS
from ..errors import DataError, ModelFileError, ShapeError
from ..limits import check_allocation
from ..safe_npz import check_readable_file
from ..training.evaluation import class_probabilities, evaluate
from ..training.model_io import load_model
from .plots import confusion_figure, misclassified_figure, save_figure

N_MISCLASSIFIED = 32
PIL_SIZE = MNIST_IMAGE_SHAPE[::-1]                      # PIL sizes are (width, height)
SIZE_TEXT = "x".join(map(str, MNIST_IMAGE_SHAPE))      # "28x28"


def model_classes(net):
    """What each output means: the digits stored in the model file, else 0..n_out-1."""
    classes = getattr(net, "metadata", {}).get("classes")
    return list(classes) if classes else list(range(net.layer_sizes[-1]))


def model_test_data(net, source=None, data_dir=None):
    """The held-out test set a project model was trained against, rebuilt from the settings in its file
    (same data source, digits, split seed and fraction); ``source`` evaluates on other data instead."""
    from .run import prepare_data
    from .settings import ProjectConfig

    settings = dict(getattr(net, "metadata", {}).get("config") or {})
    if not settings:
        if source is None:
            raise ModelFileError("this model file holds no training settings, so its test set is unknown: "
                                 "pass the data to evaluate on (--source)")
        settings = {"digits": model_classes(net)}
    settings.update(early_stopping=None, max_train=None, dtype=net.dtype.name)
    if source is not None:
        settings["source"] = os.fspath(source)
    if data_dir is not None:
        settings["data_dir"] = data_dir
    config = ProjectConfig.from_saved(settings, "the model file")
    if config.layer_sizes[0] != net.layer_sizes[0] or len(config.digits) != net.layer_sizes[-1]:
        raise ShapeError(f"the model has {net.layer_sizes[0]} inputs and {net.layer_sizes[-1]} outputs but the "
                         f"data gives {MNIST_PIXELS} pixels and {len(config.digits)} digits {config.digits}")
    return config, prepare_data(config)


def evaluate_model(path, source=None, data_dir=None, out_dir=None):
    """Load a model, evaluate it on its test set and write ``confusion_matrix.png`` and ``misclassified.png``
    (next to the model unless ``out_dir``). Returns ``(net, evaluation, data, files)``."""
    net = load_model(path)
    config, data = model_test_data(net, source, data_dir)
    evaluation = evaluate(net, data.X_test, data.labels_test, class_names=config.digits)
    out_dir = out_dir or os.path.dirname(os.fspath(path))
    names = [str(c) for c in evaluation.class_names]
    wrong = evaluation.misclassified[:N_MISCLASSIFIED]
    files = {
        "confusion_matrix": save_figure(confusion_figure(evaluation.confusion, names),
                                        os.path.join(out_dir, "confusion_matrix.png")),
        "misclassified": save_figure(misclassified_figure(
            data.X_test[wrong], [names[i] for i in evaluation.labels[wrong]],
            [names[i] for i in evaluation.predicted[wrong]], evaluation.confidence[wrong],
            n_total=len(evaluation.misclassified)),
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

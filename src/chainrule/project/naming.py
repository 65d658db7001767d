"""What the project calls its data and its classes: the guide's "MNIST digits 0-4", or for other data (an IDX
folder, an .npz) its file's name, "classes" and the ``--class-names`` when given. ``data`` is a ``ProjectData``
(its ``mnist`` says which)."""
import os

from .settings import format_digits


def class_labels(config):
    """What each output is called: the ``class_names`` when given, else the class numbers."""
    return list(config.class_names) if config.class_names else list(config.digits)


def data_title(config, data):
    """``MNIST digits 0-4``, or for other data ``fashion.npz: classes 0-4``."""
    if data.mnist:
        return f"MNIST digits {format_digits(config.digits)}"
    return f"{os.path.basename(os.path.normpath(config.source))}: classes {format_digits(config.digits)}"


def classes_line(config, data):
    """``Digits 0-4`` (the guide's project) or ``Classes 0-2 (T-shirt, Trouser, Pullover)``."""
    what = "Digits" if data.mnist else "Classes"
    names = f" ({', '.join(config.class_names)})" if config.class_names else ""
    return f"{what} {format_digits(config.digits)}{names}"

"""Save a trace animation as GIF or HTML, chosen by the file's extension."""
import os

from ..errors import ConfigError
from .animate_gif import save_gif
from .animate_html import save_html


def animation_format(path):
    """``"gif"`` or ``"html"`` from the file name; anything else is a ConfigError."""
    extension = os.path.splitext(os.fspath(path))[1].lower()
    if extension == ".gif":
        return "gif"
    if extension in (".html", ".htm"):
        return "html"
    raise ConfigError(f"an animation is saved as .gif or .html, got {os.fspath(path)!r}")


def save_animation(trace, path):
    """Write the animation of ``trace`` to ``path`` (.gif or .html); returns the number of frames."""
    if animation_format(path) == "gif":
        return save_gif(trace, path)
    return save_html(trace, path)

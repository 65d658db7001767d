"""The trace animation as one self-contained HTML page: inline SVG drawing, CSS and JavaScript, no network.

The page (template ``trace_player.html``) has play/pause/step controls, a slider, arrow keys, and deep links:
``page.html#step=5`` opens step 5, ``#play`` starts playing, ``#press=next,next`` presses buttons on load.
"""
import html
import json
from importlib import resources

from ..files import atomic_write_text
from .trace_frames import player_data


def render_html(trace, title=None, data=None):
    """The player page for ``trace``, as a string."""
    data = player_data(trace) if data is None else data
    sizes = " \u2192 ".join(map(str, trace.layer_sizes))
    title = title or f"Backpropagation, step by step: a {sizes} network"
    subtitle = (f"One training step ({trace.loss_name} loss, learning rate {trace.learning_rate:g}). "
                f"Every number is what chainrule's layers computed.")
    template = resources.files(__package__).joinpath("trace_player.html").read_text(encoding="utf-8")
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    return (template.replace("__TITLE__", html.escape(title))
            .replace("__SUBTITLE__", html.escape(subtitle))
            .replace("__DATA__", payload))


def save_html(trace, path, title=None):
    """Write the player page for ``trace`` to ``path``; returns the number of frames."""
    data = player_data(trace)
    atomic_write_text(path, render_html(trace, title, data))
    return len(data["frames"])

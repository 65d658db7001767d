"""What every figure shares: matplotlib ``Figure`` objects made without pyplot, and saving atomically.

No pyplot means no global figure state and no backend switch: importing chainrule.viz leaves a notebook's
or a GUI's matplotlib set-up alone, and figures render with Agg when saved.
"""
import os
import tempfile

from matplotlib.figure import Figure

FORWARD = "#1f77b4"
BACKWARD = "#d62728"
UPDATE = "#2ca02c"
MSE_COLOR = "#ff7f0e"
CE_COLOR = "#1f77b4"


def subplots(nrows=1, ncols=1, figsize=None, **kwargs):
    """``(fig, axes)`` like ``pyplot.subplots``, for a Figure no pyplot window manager knows about."""
    fig = Figure(figsize=figsize)
    return fig, fig.subplots(nrows, ncols, **kwargs)


def _umask_mode():
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def publish(tmp, path):
    """Give ``tmp`` the mode a newly created file gets, then move it to ``path`` in one step."""
    os.chmod(tmp, _umask_mode())
    os.replace(tmp, path)


def save_figure(fig, path, dpi=100):
    """Save ``fig`` to ``path`` through a temporary file in the same folder; returns ``path``."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    suffix = os.path.splitext(path)[1] or ".png"
    fd, tmp = tempfile.mkstemp(suffix=suffix, dir=folder, prefix=".tmp-")
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=dpi)
        publish(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def write_text_atomic(path, text):
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".tmp", dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        publish(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path

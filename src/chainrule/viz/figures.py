"""What every figure shares: matplotlib ``Figure`` objects made without pyplot, and saving atomically.

No pyplot means no global figure state and no backend switch: importing chainrule.viz leaves a notebook's
or a GUI's matplotlib set-up alone, and figures render with Agg when saved.
"""
from matplotlib.figure import Figure

from ..files import save_figure  # noqa: F401  (re-exported: every viz figure is saved through it)

FORWARD = "#1f77b4"
BACKWARD = "#d62728"
UPDATE = "#2ca02c"
MSE_COLOR = "#ff7f0e"
CE_COLOR = "#1f77b4"


def subplots(nrows=1, ncols=1, figsize=None, **kwargs):
    """``(fig, axes)`` like ``pyplot.subplots``, for a Figure no pyplot window manager knows about."""
    fig = Figure(figsize=figsize)
    return fig, fig.subplots(nrows, ncols, **kwargs)

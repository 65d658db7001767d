"""What every figure shares: matplotlib ``Figure`` objects made without pyplot, and saving atomically.

No pyplot means no global figure state and no backend switch: importing chainrule.viz leaves a notebook's
or a GUI's matplotlib set-up alone, and figures render with Agg when saved.
"""
import textwrap

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


def fit_layout(fig):
    """``fig.tight_layout()``, with every axes title wrapped onto as many lines as it needs to fit the width of
    its axes, and the suptitle the width of the figure: a long title never runs into its neighbour's or off
    the figure (tests/viz/test_viz_layout.py measures the text boxes)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    titles = [(ax.title, ax) for ax in fig.axes if ax.title.get_text()]
    suptitle = getattr(fig, "_suptitle", None)
    for _ in range(3):   # wrapping moves the axes, which changes the widths: settle in a few rounds
        fig.tight_layout()
        changed = [_wrap_to(title, ax.get_window_extent(renderer).width, renderer) for title, ax in titles]
        if suptitle is not None and suptitle.get_text():
            changed.append(_wrap_to(suptitle, 0.98 * fig.bbox.width, renderer))
        if not any(changed):
            return
    fig.tight_layout()


def _wrap_to(text, width_px, renderer):
    """Re-wrap ``text`` at word boundaries to the longest lines that fit ``width_px``; True if it changed."""
    words = " ".join(text.get_text().split())
    before = text.get_text()
    for n_chars in range(len(words), 0, -1):
        candidate = textwrap.fill(words, n_chars, break_long_words=False)
        text.set_text(candidate)
        if text.get_window_extent(renderer).width <= width_px:
            break
    return text.get_text() != before

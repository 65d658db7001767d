"""Figures people can read: every title inside the figure and clear of the others, measured from the rendered
text boxes (Matplotlib's renderer extents) of the figures as the commands save them; no text in a README
thumbnail under 10 px, none in the trace GIF under 12 px, and the GIF's edge labels never on top of each other."""
import itertools

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from chainrule.viz import figures
from chainrule.viz.thumbnails import MAKERS


@pytest.fixture
def saved_figures(monkeypatch):
    """Every Figure saved while the test runs, whatever module saves it."""
    saved = []
    original = Figure.savefig

    def savefig(self, *args, **kwargs):
        saved.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return saved


def title_problems(fig):
    """What is wrong with the titles of ``fig``: boxes outside the figure, titles overlapping each other or
    running into another axes. Empty when the layout is right."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    page = fig.bbox
    titles = [(f"title {ax.title.get_text()!r}", ax.title.get_window_extent(renderer), ax)
              for ax in fig.axes if ax.title.get_text()]
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        titles.append((f"suptitle {suptitle.get_text()!r}", suptitle.get_window_extent(renderer), None))
    problems = []
    for name, box, _ in titles:
        if box.x0 < page.x0 - 0.5 or box.x1 > page.x1 + 0.5 or box.y0 < page.y0 - 0.5 or box.y1 > page.y1 + 0.5:
            problems.append(f"{name} is clipped: {box.bounds} outside the figure {page.bounds}")
    for (name_a, a, _), (name_b, b, _) in itertools.combinations(titles, 2):
        if a.overlaps(b):
            problems.append(f"{name_a} overlaps {name_b}")
    for name, box, own in titles:
        for ax in fig.axes:
            if ax is not own and ax.get_visible() and box.overlaps(ax.get_window_extent(renderer)):
                problems.append(f"{name} runs into another axes")
    return problems


def test_the_check_sees_the_old_overfitting_layout():
    # the titles as the overfitting figure had them, with a plain tight_layout: overlapping and clipped
    fig = Figure(figsize=(11, 4))
    left, right = fig.subplots(1, 2)
    left.set_title("a set-up that does overfit: 8 noisier points, a 32-32 sigmoid network: overfitting? yes")
    right.set_title("[1, 32, 32, 1] sigmoid, 8 points, noise 0.25, lr 3, 8000 epochs")
    fig.tight_layout()
    problems = title_problems(fig)
    assert any("is clipped" in p for p in problems) and any("overlaps" in p for p in problems)
    figures.fit_layout(fig)
    assert title_problems(fig) == []
    assert left.title.get_text().count("\n") >= 1          # wrapped, every word kept
    assert left.title.get_text().split() == "a set-up that does overfit: 8 noisier points, a 32-32 sigmoid " \
                                            "network: overfitting? yes".split()


def test_overfit_command_figure_with_three_setups(saved_figures, tmp_path):
    from chainrule.cli.main import main

    # the command's default: the guide's two set-ups and the one that overfits, one row each (shortened)
    assert main(["overfit", "--epochs", "120", "--out", str(tmp_path / "o.png")]) == 0
    (fig,) = saved_figures
    assert len(fig.axes) == 6
    assert title_problems(fig) == []


# --- legible at the size people see them: the README thumbnails and the GIF ---

from matplotlib.text import Text  # noqa: E402

from chainrule.viz.thumbnails import MIN_TEXT_PX, WIDTH  # noqa: E402


def smallest_text_px(fig, dpi, scale=1.0):
    """The font size, in pixels of the final image, of the smallest visible text in ``fig`` saved at ``dpi``
    and then scaled by ``scale``; with the text itself."""
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()
             and (t.axes is None or t.axes.get_visible())]
    smallest = min(texts, key=lambda t: t.get_fontsize())
    return smallest.get_fontsize() / 72 * dpi * scale, smallest.get_text()


@pytest.fixture
def saved_with_dpi(monkeypatch):
    saved = []
    original = Figure.savefig

    def savefig(self, fname, *args, dpi=None, **kwargs):
        saved.append((self, dpi or self.dpi))
        return original(self, fname, *args, dpi=dpi, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return saved


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_readme_thumbnails_titles_fit_and_no_text_is_under_10_px(name, saved_with_dpi, tmp_path):
    from PIL import Image

    from chainrule.viz.thumbnails import make_thumbnails

    (path,) = make_thumbnails(tmp_path, names=[name])
    (fig, dpi), = saved_with_dpi
    assert title_problems(fig) == [], name
    scale = WIDTH / (fig.get_figwidth() * dpi)
    px, text = smallest_text_px(fig, dpi, scale)
    assert px >= MIN_TEXT_PX, f"{name}: {text!r} is {px:.1f} px in the {WIDTH}-pixel thumbnail"
    with Image.open(path) as image:
        assert image.width == WIDTH


def test_the_committed_thumbnails_are_the_legible_ones():
    from pathlib import Path

    from PIL import Image
    folder = Path(__file__).resolve().parents[2] / "docs" / "img"
    for name in MAKERS:
        with Image.open(folder / name) as image:
            assert image.width == WIDTH, f"docs/img/{name} is {image.size}: run python -m chainrule.viz.thumbnails docs/img"


def test_gif_text_is_at_least_12_px(tmp_path, saved_with_dpi):
    import inspect

    from chainrule.viz.animate_gif import draw_frame, save_gif
    from chainrule.viz.figures import subplots
    from chainrule.viz.trace_frames import player_data
    from chainrule.viz.trace_spec import guide_trace

    dpi = inspect.signature(save_gif).parameters["dpi"].default
    data = player_data(guide_trace())
    fig, ax = subplots(figsize=(9, 5.4))
    fig.subplots_adjust(left=0.02, right=0.98, top=0.98, bottom=0.02)
    renderer = FigureCanvasAgg(fig).get_renderer()
    labelled = 0
    for index, frame in enumerate(data["frames"]):
        draw_frame(ax, data, frame, index)
        px, text = smallest_text_px(fig, dpi)
        assert px >= 12, f"frame {index + 1}: {text!r} is {px:.1f} px"
        fig.draw(renderer)
        # the edge labels (the weights and their gradients) are legible and never on top of each other
        edge_labels = [t for t in ax.texts if t.get_bbox_patch() is not None]
        labelled += bool(edge_labels)
        boxes = [t.get_window_extent(renderer) for t in edge_labels]
        for a, b in itertools.combinations(boxes, 2):
            assert not a.overlaps(b), f"frame {index + 1}: two edge labels overlap"
        for t in ax.texts:
            box = t.get_window_extent(renderer)
            assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 + 0.5, f"frame {index + 1}: {t.get_text()!r}"
    assert labelled >= 5

"""PNG thumbnails of every figure, for the README: ``python -m chainrule.viz.thumbnails docs/img``.

Each is made by the same library call as its command, then scaled down to ``WIDTH`` pixels: the width a
README shows an image at without scaling it again. The figures are laid out so that at this width no text
is smaller than ``MIN_TEXT_PX`` (tests/viz/test_viz_layout.py measures every text of every thumbnail).
"""
import os
import sys
import tempfile

from PIL import Image

from .animate_gif import draw_frame
from .figures import save_figure, subplots
from .gradcheck_view import seeded_gradient_check
from .overfitting import overfit_study
from .sine import fit_sine
from .surfaces import loss_surfaces
from .sweep import lr_sweep
from .trace_frames import player_data
from .trace_spec import guide_trace


WIDTH = 800
MIN_TEXT_PX = 10


def trace_frame_png(path, step=10):
    """One frame of the guide's trace animation (1-based ``step``) as a PNG."""
    data = player_data(guide_trace())
    fig, ax = subplots(figsize=(9, 5.4))
    fig.subplots_adjust(left=0.02, right=0.98, top=0.98, bottom=0.02)
    draw_frame(ax, data, data["frames"][step - 1], step - 1)
    return save_figure(fig, path, dpi=100)


MAKERS = {
    "trace.png": trace_frame_png,
    "loss_surfaces.png": lambda path: loss_surfaces(out=path),
    "learning_rates.png": lambda path: lr_sweep(out=path),
    "training_curve.png": lambda path: fit_sine(out=path),
    "overfitting.png": lambda path: overfit_study(["shows"], out=path),
    "gradient_check.png": lambda path: seeded_gradient_check("3,4,2", 99, "tanh", loss="cross_entropy", out=path),
}


def make_thumbnails(folder, width=WIDTH, names=None):
    """Write the thumbnails into ``folder``; returns their paths."""
    os.makedirs(folder, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in MAKERS.items():
            if names and name not in names:
                continue
            full = os.path.join(tmp, name)
            make(full)
            with Image.open(full) as image:
                image = image.convert("RGB")
                height = round(image.height * width / image.width)
                small = image.resize((width, height), Image.LANCZOS)
                target = os.path.join(folder, name)
                small = small.quantize(colors=128, method=Image.Quantize.MEDIANCUT)
                small.save(target + ".tmp.png", optimize=True)
                os.replace(target + ".tmp.png", target)
            written.append(target)
    return written


if __name__ == "__main__":
    for path in make_thumbnails(sys.argv[1] if len(sys.argv) > 1 else "docs/img"):
        print(f"{path}  {os.path.getsize(path) // 1024} KB")

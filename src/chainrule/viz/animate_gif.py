"""The trace animation as a GIF: one matplotlib drawing per frame, written with PillowWriter."""
from matplotlib.patches import Ellipse

from ..files import atomic_path
from .figures import BACKWARD, FORWARD, UPDATE, subplots
from .trace_frames import player_data

PHASE_COLOR = {"start": "#444444", "forward": FORWARD, "loss": "#9467bd", "backward": BACKWARD,
               "update": UPDATE, "result": FORWARD}


def _edge_active(frame, l):
    return frame["edges_layer"] == "all" or frame["edges_layer"] == l


def draw_frame(ax, data, frame, index=None):
    """Draw one frame on ``ax`` (cleared first): edges, neurons with their values, and the caption."""
    ax.clear()
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(1.5, -0.08)      # y downwards, the caption below the network
    ax.axis("off")
    box = ax.get_position()
    width_in, height_in = ax.figure.get_size_inches()
    y_stretch = (box.width * width_in / 1.04) / (box.height * height_in / 1.58)  # keeps neurons round
    positions = data["positions"]
    color = PHASE_COLOR[frame["phase"]]
    radius = 0.035
    for l in range(1, len(positions)):
        active = _edge_active(frame, l)
        labels = frame["edge_labels"][l - 1]
        for j, (x1, y1) in enumerate(positions[l]):
            for i, (x0, y0) in enumerate(positions[l - 1]):
                ax.plot([x0, x1], [y0, y1], color=color if active else "#cccccc",
                        lw=2.4 if active else 1.0, zorder=1)
                if active and frame["phase"] in ("forward", "backward") and frame["edge_label_kind"] != "dL/dW":
                    (sx, sy), (ex, ey) = ((x1, y1), (x0, y0)) if frame["direction"] == "backward" else ((x0, y0), (x1, y1))
                    ax.annotate("", xy=(sx + (ex - sx) * 0.55, sy + (ey - sy) * 0.55),
                                xytext=(sx + (ex - sx) * 0.45, sy + (ey - sy) * 0.45),
                                arrowprops=dict(arrowstyle="-|>", color=color, lw=1.5), zorder=2)
                if labels is not None:
                    t = 0.72
                    ax.text(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, labels[j][i], fontsize=10,
                            ha="center", va="center", color=color if active else "#555555", zorder=3,
                            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
    for l, layer in enumerate(positions):
        for k, (x, y) in enumerate(layer):
            active = frame["active_layer"] == l
            ax.add_patch(Ellipse((x, y), 2 * radius, 2 * radius * y_stretch, fc="#fff7d6" if active else "white",
                                    ec=color if active else "#333333", lw=2.2 if active else 1.2, zorder=4))
            text = frame["node_text"][l][k]
            if text:
                ax.text(x, y + radius * y_stretch + 0.012, text.replace("|", "\n"), fontsize=10.5, ha="center", va="top",
                        zorder=5, color="#111111")
    names = ["input"] + [f"layer {l}" for l in range(1, len(positions))]
    for l, layer in enumerate(positions):
        ax.text(layer[0][0], -0.05, names[l], ha="center", va="bottom", fontsize=10, color="#666666")
    step = "" if index is None else f"step {index + 1}/{len(data['frames'])}: "
    ax.text(0.0, 1.16, step + frame["title"], fontsize=12, weight="bold", color=color, va="top")
    ax.text(0.0, 1.27, frame["formula"], fontsize=11, family="monospace", va="top")
    ax.text(0.0, 1.36, frame["numbers"], fontsize=10.5, family="monospace", va="top", wrap=True)


def save_gif(trace, path, seconds_per_frame=1.6, dpi=100):
    """Write the trace animation of ``trace`` to ``path`` (a .gif); returns the number of frames."""
    from matplotlib.animation import PillowWriter

    data = player_data(trace)
    frames = data["frames"]
    fig, ax = subplots(figsize=(9, 5.4))
    fig.subplots_adjust(left=0.02, right=0.98, top=0.98, bottom=0.02)
    with atomic_path(path, suffix=".gif") as tmp:
        writer = PillowWriter(fps=1.0 / seconds_per_frame)
        with writer.saving(fig, tmp, dpi):
            for index, frame in enumerate(frames):
                draw_frame(ax, data, frame, index)
                writer.grab_frame()
    return len(frames)

"""The trace animation: one frame per step, as GIF and as a self-contained HTML page checked in Chromium."""
import os
import re
import shutil
import subprocess
import tempfile

import numpy as np
import pytest
from PIL import Image

from chainrule.cli.main import main
from chainrule.viz import build_frames, guide_trace, render_html, save_gif, save_html, trace_from_spec

CHROMIUM = shutil.which("chromium")


def test_frames_follow_the_trace():
    frames = build_frames(guide_trace())
    # network, z1, a1, z2, a2, loss, 3 output-layer backward, 3 hidden-layer backward, update, new forward
    assert len(frames) == 14
    assert [f["phase"] for f in frames] == (["start"] + ["forward"] * 4 + ["loss"] + ["backward"] * 6
                                             + ["update", "result"])
    assert frames[3]["numbers"] == "z2 = [0.8062]"
    assert frames[9]["formula"] == "dL/da1 = W2.T @ delta2"
    assert frames[9]["direction"] == "backward" and frames[9]["edges_layer"] == 2
    assert frames[9]["numbers"].endswith("= [-0.0659 -0.0791]")
    assert frames[11]["edge_labels"][0] == [["-0.0146", "-0.0291"], ["-0.0154", "-0.0308"]]
    assert frames[-1]["numbers"] == "prediction [0.6913] -> [0.7208],  loss 0.0953 -> 0.0780"


def test_gif_has_one_frame_per_step(tmp_path):
    path = tmp_path / "trace.gif"
    assert save_gif(guide_trace(), path) == 14
    with Image.open(path) as gif:
        assert gif.n_frames == 14
        assert gif.size[0] >= 600 and gif.size[1] >= 400
        gif.seek(5)
        pixels = np.asarray(gif.convert("L"), dtype=float)
    assert pixels.std() > 10
    assert not any(name.startswith(".tmp-") for name in os.listdir(tmp_path))


def test_html_is_self_contained(tmp_path):
    page = render_html(guide_trace())
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "url(http" not in page
    assert main(["trace", "--animate", str(tmp_path / "t.html")]) == 0
    assert (tmp_path / "t.html").read_text(encoding="utf-8") == page


def _chromium(args, url):
    profile = tempfile.mkdtemp(prefix="chainrule-chromium-")
    try:
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--proxy-server=127.0.0.1:9", f"--user-data-dir={profile}"] + args + [url]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=90)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _dom(path, fragment):
    result = _chromium(["--virtual-time-budget=3000", "--dump-dom"], path.as_uri() + fragment)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _shown(dom):
    step = re.search(r'<body data-step="(\d+)"', dom).group(1)
    title = re.search(r'<div id="title"[^>]*>([^<]*)<', dom).group(1)
    numbers = re.search(r'<div id="numbers"[^>]*>([^<]*)<', dom).group(1)
    return int(step), title, numbers.replace("&gt;", ">")


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium")
def test_html_player_steps_in_the_browser(tmp_path):
    path = tmp_path / "trace.html"
    save_html(guide_trace(), path)
    # loads from disk (no network: every request would go to a dead proxy) and draws the first frame
    step, title, numbers = _shown(_dom(path, ""))
    assert (step, title) == (1, "Step 1/14: The network")
    # a deep link opens step 4; pressing the real "next" button twice moves on to step 6
    step, title, numbers = _shown(_dom(path, "#step=4"))
    assert (step, numbers) == (4, "z2 = [0.8062]")
    dom = _dom(path, "#step=4&press=next,next")
    step, title, numbers = _shown(dom)
    assert (step, numbers) == (6, "prediction [0.6913], target [1.]: loss = 0.0953")
    assert dom.count("<circle") == 5
    step, title, numbers = _shown(_dom(path, "#step=14&press=prev"))
    assert step == 13 and title.startswith("Step 13/14: Update")
    # playing advances one step per 1.6 s of (virtual) time: 3 s in, it is past the first step
    step, _, _ = _shown(_dom(path, "#play"))
    assert 2 <= step <= 4


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium")
def test_html_player_frames_look_different(tmp_path):
    path = tmp_path / "trace.html"
    save_html(trace_from_spec({"layers": [2, 3, 1], "seed": 1}), path)
    shots = []
    for step in (2, 10):
        png = tmp_path / f"step{step}.png"
        result = _chromium(["--window-size=1000,800", "--virtual-time-budget=2000", f"--screenshot={png}"],
                           path.as_uri() + f"#step={step}")
        assert result.returncode == 0 and png.exists(), result.stderr[-2000:]
        with Image.open(png) as image:
            shots.append(np.asarray(image.convert("L"), dtype=float))
    assert shots[0].shape == shots[1].shape
    assert shots[0].std() > 10                      # not blank
    assert np.mean(shots[0] != shots[1]) > 0.002    # the drawing and caption changed

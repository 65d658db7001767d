"""The HTML report opened from disk in headless Chromium: every picture decodes and the curves are on screen."""
import re
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from chainrule.project import ProjectConfig, run_project
from project_png_checks import assert_png_picture

CHROMIUM = shutil.which("chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--virtual-time-budget=5000"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    result = run_project(ProjectConfig(epochs=4, max_train=800, source="sample"), out_dir=out)
    result.history.findings.append({"kind": "test finding", "message": "shown in the report"})
    from chainrule.project.report import write_report
    write_report(result, out / "report.html")
    return out / "report.html", result


def _chromium(args, tmp_path):
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          text=True, timeout=120)


def test_report_is_self_contained(report):
    path, result = report
    text = path.read_text()
    assert "http://" not in text and "https://" not in text             # nothing to fetch
    assert len(re.findall(r'<img id="[a-z-]+" alt="[^"]+" src="data:image/png;base64,', text)) == 4
    for section in ("curves", "diagnostics", "confusion", "misclassified", "gradients", "epochs", "settings"):
        assert f'id="{section}"' in text
    assert f"{100 * result.test_accuracy:.1f}%" in text and "test finding" in text


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium")
def test_report_renders_in_headless_chromium(report, tmp_path):
    path, result = report
    dom = _chromium(["--dump-dom", path.as_uri()], tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'data-images-loaded="4/4"' in dom.stdout                    # every picture decoded by the browser
    assert f"{100 * result.test_accuracy:.1f}%" in dom.stdout

    shot = tmp_path / "report.png"
    run = _chromium([f"--screenshot={shot}", "--window-size=1200,900", path.as_uri()], tmp_path)
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    assert_png_picture(shot, 1200, 900)
    # The loss/accuracy curves are on the first screen: Matplotlib's blue (train) and orange (test) lines.
    rgb = np.asarray(Image.open(shot).convert("RGB"), dtype=int)
    blue = np.all(np.abs(rgb - [31, 119, 180]) < 40, axis=-1).sum()
    orange = np.all(np.abs(rgb - [255, 127, 14]) < 40, axis=-1).sum()
    assert blue > 300 and orange > 300, (blue, orange)

"""The byte progress bar: its sizes, its bar, and when it redraws (on a clock the test moves)."""
import io

import pytest

import chainrule.data.progress as progress_module
from chainrule.data.progress import ByteProgress, _size
from fake_terminal import Screen


class Terminal(io.StringIO):
    def isatty(self):
        return True


class Clock:
    def __init__(self, now=1000.0):
        self.now = now

    def monotonic(self):
        return self.now


def test_sizes_switch_to_megabytes_at_a_million_bytes():
    assert [_size(n) for n in (0, 999, 999_999, 1_000_000, 1_050_001, 9_912_422)] == \
        ["0.0 kB", "1.0 kB", "1000.0 kB", "1.0 MB", "1.1 MB", "9.9 MB"]


def test_on_a_log_only_the_final_line_is_written():
    log = io.StringIO()
    bar = ByteProgress("f.gz", 10, log)
    bar.update(4)
    assert log.getvalue() == ""
    bar.close("ok")
    assert log.getvalue() == f"[{'#' * 12}{'.' * 18}]   0.0 kB/0.0 kB  40%  f.gz  ok\n"


def test_a_stream_without_isatty_is_a_log():
    class Plain:
        def __init__(self):
            self.text = ""

        def write(self, text):
            self.text += text

        def flush(self):
            pass

    stream = Plain()
    bar = ByteProgress("f.gz", 2_000, stream)
    bar.update(500)
    bar.close("ok")
    assert stream.text == f"[{'#' * 8}{'.' * 22}]   0.5 kB/2.0 kB  25%  f.gz  ok\n"


def test_nothing_received_and_more_than_expected():
    log = io.StringIO()
    ByteProgress("f.gz", 10, log).close("failed")
    bar = ByteProgress("g.gz", 1_000, log)
    bar.update(1_500)                                    # the server sent too much: the bar stops at full
    bar.close("failed")
    assert log.getvalue().splitlines() == [f"[{'.' * 30}]   0.0 kB/0.0 kB   0%  f.gz  failed",
                                           f"[{'#' * 30}]   1.5 kB/1.0 kB 100%  g.gz  failed"]


def test_an_unknown_total_shows_question_marks():
    log = io.StringIO()
    bar = ByteProgress("f.gz", 0, log)
    bar.update(2_500)
    bar.close("ok")
    assert log.getvalue() == f"[{'?' * 30}]   2.5 kB  f.gz  ok\n"


def test_the_default_stream_is_stderr(capsys):
    ByteProgress("f.gz", 1_000).close("ok")
    assert capsys.readouterr().err == f"[{'.' * 30}]   0.0 kB/1.0 kB   0%  f.gz  ok\n"


def test_on_a_terminal_it_redraws_at_most_every_tenth_of_a_second(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    clock = Clock(0.0)
    monkeypatch.setattr(progress_module, "time", clock)
    screen = Terminal()
    bar = ByteProgress("f.gz", 100, screen)
    draws = []
    for now, n_bytes in ((0.1, 10), (0.15, 10), (0.2, 10), (0.25, 10), (0.4, 10)):    # 0.2 - 0.1 == 0.1 exactly
        clock.now = now
        before = len(screen.getvalue())
        bar.update(n_bytes)
        draws.append(len(screen.getvalue()) > before)
    assert draws == [True, False, True, False, True]     # 0.1 s after the last drawing (or the start) redraws
    bar.close("ok")
    assert screen.getvalue().endswith(f"\r[{'#' * 15}{'.' * 15}]   0.1 kB/0.1 kB  50%  f.gz  ok\n")


@pytest.mark.parametrize("width", [50, 40, 20])
def test_in_a_narrow_terminal_no_redraw_leaves_a_stale_line(monkeypatch, width):
    """Every redraw fits in width - 1 columns (the bar narrows, then the name is cut), so the screen ends with
    one line per file and nothing left over."""
    monkeypatch.setenv("COLUMNS", str(width))
    clock = Clock(0.0)
    monkeypatch.setattr(progress_module, "time", clock)
    screen = Screen(width)
    for done, name in enumerate(("train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")):
        bar = ByteProgress(name, 9_912_422, screen)
        for step in range(1, 11):
            clock.now += 0.2
            bar.update(991_242)
            assert screen.col <= width - 1 and len(screen.rows) == 1 + done     # still on the file's own row
        bar.close("ok")
    assert screen.widest <= width - 1
    lines = screen.lines()
    assert len(lines) == 2
    full = "[#####]   9.9 MB/9.9 MB 100%  train-images-idx3-ubyte.gz  ok"    # the bar at its narrowest: 5
    assert lines[0] == full[:width - 1]


def test_the_bar_narrows_before_anything_is_cut(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    screen = Screen(60)
    bar = ByteProgress("f.gz", 2_000, screen)
    bar.update(1_000)
    bar.close("ok")
    tail = "]   1.0 kB/2.0 kB  50%  f.gz  ok"
    bar = 59 - len(tail) - 1                                     # 26 of the 30 characters it has on a wide screen
    assert screen.lines() == ["[" + "#" * (bar // 2) + "." * (bar - bar // 2) + tail]
    assert screen.widest == 59 and bar < ByteProgress.width

"""A byte progress bar in plain text on stderr, no dependency."""
import sys
import time

from ..terminal import clear_line, columns, is_terminal, redraw


def _size(n):
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


class ByteProgress:
    """``[##########..........]  4.9/9.9 MB  50%  train-images-idx3-ubyte.gz``

    On a terminal the line redraws in place (at most every 0.1 s), narrowed to the terminal's width (the bar
    shrinks first, then the file name is cut); elsewhere (a log, a pipe, a notebook) only the final line of
    each file is printed, whole, so logs stay readable.
    """

    width = 30
    min_width = 5

    def __init__(self, label, total, stream=None):
        self.label, self.total, self.done = label, total, 0
        self.stream = stream if stream is not None else sys.stderr
        self.live = is_terminal(self.stream)
        self._last_draw = 0.0

    def update(self, n_bytes):
        self.done += n_bytes
        now = time.monotonic()
        if self.live and now - self._last_draw >= 0.1:
            self._last_draw = now
            cols = columns(self.stream)
            self.stream.write(redraw(self._line(cols), cols))
            self.stream.flush()

    def close(self, status):
        """Finish the line with ``status`` (e.g. "ok" or "failed: ...")."""
        if self.live:
            cols = columns(self.stream)
            self.stream.write(clear_line(cols) + self._line(cols, f"  {status}") + "\n")
        else:
            self.stream.write(self._line(None, f"  {status}") + "\n")
        self.stream.flush()

    def _line(self, cols=None, status=""):
        """The line, fitted to a terminal ``cols`` wide (``None``: full width)."""
        if self.total:
            fraction = min(self.done / self.total, 1.0)
            numbers = f" {_size(self.done):>8}/{_size(self.total)} {fraction:4.0%}"
        else:
            fraction, numbers = None, f" {_size(self.done):>8}"
        tail = f"{numbers}  {self.label}{status}"
        width = self.width
        if cols is not None:        # the bar gives way first, down to min_width; redraw() cuts the rest
            width = max(min(self.width, cols - 1 - 2 - len(tail)), self.min_width)
        if fraction is None:
            return f"[{'?' * width}]{tail}"
        filled = int(round(fraction * width))
        return f"[{'#' * filled}{'.' * (width - filled)}]{tail}"[:None if cols is None else max(cols - 1, 1)]

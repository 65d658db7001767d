"""A byte progress bar in plain text on stderr, no dependency."""
import sys
import time


def _size(n):
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


class ByteProgress:
    """``[##########..........]  4.9/9.9 MB  50%  train-images-idx3-ubyte.gz``

    On a terminal the line redraws in place (at most every 0.1 s); elsewhere (a log, a
    pipe) only the final line of each file is printed, so logs stay readable.
    """

    width = 30

    def __init__(self, label, total, stream=None):
        self.label, self.total, self.done = label, total, 0
        self.stream = stream if stream is not None else sys.stderr
        self.live = getattr(self.stream, "isatty", lambda: False)()
        self._last_draw = 0.0

    def update(self, n_bytes):
        self.done += n_bytes
        now = time.monotonic()
        if self.live and now - self._last_draw >= 0.1:
            self._last_draw = now
            self.stream.write("\r" + self._line())
            self.stream.flush()

    def close(self, status):
        """Finish the line with ``status`` (e.g. "ok" or "failed: ...")."""
        self.stream.write(("\r" if self.live else "") + self._line() + f"  {status}\n")
        self.stream.flush()

    def _line(self):
        if self.total:
            fraction = min(self.done / self.total, 1.0)
            filled = int(round(fraction * self.width))
            bar = "#" * filled + "." * (self.width - filled)
            return f"[{bar}] {_size(self.done):>8}/{_size(self.total)} {fraction:4.0%}  {self.label}"
        return f"[{'?' * self.width}] {_size(self.done):>8}  {self.label}"

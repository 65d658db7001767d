"""Fetch the four MNIST files from a list of mirrors, verified, never half-written.

Each file streams into a temporary file next to its final place while its SHA-256 is computed;
only a file with the expected size and checksum is renamed into place (os.replace). A 404, a
refused connection, a cut connection, a wrong size or a wrong checksum each move on to the next
mirror; when every mirror has failed, DownloadError lists what each one did.

No server can hold a download forever: each file has an overall ``deadline`` (seconds from the request to
the last byte) and a ``min_rate`` (bytes per second, measured over every ``rate_window`` seconds), and a
server that sends nothing for ``timeout`` seconds is dropped. A server dripping a byte every half second
fails after one window, with both limits named in the message.
"""
import hashlib
import http.client
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from ..errors import ConfigError, DownloadError
from ..files import atomic_write
from .paths import MNIST_FILES, MNIST_MIRRORS, resolve_data_dir
from .progress import ByteProgress

CHUNK = 1 << 16
DEADLINE = 1800.0        # seconds per file: the 9.9 MB training images at the minimum rate take ~17 minutes
MIN_RATE = 10_000        # bytes per second, over every RATE_WINDOW seconds
RATE_WINDOW = 15.0


class _MirrorFailed(Exception):
    """One mirror did not deliver one file; the message says how."""


def download_mnist(data_dir=None, mirrors=None, progress=True, expected=None, timeout=30.0, deadline=DEADLINE,
                   min_rate=MIN_RATE, rate_window=RATE_WINDOW):
    """Download and verify the four MNIST .gz files; return the folder that holds them.

    data_dir: the cache folder (default: default_data_dir()).
    mirrors:  base URLs tried in order (default MNIST_MIRRORS); to try your own first, pass
              ``[your_url, *MNIST_MIRRORS]`` (``chainrule download-mnist --mirror URL`` does that).
    progress: a byte progress bar on stderr.
    expected: {filename: (size, sha256)}; default the published MNIST values (tests inject their own).
    timeout:  seconds without a byte before a server is dropped;
    deadline: seconds a file may take in all (default 30 minutes);
    min_rate, rate_window: a server sending fewer than ``min_rate`` bytes/s over ``rate_window`` seconds
              (default 10,000 bytes/s over 15 s) is dropped.
    Files already present and verified are not fetched again.
    """
    limits = _Limits(timeout, deadline, min_rate, rate_window)
    folder = resolve_data_dir(data_dir)
    expected = MNIST_FILES if expected is None else dict(expected)
    given = MNIST_MIRRORS if mirrors is None else mirrors
    mirrors = [] if isinstance(given, (str, bytes)) else list(given)    # a string is not a list of one-letter URLs
    if not mirrors or not all(isinstance(m, str) and m for m in mirrors):
        raise ConfigError(f"mirrors must be a non-empty list of base URLs, got {given!r}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create the data folder {folder}: {exc.strerror or exc}") from None
    stream = sys.stderr if progress else None
    for name, (size, sha256) in expected.items():
        target = folder / name
        if target.is_file():
            if _file_matches(target, size, sha256):
                _say(stream, f"{name}: already downloaded and verified")
                continue
            _say(stream, f"{name}: the file present fails its size/SHA-256 check; fetching it again")
        failures = []
        for mirror in mirrors:
            url = mirror.rstrip("/") + "/" + name
            try:
                _fetch(url, target, size, sha256, limits, stream)
                break
            except _MirrorFailed as exc:
                failures.append((url, str(exc)))
        else:
            error = DownloadError(_failure_message(name, failures, folder))
            error.failures = failures
            raise error
    return folder


class _Limits:
    """How long and how slowly one file may come: checked, then enforced while it streams."""

    def __init__(self, timeout, deadline, min_rate, rate_window):
        for name, value, low, infinite in (("timeout", timeout, "> 0", False), ("deadline", deadline, "> 0", True),
                                           ("min_rate", min_rate, ">= 0", False),
                                           ("rate_window", rate_window, "> 0", False)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or \
                    not (value >= 0 if low == ">= 0" else value > 0) or (value == float("inf") and not infinite):
                raise ConfigError(f"{name} must be a {'' if infinite else 'finite '}number {low}, got {value!r}")
        self.timeout, self.deadline, self.min_rate, self.rate_window = timeout, deadline, min_rate, rate_window

    def start(self):
        self.started = self.window_start = time.monotonic()
        self.window_bytes = 0

    def time_left(self, received, size):
        left = self.deadline - (time.monotonic() - self.started)
        if left <= 0:
            raise _MirrorFailed(self.too_late(received, size))
        return left

    def too_late(self, received, size):
        return (f"deadline of {self.deadline:g} s per file (--deadline, download_mnist(deadline=...)) passed after "
                f"{received:,} of {size:,} bytes")

    def count(self, n_bytes):
        """Record ``n_bytes`` received; refuse a server slower than ``min_rate`` over a whole window."""
        self.window_bytes += n_bytes
        now = time.monotonic()
        if now - self.window_start >= self.rate_window:
            rate = self.window_bytes / (now - self.window_start)
            if rate < self.min_rate:
                raise _MirrorFailed(f"too slow: {rate:,.0f} bytes/s over the last {now - self.window_start:.1f} s, "
                                    f"below the minimum rate of {self.min_rate:,g} bytes/s "
                                    f"(--min-rate, download_mnist(min_rate=...)); the deadline is {self.deadline:g} s "
                                    f"per file")
            self.window_start, self.window_bytes = now, 0


def _set_read_timeout(response, seconds):
    """Bound the next socket read of an HTTP response (the deadline may come before ``timeout``)."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        sock.settimeout(seconds)


def _fetch(url, target, size, sha256, limits, stream):
    from ..version import __version__
    request = urllib.request.Request(url, headers={"User-Agent": f"chainrule/{__version__}"})
    host = urllib.parse.urlsplit(url).netloc or url
    bar = None
    try:
        with atomic_write(target) as f:
            limits.start()
            try:
                response = urllib.request.urlopen(request, timeout=min(limits.timeout, limits.deadline))
            except urllib.error.HTTPError as exc:
                raise _MirrorFailed(f"HTTP {exc.code} {exc.reason}") from None
            except urllib.error.URLError as exc:
                raise _MirrorFailed(f"cannot connect: {exc.reason}") from None
            except (OSError, http.client.HTTPException) as exc:
                raise _MirrorFailed(f"cannot connect: {str(exc) or type(exc).__name__}") from None
            with response:
                announced = response.headers.get("Content-Length")
                if announced is not None and announced.isdigit() and int(announced) != size:
                    raise _MirrorFailed(f"server announces {int(announced):,} bytes, expected {size:,}")
                bar = ByteProgress(f"{target.name} from {host}", size, stream) if stream else None
                digest, received = hashlib.sha256(), 0
                read = getattr(response, "read1", response.read)   # read1: whatever has arrived, never waits
                while True:                                         # for a whole chunk from a dripping server
                    wait = min(limits.timeout, limits.time_left(received, size))
                    _set_read_timeout(response, wait)
                    try:
                        chunk = read(CHUNK)
                    except TimeoutError:
                        if wait < limits.timeout:
                            raise _MirrorFailed(limits.too_late(received, size)) from None
                        raise _MirrorFailed(f"no data for {limits.timeout:g} s after {received:,} of {size:,} "
                                            f"bytes (download_mnist(timeout=...))") from None
                    except (OSError, http.client.HTTPException) as exc:
                        raise _MirrorFailed(f"connection lost after {received:,} of {size:,} bytes "
                                            f"({str(exc) or type(exc).__name__})") from None
                    if not chunk:
                        break
                    received += len(chunk)
                    if received > size:
                        raise _MirrorFailed(f"sent more than the expected {size:,} bytes")
                    digest.update(chunk)
                    f.write(chunk)
                    limits.count(len(chunk))
                    if bar:
                        bar.update(len(chunk))
            if received < size:
                raise _MirrorFailed(f"connection closed after {received:,} of {size:,} bytes")
            if digest.hexdigest() != sha256:
                raise _MirrorFailed(f"SHA-256 mismatch: got {digest.hexdigest()[:16]}..., expected "
                                    f"{sha256[:16]}... (corrupt or not the MNIST file)")
    except _MirrorFailed as exc:
        _finish(bar, stream, f"{target.name} from {host}", f"failed: {exc}" + ("; nothing kept" if bar else ""))
        raise
    except KeyboardInterrupt:
        _finish(bar, stream, f"{target.name} from {host}", "interrupted; nothing kept")
        raise
    except Exception as exc:
        _finish(bar, stream, f"{target.name} from {host}", f"failed: {exc}" + ("; nothing kept" if bar else ""))
        raise
    _finish(bar, stream, target.name, "ok, SHA-256 verified")


def _finish(bar, stream, label, status):
    if bar:
        bar.close(status)
    else:
        _say(stream, f"{label}: {status}")


def _file_matches(path, size, sha256):
    if path.stat().st_size != size:
        return False
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest() == sha256


def _failure_message(name, failures, folder):
    lines = [f"no mirror delivered {name}:"]
    lines += [f"  - {url}: {reason}" for url, reason in failures]
    lines.append(f"Nothing half-written was kept in {folder} (files verified earlier stay). "
                 f"Meanwhile load_mnist() uses the shipped sample of 10,000 real MNIST digits. "
                 f"Retry with `chainrule download-mnist` when the network is back, "
                 f"or add `--mirror URL` to try a mirror of your own first.")
    return "\n".join(lines)


def _say(stream, message):
    if stream:
        stream.write(message + "\n")
        stream.flush()

"""download_mnist at its edges: each limit on both sides of its threshold (on a clock the test moves), what a
cached file must pass before it is trusted, what the log says line by line, and what reaches the server."""
import re
import urllib.request

import pytest

import chainrule
import chainrule.data.download as download_module
from chainrule import ConfigError
from chainrule.data import DownloadError, download_mnist

from mnist_testkit import expected_for, local_mirror, write_fake_mnist

FIRST = "train-images-idx3-ubyte.gz"


@pytest.fixture
def served(tmp_path):
    contents, _, _ = write_fake_mnist(tmp_path / "source")
    return contents, expected_for(contents)


class Clock:
    """``time.monotonic`` as the test sets it."""

    def __init__(self, now=100.0):
        self.now = now

    def monotonic(self):
        return self.now


@pytest.fixture
def limits(monkeypatch):
    """``_Limits`` (1,000 bytes/s over 10 s windows, a 60 s deadline) started at t = 100 s on a test clock."""
    def make(**changes):
        clock = Clock()
        monkeypatch.setattr(download_module, "time", clock)
        settings = dict(dict(timeout=30.0, deadline=60.0, min_rate=1000, rate_window=10.0), **changes)
        made = download_module._Limits(**settings)
        made.start()
        return made, clock
    return make


# --- the minimum rate, measured over whole windows ---

def test_exactly_the_minimum_rate_over_a_window_passes_and_one_byte_less_fails(limits):
    ok, clock = limits()
    clock.now = 110.0                               # exactly one window: measured now, not later
    ok.count(10_000)                                # 1,000 bytes/s: the minimum itself is enough
    slow, clock = limits()
    clock.now = 110.0
    with pytest.raises(download_module._MirrorFailed) as failed:
        slow.count(9_999)
    assert str(failed.value) == ("too slow: 1,000 bytes/s over the last 10.0 s, below the minimum rate of 1,000 "
                                 "bytes/s (--min-rate, download_mnist(min_rate=...)); the deadline is 60 s per file")


def test_the_rate_is_the_bytes_of_the_whole_window_over_its_length(limits):
    steady, clock = limits()
    clock.now = 105.0
    steady.count(5_000)                             # half-way: no verdict yet, however few bytes came
    clock.now = 110.0
    steady.count(5_000)                             # both halves count: 10,000 bytes in 10 s
    early, clock = limits()
    clock.now = 101.0
    early.count(1)                                  # 1 byte/s, but the window is not over
    slow, clock = limits()
    clock.now = 110.0
    with pytest.raises(download_module._MirrorFailed, match=r"too slow: 500 bytes/s over the last 10\.0 s"):
        slow.count(5_000)


def test_each_window_starts_from_zero_bytes(limits):
    limit, clock = limits()
    clock.now = 110.0
    limit.count(50_000)                             # a fast first window does not pay for a slow second one
    clock.now = 120.0
    with pytest.raises(download_module._MirrorFailed, match=r"too slow: 1,000 bytes/s"):
        limit.count(9_999)
    again, clock = limits()
    clock.now = 110.0
    again.count(10_000)
    clock.now = 120.0
    again.count(10_000)


def test_a_minimum_rate_of_zero_never_stops_a_download(limits):
    limit, clock = limits(min_rate=0)
    clock.now = 110.0
    limit.count(0)


# --- the deadline ---

def test_the_deadline_leaves_the_time_left_and_ends_at_zero(limits):
    limit, clock = limits()
    clock.now = 159.5
    assert limit.time_left(10, 20) == pytest.approx(0.5)
    clock.now = 160.0                               # exactly the deadline: no time left
    with pytest.raises(download_module._MirrorFailed) as failed:
        limit.time_left(1_234, 5_678)
    assert str(failed.value) == ("deadline of 60 s per file (--deadline, download_mnist(deadline=...)) passed after "
                                 "1,234 of 5,678 bytes")


@pytest.mark.parametrize("name, value, message", [
    ("timeout", float("inf"), "timeout must be a finite number > 0, got inf"),
    ("timeout", 0, "timeout must be a finite number > 0, got 0"),
    ("timeout", True, "timeout must be a finite number > 0, got True"),
    ("deadline", 0, "deadline must be a number > 0, got 0"),
    ("deadline", float("nan"), "deadline must be a number > 0, got nan"),
    ("min_rate", -1, "min_rate must be a finite number >= 0, got -1"),
    ("min_rate", float("inf"), "min_rate must be a finite number >= 0, got inf"),
    ("rate_window", 0, "rate_window must be a finite number > 0, got 0"),
    ("rate_window", float("inf"), "rate_window must be a finite number > 0, got inf"),
    ("rate_window", "15", "rate_window must be a finite number > 0, got '15'"),
])
def test_each_limit_names_its_own_bound(name, value, message):
    settings = dict(timeout=30.0, deadline=60.0, min_rate=1000, rate_window=10.0)
    with pytest.raises(ConfigError) as caught:
        download_module._Limits(**dict(settings, **{name: value}))
    assert str(caught.value) == message


def test_an_endless_deadline_and_a_zero_minimum_rate_are_allowed():
    limit = download_module._Limits(timeout=30.0, deadline=float("inf"), min_rate=0, rate_window=0.5)
    assert (limit.deadline, limit.min_rate) == (float("inf"), 0)


# --- servers that stop talking ---

def test_a_server_that_never_answers_is_dropped_after_the_timeout(served, tmp_path):
    contents, expected = served
    with local_mirror(contents) as (base, server):
        server.pace = 3
        with pytest.raises(DownloadError) as caught:
            download_mnist(tmp_path / "cache", mirrors=[f"{base}/silent/"], progress=False, expected=expected,
                           timeout=0.3)
    assert f"{base}/silent/{FIRST}: cannot connect: timed out" in str(caught.value)


def test_a_server_silent_mid_file_is_dropped_by_the_timeout_not_the_deadline(served, tmp_path):
    contents, expected = served
    half = len(contents[FIRST]) // 2
    with local_mirror(contents) as (base, server):
        server.pace = 3
        with pytest.raises(DownloadError) as caught:
            download_mnist(tmp_path / "cache", mirrors=[f"{base}/stall/"], progress=False, expected=expected,
                           timeout=0.3, deadline=60)
    assert (f"{base}/stall/{FIRST}: no data for 0.3 s after {half:,} of {len(contents[FIRST]):,} bytes "
            f"(download_mnist(timeout=...))") in str(caught.value)


def test_the_read_timeout_reaches_the_socket():
    """What bounds each read: the seconds set on the HTTP response are the socket's own timeout."""
    with local_mirror({"f": b"x" * 100}) as (base, _):
        with urllib.request.urlopen(f"{base}/good/f", timeout=30) as response:
            download_module._set_read_timeout(response, 1.25)
            assert response.fp.raw._sock.gettimeout() == 1.25


def test_a_connection_reset_mid_file_says_how_far_it_got(served, tmp_path):
    contents, expected = served
    with local_mirror(contents) as (base, _):
        with pytest.raises(DownloadError) as caught:
            download_mnist(tmp_path / "cache", mirrors=[f"{base}/reset/"], progress=False, expected=expected)
    assert re.search(rf"{base}/reset/{FIRST}: connection lost after [\d,]+ of {len(contents[FIRST]):,} bytes "
                     rf"\(\[Errno 104\] Connection reset by peer\)", str(caught.value)), str(caught.value)


def test_a_server_sending_more_than_the_file_is_refused(served, tmp_path):
    contents, expected = served
    with local_mirror(contents) as (base, _):
        with pytest.raises(DownloadError) as caught:
            download_mnist(tmp_path / "cache", mirrors=[f"{base}/long/"], progress=False, expected=expected)
    assert f"{base}/long/{FIRST}: sent more than the expected {len(contents[FIRST]):,} bytes" in str(caught.value)
    assert list((tmp_path / "cache").iterdir()) == []


# --- the cache: what is trusted, what is fetched again ---

def test_a_cached_file_of_the_right_size_but_other_bytes_is_fetched_again(served, tmp_path, capsys):
    """Size alone is not trusted: a file of the expected length whose SHA-256 differs is replaced."""
    contents, expected = served
    cache = tmp_path / "cache"
    cache.mkdir()
    name = "train-labels-idx1-ubyte.gz"
    (cache / name).write_bytes(bytes(len(contents[name])))           # same size, all zeros
    with local_mirror(contents) as (base, server):
        download_mnist(cache, mirrors=[f"{base}/good/"], expected=expected)
        assert sorted(server.requests) == sorted(f"/good/{n}" for n in contents)
    assert (cache / name).read_bytes() == contents[name]
    assert f"{name}: the file present fails its size/SHA-256 check; fetching it again\n" in capsys.readouterr().err


def test_only_the_missing_files_are_fetched(served, tmp_path, capsys):
    contents, expected = served
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / FIRST).write_bytes(contents[FIRST])
    with local_mirror(contents) as (base, server):
        download_mnist(cache, mirrors=[f"{base}/good/"], expected=expected)
        assert sorted(server.requests) == sorted(f"/good/{n}" for n in contents if n != FIRST)
    assert sorted(p.name for p in cache.iterdir()) == sorted(contents)
    assert capsys.readouterr().err.startswith(f"{FIRST}: already downloaded and verified\n")


def test_the_cache_folder_and_its_parents_are_created(served, tmp_path):
    contents, expected = served
    cache = tmp_path / "a" / "b" / "cache"
    with local_mirror(contents) as (base, _):
        assert download_mnist(cache, mirrors=[f"{base}/good/"], progress=False, expected=expected) == cache
    assert sorted(p.name for p in cache.iterdir()) == sorted(contents)


def test_a_cache_folder_that_cannot_be_made_is_a_download_error(tmp_path):
    (tmp_path / "file").write_text("in the way")
    with pytest.raises(DownloadError) as caught:
        download_mnist(tmp_path / "file" / "cache", mirrors=["http://127.0.0.1:9/"], progress=False)
    assert str(caught.value) == f"cannot create the data folder {tmp_path / 'file' / 'cache'}: Not a directory"


@pytest.mark.parametrize("mirrors", [[], [""], ["http://ok/", 3], "http://a-string/"])
def test_mirrors_must_be_a_list_of_urls(tmp_path, mirrors):
    """A plain string is refused too: as a list it would be one-letter "URLs" ('h', 't', ...)."""
    with pytest.raises(ConfigError) as caught:
        download_mnist(tmp_path, mirrors=mirrors, progress=False)
    assert str(caught.value) == f"mirrors must be a non-empty list of base URLs, got {mirrors!r}"


# --- what it says and what it sends ---

def test_the_log_line_by_line(served, tmp_path, capsys):
    """On a log (not a terminal): one line per attempt; a bar's final line once bytes came."""
    contents, expected = served
    cache = tmp_path / "cache"
    with local_mirror(contents) as (base, _):
        host = base.removeprefix("http://")
        download_mnist(cache, mirrors=[f"{base}/404/", f"{base}/corrupt/", f"{base}/good/"], expected=expected)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 12
    size = len(contents[FIRST]) / 1e3
    bar = f"[{'#' * 30}] {size:.1f} kB/{size:.1f} kB 100%  {FIRST} from {host}"
    assert lines[0] == f"{FIRST} from {host}: failed: HTTP 404 Not Found"
    assert re.fullmatch(re.escape(bar) + r"  failed: SHA-256 mismatch: got [0-9a-f]{16}\.\.\., expected "
                        + expected[FIRST][1][:16] + r"\.\.\. \(corrupt or not the MNIST file\); nothing kept", lines[1])
    assert lines[2] == bar + "  ok, SHA-256 verified"


def test_quiet_means_silent(served, tmp_path, capsys):
    contents, expected = served
    with local_mirror(contents) as (base, _):
        download_mnist(tmp_path / "cache", mirrors=[f"{base}/404/", f"{base}/good/"], progress=False,
                       expected=expected)
        download_mnist(tmp_path / "cache", mirrors=[f"{base}/good/"], progress=False, expected=expected)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("error, status", [(KeyboardInterrupt, "interrupted; nothing kept"),
                                           (RuntimeError("boom"), "failed: boom")])
def test_stopped_before_any_byte_the_log_says_so_without_a_bar(served, tmp_path, capsys, monkeypatch, error,
                                                                status):
    contents, expected = served

    def stopped(*args, **kwargs):
        raise error
    monkeypatch.setattr(download_module.urllib.request, "urlopen", stopped)
    with pytest.raises(type(error) if isinstance(error, Exception) else error):
        download_mnist(tmp_path / "cache", mirrors=["http://127.0.0.1:9/"], expected=expected)
    assert capsys.readouterr().err == f"{FIRST} from 127.0.0.1:9: {status}\n"


def test_an_unexpected_error_is_reported_and_raised_as_it_is(served, tmp_path, capsys, monkeypatch):
    contents, expected = served

    def broken(*args, **kwargs):
        raise MemoryError("no memory left")
    monkeypatch.setattr(download_module.hashlib, "sha256", broken)
    with local_mirror(contents) as (base, _):
        host = base.removeprefix("http://")
        with pytest.raises(MemoryError):
            download_mnist(tmp_path / "cache", mirrors=[f"{base}/good/"], expected=expected)
    size = len(contents[FIRST]) / 1e3
    assert capsys.readouterr().err == (f"[{'.' * 30}]   0.0 kB/{size:.1f} kB   0%  {FIRST} from {host}  failed: "
                                       f"no memory left; nothing kept\n")


def test_the_server_is_told_who_asks(served, tmp_path):
    contents, expected = served
    with local_mirror(contents) as (base, server):
        download_mnist(tmp_path / "cache", mirrors=[f"{base}/good/"], progress=False, expected=expected)
    assert server.user_agents == [f"chainrule/{chainrule.__version__}"] * 4


def test_the_failure_message_lists_each_mirror_on_its_own_line(served, tmp_path):
    contents, expected = served
    cache = tmp_path / "cache"
    with local_mirror(contents) as (base, _):
        with pytest.raises(DownloadError) as caught:
            download_mnist(cache, mirrors=[f"{base}/404/", f"{base}/corrupt"], progress=False, expected=expected)
    lines = str(caught.value).splitlines()
    assert lines[:3] == [f"no mirror delivered {FIRST}:", f"  - {base}/404/{FIRST}: HTTP 404 Not Found",
                         lines[2]]
    assert lines[2].startswith(f"  - {base}/corrupt/{FIRST}: SHA-256 mismatch")    # one "/" between mirror and file
    assert lines[3].startswith(f"Nothing half-written was kept in {cache} (files verified earlier stay).")
    assert len(lines) == 4


def test_the_default_mirrors_are_the_published_ones(served, tmp_path, monkeypatch):
    contents, expected = served
    monkeypatch.setattr(download_module, "MNIST_MIRRORS", ("http://127.0.0.1:9/mnist/",))   # never the internet
    with pytest.raises(DownloadError) as caught:
        download_mnist(tmp_path / "cache", progress=False, expected=expected)
    assert f"  - http://127.0.0.1:9/mnist/{FIRST}: cannot connect: " in str(caught.value)


def test_errors_without_a_message_are_named_by_their_type(served, tmp_path, monkeypatch):
    import http.client
    contents, expected = served

    def refused(*args, **kwargs):
        raise http.client.HTTPException()
    monkeypatch.setattr(download_module.urllib.request, "urlopen", refused)
    with pytest.raises(DownloadError) as caught:
        download_mnist(tmp_path / "cache", mirrors=["http://127.0.0.1:9/"], progress=False, expected=expected)
    assert f"http://127.0.0.1:9/{FIRST}: cannot connect: HTTPException" in str(caught.value)

    class Response:
        headers = {}

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read1(self, n):
            raise http.client.HTTPException()
        read = read1
    monkeypatch.setattr(download_module.urllib.request, "urlopen", lambda *a, **k: Response())
    with pytest.raises(DownloadError) as caught:
        download_mnist(tmp_path / "cache", mirrors=["http://127.0.0.1:9/"], progress=False, expected=expected)
    assert (f"http://127.0.0.1:9/{FIRST}: connection lost after 0 of {len(contents[FIRST]):,} bytes (HTTPException)"
            in str(caught.value))


def test_ctrl_c_mid_file_finishes_its_bar(served, tmp_path, capsys, monkeypatch):
    contents, expected = served
    monkeypatch.setattr(download_module.ByteProgress, "update",
                        lambda self, n: (_ for _ in ()).throw(KeyboardInterrupt))
    with local_mirror(contents) as (base, _):
        host = base.removeprefix("http://")
        with pytest.raises(KeyboardInterrupt):
            download_mnist(tmp_path / "cache", mirrors=[f"{base}/good/"], expected=expected)
    size = len(contents[FIRST]) / 1e3
    assert capsys.readouterr().err == (f"[{'.' * 30}]   0.0 kB/{size:.1f} kB   0%  {FIRST} from {host}  "
                                       f"interrupted; nothing kept\n")


class Stepping(Clock):
    """A clock that moves 10 s each time it is read."""

    def monotonic(self):
        self.now += 10.0
        return self.now


def test_the_deadline_bounds_each_read_and_ends_the_file(served, tmp_path, monkeypatch):
    """On a clock moving 10 s a reading: 15 s are left at the first read (its socket gets 15 s, not the
    30 s timeout), none at the second: the file fails naming how far it got."""
    contents, expected = served
    waits = []
    real = download_module._set_read_timeout

    def spy(response, seconds):
        waits.append((hasattr(response, "read1"), seconds))
        real(response, seconds)
    monkeypatch.setattr(download_module, "_set_read_timeout", spy)
    monkeypatch.setattr(download_module, "time", Stepping(0.0))
    with local_mirror(contents) as (base, _):
        with pytest.raises(DownloadError) as caught:
            download_mnist(tmp_path / "cache", mirrors=[f"{base}/good/"], progress=False, expected=expected,
                           timeout=30, deadline=25, min_rate=0, rate_window=1e9)
    assert waits == [(True, 15.0)]
    assert re.search(rf"good/{FIRST}: deadline of 25 s per file \(--deadline, download_mnist\(deadline=\.\.\.\)\) "
                     rf"passed after [\d,]+ of {len(contents[FIRST]):,} bytes", str(caught.value)), str(caught.value)

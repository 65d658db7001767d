"""download_mnist against a real HTTP server on 127.0.0.1 serving generated MNIST-format files."""
import io
import re
import time

import numpy as np
import pytest

import chainrule.cli.commands.download_mnist as download_command
import chainrule.data.download as download_module
from chainrule.cli.main import main
from chainrule import ConfigError
from chainrule.data import DownloadError, MNIST_FILES, download_mnist, load_mnist
from chainrule.data.progress import ByteProgress

from mnist_testkit import closed_port_url, expected_for, local_mirror, write_fake_mnist


@pytest.fixture
def served(tmp_path):
    """Generated MNIST files (150 training + 50 test digits), their expected sizes/SHA-256, and the arrays."""
    contents, images, labels = write_fake_mnist(tmp_path / "source")
    return contents, expected_for(contents), images, labels


def leftovers(folder):
    """Anything in the cache folder that is not a finished file: temporary/partial files."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".part")


def test_download_from_a_good_mirror_then_load_it(served, tmp_path):
    contents, expected, images, labels = served
    cache = tmp_path / "cache"
    with local_mirror(contents) as (base, server):
        folder = download_mnist(cache, mirrors=[f"{base}/good/"], progress=False, expected=expected)
        assert folder == cache
        assert sorted(server.requests) == sorted(f"/good/{name}" for name in contents)
        for name, data in contents.items():
            assert (cache / name).read_bytes() == data

        # A second run finds the four files verified and fetches nothing.
        server.requests.clear()
        download_mnist(cache, mirrors=[f"{base}/good/"], progress=False, expected=expected)
        assert server.requests == []

    data = load_mnist("auto", data_dir=cache)
    assert data.source == "full" and data.n_train == 150 and str(cache) in data.description
    np.testing.assert_array_equal(data.images, images)
    np.testing.assert_array_equal(data.labels, labels)


def test_fail_over_past_a_404_and_a_corrupt_mirror(served, tmp_path, capsys):
    contents, expected, _, _ = served
    cache = tmp_path / "cache"
    with local_mirror(contents) as (base, server):
        download_mnist(cache, mirrors=[f"{base}/404/", f"{base}/corrupt/", f"{base}/good/"], expected=expected)
        for name in contents:  # each file: 404, then corrupt bytes, then the good copy
            assert [r for r in server.requests if r.endswith(name)] == \
                [f"/404/{name}", f"/corrupt/{name}", f"/good/{name}"]
    for name, data in contents.items():
        assert (cache / name).read_bytes() == data
    assert leftovers(cache) == []
    log = capsys.readouterr().err
    assert log.count("HTTP 404 Not Found") == 4
    assert log.count("SHA-256 mismatch") == 4
    assert log.count("ok, SHA-256 verified") == 4
    size = len(contents["train-images-idx3-ubyte.gz"])
    assert f"[{'#' * 30}] {size / 1e3:.1f} kB/{size / 1e3:.1f} kB 100%  train-images-idx3-ubyte.gz" in log


def test_every_mirror_failing_raises_download_error_and_keeps_nothing(served, tmp_path):
    contents, expected, _, _ = served
    cache = tmp_path / "cache"
    refused = closed_port_url()
    with local_mirror(contents) as (base, _):
        with pytest.raises(DownloadError) as caught:
            download_mnist(cache, mirrors=[f"{base}/404/", f"{base}/short/", f"{base}/corrupt/", refused],
                           progress=False, expected=expected)
    message = str(caught.value)
    first = next(iter(contents))
    assert f"no mirror delivered {first}" in message
    assert f"{base}/404/{first}: HTTP 404 Not Found" in message
    assert f"{base}/short/{first}: server announces {len(contents[first]) - 1:,} bytes, " \
           f"expected {len(contents[first]):,}" in message
    assert f"{base}/corrupt/{first}: SHA-256 mismatch" in message
    assert f"{refused}{first}: cannot connect" in message
    assert "shipped sample of 10,000 real MNIST digits" in message and "chainrule download-mnist" in message
    assert [url for url, _ in caught.value.failures] == [f"{base}/404/{first}", f"{base}/short/{first}",
                                                          f"{base}/corrupt/{first}", f"{refused}{first}"]
    assert list(cache.iterdir()) == []
    assert load_mnist("auto", data_dir=cache).source == "sample"  # and chainrule goes on with the sample


def test_connection_cut_mid_file_leaves_nothing_and_a_retry_succeeds(served, tmp_path):
    contents, expected, _, _ = served
    cache = tmp_path / "cache"
    with local_mirror(contents) as (base, _):
        with pytest.raises(DownloadError, match=r"connection (closed|lost) after [\d,]+ of [\d,]+ bytes"):
            download_mnist(cache, mirrors=[f"{base}/cut/"], progress=False, expected=expected)
        assert list(cache.iterdir()) == []  # no partial file, no temporary file

        download_mnist(cache, mirrors=[f"{base}/good/"], progress=False, expected=expected)
    assert sorted(p.name for p in cache.iterdir()) == sorted(contents)


def test_a_failed_download_leaves_the_cache_as_it_was(served, tmp_path):
    """A damaged file already in the cache is replaced only by a verified one, never by a partial one."""
    contents, expected, _, _ = served
    cache = tmp_path / "cache"
    cache.mkdir()
    damaged = contents["train-labels-idx1-ubyte.gz"][:-10]
    (cache / "train-labels-idx1-ubyte.gz").write_bytes(damaged)
    with local_mirror(contents) as (base, _):
        with pytest.raises(DownloadError):
            download_mnist(cache, mirrors=[f"{base}/cut/"], progress=False, expected=expected)
        assert (cache / "train-labels-idx1-ubyte.gz").read_bytes() == damaged
        assert leftovers(cache) == []
        download_mnist(cache, mirrors=[f"{base}/good/"], progress=False, expected=expected)
    assert (cache / "train-labels-idx1-ubyte.gz").read_bytes() == contents["train-labels-idx1-ubyte.gz"]


def test_ctrl_c_mid_file_leaves_no_partial_file(served, tmp_path, monkeypatch):
    contents, expected, _, _ = served
    cache = tmp_path / "cache"

    def interrupt(self, n_bytes):
        raise KeyboardInterrupt

    monkeypatch.setattr(ByteProgress, "update", interrupt)
    with local_mirror(contents) as (base, _):
        with pytest.raises(KeyboardInterrupt):
            download_mnist(cache, mirrors=[f"{base}/good/"], progress=True, expected=expected)
    assert list(cache.iterdir()) == []


def test_published_checksums_are_the_default(served, tmp_path):
    """Without ``expected``, generated files are rejected: the real MNIST sizes/SHA-256 are enforced."""
    contents, _, _, _ = served
    with local_mirror(contents) as (base, _):
        with pytest.raises(DownloadError, match=r"server announces [\d,]+ bytes, expected 9,912,422"):
            download_mnist(tmp_path / "cache", mirrors=[f"{base}/good/"], progress=False)
    assert MNIST_FILES["train-images-idx3-ubyte.gz"][0] == 9912422


def test_progress_bar_redraws_in_place_on_a_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")     # wide enough for the whole bar (narrower: tests/data/test_data_progress.py)

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    bar = ByteProgress("train-images-idx3-ubyte.gz", 9912422, screen)
    bar.update(4956211)
    bar.close("ok")
    assert screen.getvalue() == (
        "\r" + "[###############...............]   5.0 MB/9.9 MB  50%  train-images-idx3-ubyte.gz".ljust(99)
        + "\r" + " " * 99 + "\r[###############...............]   5.0 MB/9.9 MB  50%  train-images-idx3-ubyte.gz  ok\n")


def test_cli_download_with_a_user_mirror_and_the_guide_npz(served, tmp_path, monkeypatch, capsys):
    contents, expected, images, labels = served
    monkeypatch.setattr(download_module, "MNIST_FILES", expected)  # the CLI uses the published values
    monkeypatch.setattr(download_command, "MNIST_MIRRORS", (closed_port_url(),))  # never the internet
    cache, npz = tmp_path / "cache", tmp_path / "mnist_data.npz"
    with local_mirror(contents) as (base, _):
        code = main(["download-mnist", "--data-dir", str(cache), "--mirror", f"{base}/good/",
                     "--guide-npz", str(npz), "--quiet"])
    assert code == 0
    out = capsys.readouterr().out
    assert "MNIST ready: full MNIST: 200 digits (150 training, then 50 test)" in out
    with np.load(npz) as data:
        np.testing.assert_array_equal(data["images"], images)
        np.testing.assert_array_equal(data["labels"], labels)


def test_cli_without_network_says_what_failed_and_exits_2(tmp_path, monkeypatch, capsys):
    refused = closed_port_url()
    monkeypatch.setattr(download_command, "MNIST_MIRRORS", (refused,))
    code = main(["download-mnist", "--data-dir", str(tmp_path / "cache")])
    assert code == 2
    err = capsys.readouterr().err
    assert "chainrule download-mnist: error: no mirror delivered train-images-idx3-ubyte.gz" in err
    assert f"{refused}train-images-idx3-ubyte.gz: cannot connect" in err
    assert "shipped sample" in err and "Retry with `chainrule download-mnist`" in err


def test_a_server_dripping_a_byte_every_half_second_fails_fast_naming_the_minimum_rate(served, tmp_path):
    """The issue's dripping server: each read gets a byte before the socket timeout, so only a minimum rate
    ends it; here after one 0.9 s window, both limits named."""
    contents, expected, _, _ = served
    cache = tmp_path / "cache"
    with local_mirror(contents) as (base, server):
        server.pace = 0.5
        started = time.monotonic()
        with pytest.raises(DownloadError) as caught:
            download_mnist(cache, mirrors=[f"{base}/drip/"], progress=False, expected=expected, min_rate=1000,
                           rate_window=0.9, deadline=60)
        elapsed = time.monotonic() - started
    assert elapsed < 5                       # one window and a byte or two, not the file's 6 hours
    first = next(iter(contents))
    assert re.search(rf"{base}/drip/{first}: too slow: \d bytes/s over the last \d\.\d s, below the minimum rate of "
                     rf"1,000 bytes/s \(--min-rate, download_mnist\(min_rate=\.\.\.\)\); the deadline is 60 s per file",
                     str(caught.value)), str(caught.value)
    assert list(cache.iterdir()) == []


def test_a_steady_but_slow_server_is_stopped_by_the_deadline(served, tmp_path):
    """2,000 bytes every 0.05 s is well above the minimum rate, but the file would take seconds: the overall
    deadline per file ends it, and says how far it got."""
    contents, expected, _, _ = served
    cache = tmp_path / "cache"
    with local_mirror(contents) as (base, server):
        server.pace = 0.05
        started = time.monotonic()
        with pytest.raises(DownloadError, match=r"trickle/train-images-idx3-ubyte.gz: deadline of 0.5 s per file "
                                                r"\(--deadline, download_mnist\(deadline=...\)\) passed after [\d,]+ of [\d,]+ bytes"):
            download_mnist(cache, mirrors=[f"{base}/trickle/"], progress=False, expected=expected, deadline=0.5,
                           min_rate=1000, rate_window=0.2)
        assert time.monotonic() - started < 5
    assert list(cache.iterdir()) == []


def test_download_limits_are_checked(tmp_path):
    for name, value in (("deadline", 0), ("min_rate", -1), ("timeout", float("nan")), ("rate_window", "1")):
        with pytest.raises(ConfigError, match=rf"{name} must be a"):
            download_mnist(tmp_path, progress=False, **{name: value})

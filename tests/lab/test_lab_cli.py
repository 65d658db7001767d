"""``chainrule lab`` as a learner starts it: a real process, its link, its token, and Ctrl-C."""
import http.client
import os
import re
import signal
import subprocess
import sys

import pytest

from chainrule.cli.main import main

COMMAND = [sys.executable, "-c", "import sys; from chainrule.cli.main import main; sys.exit(main())"]


def _start(*args):
    process = subprocess.Popen([*COMMAND, "lab", "--no-browser", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines = [process.stdout.readline() for _ in range(4)]
    match = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=([\w-]+)(#\S*)?", "".join(lines))
    assert match, "".join(lines) + process.stderr.read()
    return process, int(match.group(1)), match.group(2), lines


def _get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_the_lab_starts_prints_its_link_and_stops_on_ctrl_c():
    process, port, token, lines = _start("#data=xor")
    try:
        assert lines[0] == "chainrule lab: XOR, 2 -> 4 -> 1 network, live at\n"
        assert lines[1].strip().endswith("#data=xor")
        assert "only with the token in that link. Ctrl-C stops it." in lines[3]
        assert _get(port, "/")[0] == 403
        status, page = _get(port, f"/?token={token}")
        assert status == 200 and b"chainrule lab" in page
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and "chainrule lab: stopped." in out and err == ""
    with pytest.raises(OSError):      # the port is closed
        _get(port, "/")


def test_save_page_and_a_bad_link(tmp_path, capsys):
    path = tmp_path / "lab.html"
    assert main(["lab", "--save-page", str(path), "#layers=2,3,1&seed=0"]) == 0
    assert capsys.readouterr().out.startswith(f"Wrote {path}: a 2 -> 3 -> 1 network, every value and its formula")
    page = path.read_text(encoding="utf-8")
    assert '"mode":"saved"' in page and "<script src" not in page and "<link rel=\"stylesheet" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)     # nothing to fetch: no network
    assert main(["lab", "--save-page", str(path)]) == 0
    assert "the guide's 2 -> 2 -> 1 hand-trace" in capsys.readouterr().out
    assert main(["lab", "--no-browser", "#layers=2,99,1"]) == 2
    assert capsys.readouterr().err == "chainrule lab: error: layers[1] must be between 1 and 8, got 99\n"


def test_a_taken_port_is_a_clear_error(capsys):
    process, port, _, _ = _start()
    try:
        code = main(["lab", "--no-browser", "--port", str(port)])
        captured = capsys.readouterr()
        assert code == 2, captured
        assert captured.err == (f"chainrule lab: error: cannot listen on 127.0.0.1:{port}: Address already "
                                f"in use; leave out --port to take a free one\n")
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert process.returncode == 0

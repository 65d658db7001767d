"""``chainrule lab --mine my_network.py`` as a learner starts it: what it prints, what it refuses, and Ctrl-C
leaving no process of the learner's code behind."""
import http.client
import json
import os
import re
import signal
import subprocess
import sys

from chainrule.cli.main import main
from minefiles import descendants, fixture, running

COMMAND = [sys.executable, "-c", "import sys; from chainrule.cli.main import main; sys.exit(main())"]


def _start(*args, cwd=None):
    process = subprocess.Popen([*COMMAND, "lab", "--no-browser", *args], cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    return process, [process.stdout.readline() for _ in range(6)]


def _stop(process, signum):
    """Send ``signum``; what the lab printed after it, once it has ended (killed if it does not within 30 s)."""
    try:
        process.send_signal(signum)
        return process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_ctrl_c_stops_the_lab_and_every_process_of_the_learners_code(tmp_path):
    path = tmp_path / "my_network.py"
    path.write_text(fixture("mistake_derivative_of_z").read_text())
    process, lines = _start("--mine", "my_network.py", cwd=tmp_path)
    try:
        assert lines[0] == "chainrule lab: the guide's 2 -> 2 -> 1 hand-trace, live at\n"
        assert lines[3] == ("Yours: my_network.py: class Network, run in chainrule check's sandbox (5 s a call), "
                            "beside chainrule's numbers;\n")
        port, token = re.search(r":(\d+)/\?token=([\w-]+)", lines[1]).groups()
        connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
        connection.request("POST", "/api/compute", body=json.dumps({"fragment": ""}),
                           headers={"Content-Type": "application/json", "X-Chainrule-Token": token})
        assert json.loads(connection.getresponse().read())["mine"]["first_wrong"] == "dL/dW2[0,0]"
        connection.close()
        processes = descendants(process.pid)       # its sandbox (supervisor, worker) and the background check
        assert len(processes) >= 2
    finally:
        out, err = _stop(process, signal.SIGINT)
    assert process.returncode == 0 and out.endswith("chainrule lab: stopped.\n") and err == ""
    assert not any(running(pid) for pid in processes)


def test_what_the_lab_refuses_before_it_starts(tmp_path, capsys):
    for argv, message in [
        (["--class", "Net"], "--class and --timeout go with --mine FILE.py (your own network)"),
        (["--timeout", "5"], "--class and --timeout go with --mine FILE.py (your own network)"),
        (["--mine", str(fixture("correct")), "--save-page", str(tmp_path / "lab.html")],
         "--save-page writes chainrule's values only; to keep yours beside them, open chainrule lab --mine FILE.py "
         "and press \"Save as page\""),
        (["--mine", str(tmp_path / "missing.py")], f"no such file: '{tmp_path / 'missing.py'}' (chainrule check "
                                                    f"takes the path of your .py file)"),
        (["--mine", str(fixture("correct")), "--timeout", "0"], "--timeout must be > 0 seconds, got 0"),
        (["--mine", str(fixture("no_network"))], f"{fixture('no_network')}: cannot load your Network: no class "
                                                  f"with forward() and backward()"),
    ]:
        assert main(["lab", "--no-browser", *argv]) == 2, argv
        assert capsys.readouterr().err == f"chainrule lab: error: {message}\n"


def test_kill_stops_it_as_cleanly_as_ctrl_c():
    process, _ = _start("--mine", str(fixture("correct")))
    processes = descendants(process.pid)
    out, err = _stop(process, signal.SIGTERM)
    assert process.returncode == 0 and out.endswith("chainrule lab: stopped.\n") and err == ""
    assert processes and not any(running(pid) for pid in processes)

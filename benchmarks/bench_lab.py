"""How long one training step of ``chainrule lab`` takes on the guide's 2->2->1 network, end to end; and one
compute with ``--mine`` (a learner's class beside chainrule's).

    python benchmarks/bench_lab.py [--repeat 200]

Six rows, measured in one run, each the median (and 90th percentile) of ``--repeat`` requests. A step:

- engine:   ``api.train`` on a request body: parse and check the state, one ``train_step``, the trace of the
            new state (forward, backward, update) with every value's formula, the JSON-ready answer;
- HTTP:     the same request through the lab's server on 127.0.0.1 (keep-alive), answer parsed;
- browser:  in headless Chromium, the page's own "Train 1 step" path: the request, the answer, and the whole
            page redrawn (network picture, tables, loss curve), timed in the page with performance.now().
            Skipped without Debian's chromium.

A compute with ``--mine`` on ``benchmarks/guide_network.py`` (the guide's practice-project class, as a learner's
file), its sandbox open as ``chainrule lab --mine`` keeps it: chainrule's trace of the state and, in the
learner's worker process, their forward, mse_loss, backward and train_step, then their forward on the weights
their step left (two calls), compared value by value:

- --mine, engine: ``api.compute`` with the provider, no HTTP;
- --mine, HTTP: the same through the server;
- --mine, browser: an edit's path in the page: the request, the answer, the page redrawn with both columns.

The targets are < 50 ms for the step's browser row (issue 14) and < 200 ms for the --mine browser row (still
interactive while typing).
"""
import argparse
import http.client
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from chainrule.lab import LabServer, api, guide_state  # noqa: E402
from chainrule.lab.mine_provider import MineProvider  # noqa: E402

TARGET_MS = 50.0
MINE_TARGET_MS = 200.0
LEARNER = Path(__file__).resolve().parent / "guide_network.py"


def summary(times_ms):
    ordered = sorted(times_ms)
    return statistics.median(ordered), ordered[int(0.9 * (len(ordered) - 1))]


def bench_engine(body, repeat, endpoint=api.train, mine=None):
    raw = json.dumps(body).encode()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        json.dumps(endpoint(api.parse_body(raw), mine=mine))
        times.append((time.perf_counter() - start) * 1000)
    return times


def bench_http(server, body, repeat, path="/api/train"):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = {"Content-Type": "application/json", "X-Chainrule-Token": server.token}
    raw = json.dumps(body).encode()   # bytes: http.client sends headers and body in one packet
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        connection.request("POST", path, body=raw, headers=headers)
        json.loads(connection.getresponse().read())
        times.append((time.perf_counter() - start) * 1000)
    connection.close()
    return times


BROWSER_STEP = """(async () => {
  const times = [];
  for (let k = 0; k < %d; k++) {
    const start = performance.now();
    await window.chainruleLab.train(1);
    times.push(performance.now() - start);
  }
  return times; })()"""


#: an edit's path: a new weight sent to the engine, both columns drawn from the answer
BROWSER_EDIT = """(async () => {
  const lab = window.chainruleLab, times = [];
  for (let k = 0; k < %d; k++) {
    const state = JSON.parse(JSON.stringify(lab.view.result.state));
    state.weights[1][0][0] = 0.5 + 0.001 * (k %% 100);
    const start = performance.now();
    await lab.send('/api/compute', {state: state});
    times.push(performance.now() - start);
  }
  return times; })()"""


def bench_browser(server, repeat, script=BROWSER_STEP):
    from chromium_cdp import CHROMIUM, Browser

    if CHROMIUM is None:
        return None
    with Browser(timeout=120) as browser:
        page = browser.new_page(1280, 1000)
        page.goto(server.url())
        page.wait_for("document.body.dataset.ready === 'true' && document.body.dataset.busy === 'false'")
        page.evaluate(script % 5)                         # warm up: the first draws compile the page's code
        times = page.evaluate(script % repeat, timeout=300)
        if script is BROWSER_STEP:
            steps = page.evaluate("window.chainruleLab.view.result.state.steps")
            assert steps == repeat + 5, steps
        else:
            shown = page.evaluate("document.querySelectorAll('#tables-body .yours.same').length")
            assert shown > 0, "the learner's values are not on the page"
        assert page.errors == [], page.errors
        return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="steps timed per row (default 200)")
    args = parser.parse_args(argv)
    body = {"state": guide_state().to_dict(), "steps": 1}
    print(f"$ python benchmarks/bench_lab.py{' --repeat ' + str(args.repeat) if args.repeat != 200 else ''}")
    print(f"One training step of the guide's 2->2->1 network in chainrule lab, and one compute with --mine "
          f"({LEARNER.name} as your file), {args.repeat} per row")
    print()
    bench_engine(body, 20)                                  # warm up imports and caches
    rows = [("engine (api.train, no HTTP)", bench_engine(body, args.repeat))]
    with LabServer() as server:
        bench_http(server, body, 20)
        rows.append(("HTTP round trip on 127.0.0.1", bench_http(server, body, args.repeat)))
        browser = bench_browser(server, args.repeat)
    rows.append(("browser: request + redraw", browser))
    compute = {"state": guide_state().to_dict()}
    with LabServer(mine=MineProvider(LEARNER, check=False)) as server:   # the server closes the sandbox
        bench_engine(compute, 20, api.compute, server.mine)
        rows.append(("--mine: compute (no HTTP)", bench_engine(compute, args.repeat, api.compute, server.mine)))
        rows.append(("--mine: HTTP round trip", bench_http(server, compute, args.repeat, "/api/compute")))
        mine_browser = bench_browser(server, args.repeat, BROWSER_EDIT)
    rows.append(("--mine: browser: edit + redraw", mine_browser))
    print(f"{'':32} {'median':>9} {'90th pct':>9}")
    for name, times in rows:
        if times is None:
            print(f"{name:32} {'skipped (no chromium)':>19}")
            continue
        median, p90 = summary(times)
        print(f"{name:32} {median:7.2f} ms {p90:6.2f} ms")
    if browser is not None:
        print()
    for label, times, target in (("one step answers", browser, TARGET_MS),
                                 ("an edit with --mine answers", mine_browser, MINE_TARGET_MS)):
        if times is not None:
            median, _ = summary(times)
            verdict = "met" if median < target else "MISSED"
            print(f"End to end, {label} in {median:.1f} ms (median): target < {target:g} ms {verdict}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

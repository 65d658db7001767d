"""How long one training step of ``chainrule lab`` takes on the guide's 2->2->1 network, end to end.

    python benchmarks/bench_lab.py [--repeat 200]

Three rows, measured in one run, each the median (and 90th percentile) of ``--repeat`` steps:

- engine:   ``api.train`` on a request body: parse and check the state, one ``train_step``, the trace of the
            new state (forward, backward, update) with every value's formula, the JSON-ready answer;
- HTTP:     the same request through the lab's server on 127.0.0.1 (keep-alive), answer parsed;
- browser:  in headless Chromium, the page's own "Train 1 step" path: the request, the answer, and the whole
            page redrawn (network picture, tables, loss curve), timed in the page with performance.now().
            Skipped without Debian's chromium.

The target is < 50 ms for the browser row (issue 14).
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

TARGET_MS = 50.0


def summary(times_ms):
    ordered = sorted(times_ms)
    return statistics.median(ordered), ordered[int(0.9 * (len(ordered) - 1))]


def bench_engine(body, repeat):
    raw = json.dumps(body).encode()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        json.dumps(api.train(api.parse_body(raw)))
        times.append((time.perf_counter() - start) * 1000)
    return times


def bench_http(server, body, repeat):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = {"Content-Type": "application/json", "X-Chainrule-Token": server.token}
    raw = json.dumps(body).encode()   # bytes: http.client sends headers and body in one packet
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        connection.request("POST", "/api/train", body=raw, headers=headers)
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


def bench_browser(server, repeat):
    from chromium_cdp import CHROMIUM, Browser

    if CHROMIUM is None:
        return None
    with Browser(timeout=120) as browser:
        page = browser.new_page(1280, 1000)
        page.goto(server.url())
        page.wait_for("document.body.dataset.ready === 'true' && document.body.dataset.busy === 'false'")
        page.evaluate(BROWSER_STEP % 5)                   # warm up: the first draws compile the page's code
        times = page.evaluate(BROWSER_STEP % repeat, timeout=120)
        steps = page.evaluate("window.chainruleLab.view.result.state.steps")
        assert steps == repeat + 5 and page.errors == [], (steps, page.errors)
        return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="steps timed per row (default 200)")
    args = parser.parse_args(argv)
    body = {"state": guide_state().to_dict(), "steps": 1}
    print(f"$ python benchmarks/bench_lab.py{' --repeat ' + str(args.repeat) if args.repeat != 200 else ''}")
    print(f"One training step of the guide's 2->2->1 network in chainrule lab, {args.repeat} steps per row")
    print()
    bench_engine(body, 20)                                  # warm up imports and caches
    rows = [("engine (api.train, no HTTP)", bench_engine(body, args.repeat))]
    with LabServer() as server:
        bench_http(server, body, 20)
        rows.append(("HTTP round trip on 127.0.0.1", bench_http(server, body, args.repeat)))
        browser = bench_browser(server, args.repeat)
    rows.append(("browser: request + redraw", browser))
    print(f"{'':32} {'median':>9} {'90th pct':>9}")
    for name, times in rows:
        if times is None:
            print(f"{name:32} {'skipped (no chromium)':>19}")
            continue
        median, p90 = summary(times)
        print(f"{name:32} {median:7.2f} ms {p90:6.2f} ms")
    if browser is not None:
        median, _ = summary(browser)
        verdict = "met" if median < TARGET_MS else "MISSED"
        print(f"\nEnd to end, one step answers in {median:.1f} ms (median): target < {TARGET_MS:g} ms {verdict}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

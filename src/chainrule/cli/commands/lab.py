"""``chainrule lab``: a live, editable network in the browser, every number computed by chainrule."""
import signal
import threading
import webbrowser

from ...errors import ConfigError
from ...lab import LabServer, save_page, state_from_fragment

DEFAULT_TIMEOUT = 5.0    # seconds a call into the learner's code may take: ms for a step, ~3 s to import torch


def register(subparsers):
    parser = subparsers.add_parser(
        "lab", help="backprop you can touch: a live, editable network in the browser (default: the guide's 2-2-1)",
        description="Start a local web page on chainrule's engine: the network as a picture, every z, a, delta "
                    "and gradient with its formula, editable weights, inputs, activations, loss and sizes, "
                    "step-by-step training and toy data sets with a live decision boundary. It listens on "
                    "127.0.0.1 only and needs the token in the link it prints.")
    parser.add_argument("link", nargs="?", default="",
                        help="a lab link or its #fragment to start from, e.g. '#layers=2,3,1&seed=0' or "
                             "'#data=xor' (default: the guide's 2->2->1 hand-trace)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--no-browser", action="store_true", help="print the link, do not open a browser")
    parser.add_argument("--save-page", metavar="FILE.html",
                        help="write the saved page of the link's state (self-contained, no server) and exit")
    parser.add_argument("--mine", metavar="FILE.py",
                        help="your own network (the guide's API): run in chainrule check's sandbox on the page's "
                             "weights and example, its values beside chainrule's, the first wrong one marked, and "
                             "chainrule check's diagnosis; saving the file reloads it")
    parser.add_argument("--class", dest="class_name", metavar="NAME",
                        help="with --mine: the class to run (default: the one with forward() and backward(), "
                             "preferring Network)")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help=f"with --mine: the most one call into your code may take, its import too "
                             f"(default {DEFAULT_TIMEOUT:g})")
    parser.set_defaults(func=run)


def _what(state):
    sizes = " -> ".join(map(str, state.layers))
    if state.data:
        return f"{state.dataset.title}, {sizes} network"
    if not state.steps and state.to_dict() == state_from_fragment("").to_dict():
        return f"the guide's {sizes} hand-trace"
    return f"a {sizes} network"


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run(args):
    state = state_from_fragment(args.link)          # a bad link fails here, before anything starts
    if (args.class_name or args.timeout is not None) and not args.mine:
        raise ConfigError("--class and --timeout go with --mine FILE.py (your own network)")
    if args.save_page and args.mine:
        raise ConfigError("--save-page writes chainrule's values only; to keep yours beside them, open "
                          "chainrule lab --mine FILE.py and press \"Save as page\"")
    if args.save_page:
        save_page(state, args.save_page)
        print(f"Wrote {args.save_page}: {_what(state)}, every value and its formula, step by step; "
              f"open it in any browser (no server needed)")
        return 0
    timeout = DEFAULT_TIMEOUT if args.timeout is None else args.timeout
    if not timeout > 0:
        raise ConfigError(f"--timeout must be > 0 seconds, got {timeout:g}")
    mine = None
    if args.mine:     # loaded now: a file that cannot be loaded is said here, and the lab does not start
        from ...lab.mine_provider import MineProvider
        mine = MineProvider(args.mine, args.class_name, timeout=timeout)
    try:
        server = LabServer(port=args.port, mine=mine)
    except BaseException:
        if mine is not None:
            mine.close()
        raise
    url = server.url(args.link)
    # `kill` stops it as cleanly as Ctrl-C: the handler is in place before the link is printed, since whoever
    # reads the link may stop the lab at once
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:   # from here on Ctrl-C stops the lab cleanly, even before it serves its first request
        yours = (f"Yours: {mine.source}, run in chainrule check's sandbox ({timeout:g} s a call), "
                 f"beside chainrule's numbers;\n  chainrule check runs on it in the background, and saving the "
                 f"file reloads it.\n") if mine else ""
        print(f"chainrule lab: {_what(state)}, live at\n  {url}\n"
              f"Every number on the page is computed by chainrule's layers and losses in this process.\n{yours}"
              f"It answers this computer only (127.0.0.1), and only with the token in that link. Ctrl-C stops it.",
              flush=True)
        if not args.no_browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()            # the port, and with --mine the sandbox and the check: every process is gone
    print("\nchainrule lab: stopped.", flush=True)
    return 0

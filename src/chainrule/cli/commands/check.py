"""``chainrule check my_network.py``: check your own Network against chainrule, finite differences and the
catalogue of mistakes learners make."""
import json

from ...check import check
from ...errors import ConfigError
from ..defaults import none_means


def register(subparsers):
    parser = subparsers.add_parser(
        "check", help="check your own Network class (the guide's API): which mistake, on which line",
        description="Runs your file in a sandbox (its own session, time and memory limits, capped output, nothing "
                    "left running), finds the class with the guide's API - Network(layer_sizes, seed), forward(x), "
                    "backward(target), and where present train_step, train_epoch and mse_loss - and compares it "
                    "with chainrule and with central differences of your own loss on seeded networks. A mistake is "
                    "named when one of the catalogue's models of it (or two together) reproduces your numbers; "
                    "--list-mistakes lists them. Exit code 1 when something fails.")
    parser.add_argument("path", nargs="?", help="your .py file")
    none_means(parser.add_argument("--class", dest="class_name", metavar="NAME", help="the class to check"),
               "the class with forward() and backward(), preferring one named Network")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds for the whole check")
    parser.add_argument("--probe-timeout", type=float, default=10.0, help="seconds for each call into your code")
    parser.add_argument("--memory-limit", type=int, default=2048, metavar="MB",
                        help="memory (address space) your code may use, in MB")
    parser.add_argument("--whole-file", action="store_true",
                        help="run your whole file, script statements included (default: only imports, "
                             "functions, classes and constants, so a training script at the bottom is skipped)")
    parser.add_argument("--show-output", action="store_true", help="show everything your code printed")
    parser.add_argument("--json", action="store_true",
                        help="print the result as JSON for a gradebook (schema 'chainrule-check/1')")
    parser.add_argument("--list-mistakes", action="store_true", help="list the mistakes chainrule check can name")
    parser.add_argument("--explain", metavar="NAME", help="explain one mistake of the list: why it is wrong, the fix")
    parser.set_defaults(func=run)


def run(args):
    if args.list_mistakes:
        from ...check.report import catalogue_text
        print(catalogue_text())
        return 0
    if args.explain:
        from ...check.report import explain_text
        print(explain_text(args.explain))
        return 0
    if not args.path:
        raise ConfigError("chainrule check takes the path of your .py file (or --list-mistakes, --explain NAME)")
    for name, value in (("--timeout", args.timeout), ("--probe-timeout", args.probe_timeout),
                        ("--memory-limit", args.memory_limit)):
        if not value > 0:
            raise ConfigError(f"{name} must be > 0, got {value}")
    result = check(args.path, class_name=args.class_name, timeout=args.timeout, probe_timeout=args.probe_timeout,
                   memory_limit=args.memory_limit, whole_file=args.whole_file)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        from ...check.report import render
        print(render(result, show_printed=10 ** 9 if args.show_output else 5))
    return result.exit_code

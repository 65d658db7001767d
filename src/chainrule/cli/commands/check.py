"""``chainrule check my_network.py``: check your own Network against chainrule and finite differences."""
import json

from ...check import check


def register(subparsers):
    parser = subparsers.add_parser(
        "check", help="check your own Network class (the guide's API) against chainrule and finite differences",
        description="Imports your file in a separate process (with a time limit), finds the class with the "
                    "guide's API - Network(layer_sizes, seed), forward(x), backward(target), and where present "
                    "train_step, train_epoch and mse_loss - and compares it with chainrule and with central "
                    "differences of your own loss on seeded networks. Prints what passed, the first failure "
                    "with the numbers side by side, and a diagnosis. Exit code 1 when something fails.")
    parser.add_argument("path", help="your .py file")
    parser.add_argument("--class", dest="class_name", metavar="NAME", help="the class to check (default: the "
                        "class with forward() and backward(), preferring one named Network)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds for the whole check (default 60)")
    parser.add_argument("--probe-timeout", type=float, default=10.0,
                        help="seconds for each call into your code (default 10)")
    parser.add_argument("--whole-file", action="store_true",
                        help="run your whole file, script statements included (default: only imports, "
                             "functions, classes and constants, so a training script at the bottom is skipped)")
    parser.add_argument("--show-output", action="store_true", help="show everything your code printed")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=run)


def run(args):
    result = check(args.path, class_name=args.class_name, timeout=args.timeout, probe_timeout=args.probe_timeout,
                   whole_file=args.whole_file)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        from ...check.result import render
        print(render(result, show_printed=10 ** 9 if args.show_output else 5))
    return result.exit_code

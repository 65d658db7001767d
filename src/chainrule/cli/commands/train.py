"""``chainrule train``: the guide's practice project (MNIST digits 0-4, [784, 64, 5], sigmoid, MSE, lr 0.5)."""
import sys

from ...training.project import header_lines, prepare_data, build_network, summary_lines, train_project, write_outputs
from ...training.cli_options import add_data_options, add_fit_options, add_model_options, config_from_args


def register(subparsers):
    parser = subparsers.add_parser(
        "train", help="train on MNIST digits (the guide's practice project), offline, in seconds",
        description="Train a network on MNIST digits and write the model, the loss curve and an HTML report. "
                    "With no options: the guide's project (digits 0-4, [784, 64, 5], sigmoid, MSE, SGD with "
                    "learning rate 0.5, batch 32) on the shipped sample.")
    add_data_options(parser)
    add_model_options(parser)
    add_fit_options(parser)
    group = parser.add_argument_group("output")
    group.add_argument("--out", default="runs/train", help="output folder (default runs/train)")
    group.add_argument("--no-report", action="store_true", help="skip the HTML report")
    group.add_argument("--progress", choices=["auto", "bar", "epochs"], default="auto",
                       help="per-batch progress bar (bar), epoch lines only (epochs), or bar on a terminal (auto)")
    parser.set_defaults(func=run)


def run(args):
    config = config_from_args(args)
    data = prepare_data(config)
    for line in header_lines(config, data, build_network(config)):
        print(line)
    print()
    progress = args.progress
    if progress == "auto":
        progress = "bar" if sys.stderr.isatty() else "epochs"
    result = train_project(config, progress=True if progress == "bar" else "epochs", data=data)
    files = write_outputs(result, args.out, report=not args.no_report)
    print()
    for line in summary_lines(result):
        print(line)
    print("Wrote " + ", ".join(files.values()))
    print(f"Next: chainrule evaluate {files['model']}"
          + (f"   (open {files['report']} in a browser)" if "report" in files else ""))
    return 0

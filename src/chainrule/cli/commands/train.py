"""``chainrule train``: the guide's practice project (MNIST digits 0-4, [784, 64, 5], sigmoid, MSE, lr 0.5)."""
import os
import sys
from dataclasses import replace

from ...errors import ConfigError
from ...files import run_lock
from ...training.checkpoint import load_checkpoint
from ...project.run import (check_outputs, header_lines, prepare_data, build_network, summary_lines, train_project,
                            write_outputs)
from ...project.settings import GUIDE_SETTINGS as GUIDE, ProjectConfig, format_digits
from ...project.cli_options import add_data_options, add_fit_options, add_model_options, config_from_args


def register(subparsers):
    parser = subparsers.add_parser(
        "train", help="train on MNIST digits (the guide's practice project), offline, in seconds",
        description="Train a network on MNIST digits and write the model, the loss curve and an HTML report. "
                    f"With no options: the guide's project (digits {format_digits(GUIDE.digits)}, {GUIDE.layer_sizes}, "
                    f"{GUIDE.activation}, {GUIDE.loss.upper()}, {GUIDE.optimizer.upper()} with learning rate "
                    f"{GUIDE.learning_rate:g}, batch {GUIDE.batch_size}) on the shipped sample.")
    add_data_options(parser)
    add_model_options(parser)
    add_fit_options(parser)
    group = parser.add_argument_group("output")
    group.add_argument("--out", default="runs/train", help="output folder (default runs/train)")
    group.add_argument("--no-report", action="store_true", help="skip the HTML report")
    group.add_argument("--progress", choices=["auto", "bar", "epochs"], default="auto",
                       help="per-batch progress bar (bar), epoch lines only (epochs), or bar on a terminal (auto)")
    group.add_argument("--checkpoint", default=None, metavar="FILE",
                       help="save the whole training state here after every epoch and on Ctrl-C "
                            "(default OUT/checkpoint.npz)")
    group.add_argument("--no-checkpoint", action="store_true", help="write no checkpoint")
    group.add_argument("--resume", default=None, metavar="CHECKPOINT",
                       help="continue an interrupted run from its checkpoint, with its settings (only --epochs "
                            "may change); the result is bit-identical to a run never interrupted")
    parser.set_defaults(func=run)


def _resumed_config(args):
    checkpoint = load_checkpoint(args.resume)
    settings = checkpoint.metadata.get("config")
    if checkpoint.metadata.get("project") != "mnist" or not isinstance(settings, dict):
        raise ConfigError(f"checkpoint {args.resume!r} was not written by chainrule train (it has no project "
                          f"settings); resume it with chainrule.training.fit(..., resume=...)")
    config = ProjectConfig.from_saved(settings, f"checkpoint {args.resume!r}")
    if args.epochs is not None:
        config = replace(config, epochs=args.epochs)
    print(f"Resuming from {args.resume}: {checkpoint.epoch} of {config.epochs} epochs done"
          + (" and part of the next" if checkpoint.in_epoch else "") + " (settings from the checkpoint)")
    return config, checkpoint


def run(args):
    """The output folder is created, checked writable and locked before anything is loaded or trained."""
    checkpoint_path = None if args.no_checkpoint else (args.checkpoint or os.path.join(args.out, "checkpoint.npz"))
    with run_lock(args.out):
        check_outputs(args.out, report=not args.no_report, checkpoint=checkpoint_path)
        return _train(args, checkpoint_path)


def _train(args, checkpoint_path):
    checkpoint = None
    if args.resume:
        config, checkpoint = _resumed_config(args)
    else:
        config = config_from_args(args)
    data = prepare_data(config)
    for line in header_lines(config, data, build_network(config)):
        print(line)
    print()
    progress = args.progress
    if progress == "auto":
        progress = "bar" if sys.stderr.isatty() else "epochs"
    result = train_project(config, progress=True if progress == "bar" else "epochs", data=data,
                           checkpoint=checkpoint_path, resume=checkpoint)
    files = write_outputs(result, args.out, report=not args.no_report)
    print()
    for line in summary_lines(result):
        print(line)
    findings = result.history.findings
    if findings:
        print(f"Diagnostics: {len(findings)} finding(s), explained above and in the report: "
              + "; ".join(f["title"] for f in findings))
    print("Wrote " + ", ".join(files.values()) + (f", {checkpoint_path}" if checkpoint_path else ""))
    interrupted = (result.history.stop_reason or "").startswith("interrupted")
    if interrupted and checkpoint_path:
        print(f"Continue with: chainrule train --resume {checkpoint_path}"
              + (f" --out {args.out}" if args.out != "runs/train" else ""))
        return 130
    print(f"Next: chainrule evaluate {files['model']}"
          + (f"   (open {files['report']} in a browser)" if "report" in files else ""))
    return 130 if interrupted else 0

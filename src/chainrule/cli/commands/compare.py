"""``chainrule compare``: several architectures and losses trained on the same split, on one plot."""
from ...core.losses import LOSSES
from ...data.mnist import MNIST_PIXELS
from ...files import check_output_folder, run_lock
from ...project.cli_options import add_data_options, add_fit_options, add_model_options, config_from_args, int_list
from ...project.compare import run_comparison, variants, write_comparison

DEFAULT_ARCHS = [f"{MNIST_PIXELS},32,10", f"{MNIST_PIXELS},128,64,10"]
DEFAULT_LOSSES = ["mse", "softmax_cross_entropy"]


def register(subparsers):
    parser = subparsers.add_parser(
        "compare", help="compare architectures and losses (e.g. MSE vs cross-entropy) on one plot",
        description="Train every combination of --arch and --loss on the same data split with the same seed and "
                    "plot their training loss and test accuracy on one figure. Default: all 10 digits, "
                    f"architectures {' and '.join(DEFAULT_ARCHS)}, losses {' and '.join(DEFAULT_LOSSES)}, "
                    "10 epochs each.")
    parser.add_argument("--arch", action="append", default=None, metavar="SIZES",
                        help=f"layer sizes, e.g. {MNIST_PIXELS},128,64,10 (repeat the option to compare several)")
    parser.add_argument("--loss", action="append", default=None,
                        choices=list(LOSSES),
                        help="loss (repeat to compare several)")
    add_data_options(parser)
    add_model_options(parser, layers=False)
    add_fit_options(parser, loss=False)
    parser.add_argument("--out", default="runs/compare", help="output folder (default runs/compare)")
    parser.set_defaults(func=run, digits=None)


def run(args):
    """The output folder is checked writable and locked before any training (as for ``chainrule train``)."""
    with run_lock(args.out):
        check_output_folder(args.out, ["compare.png", "compare.json"])
        return _compare(args)


def _compare(args):
    base = config_from_args(args, digits=args.digits or "0-9", epochs=10 if args.epochs is None else args.epochs)
    archs = [int_list(a) for a in (args.arch or DEFAULT_ARCHS)]
    configs = variants(base, archs, args.loss or DEFAULT_LOSSES)
    print(f"Comparing {len(configs)} runs on MNIST digits {args.digits or '0-9'}: {base.epochs} epochs each, "
          f"{base.optimizer} with learning rate {base.learning_rate:g}, batch {base.batch_size}, seed {base.seed}")
    print(f"{'run':<40} {'train loss':>10} {'test acc':>9} {'seconds':>8}")

    def log(run):
        print(f"{run.label:<40} {run.history.train_loss[-1]:>10.4f} {100 * run.test_accuracy:>8.1f}% "
              f"{run.seconds:>8.2f}", flush=True)

    runs = run_comparison(configs, log=log)
    files = write_comparison(runs, args.out)
    best = max(runs, key=lambda r: r.test_accuracy)
    print(f"Best: {best.label} ({100 * best.test_accuracy:.1f}%). Losses differ in scale: compare their test "
          f"accuracy, and the loss curves' shapes.")
    print("Wrote " + ", ".join(files.values()))
    return 0

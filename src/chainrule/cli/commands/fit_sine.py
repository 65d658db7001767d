"""``chainrule fit-sine``: the guide's loss curve and learned sine (``training_curve.png``)."""
from ...viz import fit_sine, format_sine
from ...viz.cli_options import add_figure_options, figure_path


def register(subparsers):
    parser = subparsers.add_parser(
        "fit-sine", help="fit sin(x) and plot the loss curve and the learned function (the guide's Section 4)",
        description="The guide's 'Monitoring Training' block: 50 points of sin(x) on [0, pi], "
                    "Network([1, 8, 1], seed=42), learning rate 2.0, 1000 epochs of one train_step per example.")
    parser.add_argument("--epochs", type=int, default=1000, help="passes over the training data")
    parser.add_argument("--learning-rate", "--lr", type=float, default=2.0, dest="learning_rate",
                        help="step size of gradient descent")
    add_figure_options(parser, "training_curve.png")
    parser.set_defaults(func=run)


def run(args):
    print(format_sine(fit_sine(args.epochs, args.learning_rate, out=figure_path(args))))
    return 0

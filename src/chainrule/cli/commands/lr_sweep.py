"""``chainrule lr-sweep``: XOR at several learning rates from the same initial weights (``learning_rates.png``)."""
from ...viz import format_sweep, lr_sweep
from ...viz.trace_spec import _parse_sizes
from ...viz.cli_options import add_figure_options, figure_path, numbers


def register(subparsers):
    parser = subparsers.add_parser(
        "lr-sweep", help="XOR trained at several learning rates from the same weights (the guide's Section 3)",
        description="The guide's learning-rate experiment: Network([2, 4, 1], seed=42) on XOR, one train_step per "
                    "example, the same initial weights for each rate. --steps 2000 --lrs 0.1,0.5,2,10 --decimals 6 "
                    "is Exercise 3.2.")
    parser.add_argument("--lrs", type=numbers, default=[0.1, 1.0, 5.0, 50.0],
                        help="learning rates, comma-separated")
    parser.add_argument("--steps", type=int, default=500, help="passes over the four examples")
    parser.add_argument("--layers", default="2,4,1", help="layer sizes")
    parser.add_argument("--seed", type=int, default=42, help="seed of the network's weights")
    parser.add_argument("--decimals", type=int, default=4, help="decimals of the final losses")
    add_figure_options(parser, "learning_rates.png")
    parser.set_defaults(func=run)


def run(args):
    sweep = lr_sweep(args.lrs, args.steps, _parse_sizes(args.layers), args.seed, out=figure_path(args))
    print(format_sweep(sweep, args.decimals))
    return 0

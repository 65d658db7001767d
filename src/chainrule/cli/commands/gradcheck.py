"""``chainrule gradcheck``: the gradient-check report for a seeded network of any shape, activation and loss."""
from ...viz import format_gradient_check, seeded_gradient_check
from ...viz.cli_options import add_figure_options, figure_path, numbers
from ..defaults import none_means


def register(subparsers):
    parser = subparsers.add_parser(
        "gradcheck", help="check every backprop gradient of a seeded network against central differences",
        description="Gradient check of Network(layers, seed, activation, loss) on one example. Defaults: the "
                    "guide's Network([2, 2, 1], seed=0), x = [1, 2], target [1]; for 3 inputs and 2 outputs "
                    "the guide's Exercise 2.2 example.")
    parser.add_argument("--layers", default="2,2,1", help="layer sizes, e.g. 3,4,2")
    parser.add_argument("--seed", type=int, default=0, help="seed of the network's weights")
    parser.add_argument("--activation", default="sigmoid", help="hidden activation")
    none_means(parser.add_argument("--output-activation", help="output activation"),
               "sigmoid; identity for softmax_cross_entropy")
    parser.add_argument("--loss", default="mse", help="mse, cross_entropy or softmax_cross_entropy")
    none_means(parser.add_argument("--x", type=numbers, help="the input, comma-separated"),
               "the guide's example for its shapes, else drawn from --seed")
    none_means(parser.add_argument("--target", type=numbers, help="the target, comma-separated"),
               "the guide's for its shapes, else 1,0,1,...")
    parser.add_argument("--epsilon", type=float, default=1e-5, help="step of the central differences")
    parser.add_argument("--tolerance", type=float, default=1e-5,
                        help="largest |analytical - numerical| that passes; the guide's is 1e-5")
    add_figure_options(parser, "gradient_check.png")
    parser.set_defaults(func=run)


def run(args):
    result = seeded_gradient_check(args.layers, args.seed, args.activation, args.output_activation, args.loss,
                                   args.x, args.target, args.epsilon, args.tolerance, out=figure_path(args))
    print(format_gradient_check(result))
    return 0 if result.report.passed else 1

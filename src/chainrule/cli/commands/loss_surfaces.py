"""``chainrule loss-surfaces``: MSE against cross-entropy for a sigmoid output (the guide's Section 1)."""
from ...viz import format_loss_surfaces, loss_surfaces
from ...viz.cli_options import add_figure_options, figure_path


def register(subparsers):
    parser = subparsers.add_parser(
        "loss-surfaces", help="MSE vs cross-entropy: loss and gradient against the prediction, and loss surfaces",
        description="The guide's Section 1 table with the real values, the gradient each loss sends through a "
                    "sigmoid output (MSE's vanishes when the network is confidently wrong), and both losses over "
                    "the two output weights of the guide's 2-2-1 network.")
    add_figure_options(parser, "loss_surfaces.png")
    parser.set_defaults(func=run)


def run(args):
    print(format_loss_surfaces(loss_surfaces(out=figure_path(args))))
    return 0

"""``chainrule overfit``: train and test loss per epoch on noisy sine data: does the test loss rise?"""
from ...viz import OVERFIT_SETUPS, format_overfit, overfit_study
from ...viz.cli_options import add_figure_options, figure_path
from ..defaults import none_means


def register(subparsers):
    parser = subparsers.add_parser(
        "overfit", help="train/test loss on noisy sine data: the guide's set-ups, and one that does overfit",
        description="The guide's overfitting demo (Section 4) and Exercise 4.1, with the real numbers: their test "
                    "loss does not clearly rise. Then a set-up found by experiment where it does.")
    parser.add_argument("--setup", choices=list(OVERFIT_SETUPS) + ["all"], default="all",
                        help="guide (Section 4), exercise (Exercise 4.1), shows (one that overfits), or all three")
    none_means(parser.add_argument("--epochs", type=int, help="override the set-up's number of epochs"),
               "each set-up's own")
    add_figure_options(parser, "overfitting.png")
    parser.set_defaults(func=run)


def run(args):
    setups = list(OVERFIT_SETUPS) if args.setup == "all" else [args.setup]
    runs = overfit_study(setups, args.epochs, out=figure_path(args))
    blocks = []
    for run in runs:
        text = format_overfit(run)
        blocks.append(text.rsplit("\n\nFigure: ", 1)[0])
    print("\n\n".join(blocks))
    if runs[0].figure:
        print(f"\nFigure: {runs[0].figure}")
    return 0

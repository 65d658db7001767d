"""Options shared by the figure commands: ``--out FILE`` and ``--no-figure``; and comma-separated numbers."""
from ..errors import ConfigError


def add_figure_options(parser, default):
    parser.add_argument("--out", default=default, metavar="FILE",
                        help="where to write the figure: .png, .pdf or .svg")
    parser.add_argument("--no-figure", action="store_true", help="print the numbers only")


def figure_path(args):
    return None if args.no_figure else args.out


def numbers(text):
    try:
        return [float(v) for v in text.replace(" ", "").split(",") if v]
    except ValueError:
        raise ConfigError(f"expected comma-separated numbers such as 0.1,1,5, got {text!r}") from None

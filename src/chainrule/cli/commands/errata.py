"""``chainrule errata``: where the guide's printed output is wrong, why, and how to reproduce the right one."""
from ...guide.errata import format_errata, parse_blocks


def register(subparsers):
    parser = subparsers.add_parser(
        "errata", help="where the guide's printed output is wrong, and why (all, or one block's)",
        description="Print the errata of the guide 'Training and Backpropagation' (shipped inside chainrule): "
                    "every printed number or claim that its code does not produce, what the code really prints, "
                    "why, the command that reproduces it and the test that pins it. With block numbers, only "
                    "what concerns those blocks.")
    parser.add_argument("blocks", nargs="*", metavar="BLOCK",
                        help="guide block numbers (1-36, as `chainrule guide --list` numbers them) or ranges "
                             "such as 9-13; none: the whole document")
    parser.set_defaults(func=run)


def run(args):
    print(format_errata(parse_blocks(args.blocks)))
    return 0

"""``chainrule guide``: what the guide's code really prints, block by block, computed with chainrule."""
from ...errors import ConfigError
from ...guide import BLOCKS, run_block
from ...guide.errata import errata_command, see_errata


def register(subparsers):
    parser = subparsers.add_parser(
        "guide", help=f"print what a block of the guide really prints ({see_errata()} where the guide differs)",
        description="Run a python block of the guide 'Training and Backpropagation' on chainrule and print what "
                    "the guide's code prints. Blocks are numbered 1-36 in order of appearance, as in "
                    f"what-the-code-prints.md and `{errata_command()}`.")
    parser.add_argument("block", nargs="?", help="a block number (e.g. 14), or 'all'")
    parser.add_argument("--list", action="store_true", help="list the blocks that compute something")
    parser.set_defaults(func=run)


def run(args):
    if args.list or args.block is None:
        print(f"{'block':>5}  {'guide printed':<22}  section")
        for number, block in BLOCKS.items():
            print(f"{number:>5}  {block.guide_says:<22}  {block.section}")
        print(f"\nchainrule guide N prints block N's real output; `{errata_command()} N` explains each difference.")
        return 0
    if args.block == "all":
        for i, (number, block) in enumerate(BLOCKS.items()):
            if i:
                print()
            print(f"=== block {number}: {block.section} ===")
            print(block.run(), flush=True)
        return 0
    try:
        number = int(args.block)
    except ValueError:
        raise ConfigError(f"block must be a number such as 14 or 'all', got {args.block!r}") from None
    print(run_block(number))
    return 0

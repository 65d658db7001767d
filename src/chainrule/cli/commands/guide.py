"""``chainrule guide``: what the guide's code really prints, block by block, computed with chainrule."""
import sys

from ...errors import ConfigError
from ...guide import BLOCKS, run_block
from ...guide.errata import errata_command, see_errata
from ...guide.practice_project import GUIDE_FILE, guide_data
from ..defaults import none_means


def register(subparsers):
    parser = subparsers.add_parser(
        "guide", help=f"print what a block of the guide really prints ({see_errata()} where the guide differs)",
        description="Run a python block of the guide 'Training and Backpropagation' on chainrule and print what "
                    "the guide's code prints. Blocks are numbered 1-36 in order of appearance, as in "
                    f"what-the-code-prints.md and `{errata_command()}`.")
    parser.add_argument("block", nargs="?", help="a block number (e.g. 14), or 'all'")
    parser.add_argument("--list", action="store_true", help="list the blocks that compute something")
    none_means(parser.add_argument("--npz", metavar="PATH",
                                   help=f"the guide's {GUIDE_FILE}, for the Practice Project's blocks 28 and 31"),
               f"./{GUIDE_FILE} if there is one, else the shipped sample of 10,000 digits")
    parser.set_defaults(func=run)


def run(args):
    if args.list or args.block is None:
        print(f"{'block':>5}  {'guide printed':<22}  section")
        for number, block in BLOCKS.items():
            print(f"{number:>5}  {block.guide_says:<22}  {block.section}")
        print(f"\nchainrule guide N prints block N's real output; `{errata_command()} N` explains each difference.")
        return 0
    if args.block == "all":
        numbers = list(BLOCKS)
    else:
        try:
            numbers = [int(args.block)]
        except ValueError:
            raise ConfigError(f"block must be a number such as 14 or 'all', got {args.block!r}") from None
    blocks = [BLOCKS.get(number) for number in numbers]
    if any(block is not None and block.reads_mnist for block in blocks):
        # what the guide's np.load('mnist_data.npz') gets here; stderr, so stdout stays the block's own output
        print(f"(np.load('{GUIDE_FILE}') reads {guide_data(args.npz).description})", file=sys.stderr,
              flush=True)
    if args.block != "all":
        print(run_block(numbers[0], args.npz))
        return 0
    for i, (number, block) in enumerate(zip(numbers, blocks)):
        if i:
            print()
        print(f"=== block {number}: {block.section} ===")
        print(block.run(args.npz), flush=True)
    return 0

"""``chainrule download-mnist``: fetch and verify the full MNIST set; optionally write the guide's mnist_data.npz."""
from ...data import MNIST_MIRRORS, default_data_dir, download_mnist, load_mnist, write_guide_npz
from ...data.download import DEADLINE, MIN_RATE


def register(subparsers):
    parser = subparsers.add_parser(
        "download-mnist",
        help="download the four MNIST files from the mirrors, verify size and SHA-256, cache them",
        description="Download MNIST (70,000 digits) from the mirrors torchvision and TensorFlow Datasets use, "
                    "check each file's size and SHA-256 against the published values, and store it in the cache "
                    f"folder (default {default_data_dir()}, or $CHAINRULE_DATA_DIR). Nothing half-written is kept; "
                    "without a network, chainrule keeps working on its shipped sample of 10,000 real digits.")
    parser.add_argument("--data-dir", help="cache folder (default: $CHAINRULE_DATA_DIR, else "
                                           "$XDG_CACHE_HOME/chainrule/mnist, else ~/.cache/chainrule/mnist)")
    parser.add_argument("--mirror", action="append", default=[], metavar="URL",
                        help="a base URL holding the four .gz files, tried before the built-in mirrors "
                             "(repeatable; file:// works too)")
    parser.add_argument("--guide-npz", metavar="PATH",
                        help="also write the guide's mnist_data.npz (images (70000, 28, 28) uint8, labels (70000,))")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--deadline", type=float, default=DEADLINE, metavar="SECONDS",
                        help=f"give up on a mirror when one file takes longer (default {DEADLINE:g})")
    parser.add_argument("--min-rate", type=float, default=MIN_RATE, metavar="BYTES_PER_S",
                        help=f"give up on a mirror slower than this over 15 s (default {MIN_RATE:,}; 0: no minimum)")
    parser.set_defaults(func=run)


def run(args):
    folder = download_mnist(args.data_dir, mirrors=[*args.mirror, *MNIST_MIRRORS], progress=not args.quiet,
                            deadline=args.deadline, min_rate=args.min_rate)
    data = load_mnist("full", data_dir=folder)
    print(f"MNIST ready: {data.description}")
    if args.guide_npz:
        path = write_guide_npz(args.guide_npz, data_dir=folder)
        print(f"wrote {path}: images {data.images.shape} uint8, labels {data.labels.shape} uint8 "
              f"(first {data.n_train:,} rows: the training set)")
    return 0

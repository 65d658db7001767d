"""``chainrule download-mnist``: fetch and verify the full MNIST set; optionally write the guide's mnist_data.npz."""
from ...data import MNIST_IMAGE_SHAPE, MNIST_MIRRORS, default_data_dir, download_mnist, load_mnist, write_guide_npz
from ...data.download import DEADLINE, MIN_RATE
from ...data.load import SAMPLE_DESCRIPTION
from ...errors import ConfigError


def register(subparsers):
    parser = subparsers.add_parser(
        "download-mnist",
        help="download the four MNIST files from the mirrors, verify size and SHA-256, cache them",
        description="Download MNIST (70,000 digits) from the mirrors torchvision and TensorFlow Datasets use, "
                    "check each file's size and SHA-256 against the published values, and store it in the cache "
                    f"folder (default {default_data_dir()}, or $CHAINRULE_DATA_DIR). Nothing half-written is kept; "
                    "without a network, chainrule keeps working on its shipped sample of 10,000 real digits, and "
                    "--guide-npz mnist_data.npz --source sample writes that sample as the guide's file.")
    parser.add_argument("--data-dir", help="cache folder (default: $CHAINRULE_DATA_DIR, else the platform's cache "
                                           f"folder: here {default_data_dir()})")
    parser.add_argument("--mirror", action="append", default=[], metavar="URL",
                        help="a base URL holding the four .gz files, tried before the built-in mirrors "
                             "(repeatable; file:// works too)")
    parser.add_argument("--guide-npz", metavar="PATH",
                        help="also write the guide's mnist_data.npz (images (N, %d, %d) uint8, labels (N,) uint8), "
                             "which the guide's Practice Project code loads" % MNIST_IMAGE_SHAPE)
    parser.add_argument("--source", choices=["full", "sample"], default="full",
                        help="what --guide-npz holds: 'full', the 70,000 downloaded digits (default), or 'sample', "
                             "the 10,000 shipped with chainrule (offline: nothing is downloaded)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--deadline", type=float, default=DEADLINE, metavar="SECONDS",
                        help=f"give up on a mirror when one file takes longer (default {DEADLINE:g})")
    parser.add_argument("--min-rate", type=float, default=MIN_RATE, metavar="BYTES_PER_S",
                        help=f"give up on a mirror slower than this over 15 s (default {MIN_RATE:,}; 0: no minimum)")
    parser.set_defaults(func=run)


def run(args):
    if args.source == "sample":
        if not args.guide_npz:
            raise ConfigError("--source sample writes the shipped sample as the guide's file and downloads "
                              "nothing: add --guide-npz PATH (e.g. --guide-npz mnist_data.npz)")
        path = write_guide_npz(args.guide_npz, source="sample")
        data = load_mnist("sample")
        print(f"wrote {path}: images {data.images.shape} uint8, labels {data.labels.shape} uint8\n"
              f"This is the {SAMPLE_DESCRIPTION}.\n"
              f"It is NOT the guide's 70,000 digits: the guide's code runs on it unchanged but prints other numbers\n"
              f"than on the full set (`chainrule guide 31` prints what it prints on this file).\n"
              f"Nothing was downloaded; `chainrule download-mnist --guide-npz {args.guide_npz}` writes the full set.")
        return 0
    folder = download_mnist(args.data_dir, mirrors=[*args.mirror, *MNIST_MIRRORS], progress=not args.quiet,
                            deadline=args.deadline, min_rate=args.min_rate)
    data = load_mnist("full", data_dir=folder)
    print(f"MNIST ready: {data.description}")
    if args.guide_npz:
        path = write_guide_npz(args.guide_npz, data_dir=folder)
        print(f"wrote {path}: images {data.images.shape} uint8, labels {data.labels.shape} uint8 "
              f"(first {data.n_train:,} rows: the training set)")
    return 0

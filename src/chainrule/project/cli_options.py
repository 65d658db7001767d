"""Command-line options shared by ``chainrule train`` and ``chainrule compare``, and their translation into a
``ProjectConfig`` (the library does the work; this only reads flags). Their defaults are the settings record's
(``GUIDE_SETTINGS``); ``--digits``, ``--epochs`` and ``--learning-rate`` default to ``None``: each command (and the
optimizer) chooses."""
from dataclasses import replace

from ..core.activations import ACTIVATIONS
from ..core.losses import LOSSES
from ..data.mnist import MNIST_PIXELS
from ..errors import ConfigError
from ..training.optimizers import OPTIMIZERS
from ..training.schedules import SCHEDULES
from .settings import DEFAULT_EPOCHS, DEFAULT_LEARNING_RATES, GUIDE_SETTINGS as GUIDE, ProjectConfig, format_digits


def int_list(text):
    try:
        return [int(v) for v in text.replace(" ", "").split(",") if v]
    except ValueError:
        raise ConfigError(f"expected whole numbers separated by commas such as {_sizes(GUIDE.layer_sizes)}, "
                          f"got {text!r}") from None


def add_data_options(parser):
    group = parser.add_argument_group("data")
    group.add_argument("--digits", default=None,
                       help=f"classes to learn: {format_digits(GUIDE.digits)} (default), 0-9, or a list like 3,5,8")
    group.add_argument("--source", default=GUIDE.source,
                       help="auto (full MNIST if downloaded, else the shipped sample; default), sample, full, "
                            "a folder of IDX files, or an .npz with images/labels")
    group.add_argument("--data-dir", default=GUIDE.data_dir, help="where the downloaded full set lives")
    group.add_argument("--test-fraction", type=float, default=GUIDE.test_fraction,
                       help="share held out for testing when the data has no official split "
                            f"(default {GUIDE.test_fraction:g})")
    group.add_argument("--split-seed", type=int, default=GUIDE.split_seed,
                       help=f"seed of the train/test split (default {GUIDE.split_seed})")
    group.add_argument("--max-train", type=int, default=GUIDE.max_train, help="use only the first N training examples")


def add_model_options(parser, layers=True):
    group = parser.add_argument_group("network")
    if layers:
        group.add_argument("--layers", default=None,
                           help=f"all layer sizes, e.g. {MNIST_PIXELS},128,64,10 (first {MNIST_PIXELS}, last = "
                                "number of digits)")
        group.add_argument("--hidden", default=_sizes(GUIDE.hidden),
                           help=f"hidden layer sizes, e.g. {_sizes(GUIDE.hidden)} (default) or 128,64")
    group.add_argument("--activation", default=GUIDE.activation,
                       choices=[a for a in ACTIVATIONS if ACTIVATIONS.lookup(a).elementwise],
                       help=f"hidden-layer activation (default {GUIDE.activation}, the guide's)")
    group.add_argument("--dtype", default=GUIDE.dtype, choices=["float64", "float32"])


def add_fit_options(parser, loss=True):
    group = parser.add_argument_group("training")
    if loss:
        group.add_argument("--loss", default=GUIDE.loss, choices=list(LOSSES),
                           help="mse (the guide's, default), cross_entropy (sigmoid outputs) or "
                                "softmax_cross_entropy (softmax over the digits)")
    group.add_argument("--optimizer", default=GUIDE.optimizer, choices=list(OPTIMIZERS))
    group.add_argument("--learning-rate", "--lr", type=float, default=None,
                       help="default: " + ", ".join(f"{k} {v:g}" for k, v in DEFAULT_LEARNING_RATES.items()))
    group.add_argument("--schedule", default=GUIDE.schedule, choices=list(SCHEDULES),
                       help="learning-rate schedule per epoch: constant (default), step (halve every third "
                            "of the run), cosine (down to 0)")
    group.add_argument("--epochs", type=int, default=None, help=f"passes over the training set (default {DEFAULT_EPOCHS})")
    group.add_argument("--batch-size", type=int, default=GUIDE.batch_size)
    group.add_argument("--seed", type=int, default=GUIDE.seed,
                       help=f"network weights and shuffling (default {GUIDE.seed}, the guide's)")
    group.add_argument("--weight-decay", type=float, default=GUIDE.weight_decay,
                       help=f"L2 penalty on the weights (default {GUIDE.weight_decay:g})")
    group.add_argument("--dropout", type=float, default=GUIDE.dropout, metavar="P",
                       help="drop this share of each hidden layer's units while training (default 0)")
    group.add_argument("--early-stopping", type=int, default=GUIDE.early_stopping, metavar="PATIENCE",
                       help="stop when the validation loss has not improved for PATIENCE epochs and restore "
                            "the best weights (a validation split is carved from the training data)")
    group.add_argument("--validation-fraction", type=float, default=GUIDE.validation_fraction,
                       help="share of the training data used for validation with --early-stopping "
                            f"(default {GUIDE.validation_fraction:g})")


def config_from_args(args, **overrides):
    """A ``ProjectConfig`` from the parsed flags (``overrides`` win)."""
    settings = dict(
        activation=args.activation, optimizer=args.optimizer, learning_rate=args.learning_rate,
        schedule=args.schedule, batch_size=args.batch_size, seed=args.seed, split_seed=args.split_seed,
        test_fraction=args.test_fraction, weight_decay=args.weight_decay, dropout=args.dropout,
        early_stopping=args.early_stopping,
        validation_fraction=args.validation_fraction, source=args.source, data_dir=args.data_dir,
        dtype=args.dtype, max_train=args.max_train)
    if getattr(args, "loss", None):
        settings["loss"] = args.loss
    if args.digits is not None:
        settings["digits"] = args.digits
    if args.epochs is not None:
        settings["epochs"] = args.epochs
    settings.update(overrides)
    config = ProjectConfig(**settings)
    layers = getattr(args, "layers", None)
    if layers:
        sizes = int_list(layers)
        if len(sizes) < 2 or sizes[0] != MNIST_PIXELS or sizes[-1] != len(config.digits):
            raise ConfigError(f"--layers must start with {MNIST_PIXELS} (pixels) and end with {len(config.digits)} "
                              f"(one output per digit {config.digits}), got {sizes}")
        return replace(config, hidden=sizes[1:-1])
    if getattr(args, "hidden", None) is not None:
        return replace(config, hidden=int_list(args.hidden))
    return config


def _sizes(sizes):
    return ",".join(map(str, sizes))

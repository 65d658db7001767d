"""``chainrule evaluate MODEL``: accuracy overall and per class, confusion-matrix PNG, misclassified examples."""
from ...data import default_data_dir
from ...project.inference import ROWS, evaluate_model
from ...project.settings import GUIDE_TARGET
from ..defaults import none_means


def register(subparsers):
    parser = subparsers.add_parser(
        "evaluate", help="accuracy per class, confusion matrix and misclassified examples of a saved model",
        description="Evaluate a model saved by `chainrule train` on the held-out test set it was trained "
                    "against (rebuilt from the settings stored in the model file), or on other data: all of it, "
                    "or its official test split when it has one (--rows).")
    parser.add_argument("model", help="a model file (.npz) written by chainrule train")
    none_means(parser.add_argument("--source", default=None,
                                   help="evaluate on other data: sample, full, a folder of IDX files or an .npz"),
               "the model's own data, on the test split it was trained against")
    parser.add_argument("--rows", choices=ROWS, default="auto",
                        help="which examples of --source: auto (the model's own source: its held-out test set; "
                             "other data: its official test split if it has one, else all of it), all, or "
                             "held-out (the test part chainrule train would hold out of it, with the model's "
                             "split seed and test fraction)")
    none_means(parser.add_argument("--class-names", default=None, metavar="NAMES",
                                   help="names of the classes, comma-separated (one per class, or one per label "
                                        "value from 0)"), "the names stored in the model, else the numbers")
    none_means(parser.add_argument("--data-dir", default=None, help="where the downloaded full set lives"),
               f"$CHAINRULE_DATA_DIR, else the platform's cache folder: here {default_data_dir()}")
    none_means(parser.add_argument("--out", default=None, help="folder for the PNGs"), "the model's folder")
    parser.set_defaults(func=run)


def run(args):
    net, evaluation, data, files = evaluate_model(args.model, source=args.source, data_dir=args.data_dir,
                                                  out_dir=args.out, rows=args.rows, class_names=args.class_names)
    wrong = int((evaluation.predicted != evaluation.labels).sum())
    print(f"Model: {net}")
    print(f"Data: {data.description}; {len(data.X_test):,} test {data.noun} ({data.split})")
    print()
    print(evaluation.per_class_table())
    print()
    target = f"; guide's target >{100 * GUIDE_TARGET:.0f}%" if data.mnist else ""
    print(f"Test accuracy: {100 * evaluation.accuracy:.1f}% ({len(evaluation.labels) - wrong:,} of "
          f"{len(evaluation.labels):,} correct{target})")
    names = [str(c) for c in evaluation.class_names]
    pairs = {}
    for t, p in zip(evaluation.labels[evaluation.predicted != evaluation.labels],
                    evaluation.predicted[evaluation.predicted != evaluation.labels]):
        pairs[(names[t], names[p])] = pairs.get((names[t], names[p]), 0) + 1
    if pairs:
        common = sorted(pairs.items(), key=lambda item: -item[1])[:3]
        print("Most common mistakes: " + ", ".join(f"{t} taken for {p} ({n}x)" for (t, p), n in common))
    print("Wrote " + ", ".join(files.values()))
    return 0

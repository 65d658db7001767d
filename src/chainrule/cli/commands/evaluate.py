"""``chainrule evaluate MODEL``: accuracy overall and per class, confusion-matrix PNG, misclassified digits."""
from ...project.inference import evaluate_model
from ...project.settings import GUIDE_TARGET


def register(subparsers):
    parser = subparsers.add_parser(
        "evaluate", help="accuracy per class, confusion matrix and misclassified digits of a saved model",
        description="Evaluate a model saved by `chainrule train` on the held-out test set it was trained "
                    "against (rebuilt from the settings stored in the model file), or on other data.")
    parser.add_argument("model", help="a model file (.npz) written by chainrule train")
    parser.add_argument("--source", default=None,
                        help="evaluate on other data: sample, full, a folder of IDX files or an .npz")
    parser.add_argument("--data-dir", default=None, help="where the downloaded full set lives")
    parser.add_argument("--out", default=None, help="folder for the PNGs (default: the model's folder)")
    parser.set_defaults(func=run)


def run(args):
    net, evaluation, data, files = evaluate_model(args.model, source=args.source, data_dir=args.data_dir,
                                                  out_dir=args.out)
    wrong = int((evaluation.predicted != evaluation.labels).sum())
    print(f"Model: {net}")
    print(f"Data: {data.description}; {len(data.X_test):,} test digits ({data.split})")
    print()
    print(evaluation.per_class_table())
    print()
    print(f"Test accuracy: {100 * evaluation.accuracy:.1f}% ({len(evaluation.labels) - wrong:,} of "
          f"{len(evaluation.labels):,} correct; guide's target >{100 * GUIDE_TARGET:.0f}%)")
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

"""``chainrule predict MODEL IMAGE``: classify a digit image (28x28, or resized to it)."""
from ...project.inference import SIZE_TEXT, model_subject, predict_image
from ...training.model_io import load_model


def register(subparsers):
    parser = subparsers.add_parser("predict", help="classify a digit image with a saved model",
                                   description="Classify an image file (PNG, JPEG, ...). It is converted to grey "
                                               f"and resized to {SIZE_TEXT}; a dark digit on a light background is "
                                               "inverted to MNIST's white-on-black unless --no-invert.")
    parser.add_argument("model", help="a model file (.npz) written by chainrule train")
    parser.add_argument("images", nargs="+", help="image file(s)")
    parser.add_argument("--no-invert", action="store_true", help="never invert the image")
    parser.add_argument("--all", action="store_true", help="print the probability of every class")
    parser.set_defaults(func=run)


def run(args):
    net = load_model(args.model)
    for path in args.images:
        label, confidence, probabilities, inverted = predict_image(net, path, invert=False if args.no_invert else "auto")
        note = f" (inverted: dark {model_subject(net)} on light background)" if inverted else ""
        print(f"{path}: {label}  ({100 * confidence:.1f}% confidence){note}")
        if args.all:
            for name, p in probabilities.items():
                print(f"  {name}: {100 * p:5.1f}%")
    return 0

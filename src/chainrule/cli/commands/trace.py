"""``chainrule trace``: one training step, every intermediate value, printed and optionally animated."""
import argparse

from ... import safe_json
from ...errors import ConfigError
from ..defaults import none_means
from ...viz import animation_format, check_drawable, format_trace, save_animation, spec_from_options, trace_from_spec


def _numbers(text):
    try:
        return [float(v) for v in text.replace(" ", "").split(",") if v]
    except ValueError:
        raise ConfigError(f"expected comma-separated numbers such as 1,2, got {text!r}") from None


def _json(text):
    try:
        return safe_json.loads(text, "the value", ConfigError)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(f"{exc}; expected JSON such as [[[0.1,0.3],[0.2,0.4]],[[0.5,0.6]]]") from None


def register(subparsers):
    parser = subparsers.add_parser(
        "trace", help="backpropagation step by step: every z, a, delta and gradient (default: the guide's 2-2-1)",
        description="Trace one training step of a small network: the forward pass, the loss, the backward pass "
                    "layer by layer and the update, every value computed by chainrule's own layers. With no "
                    "options: the guide's 2->2->1 hand-trace, with a note wherever the guide prints another number.")
    parser.add_argument("--spec", metavar="FILE.json", help="weights, biases, x, target, activation, loss, "
                        "learning_rate (or layers and seed) from a JSON file")
    parser.add_argument("--layers", help="a seeded Network of these sizes, e.g. 2,3,1")
    none_means(parser.add_argument("--seed", type=int, help="seed of the Network's weights"), "0 with --layers")
    parser.add_argument("--weights", type=_json, help="JSON list of (n_out, n_in) matrices, one per layer")
    none_means(parser.add_argument("--biases", type=_json, help="JSON list of bias vectors"),
               "the guide's, or zeros with --layers/--weights")
    none_means(parser.add_argument("--x", type=_numbers, help="the input, e.g. 1,2"), "the guide's 1,2, or 1,2,...,n_in")
    none_means(parser.add_argument("--target", type=_numbers, help="the target, e.g. 1"), "all ones (one-hot class 0 for softmax_cross_entropy)")
    none_means(parser.add_argument("--activation", help="hidden activation: sigmoid, tanh, relu, leaky_relu, identity"),
               "sigmoid")
    none_means(parser.add_argument("--output-activation", help="output activation"), "sigmoid")
    none_means(parser.add_argument("--loss", help="mse, cross_entropy or softmax_cross_entropy"), "mse")
    none_means(parser.add_argument("--learning-rate", "--lr", type=float, dest="learning_rate",
                                   help="step size of the update"), "0.5")
    parser.add_argument("--decimals", type=int, default=4, help="decimals printed; the guide prints 4")
    parser.add_argument("--no-notes", action="store_true", help="do not compare with the guide's printed numbers")
    parser.add_argument("--animate", metavar="FILE", help="also write the animation: FILE.gif or FILE.html")
    parser.set_defaults(func=run)


def run(args):
    if args.animate:
        animation_format(args.animate)  # a wrong extension fails before any work
    spec = spec_from_options(args.spec, args.layers, args.seed, args.weights, args.biases, args.x, args.target,
                             args.activation, args.output_activation, args.loss, args.learning_rate)
    trace = trace_from_spec(spec)
    if args.animate:
        check_drawable(trace.layer_sizes)
    print(format_trace(trace, decimals=args.decimals, notes=not args.no_notes))
    if args.animate:
        n_frames = save_animation(trace, args.animate)
        print(f"\nAnimation: {n_frames} steps written to {args.animate}")
    return 0

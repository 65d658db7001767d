"""``chainrule demo``: train XOR with the guide's settings and gradient-check the result."""
from ...core import Network, gradient_check
from ...core.validation import check_positive
from ...data.toy import XOR_X as X
from ...data.toy import XOR_Y as y
from ...guide.training_loop import train_xor_pass


def register(subparsers):
    parser = subparsers.add_parser(
        "demo", help="gradient-check a fresh network, then train it on XOR (the guide's Exercise 3.1)",
        description="Gradient-check a fresh Network([2, 4, 1]) against central differences, then train it on the "
                    "four XOR examples with the guide's settings (sigmoid, MSE, one example at a time) and print "
                    "the loss along the way and the final predictions.")
    parser.add_argument("--steps", type=int, default=2000, help="passes over the four XOR examples")
    parser.add_argument("--learning-rate", type=float, default=2.0, help="the guide's is 2.0")
    parser.add_argument("--seed", type=int, default=42, help="seed of the network's weights")
    parser.set_defaults(func=run)


def run(args):
    check_positive(args.steps, "--steps", integer=True)
    net = Network([2, 4, 1], seed=args.seed)
    report = gradient_check(net, X, y)
    print("Before training, backprop is checked against finite differences on all four examples:\n")
    print(report)
    print()
    print(f"Training {net} on XOR (lr={args.learning_rate}, {args.steps} steps, one example at a time)\n")
    print(f"{'Step':>5}  {'Avg Loss':>10}")
    print("-" * 18)
    for step in range(args.steps):
        avg_loss = train_xor_pass(net, args.learning_rate)
        if step % 500 == 0 or step == args.steps - 1:
            print(f"{step:>5}  {avg_loss:>10.6f}")
    print("\nFinal predictions:")
    for xi, yi in zip(X, y):
        print(f"  {xi} -> {net.forward(xi)[0]:.4f}  (target: {yi[0]:.0f})")
    return 0 if report.passed else 1

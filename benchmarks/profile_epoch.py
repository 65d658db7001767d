"""Where an epoch's time goes, line by line (line_profiler), for docs/performance.md.

    python benchmarks/profile_epoch.py --dtype float32 --batch 32
    python benchmarks/profile_epoch.py --dtype float32 --batch 1024 --threads 1

Profiles chainrule's training path (train_epoch down to the activation and the loss) over a few epochs
on the benchmark's 8,000 digits and prints every line that takes at least --min-percent of the epoch,
as time per training step. line_profiler adds a fraction of a microsecond per line, so the small
lines look a little bigger than they are. Needs line_profiler (``pip install line_profiler``).
"""
import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_data import as_inputs, load_sample, one_hot, split  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--sizes", default="784,64,10")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads (default: chainrule's choice)")
    parser.add_argument("--min-percent", type=float, default=1.0)
    parser.add_argument("--tarball", default=None)
    parser.add_argument("--sampled", action="store_true",
                        help="no line profiler: just train (for py-spy, see spy_summary.py)")
    args = parser.parse_args(argv)

    from chainrule import Network
    from chainrule.core import activations, layers, losses, network

    images, labels, _ = load_sample(args.tarball)
    (train_images, train_labels), _ = split(images, labels)
    sizes = [int(n) for n in args.sizes.split(",")]
    X, Y = as_inputs(train_images, args.dtype), one_hot(train_labels, sizes[-1], args.dtype)

    functions = [network.Network.train_epoch, network.Network._train_batch, network.Network._loss_and_gradients,
                 network.Network._forward, network.Network._backpropagate, network.Network._descend, layers.Dense.forward,
                 layers.Dense.backward, activations.sigmoid, activations.Sigmoid.backward_into,
                 losses.mse_value_and_gradient]
    if args.threads:
        from threadpoolctl import threadpool_limits
        threadpool_limits(args.threads, user_api="blas")
    net = Network(sizes, seed=42, dtype=args.dtype)
    net.train_epoch(X[:2 * args.batch], Y[:2 * args.batch], 5.0, batch_size=args.batch)   # warm up
    if args.sampled:
        for _ in range(args.epochs):
            net.train_epoch(X, Y, 5.0, batch_size=args.batch)
        return
    from line_profiler import LineProfiler
    profiler = LineProfiler(*functions)
    profiler.enable_by_count()
    for _ in range(args.epochs):
        net.train_epoch(X, Y, 5.0, batch_size=args.batch)
    profiler.disable_by_count()

    stats = profiler.get_stats()
    steps = args.epochs * -(-len(X) // args.batch)
    total = sum(t for (fn, _, name), entries in stats.timings.items() if name.endswith("train_epoch")
                for _, _, t in entries) * stats.unit
    print(f"{sizes} {args.dtype}, batch {args.batch}: {total / args.epochs * 1e3:.1f} ms per epoch under the "
          f"profiler, {total / steps * 1e6:.1f} µs per step; lines >= {args.min_percent}% of the epoch:\n")
    print(f"{'µs/step':>8} {'%':>6}  line")
    # only the lines doing work themselves: a line calling another profiled function would count it twice
    calls_profiled = ("self._forward(", "layer.forward(", ".backward(", "forward_into(", "backward_into(",
                      "value_and_gradient(", "self._loss_and_gradients(", "self._backpropagate(", "self._descend(")
    rows = []
    for (filename, first_line, name), entries in stats.timings.items():
        source = Path(filename).read_text().splitlines()
        for line_number, hits, t in entries:
            seconds, text = t * stats.unit, source[line_number - 1].strip()
            if any(call in text for call in calls_profiled) or 100 * seconds / total < args.min_percent:
                continue
            rows.append((seconds, f"{Path(filename).name}:{line_number} {name}: {text[:90]}"))
    accounted = sum(seconds for seconds, _ in rows)
    rows.append((total - accounted, "(everything else: smaller lines, calls, loops)"))
    for seconds, text in sorted(rows, reverse=True):
        print(f"{seconds / steps * 1e6:8.1f} {100 * seconds / total:5.1f}%  {text}")


if __name__ == "__main__":
    main()

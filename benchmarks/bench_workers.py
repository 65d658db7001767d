"""One process per benchmark row: ``python bench_workers.py SPEC_JSON``.

A training row prepares its data and model, prints ``ready``, then answers each ``run`` line on stdin
with one timed epoch (a JSON line) and ``finish`` with its accuracy and memory; bench_epoch.py asks the
rows of a table in turn, one epoch each, so a busy machine disturbs them all alike. The floor and memory
measurements print one JSON line and exit. A process per row keeps the rows apart: each has its own
peak memory (Linux VmHWM, reset just before training), its own BLAS/OpenMP thread settings, and no
library imported that it does not use.
Every implementation starts from the same initial weights (the guide's ``randn * sqrt(2 / n_in)``,
seed 42) and visits the examples in the same order (the permutation the guide draws next).
"""
import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_data import as_inputs, one_hot  # noqa: E402

SEED = 42


# --- memory: peak resident set size of this process ---

_at_reset = {}


def reset_peak_memory():
    """Reset Linux's high-water mark (VmHWM); False where that is not possible."""
    _at_reset["rss_mb"] = memory_mb()[0]
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def memory_mb():
    """``(current RSS, peak RSS)`` in MB (10^6 bytes)."""
    try:
        fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
        return int(fields["VmRSS"].split()[0]) * 1024 / 1e6, int(fields["VmHWM"].split()[0]) * 1024 / 1e6
    except (OSError, KeyError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
        return peak, peak


# --- the same start for everyone ---

def initial_weights_and_order(sizes, n):
    from chainrule.core.network import guide_initial_weights
    rng = np.random.RandomState(SEED)
    weights, biases = guide_initial_weights(sizes, rng)
    return weights, biases, rng.permutation(n)


def load(spec):
    data = np.load(spec["data"])
    return data["train_images"], data["train_labels"], data["test_images"], data["test_labels"]


def timed(prepare, epoch):
    """``epoch(prepare())``, only the epoch timed: (wall s, CPU s, model)."""
    model = prepare()
    wall, cpu = time.perf_counter(), time.process_time()
    epoch(model)
    return time.perf_counter() - wall, time.process_time() - cpu, model


# --- the implementations ---

def run_chainrule(spec):
    from chainrule import Network
    from chainrule.core.threads import training_threads
    sizes, dtype, batch = spec["sizes"], np.dtype(spec["dtype"]), spec["batch"]
    train_images, train_labels, test_images, test_labels = load(spec)
    X, Y = as_inputs(train_images, dtype), one_hot(train_labels, sizes[-1], dtype)
    X_test = as_inputs(test_images, dtype)
    threads = str(training_threads(batch, sizes))

    def finish(net):
        return dict(accuracy=float(np.mean(net.predict(X_test) == test_labels)), threads=threads,
                    weights=[W.astype(np.float64) for W in net.weights])
    return (lambda: Network(sizes, seed=SEED, dtype=dtype),
            lambda net: net.train_epoch(X, Y, spec["lr"], batch_size=batch), finish)


def run_guide(spec):
    import guide_network
    sizes, batch = spec["sizes"], spec["batch"]
    train_images, train_labels, test_images, test_labels = load(spec)
    X, Y = as_inputs(train_images, np.float64), one_hot(train_labels, sizes[-1], np.float64)

    def finish(net):
        accuracy = guide_network.accuracy(net, as_inputs(test_images, np.float64), test_labels)
        return dict(accuracy=float(accuracy), threads="default", weights=net.weights)
    return (lambda: guide_network.Network(sizes, seed=SEED),
            lambda net: net.train_epoch(X, Y, spec["lr"], batch_size=batch), finish)


def run_torch(spec):
    import torch
    torch.set_num_threads(spec["threads"])
    torch.set_num_interop_threads(1)
    sizes, batch = spec["sizes"], spec["batch"]
    dtype = {"float32": torch.float32, "float64": torch.float64}[spec["dtype"]]
    train_images, train_labels, test_images, test_labels = load(spec)
    X = torch.from_numpy(as_inputs(train_images, spec["dtype"]))
    Y = torch.from_numpy(one_hot(train_labels, sizes[-1], spec["dtype"]))
    weights, biases, order = initial_weights_and_order(sizes, len(X))
    order = torch.from_numpy(order)

    def prepare():
        layers = []
        for W, b in zip(weights, biases):
            linear = torch.nn.Linear(W.shape[1], W.shape[0], dtype=dtype)
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(W))
                linear.bias.copy_(torch.from_numpy(b))
            layers += [linear, torch.nn.Sigmoid()]
        model = torch.nn.Sequential(*layers)
        return model, torch.optim.SGD(model.parameters(), lr=spec["lr"])

    loss_function = torch.nn.MSELoss()   # the mean over all elements, as chainrule's and the guide's

    def epoch(state):
        model, optimizer = state
        total = 0.0
        for start in range(0, len(X), batch):
            idx = order[start:start + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_function(model(X[idx]), Y[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        return total / len(X)

    def finish(state):
        model = state[0]
        with torch.no_grad():
            predicted = model(torch.from_numpy(as_inputs(test_images, spec["dtype"]))).argmax(dim=1).numpy()
        linears = [m for m in model if isinstance(m, torch.nn.Linear)]
        return dict(accuracy=float(np.mean(predicted == test_labels)), threads=str(spec["threads"]),
                    weights=[m.weight.detach().double().numpy() for m in linears])
    return prepare, epoch, finish


def run_sklearn(spec):
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    sizes, batch, dtype = spec["sizes"], spec["batch"], np.dtype(spec["dtype"])
    train_images, train_labels, test_images, test_labels = load(spec)
    X, X_test = as_inputs(train_images, dtype), as_inputs(test_images, dtype)
    weights, biases, _ = initial_weights_and_order(sizes, len(X))

    def prepare():
        # one epoch of plain SGD (no momentum, no L2), starting from the same weights as everyone else
        model = MLPClassifier(hidden_layer_sizes=tuple(sizes[1:-1]), activation="logistic", solver="sgd",
                              learning_rate_init=spec["lr"], batch_size=batch, max_iter=1, momentum=0.0,
                              nesterovs_momentum=False, alpha=0.0, shuffle=True, random_state=SEED,
                              warm_start=True, tol=0.0, n_iter_no_change=10 ** 9)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.partial_fit(X[:256], train_labels[:256], classes=np.arange(sizes[-1]))   # only to set it up
        model.coefs_ = [W.T.astype(dtype) for W in weights]
        model.intercepts_ = [b.astype(dtype) for b in biases]
        return model

    def epoch(model):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, train_labels)

    def finish(model):
        return dict(accuracy=float(np.mean(model.predict(X_test) == test_labels)), threads="default",
                    weights=None)
    return prepare, epoch, finish


# --- the floor: the epoch's matrix products alone, at this machine's best speed for those shapes ---

def epoch_flops(sizes, n, batch):
    """Floating-point operations of the matrix products of one epoch: forward z = a W^T, dW = delta^T a
    and (above the first layer) delta W, each 2 * m * n_in * n_out for a batch of m."""
    per_example = 0
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        per_example += 2 * n_in * n_out * (3 if i > 0 else 2)
    return per_example * n


def batch_products(sizes, batch, dtype):
    """A function doing exactly the matrix products of one training step, in chainrule's layout."""
    rng = np.random.RandomState(0)
    Ws = [rng.rand(n_out, n_in).astype(dtype) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    acts = [rng.rand(batch, n).astype(dtype) for n in sizes]
    zs = [np.empty((batch, n), dtype) for n in sizes[1:]]
    grads = [np.empty_like(W) for W in Ws]
    back = [np.empty((batch, n), dtype) for n in sizes[:-1]]

    def step():
        for i, W in enumerate(Ws):
            np.matmul(acts[i], W.T, out=zs[i])
        for i in range(len(Ws) - 1, -1, -1):
            if batch == 1:
                np.multiply(zs[i].T, acts[i], out=grads[i])
            else:
                np.matmul(zs[i].T, acts[i], out=grads[i])
            if i > 0:
                np.matmul(zs[i], Ws[i], out=back[i])
    return step


def best_time(function, min_seconds=0.2, repeats=7):
    function()
    calls, started = 0, time.perf_counter()
    while time.perf_counter() - started < 0.02:
        function()
        calls += 1
    calls = max(1, int(calls * min_seconds / 0.02 / repeats))
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(calls):
            function()
        best = min(best, (time.perf_counter() - t) / calls)
    return best


def run_floor(spec):
    from threadpoolctl import threadpool_limits
    n_threads = os.cpu_count() or 1
    rows = []
    for config in spec["configs"]:
        sizes, batch, dtype, n = config["sizes"], config["batch"], config["dtype"], config["n"]
        step = batch_products(sizes, batch, dtype)
        per_thread = {}
        for threads in sorted({1, n_threads}):
            with threadpool_limits(threads, user_api="blas"):
                per_thread[threads] = best_time(step, min_seconds=spec["seconds"])
        threads, step_time = min(per_thread.items(), key=lambda item: item[1])
        flops_per_step = epoch_flops(sizes, batch, batch)
        rows.append(dict(config=config, flops=epoch_flops(sizes, n, batch),
                         shape_gflops=flops_per_step / step_time / 1e9, best_threads=threads,
                         step_us={str(k): v * 1e6 for k, v in per_thread.items()}))
    peak = {}
    for dtype in ("float64", "float32"):
        a = np.random.rand(2048, 2048).astype(dtype)
        out = np.empty_like(a)
        peak[dtype] = 2 * 2048 ** 3 / best_time(lambda: np.matmul(a, a, out=out), min_seconds=spec["seconds"]) / 1e9
    return dict(rows=rows, peak_gflops=peak)


# --- memory on the full MNIST shape ---

def run_memory(spec):
    from chainrule import Network
    n, data_dtype, net_dtype = spec["n"], np.dtype(spec["data_dtype"]), np.dtype(spec["dtype"])
    train_images, train_labels, _, _ = load(spec)
    baseline = memory_mb()[0]
    X = np.empty((n, 784), data_dtype)   # real digits repeated to the full set's 60,000 rows, filled in place
    labels = np.empty(n, np.int64)
    for start in range(0, n, len(train_images)):
        stop = min(n, start + len(train_images))
        np.divide(train_images[:stop - start], 255.0, out=X[start:stop], casting="unsafe")
        labels[start:stop] = train_labels[:stop - start]
    Y = one_hot(labels, 10, net_dtype)
    net = Network([784, 64, 10], seed=SEED, dtype=net_dtype)
    before = memory_mb()[0]
    exact = reset_peak_memory()
    wall = time.perf_counter()
    net.train_epoch(X, Y, spec["lr"], batch_size=spec["batch"])
    wall = time.perf_counter() - wall
    return dict(data_mb=X.nbytes / 1e6, baseline_mb=baseline, before_mb=before, peak_mb=memory_mb()[1],
                exact=exact, wall=wall)


TRAINERS = dict(chainrule=run_chainrule, guide=run_guide, torch=run_torch, sklearn=run_sklearn)
ONE_SHOT = dict(floor=run_floor, memory=run_memory)


def serve(spec):
    """Answer ``run`` with one timed epoch and ``finish`` with accuracy and memory, as JSON lines."""
    prepare, epoch, finish = TRAINERS[spec["impl"]](spec)
    reset_peak_memory()
    print("ready", flush=True)
    model = None
    for command in sys.stdin:
        if command.strip() == "run":
            wall, cpu, model = timed(prepare, epoch)
            print(json.dumps(dict(wall=wall, cpu=cpu)), flush=True)
        elif command.strip() == "finish":
            break
    result = finish(model if model is not None else prepare())
    result["rss_mb"], result["peak_mb"] = memory_mb()
    result["before_mb"] = _at_reset.get("rss_mb")
    weights = result.pop("weights")
    if weights is not None and spec.get("weights_out"):
        np.savez(spec["weights_out"], *weights)
    print(json.dumps(result), flush=True)


def main():
    spec = json.loads(sys.argv[1])
    if spec["impl"] in ONE_SHOT:
        print(json.dumps(ONE_SHOT[spec["impl"]](spec)))
    else:
        serve(spec)


if __name__ == "__main__":
    main()

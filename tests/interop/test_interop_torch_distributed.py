"""When one machine is not enough: a chainrule network trained with PyTorch's DistributedDataParallel.

Two processes on this machine (CPU, gloo, rendezvous on 127.0.0.1 at a free port) each train ``to_torch(net)``
inside ``DistributedDataParallel`` on half of every global batch (tests/interop/ddp_worker.py). DDP averages
their gradients, so both ranks must end with the same weights, and with the weights of one process taking
the same steps on the whole global batches -- in PyTorch, and in chainrule itself. ``from_torch`` brings the
trained module back.
"""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

from chainrule import Network  # noqa: E402
from chainrule.interop.torch import to_torch, torch_loss  # noqa: E402

from ddp_worker import global_batches, training_data  # noqa: E402

WORKER = Path(__file__).with_name("ddp_worker.py")
CONFIG = {"world_size": 2, "layer_sizes": [784, 32, 10], "seed": 0, "learning_rate": 0.3,
          "n_examples": 1024, "global_batch": 64, "epochs": 2, "timeout": 60}


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ranks(tmp_path_factory):
    """Run the two ranks (bounded: 120 s, then killed); their results by rank."""
    if not torch.distributed.is_available() or not torch.distributed.is_gloo_available():
        pytest.skip("this PyTorch build has no gloo backend")
    out_dir = tmp_path_factory.mktemp("ddp")
    config = {**CONFIG, "port": _free_port(), "out_dir": str(out_dir)}
    config_path = out_dir / "config.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    if sys.platform == "linux":
        env.setdefault("GLOO_SOCKET_IFNAME", "lo")      # gloo over the loopback interface: no network needed
    start = time.perf_counter()
    processes = [subprocess.Popen([sys.executable, str(WORKER), str(rank), str(config_path)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for rank in range(config["world_size"])]
    try:
        outputs = [p.communicate(timeout=120) for p in processes]
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()
                p.wait()
    seconds = time.perf_counter() - start
    for rank, (p, (out, err)) in enumerate(zip(processes, outputs)):
        assert p.returncode == 0, f"rank {rank} failed:\n{err[-3000:]}"
    results = []
    for rank in range(config["world_size"]):
        with np.load(out_dir / f"rank{rank}.npz") as data:
            results.append({name: data[name] for name in data.files})
    print(f"2 DDP ranks trained in {seconds:.1f} s")
    return results


def _weights(result, n_layers=2):
    return [result[f"W{i}"] for i in range(n_layers)], [result[f"b{i}"] for i in range(n_layers)]


def _fresh_net():
    return Network(CONFIG["layer_sizes"], seed=CONFIG["seed"], activation="relu", loss="softmax_cross_entropy")


def test_the_ranks_end_with_the_same_weights(ranks):
    (W0, b0), (W1, b1) = _weights(ranks[0]), _weights(ranks[1])
    for a, b in zip(W0 + b0, W1 + b1):
        np.testing.assert_array_equal(a, b)        # every rank applied the same averaged gradient
    # and they saw different halves of each batch: their local losses differ
    assert not np.array_equal(ranks[0]["losses"], ranks[1]["losses"])
    assert len(ranks[0]["losses"]) == CONFIG["epochs"] * (CONFIG["n_examples"] // CONFIG["global_batch"])


def test_two_ranks_equal_one_process_on_the_global_batches(ranks):
    X, labels = training_data(CONFIG)
    # one process, PyTorch, the same steps on the whole batches
    model = to_torch(_fresh_net())
    loss_fn = torch_loss(_fresh_net())
    optimizer = torch.optim.SGD(model.parameters(), lr=CONFIG["learning_rate"])
    global_losses = []
    for batch in global_batches(CONFIG):
        optimizer.zero_grad()
        loss = loss_fn(model(torch.from_numpy(X[batch])), torch.from_numpy(labels[batch].astype(np.int64)))
        loss.backward()
        optimizer.step()
        global_losses.append(loss.item())
    W_ddp, b_ddp = _weights(ranks[0])
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    for W, b, linear in zip(W_ddp, b_ddp, linears):
        np.testing.assert_allclose(W, linear.weight.detach().numpy(), rtol=0, atol=1e-12)
        np.testing.assert_allclose(b, linear.bias.detach().numpy(), rtol=0, atol=1e-12)
    # the global batch's loss is the mean of the two halves' losses (equal halves)
    np.testing.assert_allclose((ranks[0]["losses"] + ranks[1]["losses"]) / 2, global_losses, rtol=1e-12)
    # one process, chainrule: train_step on the whole batch is the same SGD step
    net = _fresh_net()
    for batch in global_batches(CONFIG):
        net.train_step(X[batch], labels[batch], CONFIG["learning_rate"])
    for W, b, W_net, b_net in zip(W_ddp, b_ddp, net.weights, net.biases):
        np.testing.assert_allclose(W, W_net, rtol=0, atol=1e-12)
        np.testing.assert_allclose(b, b_net, rtol=0, atol=1e-12)
    assert global_losses[-1] < 0.5 * global_losses[0]       # and it learned


def test_from_torch_brings_the_ddp_module_back(ranks):
    X, labels = training_data(CONFIG)
    net = _fresh_net()
    for batch in global_batches(CONFIG):
        net.train_step(X[batch], labels[batch], CONFIG["learning_rate"])
    # each rank's from_torch(model.module) predicts what the single-process chainrule network predicts
    for result in ranks:
        np.testing.assert_array_equal(result["predictions"], net.predict(X))
    assert np.mean(net.predict(X) == labels) > 0.8          # it learned: 84.7% of the 1,024 digits

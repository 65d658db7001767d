"""One rank of tests/interop/test_interop_torch_distributed.py: ``python ddp_worker.py RANK CONFIG.json``.

Builds the chainrule network of the config, moves it to PyTorch with ``to_torch``, wraps it in
``torch.nn.parallel.DistributedDataParallel`` (CPU, gloo, a TCP rendezvous on 127.0.0.1) and trains it on
its share of each global batch: rank r takes rows ``r::world_size`` of the batch. DDP averages the ranks'
gradients, so every rank takes the step of the whole batch. At the end the module comes back with
``from_torch`` and the rank writes its weights, its per-step losses and the back-converted network's
predictions to ``OUT_DIR/rank<r>.npz``.
"""
import datetime
import json
import os
import sys

import numpy as np


def training_data(config):
    """The first ``n_examples`` shipped MNIST digits, scaled to [0, 1] (float64), and their labels."""
    from chainrule.data import load_sample

    sample = load_sample()
    n = config["n_examples"]
    return sample.images[:n].reshape(n, -1) / 255.0, sample.labels[:n]


def global_batches(config):
    """Index arrays of the global batches, epoch after epoch, from a seeded shuffle: the same on every rank
    and in the single-process run."""
    rng = np.random.default_rng(config["seed"])
    n, size = config["n_examples"], config["global_batch"]
    for _ in range(config["epochs"]):
        order = rng.permutation(n)
        for start in range(0, n - size + 1, size):   # whole batches only: each rank gets the same share
            yield order[start:start + size]


def main(rank, config_path):
    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel

    from chainrule import Network
    from chainrule.interop.torch import from_torch, to_torch, torch_loss

    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    world = config["world_size"]
    torch.set_num_threads(1)   # two ranks on a shared 2-core machine
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{config['port']}", rank=rank,
                            world_size=world, timeout=datetime.timedelta(seconds=config["timeout"]))
    try:
        net = Network(config["layer_sizes"], seed=config["seed"], activation="relu", loss="softmax_cross_entropy")
        model = DistributedDataParallel(to_torch(net))   # CPU module: no device_ids
        loss_fn = torch_loss(net)
        optimizer = torch.optim.SGD(model.parameters(), lr=config["learning_rate"])
        X, labels = training_data(config)
        losses = []
        for batch in global_batches(config):
            mine = batch[rank::world]
            optimizer.zero_grad()
            loss = loss_fn(model(torch.from_numpy(X[mine])), torch.from_numpy(labels[mine].astype(np.int64)))
            loss.backward()                 # DDP all-reduces (averages) the gradients across the ranks here
            optimizer.step()
            losses.append(loss.item())
        back = from_torch(model.module, loss="softmax_cross_entropy")
        arrays = {f"W{i}": W for i, W in enumerate(back.weights)}
        arrays.update({f"b{i}": b for i, b in enumerate(back.biases)})
        np.savez(os.path.join(config["out_dir"], f"rank{rank}.npz"), losses=np.array(losses),
                 predictions=back.predict(X), **arrays)
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main(int(sys.argv[1]), sys.argv[2])

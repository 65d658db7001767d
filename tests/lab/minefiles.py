"""Helpers for the tests of ``chainrule lab --mine``: the check's fixtures, a learner's class run here (to verify
the sandboxed numbers a second way), and the processes a provider started."""
import importlib.util
from pathlib import Path

import numpy as np

from chainrule.check.supervisor import _descendants as descendants   # every process below a pid, from /proc

FIXTURES = Path(__file__).resolve().parents[1] / "check" / "fixtures"


def fixture(name):
    return FIXTURES / f"{name}.py"


def their_step(name, state):
    """The fixture's own class, imported here, on ``state`` (the lab's ``LabState``): what its forward, mse_loss,
    backward and train_step give, keyed as the lab keys them."""
    spec = importlib.util.spec_from_file_location(f"learner_{name}", fixture(name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    net = module.Network(list(state.layers), seed=0)
    net.weights = [W.copy() for W in state.weights]
    net.biases = [b.copy() for b in state.biases]
    values = {}
    output = net.forward(state.x.copy())
    for l, a in enumerate(net.activations[1:]):
        values[f"a{l + 1}"] = a
    for l, z in enumerate(getattr(net, "z_values", [])):     # a class that keeps z
        values[f"z{l + 1}"] = z
    values["loss"] = module.mse_loss(output, state.target)
    weight_grads, bias_grads = net.backward(state.target.copy())
    for l, (dW, db) in enumerate(zip(weight_grads, bias_grads)):
        values[f"dL/dW{l + 1}"], values[f"dL/db{l + 1}"] = dW, db
    net.train_step(state.x.copy(), state.target.copy(), state.learning_rate)
    for l, (W, b) in enumerate(zip(net.weights, net.biases)):
        values[f"W{l + 1}_new"], values[f"b{l + 1}_new"] = W, b
    values["new_prediction"] = net.forward(state.x.copy())
    values["new_loss"] = module.mse_loss(values["new_prediction"], state.target)
    return values


def item_value(values, item_id):
    """``values["dL/dW2"][0, 1]`` for ``"dL/dW2[0,1]"``."""
    name, _, index = item_id.partition("[")
    array = np.asarray(values[name], dtype=float)
    return float(array[tuple(int(i) for i in index.rstrip("]").split(","))]) if index else float(array)


def provider_processes(provider):
    """The processes a ``MineProvider`` runs now: its session's sandbox and its background check, with
    everything below them."""
    roots = []
    if provider._session is not None:
        roots.append(provider._session.box.process.pid)
    if provider._check is not None and provider._check.process.poll() is None:
        roots.append(provider._check.process.pid)
    return [pid for root in roots for pid in [root, *descendants(root)]]


def running(pid):
    """True while ``pid`` is a process that has not ended (a zombie waiting to be reaped has ended)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except OSError:
        return False

"""fit against PyTorch directly: the same network, the same batches in the same order, PyTorch's own
optimizers (SGD, momentum, Adam, with L2 weight decay on the weights only) and schedulers (StepLR,
CosineAnnealingLR with a minimum rate) give the same weights after several epochs, to 1e-9."""
import math

import numpy as np
import pytest

from chainrule import Network
from chainrule.training import SGD, Adam, Cosine, Momentum, StepDecay, fit

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

ACTIVATIONS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "identity": lambda z: z}
EPOCHS, LR, WEIGHT_DECAY, SEED = 5, 0.2, 0.03, 11


def problem(sizes, loss):
    net = Network(sizes, seed=4, activation="tanh",
                  output_activation="identity" if loss == "softmax_cross_entropy" else "sigmoid", loss=loss)
    rng = np.random.RandomState(8)
    for b in net.biases:                     # non-zero biases: "biases are not decayed" must be able to fail
        b[:] = rng.normal(scale=0.5, size=b.shape)
    X = rng.uniform(-1, 1, size=(13, sizes[0]))
    labels = rng.randint(sizes[-1], size=13)
    return net, X, np.eye(sizes[-1])[labels]


def torch_run(net, X, Y, make_optimizer, make_scheduler, batch_size):
    weights = [torch.tensor(W, requires_grad=True) for W in net.weights]
    biases = [torch.tensor(b, requires_grad=True) for b in net.biases]
    optimizer = make_optimizer([{"params": weights, "weight_decay": WEIGHT_DECAY},
                                {"params": biases, "weight_decay": 0.0}])
    scheduler = make_scheduler(optimizer)
    order_rng = np.random.RandomState(SEED)          # fit(seed=SEED) shuffles with this generator
    X_t, Y_t = torch.tensor(X), torch.tensor(Y)
    for _ in range(EPOCHS):
        order = order_rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            idx = torch.tensor(order[start:start + batch_size])
            a = X_t[idx]
            for W, b, name in zip(weights, biases, net.activation_names):
                a = ACTIVATIONS[name](a @ W.T + b)
            if net.loss.name == "mse":
                loss = torch.nn.functional.mse_loss(a, Y_t[idx])
            else:
                loss = torch.nn.functional.cross_entropy(a, Y_t[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if scheduler is not None:
            scheduler.step()
    return [W.detach().numpy() for W in weights], [b.detach().numpy() for b in biases]


OPTIMIZERS = {
    "sgd": (lambda: SGD(), lambda groups: torch.optim.SGD(groups, lr=LR)),
    "momentum": (lambda: Momentum(momentum=0.7), lambda groups: torch.optim.SGD(groups, lr=LR, momentum=0.7)),
    "adam": (lambda: Adam(beta1=0.8, beta2=0.95, eps=1e-6),
             lambda groups: torch.optim.Adam(groups, lr=LR / 10, betas=(0.8, 0.95), eps=1e-6)),
}
SCHEDULES = {
    "constant": (lambda lr: "constant", lambda optimizer: None),
    "step": (lambda lr: StepDecay(lr, EPOCHS, step_size=2, gamma=0.3),
             lambda optimizer: torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.3)),
    "cosine": (lambda lr: Cosine(lr, EPOCHS, min_lr=lr / 4),
               lambda optimizer: torch.optim.lr_scheduler.CosineAnnealingLR(
                   optimizer, T_max=EPOCHS, eta_min=optimizer.param_groups[0]["lr"] / 4)),
}


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize("schedule", list(SCHEDULES))
@pytest.mark.parametrize("sizes, loss", [([3, 5, 2], "mse"), ([4, 6, 3], "softmax_cross_entropy")])
def test_fit_matches_pytorch_optimizers_and_schedulers(optimizer, schedule, sizes, loss):
    ours_optimizer, torch_optimizer = OPTIMIZERS[optimizer]
    ours_schedule, torch_scheduler = SCHEDULES[schedule]
    lr = LR / 10 if optimizer == "adam" else LR
    net, X, Y = problem(sizes, loss)
    expected_W, expected_b = torch_run(net, X, Y, torch_optimizer, torch_scheduler, batch_size=4)
    history = fit(net, X, Y, epochs=EPOCHS, learning_rate=lr, batch_size=4, optimizer=ours_optimizer(),
                  schedule=ours_schedule(lr), weight_decay=WEIGHT_DECAY, seed=SEED, diagnostics=False)
    for ours, theirs in zip(net.weights + net.biases, expected_W + expected_b):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-11)
    if schedule == "cosine":
        assert history.learning_rate == pytest.approx(
            [lr / 4 + (lr - lr / 4) * (1 + math.cos(math.pi * e / EPOCHS)) / 2 for e in range(EPOCHS)], rel=1e-12)
    if schedule == "step":
        assert history.learning_rate == pytest.approx([lr, lr, lr * 0.3, lr * 0.3, lr * 0.09], rel=1e-12)

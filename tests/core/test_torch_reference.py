"""An independent reference: the same networks in PyTorch (CPU, float64) give the same outputs, losses and
gradients to 1e-10."""
import numpy as np
import pytest

from chainrule import Network

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

TORCH_ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
    "identity": lambda z: z,
    "softmax": lambda z: torch.softmax(z, dim=-1),
    "softplus": torch.nn.functional.softplus,
}


def torch_loss(name, output, target):
    if name == "mse":
        return torch.nn.functional.mse_loss(output, target)
    if name == "cross_entropy":
        return torch.nn.functional.binary_cross_entropy(output, target)
    return torch.nn.functional.cross_entropy(output, target)


def torch_forward_backward(net, X, target):
    weights = [torch.tensor(W, dtype=torch.float64, requires_grad=True) for W in net.weights]
    biases = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in net.biases]
    a = torch.tensor(X, dtype=torch.float64)
    for W, b, name in zip(weights, biases, net.activation_names):
        a = TORCH_ACTIVATIONS[name](a @ W.T + b)
    t = torch.tensor(target)
    loss = torch_loss(net.loss.name, a, t)
    loss.backward()
    return (a.detach().numpy(), loss.item(), [W.grad.numpy() for W in weights], [b.grad.numpy() for b in biases])


CASES = [
    ([2, 2, 1], "sigmoid", "sigmoid", "mse"),                       # the guide's network
    ([3, 4, 2], "sigmoid", "sigmoid", "mse"),                       # block 17's network: several outputs
    ([784, 64, 10], "sigmoid", "sigmoid", "mse"),                   # the practice project's
    ([5, 8, 6, 3], "tanh", "sigmoid", "cross_entropy"),
    ([5, 8, 6, 4], "relu", "identity", "softmax_cross_entropy"),
    ([5, 7, 4], "leaky_relu", "softmax", "mse"),
    ([4, 6, 2], "identity", "identity", "mse"),
    ([5, 8, 6, 3], "softplus", "softplus", "mse"),                  # the activation added by issue 16
]


@pytest.mark.parametrize("sizes, hidden, output, loss", CASES)
@pytest.mark.parametrize("batch", [1, 16])
def test_outputs_losses_and_gradients_match_pytorch(sizes, hidden, output, loss, batch):
    rng = np.random.default_rng(sum(sizes) + batch)
    net = Network(sizes, seed=7, activation=hidden, output_activation=output, loss=loss)
    for b in net.biases:
        b[:] = rng.normal(scale=0.1, size=b.shape)
    X = rng.uniform(size=(batch, sizes[0]))
    if loss == "softmax_cross_entropy":
        labels = rng.integers(0, sizes[-1], size=batch)
        ours_target, torch_target = labels, labels
    else:
        ours_target = torch_target = rng.uniform(size=(batch, sizes[-1]))
    ours_out = net.forward(X)
    ours_loss = float(net.loss.value(ours_out, net.loss.prepare_targets(ours_target, ours_out)))
    weight_grads, bias_grads = net.backward(ours_target)

    out, loss_value, torch_wg, torch_bg = torch_forward_backward(net, X, torch_target)
    np.testing.assert_allclose(ours_out, out, rtol=0, atol=1e-12)
    assert ours_loss == pytest.approx(loss_value, abs=1e-10)
    for ours, theirs in zip(weight_grads + bias_grads, torch_wg + torch_bg):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_one_example_vector_matches_pytorch():
    """The guide's 1-D convention (x shaped (n_in,)) agrees with PyTorch too."""
    net = Network([2, 2, 1], seed=0)
    x, target = np.array([1.0, 2.0]), np.array([1.0])
    net.forward(x)
    weight_grads, _ = net.backward(target)
    _, _, torch_wg, _ = torch_forward_backward(net, x[None, :], target[None, :])
    for ours, theirs in zip(weight_grads, torch_wg):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-14)

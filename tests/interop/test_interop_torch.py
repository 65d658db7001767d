"""The PyTorch bridge: to_torch / from_torch keep the function, the weights, the loss and the gradients."""
import numpy as np
import pytest

from chainrule import ConfigError, Network

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

from chainrule.interop.torch import from_torch, to_torch, torch_loss  # noqa: E402

nn = torch.nn

NETS = [
    # (layer_sizes, hidden activations, output activation, loss)
    ([4, 8, 3], "sigmoid", "sigmoid", "mse"),
    ([4, 8, 6, 3], ["tanh", "relu"], "identity", "softmax_cross_entropy"),
    ([5, 7, 2], "leaky_relu", "sigmoid", "cross_entropy"),
    ([3, 6, 4], "relu", "softmax", "cross_entropy"),
    ([3, 5, 5, 1], ["identity", "tanh"], "identity", "mse"),
]


def make_net(sizes, hidden, output, loss, dtype=np.float64, seed=3):
    net = Network(sizes, seed=seed, activation=hidden, output_activation=output, loss=loss, dtype=dtype)
    rng = np.random.default_rng(seed)
    # non-zero biases, so a forgotten bias would show
    net.set_weights((net.weights, [rng.normal(size=b.shape) for b in net.biases]))
    return net


def make_targets(net, n, rng):
    if net.loss.name == "softmax_cross_entropy":
        labels = rng.integers(0, net.layer_sizes[-1], size=n)
        return labels, torch.from_numpy(labels)
    targets = rng.uniform(size=(n, net.layer_sizes[-1]))
    return targets, torch.from_numpy(targets)


@pytest.mark.parametrize("sizes, hidden, output, loss", NETS)
def test_to_torch_computes_the_same_outputs_in_float64(sizes, hidden, output, loss):
    net = make_net(sizes, hidden, output, loss)
    model = to_torch(net)
    X = np.random.default_rng(0).normal(size=(50, sizes[0])) * 3
    ours = net.forward(X)
    theirs = model(torch.from_numpy(X)).detach().numpy()
    assert theirs.dtype == np.float64
    np.testing.assert_allclose(theirs, ours, rtol=0, atol=1e-12)


def test_to_torch_builds_linear_and_activation_modules():
    net = make_net([4, 8, 6, 3], ["tanh", "leaky_relu"], "identity", "softmax_cross_entropy")
    model = to_torch(net)
    assert [type(m).__name__ for m in model] == ["Linear", "Tanh", "Linear", "LeakyReLU", "Linear"]
    assert model[3].negative_slope == 0.01
    # nn.Linear stores weight as (n_out, n_in), like chainrule: a plain copy, no transpose
    assert model[0].weight.shape == (8, 4)
    np.testing.assert_array_equal(model[2].weight.detach().numpy(), net.weights[1])
    np.testing.assert_array_equal(model[4].bias.detach().numpy(), net.biases[2])


def test_to_torch_copies_the_weights():
    net = make_net([2, 3, 1], "sigmoid", "sigmoid", "mse")
    before = net.weights[0].copy()
    model = to_torch(net)
    with torch.no_grad():
        model[0].weight.add_(1.0)
    np.testing.assert_array_equal(net.weights[0], before)


def test_float32_stays_float32():
    net = make_net([4, 8, 3], "relu", "sigmoid", "mse", dtype=np.float32)
    model = to_torch(net)
    assert all(p.dtype == torch.float32 for p in model.parameters())
    X = np.random.default_rng(1).normal(size=(20, 4)).astype(np.float32)
    np.testing.assert_allclose(model(torch.from_numpy(X)).detach().numpy(), net.forward(X), rtol=1e-6, atol=1e-6)
    back = from_torch(model)
    assert back.dtype == np.float32


@pytest.mark.parametrize("sizes, hidden, output, loss", NETS)
def test_round_trip_gives_back_the_same_network(sizes, hidden, output, loss):
    net = make_net(sizes, hidden, output, loss)
    back = from_torch(to_torch(net), loss=loss)
    assert back.layer_sizes == net.layer_sizes
    assert back.activation_names == net.activation_names
    assert back.loss.name == net.loss.name
    for W, W_back, b, b_back in zip(net.weights, back.weights, net.biases, back.biases):
        np.testing.assert_array_equal(W_back, W)
        np.testing.assert_array_equal(b_back, b)


def test_from_torch_reads_a_pytorch_built_mlp():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 10), nn.ReLU(), nn.Sequential(nn.Linear(10, 5), nn.LeakyReLU(0.2)),
                          nn.Identity(), nn.Linear(5, 3, bias=False)).double()
    net = from_torch(model, loss="softmax_cross_entropy")
    assert net.layer_sizes == [6, 10, 5, 3]
    assert net.activation_names == ["relu", "leaky_relu", "identity"]
    assert net.layers[1].activation.alpha == 0.2
    np.testing.assert_array_equal(net.biases[2], np.zeros(3))
    X = np.random.default_rng(2).normal(size=(30, 6))
    np.testing.assert_allclose(net.forward(X), model(torch.from_numpy(X)).detach().numpy(), rtol=0, atol=1e-12)
    # and the class probabilities agree with torch's softmax
    np.testing.assert_allclose(net.predict_proba(X), torch.softmax(model(torch.from_numpy(X)), -1).detach().numpy(),
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize("sizes, hidden, output, loss", NETS)
def test_losses_and_gradients_match_for_two_sgd_steps(sizes, hidden, output, loss):
    """Same loss, same gradients; one SGD step on each side; again the same loss, gradients and weights."""
    net = make_net(sizes, hidden, output, loss)
    model = to_torch(net)
    criterion = torch_loss(net)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    rng = np.random.default_rng(5)
    X = rng.normal(size=(16, sizes[0]))
    y, y_torch = make_targets(net, 16, rng)
    X_checked, Y = net.prepare_data(X, y)

    for step in range(2):
        loss_value, weight_grads, bias_grads = net.loss_and_gradients(X_checked, Y)
        optimizer.zero_grad()
        torch_loss_value = criterion(model(torch.from_numpy(X)), y_torch)
        torch_loss_value.backward()
        assert torch_loss_value.item() == pytest.approx(loss_value, rel=1e-12, abs=1e-14)
        for linear, dW, db in zip(linears, weight_grads, bias_grads):
            np.testing.assert_allclose(linear.weight.grad.numpy(), dW, rtol=0, atol=1e-12)
            np.testing.assert_allclose(linear.bias.grad.numpy(), db, rtol=0, atol=1e-12)
        optimizer.step()
        for W, b, dW, db in zip(net.weights, net.biases, weight_grads, bias_grads):
            W -= 0.5 * dW
            b -= 0.5 * db
        for linear, W, b in zip(linears, net.weights, net.biases):
            np.testing.assert_allclose(linear.weight.detach().numpy(), W, rtol=0, atol=1e-12)
            np.testing.assert_allclose(linear.bias.detach().numpy(), b, rtol=0, atol=1e-12)


def test_torch_loss_names_the_matching_module():
    assert isinstance(torch_loss(Network([2, 1], loss="mse")), nn.MSELoss)
    assert isinstance(torch_loss(Network([2, 1], loss="cross_entropy")), nn.BCELoss)
    assert isinstance(torch_loss(Network([2, 3], loss="softmax_cross_entropy")), nn.CrossEntropyLoss)


def test_from_torch_takes_a_typical_mnist_model_with_a_leading_flatten():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.Sigmoid(), nn.Linear(32, 10))
    net = from_torch(model, loss="softmax_cross_entropy")
    assert net.layer_sizes == [784, 32, 10] and net.dtype == np.float32
    images = torch.rand(5, 1, 28, 28)
    np.testing.assert_allclose(net.forward(images.reshape(5, -1).numpy()), model(images).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("model, message", [
    (nn.Sequential(nn.Linear(4, 3), nn.Flatten(), nn.Linear(3, 2)), "Flatten after a Linear"),
    (nn.Sequential(nn.Linear(4, 3), nn.Dropout(0.5), nn.Linear(3, 2)), "module 1 is Dropout"),
    (nn.Sequential(nn.Linear(4, 3), nn.GELU(), nn.Linear(3, 2)), "module 1 is GELU"),
    (nn.Sequential(nn.ReLU(), nn.Linear(4, 3)), "before any Linear"),
    (nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Tanh()), "follows another activation"),
    (nn.Sequential(nn.Linear(4, 3), nn.Linear(5, 2)), "takes 5 inputs but the layer before gives 3"),
    (nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=0)), "use Softmax\\(dim=-1\\)"),
    (nn.Sequential(nn.Tanh()), "before any Linear"),
    (nn.Sequential(), "no Linear layer"),
    (nn.Linear(4, 3), "expects a torch.nn.Sequential"),
    (nn.Sequential(nn.Linear(4, 3)).half(), "float32 or float64"),
])
def test_from_torch_rejects_what_chainrule_cannot_compute(model, message):
    with pytest.raises(ConfigError, match=message):
        from_torch(model)


def test_to_torch_rejects_other_objects():
    with pytest.raises(ConfigError, match="expects a chainrule Network"):
        to_torch(nn.Linear(2, 2))


def test_train_in_torch_float32_and_come_back():
    """The README's round trip, small: chainrule -> torch (float32) -> a few Adam steps -> chainrule."""
    net = make_net([6, 12, 3], "relu", "identity", "softmax_cross_entropy")
    rng = np.random.default_rng(4)
    X = rng.normal(size=(64, 6))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
    model = to_torch(net).float()
    criterion = torch_loss(net)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    X_t, y_t = torch.from_numpy(X).float(), torch.from_numpy(y).long()
    for _ in range(20):
        optimizer.zero_grad()
        criterion(model(X_t), y_t).backward()
        optimizer.step()
    back = from_torch(model, loss="softmax_cross_entropy")
    assert back.dtype == np.float32
    np.testing.assert_allclose(back.forward(X.astype(np.float32)), model(X_t).detach().numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(back.predict(X.astype(np.float32)), model(X_t).argmax(dim=1).numpy())
    assert not np.allclose(back.weights[0], net.weights[0])  # it did train there

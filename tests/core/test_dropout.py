"""Dropout, the layer added to prove a layer takes one file and one registration line: inverted dropout while
training, nothing in evaluation, masks drawn from the network's RandomState, gradients exact for a held mask."""
import numpy as np
import pytest

from chainrule import ConfigError, Dropout, LAYERS, Network
from chainrule.training import fit, load_model, save_model

X = np.random.RandomState(0).uniform(-1, 1, (40, 5))
LABELS = (X[:, 0] + X[:, 1] > 0).astype(int)


def test_dropout_sits_after_every_hidden_layer_and_weights_stay_the_guides():
    net = Network([5, 8, 6, 2], seed=3, activation="relu", dropout=0.25)
    assert [layer.name for layer in net.stack] == ["dense", "dropout", "dense", "dropout", "dense"]
    assert net.dropout == [0.25, 0.25] and len(net.weights) == 3
    plain = Network([5, 8, 6, 2], seed=3, activation="relu")
    for W, W_plain in zip(net.weights, plain.weights):
        np.testing.assert_array_equal(W, W_plain)         # the same He-normal draws: dropout draws nothing yet


def test_evaluation_passes_everything_through():
    net = Network([5, 8, 2], seed=3, dropout=0.5)
    plain = Network([5, 8, 2], seed=3)
    np.testing.assert_array_equal(net.forward(X), plain.forward(X))
    np.testing.assert_array_equal(net.output(X), plain.output(X))
    np.testing.assert_array_equal(net.predict(X), plain.predict(X))


def test_training_drops_a_share_and_scales_the_rest():
    net = Network([5, 400, 2], seed=3, activation="relu", dropout=0.25)
    net.forward(X, training=True)
    mask = net.stack[1].mask
    assert set(np.unique(mask)) == {0.0, 1 / 0.75}
    assert abs(np.mean(mask == 0) - 0.25) < 0.01                     # 16,000 draws
    hidden = net.layers[0].a
    np.testing.assert_array_equal(net.layers[1].a_prev, hidden * mask)   # what the next layer sees


def test_the_same_seed_trains_the_same_and_dropout_changes_the_training():
    runs = []
    for dropout in (0.3, 0.3, 0.0):
        net = Network([5, 8, 2], seed=4, activation="tanh", loss="softmax_cross_entropy", dropout=dropout)
        net.train_epoch(X, LABELS, learning_rate=0.5, batch_size=8)
        runs.append(net.weights[0].copy())
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.allclose(runs[0], runs[2])


def loss_with_held_masks(net, x, target):
    return float(net.loss.value(net._forward(x, training=True), target))


def test_gradients_match_finite_differences_for_a_held_mask():
    net = Network([4, 6, 5, 3], seed=2, activation="tanh", loss="softmax_cross_entropy", dropout=0.4)
    x = np.random.RandomState(1).uniform(-1, 1, (3, 4))
    target = net.loss.prepare_targets(np.array([0, 2, 1]), np.empty((3, 3)))
    prediction = net._forward(x, training=True)
    for layer in net.stack:
        if isinstance(layer, Dropout):
            layer.hold_mask = True
    assert any(np.any(layer.mask == 0) for layer in net.stack if isinstance(layer, Dropout))
    weight_grads, bias_grads = net._backpropagate(net.loss.gradient(prediction, target))
    weight_grads = [g.copy() for g in weight_grads]
    eps = 1e-6
    for W, dW in zip(net.weights, weight_grads):
        for index in np.ndindex(W.shape):
            original = W[index]
            W[index] = original + eps
            plus = loss_with_held_masks(net, x, target)
            W[index] = original - eps
            minus = loss_with_held_masks(net, x, target)
            W[index] = original
            assert (plus - minus) / (2 * eps) == pytest.approx(dW[index], abs=1e-8)


def test_gradients_match_pytorch_with_the_same_mask():
    torch = pytest.importorskip("torch")
    net = Network([4, 6, 3], seed=2, activation="relu", loss="mse", dropout=0.5)
    x = np.random.RandomState(1).uniform(-1, 1, (5, 4))
    target = np.random.RandomState(2).uniform(0, 1, (5, 3))
    loss, weight_grads, bias_grads = net.train_batch(x, target, lambda *step: None)
    mask = torch.from_numpy(net.stack[1].mask)
    W1, W2 = (torch.tensor(W, requires_grad=True) for W in net.weights)
    b1, b2 = (torch.tensor(b, requires_grad=True) for b in net.biases)
    hidden = torch.relu(torch.from_numpy(x) @ W1.T + b1) * mask
    torch_loss = torch.nn.functional.mse_loss(torch.sigmoid(hidden @ W2.T + b2), torch.from_numpy(target))
    torch_loss.backward()
    assert loss == pytest.approx(torch_loss.item(), rel=1e-12)
    for ours, theirs in zip(weight_grads + bias_grads, [W1.grad, W2.grad, b1.grad, b2.grad]):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("name", [name for name in LAYERS if not LAYERS.lookup(name).has_weights])
def test_every_layer_kind_comes_back_from_a_model_file_with_its_parameters(tmp_path, name):
    kind = LAYERS.lookup(name)
    import inspect
    params = {key: p.default / 3 + 0.01 for key, p in inspect.signature(kind).parameters.items()}
    net = Network([5, 8, 2], seed=1, stack=["dense", {"name": name, **params}, "dense"])
    again = load_model(save_model(net, tmp_path / "m.npz"))
    assert [layer.config() for layer in again.stack] == [layer.config() for layer in net.stack]
    np.testing.assert_array_equal(again.output(X), net.output(X))


def test_fit_trains_with_dropout_and_repeats():
    histories = []
    for _ in range(2):
        net = Network([5, 16, 2], seed=0, activation="relu", loss="softmax_cross_entropy", dropout=0.2)
        histories.append(fit(net, X, LABELS, epochs=3, learning_rate=0.1, diagnostics=False)["train_loss"])
    assert histories[0] == histories[1] and all(np.isfinite(histories[0]))


@pytest.mark.parametrize("kwargs, message", [
    (dict(dropout=1.0), r"dropout rate must be a number in \[0, 1\)"),
    (dict(dropout=-0.1), "dropout rate must be"),
    (dict(dropout="half"), "dropout rate must be"),
    (dict(dropout=0.2, stack=["dense", "dense"]), "give dropout= or stack=, not both"),
    (dict(stack=["dense", "dropout"]), "the stack has 1 'dense' entries for the network's 2 layers"),
    (dict(stack=["dense", "batchnorm", "dense"]), "unknown layer 'batchnorm'"),
])
def test_bad_dropout_settings_are_config_errors(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        Network([5, 8, 2], **kwargs)


def test_a_trace_refuses_a_network_with_dropout():
    from chainrule.viz import record_trace

    with pytest.raises(ConfigError, match=r"Dense layers only; this one also has Dropout\(rate=0.5\)"):
        record_trace(Network([2, 2, 1], dropout=0.5), [1.0, 2.0], [1.0])

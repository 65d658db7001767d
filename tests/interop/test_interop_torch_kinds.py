"""Every activation kind with a PyTorch twin goes to PyTorch and back with its parameters (leaky_relu's slope)."""
import numpy as np
import pytest

from chainrule import ACTIVATIONS, Network

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

from chainrule.interop.torch import from_torch, to_torch  # noqa: E402


@pytest.mark.parametrize("hidden", [name for name in ACTIVATIONS if ACTIVATIONS.lookup(name).elementwise]
                         + [{"name": "leaky_relu", "alpha": 0.3}])
def test_a_network_goes_to_pytorch_and_back_with_the_same_outputs(hidden):
    net = Network([4, 6, 3], seed=2, activation=hidden)
    module = to_torch(net)
    X = np.random.RandomState(1).uniform(-4, 4, (5, 4))
    np.testing.assert_allclose(module(torch.from_numpy(X)).detach().numpy(), net.forward(X), rtol=1e-12, atol=1e-14)
    back = from_torch(module)
    assert [layer.activation.config() for layer in back.layers] == [layer.activation.config() for layer in net.layers]
    np.testing.assert_array_equal(back.forward(X), net.forward(X))

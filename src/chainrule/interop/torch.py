"""A bridge to PyTorch: move a chainrule ``Network`` to ``torch.nn.Sequential`` and back.

    to_torch(net)        -> nn.Sequential(Linear, activation, Linear, activation, ...), same weights, same dtype
    from_torch(module)   -> Network with the same layers, activations and weights
    torch_loss(net)      -> the torch loss module that computes chainrule's loss

Both sides store a layer the same way: ``W`` is ``(n_out, n_in)`` and the layer computes
``a_prev @ W.T + b``, exactly ``nn.Linear``'s ``weight`` and ``bias``. An ``identity`` activation
has no module: two Linears in a row mean the first one has no activation.

PyTorch is optional: ``pip install "chainrule[torch]"`` (on a CPU-only machine ``pip install torch==2.13.0``
installs the CPU build).
"""
import numpy as np

from ..core.activations import ACTIVATIONS
from ..core.network import Network
from ..errors import ConfigError

_INSTALL_HINT = ('chainrule.interop.torch needs PyTorch, an optional dependency: pip install "chainrule[torch]" '
                 "(or the CPU build alone: pip install torch==2.13.0)")


def _import_torch():
    try:
        import torch
    except ImportError as exc:
        raise ImportError(_INSTALL_HINT) from exc
    return torch


def to_torch(net):
    """A ``torch.nn.Sequential`` computing the same function as ``net``, with copies of its weights.

    The tensors have the network's dtype (float64 -> torch.float64, float32 -> torch.float32), so in
    float64 the outputs agree with ``net.forward`` to rounding (about 1e-15). The output is what
    ``net.forward`` returns: for ``loss="softmax_cross_entropy"`` that is the logits, which is what
    ``torch.nn.CrossEntropyLoss`` expects.
    """
    torch = _import_torch()
    nn = torch.nn
    if not isinstance(net, Network):
        raise ConfigError(f"to_torch expects a chainrule Network, got {type(net).__name__}")
    dtype = torch.float64 if net.dtype == np.float64 else torch.float32
    modules = []
    for layer, W, b in zip(net.layers, net.weights, net.biases):
        n_out, n_in = W.shape
        linear = nn.Linear(n_in, n_out, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.array(W, copy=True)))
            linear.bias.copy_(torch.from_numpy(np.array(b, copy=True)))
        modules.append(linear)
        activation = layer.activation.torch_module(nn)
        if activation is not None:
            modules.append(activation)
    return nn.Sequential(*modules)


def torch_loss(net):
    """The PyTorch loss module that computes ``net``'s loss on ``to_torch(net)``'s output.

    - ``mse``: ``MSELoss()`` -- both are the mean over all elements.
    - ``cross_entropy``: ``BCELoss()`` on probabilities -- both are the mean over all elements. They differ
      only for outputs within 1e-15 of 0 or 1: chainrule clips the probability there, PyTorch clamps the
      log at -100.
    - ``softmax_cross_entropy``: ``CrossEntropyLoss()`` on logits, with class labels (int64) or
      probability targets.
    """
    torch = _import_torch()
    nn = torch.nn
    return net.loss.torch_loss(nn)


# --- back from PyTorch ---

_SUPPORTED = "Linear, Sigmoid, Tanh, ReLU, LeakyReLU, Softplus, Softmax(dim=-1), Identity and a leading Flatten"


def _activation_from_module(module, nn, position):
    """The registered activation kind that ``module`` computes (each kind knows its PyTorch twin)."""
    for kind in ACTIVATIONS.classes():
        try:
            activation = kind.from_torch_module(module, nn)
        except ConfigError as exc:
            raise ConfigError(f"module {position} is {exc}") from None
        if activation is not None:
            return activation
    raise ConfigError(f"module {position} is {type(module).__name__}, which chainrule cannot represent; "
                      f"from_torch supports an nn.Sequential of {_SUPPORTED}")


def _flatten(module, nn):
    for child in module:
        if isinstance(child, nn.Sequential):
            yield from _flatten(child, nn)
        else:
            yield child


def from_torch(module, loss="mse", seed=42):
    """A chainrule ``Network`` computing the same function as the PyTorch MLP ``module``.

    ``module`` is an ``nn.Sequential`` (nested Sequentials are flattened) of ``Linear`` layers, each followed
    by at most one of ``Sigmoid``, ``Tanh``, ``ReLU``, ``LeakyReLU``, ``Softplus``, ``Softmax(dim=-1)`` (``Identity``
    modules are skipped, and so is a leading ``Flatten``: the chainrule network takes the flattened rows,
    e.g. ``images.reshape(len(images), -1)``). Anything else (Dropout, BatchNorm, Conv2d, GELU, a custom module, ...) is a
    ``ConfigError`` naming the module, because chainrule could not reproduce what it computes.

    ``loss`` is the loss to train it with (a module carries none): ``"mse"``, ``"cross_entropy"``
    (expects probabilities: a sigmoid or softmax output) or ``"softmax_cross_entropy"`` (needs logits: end with a Linear).
    The dtype comes from the parameters (float32 or float64); weights are copied to NumPy on the CPU.
    A ``Linear(bias=False)`` comes back with zero biases: the same function, but chainrule will train them.
    """
    torch = _import_torch()
    nn = torch.nn
    if not isinstance(module, nn.Sequential):
        raise ConfigError(f"from_torch expects a torch.nn.Sequential (its order is its computation), "
                          f"got {type(module).__name__}")
    linears, activations = [], []
    for position, child in enumerate(_flatten(module, nn)):
        if isinstance(child, nn.Identity):
            continue
        if isinstance(child, nn.Flatten):
            if linears:
                raise ConfigError(f"module {position} is Flatten after a Linear layer; chainrule networks take "
                                  f"flat rows, so a Flatten can only come first")
            continue  # images -> rows: chainrule's input is already rows of n_in numbers
        if isinstance(child, nn.Linear):
            linears.append(child)
            activations.append(None)    # identity, unless an activation module follows
            continue
        name = _activation_from_module(child, nn, position)
        if not linears:
            raise ConfigError(f"module {position} ({type(child).__name__}) comes before any Linear layer; "
                              f"a chainrule network starts with a fully connected layer")
        if activations[-1] is not None:
            raise ConfigError(f"module {position} ({type(child).__name__}) follows another activation; "
                              f"chainrule layers have one activation each")
        activations[-1] = name
    if not linears:
        raise ConfigError(f"from_torch found no Linear layer in {module}")

    sizes = [linears[0].in_features]
    for i, linear in enumerate(linears):
        if linear.in_features != sizes[-1]:
            raise ConfigError(f"Linear layer {i + 1} takes {linear.in_features} inputs but the layer before "
                              f"gives {sizes[-1]}")
        sizes.append(linear.out_features)

    dtypes = {p.dtype for linear in linears for p in linear.parameters()}
    if dtypes == {torch.float64}:
        dtype = np.float64
    elif dtypes == {torch.float32}:
        dtype = np.float32
    else:
        raise ConfigError(f"chainrule computes in float32 or float64; the module's parameters are "
                          f"{sorted(str(d) for d in dtypes)} (convert with module.double() or module.float())")

    activations = ["identity" if activation is None else activation for activation in activations]
    net = Network(sizes, seed=seed, activation=activations[:-1], output_activation=activations[-1],
                  loss=loss, dtype=dtype)
    weights, biases = [], []
    for linear in linears:
        weights.append(linear.weight.detach().cpu().numpy().copy())
        if linear.bias is None:
            biases.append(np.zeros(linear.out_features, dtype=dtype))
        else:
            biases.append(linear.bias.detach().cpu().numpy().copy())
    net.set_weights((weights, biases))
    return net

"""A backpropagation trace: every intermediate value one training step computes, recorded from the library.

``record_trace(net, x, target, learning_rate)`` runs the network's own ``forward`` and ``backward`` on a copy
of ``net`` and reads what each ``Dense`` layer kept (``a_prev``, ``z``, ``a``, ``grad_a``, ``delta``); the
update is the network's own ``train_step``. Nothing here re-implements the math: a trace is a record.

Layers are numbered from 1 as in the guide: layer l computes ``z_l = W_l a_{l-1} + b_l`` and
``a_l = f(z_l)``, with ``a_0 = x``.
"""
from dataclasses import dataclass, field

import numpy as np

from ..core import Network
from ..errors import ConfigError, ShapeError


@dataclass
class LayerRecord:
    """What layer ``index`` (1-based) computed in one forward and one backward pass."""

    index: int
    activation: str
    W: np.ndarray           # weights before the update
    b: np.ndarray
    a_prev: np.ndarray      # the layer's input a_{l-1}
    z: np.ndarray
    a: np.ndarray
    grad_a: np.ndarray      # dL/da_l, handed down from the layer above (or the loss)
    da_dz: np.ndarray       # f'(z_l) written in terms of a_l (the diagonal, for softmax)
    delta: np.ndarray       # dL/dz_l
    dW: np.ndarray
    db: np.ndarray
    W_new: np.ndarray = None
    b_new: np.ndarray = None


@dataclass
class Trace:
    """One training step of one example, layer by layer (see the module docstring)."""

    layer_sizes: list
    loss_name: str
    x: np.ndarray
    target: np.ndarray
    learning_rate: float
    layers: list
    prediction: np.ndarray
    loss: float
    new_prediction: np.ndarray
    new_loss: float
    #: the guide's printed value for a quantity, keyed like ``values()``; used to print where the guide differs
    guide: dict = field(default_factory=dict)
    #: the guide blocks that print this trace ("9-13", "16"), for the errata reference; "" for other traces
    guide_blocks: str = ""

    @property
    def n_layers(self):
        return len(self.layers)

    def values(self):
        """Every recorded quantity by its printed name (``z1``, ``a1``, ``dL/da2``, ``W2_new``, ...)."""
        out = {"x": self.x, "target": self.target}
        for r in self.layers:
            out[f"z{r.index}"] = r.z
            out[f"a{r.index}"] = r.a
        out["loss"] = self.loss
        for r in reversed(self.layers):
            l = r.index
            out[f"dL/da{l}"] = r.grad_a
            out[f"da{l}/dz{l}"] = r.da_dz
            out[f"delta{l}"] = r.delta
            out[f"dL/dW{l}"] = r.dW
            out[f"dL/db{l}"] = r.db
        for r in reversed(self.layers):
            out[f"W{r.index}_new"] = r.W_new
            out[f"b{r.index}_new"] = r.b_new
        out["new_prediction"] = self.new_prediction
        out["new_loss"] = self.new_loss
        return out


def record_trace(net, x, target, learning_rate=0.5):
    """Trace one training step of ``net`` on the single example ``(x, target)``; ``net`` is left untouched."""
    if not isinstance(net, Network):
        raise ConfigError(f"record_trace needs a chainrule Network, got {type(net).__name__}")
    extra = [repr(layer) for layer in net.stack if not layer.has_weights]
    if extra:   # a layer between the Dense ones (dropout) has no row in the guide's step-by-step trace
        raise ConfigError(f"a trace follows the guide's network of Dense layers only; this one also has "
                          f"{', '.join(extra)}")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ShapeError(f"a trace follows one example: x must have shape ({net.layer_sizes[0]},), got {x.shape}")
    work = net.astype(net.dtype)        # a copy in the same precision: the caller's network is untouched
    weights_before = [W.copy() for W in work.weights]
    biases_before = [b.copy() for b in work.biases]

    prediction = work.forward(x).copy()
    target = work.loss.prepare_targets(target, prediction)
    loss = float(work.loss.value(prediction, target))
    weight_grads, bias_grads = work.backward(target)
    records = []
    for i, layer in enumerate(work.layers):
        records.append(LayerRecord(
            index=i + 1, activation=layer.activation.name, W=weights_before[i], b=biases_before[i],
            a_prev=layer.a_prev.copy(), z=layer.z.copy(), a=layer.a.copy(), grad_a=layer.grad_a.copy(),
            da_dz=np.asarray(layer.activation.derivative(layer.a)).copy(), delta=layer.delta.copy(),
            dW=weight_grads[i].copy(), db=bias_grads[i].copy()))

    step_loss = work.train_step(x, target, learning_rate)   # the library's own update
    if not np.isclose(step_loss, loss, rtol=1e-12, atol=0):
        raise AssertionError(f"train_step saw loss {step_loss!r}, the traced forward pass {loss!r}")
    for record, W, b in zip(records, work.weights, work.biases):
        record.W_new, record.b_new = W.copy(), b.copy()
    new_prediction = work.forward(x).copy()
    new_loss = float(work.loss.value(new_prediction, target))
    return Trace(layer_sizes=list(work.layer_sizes), loss_name=work.loss.name, x=x.copy(), target=target,
                 learning_rate=float(learning_rate), layers=records, prediction=prediction, loss=loss,
                 new_prediction=new_prediction, new_loss=new_loss)

"""What the diagnostics measure: the loss of the best constant prediction, and each layer on a probe batch."""
import numpy as np


def constant_prediction_loss(net, Y, mean=None):
    """The loss on targets ``Y`` of predicting the mean target (of ``Y``, or ``mean``) for every input: the best
    a network that ignores its input can do (the class frequencies for classification). ``None`` when the
    output cannot represent it."""
    Y = np.asarray(Y, dtype=np.float64)
    mean = Y.mean(axis=0, keepdims=True) if mean is None else np.asarray(mean, dtype=np.float64).reshape(1, -1)
    prediction = np.broadcast_to(mean, Y.shape)
    name = net.loss.name
    if name == "softmax_cross_entropy":
        with np.errstate(divide="ignore"):
            logits = np.where(mean > 0, np.log(mean), -1e4)
        prediction = np.broadcast_to(logits, Y.shape)
    elif net.activation_names[-1] in ("sigmoid",) and (mean.min() < 0 or mean.max() > 1):
        return None
    try:
        return float(net.loss.value(np.ascontiguousarray(prediction, dtype=np.float64), Y))
    except Exception:  # a custom loss that cannot take it: no baseline
        return None


def saturation(activation, a):
    """Fraction of activations whose derivative is below 1% of the activation's largest derivative."""
    if activation == "sigmoid":
        return float(np.mean(a * (1 - a) < 0.0025))
    if activation == "tanh":
        return float(np.mean(1 - a * a < 0.01))
    return None


def probe_layers(net, X_probe, Y_probe=None):
    """Per layer on a probe batch: activation, saturated fraction, dead units, identical units, mean |z|;
    with ``Y_probe``, returns ``(layers, loss on the probe batch)``."""
    output = net.forward(X_probe)
    layers = []
    for i, (layer, W, b) in enumerate(zip(net.layers, net.weights, net.biases)):
        name = layer.activation.name
        a, z = np.asarray(layer.a, dtype=np.float64), np.asarray(layer.z, dtype=np.float64)
        dead = int(np.sum(np.all(a <= 0, axis=0))) if name == "relu" else None
        identical = bool(W.shape[0] > 1 and np.ptp(W, axis=0).max() <= 1e-12 * (1 + np.abs(W).max())
                         and np.ptp(b) <= 1e-12 * (1 + np.abs(b).max()))
        layers.append({"layer": i + 1, "activation": name, "units": int(W.shape[0]),
                       "saturated": saturation(name, a), "dead": dead, "identical": identical,
                       "mean_abs_z": float(np.mean(np.abs(z))), "mean_bias": float(np.mean(b)),
                       "mean_abs_wx": float(np.mean(np.abs(z - b)))})
    if Y_probe is None:
        return layers
    return layers, float(net.loss.value(output, Y_probe))

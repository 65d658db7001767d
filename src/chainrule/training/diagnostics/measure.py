"""What the diagnostics measure: the loss of the best constant prediction, and each layer on a probe batch.

What each measure means for an activation or a loss is the kind's own (``Loss.baseline``,
``Activation.saturated_fraction``, ``Activation.dead_units``): nothing here asks for a kind by name."""
import numpy as np


def constant_prediction_loss(net, Y, mean=None):
    """The loss on targets ``Y`` of predicting the mean target (of ``Y``, or ``mean``) for every input: the best
    a network that ignores its input can do (the class frequencies for classification). ``None`` when the
    output cannot represent it."""
    return net.loss.baseline(Y, mean, net.layers[-1].activation)


def probe_layers(net, X_probe, Y_probe=None):
    """Per layer on a probe batch: activation, saturated fraction, dead units, identical units, mean |z|;
    with ``Y_probe``, returns ``(layers, loss on the probe batch)``."""
    output = net.forward(X_probe)
    layers = []
    for i, (layer, W, b) in enumerate(zip(net.layers, net.weights, net.biases)):
        activation = layer.activation
        a, z = np.asarray(layer.a, dtype=np.float64), np.asarray(layer.z, dtype=np.float64)
        identical = bool(W.shape[0] > 1 and np.ptp(W, axis=0).max() <= 1e-12 * (1 + np.abs(W).max())
                         and np.ptp(b) <= 1e-12 * (1 + np.abs(b).max()))
        layers.append({"layer": i + 1, "activation": activation.name, "units": int(W.shape[0]),
                       "saturated": activation.saturated_fraction(a), "dead": activation.dead_units(a),
                       "identical": identical, "mean_abs_z": float(np.mean(np.abs(z))),
                       "mean_bias": float(np.mean(b)), "mean_abs_wx": float(np.mean(np.abs(z - b)))})
    if Y_probe is None:
        return layers
    return layers, float(net.loss.value(output, Y_probe))

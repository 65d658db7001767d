"""Section 2's hand-trace of a 2 -> 2 -> 1 sigmoid network (blocks 9-13) and Exercise 2.1 (block 16).

The guide computes every intermediate by hand; here a chainrule ``Network`` holds the guide's W1, b1,
W2, b2 and the intermediates are read from it: ``net.z_values``, ``net.activations``, and each layer's
``grad_a`` (dL/da, step 1 of the five) and ``delta`` (dL/dz, step 2) saved by ``backward()``.
"""
import numpy as np

from ..core import Network, mse_loss

# The hand-trace network (block 8), W shaped (n_out, n_in) as in the guide.
W1 = np.array([[0.1, 0.3],
               [0.2, 0.4]])
b1 = np.array([0.01, 0.02])
W2 = np.array([[0.5, 0.6]])
b2 = np.array([0.03])

X = np.array([1.0, 2.0])
TARGET = np.array([1.0])
LEARNING_RATE = 0.5


def hand_trace_network():
    """``Network([2, 2, 1])`` (sigmoid, MSE) holding the guide's hand-trace weights."""
    net = Network([2, 2, 1])
    net.set_weights(([W1, W2], [b1, b2]))
    return net


def run_trace(x=X, target=TARGET):
    """One forward and backward pass of the hand-trace network: ``(net, loss, weight_grads, bias_grads)``."""
    net = hand_trace_network()
    prediction = net.forward(x)
    loss = mse_loss(prediction, target)
    weight_grads, bias_grads = net.backward(target)
    return net, loss, weight_grads, bias_grads


def _sigmoid_slope(net, layer_index):
    """da/dz of one layer, from its saved output: sigmoid'(z) = a (1 - a)."""
    layer = net.layers[layer_index]
    return layer.activation.derivative(net.activations[layer_index + 1])


def block_9_forward():
    """Step 1: the forward pass, every z and a."""
    net, _, _, _ = run_trace()
    z1, z2 = net.z_values
    _, a1, a2 = net.activations
    return "\n".join([
        f"z1 = {z1}",
        f"a1 = {np.round(a1, 4)}",
        f"z2 = {np.round(z2, 4)}",
        f"a2 = {np.round(a2, 4)}",
    ])


def block_10_loss():
    """Step 2: the loss."""
    net, loss, _, _ = run_trace()
    a2 = net.activations[-1]
    return "\n".join([
        f"Prediction: {a2[0]:.4f}",
        f"Target:     {TARGET[0]:.4f}",
        f"MSE loss:   {loss:.4f}",
    ])


def block_11_output_layer():
    """Step 3: the backward pass through the output layer."""
    net, _, weight_grads, bias_grads = run_trace()
    output = net.layers[1]
    return "\n".join([
        f"dL/da2  = {np.round(output.grad_a, 4)}",
        f"da2/dz2 = {np.round(_sigmoid_slope(net, 1), 4)}",
        f"delta2  = {np.round(output.delta, 4)}",
        f"dL/dW2  = {np.round(weight_grads[1], 4)}",
        f"dL/db2  = {np.round(bias_grads[1], 4)}",
    ])


def block_12_hidden_layer():
    """Step 4: the backward pass through the hidden layer (dL/da1 = W2.T @ delta2)."""
    net, _, weight_grads, bias_grads = run_trace()
    hidden = net.layers[0]
    return "\n".join([
        f"dL/da1  = {np.round(hidden.grad_a, 4)}",
        f"da1/dz1 = {np.round(_sigmoid_slope(net, 0), 4)}",
        f"delta1  = {np.round(hidden.delta, 4)}",
        f"dL/dW1  = {np.round(weight_grads[0], 4)}",
        f"dL/db1  = {np.round(bias_grads[0], 4)}",
    ])


def block_13_update():
    """Step 5: one gradient-descent step at learning rate 0.5 (``train_step``), then a fresh forward pass."""
    net = hand_trace_network()
    (W1_old, W2_old), (b1_old, b2_old) = net.copy_weights()
    old_prediction = net.forward(X)
    old_loss = net.train_step(X, TARGET, LEARNING_RATE)
    (W1_new, W2_new), (b1_new, b2_new) = net.copy_weights()
    new_prediction = net.forward(X)
    new_loss = mse_loss(new_prediction, TARGET)
    return "\n".join([
        "Before -> After update:",
        f"W2: {np.round(W2_old, 4)} -> {np.round(W2_new, 4)}",
        f"b2: {np.round(b2_old, 4)} -> {np.round(b2_new, 4)}",
        f"W1:\n{np.round(W1_old, 4)}\n->\n{np.round(W1_new, 4)}",
        f"b1: {np.round(b1_old, 4)} -> {np.round(b1_new, 4)}",
        "",
        f"Old prediction: {old_prediction[0]:.4f}  (loss: {old_loss:.4f})",
        f"New prediction: {new_prediction[0]:.4f}  (loss: {new_loss:.4f})",
        f"Loss decreased: {old_loss > new_loss}",
    ])


def block_16_trace_other_input():
    """Exercise 2.1: the same network traced for x = [0.5, 1.5], target 0."""
    x, target = np.array([0.5, 1.5]), np.array([0.0])
    net, loss, weight_grads, bias_grads = run_trace(x, target)
    z1, z2 = net.z_values
    _, a1, a2 = net.activations
    hidden, output = net.layers
    return "\n".join([
        "=== Forward Pass ===",
        f"z1 = {np.round(z1, 4)}",
        f"a1 = {np.round(a1, 4)}",
        f"z2 = {np.round(z2, 4)}",
        f"a2 = {np.round(a2, 4)}",
        f"loss = {loss:.4f}",
        "",
        "=== Backward Pass ===",
        f"dL/da2  = {np.round(output.grad_a, 4)}",
        f"delta2  = {np.round(output.delta, 4)}",
        f"dL/dW2  = {np.round(weight_grads[1], 4)}",
        f"dL/db2  = {np.round(bias_grads[1], 4)}",
        f"dL/da1  = {np.round(hidden.grad_a, 4)}",
        f"delta1  = {np.round(hidden.delta, 4)}",
        f"dL/dW1  = {np.round(weight_grads[0], 4)}",
        f"dL/db1  = {np.round(bias_grads[0], 4)}",
    ])

"""What each usual mistake is called, how to fix it, and which part of the guide to reread.

The evidence (the numbers that show it) is filled in by ``analysis.py``.
"""

CATALOGUE = {
    "dropped_mean": (
        "gradients exactly n times too large: the 1/n of the mean is dropped",
        "mse_loss is the MEAN over the n outputs, so dL/da = 2 * (a - t) / n; your backward uses 2 * (a - t). "
        "This is the guide's own bug (block 17: Exercise 2.2 claims 'All 26 gradients passed', but with 2 "
        "outputs all 26 fail); see `chainrule errata 17`. Training still works (it only scales "
        "the learning rate by n), but the gradients are not those of the loss you print, so a gradient check "
        "fails. Fix: dL_da = 2 * (a_out - target) / a_out.size",
        "Section 1, Mean Squared Error; Quick Reference, Loss Functions (the gradient 2*(p-t)/n)",
    ),
    "batch_not_averaged": (
        "batch gradients are a sum, not a mean",
        "the loss of a batch is the mean over its examples, so its gradient is the per-example gradients "
        "averaged: divide by the batch size",
        "Section 3, Mini-Batches (average the accumulated gradients: cumulative / batch_len)",
    ),
    "derivative_of_z": (
        "the activation derivative is applied to z instead of a",
        "sigmoid_derivative(a) = a * (1 - a) takes the sigmoid's OUTPUT a; your backward passes it z, the "
        "pre-activation. Use self.activations, not the z values",
        "Section 2, Implementing backward() (sigmoid_derivative 'given the sigmoid output (not the input)')",
    ),
    "derivative_of_sigmoid_of_a": (
        "the sigmoid derivative is taken of sigmoid(a), as if a were z",
        "a is already sigmoid(z): its derivative is a * (1 - a), not sigmoid(a) * (1 - sigmoid(a))",
        "Section 2, Implementing backward() (sigmoid_derivative 'given the sigmoid output (not the input)')",
    ),
    "no_output_derivative": (
        "the output layer's delta leaves out the activation derivative",
        "delta = dL/dz = dL/da * sigmoid_derivative(a_out); your delta is dL/da alone",
        "Section 2, Full Hand-Trace, Step 3: Backward Pass - Output Layer",
    ),
    "missing_transpose": (
        "the error flows back through W instead of W.T",
        "dL/da_prev = W.T @ delta: W maps the layer's input to its output, so going back needs its transpose. "
        "With W @ delta the shapes clash unless W is square, and then the numbers are silently wrong",
        "Section 2, The Pattern, step 5 (dL/da_prev = W.T @ delta)",
    ),
    "extra_transpose": (
        "the weight gradient is transposed",
        "dL/dW = delta (outer) a_prev has W's shape (n_out, n_in); yours is a_prev (outer) delta, shape "
        "(n_in, n_out). Use delta.reshape(-1, 1) @ a_prev.reshape(1, -1)",
        "Section 2, The Pattern, step 3 (dL/dW = delta @ input.T)",
    ),
    "wrong_layer": (
        "the hidden delta uses the derivative of the wrong layer",
        "the delta of a hidden layer multiplies by the derivative of THAT layer's own output: at step i of the "
        "loop it is sigmoid_derivative(self.activations[i]) (activations[0] is the input x)",
        "Section 2, Full Hand-Trace, Step 4: Backward Pass - Hidden Layer (delta1 uses a1)",
    ),
    "stale_activations": (
        "backward() uses the activations of an earlier forward() call",
        "forward() must save the activations of the input it is given, replacing the old ones: start "
        "self.activations = [x] fresh in every call",
        "Section 2, Implementing backward() (forward 'Saves intermediates for backward()')",
    ),
    "forward_not_saving": (
        "forward() does not save the activations backward() needs",
        "backward() needs every layer's output from the forward pass: forward() must store them, "
        "self.activations = [x] and then self.activations.append(a) for each layer",
        "Section 2, Implementing backward() (forward 'Saves intermediates for backward()')",
    ),
    "biases_not_updated": (
        "the biases are not updated",
        "every step moves the biases too: self.biases[i] -= learning_rate * b_grads[i]",
        "Section 2, Full Hand-Trace, Step 5: Update the Weights; Section 3, Putting It All Together",
    ),
    "update_added": (
        "the update adds the gradient instead of subtracting it",
        "the gradient points uphill; gradient descent steps against it: W -= learning_rate * dW. Adding it "
        "makes the loss rise",
        "Section 3, Putting It All Together (train_step); Section 2, Exercise 2.1's explanation of W - lr * grad",
    ),
    "update_scaled": (
        "the update is not W - learning_rate * dW",
        "one step of gradient descent moves each weight by exactly -learning_rate times its gradient",
        "Section 3, Putting It All Together (train_step)",
    ),
    "no_shuffle": (
        "no shuffling between epochs",
        "every epoch visits the examples in the same order; the guide shuffles each epoch with "
        "indices = np.random.permutation(n) so the mini-batches differ from epoch to epoch",
        "Section 3, Mini-Batches and Epochs ('Each epoch, the data is shuffled')",
    ),
    "not_reproducible": (
        "Network(layer_sizes, seed) does not give the same weights twice",
        "call np.random.seed(seed) at the start of __init__, before drawing the weights",
        "Section 2, Implementing backward() (Network.__init__)",
    ),
    "different_init": (
        "the initial weights are not the guide's",
        "the guide draws W = np.random.randn(n_out, n_in) * np.sqrt(2.0 / n_in) layer by layer right after "
        "np.random.seed(seed), with zero biases; other weights are not wrong, but every number you print "
        "will differ from the guide's and chainrule's. The rest of this check uses YOUR weights",
        "Section 2, Implementing backward() (Network.__init__)",
    ),
    "loss_not_mean": (
        "mse_loss is not the guide's mean((p - t)**2)",
        "the guide's MSE averages the squared errors over all elements",
        "Section 1, Mean Squared Error (MSE)",
    ),
    "reversed_order": (
        "the gradient lists are in reverse order (output layer first)",
        "backward() returns weight_grads[i] for self.weights[i]: layer 1 first. Fill the lists by index "
        "(weight_grads = [None] * n_layers; weight_grads[i] = ...) rather than appending while going backwards",
        "Section 2, Implementing backward() (weight_grads = [None] * n_layers)",
    ),
    "backward_wrong": (
        "backward() does not compute the gradient of the loss",
        "none of the usual mistakes reproduces your numbers exactly; compare layer by layer with the "
        "guide's five steps",
        "Section 2, The Pattern (the five steps at every layer); Gradient Checking",
    ),
    "hangs": (
        "your code did not finish within the time limit",
        "look for a loop whose condition never changes (while True, a counter never incremented)",
        "",
    ),
}


def entry(key):
    return CATALOGUE[key]

"""One step of gradient descent: W -= learning_rate * dW and b -= learning_rate * db, after backward()."""
from . import Mistake

STEP_READ = "Section 2, Full Hand-Trace, Step 5: Update the Weights; Section 3, Putting It All Together (train_step)"


def _params(self):
    return [W.copy() for W in self.weights] + [b.copy() for b in self.biases]


def _added(self, weight_grads, bias_grads, learning_rate):
    for i in range(len(self.weights)):
        self.weights[i] += learning_rate * weight_grads[i]
        self.biases[i] += learning_rate * bias_grads[i]
    return _params(self)


def _lr_twice(self, weight_grads, bias_grads, learning_rate):
    for i in range(len(self.weights)):
        self.weights[i] -= learning_rate * learning_rate * weight_grads[i]
        self.biases[i] -= learning_rate * learning_rate * bias_grads[i]
    return _params(self)


def _rebound(self, weight_grads, bias_grads, learning_rate):
    for W, b, dW, db in zip(self.weights, self.biases, weight_grads, bias_grads):
        W = W - learning_rate * dW      # noqa: F841 - the mistake: a new array, bound to the loop variable only
        b = b - learning_rate * db      # noqa: F841
    return _params(self)


def _weights_only(self, weight_grads, bias_grads, learning_rate):
    for i in range(len(self.weights)):
        self.weights[i] -= learning_rate * weight_grads[i]
    return _params(self)


def _interleaved_step(self, x, target, learning_rate):
    """Backward and update in one loop: each layer is updated before the error passes back through it."""
    prediction = self.forward(x)
    loss = self.mse_loss(prediction, target)
    n_layers = len(self.weights)
    delta = self.output_delta(self.output_error(prediction, target), n_layers - 1)
    for i in self.layers_backward(n_layers):
        dW, db = self.weight_gradient(i, delta), self.bias_gradient(i, delta)
        self.weights[i] -= learning_rate * dW
        self.biases[i] -= learning_rate * db
        if i > 0:
            delta = self.hidden_delta(i - 1, self.error_back(i, delta))
    return self.step_return(loss, x, target)


def _new_loss(self, loss, x, target):
    return self.mse_loss(self.forward(x), target)


MISTAKES = [
    Mistake(
        "update_added", "update",
        "the update adds the gradient instead of subtracting it",
        "the gradient points uphill; gradient descent steps against it: W -= learning_rate * dW. Adding it makes "
        "the loss rise",
        "self.weights[i] -= learning_rate * w_grads[i]; self.biases[i] -= learning_rate * b_grads[i]", STEP_READ,
        family="update", methods={"descend": _added},
        where=lambda source: source.augmented_line(("train_step", "train_epoch"), "Add")),
    Mistake(
        "lr_twice", "update",
        "the learning rate is applied twice",
        "one step moves each weight by learning_rate times its gradient; yours by learning_rate**2 times it "
        "(the gradient was already scaled by the learning rate once), a smaller step whenever the rate is below 1",
        "W -= learning_rate * dW, once", STEP_READ, family="update", methods={"descend": _lr_twice}),
    Mistake(
        "nothing_updated", "update",
        "nothing is updated: the loop variable is rebound, the network's arrays are untouched",
        "for W, dW in zip(self.weights, w_grads): W = W - lr * dW makes a NEW array and binds the loop variable W "
        "to it; the array in self.weights never changes. Update in place (W -= lr * dW) or by index",
        "self.weights[i] -= learning_rate * w_grads[i]  (or W -= learning_rate * dW, in place)", STEP_READ,
        family="update", methods={"descend": _rebound}, locate_reference=True),
    Mistake(
        "biases_not_updated", "update",
        "the biases are not updated",
        "every step moves the biases too: self.biases[i] -= learning_rate * b_grads[i]; yours stay at their "
        "initial values",
        "self.biases[i] -= learning_rate * b_grads[i]", STEP_READ, family="update",
        methods={"descend": _weights_only}, where=lambda source: source.def_line("train_step")),
    Mistake(
        "updated_weights_used", "update",
        "the error passes back through weights already updated in the same step",
        "backward and update are interleaved: each layer's W is updated before delta goes back through it, so "
        "the lower layers get W_new.T @ delta instead of W.T @ delta. Compute every gradient first, then update",
        "w_grads, b_grads = self.backward(target), then update every layer", STEP_READ,
        methods={"train_step": _interleaved_step}, locate=("error_back",)),
    Mistake(
        "step_returns_new_loss", "update",
        "train_step returns the loss after the update, not the loss of the step",
        "train_step returns the loss it computed from the prediction before updating (the loss the gradients "
        "belong to); yours runs forward() again after the update and returns that",
        "loss = mse_loss(prediction, target) before the update; return loss", STEP_READ,
        methods={"step_return": _new_loss}, where=lambda source: source.return_line("train_step")),
]

"""The loss and its derivative at the output: dL/da = 2 * (a - t) / n for the guide's mean squared error."""
import numpy as np

from . import Mistake

MSE_READ = "Section 1, Mean Squared Error (MSE); Quick Reference, Loss Functions (the gradient 2*(p-t)/n)"
FIX = "dL_da = 2 * (a_out - target) / a_out.size"

MISTAKES = [
    Mistake(
        "dropped_mean", "output error",
        "gradients n times too large: the 1/n of the mean is dropped",
        "mse_loss is the MEAN over the n outputs, so dL/da = 2 * (a - t) / n; your backward uses 2 * (a - t). This is "
        "the guide's own bug (block 17: Exercise 2.2 claims 'All 26 gradients passed', but with 2 outputs all 26 "
        "fail); see `chainrule errata 17`. Training still works (it only multiplies the learning rate "
        "by n), but the gradients are not those of the loss you print, so a gradient check fails",
        FIX, MSE_READ, family="output_error",
        methods={"output_error": lambda self, a, t: 2 * (a - t)}),
    Mistake(
        "dropped_two", "output error",
        "gradients half as large: the 2 of the square's derivative is dropped",
        "d/da (a - t)**2 = 2 * (a - t), so the gradient of mean((a - t)**2) is 2 * (a - t) / n; yours is "
        "(a - t) / n, half of every gradient. Training still works, at half the step you asked for",
        FIX, MSE_READ, family="output_error",
        methods={"output_error": lambda self, a, t: (a - t) / a.size}),
    Mistake(
        "dropped_two_and_mean", "output error",
        "gradients n/2 times chainrule's: dL/da = a - t drops both the 2 and the 1/n",
        "the derivative of mean((a - t)**2) is 2 * (a - t) / n; a - t alone is the derivative of "
        "1/2 * sum((a - t)**2), another loss than the one your mse_loss computes",
        FIX, MSE_READ, family="output_error",
        methods={"output_error": lambda self, a, t: a - t}),
    Mistake(
        "target_minus_output", "output error",
        "every gradient has the wrong sign: dL/da is computed from target - a",
        "the loss grows as a moves away from t, and its derivative 2 * (a - t) / n points uphill; 2 * (t - a) / n "
        "points downhill, so every gradient is the negative of the right one, and gradient descent climbs",
        FIX + "  (prediction minus target)", MSE_READ, family="output_error",
        methods={"output_error": lambda self, a, t: 2 * (t - a) / a.size}),
    Mistake(
        "loss_sum", "loss",
        "mse_loss adds up the squared errors instead of averaging them",
        "the guide's mean squared error is np.mean((p - t)**2); the sum is n times larger (n = the number of "
        "outputs, or of all the numbers in a batch), so every loss you print differs from the guide's",
        "return np.mean((predictions - targets) ** 2)", MSE_READ, family="loss",
        methods={"mse_loss": staticmethod(lambda p, t: np.sum((p - t) ** 2))}, traced=False,
        where=lambda source: source.return_line("mse_loss") or source.def_line("mse_loss")),
    Mistake(
        "loss_half_sum", "loss",
        "mse_loss is 1/2 * sum((p - t)**2), another textbook's loss, not the guide's mean",
        "1/2 * sum((p - t)**2) is the loss whose gradient is a - t; the guide's mse_loss is np.mean((p - t)**2), "
        "2/n times it, so the losses you print differ from the guide's",
        "return np.mean((predictions - targets) ** 2)", MSE_READ, family="loss",
        methods={"mse_loss": staticmethod(lambda p, t: 0.5 * np.sum((p - t) ** 2))}, traced=False,
        where=lambda source: source.return_line("mse_loss") or source.def_line("mse_loss")),
]

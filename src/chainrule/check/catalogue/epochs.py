"""train_epoch: a new order every epoch, every example once, each batch one update with the averaged gradient."""
import numpy as np

from . import Mistake

BATCH_READ = "Section 3, Mini-Batches (average the accumulated gradients: cumulative / batch_len)"
EPOCH_READ = "Section 3, Epochs ('Each epoch, the data is shuffled'); Practice Project, Example Solution"


def _per_example(self, X, y, pairs, learning_rate, batch_size):
    loss = 0.0
    for i_x, i_y in pairs:
        prediction = self.forward(X[i_x])
        loss += self.mse_loss(prediction, y[i_y])
        weight_grads, bias_grads = self.unpack(self.backward(y[i_y]))
        self.update(weight_grads, bias_grads, learning_rate)
    return loss


def _same_order(self, n):
    if getattr(self, "_order", None) is None:
        self._order = self.shuffles.first(n)
    return self._order


def _mean_of_batches(self, total_loss, n, batch_losses):
    return sum(loss / count for loss, count in batch_losses) / len(batch_losses)


MISTAKES = [
    Mistake(
        "batch_sum", "batch",
        "batch gradients are a sum, not a mean",
        "the loss of a batch is the mean over its examples, so its gradient is the per-example gradients "
        "averaged; yours adds them up, a step batch_size times larger (and a different one for the last, smaller "
        "batch)",
        "self.weights[j] -= learning_rate * cum_wg[j] / batch_len", BATCH_READ, family="batch",
        methods={"batch_gradient": lambda self, total, count, size: total}, locate=("descend",)),
    Mistake(
        "mean_twice", "batch",
        "batch gradients are divided by the batch size twice",
        "the accumulated gradient is divided by the number of examples once, to make it the mean; yours is "
        "divided again, a step batch_size times too small",
        "cum_wg[j] / batch_len, once", BATCH_READ, family="batch",
        methods={"batch_gradient": lambda self, total, count, size: total / count / count}, locate=("descend",)),
    Mistake(
        "divide_by_batch_size", "batch",
        "the last, smaller batch is divided by batch_size, not by its own length",
        "when the number of examples is not a multiple of batch_size the last batch is smaller; its mean divides "
        "by the examples it really has, len(batch_idx), not by batch_size",
        "batch_len = len(batch_idx); cum_wg[j] / batch_len", BATCH_READ, family="batch",
        methods={"batch_gradient": lambda self, total, count, size: total / size}, locate=("descend",)),
    Mistake(
        "per_example_update", "batch",
        "the weights are updated after every example inside the batch loop, not once per batch",
        "a mini-batch takes one step with the gradient averaged over its examples; updating inside the loop over "
        "the batch's examples makes it plain one-example-at-a-time SGD, and later examples' gradients are taken "
        "at weights the earlier ones already moved",
        "accumulate inside the loop; update once after it, with cum_wg[j] / batch_len", BATCH_READ, family="batch",
        methods={"train_batch": _per_example}, locate=("descend",)),
    Mistake(
        "epoch_loss_sum", "epoch",
        "train_epoch returns the summed loss, not the mean per example",
        "the epoch's loss is the mean over its examples, total_loss / n, comparable from one data set size to "
        "another; yours is the total",
        "return total_loss / n", EPOCH_READ, family="epoch_return",
        methods={"epoch_return": lambda self, total, n, batches: total}, traced=False,
        where=lambda source: source.return_line("train_epoch")),
    Mistake(
        "epoch_loss_mean_of_batches", "epoch",
        "train_epoch returns the mean of the batches' mean losses, which overweights the last, smaller batch",
        "the epoch's loss is the mean over all n examples, total_loss / n; averaging the batch means gives the "
        "examples of a smaller last batch more weight",
        "total_loss += the batch's summed loss; return total_loss / n", EPOCH_READ, family="epoch_return",
        methods={"epoch_return": _mean_of_batches}, traced=False,
        where=lambda source: source.return_line("train_epoch")),
    Mistake(
        "no_shuffle", "order",
        "no shuffling: every epoch visits the examples in their stored order",
        "every epoch visits the examples in the same order; the guide shuffles each epoch with "
        "indices = np.random.permutation(n), so the mini-batches differ from epoch to epoch",
        "indices = np.random.permutation(n) at the start of every epoch", EPOCH_READ, family="order",
        methods={"epoch_order": lambda self, n: np.arange(n)}),
    Mistake(
        "same_order_every_epoch", "order",
        "the same shuffled order every epoch",
        "the examples are shuffled, but into the same order each epoch: a permutation drawn once, or "
        "np.random.seed(...) called inside train_epoch, which makes every permutation the same",
        "seed once (in __init__); draw np.random.permutation(n) anew in every epoch", EPOCH_READ, family="order",
        methods={"epoch_order": _same_order}, traced=False,
        where=lambda source: source.call_line("train_epoch", "seed") or source.call_line("train_epoch", "permutation")
        or source.def_line("train_epoch")),
    Mistake(
        "sample_with_replacement", "order",
        "examples are drawn with replacement: some twice in an epoch, some never",
        "an epoch visits every example exactly once, in a new order: np.random.permutation(n); "
        "np.random.randint(0, n, n) (or choice with replacement) repeats some and skips others",
        "indices = np.random.permutation(n)", EPOCH_READ, family="order",
        methods={"epoch_order": lambda self, n: self.shuffles.with_replacement(n)}),
    Mistake(
        "x_without_y", "order",
        "X is shuffled without y: inputs are paired with the wrong targets",
        "shuffling must move each input and its target together: X[indices] with y[indices]; yours shuffles X "
        "only, so after the shuffle example k's input is trained towards another example's target",
        "X_shuffled, y_shuffled = X[indices], y[indices]  (or index both with idx in the loop)", EPOCH_READ,
        methods={"y_row": lambda self, order, k: k}, traced=False,
        where=lambda source: source.reassigned_line("train_epoch", 0) or source.call_line("train_epoch", "permutation")
        or source.def_line("train_epoch")),
    Mistake(
        "drop_last", "epoch",
        "the last, partial batch is dropped: some examples are never trained on",
        "when n is not a multiple of batch_size the last batch is smaller, but it must still be used: "
        "for start in range(0, n, batch_size); stopping at n - batch_size (or n // batch_size batches) skips up "
        "to batch_size - 1 examples every epoch",
        "for start in range(0, n, batch_size): batch_idx = indices[start:start + batch_size]", EPOCH_READ,
        methods={"epoch_batches": lambda self, n, size: [range(s, s + size) for s in range(0, n - size + 1, size)]},
        where=lambda source: source.call_line("train_epoch", "range") or source.def_line("train_epoch")),
]

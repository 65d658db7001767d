"""The loss curve: rising, oscillating, levelled off (plateau), or overfitting (held-out loss rising while the
training loss falls). ``losses`` are the probe-batch losses: before training, then after each epoch."""
import numpy as np

from .texts import finding


def loss_going_wrong(losses, epoch, lr, n, batch_loss, oscillation_threshold):
    """The first of: a loss that rose in epoch 1, one that rose after each of the last 5 epochs, one that
    jumps up and down over the last (up to) 7 epochs; ``None`` when the curve shows none of them."""
    first = losses[0]
    if len(losses) == 2 and losses[1] > 1.2 * first:
        return finding("loss_rising", "learning_rate", variant="first_epoch", epoch=epoch,
                       evidence={"initial_loss": first, "loss": losses[1], "suggested_learning_rate": lr / 10},
                       lr=lr, n=n, batch_loss=batch_loss)
    recent = losses[-6:]
    if len(losses) > 6 and all(b > a for a, b in zip(recent, recent[1:])) and recent[-1] > 1.25 * recent[0]:
        return finding("loss_rising", "learning_rate", variant="keeps_rising", epoch=epoch,
                       evidence={"losses": recent, "suggested_learning_rate": lr / 10}, lr=lr, n=n)
    window = losses[-8:]
    if len(window) >= 5:
        changes = np.diff(window) / np.asarray(window[:-1])
        rises = int(np.sum(changes > oscillation_threshold))
        falls = int(np.sum(changes < -oscillation_threshold / (1 + oscillation_threshold)))
        if rises >= 2 and falls >= 1:
            return finding("loss_oscillating", "learning_rate", epoch=epoch,
                           evidence={"losses": window, "suggested_learning_rate": lr / 10},
                           lr=lr, n=n, rises=rises, threshold=oscillation_threshold)
    return None


def plateau(losses, epoch, window, threshold, accuracy, n):
    """The loss fell, then moved less than ``threshold`` (relative) over the last ``window`` epochs, short of
    convergence; ``None`` otherwise."""
    initial = losses[0]
    if len(losses) <= window + 1:
        return None
    before, now = losses[-window - 1], losses[-1]
    if not (before > 0 and now < 0.9 * initial):
        return None         # never fell: that is "not learning", not a plateau
    drop = (before - now) / before
    if abs(drop) >= threshold or (accuracy is not None and accuracy >= 0.995) or now < 1e-3 * initial:
        return None         # still falling, or converged: nothing to fix
    return finding("plateau", "small_steps", epoch=epoch,
                   evidence={"window": window, "loss_before": before, "loss_now": now, "relative_drop": drop},
                   n=n, initial_loss=initial, accuracy=accuracy)


def overfitting(train, held_out, epoch, patience, margin):
    """The guide's sign: "the training loss keeps dropping but the test loss starts rising". ``train``: the
    probe loss after each epoch; ``held_out``: {"val_loss": [...], "test_loss": [...]} (either may be missing).
    Both are measured without updates, over ``patience`` epochs, so the ups and downs of a too-high learning
    rate do not count. One finding per held-out series that shows it."""
    if len(train) <= patience:
        return []
    recent = np.asarray(train[-patience - 1:])
    if not np.all(np.diff(recent) <= 1e-3 * recent[:-1]):
        return []                                       # the training loss is not steadily falling
    found = []
    for name in ("val_loss", "test_loss"):
        series = held_out.get(name)
        if not series or series[-1] is None or len(series) != len(train):
            continue
        values = np.array([np.inf if v is None else v for v in series], dtype=float)
        best = int(np.argmin(values))
        now = len(values) - 1
        if now - best < patience or not values[now] > values[best] * (1 + margin) \
                or not values[now] > values[now - patience] or not train[now] < train[best]:
            continue
        found.append(finding(
            "overfitting", "memorizing", epoch=epoch,
            evidence={"series": name, "best_epoch": best, "best_loss": float(values[best]),
                      "loss_now": float(values[now]), "train_loss_at_best": train[best], "train_loss_now": train[now]},
            label="validation" if name == "val_loss" else "test", now=now))
    return found

"""shuffling: a new order of the examples every epoch."""
from __future__ import annotations

from ..reproduce import guide_orders
from ..result import FAIL, PASS, SKIP, Check, Failure

NAME = "shuffling"


def judge(ctx):
    orders = ctx.facts.get("epoch_orders")
    if not orders:
        return None
    k, seen = next(iter(orders.items()))
    run = ctx.spec.epochs[k]
    if seen is None or len(seen) < 2:
        return Check(NAME, SKIP, "could not tell which example forward() saw when (your train_epoch does not call "
                                 "self.forward and self.backward)")
    epochs = len(seen)
    head = ", ".join(map(str, seen[0][:8])) + (", ..." if len(seen[0]) > 8 else "")
    listing = "\n".join(f"epoch {e + 1}: {', '.join(map(str, o))}" for e, o in enumerate(seen))
    where = f"{epochs} epochs of train_epoch on {ctx.arch_label(run.arch)}"
    if all(order == seen[0] for order in seen):
        what = "in their stored order" if seen[0] == sorted(seen[0]) else "in the same shuffled order"
        return Check(NAME, FAIL, f"all {epochs} epochs visit the {len(seen[0])} examples {what}: {head}",
                     Failure(NAME, where, message=listing))
    shuffles = guide_orders(ctx.spec.archs[run.arch], len(run.X), epochs)
    guide = [list(shuffles.permutation(len(run.X))) for _ in seen]
    if seen == guide:
        return Check(NAME, PASS, f"a new order every epoch, exactly the guide's (np.random.permutation after "
                                 f"np.random.seed({ctx.spec.archs[run.arch].seed}))")
    return Check(NAME, PASS, f"a new order every epoch ({epochs} epochs)")

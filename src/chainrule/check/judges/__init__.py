"""The checks, one small module each, in one table: the check's name, its judge, the probes it reads.

A judge takes the analysis ``Context`` and returns a ``Check`` (PASS, FAIL, WARN or SKIP, one line of
summary, the first failure with its numbers) or None when the learner's class has nothing to check there
(no train_epoch, say). Judges measure; they do not name mistakes (that is the diagnosis, ``diagnose.py``).
"""
from . import backward, batches, epochs, forward, gradcheck, loss, run, setup, shuffling, step

CHECKS = (
    ("initial weights", setup.judge, ("init", "independence")),
    ("mse_loss", loss.judge, ("loss",)),
    ("forward", forward.judge, ("example",)),
    ("backward", backward.judge, ("example",)),
    ("gradient check", gradcheck.judge, ("example",)),
    ("batches", batches.judge, ("batch",)),
    ("train_step", step.judge, ("step",)),
    ("training run", run.judge, ("run",)),
    ("train_epoch", epochs.judge, ("epochs",)),
    ("shuffling", shuffling.judge, ("epochs",)),
)


def check_of(kind, ctx=None):
    """The first check that reads a probe kind ("train_step" is "one update" without a train_step)."""
    name = next(name for name, _, kinds in CHECKS if kind in kinds)
    if name == "train_step" and ctx is not None and not ctx.load.train_step:
        return "one update"
    return name


def probes_of(ctx, check):
    """[(kind, index, record)] of the probes a check reads (single examples for forward/backward/gradient
    check, batches for batches)."""
    name = "train_step" if check == "one update" else check
    kinds = next((kinds for n, _, kinds in CHECKS if n == name), ())
    found = []
    for kind in kinds:
        source = "example" if kind == "batch" else kind
        for i, record in ctx.of(source):
            if source == "example" and ctx.spec.examples[i].batch != (kind == "batch"):
                continue
            found.append((source, i, record))
    return found

"""``chainrule lab --mine my_network.py``: the learner's own class, run on the lab's state, as a ``MineRun``.

``MineProvider(path)`` loads the class once in ``chainrule check``'s sandbox (``check.lab.LearnerSession``:
one worker process kept open, so a call takes milliseconds) and starts the whole ``chainrule check`` of the file
in the background (``mine_check``). Each ``provider(state)``:

1. says plainly when the state is one their class cannot compute (the guide's API has no activation or loss
   argument: sigmoid layers and MSE only) instead of setting wrong values beside chainrule's;
2. sets their weights and biases to the state's, runs forward, their ``mse_loss``, backward and one
   ``train_step`` (or ``train_epoch`` on the one example) on a copy, then forward again on the weights their
   step left, and names each value as the lab does (``z1``, ``a1``, ``dL/dW2``, ``W1_new``, ``new_loss``, ...);
3. turns what went wrong into one line per stage: an exception with the line of their file; a call that hangs
   (stopped after ``timeout`` seconds) or ends its process, after which the lab stops calling that version
   of the file;
4. notices when the file is saved again: the class is reloaded (and checked again) on the next call.

``close()`` ends the session's sandbox and the background check: every process they started is gone.
"""
import os
import re
import threading

import numpy as np

from ..check.api import _checked_path
from ..check.lab import SESSION_LIMITS, LearnerSession
from ..check.sandbox import Limits
from ..errors import ChainruleError
from .mine import CheckStatus, MineRun
from .mine_check import BackgroundCheck

#: what each stage of ``check.lab`` calls, as the learner wrote it
STAGES = {"make": "Network(layer_sizes, seed)", "forward": "forward(x)", "loss": "mse_loss(prediction, target)",
          "backward": "backward(target)", "train_step": "train_step(x, target, learning_rate)",
          "train_epoch": "train_epoch(X, y, learning_rate, 1)"}
AGAIN = "The lab calls it again when you save your file."
#: words in the name of a list forward() saved that say what it holds
Z_NAME = re.compile(r"(^|[^a-z])zs?([^a-z]|$)|z_|pre_?act|logit|weighted|sums?([^a-z]|$)", re.IGNORECASE)
A_NAME = re.compile(r"activ|(^|[^a-z])as?([^a-z]|$)|a_|out|hidden|(^|[^a-z])hs?([^a-z]|$)", re.IGNORECASE)


def unsupported(state, supports):
    """Why a class with ``supports`` (``check.lab.Supports``) cannot compute ``state``, or ""."""
    other = [f"layer {l + 1} is {name}" for l, name in enumerate(state.activations) if name not in supports.activations]
    if state.loss not in supports.losses:
        other.append(f"the loss is {state.loss}")
    if not other:
        return ""
    return (f"Your values are not shown: your class has the guide's API, Network(layer_sizes, seed), which computes "
            f"{' and '.join(supports.activations)} layers and the {' or '.join(s.upper() for s in supports.losses)} "
            f"loss only, and here {_and(other)}. Set every layer to {supports.activations[0]} and the loss to "
            f"{supports.losses[0]} to compare.")


def _and(parts):
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def forward_values(saved, sizes, output):
    """``{"z1": ..., "a1": ...}`` from the lists their forward() saved under its own names (``result.saved``).

    A list of one array per layer is z or a: a list that starts with the input (one more array) is the
    activations; for the others the name says which (``z_values``, ``zs``, ``cache['z']``; ``activations``,
    ``outputs``), and failing that the one whose last array is what forward() returned is a."""
    L = len(sizes) - 1
    found = {}
    for name, arrays in saved.items():
        lengths = [None if v is None else len(v) for v in arrays]
        if lengths == list(sizes):
            kind, arrays = "a", arrays[1:]
        elif lengths == list(sizes[1:]):
            if Z_NAME.search(name):          # first: "pre_activations" are z
                kind = "z"
            elif A_NAME.search(name):
                kind = "a"
            elif output is not None and np.allclose(arrays[-1], np.ravel(output), rtol=1e-12, atol=0):
                kind = "a"
            else:
                kind = "z"
        else:
            continue
        found.setdefault(kind, arrays)       # the first list of each kind, in the order forward() made them
    return {f"{kind}{l + 1}": arrays[l] for kind, arrays in found.items() for l in range(L)}


def values_of(result, sizes, own_loss, after=None):
    """The lab's names for the numbers of one ``check.lab.LabResult`` (and of the forward pass ``after`` the
    step). Their loss only if their file has ``mse_loss`` (the check would otherwise compute the guide's)."""
    mine, L = result.mine, len(sizes) - 1
    values = forward_values(result.saved, sizes, mine.output)
    if mine.output is not None:
        values[f"a{L}"] = mine.output
    if own_loss and mine.loss is not None:
        values["loss"] = mine.loss
    for name, grads in (("dL/dW", mine.weight_grads), ("dL/db", mine.bias_grads)):
        for l, grad in enumerate(grads or []):
            if grad is not None:
                values[f"{name}{l + 1}"] = grad
    for name, params in (("W", mine.weights_after), ("b", mine.biases_after)):
        for l, param in enumerate(params or []):
            values[f"{name}{l + 1}_new"] = param
    if after is not None and after.mine.output is not None:
        values["new_prediction"] = after.mine.output
        if own_loss and after.mine.loss is not None:
            values["new_loss"] = after.mine.loss
    return values


class MineProvider:
    """``provider(state) -> MineRun`` for ``LabServer(mine=provider)``; ``source`` names the file and class.

    It raises ``ConfigError`` at once if the file cannot be loaded (no file, no class, an import that fails):
    the lab does not start on it. ``timeout``: seconds each call into their code may take (its import too)."""

    def __init__(self, path, class_name=None, timeout=5.0, check=True, memory_limit=2048):
        self.path = os.path.abspath(_checked_path(path))
        self.shown = os.fspath(path)
        self.class_name = class_name
        self.limits = Limits(seconds=SESSION_LIMITS.seconds, probe_seconds=float(timeout), memory_mb=int(memory_limit))
        self.run_check = check
        self.source = self.shown
        self._lock = threading.Lock()
        self._session = self._check = None
        self._version = None
        self._stopped = ""          # why the lab stopped calling this version of the file ("" if it did not)
        self._closed = False
        self._reload(first=True)

    # --- the file, loaded and checked once per version ---

    def _stat(self):
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size, info.st_ino

    def _reload(self, first=False):
        self._end()
        self._version, self._stopped = self._stat(), ""
        try:
            self._session = LearnerSession(self.path, self.class_name, self.limits)
        except ChainruleError as exc:
            if first:
                raise
            self._stopped = f"{self.shown} cannot be loaded now: {str(exc).split(': cannot load your Network: ')[-1]}"
        else:
            self.source = f"{self.shown}: class {self._session.class_name}"
        if self.run_check and self._session is not None:
            self._check = BackgroundCheck(self.path, self.class_name, self.limits.probe_seconds,
                                          memory_limit=self.limits.memory_mb)

    def _end(self):
        session, check, self._session, self._check = self._session, self._check, None, None
        if session is not None:
            session.close()
        if check is not None:
            check.close()

    @property
    def changed(self):
        """True when the file on disk is not the version loaded (the learner saved it again)."""
        return self._stat() != self._version

    def status(self):
        """What the page polls while the check runs: the check's status, and whether the file changed."""
        check = self._check          # one read: a reload in another thread may replace it
        status = check.status if check is not None else None
        return {"source": self.source, "changed": self.changed, "check": status.to_dict() if status else None}

    # --- one state ---

    def __call__(self, state):
        with self._lock:
            if self._closed:
                return MineRun(self.source, errors={"run": "The lab is stopping."})
            if self.changed:
                self._reload()
            check = self._check.status if self._check is not None else None
            base = {"source": self.source, "check": check,
                    "diagnoses": check.diagnoses if check is not None and check.state == "done" else ()}
            why = unsupported(state, self._session.supports) if self._session is not None else ""
            if why:
                return MineRun(**base, unsupported=why)
            if self._stopped:
                return MineRun(**base, errors={"run": self._stopped})
            return self._run(state, base)

    def _run(self, state, base):
        session, sizes = self._session, list(state.layers)
        example = (state.x, state.target, state.learning_rate)
        result = session.run(sizes, state.weights, state.biases, *example)
        errors = self._errors(result)
        after = None
        if not errors and result.mine.weights_after is not None:   # their forward on the weights their step left
            after = session.run(sizes, result.mine.weights_after, result.mine.biases_after, *example)
            errors = self._errors(after, " after the step")
            after = after if not errors else None
        note = ""
        if state.data and state.batch > 1:
            note = (f"Training here takes batches of {state.batch}; the step shown, chainrule's and yours, is the "
                    f"one example traced, as the guide's train_step takes it.")
        return MineRun(**base, values=values_of(result, sizes, session.own_loss, after), errors=errors, note=note,
                       printed=result.printed)

    def _errors(self, result, when=""):
        """One line per stage that went wrong; a hang or an ended process also stops the calls."""
        stage = STAGES.get(result.stage, result.stage or "code")
        if result.ended == "no answer":
            self._stopped = f"Your code did not answer{when} and its process was stopped (it ignores the lab's alarm). {AGAIN}"
        elif result.ended:
            self._stopped = f"Your code ended the process it ran in ({result.ended}){when}. {AGAIN}"
        elif result.timeout is not None:
            self._stopped = (f"Your {stage} did not return within {result.timeout:g} s{when} (an endless loop?), so "
                             f"the lab stopped it. {AGAIN}")
        elif result.error.startswith("LearnerAPIError: "):     # chainrule's reading of the guide's API, not theirs
            return {result.stage or "run": f"Your {stage}{when} breaks the guide's API: "
                                           f"{result.error.removeprefix('LearnerAPIError: ')}"}
        elif result.error:
            return {result.stage or "run": f"Your {stage}{when} raised {result.error}"}
        else:
            return {}
        return {result.stage or "run": self._stopped}

    def close(self):
        """End the sandbox and the background check (a call in progress is stopped, not waited for)."""
        self._closed = True
        if not self._lock.acquire(blocking=False):
            session = self._session
            if session is not None:
                session.box.stop()             # a call is running: its worker goes, so the call returns now
            self._lock.acquire()
        try:
            self._end()
        finally:
            self._lock.release()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

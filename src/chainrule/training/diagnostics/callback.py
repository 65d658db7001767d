"""``Diagnostics``: the callback that watches a training run, asks the detectors after each step of it and
reports what they find, each finding once (see the package docstring for what is measured, and when)."""
import sys

import numpy as np

from ..callbacks import Callback
from .curve import loss_going_wrong, overfitting, plateau
from .inputs import check_inputs
from .layers import layer_findings
from .learning import diverged, not_learning
from .measure import constant_prediction_loss, probe_layers
from .texts import format_finding


class Diagnostics(Callback):
    """Watch a training run and report what goes wrong (see the module docstring).

    ``stream``: where findings are printed when found (default ``sys.stdout``); ``verbose=False`` prints nothing
    (the findings still go into ``history.findings``). ``probe_size``: training rows used to measure the layers
    and the loss after each epoch (measured without updates, so it is free of the batch-to-batch noise of the
    training loss). ``plateau_window``: epochs compared for a plateau (default: a twentieth of the run, >= 5).
    """

    runs_first = True       # its findings are in the history other callbacks read

    def __init__(self, stream=None, verbose=True, probe_size=512, plateau_window=None, plateau_threshold=0.01,
                 oscillation_threshold=0.3, overfit_patience=3, overfit_margin=0.02):
        self.stream, self.verbose, self.probe_size = stream, verbose, int(probe_size)
        self.plateau_window = plateau_window
        self.plateau_threshold, self.oscillation_threshold = float(plateau_threshold), float(oscillation_threshold)
        self.overfit_patience, self.overfit_margin = int(overfit_patience), float(overfit_margin)
        self.reported = []          # keys of findings already reported (each is reported once)
        self.probe_losses = []      # loss on the probe batch: before training, then after each epoch
        self.baseline = None        # loss of the constant prediction
        self.start_layers = None    # probe_layers() before training
        self.inputs_flagged = False
        self.good_weights = None    # weights at the start of the current epoch: the last known good ones

    @property
    def initial_loss(self):
        return self.probe_losses[0] if self.probe_losses else None

    # --- recording findings ---

    def _report(self, run, finding):
        """Record ``finding`` (``None``: nothing found) in the history and print it, unless one of its kind
        about the same layer (or held-out series) was reported before."""
        if finding is None:
            return False
        key = f"{finding.kind}:{finding.evidence['series'] if finding.kind == 'overfitting' else finding.layer}"
        if key in self.reported:
            return False
        self.reported.append(key)
        run.history.findings.append(finding)
        if self.verbose:
            print(format_finding(finding), file=self.stream or sys.stdout, flush=True)
        return True

    def _found(self, *kinds):
        return any(key.split(":")[0] in kinds for key in self.reported)

    def _probe_size(self, run):
        return min(self.probe_size, len(run.X))

    def _probe(self, run):
        n = self._probe_size(run)
        return probe_layers(run.net, run.X[:n], run.Y[:n])

    # --- hooks ---

    def on_train_begin(self, run):
        if self.start_layers is not None:   # resumed: the measurements before training are in the state
            return
        for finding in check_inputs(run.X):
            self.inputs_flagged = True
            self._report(run, finding)
        n = self._probe_size(run)
        self.baseline = constant_prediction_loss(run.net, run.Y[:n], np.mean(run.Y, axis=0, dtype=np.float64))
        self.start_layers, loss = self._probe(run)
        self.probe_losses.append(loss)
        self.good_weights = run.net.copy_weights()

    def on_epoch_begin(self, run):
        self.good_weights = run.net.copy_weights()

    def on_diverged(self, run):
        """The loss became NaN or inf: put back the weights of the start of the epoch and say why."""
        restored = "the initial weights" if run.epoch == 0 else f"the weights of the end of epoch {run.epoch}"
        if self.good_weights is not None:
            run.net.set_weights(self.good_weights)
            run.restored = restored
        self._report(run, diverged(run.batch_loss, run.epoch, run.batch, run.learning_rate, restored,
                                   self.inputs_flagged))

    def on_epoch_end(self, run):
        epoch, lr, n = run.epoch, run.learning_rate, self._probe_size(run)
        layers, loss = self._probe(run)
        self.probe_losses.append(loss)
        grad_norms = run.history.grad_norms[-1] or []
        self._report(run, loss_going_wrong(self.probe_losses, epoch, lr, n, run.history.train_loss[-1],
                                           self.oscillation_threshold))
        for finding in layer_findings(layers, self.start_layers, grad_norms, epoch, lr, run.X[:self.probe_size],
                                      self.inputs_flagged):
            self._report(run, finding)
        self._check_not_learning(run, epoch, lr, layers, grad_norms, final=False)
        if not self._found("not_learning", "loss_rising", "loss_oscillating"):
            self._report(run, plateau(self.probe_losses, epoch, self.plateau_window or max(5, run.epochs // 20),
                                      self.plateau_threshold, run.history.train_accuracy[-1], n))
        held_out = {"val_loss": run.history.val_loss, "test_loss": run.history.metrics.get("test_loss")}
        for finding in overfitting(self.probe_losses[1:], held_out, epoch,
                                   max(self.overfit_patience, run.epochs // 50), self.overfit_margin):
            self._report(run, finding)
        self.last_layers = layers

    def on_train_end(self, run):
        if run.history.epochs and not self._found("diverged", "not_learning"):
            grad_norms = run.history.grad_norms[-1] or []
            lr = run.learning_rate if run.learning_rate is not None else float(run.schedule(run.history.epochs - 1))
            self._check_not_learning(run, run.history.epochs - 1, lr,
                                     getattr(self, "last_layers", None) or self._probe(run)[0], grad_norms, final=True)

    def _check_not_learning(self, run, epoch, lr, layers, grad_norms, final):
        self._report(run, not_learning(self.probe_losses, self.baseline, run.history.findings, layers[-1], grad_norms,
                                       epoch, lr, self._probe_size(run), final))

    # --- resuming ---

    def state_dict(self):
        weights = None if self.good_weights is None else {"weights": self.good_weights[0],
                                                          "biases": self.good_weights[1]}
        return {"reported": list(self.reported), "probe_losses": list(self.probe_losses), "baseline": self.baseline,
                "start_layers": self.start_layers, "inputs_flagged": self.inputs_flagged, "good_weights": weights}

    def load_state_dict(self, state):
        self.reported = list(state["reported"])
        self.probe_losses, self.baseline = list(state["probe_losses"]), state["baseline"]
        self.start_layers = state["start_layers"]
        self.inputs_flagged = bool(state["inputs_flagged"])
        weights = state.get("good_weights")
        self.good_weights = None if weights is None else (list(weights["weights"]), list(weights["biases"]))

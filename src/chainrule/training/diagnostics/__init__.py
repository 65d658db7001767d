"""Diagnostics: a training run that explains itself.

``Diagnostics`` is a callback that ``fit`` runs by default. It watches for the failure modes of the guide's
"Debugging a Training Run" and reports each as a ``chainrule.findings.Finding`` (the record of ``chainrule
check``'s diagnoses too):

    kind      what was seen: "diverged", "unnormalized_inputs", "loss_rising", "loss_oscillating",
              "not_learning", "saturated", "dead_relu", "vanishing_gradients", "symmetric_units",
              "plateau", "overfitting"
    severity  "error" (training cannot go on), "warning" (something is wrong) or "info"
    title     one line for a human
    epoch     0-based epoch it was found in (None: before training), ``layer`` 1-based when it is about one
    seen      what was measured, with the numbers (``finding["message"]``, its name when findings were dicts)
    cause     the likely cause, in plain words
    advice    what to do: the guide's advice, made concrete (e.g. the learning rate 10x lower)
    evidence  the numbers behind it (JSON-ready)

Findings go into ``history.findings``, are printed when found, and appear in the HTML training report.

What is measured, and when:

- before training: the inputs' range (raw 0-255 pixels or a large scale), the loss of the best constant
  prediction (predicting the mean target for every input: a network that cannot beat it has learned nothing),
  and each layer on a probe batch (the first ``probe_size`` training rows, in order, so the network's random
  generator is never touched and the run's numbers do not change);
- after every epoch: the loss curve (rising, oscillating, stuck at the constant-prediction loss, plateau,
  validation or test loss rising while the training loss falls) and, per layer, the probe batch again:
  saturated sigmoid/tanh units (derivative below 1% of its maximum), dead ReLUs (never positive on the probe
  batch), units with identical weights (symmetry that gradient descent cannot break), and the mean weight
  gradient norm (vanishing when a layer's is a millionth of the largest). A problem present before training
  is blamed on the data or the initial weights; one that appears during training, on the learning rate.
- when the loss becomes NaN or infinite (``fit`` calls ``on_diverged`` and stops at once): the weights of the
  start of the epoch, the last ones known to be good, are put back.

Detection is apart from wording: measure.py measures (probe batch, constant-prediction loss); inputs.py,
curve.py, layers.py and learning.py each detect a few kinds of finding and name their cause, returning
``Finding`` records with the numbers; texts.py holds every sentence; callback.py is the ``Diagnostics``
callback that runs them and reports each finding once.
"""
from .callback import Diagnostics
from .inputs import check_inputs
from .measure import constant_prediction_loss, probe_layers
from .texts import format_finding

__all__ = ["Diagnostics", "check_inputs", "constant_prediction_loss", "format_finding", "probe_layers"]

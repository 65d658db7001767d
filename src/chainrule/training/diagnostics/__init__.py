"""Diagnostics: a training run that explains itself (``Diagnostics``, the callback ``fit`` runs by default)."""
from .callback import (Diagnostics, check_inputs, constant_prediction_loss, format_finding, make_finding,
                       probe_layers)

__all__ = ["Diagnostics", "check_inputs", "constant_prediction_loss", "format_finding", "make_finding",
           "probe_layers"]

"""Before training: inputs that look unnormalized (raw 0-255 pixels, or a large scale)."""
import numpy as np

from .texts import finding


def check_inputs(X, epoch=None):
    """Findings about the training inputs before any training: values that look unnormalized."""
    X = np.asarray(X)
    if X.size == 0:
        return []
    sample = X[:4096]
    low, high = float(np.min(sample)), float(np.max(sample))
    if len(X) > len(sample):
        low, high = min(low, float(np.min(X))), max(high, float(np.max(X)))
    whole = bool(np.all(sample == np.round(sample)))
    if low >= 0 and 1.5 < high <= 255 and whole:
        return [finding("unnormalized_inputs", "pixels", variant="pixels", epoch=epoch,
                        evidence={"min": low, "max": high})]
    scale = max(abs(low), abs(high))
    if scale > 20:
        return [finding("unnormalized_inputs", "large_scale", variant="large_scale", epoch=epoch,
                        evidence={"min": low, "max": high}, scale=scale)]
    return []

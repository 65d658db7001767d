"""One family of exceptions for everything chainrule rejects.

Every error chainrule raises on purpose is a ``ChainruleError``; each also
inherits the built-in type a Python user would expect (``ValueError`` for bad
values and shapes), so ``except ValueError`` keeps working.
"""


class ChainruleError(Exception):
    """Base class of every error chainrule raises on purpose."""


class ShapeError(ChainruleError, ValueError):
    """An array has the wrong shape; the message names the argument and both shapes."""


class InputValueError(ChainruleError, ValueError):
    """An array holds values the math cannot take (NaN, inf, out of range)."""


class ConfigError(ChainruleError, ValueError):
    """A setting makes no sense (learning rate <= 0, unknown activation, ...)."""


class TrainingDiverged(ChainruleError, FloatingPointError):
    """The loss became NaN or infinite during training."""


class ModelFileError(ChainruleError, ValueError):
    """A model or checkpoint file is truncated, corrupted, foreign or too new."""


class DataError(ChainruleError, ValueError):
    """A data file (IDX, npz) is malformed or does not match what was expected."""


class OutputError(ChainruleError, OSError):
    """chainrule will not or cannot write there: a folder, device, FIFO or socket where a file should go, an
    output folder that cannot be created or written, a run folder another run is using."""


class DownloadError(ChainruleError, OSError):
    """No mirror delivered a file that passed its size and checksum checks. ``failures``: (url, reason) of each
    mirror tried, when raised by ``download_mnist``."""

    failures: "list[tuple[str, str]]"

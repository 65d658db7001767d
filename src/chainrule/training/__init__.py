"""Training: ``fit`` with optimizers, schedules, weight decay, early stopping and callbacks; ``History``;
model files; checkpoints; diagnostics; evaluation and metrics. The MNIST practice project that uses them is
``chainrule.project``."""
from .callbacks import Callback, EarlyStopping, EpochLogger, EvaluateOn, ProgressBar
from .checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from .diagnostics import Diagnostics
from .evaluation import Evaluation, evaluate
from .fit import TrainingRun, fit
from .history import History
from .model_io import FORMAT_VERSION, load_model, save_model
from .optimizers import SGD, Adam, Momentum, Optimizer, get_optimizer
from .schedules import Constant, Cosine, Schedule, StepDecay, get_schedule

__all__ = ["Adam", "Callback", "Checkpoint", "Constant", "Cosine", "Diagnostics", "EarlyStopping", "EpochLogger", "Evaluation", "EvaluateOn",
           "FORMAT_VERSION", "History", "Momentum", "Optimizer", "ProgressBar", "SGD", "Schedule", "StepDecay",
           "TrainingRun", "evaluate", "fit", "get_optimizer", "get_schedule", "load_checkpoint", "load_model", "save_checkpoint", "save_model"]

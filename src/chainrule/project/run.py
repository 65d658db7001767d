"""The guide's practice project as one call: MNIST digits, a Network, ``fit``, evaluation, files.

    from chainrule.project import ProjectConfig, run_project
    result = run_project(ProjectConfig(), out_dir="runs/train")     # what `chainrule train` runs
    print(result.test_accuracy)

The defaults are the guide's: digits 0-4, [784, 64, 5], sigmoid, MSE, SGD with learning rate 0.5, batch 32,
network seed 42, a seeded 80/20 train/test split of the shipped sample (the full set's official split when it
has been downloaded). The number of epochs is chainrule's own choice (see ``DEFAULT_EPOCHS``); the settings live in
``chainrule.project.settings``.
"""
import os
import time
from dataclasses import dataclass, field, replace

import numpy as np

from .. import safe_json
from ..core.network import Network
from ..core.validation import one_hot_matrix
from ..errors import ModelFileError
from ..files import atomic_write_text, check_output_folder, run_lock
from ..training.callbacks import EvaluateOn
from ..training.evaluation import evaluate
from ..training.fit import fit
from ..training.history import History
from ..training.model_io import save_model
from .settings import DEFAULT_EPOCHS, GUIDE_TARGET, ProjectConfig, format_digits


@dataclass
class ProjectData:
    X_train: np.ndarray
    labels_train: np.ndarray
    X_test: np.ndarray
    labels_test: np.ndarray
    X_val: np.ndarray = None
    labels_val: np.ndarray = None
    source: str = ""
    description: str = ""
    split: str = ""
    n_selected: int = 0


def prepare_data(config):
    """Load MNIST, keep ``config.digits`` (labels renumbered 0..k-1), scale to [0, 1], split."""
    from ..data import flatten_and_scale, load_mnist, select_classes, train_test_split

    data = load_mnist(config.source, data_dir=config.data_dir)
    dtype = np.dtype(config.dtype)
    if data.n_train is not None:
        train_images, train_labels = select_classes(data.images[:data.n_train], data.labels[:data.n_train],
                                                    config.digits)
        test_images, test_labels = select_classes(data.images[data.n_train:], data.labels[data.n_train:],
                                                  config.digits)
        X_train, X_test = flatten_and_scale(train_images, dtype), flatten_and_scale(test_images, dtype)
        split = "the data set's own train/test split"
    else:
        images, labels = select_classes(data.images, data.labels, config.digits)
        X_train, X_test, train_labels, test_labels = train_test_split(
            flatten_and_scale(images, dtype), labels, test_fraction=config.test_fraction, seed=config.split_seed)
        split = f"seeded split: {100 * config.test_fraction:g}% held out for testing, split seed {config.split_seed}"
    n_selected = len(X_train) + len(X_test)
    if config.max_train is not None:
        X_train, train_labels = X_train[:config.max_train], train_labels[:config.max_train]
    project = ProjectData(X_train, np.asarray(train_labels, dtype=np.int64), X_test,
                          np.asarray(test_labels, dtype=np.int64), source=data.source,
                          description=data.description, split=split, n_selected=n_selected)
    if config.early_stopping:
        X_fit, X_val, labels_fit, labels_val = train_test_split(
            project.X_train, project.labels_train, test_fraction=config.validation_fraction,
            seed=config.split_seed + 1)
        project.X_train, project.labels_train, project.X_val, project.labels_val = X_fit, labels_fit, X_val, labels_val
    return project


def build_network(config):
    return Network(config.layer_sizes, seed=config.seed, activation=config.activation, loss=config.loss,
                   dtype=config.dtype, dropout=config.dropout)


@dataclass
class ProjectResult:
    config: ProjectConfig
    net: Network
    history: History
    data: ProjectData = field(repr=False)
    evaluation: object = field(repr=False)
    seconds: float = 0.0
    files: dict = field(default_factory=dict)

    @property
    def test_accuracy(self):
        return self.evaluation.accuracy

    @property
    def passed(self):
        return self.test_accuracy > GUIDE_TARGET


def one_hot_targets(labels, n_classes, dtype):
    return one_hot_matrix(labels, n_classes, dtype)


def train_project(config, progress=False, callbacks=(), data=None, checkpoint=None, resume=None):
    """Train and evaluate one configuration. ``data``: a ``ProjectData`` to reuse. ``checkpoint``: a file to save
    the training state to after each epoch and on Ctrl-C (else nothing is written); ``resume``: a checkpoint
    (file or ``Checkpoint``) to continue from."""
    data = data if data is not None else prepare_data(config)
    net = build_network(config)
    k = len(config.digits)
    validation = None
    if data.X_val is not None:
        validation = (data.X_val, one_hot_targets(data.labels_val, k, net.dtype))
    started = time.perf_counter()
    history = fit(net, data.X_train, one_hot_targets(data.labels_train, k, net.dtype),
                  epochs=config.epochs, learning_rate=config.learning_rate, batch_size=config.batch_size,
                  optimizer=config.optimizer, schedule=config.schedule, weight_decay=config.weight_decay,
                  validation_data=validation, early_stopping=config.early_stopping,
                  callbacks=[EvaluateOn(data.X_test, one_hot_targets(data.labels_test, k, net.dtype), "test"),
                             *callbacks],
                  progress=progress, checkpoint=checkpoint, resume=resume,
                  checkpoint_metadata={"project": "mnist", "config": config.to_dict()})
    seconds = time.perf_counter() - started
    history.settings.update(loss=net.loss.name, layer_sizes=net.layer_sizes, activations=net.activation_names,
                            dtype=net.dtype.name, digits=config.digits, data=data.description,
                            split=data.split)
    evaluation = evaluate(net, data.X_test, data.labels_test, class_names=config.digits)
    return ProjectResult(config, net, history, data, evaluation, seconds)


def model_metadata(result):
    config = replace(result.config, source=result.data.source if result.data.source in ("sample", "full")
                     else result.config.source)
    return {"project": "mnist", "classes": config.digits, "config": config.to_dict(),
            "data": result.data.description, "split": result.data.split,
            "n_train": int(len(result.data.X_train)), "n_test": int(len(result.data.X_test)),
            "test_accuracy": result.test_accuracy, "epochs_run": result.history.epochs,
            "best_epoch": result.history.best_epoch, "stop_reason": result.history.stop_reason}


OUTPUT_FILES = ("model.npz", "history.json", "loss_curve.png")


def check_outputs(out_dir, report=True, checkpoint=None):
    """Before training: the output folder created and writable, and every file the run will write there (and
    the checkpoint, wherever it goes) a regular file or a new name; ``OutputError`` otherwise."""
    check_output_folder(out_dir, OUTPUT_FILES + (("report.html",) if report else ()))
    if checkpoint is not None:
        check_output_folder(os.path.dirname(os.path.abspath(checkpoint)), [os.path.basename(checkpoint)])


def write_outputs(result, out_dir, report=True):
    """Model, history, loss-curve PNG and (optionally) the HTML report in ``out_dir``; returns the paths."""
    from .plots import curves_figure, save_figure     # Matplotlib only when files are written

    os.makedirs(out_dir, exist_ok=True)
    files = {"model": save_model(result.net, os.path.join(out_dir, "model.npz"), model_metadata(result))}
    history_path = os.path.join(out_dir, "history.json")
    atomic_write_text(history_path, result.history.to_json(indent=1))
    files["history"] = history_path
    title = f"MNIST digits {format_digits(result.config.digits)}"
    files["loss_curve"] = save_figure(curves_figure(result.history, title), os.path.join(out_dir, "loss_curve.png"))
    if report:
        from .report import write_report
        files["report"] = write_report(result, os.path.join(out_dir, "report.html"))
    result.files = files
    return files


def run_project(config=None, out_dir="runs/train", progress=False, report=True, callbacks=()):
    """Train, evaluate and write the files of one practice-project run."""
    config = config or ProjectConfig()
    if out_dir is None:
        return train_project(config, progress=progress, callbacks=callbacks)
    with run_lock(out_dir, command=f"run_project(out_dir={os.fspath(out_dir)!r})"):
        check_outputs(out_dir, report)
        result = train_project(config, progress=progress, callbacks=callbacks)
        write_outputs(result, out_dir, report=report)
    return result


def mse_step_note(config):
    """The guide-vs-chainrule learning-rate note for MSE with several outputs (``None`` when it doesn't apply)."""
    k = len(config.digits)
    if config.loss.lower() != "mse" or k < 2 or config.optimizer != "sgd":
        return None
    lines = [f"Note: chainrule's MSE gradient is the exact gradient of the mean over all {k} outputs, 1/{k} of the",
             f"      guide's 2(a - t) (guide block 17): learning rate {config.learning_rate:g} is a {k}x smaller step than "
             f"in the guide's code",
             f"      (--learning-rate {config.learning_rate * k:g} takes the guide's step)"]
    if config.epochs == DEFAULT_EPOCHS and k == 5:
        lines[-1] += f"; {DEFAULT_EPOCHS} epochs = the guide's 15 at the smaller step."
    return "\n".join(lines)


def header_lines(config, data, net):
    lines = [f"Data: {data.description}",
             f"Digits {format_digits(config.digits)}: {data.n_selected:,} images -> {len(data.X_train):,} training, "
             + (f"{len(data.X_val):,} validation, " if data.X_val is not None else "")
             + f"{len(data.X_test):,} test ({data.split})",
             f"{net}: {net.n_params:,} parameters",
             f"{config.optimizer.upper() if config.optimizer == 'sgd' else config.optimizer.capitalize()}, "
             f"learning rate {config.learning_rate:g} ({config.schedule}), batch {config.batch_size}, "
             f"{config.epochs} epochs, seed {config.seed}"
             + (f", L2 weight decay {config.weight_decay:g}" if config.weight_decay else "")
             + (f", dropout {config.dropout:g}" if config.dropout else "")
             + (f", early stopping after {config.early_stopping} epochs without improvement"
                if config.early_stopping else "")]
    note = mse_step_note(config)
    if note:
        lines.append(note)
    return lines


def summary_lines(result):
    h = result.history
    lines = []
    if h.stop_reason:
        lines.append(f"Stopped after epoch {h.epochs}: {h.stop_reason}")
    if h.best_epoch is not None:
        lines.append(f"Restored the weights of epoch {h.best_epoch + 1} (best validation loss)")
    verdict = "PASSED" if result.passed else "NOT YET - try more epochs or adjust the learning rate"
    lines.append(f"Final test accuracy: {100 * result.test_accuracy:.1f}% on {len(result.data.X_test):,} held-out "
                 f"digits (guide's target: >{100 * GUIDE_TARGET:.0f}%) {verdict}")
    lines.append(f"Trained in {result.seconds:.1f} s")
    return lines


def load_history(path):
    """A run's ``history.json`` (size and depth checked before parsing); ``ModelFileError`` when it is not one."""
    label = f"history file {os.fspath(path)!r}"
    return History.from_json(safe_json.read_text(path, label, ModelFileError), label)

"""The guide's practice project: MNIST digits trained with ``chainrule.training``'s ``fit``, evaluated, written
to files (model, history, loss curve, HTML report), compared across settings, and a saved model used again
(evaluate on its test set, classify an image file). The command line's ``train``, ``compare``, ``evaluate``
and ``predict`` are thin layers over it.

    from chainrule.project import ProjectConfig, run_project
    result = run_project(ProjectConfig(), out_dir="runs/train")     # what `chainrule train` runs
"""
from .run import ProjectData, ProjectResult, prepare_data, run_project, train_project
from .settings import DEFAULT_EPOCHS, GUIDE_TARGET, ProjectConfig

__all__ = ["DEFAULT_EPOCHS", "GUIDE_TARGET", "ProjectConfig", "ProjectData", "ProjectResult", "prepare_data",
           "run_project", "train_project"]

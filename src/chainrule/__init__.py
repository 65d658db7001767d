"""chainrule: neural-network training from scratch in NumPy, where every gradient can be seen and checked."""
from .core import (ACTIVATIONS, LAYERS, LOSSES, Activation, Dense, Dropout, GradientCheckReport, Layer, Loss, Network,
                   cross_entropy_loss,
                   cross_entropy_loss_gradient, get_activation, get_loss, gradient_check, identity, leaky_relu,
                   mse_loss, mse_loss_gradient, relu, sigmoid, sigmoid_derivative, softmax,
                   softmax_cross_entropy_loss, softmax_cross_entropy_loss_gradient, tanh)
from .errors import (ChainruleError, ConfigError, DataError, DownloadError, InputValueError, ModelFileError,
                     OutputError, ShapeError, TrainingDiverged)

from .version import __version__

from . import check  # noqa: E402  (callable: chainrule.check("my_network.py"))
from .data import MnistData, download_mnist, load_mnist  # noqa: E402
from .training import History, evaluate, fit, load_model, save_model  # noqa: E402

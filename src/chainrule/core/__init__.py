"""The core math: activations, losses, layers, the Network and gradient checking."""
from .activations import (ACTIVATIONS, Activation, get_activation, identity, leaky_relu, relu, sigmoid,
                          sigmoid_derivative, softmax, tanh)
from .gradcheck import GradientCheckReport, GradientCheckRow, gradient_check
from .layers import LAYERS, Dense, Dropout, Layer
from .losses import (LOSSES, Loss, cross_entropy_loss, cross_entropy_loss_gradient, get_loss, mse_loss,
                     mse_loss_gradient, softmax_cross_entropy_loss, softmax_cross_entropy_loss_gradient)
from .network import Network, guide_initial_weights

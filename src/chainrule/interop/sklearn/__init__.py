"""scikit-learn estimators backed by a chainrule ``Network``.

    ChainruleClassifier(hidden_layer_sizes=(100,), activation="relu", solver="adam", ...)
    ChainruleRegressor(...)

They follow ``sklearn.neural_network.MLPClassifier``/``MLPRegressor``: the hyperparameters that mean the
same have the same names and defaults (``learning_rate`` schedules ``"constant"``, ``"invscaling"`` and
``"adaptive"`` with ``power_t``, ``nesterovs_momentum``, ``early_stopping``...), ``fit`` and ``partial_fit``
take ``sample_weight``, and so do the fitted attributes (``classes_``, ``loss_``, ``loss_curve_``,
``n_iter_``, ``n_features_in_``, ``n_layers_``, ``n_outputs_``, ``out_activation_``, ``best_loss_``,
``coefs_``/``intercepts_`` as (n_in, n_out) arrays, ``validation_scores_``). The trained network itself is
``network_``: a chainrule ``Network`` you can gradient-check, trace, save, or hand to
``chainrule.interop.torch.to_torch``.

What differs from MLP*: weights start He-normal, as in the guide; ``solver`` is ``"sgd"`` or ``"adam"`` (no
``"lbfgs"``); ``dtype="float32"`` trains in float32; ``dropout=p`` (chainrule's own) drops that share of
each hidden layer's units while training; and the losses are chainrule's, which are means over every
output:

- classes: softmax cross-entropy for three or more classes, binary cross-entropy of one logistic output for
  two -- the losses MLPClassifier reports;
- multilabel: binary cross-entropy averaged over samples *and* labels (MLPClassifier sums over labels);
- regression: MSE, mean((p - y)**2) (MLPRegressor reports half of it).

tests/interop/test_interop_sklearn.py measures these: from the same weights, one epoch of SGD gives MLP*'s
weights to 1e-12 (with the learning rate scaled by the factor above where there is one).

Modules: ``base`` (hyperparameters, training loop, pickling), ``estimators`` (the two classes), ``solvers``
(scikit-learn's SGD with its schedules, Adam, the sample-weighted loss). scikit-learn is optional:
``pip install "chainrule[sklearn]"``.
"""
from .base import EarlyStoppingSkipped
from .estimators import ChainruleClassifier, ChainruleRegressor

__all__ = ["ChainruleClassifier", "ChainruleRegressor", "EarlyStoppingSkipped"]

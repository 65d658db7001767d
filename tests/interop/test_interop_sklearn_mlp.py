"""What the estimators share with MLPClassifier/MLPRegressor beyond the basics, measured against them: sample
weights (and their gradient, by finite differences), the learning-rate schedules, Nesterov's momentum, the fitted
loss_/n_layers_/n_outputs_/out_activation_, early stopping on small data, and messages naming the public class."""
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.datasets import make_blobs, make_regression  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from chainrule import Network  # noqa: E402
from chainrule.interop.sklearn import ChainruleClassifier, ChainruleRegressor, EarlyStoppingSkipped  # noqa: E402
from chainrule.interop.sklearn.solvers import example_losses, weighted_loss_and_gradients  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def blobs(n=120, centers=3, seed=0):
    X, y = make_blobs(n_samples=n, centers=centers, n_features=4, random_state=seed)
    return StandardScaler().fit_transform(X), y


def same_start(ours, theirs):
    """Give the sklearn MLP our weights and SGD velocities and no-improvement bookkeeping (MLP stores W.T)."""
    theirs.coefs_ = [W.T.copy() for W in ours.network_.weights]
    theirs.intercepts_ = [b.copy() for b in ours.network_.biases]
    velocities = ours._optimizer.velocities
    n = len(ours.network_.weights)
    theirs._optimizer.velocities = [v.T.copy() for v in velocities[:n]] + [v.copy() for v in velocities[n:]]
    theirs.best_loss_, theirs._no_improvement_count = ours.best_loss_, ours._no_improvement_count


def assert_same_weights(ours, theirs, atol=1e-12):
    for W_ours, W_theirs in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(W_ours, W_theirs, rtol=0, atol=atol)


@pytest.mark.parametrize("schedule, nesterov", [("constant", True), ("constant", False), ("invscaling", True),
                                                ("adaptive", True)])
def test_sgd_schedules_and_momentum_step_for_step_with_mlpclassifier(schedule, nesterov):
    """Six epochs of SGD with momentum 0.9 from the same state: the same weights and learning rate each epoch.
    For "adaptive", tol=10 makes every epoch a stall: the rate is divided by 5 after each second one."""
    X, y = blobs()
    settings = dict(hidden_layer_sizes=(7, 5), activation="tanh", solver="sgd", momentum=0.9, alpha=0.01,
                    batch_size=32, learning_rate_init=0.05, shuffle=False, learning_rate=schedule, power_t=0.4,
                    nesterovs_momentum=nesterov, tol=10.0 if schedule == "adaptive" else 1e-4, n_iter_no_change=1)
    ours = ChainruleClassifier(random_state=0, **settings).partial_fit(X, y, classes=[0, 1, 2])
    theirs = MLPClassifier(random_state=0, **settings).partial_fit(X, y, classes=[0, 1, 2])
    same_start(ours, theirs)
    rates = []
    for _ in range(6):
        ours.partial_fit(X, y)
        theirs.partial_fit(X, y)
        assert ours._optimizer.learning_rate == pytest.approx(theirs._optimizer.learning_rate, rel=1e-15)
        assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-12)
        rates.append(ours._optimizer.learning_rate)
    assert_same_weights(ours, theirs)
    if schedule == "invscaling":
        assert rates[-1] == pytest.approx(0.05 / (7 * 120 + 1) ** 0.4)
    if schedule == "adaptive":
        assert rates == pytest.approx([0.05, 0.01, 0.01, 0.002, 0.002, 0.0004])


def test_adaptive_stops_once_the_rate_is_at_most_1e_6():
    X, y = blobs(n=60)
    clf = ChainruleClassifier(hidden_layer_sizes=(4,), solver="sgd", learning_rate="adaptive", tol=10.0,
                              n_iter_no_change=1, learning_rate_init=0.1, max_iter=500, random_state=0).fit(X, y)
    # epoch 1 improves on nothing (best_loss_ was inf); then every second epoch is a stall (count > 1): 8 divide
    # the rate by 5 (epochs 3, 5, ..., 17) until 0.1 / 5**8 <= 1e-6, and the ninth (epoch 19) stops
    assert clf._optimizer.learning_rate == pytest.approx(0.1 / 5 ** 8, rel=1e-12) and clf.n_iter_ == 19


@pytest.mark.parametrize("kind", ["multiclass", "binary", "regression"])
def test_sample_weight_epoch_is_mlps(kind):
    """One epoch of plain SGD with sample weights from the same weights: MLP*'s weights, to 1e-12 (the
    regressor at half the learning rate: MLPRegressor's squared loss is half of chainrule's MSE)."""
    rng = np.random.RandomState(1)
    if kind == "regression":
        X, y = make_regression(n_samples=90, n_features=5, noise=1.0, random_state=1)
        X, y = StandardScaler().fit_transform(X), y / np.std(y)
    else:
        X, y = blobs(n=90, centers=3 if kind == "multiclass" else 2)
    weights = rng.uniform(0, 3, size=len(X))
    weights[::7] = 0.0
    settings = dict(hidden_layer_sizes=(6,), activation="relu", solver="sgd", momentum=0.0, batch_size=16,
                    shuffle=False)
    if kind == "regression":       # our loss is twice theirs: the same step at half the rate and twice the alpha
        ours = ChainruleRegressor(random_state=0, learning_rate_init=0.05, alpha=0.2, **settings)
        theirs = MLPRegressor(random_state=0, learning_rate_init=0.1, alpha=0.1, **settings)
        ours.partial_fit(X, y, weights)
        theirs.partial_fit(X, y, weights)
    else:
        ours = ChainruleClassifier(random_state=0, learning_rate_init=0.1, alpha=0.1, **settings)
        theirs = MLPClassifier(random_state=0, learning_rate_init=0.1, alpha=0.1, **settings)
        ours.partial_fit(X, y, classes=np.unique(y), sample_weight=weights)
        theirs.partial_fit(X, y, classes=np.unique(y), sample_weight=weights)
    same_start(ours, theirs)
    ours.partial_fit(X, y, sample_weight=weights)
    theirs.partial_fit(X, y, sample_weight=weights)
    assert ours.loss_ == pytest.approx(theirs.loss_ * (2 if kind == "regression" else 1), rel=1e-12)
    assert_same_weights(ours, theirs)


@pytest.mark.parametrize("loss, output", [("softmax_cross_entropy", "identity"), ("cross_entropy", "sigmoid"),
                                          ("mse", "identity")])
def test_weighted_gradient_by_finite_differences(loss, output):
    """The weighted loss sum(w_i l_i) / sum(w_i) and its gradient: central differences of the loss agree."""
    rng = np.random.RandomState(0)
    net = Network([3, 4, 2], seed=0, activation="tanh", output_activation=output, loss=loss)
    X = rng.randn(6, 3)
    Y = np.eye(2)[rng.randint(2, size=6)] if loss != "mse" else rng.randn(6, 2)
    w = np.array([0.5, 2.0, 0.0, 1.0, 3.0, 0.25])
    loss_value, weight_grads, bias_grads = weighted_loss_and_gradients(net, X, Y, w)

    def weighted_loss():
        return float(np.average(example_losses(loss, net.predict_proba(X) if loss == "cross_entropy" else
                                               _output(net, X), Y), weights=w))

    assert loss_value == pytest.approx(weighted_loss(), rel=1e-12)
    for params, grads in ((net.weights, weight_grads), (net.biases, bias_grads)):
        for p, g in zip(params, grads):
            numerical = np.zeros_like(p)
            for index in np.ndindex(p.shape):
                saved = p[index]
                p[index] = saved + 1e-6
                up = weighted_loss()
                p[index] = saved - 1e-6
                down = weighted_loss()
                p[index] = saved
                numerical[index] = (up - down) / 2e-6
            np.testing.assert_allclose(g, numerical, rtol=1e-6, atol=1e-9)


def _output(net, X):
    a = X
    for layer, W, b in zip(net.layers, net.weights, net.biases):
        a = layer.activation.forward(a @ W.T + b)
    return a


def test_example_losses_average_to_chainrules_loss():
    rng = np.random.RandomState(2)
    for loss, output in (("softmax_cross_entropy", "identity"), ("cross_entropy", "sigmoid"), ("mse", "identity")):
        net = Network([3, 5, 4], seed=1, output_activation=output, loss=loss)
        X, Y = rng.randn(7, 3), np.eye(4)[rng.randint(4, size=7)]
        loss_value, _, _ = net.loss_and_gradients(X, Y)
        assert np.mean(example_losses(loss, _output(net, X), Y)) == pytest.approx(loss_value, rel=1e-12)


def test_equal_weights_are_no_weights_and_integer_weights_are_repeated_rows():
    X, y = blobs(n=60)
    # alpha=0: the L2 penalty is divided by the batch's total weight (as in MLP*), which weights of 3 triple
    settings = dict(hidden_layer_sizes=(5,), solver="sgd", momentum=0.0, batch_size=200, shuffle=False,
                    max_iter=5, random_state=0, learning_rate_init=0.1, alpha=0.0)
    plain = ChainruleClassifier(**settings).fit(X, y)
    ones = ChainruleClassifier(**settings).fit(X, y, sample_weight=np.full(60, 3.0))
    np.testing.assert_array_equal(plain.coefs_[0], ones.coefs_[0])
    counts = np.arange(60) % 3
    weighted = ChainruleClassifier(**settings).fit(X, y, sample_weight=counts)
    repeated = ChainruleClassifier(**settings).fit(np.repeat(X, counts, axis=0), np.repeat(y, counts))
    for W_w, W_r in zip(weighted.coefs_, repeated.coefs_):          # one full batch per epoch: the same mean
        np.testing.assert_allclose(W_w, W_r, rtol=0, atol=1e-12)


def test_bad_sample_weights_are_refused():
    X, y = blobs(n=30)
    with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
        ChainruleClassifier().fit(X, y, sample_weight=-np.ones(30))
    with pytest.raises(ValueError, match="Sample weights must contain at least one non-zero number"):
        ChainruleClassifier().fit(X, y, sample_weight=np.zeros(30))


@pytest.mark.parametrize("y, n_outputs, out_activation", [
    (np.arange(40) % 3, 3, "softmax"), (np.arange(40) % 2, 1, "logistic"),
    (np.stack([np.arange(40) % 2, np.arange(40) % 3 == 0], axis=1).astype(int), 2, "logistic")])
def test_fitted_attributes_mean_what_mlpclassifiers_mean(y, n_outputs, out_activation):
    X = np.random.RandomState(0).randn(40, 3)
    ours = ChainruleClassifier(hidden_layer_sizes=(6, 5), max_iter=3, random_state=0).fit(X, y)
    theirs = MLPClassifier(hidden_layer_sizes=(6, 5), max_iter=3, random_state=0).fit(X, y)
    for name in ("n_layers_", "n_outputs_", "out_activation_"):
        assert getattr(ours, name) == getattr(theirs, name)
    assert (ours.n_layers_, ours.n_outputs_, ours.out_activation_) == (4, n_outputs, out_activation)
    assert ours.loss_ == ours.loss_curve_[-1]
    assert ours.predict_proba(X).shape == theirs.predict_proba(X).shape


def test_binary_classifier_is_mlpclassifiers_logistic_output():
    X, y = blobs(n=80, centers=2)
    settings = dict(hidden_layer_sizes=(5,), activation="logistic", solver="sgd", momentum=0.5, batch_size=20,
                    shuffle=False, learning_rate_init=0.2)
    ours = ChainruleClassifier(random_state=0, **settings).partial_fit(X, y, classes=[0, 1])
    theirs = MLPClassifier(random_state=0, **settings).partial_fit(X, y, classes=[0, 1])
    same_start(ours, theirs)
    for _ in range(3):
        ours.partial_fit(X, y)
        theirs.partial_fit(X, y)
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-12)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    regressor = ChainruleRegressor(max_iter=2).fit(X, y.astype(float))
    assert (regressor.n_layers_, regressor.n_outputs_, regressor.out_activation_) == (3, 1, "identity")


def test_early_stopping_on_small_data():
    """20 samples of 3 classes (MLPClassifier handles them; scikit-learn's stratified split used to refuse):
    2 held out, unstratified as in MLPClassifier for more than two classes. 10 samples leave 1 to score: the
    fit trains on all of them without early stopping, and says so."""
    rng = np.random.RandomState(0)
    X, y = rng.randn(20, 3), np.arange(20) % 3
    clf = ChainruleClassifier(early_stopping=True, random_state=0, max_iter=30).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_ and clf.best_validation_score_ is not None
    binary = ChainruleClassifier(early_stopping=True, random_state=0, max_iter=30).fit(X, y % 2)
    assert len(binary.validation_scores_) == binary.n_iter_
    with pytest.warns(EarlyStoppingSkipped, match=r"ChainruleRegressor\(early_stopping=True, validation_fraction="
                                                  r"0.1\) would hold out 1 of the 10 samples"):
        reg = ChainruleRegressor(early_stopping=True, max_iter=5).fit(X[:10], X[:10, 0])
    assert reg.validation_scores_ is None and reg.n_iter_ == 5


def test_messages_name_the_public_class():
    X, y = blobs(n=30)
    with pytest.raises(TypeError, match=r"ChainruleClassifier.__init__\(\) got an unexpected keyword argument"):
        ChainruleClassifier(hidden=3)
    with pytest.raises(TypeError, match=r"ChainruleRegressor.__init__\(\)"):
        ChainruleRegressor(solver_name="adam")
    with pytest.raises(ValueError, match="ChainruleClassifier.partial_fit"):
        ChainruleClassifier().partial_fit(X, y)
    fitted = ChainruleRegressor(max_iter=1).fit(X, y.astype(float))
    with pytest.raises(ValueError, match="this ChainruleRegressor was fitted with 1"):
        fitted.partial_fit(X, np.ones((30, 2)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for estimator in (ChainruleClassifier(max_iter=1), ChainruleRegressor(max_iter=1)):
            assert "_ChainruleMLP" not in repr(estimator)

"""The scikit-learn estimators: what they compute, measured against MLPClassifier/MLPRegressor and MNIST."""
import pickle
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import make_blobs, make_regression  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from chainrule import ConfigError, Network  # noqa: E402
from chainrule.interop.sklearn import ChainruleClassifier, ChainruleRegressor  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def blobs(n=120, centers=3, seed=0):
    X, y = make_blobs(n_samples=n, centers=centers, n_features=4, random_state=seed)
    return StandardScaler().fit_transform(X), y


def start_from(estimator, mlp):
    """Give the sklearn MLP the chainrule estimator's starting weights (MLP stores W.T)."""
    mlp.coefs_ = [W.T.copy() for W in estimator.network_.weights]
    mlp.intercepts_ = [b.copy() for b in estimator.network_.biases]


def test_one_sgd_epoch_is_exactly_mlpclassifiers_epoch():
    """Same start, same batches, plain SGD: softmax cross-entropy and the alpha penalty are MLPClassifier's."""
    X, y = blobs()
    settings = dict(hidden_layer_sizes=(7, 5), activation="tanh", solver="sgd", momentum=0.0, alpha=0.3,
                    batch_size=32, learning_rate_init=0.2, shuffle=False)
    ours = ChainruleClassifier(random_state=0, **settings).partial_fit(X, y, classes=[0, 1, 2])
    theirs = MLPClassifier(random_state=0, **settings).partial_fit(X, y, classes=[0, 1, 2])
    start_from(ours, theirs)
    ours.partial_fit(X, y)
    theirs.partial_fit(X, y)
    assert ours.loss_curve_[-1] == pytest.approx(theirs.loss_curve_[-1], rel=1e-12)
    for ours_W, their_W in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(ours_W, their_W, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=0, atol=1e-12)


def test_adam_epoch_matches_mlpregressor_with_half_the_learning_rate():
    """chainrule's MSE is mean((p - y)**2); MLPRegressor's loss is half that, so its gradient is half ours.
    Adam ignores a constant gradient scale (up to epsilon), so the steps agree; plain SGD needs lr / 2."""
    X, y = make_regression(n_samples=90, n_features=5, noise=1.0, random_state=1)
    X, y = StandardScaler().fit_transform(X), y / np.std(y)
    settings = dict(hidden_layer_sizes=(6,), activation="relu", solver="sgd", momentum=0.0, alpha=0.0,
                    batch_size=16, shuffle=False)
    ours = ChainruleRegressor(random_state=0, learning_rate_init=0.05, **settings).partial_fit(X, y)
    theirs = MLPRegressor(random_state=0, learning_rate_init=0.1, **settings).partial_fit(X, y)
    start_from(ours, theirs)
    ours.partial_fit(X, y)
    theirs.partial_fit(X, y)
    assert ours.loss_curve_[-1] == pytest.approx(2 * theirs.loss_curve_[-1], rel=1e-12)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=0, atol=1e-12)


def test_partial_fit_keeps_the_adam_state():
    """Five partial_fit calls (shuffle off) are five epochs of one fit: Adam's moments and step count carry on."""
    X, y = blobs()
    settings = dict(hidden_layer_sizes=(10,), batch_size=40, shuffle=False, random_state=3,
                    learning_rate_init=0.01, n_iter_no_change=100)
    fitted = ChainruleClassifier(max_iter=5, **settings).fit(X, y)
    stepped = ChainruleClassifier(**settings)
    for _ in range(5):
        stepped.partial_fit(X, y, classes=[0, 1, 2])
    assert stepped.n_iter_ == fitted.n_iter_ == 5
    assert stepped._optimizer.t == 15  # 3 batches per epoch
    np.testing.assert_array_equal(stepped.loss_curve_, fitted.loss_curve_)
    for W_stepped, W_fitted in zip(stepped.coefs_, fitted.coefs_):
        np.testing.assert_array_equal(W_stepped, W_fitted)


def test_partial_fit_checks_classes():
    X, y = blobs()
    clf = ChainruleClassifier(hidden_layer_sizes=(4,))
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert clf.classes_.tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match=r"y contains labels \[7\]"):
        clf.partial_fit(X[:3], [0, 7, 1])
    with pytest.raises(ValueError, match="not the same as classes_"):
        clf.partial_fit(X, y, classes=[0, 1])


def test_fitted_attributes_and_string_labels():
    X, y = blobs()
    names = np.array(["cat", "dog", "emu"])[y]
    clf = ChainruleClassifier(hidden_layer_sizes=(16,), max_iter=60, learning_rate_init=0.01, random_state=0)
    clf.fit(X, names)
    assert clf.classes_.tolist() == ["cat", "dog", "emu"]
    assert clf.n_features_in_ == 4
    assert clf.n_iter_ == len(clf.loss_curve_) == 60
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]
    assert [W.shape for W in clf.coefs_] == [(4, 16), (16, 3)]
    assert isinstance(clf.network_, Network) and clf.network_.layer_sizes == [4, 16, 3]
    assert clf.network_.loss.name == "softmax_cross_entropy"
    assert clf.score(X, names) == 1.0  # three well separated blobs
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0, rtol=0, atol=1e-12)


def test_tol_stops_training_like_mlp():
    X, y = blobs()
    clf = ChainruleClassifier(hidden_layer_sizes=(16,), max_iter=500, tol=1e-2, n_iter_no_change=3,
                              random_state=0, learning_rate_init=0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_iter_ < 500
    # the last n_iter_no_change + 1 epochs each failed to beat the best loss by tol
    assert all(loss > clf.best_loss_ - 1e-2 for loss in clf.loss_curve_[-4:])


def test_early_stopping_keeps_the_best_validation_weights():
    X, y = blobs(n=300, centers=4, seed=2)
    clf = ChainruleClassifier(hidden_layer_sizes=(16,), max_iter=300, early_stopping=True, validation_fraction=0.2,
                              n_iter_no_change=5, random_state=0, learning_rate_init=0.05)
    clf.fit(X, y)
    assert clf.n_iter_ < 300
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)


def test_multilabel_targets_get_sigmoid_outputs():
    X, y = blobs(n=150)
    Y = np.stack([y == 0, y != 1, y == 2], axis=1).astype(int)
    clf = ChainruleClassifier(hidden_layer_sizes=(16,), max_iter=200, learning_rate_init=0.01, random_state=0)
    clf.fit(X, Y)
    assert clf.network_.loss.name == "cross_entropy"
    assert clf.network_.activation_names == ["relu", "sigmoid"]
    assert clf.predict(X).shape == (150, 3)
    assert clf.score(X, Y) > 0.95  # subset accuracy


def test_multilabel_sgd_epoch_matches_mlpclassifier_with_lr_times_labels():
    """chainrule's cross-entropy is the mean over all n_samples * n_labels outputs; MLPClassifier sums over
    the labels. So with 3 labels our gradient is a third of MLP's, and lr * 3 gives the same step."""
    X, y = blobs(n=150)
    Y = np.stack([y == 0, y != 1, y == 2], axis=1).astype(int)
    settings = dict(hidden_layer_sizes=(6,), activation="logistic", solver="sgd", momentum=0.0, alpha=0.0,
                    batch_size=50, shuffle=False)
    ours = ChainruleClassifier(random_state=0, learning_rate_init=0.3, **settings).partial_fit(X, Y)
    theirs = MLPClassifier(random_state=0, learning_rate_init=0.1, **settings).partial_fit(X, Y, classes=[0, 1, 2])
    start_from(ours, theirs)
    ours.partial_fit(X, Y)
    theirs.partial_fit(X, Y)
    assert 3 * ours.loss_curve_[-1] == pytest.approx(theirs.loss_curve_[-1], rel=1e-12)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=0, atol=1e-12)


def test_multi_output_regression_and_float32():
    X, Y = make_regression(n_samples=200, n_features=6, n_targets=2, noise=0.5, random_state=0)
    X, Y = StandardScaler().fit_transform(X), StandardScaler().fit_transform(Y)
    reg = ChainruleRegressor(hidden_layer_sizes=(32,), max_iter=300, learning_rate_init=0.01, random_state=0,
                             dtype="float32").fit(X, Y)
    assert reg.network_.dtype == np.float32
    assert reg.predict(X).shape == (200, 2) and reg.predict(X).dtype == np.float32
    assert reg.score(X, Y) > 0.95


def test_pickle_keeps_predictions_and_training_state():
    X, y = blobs()
    clf = ChainruleClassifier(hidden_layer_sizes=(8,), activation="leaky_relu", max_iter=5, random_state=0).fit(X, y)
    copy = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(copy.predict_proba(X), clf.predict_proba(X))
    assert copy.network_.activation_names == ["leaky_relu", "identity"]
    # both continue identically: the optimizer state and the shuffling state travelled too
    clf.partial_fit(X, y)
    copy.partial_fit(X, y)
    np.testing.assert_array_equal(copy.predict_proba(X), clf.predict_proba(X))


@pytest.mark.parametrize("params, message", [
    (dict(activation="softplus"), "activation must be one of"),
    (dict(solver="lbfgs"), "solver must be one of 'sgd', 'adam', got 'lbfgs'"),
    (dict(learning_rate="optimal"), "learning_rate must be one of 'constant', 'invscaling', 'adaptive'"),
    (dict(power_t=-1), "power_t must be >= 0"),
    (dict(nesterovs_momentum="yes"), "nesterovs_momentum must be True or False"),
    (dict(hidden_layer_sizes=(10, 0)), "hidden_layer_sizes must hold whole numbers >= 1"),
    (dict(learning_rate_init=0), "learning_rate_init must be > 0"),
    (dict(batch_size=0), "batch_size must be >= 1"),
    (dict(dtype="float16"), "dtype must be one of 'float64', 'float32'"),
    (dict(validation_fraction=1.0), "validation_fraction must be > 0 and < 1"),
])
def test_bad_hyperparameters_fail_at_fit_with_a_message(params, message):
    X, y = blobs(n=30)
    clf = ChainruleClassifier(**params)  # like every sklearn estimator, __init__ only stores
    with pytest.raises(ConfigError, match=message):
        clf.fit(X, y)


def test_pipeline_and_grid_search_on_the_mnist_sample():
    from chainrule.data import load_mnist

    images, labels = load_mnist(source="sample")
    X = images.reshape(len(images), -1)
    X_train, y_train, X_test, y_test = X[:1200], labels[:1200], X[1200:2200], labels[1200:2200]
    pipe = Pipeline([("scale", StandardScaler()),
                     ("net", ChainruleClassifier(hidden_layer_sizes=(32,), max_iter=8, batch_size=100,
                                                 random_state=0))])
    grid = GridSearchCV(pipe, {"net__learning_rate_init": [0.0001, 0.01]}, cv=2)
    grid.fit(X_train, y_train)
    slow, good = grid.cv_results_["mean_test_score"]
    held_out = grid.score(X_test, y_test)
    print(f"cross-validated accuracy: lr=0.0001 {slow:.3f}, lr=0.01 {good:.3f}; held-out {held_out:.3f}")
    assert grid.best_params_ == {"net__learning_rate_init": 0.01}
    assert slow < 0.7 < 0.8 < good
    assert held_out > 0.8
    assert grid.best_estimator_.named_steps["net"].network_.layer_sizes == [784, 32, 10]
    # a clone is unfitted and keeps the hyperparameters
    assert not hasattr(clone(grid.best_estimator_).named_steps["net"], "network_")


def test_warm_start_continues_and_refuses_a_different_network():
    X, y = blobs()
    clf = ChainruleClassifier(hidden_layer_sizes=(8,), max_iter=5, warm_start=True, random_state=0).fit(X, y)
    first_curve = list(clf.loss_curve_)
    clf.fit(X, y)
    assert clf.n_iter_ == 10 and clf.loss_curve_[:5] == first_curve
    clf.set_params(hidden_layer_sizes=(9,))
    with pytest.raises(ConfigError, match=r"hidden_layer_sizes=\(8,\).*now say \(9,\)"):
        clf.fit(X, y)
    clf.set_params(warm_start=False).fit(X, y)
    assert clf.n_iter_ == 5 and clf.network_.layer_sizes == [4, 9, 3]

"""The estimators under joblib's parallel backends: GridSearchCV(n_jobs=2) clones them, pickles them to worker
processes (loky, multiprocessing) or shares them between threads, fits them there and pickles the fitted
ones back. Every backend must give what n_jobs=1 gives."""
import pickle

import numpy as np
import pytest

pytest.importorskip("sklearn")
from joblib import parallel_backend  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_validate  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from chainrule.data import load_sample  # noqa: E402
from chainrule.interop.sklearn import ChainruleClassifier, ChainruleRegressor  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

GRID = {"chainruleclassifier__alpha": [1e-4, 1.0], "chainruleclassifier__hidden_layer_sizes": [(16,), (32,)]}


@pytest.fixture(scope="module")
def digits():
    sample = load_sample()
    return sample.images[:600].reshape(600, -1).astype(float), sample.labels[:600]


def _search(X, y, n_jobs):
    pipe = make_pipeline(StandardScaler(), ChainruleClassifier(max_iter=15, learning_rate_init=0.01,
                                                                random_state=0))
    return GridSearchCV(pipe, GRID, cv=3, n_jobs=n_jobs).fit(X, y)


@pytest.fixture(scope="module")
def serial(digits):
    return _search(*digits, n_jobs=1)


@pytest.mark.parametrize("backend", ["loky", "multiprocessing", "threading"])
def test_grid_search_with_two_jobs_equals_one_job(digits, serial, backend):
    X, y = digits
    with parallel_backend(backend):
        parallel = _search(X, y, n_jobs=2)
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        np.testing.assert_array_equal(parallel.cv_results_[key], serial.cv_results_[key], err_msg=key)
    for key in ("split0_test_score", "split1_test_score", "split2_test_score"):
        np.testing.assert_array_equal(parallel.cv_results_[key], serial.cv_results_[key], err_msg=key)
    assert parallel.best_params_ == serial.best_params_
    np.testing.assert_array_equal(parallel.predict(X), serial.predict(X))


def test_the_search_learns_something(serial, digits):
    # 4 settings x 3 folds on 600 digits (400 to train on); chance is 10%. Measured: 0.777-0.800
    assert serial.best_score_ > 0.75
    assert serial.cv_results_["mean_test_score"].min() > 0.7


def test_estimators_fitted_in_worker_processes_come_back_whole(digits):
    # cross_validate(return_estimator=True) fits in the workers and pickles the fitted estimators back
    X, y = digits
    estimator = ChainruleClassifier(hidden_layer_sizes=(16,), max_iter=10, random_state=0)
    here = cross_validate(estimator, X / 255, y, cv=2, n_jobs=1, return_estimator=True)
    there = cross_validate(estimator, X / 255, y, cv=2, n_jobs=2, return_estimator=True)
    for ours, theirs in zip(here["estimator"], there["estimator"]):
        assert theirs.n_iter_ == ours.n_iter_ and theirs.loss_curve_ == pytest.approx(ours.loss_curve_, rel=1e-12)
        for W_here, W_there in zip(ours.network_.weights, theirs.network_.weights):
            np.testing.assert_allclose(W_there, W_here, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(theirs.predict(X / 255), ours.predict(X / 255))
        # and a fitted estimator survives another trip, with its network
        again = pickle.loads(pickle.dumps(theirs))
        np.testing.assert_array_equal(again.predict_proba(X / 255), theirs.predict_proba(X / 255))


def test_regressor_grid_search_in_parallel_equals_serial():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (200, 3))
    y = np.sin(X @ [1.0, 2.0, -1.0])
    grid = {"learning_rate_init": [1e-3, 1e-2]}
    serial = GridSearchCV(ChainruleRegressor(hidden_layer_sizes=(8,), max_iter=20, random_state=0), grid, cv=2)
    parallel = GridSearchCV(ChainruleRegressor(hidden_layer_sizes=(8,), max_iter=20, random_state=0), grid, cv=2,
                            n_jobs=2)
    serial.fit(X, y)
    parallel.fit(X, y)
    np.testing.assert_allclose(parallel.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"],
                               rtol=1e-12)
    assert parallel.best_params_ == serial.best_params_

"""Dropout from the command line (chainrule train --dropout P) and from the scikit-learn estimators."""
import pickle

import numpy as np
import pytest

from chainrule.cli.main import main
from chainrule.training import load_model


def test_train_dropout_reaches_the_network_and_the_model_file(tmp_path, capsys):
    assert main(["train", "--epochs", "2", "--max-train", "300", "--dropout", "0.2", "--no-report",
                 "--out", str(tmp_path)]) == 0
    assert "dropout 0.2" in capsys.readouterr().out
    net = load_model(tmp_path / "model.npz")
    assert net.dropout == [0.2] and net.metadata["config"]["dropout"] == 0.2
    assert [layer.name for layer in net.stack] == ["dense", "dropout", "dense"]


def test_a_bad_dropout_is_a_one_line_error(tmp_path, capsys):
    assert main(["train", "--dropout", "1.5", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "dropout rate must be a number in [0, 1)" in err and err.count("\n") == 1


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_estimators_take_dropout():
    pytest.importorskip("sklearn")
    from chainrule.sklearn import ChainruleClassifier

    X = np.random.RandomState(0).uniform(-1, 1, (60, 4))
    y = (X[:, 0] > X[:, 1]).astype(int)
    clf = ChainruleClassifier(hidden_layer_sizes=(12,), dropout=0.3, max_iter=5, random_state=0).fit(X, y)
    assert clf.get_params()["dropout"] == 0.3 and clf.network_.dropout == [0.3]
    again = ChainruleClassifier(hidden_layer_sizes=(12,), dropout=0.3, max_iter=5, random_state=0).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), again.predict_proba(X))      # seeded: repeats
    copy = pickle.loads(pickle.dumps(clf))
    assert copy.network_.dropout == [0.3]
    np.testing.assert_array_equal(copy.predict_proba(X), clf.predict_proba(X))
    with pytest.raises(ValueError, match="dropout must be >= 0 and < 1"):
        ChainruleClassifier(dropout=1.0).fit(X, y)

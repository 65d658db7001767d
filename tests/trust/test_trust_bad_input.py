"""Bad input gets a clear error: every public entry point, given something wrong, raises the documented
exception (docs/errors.md) with a message that names the argument and says what was expected and what came.

Each case is (name, call, exception, regex of the message).
"""
import numpy as np
import pytest

from chainrule import (ChainruleError, ConfigError, DataError, InputValueError, ModelFileError, Network, OutputError, ShapeError,
                       cross_entropy_loss, get_activation, get_loss, gradient_check, mse_loss,
                       softmax_cross_entropy_loss)
from chainrule import data as cdata
from chainrule.training import EarlyStopping, evaluate, fit, get_optimizer, get_schedule, load_model, save_model
from chainrule.training.checkpoint import load_checkpoint
from chainrule.project.inference import predict_image
from chainrule.project.settings import ProjectConfig, parse_digits
from chainrule import viz
from chainrule.check import check
from chainrule.guide import run_block
from chainrule.interop.sklearn import ChainruleClassifier, ChainruleRegressor
from chainrule.interop.torch import from_torch, to_torch

NET = Network([3, 4, 2], seed=0)
X3 = np.zeros((5, 3))
Y2 = np.zeros((5, 2))
NAN_X = X3.copy()
NAN_X[2, 1] = np.nan


def softmax_net():
    return Network([3, 4, 2], loss="softmax_cross_entropy")


CASES = [
    # --- Network: construction ---
    ("Network layer size 0", lambda: Network([784, 0, 5]), ConfigError, r"every layer size must be a whole number >= 1, got \[784, 0, 5\]"),
    ("Network one size", lambda: Network([784]), ConfigError, r"needs at least an input and an output size"),
    ("Network sizes not numbers", lambda: Network("784,64"), ConfigError, r"layer_sizes must be a list of whole numbers"),
    ("Network unknown activation", lambda: Network([2, 2, 1], activation="swish"), ConfigError, r"swish"),
    ("Network unknown loss", lambda: Network([2, 1], loss="hinge"), ConfigError, r"unknown loss 'hinge'; choose one of mse"),
    ("Network dtype", lambda: Network([2, 1], dtype=np.int32), ConfigError, r"dtype must be float32 or float64, got int32"),
    ("Network activations count", lambda: Network([2, 3, 3, 1], activation=["relu"]), ConfigError, r"2 hidden layer\(s\) need 2 activation\(s\), got 1"),
    ("softmax CE with sigmoid output", lambda: Network([2, 3], loss="softmax_cross_entropy", output_activation="sigmoid"), ConfigError, r"softmax_cross_entropy takes logits"),
    # --- Network: forward, backward, train_step, train_epoch, prepare_data, predict ---
    ("forward wrong width", lambda: NET.forward(np.zeros((5, 4))), ShapeError, r"x must have shape \(3,\) for one example or \(batch, 3\) for a batch, got \(5, 4\)"),
    ("forward 3-D", lambda: NET.forward(np.zeros((2, 2, 3))), ShapeError, r"got \(2, 2, 3\)"),
    ("forward empty batch", lambda: NET.forward(np.zeros((0, 3))), ShapeError, r"x is an empty batch \(shape \(0, 3\)\)"),
    ("forward NaN", lambda: NET.forward(NAN_X), InputValueError, r"x contains 1 non-finite value\(s\) \(NaN first at index \(2, 1\)\)"),
    ("forward text", lambda: NET.forward("abc"), InputValueError, r"x must hold real numbers, got strings \(dtype <U3\)$"),
    ("backward before forward", lambda: Network([2, 1]).backward([1.0]), ConfigError, r"call forward\(x\) before backward\(target\)"),
    ("backward target shape", lambda: (NET.forward(X3), NET.backward(np.zeros((5, 3))))[1], ShapeError, r"target has shape \(5, 3\) but the network output has shape \(5, 2\)"),
    ("train_step lr 0", lambda: NET.train_step(X3[0], Y2[0], 0), ConfigError, r"learning_rate must be > 0, got 0"),
    ("train_step lr text", lambda: NET.train_step(X3[0], Y2[0], "fast"), ConfigError, r"learning_rate must be a positive number, got 'fast'"),
    ("train_step target inf", lambda: NET.train_step(X3[0], [np.inf, 0], 0.1), InputValueError, r"target contains 1 non-finite value"),
    ("train_epoch batch 0", lambda: NET.train_epoch(X3, Y2, 0.1, batch_size=0), ConfigError, r"batch_size must be > 0, got 0"),
    ("train_epoch batch 2.5", lambda: NET.train_epoch(X3, Y2, 0.1, batch_size=2.5), ConfigError, r"batch_size must be a whole number, got 2.5"),
    ("prepare_data counts differ", lambda: NET.prepare_data(X3, np.zeros((4, 2))), ShapeError, r"X has 5 examples but y has 4"),
    ("prepare_data X 1-D", lambda: NET.prepare_data(np.zeros(3), Y2), ShapeError, r"X must have shape \(n_examples, 3\), got \(3,\)"),
    ("prepare_data empty", lambda: NET.prepare_data(np.zeros((0, 3)), np.zeros((0, 2))), ShapeError, r"X has no examples"),
    ("prepare_data NaN in X", lambda: NET.prepare_data(NAN_X, Y2), InputValueError, r"X contains 1 non-finite value"),
    ("prepare_data flat y", lambda: NET.prepare_data(X3, np.zeros(10)), ShapeError, r"X has 5 examples but y has 10"),
    ("labels outside the classes", lambda: softmax_net().prepare_data(X3, np.array([0, 1, 2, 0, 1])), InputValueError, r"y holds class labels from 0 to 2, but the network has 2 outputs \(labels 0..1\)"),
    ("CE targets not probabilities", lambda: Network([3, 2], loss="cross_entropy").prepare_data(X3, Y2 + 2), InputValueError, r"y must hold probabilities in \[0, 1\] for cross-entropy, got values from 2 to 2"),
    ("predict wrong width", lambda: NET.predict(np.zeros((2, 7))), ShapeError, r"got \(2, 7\)"),
    ("predict_proba NaN", lambda: NET.predict_proba(NAN_X), InputValueError, r"non-finite"),
    ("set_weights count", lambda: NET.set_weights(([np.zeros((4, 3))], [np.zeros(4)])), ShapeError, r"expected 2 weight and bias arrays, got 1 and 1"),
    ("set_weights shape", lambda: Network([3, 4, 2]).set_weights(([np.zeros((4, 3)), np.zeros((3, 4))], [np.zeros(4), np.zeros(2)])), ShapeError, r"layer 2: expected W \(2, 4\) and b \(2,\), got W \(3, 4\)"),
    # --- losses, activations, gradient check ---
    ("mse shapes", lambda: mse_loss([1, 2, 3], [[1], [2], [3]]), ShapeError, r"targets has shape \(3, 1\) but predictions has shape \(3,\); .*reshape"),
    ("mse empty", lambda: mse_loss([], []), ShapeError, r"predictions and targets are empty"),
    ("mse NaN", lambda: mse_loss([1.0, np.nan], [1, 2]), InputValueError, r"predictions contains 1 non-finite value\(s\) \(NaN first at index \(1,\)\)"),
    ("cross-entropy target 2", lambda: cross_entropy_loss([0.5], [2.0]), InputValueError, r"targets must hold probabilities in \[0, 1\]"),
    ("softmax CE label 5 of 3", lambda: softmax_cross_entropy_loss(np.zeros((2, 3)), np.array([0, 5])), InputValueError, r"targets holds class labels from 0 to 5, but the network has 3 outputs"),
    ("softmax CE logits 3-D", lambda: softmax_cross_entropy_loss(np.zeros((1, 2, 3)), np.array([0])), ShapeError, r"logits must have shape \(classes,\) or \(batch, classes\)"),
    ("get_loss", lambda: get_loss(3), ConfigError, r"unknown loss 3"),
    ("get_activation", lambda: get_activation("gelu"), ConfigError, r"gelu"),
    ("gradient_check wrong target", lambda: gradient_check(Network([2, 2, 1]), [1.0, 2.0], [1.0, 0.0]), ShapeError, r"target has shape \(2,\) but the network output has shape \(1,\)"),
    # --- training ---
    ("fit epochs 0", lambda: fit(NET, X3, Y2, epochs=0, learning_rate=0.1), ConfigError, r"epochs must be > 0, got 0"),
    ("fit lr -1", lambda: fit(NET, X3, Y2, epochs=1, learning_rate=-1), ConfigError, r"learning_rate must be > 0, got -1"),
    ("fit NaN in y", lambda: fit(NET, X3, np.full((5, 2), np.nan), epochs=1, learning_rate=0.1), InputValueError, r"y contains 10 non-finite value\(s\)"),
    ("fit validation shape", lambda: fit(NET, X3, Y2, epochs=1, learning_rate=0.1, validation_data=(np.zeros((2, 5)), np.zeros((2, 2)))), ShapeError, r"X must have shape \(n_examples, 3\), got \(2, 5\)"),
    ("fit unknown schedule", lambda: fit(NET, X3, Y2, epochs=1, learning_rate=0.1, schedule="linear"), ConfigError, r"unknown schedule 'linear'; choose one of constant, step, cosine"),
    ("fit checkpoint_every 0", lambda: fit(NET, X3, Y2, epochs=1, learning_rate=0.1, checkpoint="x.npz", checkpoint_every=0), ConfigError, r"checkpoint_every must be a whole number of epochs >= 1, got 0"),
    ("fit resume missing file", lambda: fit(NET, X3, Y2, epochs=1, learning_rate=0.1, resume="no-such-checkpoint.npz"), ModelFileError, r"checkpoint file 'no-such-checkpoint.npz' does not exist"),
    ("get_optimizer", lambda: get_optimizer("rmsprop"), ConfigError, r"unknown optimizer 'rmsprop'; choose one of sgd, momentum, adam"),
    ("momentum 1", lambda: get_optimizer("momentum", momentum=1.0), ConfigError, r"momentum must be in \[0, 1\), got 1.0"),
    ("optimizer setting", lambda: get_optimizer("adam", beta=0.9), ConfigError, r"optimizer 'adam': .*beta"),
    ("schedule step gamma", lambda: get_schedule("step", 0.1, 10, gamma=0), ConfigError, r"gamma must be > 0, got 0"),
    ("cosine min_lr", lambda: get_schedule("cosine", 0.1, 10, min_lr=0.5), ConfigError, r"min_lr must be in \[0, learning_rate=0.1\), got 0.5"),
    ("early stopping patience", lambda: EarlyStopping(patience=0), ConfigError, r"patience must be a whole number >= 1, got 0"),
    ("early stopping monitor", lambda: fit(NET, X3, Y2, epochs=1, learning_rate=0.1, early_stopping=EarlyStopping(monitor="val_acc"), validation_data=(X3, Y2)), ConfigError, r"early stopping monitors 'val_acc': no series 'val_acc' in this history"),
    ("fit a string as net", lambda: fit("net", X3, Y2, epochs=1, learning_rate=0.1), ConfigError, r"fit trains a chainrule Network, got str"),
    ("fit weight_decay text", lambda: fit(NET, X3, Y2, epochs=1, learning_rate=0.1, weight_decay="a"), ConfigError, r"weight_decay must be a number >= 0, got 'a'"),
    ("evaluate label 5", lambda: evaluate(NET, X3[:4], np.array([0, 1, 5, 0])), InputValueError, r"labels run from 0 to 5, but the network tells apart 2 classes \(labels 0..1\)"),
    ("evaluate class_names", lambda: evaluate(NET, X3[:4], np.array([0, 1, 1, 0]), class_names=["a"]), ConfigError, r"class_names has 1 names for a network with 2 classes"),
    ("save_model metadata", lambda: save_model(NET, "unused.npz", metadata={"when": object()}), ConfigError, r"metadata must be JSON-ready"),
    ("save_model a string", lambda: save_model("net", "unused.npz"), ConfigError, r"save_model saves a chainrule Network, got str"),
    ("evaluate label count", lambda: evaluate(NET, X3, np.zeros(4, dtype=int)), ShapeError, r"X must be \(n, 3\) with one label per row; got X \(5, 3\), labels \(4,\)"),
    ("save_model to a folder that is a file", lambda: save_model(NET, __file__ + "/model.npz"), OutputError, r"cannot write .*test_trust_bad_input.py/model.npz.: .*test_trust_bad_input.py. is a file, not a folder"),
    ("load_model missing", lambda: load_model("no-such-model.npz"), ModelFileError, r"model file 'no-such-model.npz' does not exist"),
    ("load_checkpoint missing", lambda: load_checkpoint("no-such.npz"), ModelFileError, r"checkpoint file 'no-such.npz' does not exist"),
    ("predict_image missing", lambda: predict_image(Network([784, 4, 2]), "no-such-digit.png"), ChainruleError, r"image file 'no-such-digit.png' does not exist"),
    ("predict_image with a non-image model", lambda: predict_image(NET, "digit.png"), ChainruleError, r"the model takes 3 inputs, not a 28x28 image \(784 pixels\)"),
    ("ProjectConfig digits", lambda: ProjectConfig(digits="7"), ConfigError, r"digits must be at least two distinct digits from 0 to 9, got '7'"),
    ("ProjectConfig epochs", lambda: ProjectConfig(epochs=0), ConfigError, r"epochs must be > 0, got 0"),
    ("parse_digits", lambda: parse_digits("a-b"), ConfigError, r"digits must look like '0-4', '0-9' or '3,5,8', got 'a-b'"),
    # --- data ---
    ("one_hot label too big", lambda: cdata.one_hot([0, 3], 3), InputValueError, r"labels\[1\] is 3, outside 0..2 for n_classes=3"),
    ("one_hot n_classes 0", lambda: cdata.one_hot([0], 0), ConfigError, r"n_classes must be a whole number >= 1, got 0"),
    ("labels negative", lambda: cdata.as_class_numbers([0, -1]), InputValueError, r"labels must be class numbers >= 0, found -1"),
    ("labels not one-hot", lambda: cdata.as_class_numbers([[1, 1], [0, 1]]), InputValueError, r"row 0 is \[1, 1\]"),
    ("flatten_and_scale already scaled", lambda: cdata.flatten_and_scale(np.full((2, 28, 28), 0.5)), InputValueError, r"images look already scaled to \[0, 1\]"),
    ("flatten_and_scale 300", lambda: cdata.flatten_and_scale(np.full((2, 4), 300)), InputValueError, r"images must hold grey levels 0..255, found values from 300 to 300"),
    ("flatten_and_scale 1-D", lambda: cdata.flatten_and_scale(np.zeros(5)), ShapeError, r"images must be a batch"),
    ("select_classes lengths", lambda: cdata.select_classes(np.zeros((3, 4)), [0, 1], [0, 1]), ShapeError, r"images has 3 examples but labels has 2"),
    ("train_test_split fraction", lambda: cdata.train_test_split(X3, Y2, test_fraction=0), ConfigError, r"test_fraction must be between 0 and 1 \(exclusive\), got 0"),
    ("train_test_split lengths", lambda: cdata.train_test_split(X3, Y2[:3]), ShapeError, r"X has 5 examples but y has 3"),
    ("read_idx missing", lambda: cdata.read_idx("no-such-file-idx3-ubyte"), (DataError, OSError), r"no-such-file-idx3-ubyte"),
    ("load_npz missing", lambda: cdata.load_npz("no-such-data.npz"), (DataError, OSError), r"no-such-data.npz"),
    ("load_mnist bad source", lambda: cdata.load_mnist("/no/such/folder"), ChainruleError, r"/no/such/folder"),
    # --- viz, interop, check, guide ---
    ("record_trace target", lambda: viz.record_trace(Network([2, 2, 1]), [1.0, 2.0], [1.0, 0.0]), ShapeError, r"target has shape \(2,\) but the network output has shape \(1,\)"),
    ("record_trace lr", lambda: viz.record_trace(Network([2, 2, 1]), [1.0, 2.0], [1.0], learning_rate=0), ConfigError, r"learning_rate must be > 0, got 0"),
    ("fit_sine epochs", lambda: viz.fit_sine(epochs=0), ConfigError, r"epochs must be > 0, got 0"),
    ("fit_sine no points", lambda: viz.fit_sine(n_points=0), ConfigError, r"n_points must be > 0, got 0"),
    ("lr_sweep negative rate", lambda: viz.lr_sweep(learning_rates=(0.1, -1)), ConfigError, r"learning rate must be > 0, got -1"),
    ("overfit set-up", lambda: viz.overfit(setup="nope"), ConfigError, r"unknown overfitting set-up 'nope'; choose one of"),
    ("weight_surface loss", lambda: viz.weight_surface(loss="hinge"), ConfigError, r"unknown loss 'hinge'"),
    ("trace spec layers", lambda: viz.network_from_spec({"layers": "x"}), ConfigError, r"layers must be comma-separated whole numbers such as 2,3,1, got 'x'"),
    ("trace spec file", lambda: viz.load_spec("no-such-spec.json"), ConfigError, r"cannot read trace spec no-such-spec.json"),
    ("sklearn hidden 0", lambda: ChainruleClassifier(hidden_layer_sizes=(0,)).fit([[0, 1], [1, 0]], [0, 1]), ConfigError, r"hidden_layer_sizes must hold whole numbers >= 1, got \(0,\)"),
    ("sklearn learning rate", lambda: ChainruleRegressor(learning_rate_init=-1).fit([[0, 1], [1, 0]], [0, 1]), ConfigError, r"learning_rate_init must be > 0, got -1"),
    ("check missing file", lambda: check("no-such-file.py"), ConfigError, r"no such file: 'no-such-file.py'"),
    ("guide block 999", lambda: run_block(999), ConfigError, r"the guide has python blocks 1-36.*got 999"),
]


try:
    import torch  # noqa: F401
    HAVE_TORCH = True
except ImportError:
    HAVE_TORCH = False
NEEDS_TORCH = pytest.mark.skipif(not HAVE_TORCH, reason="needs PyTorch (pip install torch==2.13.0)")
CASES += [   # without PyTorch these raise the install hint instead (tests/interop/test_interop_optional.py)
    pytest.param("to_torch", lambda: to_torch("net"), ConfigError, r"to_torch expects a chainrule Network, got str",
                 marks=NEEDS_TORCH, id="to_torch"),
    pytest.param("from_torch", lambda: from_torch("module"), ConfigError, r"from_torch expects a torch.nn.Sequential",
                 marks=NEEDS_TORCH, id="from_torch"),
]


@pytest.mark.parametrize("name, call, exception, message", CASES,
                         ids=[case[0] if isinstance(case, tuple) else case.id for case in CASES])
def test_bad_input_gets_a_clear_error(name, call, exception, message):
    with pytest.raises(exception, match=message) as info:
        call()
    if not isinstance(info.value, OSError) or isinstance(info.value, ChainruleError):
        assert isinstance(info.value, ChainruleError)
    assert "\n" not in str(info.value)                  # one line, ready for the command line


def test_every_chainrule_error_is_also_the_builtin_type_a_user_expects():
    from chainrule import DownloadError, TrainingDiverged
    for cls, builtin in [(ShapeError, ValueError), (InputValueError, ValueError), (ConfigError, ValueError),
                         (ModelFileError, ValueError), (DataError, ValueError), (TrainingDiverged, FloatingPointError),
                         (DownloadError, OSError), (OutputError, OSError)]:
        assert issubclass(cls, ChainruleError) and issubclass(cls, builtin)


def test_bad_files_on_the_data_side(tmp_path):
    broken = tmp_path / "train-images-idx3-ubyte"
    broken.write_bytes(b"\x00\x00\x08\x03\x00\x00\x00\x02")          # a header promising 2 images, then nothing
    with pytest.raises(DataError, match="train-images-idx3-ubyte"):
        cdata.read_idx(broken)
    wrong = tmp_path / "data.npz"
    np.savez(wrong, pictures=np.zeros((2, 2)))
    with pytest.raises(DataError, match=r"data.npz.*images"):
        cdata.load_npz(wrong)

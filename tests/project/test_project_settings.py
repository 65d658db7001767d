"""The guide's settings live in one record: ProjectConfig() is the guide's run, and the command line's options
take their defaults from it; the MNIST image shape is one constant of the data package."""
import argparse
import ast
import dataclasses
from pathlib import Path

import pytest

import chainrule
from chainrule.data import MNIST_IMAGE_SHAPE, MNIST_PIXELS, load_mnist
from chainrule.errors import ConfigError
from chainrule.project.cli_options import add_data_options, add_fit_options, add_model_options, config_from_args
from chainrule.project.settings import GUIDE_SETTINGS, ProjectConfig

# options that default to None on purpose: the command chooses (compare trains all 10 digits for 10 epochs),
# and the learning rate follows the optimizer
CHOSEN_BY_THE_COMMAND = {"digits", "epochs", "learning_rate"}


def parser():
    parser = argparse.ArgumentParser()
    add_data_options(parser)
    add_model_options(parser)
    add_fit_options(parser)
    return parser


def test_the_guides_settings():
    guide = ProjectConfig()
    assert guide == GUIDE_SETTINGS
    assert (guide.digits, guide.layer_sizes, guide.activation, guide.loss, guide.optimizer) == \
        ([0, 1, 2, 3, 4], [784, 64, 5], "sigmoid", "mse", "sgd")
    assert (guide.learning_rate, guide.batch_size, guide.epochs, guide.seed, guide.split_seed, guide.test_fraction) == \
        (0.5, 32, 75, 42, 0, 0.2)


def test_no_options_on_the_command_line_is_the_guides_run():
    assert config_from_args(parser().parse_args([])) == GUIDE_SETTINGS


def test_every_option_default_is_the_records():
    fields = {f.name for f in dataclasses.fields(ProjectConfig)}
    checked = set()
    for action in parser()._actions:
        if action.dest not in fields:
            continue
        checked.add(action.dest)
        if action.dest in CHOSEN_BY_THE_COMMAND:
            assert action.default is None, action.dest
        elif action.dest == "hidden":
            assert action.default == ",".join(map(str, GUIDE_SETTINGS.hidden))
        else:
            assert action.default == getattr(GUIDE_SETTINGS, action.dest), action.dest
    assert checked == fields                                # every setting is an option


def test_a_config_is_frozen_and_a_variant_is_checked_again():
    with pytest.raises(dataclasses.FrozenInstanceError):
        GUIDE_SETTINGS.epochs = 3
    assert dataclasses.replace(GUIDE_SETTINGS, epochs=3).epochs == 3 and GUIDE_SETTINGS.epochs == 75
    with pytest.raises(ConfigError):
        dataclasses.replace(GUIDE_SETTINGS, epochs=0)
    assert config_from_args(parser().parse_args(["--layers", "784,32,16,5"])).hidden == [32, 16]


def test_the_mnist_image_shape_is_the_datas():
    data = load_mnist("sample")
    assert data.images.shape[1:] == MNIST_IMAGE_SHAPE == (28, 28) and MNIST_PIXELS == 784


def test_784_is_written_once():
    """Outside the guide's own code (reproduced as the guide writes it), 784 comes from MNIST_PIXELS."""
    src = Path(chainrule.__file__).parent
    found = [f"{path.relative_to(src)}:{node.lineno}" for path in sorted(src.rglob("*.py"))
             if path.relative_to(src).parts[0] != "guide"
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Constant) and type(node.value) is int and node.value == 784]
    assert found == []

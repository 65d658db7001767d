"""Where the project's train and test sets come from: the official split when the data has one."""
import numpy as np
from PIL import Image

from chainrule.data import load_sample
from chainrule.project.inference import read_digit_image
from chainrule.project.run import prepare_data
from chainrule.project.settings import ProjectConfig, parse_digits


def test_an_official_split_is_used_as_it_is(tmp_path):
    sample = load_sample()
    path = tmp_path / "mine.npz"
    np.savez(path, images=sample.images[:1200], labels=sample.labels[:1200], n_train=np.int64(1000))
    data = prepare_data(ProjectConfig(source=str(path), digits="3,5"))
    tail = sample.labels[1000:1200]
    assert len(data.X_test) == np.isin(tail, [3, 5]).sum()
    assert data.labels_test.tolist() == [0 if d == 3 else 1 for d in tail[np.isin(tail, [3, 5])]]
    assert data.split == "the data set's own train/test split"
    first_three = sample.images[1000:1200][tail == 3][0].reshape(784) / 255
    assert np.array_equal(data.X_test[data.labels_test == 0][0], first_three)


def test_early_stopping_carves_validation_from_training_only():
    plain = prepare_data(ProjectConfig(source="sample"))
    split = prepare_data(ProjectConfig(source="sample", early_stopping=3, validation_fraction=0.1))
    assert np.array_equal(plain.X_test, split.X_test)
    assert len(split.X_train) + len(split.X_val) == len(plain.X_train) == 4105 and len(split.X_val) == 410


def test_digit_specs():
    assert parse_digits("0-4") == [0, 1, 2, 3, 4]
    assert parse_digits("0-2,7") == [0, 1, 2, 7]
    assert parse_digits([9, 3]) == [3, 9]


def test_a_white_on_black_image_is_read_as_it_is(tmp_path):
    pixels = np.zeros((28, 28, 3), dtype=np.uint8)
    pixels[8:20, 12:16] = 255
    Image.fromarray(pixels).save(tmp_path / "one.png")
    x, inverted = read_digit_image(tmp_path / "one.png")
    assert not inverted and x.shape == (784,) and x.max() == 1.0 and x.sum() == 12 * 4

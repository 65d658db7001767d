"""MNIST: a real sample shipped in the package, a verified download, IDX and .npz readers, and the
practice project's preparation helpers.

    >>> from chainrule.data import load_mnist
    >>> images, labels = load_mnist()          # full set if downloaded, else the shipped sample
"""
from ..errors import DataError, DownloadError
from .download import download_mnist
from .files import load_npz, save_npz
from .idx import read_idx, write_idx
from .load import MnistData, load_idx_folder, load_mnist, load_npz_data, load_sample, write_guide_npz
from .mnist import MNIST_IMAGE_SHAPE, MNIST_PIXELS
from .paths import MNIST_FILES, MNIST_MIRRORS, default_data_dir, full_set_present
from .prep import as_class_numbers, flatten_and_scale, one_hot, select_classes, train_test_split

__all__ = ["DataError", "DownloadError", "MNIST_FILES", "MNIST_IMAGE_SHAPE", "MNIST_MIRRORS", "MNIST_PIXELS", "MnistData",
           "as_class_numbers", "default_data_dir", "download_mnist",
           "flatten_and_scale", "full_set_present", "load_idx_folder", "load_mnist", "load_npz", "load_npz_data",
           "load_sample", "one_hot", "read_idx", "save_npz", "select_classes", "train_test_split",
           "write_guide_npz", "write_idx"]

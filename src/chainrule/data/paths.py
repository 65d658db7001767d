"""Where the downloaded MNIST files live, and what they must be."""
import os
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath
from .._typing import PathArg

# The four files of MNIST as published by LeCun, Cortes and Burges: size in bytes and SHA-256 of
# each .gz, identical on every mirror (these are the values TensorFlow Datasets pins; torchvision
# pins their MD5s f68b3c2d..., d53e105e..., 9fb629c4..., ec29112d...). Never edit them to make a
# download pass: a file that does not match is not MNIST.
MNIST_FILES = {
    "train-images-idx3-ubyte.gz": (9912422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
    "train-labels-idx1-ubyte.gz": (28881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
    "t10k-images-idx3-ubyte.gz": (1648877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
    "t10k-labels-idx1-ubyte.gz": (4542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
}

# Tried in this order. The original http://yann.lecun.com/exdb/mnist/ no longer serves the files.
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",        # torchvision (PyTorch's S3 bucket)
    "https://storage.googleapis.com/cvdf-datasets/mnist/",   # TensorFlow Datasets (CVDF's bucket)
)

ENV_VAR = "CHAINRULE_DATA_DIR"
APP = "chainrule"


def default_data_dir() -> Path:
    """Where downloaded MNIST is cached: ``$CHAINRULE_DATA_DIR`` if set, else ``mnist`` in the platform's
    cache folder for chainrule (``user_cache_dir``)."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    return Path(user_cache_dir()) / "mnist"


def user_cache_dir(platform=None, environ=None, home=None):
    """The platform's own cache folder for chainrule, as ``platformdirs.user_cache_dir("chainrule",
    appauthor=False)`` gives it (and pip lays out its own cache):

    Linux and other Unix  ``$XDG_CACHE_HOME/chainrule``, else ``~/.cache/chainrule`` (XDG Base Directory spec)
    macOS                 ``~/Library/Caches/chainrule``
    Windows               ``%LOCALAPPDATA%\\chainrule\\Cache``, else ``~\\AppData\\Local\\chainrule\\Cache``

    ``platform``, ``environ`` and ``home`` default to this machine's (``sys.platform``, ``os.environ``, the
    home folder); the result is a pure path of that platform's kind, so any platform can be asked anywhere.
    """
    platform = sys.platform if platform is None else platform
    environ = os.environ if environ is None else environ
    if platform == "win32":
        home = PureWindowsPath(os.path.expanduser("~") if home is None else home)
        local = environ.get("LOCALAPPDATA") or home / "AppData" / "Local"
        return PureWindowsPath(local) / APP / "Cache"
    home = PurePosixPath(os.path.expanduser("~") if home is None else home)
    if platform == "darwin":
        return home / "Library" / "Caches" / APP
    # XDG: a relative $XDG_CACHE_HOME is invalid and must be ignored
    xdg = environ.get("XDG_CACHE_HOME", "")
    return (PurePosixPath(xdg) if PurePosixPath(xdg).is_absolute() else home / ".cache") / APP


def resolve_data_dir(data_dir: PathArg | None) -> Path:
    return Path(data_dir).expanduser() if data_dir is not None else default_data_dir()


def full_set_present(data_dir: PathArg | None = None) -> bool:
    """True when all four MNIST files are in ``data_dir`` (download_mnist verified them before storing)."""
    folder = resolve_data_dir(data_dir)
    return all((folder / name).is_file() for name in MNIST_FILES)

"""Type names the public API's annotations share (checked by mypy in CI: pyproject.toml [tool.mypy])."""
import os
from typing import Union

from numpy.typing import ArrayLike, DTypeLike, NDArray

#: a file or folder name: ``"runs/model.npz"`` or a ``pathlib.Path``
PathArg = Union[str, "os.PathLike[str]"]

__all__ = ["ArrayLike", "DTypeLike", "NDArray", "PathArg"]

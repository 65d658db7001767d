"""The .npz files of the data: written atomically and byte-reproducibly, read without pickle."""
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .._typing import ArrayLike, PathArg
from ..errors import DataError
from ..files import atomic_write
from ..safe_npz import NpzReader

# A fixed timestamp inside the zip, so the same arrays always give the same bytes.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def save_npz(path: PathArg, **arrays: ArrayLike) -> Path:
    """Write a compressed .npz, atomically and byte-reproducibly; loads with np.load(allow_pickle=False)."""
    checked = {name: np.asanyarray(array) for name, array in arrays.items()}
    for name, array in checked.items():
        if array.dtype.hasobject:
            raise DataError(f"cannot save {name!r} to {path}: it holds Python objects (dtype {array.dtype}), which "
                            f"would need pickling; a data file holds numbers (chainrule never pickles)")
    with atomic_write(path) as f:
        # Each member is deflated at zlib's default level (6), set on its ZipInfo: a ZipFile's compresslevel does
        # not reach members opened from a ZipInfo (this said compresslevel=9 and never applied it).
        with zipfile.ZipFile(f, "w") as zf:
            for name, array in checked.items():
                info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                with zf.open(info, "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, array, allow_pickle=False)
    return Path(path)


def load_npz(path: PathArg, required: Sequence[str] = ("images", "labels")) -> dict[str, np.ndarray]:
    """Read an .npz without pickle, within the memory budget (``chainrule.safe_npz``: every member checked
    against its header and the budget before it is inflated); DataError names the file and any missing array."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file")
    with NpzReader(path, str(path), DataError, damaged="{label}: not a readable .npz file ({exc})") as archive:
        missing = [name for name in required if name not in archive]
        if missing:
            raise DataError(f"{path}: no array named {', '.join(map(repr, missing))} "
                            f"(it holds {', '.join(map(repr, archive.names)) or 'nothing'})")
        return archive.read_all()

"""The IDX format of MNIST (and Fashion-MNIST, KMNIST, EMNIST...): read and write, gzip or plain.

An IDX file is a 4-byte magic number ``00 00 <type> <ndim>``, then ``ndim`` big-endian
uint32 dimensions, then the values, big-endian, row-major. Nothing else: so a file whose
length is not exactly header + product(dims) * itemsize is truncated or corrupt.
"""
import gzip
import zlib
from pathlib import Path

import numpy as np

from ..errors import DataError
from ..files import atomic_write

IDX_TYPES = {0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
             0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
GZIP_MAGIC = b"\x1f\x8b"


def read_idx(path):
    """Read one IDX file (gzip-compressed or plain) into a native-endian array.

    Raises DataError naming the file and the problem: not an IDX file, unknown value
    type, truncated header or data, trailing bytes, or a broken gzip stream.
    """
    path = Path(path)
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise DataError(f"{path}: truncated IDX file: {len(raw)} bytes, not even the 4-byte magic number")
    zero, type_code, ndim = int.from_bytes(raw[:2], "big"), raw[2], raw[3]
    if zero != 0 or type_code not in IDX_TYPES:
        raise DataError(
            f"{path}: not an IDX file: magic number {raw[:4].hex(' ')} (expected 00 00 <type> <ndim> with type "
            f"one of {', '.join(f'{t:02x}' for t in IDX_TYPES)}; e.g. 00 00 08 03 for MNIST images)")
    if ndim == 0:
        raise DataError(f"{path}: IDX header declares 0 dimensions")
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise DataError(f"{path}: truncated IDX header: {ndim} dimensions need {header_size} bytes, file has {len(raw)}")
    dims = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    dtype = IDX_TYPES[type_code]
    expected = header_size + int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    if len(raw) < expected:
        raise DataError(
            f"{path}: truncated IDX file: header says shape {dims} ({expected:,} bytes in all), "
            f"but the data ends after {len(raw):,} bytes")
    if len(raw) > expected:
        raise DataError(
            f"{path}: IDX file has {len(raw) - expected:,} unexpected trailing bytes after the {dims} array "
            f"its header declares")
    array = np.frombuffer(raw, dtype=dtype, offset=header_size) if expected > header_size else np.empty(0, dtype)
    return array.reshape(dims).astype(dtype.newbyteorder("="))


def write_idx(path, array, compress=None):
    """Write ``array`` as an IDX file (gzip if ``compress`` or the name ends in .gz), atomically."""
    array = np.asarray(array)
    codes = {dtype.newbyteorder("="): code for code, dtype in IDX_TYPES.items()}
    code = codes.get(array.dtype.newbyteorder("="))
    if code is None:
        raise DataError(f"IDX cannot store dtype {array.dtype}; use one of {sorted(str(d) for d in codes)}")
    if array.ndim == 0 or array.ndim > 255:
        raise DataError(f"IDX needs 1 to 255 dimensions, got shape {array.shape}")
    header = bytes([0, 0, code, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    payload = header + np.ascontiguousarray(array, dtype=IDX_TYPES[code]).tobytes()
    path = Path(path)
    if compress if compress is not None else path.suffix == ".gz":
        payload = gzip.compress(payload, compresslevel=6, mtime=0)
    with atomic_write(path) as f:
        f.write(payload)
    return path


def _read_bytes(path):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not an IDX file") from None
    if raw[:2] != GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except EOFError:
        raise DataError(f"{path}: truncated gzip file ({len(raw):,} bytes): the download was probably cut "
                        f"short; delete it and fetch it again") from None
    except (gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise DataError(f"{path}: corrupt gzip data ({exc})") from None

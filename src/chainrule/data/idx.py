"""The IDX format of MNIST (and Fashion-MNIST, KMNIST, EMNIST...): read and write, gzip or plain.

An IDX file is a 4-byte magic number ``00 00 <type> <ndim>``, then ``ndim`` big-endian
uint32 dimensions, then the values, big-endian, row-major. Nothing else: so a file whose
length is not exactly header + product(dims) * itemsize is truncated or corrupt.
"""
import gzip
import math
import os
import zlib
from pathlib import Path

import numpy as np

from .._typing import ArrayLike, PathArg
from ..errors import DataError
from ..files import atomic_write, open_for_reading
from ..limits import check_shape

IDX_TYPES: dict[int, np.dtype] = {0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
                                  0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 1 << 20                 # bytes read (inflated) at a time
TRAILING_COUNTED = 1 << 20      # trailing bytes beyond this are reported as "more than", not counted on


def read_idx(path: PathArg) -> np.ndarray:
    """Read one IDX file (gzip-compressed or plain) into a native-endian array.

    The header is read first; the array it declares (a size computed with Python ints, so 2**32-sized
    dimensions do not overflow) is checked against the memory budget (``chainrule.limits``) and allocated
    once; the data, decompressed as a stream if gzipped, is read straight into it. A file claiming gigabytes,
    or a small gzip file inflating to gigabytes, is refused before the memory is used.
    Raises DataError naming the file and the problem: not an IDX file, unknown value type, truncated header
    or data, trailing bytes, too large, or a broken gzip stream.
    """
    path = Path(path)
    try:
        handle, kind = open_for_reading(path)        # a FIFO would block open() forever
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not an IDX file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    with handle:
        if kind is not None:
            raise DataError(f"{path}: is {kind}, not an IDX file")
        compressed = handle.read(2) == GZIP_MAGIC
        handle.seek(0)
        stream = gzip.GzipFile(fileobj=handle, mode="rb") if compressed else handle
        try:
            return _read_idx_stream(stream, path, None if compressed else os.fstat(handle.fileno()).st_size)
        except EOFError:
            raise DataError(f"{path}: truncated gzip file ({os.fstat(handle.fileno()).st_size:,} bytes): the "
                            f"download was probably cut short; delete it and fetch it again") from None
        except (gzip.BadGzipFile, zlib.error, OSError) as exc:
            raise DataError(f"{path}: corrupt gzip data ({exc})") from None


def _read_exactly(stream, n):
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _read_idx_stream(stream, path, file_size):
    """The IDX array in ``stream`` (``file_size``: bytes of a plain file, None for a gzip stream)."""
    magic = _read_exactly(stream, 4)
    if len(magic) < 4:
        raise DataError(f"{path}: truncated IDX file: {len(magic)} bytes, not even the 4-byte magic number")
    zero, type_code, ndim = int.from_bytes(magic[:2], "big"), magic[2], magic[3]
    if zero != 0 or type_code not in IDX_TYPES:
        raise DataError(
            f"{path}: not an IDX file: magic number {magic.hex(' ')} (expected 00 00 <type> <ndim> with type "
            f"one of {', '.join(f'{t:02x}' for t in IDX_TYPES)}; e.g. 00 00 08 03 for MNIST images)")
    if ndim == 0:
        raise DataError(f"{path}: IDX header declares 0 dimensions")
    header_size = 4 + 4 * ndim
    raw_dims = _read_exactly(stream, 4 * ndim)
    if len(raw_dims) < 4 * ndim:
        raise DataError(f"{path}: truncated IDX header: {ndim} dimensions need {header_size} bytes, file has "
                        f"{4 + len(raw_dims)}")
    dims = tuple(int.from_bytes(raw_dims[4 * i: 4 + 4 * i], "big") for i in range(ndim))
    dtype = IDX_TYPES[type_code]
    n_bytes = math.prod(dims) * dtype.itemsize          # Python ints: four dimensions of 2**32-1 do not overflow
    expected = header_size + n_bytes
    check_shape(dims, dtype.itemsize, f"{path}: the IDX header's {dims} array of {dtype.newbyteorder('=')}",
                DataError)
    if file_size is not None and file_size != expected:
        _size_mismatch(path, dims, expected, file_size)
    array = np.empty(dims, dtype=dtype.newbyteorder("="))
    view, done = memoryview(array.reshape(-1).view(np.uint8)), 0
    while done < n_bytes:
        got = stream.readinto(view[done:done + CHUNK])
        if not got:
            _size_mismatch(path, dims, expected, header_size + done)
        done += got
    extra = _count_rest(stream)
    if extra:
        _size_mismatch(path, dims, expected, expected + min(extra, TRAILING_COUNTED), more=extra > TRAILING_COUNTED)
    if dtype.itemsize > 1 and not dtype.isnative:
        array.byteswap(inplace=True)                   # the file is big-endian; the array is native
    return array


def _count_rest(stream):
    """How many bytes follow the array (counted up to TRAILING_COUNTED, never stored)."""
    extra = 0
    while extra <= TRAILING_COUNTED:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        extra += len(chunk)
    return extra


def _size_mismatch(path, dims, expected, actual, more=False):
    if actual < expected:
        raise DataError(f"{path}: truncated IDX file: header says shape {dims} ({expected:,} bytes in all), "
                        f"but the data ends after {actual:,} bytes")
    raise DataError(f"{path}: IDX file has {'more than ' if more else ''}{actual - expected:,} unexpected trailing "
                    f"bytes after the {dims} array its header declares")


def write_idx(path: PathArg, array: ArrayLike, compress: bool | None = None) -> Path:
    """Write ``array`` as an IDX file (gzip if ``compress`` or the name ends in .gz), atomically."""
    data = np.asarray(array)
    codes = {dtype.newbyteorder("="): code for code, dtype in IDX_TYPES.items()}
    code = codes.get(data.dtype.newbyteorder("="))
    if code is None:
        raise DataError(f"IDX cannot store dtype {data.dtype}; use one of {sorted(str(d) for d in codes)}")
    if data.ndim == 0 or data.ndim > 255:
        raise DataError(f"IDX needs 1 to 255 dimensions, got shape {data.shape}")
    header = bytes([0, 0, code, data.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in data.shape)
    payload = header + np.ascontiguousarray(data, dtype=IDX_TYPES[code]).tobytes()
    target = Path(path)
    if compress if compress is not None else target.suffix == ".gz":
        payload = gzip.compress(payload, compresslevel=6, mtime=0)
    with atomic_write(target) as f:
        f.write(payload)
    return target

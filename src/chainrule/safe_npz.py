"""Reading ``.npz`` archives that may be hostile: never unpickled, never inflated beyond what they declare.

``np.load`` trusts an archive: it lists every member (a zip of millions of entries is parsed whole), loads
whichever of two members with the same name comes last, and allocates whatever an ``.npy`` header claims.
``NpzReader`` checks, before allocating anything:

- the zip's end record: at most ``MAX_MEMBERS`` members;
- each member: a unique name ending in ``.npy``, not encrypted, stored or deflated (what NumPy writes: bzip2
  and LZMA inflate without a bound in ``zipfile``);
- each ``.npy`` header: a plain dtype (no Python objects, so nothing to unpickle), a shape whose size in bytes
  (computed with Python ints: no overflow) fits the memory budget (``chainrule.limits``) and equals the
  member's size in the zip directory;

then reads a member by streaming it into an array allocated once at its declared size, so a member that
inflates beyond its declared size, or whose CRC is wrong, is an error and the memory used is that of the
array. Every problem is the caller's error class (``ModelFileError`` for models, ``DataError`` for data).
"""
import math
import os
import struct
import tokenize
import zipfile
import zlib

import numpy as np

from .files import file_kind
from .limits import check_allocation, check_shape

MAX_MEMBERS = 10_000          # a chainrule checkpoint holds a few dozen; a data file 2 or 3
MAX_HEADER_SIZE = 10_000      # bytes of an .npy header (NumPy's own default limit)
CHUNK = 1 << 20               # bytes inflated at a time
#: what reading a damaged zip can raise: bad headers, bad deflate data (zlib.error), flipped flag bits
#: (NotImplementedError: "compressed patched data", "strong encryption"; RuntimeError: "password required")
READ_ERRORS = (zipfile.BadZipFile, zlib.error, struct.error, EOFError, OSError, ValueError, NotImplementedError,
               RuntimeError, KeyError, TypeError, SyntaxError, OverflowError)
#: what NumPy's .npy header parser (tokenize, then ast.literal_eval of at most MAX_HEADER_SIZE bytes) can raise
HEADER_ERRORS = (ValueError, SyntaxError, TypeError, tokenize.TokenError, RecursionError, MemoryError)
_READABLE = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}


def check_readable_file(path, label, error):
    """Refuse, with ``error``, a path that does not exist or is not a regular file (a folder, a device, a FIFO:
    reading ``/dev/zero`` never ends, reading a FIFO blocks)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise error(f"{label} does not exist") from None
    except OSError as exc:
        raise error(f"cannot read {label}: {exc.strerror or exc}") from None
    kind = file_kind(mode)
    if kind == "a folder":
        raise error(f"{label} is a folder, not a file")
    if kind is not None:
        raise error(f"{label} is {kind}, not a regular file")


def zip_member_count(handle):
    """The number of members the zip's end-of-central-directory record declares (ZIP64 too), read from the
    last 64 KiB; None when there is no such record (``zipfile`` then says what is wrong)."""
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    tail_size = min(size, 22 + 0xFFFF)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return None
    count = struct.unpack("<H", tail[at + 10:at + 12])[0]
    locator = tail[at - 20:at] if at >= 20 else b""
    if count == 0xFFFF and locator[:4] == b"PK\x06\x07":       # ZIP64: the real count is in the ZIP64 record
        offset = struct.unpack("<Q", locator[8:16])[0]
        handle.seek(offset)
        record = handle.read(56)
        if record[:4] == b"PK\x06\x06" and len(record) == 56:
            count = struct.unpack("<Q", record[32:40])[0]
    return count


class ArrayHeader:
    """What an ``.npy`` member declares: ``shape``, ``dtype``, ``fortran_order``, ``nbytes``, ``header_size``."""

    def __init__(self, shape, dtype, fortran_order, header_size):
        self.shape, self.dtype, self.fortran_order, self.header_size = shape, dtype, fortran_order, header_size
        self.nbytes = math.prod(shape) * dtype.itemsize      # Python ints: a claimed 2**40 elements is no overflow

    def __repr__(self):
        return f"ArrayHeader(shape={self.shape}, dtype={self.dtype}, nbytes={self.nbytes})"


class NpzReader:
    """An ``.npz`` opened for checked reading (a context manager)::

        with NpzReader(path, "model file 'm.npz'", ModelFileError) as archive:
            archive.names                  # ['chainrule_model', 'W0', 'b0', ...]
            archive.header("W0").shape     # from the .npy header, nothing allocated
            weights = archive.read("W0")   # streamed into one array of the declared size

    ``label`` names the file in messages; ``error`` is the exception class raised;
    ``damaged`` formats the message for a zip that cannot be read (``{label}`` and ``{exc}``)."""

    def __init__(self, path, label, error,
                 damaged="cannot read {label}: it is truncated, corrupted or not an .npz ({exc})"):
        self.path, self.label, self.error, self.damaged_message = os.fspath(path), label, error, damaged
        self.zip = None
        check_readable_file(self.path, label, error)
        self._headers = {}
        try:
            with open(self.path, "rb") as handle:
                head = handle.read(8)
                self._check_signature(head)
                count = zip_member_count(handle)
            if count is not None and count > MAX_MEMBERS:
                raise error(f"{label} lists {count:,} members, more than the {MAX_MEMBERS:,} chainrule reads "
                            f"from one archive")
            self.zip = zipfile.ZipFile(self.path)
            self.members = self._check_members(self.zip.infolist())
        except error:
            self.close()
            raise
        except READ_ERRORS as exc:
            self.close()
            raise self._damaged(exc) from None

    def _check_signature(self, head):
        if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
            return
        if not head:
            raise self.error(f"{self.label} is empty (0 bytes): it was never written completely")
        if head.startswith(b"\x93NUMPY"):
            raise self.error(f"{self.label} is a single NumPy array (.npy), not an .npz archive of named arrays")
        raise self.error(f"{self.label} is not an .npz archive (it starts with {head!r}); chainrule never "
                         f"unpickles files")

    def _check_members(self, infos):
        members = {}
        for info in infos:
            if info.filename.removesuffix(".npy") in members:
                raise self.error(f"{self.label} holds two members named {info.filename!r}: an archive with "
                                 f"duplicate names is ambiguous (tampered with, or appended to) and is refused")
            if not info.filename.endswith(".npy") or info.is_dir():
                raise self.error(f"{self.label} holds a member {info.filename!r} that is not a NumPy array "
                                 f"(.npy); an .npz holds only .npy members")
            if info.flag_bits & 0x1:
                raise self.error(f"{self.label}: member {info.filename!r} is encrypted")
            if info.compress_type not in _READABLE:
                raise self.error(f"{self.label}: member {info.filename!r} uses compression method "
                                 f"{info.compress_type}; chainrule reads stored or deflated members (what NumPy "
                                 f"writes) only")
            members[info.filename.removesuffix(".npy")] = info
        return members

    def _damaged(self, exc):
        return self.error(self.damaged_message.format(label=self.label, exc=f"{type(exc).__name__}: {exc}"))

    @property
    def names(self):
        return list(self.members)

    def __contains__(self, name):
        return name in self.members

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        if self.zip is not None:
            self.zip.close()
            self.zip = None

    # --- one member ---

    def header(self, name):
        """The member's declared shape and dtype, its size checked against the budget and the zip directory."""
        if name not in self._headers:
            info = self.members[name]
            try:
                with self.zip.open(info) as member:
                    header = self._read_header(member, info.filename)
            except self.error:
                raise
            except READ_ERRORS as exc:
                raise self._damaged(exc) from None
            self._headers[name] = header
        return self._headers[name]

    def _read_header(self, member, filename):
        try:
            version = np.lib.format.read_magic(member)
            read = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
            if version not in read:
                raise ValueError(f".npy format version {version} (chainrule reads 1.0 and 2.0)")
            shape, fortran_order, dtype = read[version](member, max_header_size=MAX_HEADER_SIZE)
        except HEADER_ERRORS as exc:
            raise self.error(f"{self.label}: member {filename!r} has no valid .npy header "
                             f"({type(exc).__name__}: {exc})") from None
        if dtype.hasobject:
            raise self.error(f"{self.label}: member {filename!r} holds Python objects (dtype {dtype}), which would "
                             f"need unpickling; chainrule never unpickles files")
        if any(n < 0 for n in shape):
            raise self.error(f"{self.label}: member {filename!r} declares a negative dimension {tuple(shape)}")
        header = ArrayHeader(tuple(int(n) for n in shape), dtype, bool(fortran_order), member.tell())
        check_shape(header.shape, dtype.itemsize, f"{self.label} member {filename!r} (shape {header.shape}, {dtype})",
                    self.error)
        declared = self.members[filename.removesuffix(".npy")].file_size
        if header.header_size + header.nbytes != declared:
            raise self.error(f"{self.label}: member {filename!r} is {declared:,} bytes but its header declares a "
                             f"{header.shape} {dtype} array ({header.header_size + header.nbytes:,} bytes with "
                             f"the header): truncated, padded or tampered with")
        return header

    def read(self, name):
        """The member ``name`` as an array, streamed into one allocation of its declared size."""
        if name not in self.members:
            raise self.error(f"{self.label} holds no array {name!r} (it holds {', '.join(self.names) or 'nothing'})")
        header = self.header(name)
        info = self.members[name]
        try:
            with self.zip.open(info) as member:
                member.read(header.header_size)
                raw = np.empty(header.nbytes, dtype=np.uint8)
                view, done = memoryview(raw), 0
                while done < header.nbytes:
                    got = member.readinto(view[done:done + CHUNK])
                    if not got:
                        raise EOFError(f"member {info.filename!r} ended after {done:,} of {header.nbytes:,} bytes")
                    done += got
                if member.read(1):       # also makes zipfile check the CRC of the whole member
                    raise ValueError(f"member {info.filename!r} holds more than its header declares")
        except self.error:
            raise
        except READ_ERRORS as exc:
            raise self._damaged(exc) from None
        if header.dtype.itemsize == 0:
            return np.empty(header.shape, dtype=header.dtype)
        return raw.view(header.dtype).reshape(header.shape, order="F" if header.fortran_order else "C")

    def read_all(self, names=None):
        """``{name: array}`` for ``names`` (default every member), their total size checked first."""
        names = self.names if names is None else list(names)
        total = sum(self.header(name).nbytes for name in names)
        check_allocation(total, f"{self.label} ({len(names)} arrays)", self.error)
        return {name: self.read(name) for name in names}

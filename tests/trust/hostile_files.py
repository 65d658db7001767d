"""Small files that claim (or inflate to) gigabytes, written by hand, and a child process that measures the
memory an attempt to read them really used (VmHWM, the peak resident set, from /proc/self/status)."""
import json
import os
import struct
import subprocess
import sys
import textwrap
import zlib

import numpy as np

MIB = 1 << 20


def deflated_zeros(prefix, n_mib):
    """A raw deflate stream of ``prefix`` followed by ``n_mib`` MiB of zero bytes, and its CRC-32.

    Each MiB of zeros is compressed once and its bytes repeated: after a full flush the compressor starts
    afresh, so the repeated block is valid on its own (about 1 KiB per MiB: a 1 GiB member in 1 MiB)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    zeros = bytes(MIB)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(prefix)
    for _ in range(n_mib):
        crc = zlib.crc32(zeros, crc)
    return head + block * n_mib + tail, crc


def inflating_member(name, shape, descr, n_mib):
    """A deflated .npy member for ``write_zip`` whose header declares ``shape`` of ``descr`` and whose data
    really inflates to ``n_mib`` MiB of zeros; directory size and CRC are honest."""
    header = npy_header(shape, descr)
    body, crc = deflated_zeros(header, n_mib)
    return (name, body, crc, len(header) + n_mib * MIB, 8)           # 8: deflated


def write_zip(path, members):
    """Write a zip by hand: ``members`` is a list of ``(name, payload, crc, size, method)`` where ``payload``
    is the stored or raw-deflated bytes and ``size`` what the directory declares (``zipfile`` would
    recompute it). Duplicate names are written as given."""
    out, central = bytearray(), bytearray()
    for name, payload, crc, size, method in members:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0x21, crc, len(payload), size,
                           len(encoded), 0) + encoded + payload
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21, crc, len(payload), size,
                               len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0)
    with open(path, "wb") as handle:
        handle.write(bytes(out) + bytes(central) + end)
    return path


def stored(name, data):
    """A stored (uncompressed) member for ``write_zip``."""
    return (name, data, zlib.crc32(data), len(data), 0)


def npy_bytes(array):
    """An array as the bytes of an .npy file."""
    import io
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asanyarray(array), allow_pickle=False)
    return buffer.getvalue()


def npy_header(shape, descr="<f8", fortran_order=False):
    """Only the header of an .npy file declaring ``shape`` of ``descr`` (no data follows)."""
    import io
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": fortran_order,
                                                  "shape": tuple(shape)})
    return buffer.getvalue()


def text_entry(text):
    """The .npy bytes of a NumPy unicode scalar: how chainrule stores its JSON descriptions."""
    return npy_bytes(np.array(text))


def model_description(layer_sizes, **changes):
    description = {"format": "chainrule-model", "format_version": 1, "layer_sizes": list(layer_sizes),
                   "activations": ["sigmoid"] * (len(layer_sizes) - 1), "loss": "mse", "dtype": "float64",
                   "seed": 0, "metadata": {}}
    description.update(changes)
    return json.dumps(description)


def gzip_zeros(prefix, n_mib):
    """A gzip file of ``prefix`` + ``n_mib`` MiB of zeros (a few KiB per MiB of zeros)."""
    body, crc = deflated_zeros(prefix, n_mib)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + body + struct.pack("<LL", crc, (len(prefix) + n_mib * MIB) & 0xFFFFFFFF)


def png_header(width, height):
    """A PNG that declares ``width`` x ``height`` grey pixels and holds almost none of them."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(bytes(width + 1))) + \
        chunk(b"IEND", b"")


_PROBE = """
import json, sys
{code}
try:
    attempt()
    outcome = None
except BaseException as error:          # report anything, including what should never escape
    outcome = type(error).__name__ + ": " + str(error)
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM"))
print(json.dumps({{"error": outcome, "peak": peak}}))
"""


def attempt_in_child(code, env=None, timeout=120):
    """Run ``code`` (which defines ``attempt()``) in a fresh Python; return ``(error or None, peak bytes)``."""
    full_env = dict(os.environ, **(env or {}))
    result = subprocess.run([sys.executable, "-c", _PROBE.format(code=textwrap.dedent(code))], capture_output=True,
                            text=True, timeout=timeout, env=full_env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report["error"], report["peak"]

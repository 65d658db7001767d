"""Files written atomically: a temporary file in the same folder, then ``os.replace``, so a crash or Ctrl-C
mid-write leaves the previous file (or none), never half of one."""
import os
import tempfile


def _readable(path):
    """mkstemp makes 0600 files; give the file the permissions open() would (0666 less the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def atomic_write(path, write, suffix=""):
    """Call ``write(binary_handle)`` on a temporary file next to ``path``, then rename it to ``path``."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        _readable(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def atomic_write_bytes(path, data):
    return atomic_write(path, lambda handle: handle.write(data))


def atomic_write_text(path, text):
    return atomic_write(path, lambda handle: handle.write(text.encode("utf-8")))

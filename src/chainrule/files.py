"""Files written whole or not at all: a temporary file in the same folder, then ``os.replace``.

A crash, a full disk or Ctrl-C mid-write leaves the previous file (or none), never half of one. Models,
checkpoints, data files, figures and reports are all written through here.
"""
import contextlib
import os
import tempfile


def _creation_mode():
    """The mode ``open()`` would give a new file: 0666 less the umask (mkstemp makes 0600 files)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(path, suffix=""):
    """Yield a temporary path next to ``path`` for a writer that needs a file name; when the block ends
    without an error the file is renamed to ``path``, otherwise it is removed."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".tmp-{os.path.basename(path)}-", suffix=".part" + suffix, dir=folder)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, _creation_mode())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


@contextlib.contextmanager
def atomic_write(path, suffix=""):
    """Yield a binary file; its bytes reach the disk (fsync) and replace ``path`` only if the block succeeds."""
    with atomic_path(path, suffix) as tmp:
        with open(tmp, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())


def atomic_write_bytes(path, data):
    with atomic_write(path) as handle:
        handle.write(data)
    return os.fspath(path)


def atomic_write_text(path, text):
    return atomic_write_bytes(path, text.encode("utf-8"))


def save_figure(figure, path, dpi=100):
    """Write a Matplotlib ``figure`` to ``path`` (format from the extension, PNG by default); returns the path."""
    extension = os.path.splitext(os.fspath(path))[1].lstrip(".").lower() or "png"
    with atomic_write(path) as handle:
        figure.savefig(handle, format=extension, dpi=dpi)
    return os.fspath(path)

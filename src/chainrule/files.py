"""Files written whole or not at all, and only where a file belongs.

Every writer (models, checkpoints, data files, figures, reports, animations) goes through ``atomic_path``: a
temporary file in the same folder, then ``os.replace``. A crash, a full disk or Ctrl-C mid-write leaves the
previous file (or none), never half of one. Before anything is written, ``check_output_path`` refuses a path
that is not a regular file or a new name: ``os.replace`` onto a device node, a FIFO or a socket would replace
the node itself (as root, ``--out /dev/full`` once turned the device into a regular file). A symlink is
followed: the file it points to is replaced, the link stays.

Long jobs check their output folder first (``check_output_folder``: created, a file can be made in it) and
hold ``run_lock`` on it, so a second run into the same folder stops at once with the first one's pid and
start time instead of interleaving its files.
"""
import contextlib
import datetime
import errno
import json
import os
import types
import socket
import stat
import sys
import tempfile

from .errors import OutputError

fcntl: types.ModuleType | None
try:
    import fcntl
except ImportError:          # Windows: no advisory locks; run_lock then only checks the folder
    fcntl = None

LOCK_NAME = ".chainrule-run.lock"
_FILE_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
               (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"))


def file_kind(mode):
    """'a folder', 'a character device', ... for a non-regular ``st_mode``; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")


def open_for_reading(path):
    """``open(path, "rb")`` that cannot hang, and what it opened: ``(file, file_kind(mode))``.

    A FIFO is opened without waiting for a writer (``open()`` would block until one comes: forever); the caller
    refuses it, or reads what is there. A folder raises ``IsADirectoryError``, as ``open()`` does."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        kind = file_kind(os.fstat(fd).st_mode)
        if kind == "a folder":
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), kind
    except BaseException:
        os.close(fd)
        raise


def check_output_path(path):
    """The real path a writer may replace: ``path`` (symlinks followed) when it is a regular file or does not
    exist yet; an ``OutputError`` when it is a folder, a device, a FIFO or a socket."""
    path = os.fspath(path)
    real = os.path.realpath(path)
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        return real
    except NotADirectoryError:
        raise OutputError(f"cannot write {path!r}: {_file_in_the_way(real)!r} is a file, not a folder") from None
    except OSError as exc:
        raise OutputError(f"cannot write {path!r}: {exc.strerror or exc}") from None
    kind = file_kind(mode)
    if kind is not None:
        raise OutputError(f"refusing to write {path!r}: it is {kind}, not a regular file; chainrule only replaces "
                          f"regular files or creates new ones (choose a file name)")
    return real


def _file_in_the_way(path):
    """The first ancestor of ``path`` that exists and is not a folder."""
    parts = os.path.abspath(path).split(os.sep)
    for i in range(2, len(parts) + 1):
        ancestor = os.sep.join(parts[:i])
        if os.path.exists(ancestor) and not os.path.isdir(ancestor):
            return ancestor
    return os.path.dirname(path)


def _make_folder(folder, for_path):
    try:
        os.makedirs(folder, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OutputError(f"cannot write {for_path!r}: {_file_in_the_way(folder)!r} is a file, not a "
                          f"folder") from None
    except OSError as exc:
        raise OutputError(f"cannot create the folder {folder!r} for {for_path!r}: {exc.strerror or exc}") from None


def _temporary_file(folder, path, suffix):
    try:
        return tempfile.mkstemp(prefix=f".tmp-{os.path.basename(path)}-", suffix=".part" + suffix, dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {path!r}: no file can be created in {folder!r} "
                          f"({exc.strerror or exc})") from None


def check_output_folder(folder, names=()):
    """Before a long job: create ``folder`` (and its parents), prove a file can be created in it (a temporary
    probe, removed at once) and check each of ``names`` in it with ``check_output_path``; returns the folder.
    A read-only, full-permission-less or impossible folder is an ``OutputError`` before any work is done."""
    folder = os.fspath(folder)
    _make_folder(folder, folder)
    if not os.path.isdir(folder):
        raise OutputError(f"cannot write into {folder!r}: it is not a folder")
    fd, probe = _temporary_file(folder, os.path.join(folder, "probe"), "")
    os.close(fd)
    os.unlink(probe)
    for name in names:
        check_output_path(os.path.join(folder, name))
    return folder


def _creation_mode():
    """The mode ``open()`` would give a new file: 0666 less the umask (mkstemp makes 0600 files)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(path, suffix=""):
    """Yield a temporary path next to ``path`` for a writer that needs a file name; when the block ends
    without an error the file is renamed to ``path``, otherwise it is removed. ``path`` must be a regular
    file or a new name (``check_output_path``), checked before the temporary file is made and again just
    before the rename."""
    path = os.fspath(path)
    real = check_output_path(path)
    folder = os.path.dirname(real)
    _make_folder(folder, path)
    fd, tmp = _temporary_file(folder, path, suffix)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, _creation_mode())
        check_output_path(path)
        os.replace(tmp, real)
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


# --- one run per folder ---

def _holder(fd):
    """Who holds a lock file, from what it says: 'pid 123 (chainrule train --out r), started 2025-...'."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        info = json.loads(os.read(fd, 4096).decode("utf-8") or "{}")
        return (f"pid {int(info['pid'])} ({str(info.get('command', '?'))[:120]}) on {info.get('host', '?')}, "
                f"started {info.get('started', '?')}")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return "another process (its lock file does not say which)"


@contextlib.contextmanager
def run_lock(folder, command=None):
    """Hold the run lock of ``folder`` (created and checked writable first) for the block.

    The lock is an advisory ``flock`` on ``folder/.chainrule-run.lock``, which says who holds it (pid, command,
    host, start time). A second run into the same folder gets an ``OutputError`` naming the first. The kernel
    drops the lock when its process ends, however it ends: the lock of a run that crashed or was killed
    (SIGKILL, power loss) is simply taken over by the next run. The file is removed when the block ends."""
    folder = check_output_folder(folder)
    lock_path = os.path.join(folder, LOCK_NAME)
    if fcntl is None:
        yield lock_path
        return
    while True:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as exc:
            raise OutputError(f"cannot lock the run folder {folder!r}: {lock_path!r}: {exc.strerror or exc}") from None
        if file_kind(os.fstat(fd).st_mode) is not None:
            os.close(fd)
            raise OutputError(f"cannot lock the run folder {folder!r}: {lock_path!r} is not a regular file")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _holder(fd)
            os.close(fd)
            raise OutputError(f"the run folder {folder!r} is in use by another run: {holder}; wait for it to "
                              f"finish or choose another output folder (its lock is {lock_path!r})") from None
        try:                                  # the file locked must still be the one at lock_path: a run that
            same = os.stat(lock_path).st_ino == os.fstat(fd).st_ino   # just finished may have removed it
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    info = {"pid": os.getpid(), "command": command or " ".join(["chainrule", *sys.argv[1:]]),
            "host": socket.gethostname(), "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds")}
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, json.dumps(info).encode("utf-8"))
    try:
        yield lock_path
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock_path)
        os.close(fd)

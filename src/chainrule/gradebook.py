"""What the two class tools share (``chainrule check FOLDER``, ``chainrule exercise mark FOLDER``): which files
in a folder are submissions, and the gradebook CSV (one row per submission, fixed columns)."""
import csv
import io
import os
import stat

from .errors import DataError


def folder_files(folder, suffix):
    """The names of the regular files directly in ``folder`` ending in ``suffix`` (any case), not hidden, not in
    subfolders, sorted by name. ``DataError`` when ``folder`` is not a readable folder."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except NotADirectoryError:
        raise DataError(f"{os.fspath(folder)} is not a folder") from None
    except OSError as exc:
        raise DataError(f"cannot read folder {os.fspath(folder)}: {exc.strerror or exc}") from None
    return [e.name for e in entries if e.name.lower().endswith(suffix.lower()) and not e.name.startswith(".")
            and regular(e.path)]


def regular(path):
    """True for a regular file (symlinks followed); False for anything else, or nothing."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def csv_text(columns, rows):
    """The gradebook as CSV text: a header of ``columns``, then one line per row (a dict keyed by them)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()

"""The console chainrule prints to: is it a terminal, how wide is it, and a line redrawn in place.

A progress bar is only drawn on a terminal (``is_terminal``): in a pipe, a log file or a notebook a carriage
return does not redraw anything, so there only whole lines are printed. On a terminal every redraw fits in
``columns - 1`` characters (a line as wide as the terminal makes it wrap, and the next ``\\r`` then redraws only
the last row, leaving the rest behind) and is padded with spaces over whatever the previous redraw left.
"""
import os
import shutil
import textwrap

DEFAULT_COLUMNS = 80


def is_terminal(stream):
    """True when ``stream`` is an interactive terminal (a stream without ``isatty`` is not one)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):      # no isatty, or a closed stream
        return False


def columns(stream=None):
    """The width in characters of the terminal ``stream`` writes to: ``$COLUMNS`` when set (as
    ``shutil.get_terminal_size`` does), else the size of ``stream``'s own terminal, else that of standard output,
    else 80."""
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    if stream is not None:
        try:
            return os.get_terminal_size(stream.fileno()).columns or DEFAULT_COLUMNS
        except (AttributeError, ValueError, OSError):  # not a real file (io.StringIO), or not a terminal
            pass
    return shutil.get_terminal_size((DEFAULT_COLUMNS, 24)).columns or DEFAULT_COLUMNS


def redraw(text, width):
    """``text`` as one in-place redraw on a terminal ``width`` columns wide: a carriage return, then the text cut
    to ``width - 1`` characters and padded with spaces to that length (so nothing of a longer previous redraw is
    left behind)."""
    room = max(width - 1, 1)
    return "\r" + text[:room].ljust(room)


def clear_line(width):
    """Blank the current line of a terminal ``width`` columns wide and return the cursor to its start."""
    return "\r" + " " * max(width - 1, 1) + "\r"


def wrap(paragraph, width, indent=""):
    """``paragraph`` wrapped to ``width - 1`` columns by ``textwrap`` (never inside a word or at a hyphen);
    continuation lines start with ``indent``."""
    return textwrap.fill(" ".join(paragraph.split()), width=max(width - 1, 20), subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False)

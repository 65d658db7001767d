"""A terminal of a given width, emulated well enough to see what in-place redraws leave on the screen.

``Screen(50)`` is a stream that says it is a terminal; what is written to it is laid out as a terminal lays it
out: ``\\r`` returns to the start of the row, ``\\n`` starts a new row, ``\\x1b[K`` clears to the end of the row,
and a character written past the last column wraps onto a new row (which a later ``\\r`` can no longer reach:
the stale lines of a progress bar drawn wider than its terminal).
"""
import io


class Screen(io.StringIO):
    def __init__(self, width):
        super().__init__()
        self.width = width
        self.rows = [[]]
        self.col = 0
        self.widest = 0            # the rightmost column any character was written in (1-based)

    def isatty(self):
        return True

    def write(self, text):
        super().write(text)
        i = 0
        while i < len(text):
            if text.startswith("\x1b[K", i):
                del self.rows[-1][self.col:]
                i += 3
                continue
            ch = text[i]
            i += 1
            if ch == "\r":
                self.col = 0
            elif ch == "\n":
                self.rows.append([])
                self.col = 0
            else:
                if self.col == self.width:       # the line is full: the terminal wraps
                    self.rows.append([])
                    self.col = 0
                row = self.rows[-1]
                row.extend(" " * (self.col + 1 - len(row)))
                row[self.col] = ch
                self.col += 1
                self.widest = max(self.widest, self.col)
        return len(text)

    def lines(self):
        """The screen's rows as text, trailing spaces dropped, the empty last row (after a final newline) too."""
        rows = ["".join(row).rstrip() for row in self.rows]
        return rows[:-1] if rows and not rows[-1] else rows

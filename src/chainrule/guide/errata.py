"""The errata of the guide, shipped inside the package: ``chainrule errata [N]``.

The text is ``docs/errata.md``, the one source: ``chainrule/guide/errata.md`` is a link to it in the
repository, and a built wheel carries the file itself. This module reads it through ``importlib.resources``
(so a pip user has it, with no ``docs/`` folder) and renders it for a terminal: the whole document, or
what concerns one guide block -- its table rows and any section whose heading names the block.

Every message that sends a reader to the errata spells the command with ``see_errata(...)``.
"""
import re
import shutil
import textwrap
from dataclasses import dataclass
from importlib import resources

from ..errors import ConfigError

RESOURCE = "errata.md"


def errata_markdown():
    """The errata document, as Markdown (docs/errata.md)."""
    return resources.files(__package__).joinpath(RESOURCE).read_text(encoding="utf-8")


def errata_command(*blocks):
    """The command that prints the errata of ``blocks`` (all of them when none is given)."""
    return " ".join(["chainrule errata", *map(str, blocks)])


def see_errata(*blocks):
    """``see `chainrule errata 17``` -- how every printed message points to the errata."""
    return f"see `{errata_command(*blocks)}`"


# --- the document, parsed into headings, paragraphs, tables and code ---

@dataclass(frozen=True)
class Row:
    """One row of an errata table: the cells by column name, and the section it sits in."""
    section: str
    cells: dict

    @property
    def label(self):
        return next(iter(self.cells.values()))

    @property
    def block(self):
        """The guide block the row is about (the number its first cell starts with), or None."""
        match = re.match(r"(\d+),", self.label)
        return int(match[1]) if match else None

    def mentions(self, number):
        """True when the row is about block ``number``, or reproduces it (``chainrule guide N``)."""
        return self.block == number or f"`chainrule guide {number}`" in " ".join(self.cells.values())


def _parse(markdown):
    """``[(kind, payload, section)]`` with kind "heading" (level, text), "text", "code", or "row" (a Row)."""
    items, section, header, code = [], "", None, None
    paragraph = []

    def flush():
        if paragraph:
            items.append(("text", "\n".join(paragraph), section))
            paragraph.clear()

    for line in markdown.splitlines():
        if code is not None:
            if line.startswith("```"):
                items.append(("code", "\n".join(code), section))
                code = None
            else:
                code.append(line)
            continue
        if line.startswith("```"):
            flush()
            code = []
        elif line.startswith("#"):
            flush()
            level = len(line) - len(line.lstrip("#"))
            section = line[level:].strip()
            items.append(("heading", (level, section), section))
        elif line.startswith("|"):
            flush()
            cells = _cells(line)
            if header is None:
                header = cells
            elif not all(set(cell) <= set("-: ") for cell in cells):
                items.append(("row", Row(section, dict(zip(header, cells))), section))
        else:
            header = None
            if line.strip():
                paragraph.append(line)
            else:
                flush()
    flush()
    return items


def _cells(line):
    # split on the pipes that separate cells, not on an escaped \| inside one
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


# --- rendering for a terminal ---

def _plain(text):
    """Markdown inline markup as plain text: links become their words, bold and escapes are dropped.
    Code spans are left exactly as written, backticks included: they are what a program prints."""
    parts = _CODE_SPAN.split(text)
    # split() also returns the captured backtick run after each span: drop it
    pieces, out = iter(parts), []
    for prose in pieces:
        out.append(_plain_prose(prose))
        span = next(pieces, None)
        if span is not None:
            next(pieces)
            out.append(span)
    return "".join(out)


#: a code span: a run of backticks, then anything up to a run of exactly as many (```` ```python ```` too)
_CODE_SPAN = re.compile(r"((`+)(?!`).*?(?<!`)\2(?!`))")


def _plain_prose(text):
    text = re.sub(r"\[([^\]]+)\]\(#[^)]*\)", r"\1", text)        # [below](#anchor) -> below
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", text)   # [text](url) -> text (url)
    text = text.replace("**", "")
    return re.sub(r"\\([*_|#])", r"\1", text)


def _width(width):
    return width or max(60, min(100, shutil.get_terminal_size((100, 24)).columns))


def _wrap(text, width, indent="", hanging=None):
    """Fill to ``width``, never breaking a line inside a code span (its spaces are part of what is printed)."""
    hanging = indent if hanging is None else hanging
    glued = _CODE_SPAN.sub(lambda m: m[0].replace(" ", _NBSP), _plain(text))
    filled = textwrap.fill(glued, width, initial_indent=indent, subsequent_indent=hanging,
                           break_long_words=False, break_on_hyphens=False)
    return filled.replace(_NBSP, " ")


_NBSP = "\x00"


def _render_row(row, width, with_section=False):
    names = list(row.cells)
    lines = [f"Block {_plain(row.label)}" if row.block is not None else _plain(row.label)]
    if with_section:
        lines.append(f"  ({row.section})")
    label_width = max(len(name) for name in names[1:]) + 2
    for name in names[1:]:
        head = f"  {name + ':':<{label_width}} "
        lines.append(_wrap(row.cells[name], width, head, " " * len(head)))
    return "\n".join(lines)


def _render(items, width, with_sections=False):
    out = []
    for kind, payload, _ in items:
        if kind == "heading":
            level, text = payload
            title = _plain(text)
            out.append(f"{title}\n{('=' if level == 1 else '-') * len(title)}" if level <= 2 else title)
        elif kind == "text":
            out.append(_render_paragraph(payload, width))
        elif kind == "code":
            out.append(textwrap.indent(payload, "    "))
        else:
            out.append(_render_row(payload, width, with_sections))
    return "\n\n".join(out)


def _render_paragraph(text, width):
    """A paragraph, or a list whose items keep their marker and hang under it."""
    lines = text.splitlines()
    if not re.match(r"\s*(?:[-*]|\d+\.)\s", lines[0]):
        return _wrap(" ".join(line.strip() for line in lines), width)
    items = []
    for line in lines:
        if re.match(r"\s*(?:[-*]|\d+\.)\s", line):
            items.append([line])
        else:
            items[-1].append(line.strip())
    rendered = []
    for item in items:
        first = item[0]
        marker = re.match(r"(\s*(?:[-*]|\d+\.)\s+)", first)[1]
        body = " ".join([first[len(marker):].strip(), *item[1:]])
        rendered.append(_wrap(body, width, marker, " " * len(marker)))
    return "\n".join(rendered)


def format_errata(blocks=None, width=None):
    """The errata as terminal text: the whole document, or (``blocks``: guide block numbers) only the table
    rows about those blocks and the sections whose heading names one of them ("The block-17 bug",
    "The hand-trace slip (blocks 9-13)")."""
    from .blocks import BLOCKS, FRAGMENTS

    width = _width(width)
    items = _parse(errata_markdown())
    if not blocks:
        return _render(items, width)
    parts = []
    for number in blocks:
        chosen = [item for item in items if item[0] == "row" and item[1].mentions(number)]
        chosen += _sections_naming(items, number)
        if chosen:
            parts.append(_render(chosen, width, with_sections=True))
        elif number in BLOCKS:
            parts.append(f"Block {number} ({BLOCKS[number].section}): no erratum; the guide's printed output is "
                         f"{BLOCKS[number].guide_says}. `chainrule guide {number}` prints it.")
        elif number in FRAGMENTS:
            parts.append(f"Block {number}: no erratum; it prints nothing of its own ({FRAGMENTS[number]}).")
        else:
            raise ConfigError(f"the guide has python blocks 1-36, got {number}")
    return "\n\n".join(parts)


def _sections_naming(items, number):
    """The items of every section whose heading names block ``number`` ("block 17", "block-17")."""
    chosen, inside = [], None
    for item in items:
        kind, payload, _ = item
        if kind == "heading":
            level, text = payload
            if inside is not None and level <= inside:
                inside = None
            if inside is None and _names_block(text, number):
                inside = level
        if inside is not None:
            chosen.append(item)
    return chosen


def _names_block(heading, number):
    """True when a heading names block ``number``: "block 17", "block-17", "blocks 9-13"."""
    for first, last in re.findall(r"\bblocks?[- ](\d+)(?:-(\d+))?\b", heading, re.I):
        if int(first) <= number <= int(last or first):
            return True
    return False


def parse_blocks(words):
    """Block numbers from the command line: ``17``, ``9-13``, ``9 10 11``; a ConfigError for anything else."""
    numbers = []
    for word in words:
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", word.strip())
        if not match:
            raise ConfigError(f"a block is a number such as 17 or a range such as 9-13, got {word!r}")
        first, last = int(match[1]), int(match[2] or match[1])
        if not 1 <= first <= last <= 36:
            raise ConfigError(f"the guide has python blocks 1-36, got {word!r}")
        numbers += range(first, last + 1)
    return list(dict.fromkeys(numbers))

"""What reaches the terminal: only the cells that changed since the last frame.

Textual repaints a widget's whole region whenever the widget is refreshed, and writes
every painted cell: a cursor move that rebuilt the detail pane rewrote its border,
scrollbar and padding twice over, and a style sequence with each run of text. Over a
slow SSH link that is what the analyst waits for. As curses does, ``Wire`` keeps a
copy of the screen as the terminal shows it and, for each frame, writes only the runs
of cells that differ from it (cells compared as they look: character, colours and
attributes; never Textual's bookkeeping), moving the cursor only when it is not
already there.

The copy is dropped, and the next frame written in full, whenever the terminal may no
longer show it: a new size, coming back from a suspended session (the editor), or
``redraw`` (Ctrl+L). Nothing here changes what is drawn, only how much of it is sent.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import get_character_cell_size
from rich.color import ColorSystem
from rich.console import Console, ConsoleOptions, RenderResult
from rich.control import Control
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate
from textual.geometry import Size
from textual.strip import Strip

# A cell as the terminal shows it: its text (a character, with any zero-width ones
# after it; "" for the right half of a wide character), the style's escape sequence
# and hyperlink, and the style to write it with.
Cell = tuple[str, str, str | None, Style | None]
UNKNOWN: Cell = ("\0", "", None, None)  # never equal to a real cell: always written

# Equal cells between two changed ones are written through when the gap is shorter than
# this (a cursor move, ``ESC[row;colH``, costs about as much).
GAP = 8


def _cells(strip: Strip, color_system: ColorSystem) -> list[Cell] | None:
    """The cells of ``strip``, or None when it holds control codes (written as is)."""
    out: list[Cell] = []
    render_ansi = Strip.render_ansi
    for text, style, control in strip:
        if control:
            return None
        if style is None:
            key, link = "", None
        else:
            ansi = style._ansi
            key = ansi if ansi is not None else render_ansi(style, color_system)
            link = style._link
        for char in text:
            width = get_character_cell_size(char)
            if width == 0 and out:
                last = out[-1]
                if last[0] == "" and len(out) > 1:  # after a wide character
                    first = out[-2]
                    out[-2] = (first[0] + char, *first[1:])
                else:
                    out[-1] = (last[0] + char, *last[1:])
                continue
            cell: Cell = (char, key, link, style)
            out.append(cell)
            if width == 2:
                out.append(("", key, link, style))
    return out


class Wire:
    """The screen as the terminal shows it, and the smallest update to a new frame."""

    def __init__(self) -> None:
        self.size = Size(0, 0)
        self.screen: list[list[Cell]] = []
        self.working = True  # False: frames go out as Textual writes them (app._display)

    def forget(self) -> None:
        """The terminal may show anything: write the next frame in full."""
        self.size = Size(0, 0)
        self.screen = []

    def update(self, renderable: CompositorUpdate, size: Size, console: Console) -> str | None:
        """Terminal output for ``renderable``; None when it is of a kind not handled here
        (the caller writes it as Textual would, and the copy is forgotten)."""
        if size != self.size:
            self.size = size
            self.screen = [[UNKNOWN] * size.width for _ in range(size.height)]
        if isinstance(renderable, LayoutUpdate):
            pieces = self._layout_pieces(renderable)
        elif isinstance(renderable, ChopsUpdate):
            pieces = self._chops_pieces(renderable)
        else:
            self.forget()
            return None
        color_system = console._color_system or ColorSystem.TRUECOLOR
        out: list[str] = []
        cursor: tuple[int, int] | None = None
        sgr = ""  # the style in force: none between frames
        for x, y, strip in pieces:
            if not 0 <= y < size.height or x < 0:
                continue
            new = _cells(strip, color_system)
            if new is None:  # control codes: write through, and forget what the row showed
                if sgr:
                    out.append("\x1b[0m")
                    sgr = ""
                out.append(Control.move_to(x, y).segment.text)
                out.append(strip.render(console))
                self.screen[y] = [UNKNOWN] * size.width
                cursor = None
                continue
            row = self.screen[y]
            new = new[: max(0, size.width - x)]
            for start, end in _changed_runs(row, x, new):
                if cursor != (start, y):
                    out.append(Control.move_to(start, y).segment.text)
                text, sgr = _render(new[start - x : end - x], color_system, sgr)
                out.append(text)
                row[start:end] = new[start - x : end - x]
                # At the last column the terminal's cursor waits to wrap: move explicitly.
                cursor = (end, y) if end < size.width else None
        if sgr:
            out.append("\x1b[0m")
        return "".join(out)

    @staticmethod
    def _layout_pieces(update: LayoutUpdate) -> Iterable[tuple[int, int, Strip]]:
        region = update.region
        for y, line in enumerate(update.strips, region.y):
            x = region.x
            for strip in line:
                yield x, y, strip
                x += strip.cell_length

    @staticmethod
    def _chops_pieces(update: ChopsUpdate) -> Iterable[tuple[int, int, Strip]]:
        # The pieces Textual's ChopsUpdate.render_segments writes, in the same order.
        for y, x1, x2 in update.spans:
            line = update.chops[y]
            for end, (x, strip) in zip(update.chop_ends[y], line.items(), strict=False):
                if strip is None or x > x2 or end <= x1:
                    continue
                whole = x2 > x >= x1 and end <= x2
                yield x, y, strip if whole else strip.crop(0, min(end, x2) - x)


def _changed_runs(row: list[Cell], x: int, new: list[Cell]) -> Iterable[tuple[int, int]]:
    """Screen columns [start, end) to write so that ``row`` shows ``new`` from ``x``."""
    start = end = -1
    for i, cell in enumerate(new):
        old = row[x + i]
        if old[:3] == cell[:3]:
            continue
        if start < 0:
            start = i
        elif i - end > GAP:
            yield from _whole(new, x, start, end)
            start = i
        end = i + 1
    if start >= 0:
        yield from _whole(new, x, start, end)


def _whole(new: list[Cell], x: int, start: int, end: int) -> Iterable[tuple[int, int]]:
    """[start, end) widened so as not to split a wide character."""
    while start > 0 and new[start][0] == "":
        start -= 1
    while end < len(new) and new[end][0] == "":
        end += 1
    yield x + start, x + end


def _render(run: list[Cell], color_system: ColorSystem, sgr: str) -> tuple[str, str]:
    """Cells as text, with a style sequence only where the look changes: ``sgr`` is the
    style in force before (``""``: none), and the one in force after is returned. Each
    sequence starts from a reset (``ESC[0;…m``), so no attribute leaks from a run to the
    next, and runs are not each followed by a reset of their own."""
    out: list[str] = []
    i, n = 0, len(run)
    while i < n:
        _, key, link, style = run[i]
        j = i + 1
        while j < n and run[j][1] == key and run[j][2] == link:
            j += 1
        chunk = "".join(cell[0] for cell in run[i:j])
        if link is not None and style is not None:
            # A hyperlink: written whole, as Textual writes it, ending reset.
            if sgr:
                out.append("\x1b[0m")
            out.append(Strip.render_style(style, chunk, color_system))
            sgr = ""
        else:
            if key != sgr:
                out.append(f"\x1b[0;{key}m" if key else "\x1b[0m")
                sgr = key
            out.append(chunk)
        i = j
    return "".join(out), sgr


class Written(CompositorUpdate):
    """A frame already turned into terminal output by ``Wire.update``."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Segment(self.text)

    def render_segments(self, console: Console) -> str:
        return self.text

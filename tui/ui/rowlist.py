"""A list that draws only the rows on screen: the actors, disagreements and timeline panes.

``RowList`` is a line-API ``ScrollView``: its cost follows the terminal height, not the
data. It holds a sequence of row values (ints the pane chooses: entity rows, and for
the timeline negative values for year headings) and a cursor; filtering and focusing
hand it a new sequence and nothing is rebuilt. Each pane supplies a ``RowRenderer``
that turns one value into styled pieces of plain text: nothing is parsed as markup,
so no string from data can run an action or break the screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from . import keys
from .glyphs import drawn
from .legend import role_css

# A piece of a row: text and a role, the name of a style ("" for the row's own style).
Piece = tuple[str, str]

ROLES = ("dim", "header", "accent", "bold", "good", "bad", "warn", "info", "match", "mark")


class RowRenderer(Protocol):
    """How one pane draws its rows."""

    def render_row(self, value: int, width: int) -> list[Piece]:
        """The pieces of one row, at most ``width`` cells in all."""
        ...

    def is_selectable(self, value: int) -> bool:
        """False for rows the cursor skips, such as headings."""
        ...


def one_line(text: str) -> str:
    """Text from data on one row: newlines and tabs become spaces."""
    if "\n" in text or "\t" in text or "\r" in text:
        return " ".join(text.split())
    return text


def fit(text: str, width: int, *, pad: bool = True) -> str:
    """``text`` as drawn (``glyphs.drawn``: a width every terminal agrees on), cut to
    ``width`` cells with an ellipsis, padded with spaces when ``pad``. Every piece of a
    row passes through here, so this is where the rows' text becomes what is drawn."""
    if width <= 0:
        return ""
    text = drawn(text)
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    if pad and length < width:
        return text + " " * (width - length)
    return text


def match_spans(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Where the filter's words occur in ``text``, ignoring case, for highlighting."""
    if not words:
        return []
    lower = text.lower()
    if len(lower) != len(text):  # case mapping changed offsets: don't guess
        return []
    spans: list[tuple[int, int]] = []
    for word in words:
        start = lower.find(word)
        while start != -1 and word:
            spans.append((start, start + len(word)))
            start = lower.find(word, start + len(word))
    return sorted(spans)


class RowList(ScrollView, can_focus=True):
    """A scrolling list of rows with a cursor, drawn a line at a time."""

    BINDINGS = keys.ROW_LIST

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "rowlist--cursor",
        *(f"rowlist--{role}" for role in ROLES),
    }

    DEFAULT_CSS = """
    RowList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    RowList > .rowlist--cursor { background: $block-cursor-blurred-background; }
    RowList:focus > .rowlist--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    """ + "\n".join(role_css(f"RowList > .rowlist--{role}", role) for role in ROLES)

    class Highlighted(Message):
        """The cursor moved to another row (``value`` is None when the list is empty)."""

        def __init__(self, row_list: RowList, value: int | None) -> None:
            super().__init__()
            self.row_list = row_list
            self.value = value

        @property
        def control(self) -> RowList:
            return self.row_list

    class Chosen(Message):
        """Enter (or a double click) on a row."""

        def __init__(self, row_list: RowList, value: int) -> None:
            super().__init__()
            self.row_list = row_list
            self.value = value

        @property
        def control(self) -> RowList:
            return self.row_list

    def __init__(
        self,
        renderer: RowRenderer | None = None,
        *,
        empty_text: str = "Nothing to show",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        # A pane may pass its renderer or be one (subclasses define the two methods).
        self.renderer: RowRenderer = renderer if renderer is not None else self
        self._empty_text = empty_text
        self._rows: Sequence[int] = ()
        self._cursor = -1
        self._marked: int | None = None
        self._words: tuple[str, ...] = ()
        # (row value, width, under the cursor, marked) -> the drawn line
        self._cache: LRUCache[tuple[int, int, bool, bool], Strip] = LRUCache(256)
        self._styles: dict[str, Style] = {}
        self._frame: tuple[Style, int, int] | None = None  # while render_lines runs
        # What each line on screen shows (screen line -> strip), and the scroll position
        # and width it was drawn at: a change of rows, words or mark refreshes only the
        # lines whose drawing changed (``_repaint``), not the whole list.
        self._drawn: dict[int, Strip] = {}
        self._drawn_at: tuple[int, int] = (-1, -1)

    def render_row(self, value: int, width: int) -> list[Piece]:
        return [(str(value), "")]

    def is_selectable(self, value: int) -> bool:
        return True

    # -- what is shown --------------------------------------------------------------------

    @property
    def empty_text(self) -> str:
        """What the list says when it has no rows."""
        return self._empty_text

    @empty_text.setter
    def empty_text(self, text: str) -> None:
        if text != self._empty_text:
            self._empty_text = text
            if not self._rows:
                self._repaint()

    @property
    def rows(self) -> Sequence[int]:
        return self._rows

    @property
    def cursor(self) -> int:
        """The cursor's position in ``rows``; -1 when there are none."""
        return self._cursor

    @property
    def value(self) -> int | None:
        """The row value under the cursor, or None."""
        if 0 <= self._cursor < len(self._rows):
            return self._rows[self._cursor]
        return None

    def set_rows(
        self, rows: Sequence[int], *, keep: int | None = None, words: Sequence[str] | None = None
    ) -> None:
        """Show ``rows``; keep the cursor on ``keep`` (or the current value) if still shown;
        ``words``: from now on, highlight these (lower-case) words where they appear.

        Posts no ``Highlighted``: whoever changes the rows knows they changed.
        """
        before = self.value
        wanted = before if keep is None else keep
        if words is not None:
            self._words = tuple(w for w in words if w)
        self._rows = rows
        self._cache.clear()
        cursor = -1
        if wanted is not None:
            cursor = _position(rows, wanted)
        if cursor < 0 and rows:
            cursor = self._selectable_from(min(max(self._cursor, 0), len(rows) - 1), 1)
        self._cursor = cursor
        self._set_height(len(rows))
        self._repaint()
        self._scroll_to_cursor()

    def _set_height(self, rows: int) -> None:
        """The list's virtual height: ``rows`` lines. Set as a reactive, it lays out the
        whole screen again (a list's size does not depend on its rows: 3–5 ms of each
        filter key at 100,000 events); here the scrollbar follows (shown or hidden, a
        layout then, as Textual does after one) and the lines are repainted by the
        caller."""
        size = Size(0, rows)
        before = self.virtual_size.height
        if rows == before:
            return
        shown = self.scrollable_content_region.height
        # A list as high as its rows (CSS ``height: auto``, the disagreements) keeps its
        # height only while it shows fewer rows than it has, before and after.
        if not self.container_size or (
            self.styles.height is not None
            and self.styles.height.is_auto
            and not (before > shown and rows > shown)
        ):
            self.virtual_size = size  # (laid out by Textual)
            return
        self.set_reactive(RowList.virtual_size, size)
        self._scroll_update(size)

    def set_marked(self, value: int | None) -> None:
        """Mark one row as the dashboard's focus (a ● in the gutter)."""
        if value != self._marked:
            self._marked = value
            self._cache.clear()
            self._repaint()

    def move_to_value(self, value: int) -> bool:
        """Put the cursor on ``value`` if it is shown; True when it is."""
        position = _position(self._rows, value)
        if position < 0:
            return False
        self._move(position)
        return True

    def redraw(self) -> None:
        """Draw every row again (after the renderer's data changed)."""
        self._cache.clear()
        self._repaint()

    def _repaint(self) -> None:
        """Refresh the lines on screen whose drawing changed: a filter that keeps most
        rows in place, or a new focus mark, rewrites those lines and no others."""
        width = self.scrollable_content_region.width
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        if not self._drawn or self._drawn_at != (top, width) or height <= 0:
            self.refresh()
            return
        self._frame = (self.rich_style, width, top)
        try:
            for y in range(height):
                if self._drawn.get(y) != self.render_line(y):
                    self.refresh_line(top + y)
        finally:
            self._frame = None

    # -- moving ---------------------------------------------------------------------------

    def _selectable_from(self, start: int, step: int) -> int:
        """The first selectable position from ``start`` going ``step``, else the other way."""
        rows, selectable = self._rows, self.renderer.is_selectable
        n = len(rows)
        for direction in (step, -step):
            i = start
            while 0 <= i < n:
                if selectable(rows[i]):
                    return i
                i += direction
        return -1

    def _move(self, position: int) -> None:
        before = self.value
        old = self._cursor
        self._cursor = position
        if old != position:
            self.refresh_line(old)
            self.refresh_line(position)
        self._scroll_to_cursor()
        if self.value != before:
            self.post_message(self.Highlighted(self, self.value))

    def _step(self, delta: int) -> None:
        if not self._rows:
            return
        n = len(self._rows)
        target = min(max(self._cursor + delta, 0), n - 1)
        step = 1 if delta > 0 else -1
        position = self._selectable_from(target, step)
        if position >= 0:
            self._move(position)

    def _scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height
        if self._cursor < 0 or height <= 0:
            return
        top = round(self.scroll_y)
        cursor = self._cursor
        # Show a heading just above the cursor when there is one.
        want_top = (
            cursor - 1
            if cursor > 0 and not self.renderer.is_selectable(self._rows[cursor - 1])
            else cursor
        )
        if want_top < top:
            self.scroll_to(y=want_top, animate=False, immediate=True)
        elif cursor >= top + height:
            self.scroll_to(y=cursor - height + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self._step(-1)

    def action_cursor_down(self) -> None:
        self._step(1)

    def action_cursor_first(self) -> None:
        if self._rows:
            self._move(max(self._selectable_from(0, 1), 0))

    def action_cursor_last(self) -> None:
        if self._rows:
            self._move(max(self._selectable_from(len(self._rows) - 1, -1), 0))

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        self._step(-self._page())

    def action_page_down(self) -> None:
        self._step(self._page())

    def action_choose(self) -> None:
        value = self.value
        if value is not None:
            self.post_message(self.Chosen(self, value))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        position = offset.y + round(self.scroll_y)
        if 0 <= position < len(self._rows) and self.renderer.is_selectable(self._rows[position]):
            self._move(position)
            if event.chain >= 2:
                self.action_choose()

    def _on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self._scroll_to_cursor()

    def notify_style_update(self) -> None:
        # Focus, blur and theme changes restyle the rows.
        self._cache.clear()
        self._styles.clear()
        super().notify_style_update()

    # -- drawing --------------------------------------------------------------------------

    def _style(self, role: str) -> Style:
        style = self._styles.get(role)
        if style is None:
            if role == "cursor":
                # Not partial: the blurred cursor colour is translucent and must be
                # blended with the background here.
                style = self.get_component_rich_style("rowlist--cursor")
            elif role:
                style = self.get_component_rich_style(f"rowlist--{role}", partial=True)
            else:
                style = Style()
            self._styles[role] = style
        return style

    def render_lines(self, crop: Region) -> list[Strip]:
        # Everything every line needs, worked out once per frame rather than per line:
        # rich_style alone walks every ancestor's styles.
        self._frame = (self.rich_style, self.scrollable_content_region.width, round(self.scroll_y))
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        if self._frame is not None:
            base, width, top = self._frame
        else:
            base, width = self.rich_style, self.scrollable_content_region.width
            top = round(self.scroll_y)
        if self._drawn_at != (top, width):
            self._drawn.clear()
            self._drawn_at = (top, width)
        strip = self._line(y, base, width, top)
        self._drawn[y] = strip
        return strip

    def _line(self, y: int, base: Style, width: int, top: int) -> Strip:
        position = top + y
        if not self._rows:
            if y == 0 and width > 1:
                text = fit(" " + one_line(self.empty_text), width)
                return Strip([Segment(text, base + self._style("dim"))], width)
            return Strip.blank(width, base)
        if position >= len(self._rows):
            return Strip.blank(width, base)
        value = self._rows[position]
        is_cursor = position == self._cursor
        key = (value, width, is_cursor, value == self._marked)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._draw(value, width, is_cursor, base)
            self._cache[key] = strip
        return strip

    def _draw(self, value: int, width: int, is_cursor: bool, row_style: Style) -> Strip:
        base = self._style("cursor") if is_cursor else row_style
        selectable = self.renderer.is_selectable(value)
        gutter = ""
        if selectable:
            gutter = "●" if value == self._marked else " "
        pieces = self.renderer.render_row(value, max(0, width - len(gutter)))
        segments: list[Segment] = []
        if gutter:
            segments.append(Segment(gutter, base + self._style("mark")))
        words = self._words if selectable else ()
        shortest = min(map(len, words), default=0)
        match = self._style("match")
        for text, role in pieces:
            if not text:
                continue
            # On the cursor row muted text takes the cursor's colour, to stay readable.
            style = base + self._style(role) if role and not (is_cursor and role == "dim") else base
            spans = match_spans(text, words) if words and len(text) >= shortest else ()
            if not spans:
                segments.append(Segment(text, style))
                continue
            at = 0
            for start, end in spans:
                if start < at:
                    continue
                if start > at:
                    segments.append(Segment(text[at:start], style))
                segments.append(Segment(text[start:end], style + match))
                at = end
            if at < len(text):
                segments.append(Segment(text[at:], style))
        # One run per look: neighbouring pieces styled alike (a gap, the padding) are
        # joined, so the terminal gets one style sequence where one will do.
        return Strip(segments).crop_extend(0, width, base).simplify()


def _position(rows: Sequence[int], value: int) -> int:
    if isinstance(rows, range):
        return rows.index(value) if value in rows else -1
    try:
        return rows.index(value)
    except ValueError:
        return -1

"""The stance matrix: actors down, disagreements across, each cell the actor's current
stance as a glyph (and a colour that only repeats it). Drawn a line at a time, like the
panes, so a large dossier costs what the screen shows."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.app import ComposeResult
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from ..core.alignment import alignment_of
from ..core.browse import Arranged, Ref
from ..core.model import STANCES, Disagreement, Kind, Position
from . import keys
from .capture import RecordStance
from .glyphs import drawn
from .legend import NO_POSITION, STANCE_GLYPH, STANCE_ROLE, role_css
from .rowlist import fit, one_line

if TYPE_CHECKING:
    from .detail import DetailPane  # imported where used: the matrix opens after start-up

# Column headings take as many lines as the longest title needs at the column's width,
# at least two and at most a sixth of the terminal's height, up to six (the last line
# shown ends in "…" when a title needs more).
MIN_HEADER_LINES = 2
MAX_HEADER_LINES = 6
# The actor names' column: at most this wide, and at most a third of the matrix.
MAX_NAME_WIDTH = 40
# A drawn line's cache key: ("head", y, the width, the cursor's column, the first column
# on screen, the heading's lines) or ("row", actor row, the width, the cursor's row and
# column, the first column on screen).
MatrixLine = tuple[str, int, int, int, int, int]


class StanceMatrix(ScrollView, can_focus=True):
    """Actors × disagreements; a cell cursor moved with arrows or hjkl."""

    BINDINGS = keys.MATRIX

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "matrix--header",
        "matrix--name",
        "matrix--cursor",
        "matrix--crosshair",
        "matrix--empty",
        *(f"matrix--{role}" for role in set(STANCE_ROLE.values())),
    }

    DEFAULT_CSS = """
    StanceMatrix { height: 1fr; overflow-x: hidden; overflow-y: auto; scrollbar-size-vertical: 1; }
    StanceMatrix > .matrix--header { color: $text-primary; text-style: bold; }
    StanceMatrix > .matrix--name { color: $foreground; }
    StanceMatrix > .matrix--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    StanceMatrix > .matrix--crosshair { background: $boost; }
    StanceMatrix > .matrix--empty { color: $text-muted; }
    """ + "\n".join(
        role_css(f"StanceMatrix > .matrix--{role}", role, "bold")
        for role in sorted(set(STANCE_ROLE.values()))
    )

    class Moved(Message):
        def __init__(self, matrix: StanceMatrix) -> None:
            super().__init__()
            self.matrix = matrix

    class Chosen(Message):
        def __init__(self, matrix: StanceMatrix, actor: str, disagreement: str) -> None:
            super().__init__()
            self.matrix = matrix
            self.actor = actor
            self.disagreement = disagreement

    def __init__(
        self,
        arranged: Arranged,
        actors: Sequence[str],
        disagreements: Sequence[Disagreement],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.arranged = arranged
        self.actor_ids = list(actors)
        self.columns = list(disagreements)
        self.current: list[dict[str, Position]] = [d.current() for d in self.columns]
        self.row = 0
        self.col = 0
        self._col0 = 0  # first column on screen
        self._cache: LRUCache[MatrixLine, Strip] = LRUCache(256)
        self._styles: dict[str, Style] = {}
        self._longest = max(
            (cell_len(drawn(one_line(arranged.actor_name(a)))) for a in self.actor_ids), default=8
        )
        self._titles = [one_line(d.title) for d in self.columns]
        self._longest_title = max((cell_len(drawn(t)) for t in self._titles), default=5)
        self._headings: dict[tuple[int, int], list[str]] = {}  # (column, width) -> lines
        self.virtual_size = Size(0, len(self.actor_ids) + MIN_HEADER_LINES)

    # -- geometry -----------------------------------------------------------------------------

    def _name_width(self, width: int) -> int:
        """The names' column: as wide as the longest name, within limits."""
        return max(6, min(self._longest + 1, MAX_NAME_WIDTH, width // 3))

    def _col_width(self, width: int) -> int:
        if not self.columns:
            return 5
        # Narrower than 9 and titles stop being words; when every column fits, they
        # share the room there is (up to a title's whole length on one line); when not,
        # 9 to 16 cells each, and the matrix scrolls sideways.
        room = width - self._name_width(width)
        share = room // len(self.columns)
        if share >= 9:
            return min(share, self._longest_title + 2)
        return max(9, min(16, share))

    def _cols_on_screen(self, width: int) -> int:
        return max(1, (width - self._name_width(width)) // self._col_width(width))

    def _heading(self, column: int, width: int) -> list[str]:
        """Column ``column``'s title wrapped to its width (one line each)."""
        key = (column, width)
        lines = self._headings.get(key)
        if lines is None:
            col_w = self._col_width(width)
            title = drawn(self._titles[column])
            lines = textwrap.wrap(title, col_w - 1, break_long_words=False) or [""]
            self._headings[key] = lines
        return lines

    def header_lines(self, width: int | None = None) -> int:
        """Lines of column headings: what the longest title shown needs, within limits."""
        if width is None:
            width = self.scrollable_content_region.width
        shown = self._visible_columns(width)
        needed = max((len(self._heading(c, width)) for c in shown), default=MIN_HEADER_LINES)
        most = max(MIN_HEADER_LINES, min(MAX_HEADER_LINES, self.app.size.height // 6))
        return min(most, max(MIN_HEADER_LINES, needed))

    # -- state ----------------------------------------------------------------------------------

    def position(self) -> Position | None:
        if not self.actor_ids or not self.columns:
            return None
        return self.current[self.col].get(self.actor_ids[self.row])

    def cell(self) -> tuple[str, Disagreement] | None:
        if not self.actor_ids or not self.columns:
            return None
        return self.actor_ids[self.row], self.columns[self.col]

    def update(self, arranged: Arranged) -> None:
        """A new dossier (a save, a refresh): the same columns and actors as they read
        now, and any actor that came to hold a position on them, the cursor kept."""
        self.arranged = arranged
        data = arranged.dataset
        self.columns = [
            data.disagreements[d.id] for d in self.columns if d.id in data.disagreements
        ]
        self.current = [d.current() for d in self.columns]
        holders = {p.actor for d in self.columns for p in d.positions}
        shown = [a for a in self.actor_ids if a in data.actors]
        taken = set(shown)
        self.actor_ids = shown + [a for a in data.actors if a in holders and a not in taken]
        self._longest = max((cell_len(arranged.actor_name(a)) for a in self.actor_ids), default=8)
        self.virtual_size = Size(0, len(self.actor_ids) + self.header_lines())
        self.row = min(self.row, max(len(self.actor_ids) - 1, 0))
        self.col = min(self.col, max(len(self.columns) - 1, 0))
        self._cache.clear()
        self.refresh()

    def reorder(self, actors: Sequence[str]) -> None:
        """Show the same actors in another order, the cursor kept on its actor."""
        current = self.actor_ids[self.row] if self.actor_ids else None
        self.actor_ids = list(actors)
        if current in self.actor_ids:
            self.row = self.actor_ids.index(current)
        self._cache.clear()
        self._follow()
        self.refresh()

    def _set(self, row: int, col: int) -> None:
        if not self.actor_ids or not self.columns:
            return
        row = min(max(row, 0), len(self.actor_ids) - 1)
        col = min(max(col, 0), len(self.columns) - 1)
        if (row, col) == (self.row, self.col):
            return
        self.row, self.col = row, col
        self._cache.clear()
        self._follow()
        self.refresh()
        self.post_message(self.Moved(self))

    def _follow(self) -> None:
        width = self.scrollable_content_region.width
        visible = self._cols_on_screen(width) if width else 1
        if self.col < self._col0:
            self._col0 = self.col
        elif self.col >= self._col0 + visible:
            self._col0 = self.col - visible + 1
        height = self.scrollable_content_region.height - self.header_lines(width)
        if height <= 0:
            return
        top = round(self.scroll_y)
        if self.row < top:
            self.scroll_to(y=self.row, animate=False, immediate=True)
        elif self.row >= top + height:
            self.scroll_to(y=self.row - height + 1, animate=False, immediate=True)

    def action_move(self, dx: int, dy: int) -> None:
        self._set(self.row + dy, self.col + dx)

    def action_first(self) -> None:
        self._set(0, self.col)

    def action_last(self) -> None:
        self._set(len(self.actor_ids) - 1, self.col)

    def action_page(self, direction: int) -> None:
        page = max(1, self.scrollable_content_region.height - self.header_lines() - 1)
        self._set(self.row + direction * page, self.col)

    def action_choose(self) -> None:
        cell = self.cell()
        if cell is not None:
            self.post_message(self.Chosen(self, cell[0], cell[1].id))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        width = self.scrollable_content_region.width
        name_w, col_w = self._name_width(width), self._col_width(width)
        head = self.header_lines(width)
        row = offset.y - head + round(self.scroll_y)
        col = self._col0 + (offset.x - name_w) // col_w if offset.x >= name_w else self.col
        if offset.y < head:
            row = self.row
        if 0 <= row < len(self.actor_ids) and 0 <= col < len(self.columns):
            self._set(row, col)
            if event.chain >= 2:
                self.action_choose()

    def _on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self._headings.clear()
        self.virtual_size = Size(0, len(self.actor_ids) + self.header_lines())
        self._follow()

    def notify_style_update(self) -> None:
        self._cache.clear()
        self._styles.clear()
        super().notify_style_update()

    # -- drawing ----------------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            if name == "crosshair":
                # Only the (translucent, so blended here) background: the glyph keeps its colour.
                style = Style(bgcolor=self.get_component_rich_style("matrix--crosshair").bgcolor)
            elif name == "cursor":
                style = self.get_component_rich_style("matrix--cursor")
            else:
                style = self.get_component_rich_style(f"matrix--{name}", partial=True)
            self._styles[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        head = self.header_lines(width)
        if y < head:
            key: MatrixLine = ("head", y, width, self.col, self._col0, head)
        else:
            key = (
                "row",
                round(self.scroll_y) + y - head,
                width,
                self.row,
                self.col,
                self._col0,
            )
        strip = self._cache.get(key)
        if strip is None:
            if y < head:
                segments = self._header(y, head, width, base)
            else:
                segments = self._row(round(self.scroll_y) + y - head, width, base)
            strip = Strip(segments).crop_extend(0, width, base)
            self._cache[key] = strip
        return strip

    def _visible_columns(self, width: int) -> range:
        return range(self._col0, min(len(self.columns), self._col0 + self._cols_on_screen(width)))

    def _header(self, y: int, lines_shown: int, width: int, base: Style) -> list[Segment]:
        name_w, col_w = self._name_width(width), self._col_width(width)
        head = base + self._style("header")
        if y == 0:
            label = f"{len(self.actor_ids)} actors"
        elif y > 1:
            label = ""
        else:
            shown = self._visible_columns(width)
            hidden = len(shown) < len(self.columns)
            label = f"cols {shown.start + 1}–{shown.stop} of {len(self.columns)}" if hidden else ""
        segments = [Segment(fit(label, name_w - 1) + " ", base + self._style("empty"))]
        for c in self._visible_columns(width):
            lines = self._heading(c, width)
            text = lines[y] if y < len(lines) else ""
            if y == lines_shown - 1 and len(lines) > lines_shown:
                text = fit(text + " " + lines[lines_shown], col_w - 1, pad=False)
            style = head + (self._style("cursor") if c == self.col else Style())
            segments.append(Segment(fit(" " + fit(text, col_w - 1, pad=False), col_w), style))
        return segments

    def _row(self, r: int, width: int, base: Style) -> list[Segment]:
        if r >= len(self.actor_ids):
            return []
        name_w, col_w = self._name_width(width), self._col_width(width)
        actor = self.actor_ids[r]
        on_row = r == self.row
        name_style = base + self._style("name") + (self._style("crosshair") if on_row else Style())
        if on_row:
            name_style += Style(bold=True)
        segments = [Segment(fit(one_line(self.arranged.actor_name(actor)), name_w), name_style)]
        for c in self._visible_columns(width):
            position = self.current[c].get(actor)
            if position is None:
                glyph, role = NO_POSITION, "empty"
            else:
                glyph, role = STANCE_GLYPH[position.stance], STANCE_ROLE[position.stance]
            style = base + self._style(role)
            if on_row or c == self.col:
                style += self._style("crosshair")
            if on_row and c == self.col:
                style = base + self._style("cursor")
            left = (col_w - 1) // 2
            segments.append(Segment(" " * left + glyph + " " * (col_w - left - 1), style))
        return segments


class CampOrder(Message):
    """The matrix's actors with camps together (a worker's answer)."""

    def __init__(self, order: list[str]) -> None:
        super().__init__()
        self.order = order


class MatrixScreen(Screen[Ref | None]):
    """The matrix above the detail of the position under the cursor; Enter opens it."""

    BINDINGS = keys.MATRIX_SCREEN

    def __init__(
        self, arranged: Arranged, actor_rows: Sequence[int], disagreement_rows: Sequence[int]
    ) -> None:
        super().__init__()
        self.arranged = arranged
        columns = [arranged.disagreements[i] for i in disagreement_rows]
        holders = {p.actor for d in columns for p in d.positions}
        actors = [arranged.actors[i].id for i in actor_rows if arranged.actors[i].id in holders]
        self.matrix = StanceMatrix(arranged, actors, columns, id="matrix")
        self.by_camps = False  # o: actors ordered with camps together instead of by name

    def compose(self) -> ComposeResult:
        from .detail import DetailPane

        matrix = self.matrix
        yield Static(self._title(), id="matrix-title")
        yield matrix
        yield DetailPane(id="matrix-detail")
        legend = [("Legend  ", "bold")]
        for stance in STANCES:
            legend.append((f"{STANCE_GLYPH[stance]} {stance}   ", ""))
        legend.append((f"{NO_POSITION} no position", "$foreground-muted"))
        yield Static(Content.assemble(*legend), id="matrix-legend")
        yield Footer(compact=True)

    def _title(self) -> Content:
        matrix = self.matrix
        order = (
            "camps together (o: by name)" if self.by_camps else "actors by name (o: camps together)"
        )
        shape = f"  {len(matrix.actor_ids)} actors × {len(matrix.columns)} disagreements"
        return Content.assemble(
            ("Stance matrix", "bold $text-accent"),
            (f"{shape}  · each actor's current stance · {order}", "$foreground-muted"),
        )

    def on_mount(self) -> None:
        self.matrix.focus()
        self._describe()

    def show_arranged(self, arranged: Arranged) -> None:
        """A new dossier is shown (the app calls this): the matrix and detail follow it."""
        self.arranged = arranged
        self.matrix.update(arranged)
        self._describe(force=True)
        if self.by_camps:
            self._order_by_camps(self.matrix.columns)
        else:
            self.matrix.reorder(self._by_name())
        self.query_one("#matrix-title", Static).update(self._title())

    def _by_name(self) -> list[str]:
        """The matrix's actors in the actors pane's order (by name)."""
        row = self.arranged.row[Kind.ACTOR]
        return sorted(self.matrix.actor_ids, key=lambda a: row.get(a, len(row)))

    def action_order(self) -> None:
        """``o``: the actors with camps together (as the alignment view), or by name."""
        self.by_camps = not self.by_camps
        if self.by_camps:
            self._order_by_camps(self.matrix.columns)
        else:
            self.workers.cancel_group(self, "matrix-order")
            self.matrix.reorder(self._by_name())
        self.query_one("#matrix-title", Static).update(self._title())

    @work(thread=True, exclusive=True, exit_on_error=False, group="matrix-order")
    def _order_by_camps(self, columns: list[Disagreement]) -> None:
        order = alignment_of(columns).order()
        if not get_current_worker().is_cancelled:
            self.post_message(CampOrder(order))

    def on_camp_order(self, message: CampOrder) -> None:
        if not self.by_camps:
            return
        shown = set(self.matrix.actor_ids)
        ordered = [a for a in message.order if a in shown]
        taken = set(ordered)
        # Actors with only unknown stances are in no camp: last, by name.
        self.matrix.reorder(ordered + [a for a in self._by_name() if a not in taken])

    def on_stance_matrix_moved(self, message: StanceMatrix.Moved) -> None:
        self._describe()

    def _describe(self, force: bool = False) -> None:
        from .detail import DetailPane

        detail = self.query_one(DetailPane)
        cell = self.matrix.cell()
        if cell is None:
            detail.show_message("No positions to show under the current focus and filter.")
            return
        actor, disagreement = cell
        if self.matrix.position() is None:
            name = self.arranged.actor_name(actor)
            detail.show_message(f"{name} holds no recorded position on {disagreement.title}.")
            return
        detail.show(self.arranged, Ref(Kind.DISAGREEMENT, disagreement.id, actor), force=force)

    def on_stance_matrix_chosen(self, message: StanceMatrix.Chosen) -> None:
        disagreement = self.arranged.dataset.disagreements.get(message.disagreement)
        if disagreement is None or not any(
            p.actor == message.actor for p in disagreement.positions
        ):
            title = disagreement.title if disagreement else message.disagreement
            self.app.notify(
                drawn(
                    f"{self.arranged.actor_name(message.actor)} holds no recorded position on "
                    f"{title}."
                ),
                markup=False,
            )
            return
        self.dismiss(Ref(Kind.DISAGREEMENT, message.disagreement, message.actor))

    def on_detail_pane_follow(self, message: DetailPane.Follow) -> None:
        self.dismiss(message.ref)

    def action_record_stance(self) -> None:
        """``s``: a form for the stance of the actor on the disagreement under the cursor."""
        cell = self.matrix.cell()
        if cell is not None:
            actor, disagreement = cell
            self.app.post_message(RecordStance(disagreement.id, actor))

    def action_close(self) -> None:
        self.dismiss(None)

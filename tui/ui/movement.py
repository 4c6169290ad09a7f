"""Time travel and movement on screen: the date form of ``t`` (as of) and ``T`` (since),
and the "moved since" list (``M``): every stance that moved, both positions, the
detail of the one under the cursor (its history with citations) below; Enter goes to
it. What counts as a move, and how imprecise dates are compared: core/movement.py."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, Static

from ..core.browse import Arranged, Ref
from ..core.dates import DateError, EDate
from ..core.model import Disagreement, Kind, Position
from ..core.movement import Move
from ..core.text import counted
from . import keys
from .detail import DetailPane
from .legend import STANCE_GLYPH, STANCE_ROLE
from .rowlist import Piece, RowList, fit, one_line

MUTED = "$foreground-muted"
DATE_HINT = "2013-01-01, 2013-05, 2013, 2013~, ../2025"


def travel_refusal(as_of: EDate, what: str) -> str:
    """Why ``what`` (``stances are recorded``) is refused while travelling, and the way back."""
    return (
        f"Time travel (as of {as_of.text}): {what} only in the present, since the views "
        "show the dossier as it stood then. Esc on the dashboard returns to now."
    )


class DateForm(ModalScreen[EDate | None]):
    """One date in any form the format takes; dismissed with it, or with None when the
    field is left empty ("back to now", "no since date"). Esc closes it, changing nothing
    (the app is then not called back)."""

    BINDINGS = keys.CAPTURE_FORM

    def __init__(self, title: str, label: str, explain: str, value: str = "") -> None:
        super().__init__(classes="capture-form")
        self.form_title = title
        self.label = label
        self.explain = explain
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="capture-body") as body:
            body.border_title = self.form_title
            body.border_subtitle = "Enter sets it · empty: none · Esc cancels"
            with Horizontal(classes="capture-row"):
                yield Label(self.label, classes="capture-label", markup=False)
                yield Input(self.value, placeholder=DATE_HINT, id="field-date", compact=True)
            yield Static("", id="error-date", classes="capture-error", markup=False)
            yield Static(Content.styled(self.explain, MUTED), id="capture-hint")

    def on_mount(self) -> None:
        self.query_one("#error-date").display = False
        self.query_one("#field-date", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.dismiss(None)
            return
        try:
            date = EDate.parse(text)
        except DateError as error:
            line = self.query_one("#error-date", Static)
            line.update(str(error))
            line.display = True
            return
        self.dismiss(date)

    def action_cancel(self) -> None:
        self.app.pop_screen()


def move_pieces(move: Move) -> list[Piece]:
    """``◆→▼`` with the new stance's role: the move as the matrix and the panes show it."""
    return [(move.glyphs, STANCE_ROLE[move.after.stance])]


def held_pieces(arranged: Arranged, focus: Ref | None, disagreement: Disagreement) -> list[Piece]:
    """Focused on an actor: its stance on ``disagreement`` (``▼``, or its move ``◆→▼``)
    and a dashed bar, to stand before the tally; nothing when it holds no position, or when the
    focus is not an actor."""
    if focus is None or focus.kind is not Kind.ACTOR:
        return []
    return stance_pieces(arranged, focus.id, disagreement, bar=True)


def stance_pieces(
    arranged: Arranged, actor: str, disagreement: Disagreement, *, bar: bool = False
) -> list[Piece]:
    """``actor``'s stance on ``disagreement`` as the view stands (its move since the
    since date when it moved), with the stance's role; ``bar``: followed by `` ┊ `` (not
    ``│``, which reads as a pane's border)."""
    move = arranged.moved.get((disagreement.id, actor))
    if move is not None:
        pieces = move_pieces(move)
    else:
        position = disagreement.current().get(actor)
        if position is None:
            return []
        pieces = [(STANCE_GLYPH[position.stance], STANCE_ROLE[position.stance])]
    return [*pieces, (" ┊ ", "dim")] if bar else pieces


class MovedList(RowList):
    """The moves, one a row: glyphs, actor, disagreement, old → new with their dates."""

    BINDINGS = keys.MOVED_LIST

    def __init__(self, arranged: Arranged, moves: Sequence[Move], *, id: str | None = None) -> None:
        super().__init__(empty_text="No stance moved", id=id)
        self.arranged = arranged
        self.moves = list(moves)

    def render_row(self, value: int, width: int) -> list[Piece]:
        move = self.moves[value]
        name = one_line(self.arranged.actor_name(move.actor))
        title = one_line(move.disagreement.title)
        change = f"{_was(move.before)} → {_was(move.after)}"
        rest = max(0, width - 5)
        change_w = min(cell_len(change) + 2, rest // 2)
        name_w = min(cell_len(name), max(8, (rest - change_w) // 2))
        title_w = max(0, rest - change_w - name_w - 4)
        return [
            (fit(move.glyphs, 3), STANCE_ROLE[move.after.stance]),
            ("  ", ""),
            (fit(name, name_w), "bold"),
            (" on ", "dim"),
            (fit(title, title_w), ""),
            (fit("  " + change, change_w), ""),
        ]


def _was(position: Position | None) -> str:
    if position is None:
        return "none"
    return position.stance + (f" {position.as_of.text}" if position.as_of else "")


class MovedScreen(Screen[Ref | None]):
    """Every stance that moved since the "since" date (until the as-of date when
    travelling); dismissed with the position chosen, or None."""

    BINDINGS = keys.MOVED_SCREEN

    def __init__(self, arranged: Arranged) -> None:
        super().__init__(id="moved-screen")
        self.arranged = arranged
        self.moves = list(arranged.moved.values())
        self.list = MovedList(arranged, self.moves, id="moved")

    def compose(self) -> ComposeResult:
        arranged = self.arranged
        assert arranged.since is not None
        span = f"since {arranged.since.text}"
        if arranged.as_of is not None:
            span += f" until {arranged.as_of.text}"
        yield Static(
            Content.assemble(
                (f"Moved {span}", "bold $text-accent"),
                (f"   {counted(len(self.moves), 'stance')} · old → new · Enter goes to it", MUTED),
            ),
            id="moved-title",
        )
        yield self.list
        yield DetailPane(id="moved-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.list.border_title = "Moved"
        self.list.set_rows(range(len(self.moves)))
        self.list.focus()
        self._describe()

    def on_row_list_highlighted(self, message: RowList.Highlighted) -> None:
        message.stop()
        self._describe()

    def _describe(self) -> None:
        detail = self.query_one(DetailPane)
        value = self.list.value
        if value is None:
            detail.show_message("No stance moved over this span.")
            return
        move = self.moves[value]
        detail.show(self.arranged, Ref(Kind.DISAGREEMENT, move.disagreement.id, move.actor))

    def on_row_list_chosen(self, message: RowList.Chosen) -> None:
        message.stop()
        move = self.moves[message.value]
        self.dismiss(Ref(Kind.DISAGREEMENT, move.disagreement.id, move.actor))

    def on_detail_pane_follow(self, message: DetailPane.Follow) -> None:
        self.dismiss(message.ref)

    def action_close(self) -> None:
        self.dismiss(None)

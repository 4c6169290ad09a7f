"""The screens of dates, opened over the dashboard: the date form of time travel and the
since date (``t``, ``T``), what moved since then (``M``) and the timeline's date range
form (``[``, ``]``).

Apart from movement.py, whose pieces the dashboard's panes draw in the first frame:
these are imported when first opened (a Textual class costs about 2 M instructions to
create at import).
"""

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
from ..core.model import Kind, Position
from ..core.movement import Move
from ..core.period import Period
from ..core.text import counted, sanitise
from . import keys
from .detail import DetailPane
from .legend import STANCE_ROLE
from .rowlist import Piece, RowList, fit, one_line

MUTED = "$foreground-muted"
DATE_HINT = "2013-01-01, 2013-05, 2013, 2013~, ../2025"


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


class DateRangeForm(ModalScreen[Period | None]):
    """``[`` or ``]``: one date, the start or the end of the timeline's range; dismissed
    with the new range, or None when cancelled."""

    BINDINGS = keys.DATE_RANGE_FORM

    def __init__(self, period: Period, end: str) -> None:
        super().__init__(classes="capture-form")
        self.period = period
        self.end = end  # "start" or "end"

    def compose(self) -> ComposeResult:
        which = "from" if self.end == "start" else "until"
        current = self.period.start if self.end == "start" else self.period.end
        with Vertical(id="capture-body") as body:
            body.border_title = f"Timeline {which} a date"
            body.border_subtitle = "Enter sets · empty: no limit · Esc cancels"
            yield Input(
                current.text if current is not None else "",
                placeholder="2013, 2013-01, 2013-01-18, 2012-12~, ../2014",
                id="date-range",
                compact=True,
            )
            yield Static("", id="date-range-error", classes="capture-error", markup=False)
            yield Static(
                Content.styled(
                    "An event is shown when any day it may have happened on is in the range "
                    "(2013 reaches from 1 Jan to 31 Dec).",
                    MUTED,
                ),
                id="capture-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#date-range-error").display = False
        self.query_one("#date-range", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        try:
            date = EDate.parse(text) if text else None
        except DateError as error:
            self._error(str(error))
            return
        start, end = self.period.start, self.period.end
        if self.end == "start":
            start = date
        else:
            end = date
        period = Period(start, end)
        if start is not None and end is not None and period.bounds[0] > period.bounds[1]:
            self._error(f"the range would end ({end.text}) before it starts ({start.text})")
            return
        self.dismiss(period)

    def _error(self, message: str) -> None:
        line = self.query_one("#date-range-error", Static)
        line.update(sanitise(message)[0])
        line.display = True

    def action_cancel(self) -> None:
        self.dismiss(None)

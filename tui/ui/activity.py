"""Activity over time on screen: the sparkline at the top of the timeline (for what the
timeline shows: the whole dossier, the focus, the filter, the date range), the same
lines in the detail of an actor and of a disagreement, and the date range form (``[``,
``]``).

A sparkline is a labelled row of block characters per half (``coop``, ``conflict``,
``untyped``): the row's word carries the meaning, so it reads without colour. The counts
come from ``core.activity`` and are cached per arranged view and filter by the
dashboard; drawing only scales them to the width.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Static

from ..core.activity import ROW_LABEL, Activity
from ..core.dates import DateError, EDate
from ..core.period import Period
from ..core.text import sanitise
from . import keys
from .glyphs import drawn
from .rowlist import one_line

MUTED = "$foreground-muted"
# The rows' labels take this many cells ("conflict" and a space).
LABEL_WIDTH = 9
# The detail pane's sparkline: at most this many cells of bars.
DETAIL_BARS = 24


def spark_lines(activity: Activity, bars: int) -> list[Content]:
    """One line per half with events: its label, then at most ``bars`` cells of blocks."""
    return [
        Content.assemble((ROW_LABEL[half].ljust(LABEL_WIDTH), MUTED), (line, "bold"))
        for half, line in activity.rows(max(1, bars))
    ]


def spark_note(activity: Activity, bars: int) -> str:
    """What one cell stands for, when several months share it."""
    per_cell = activity.per_cell(max(1, bars))
    return f" · {per_cell} months a cell" if per_cell > 1 else ""


class ActivityStrip(Widget):
    """The sparkline over the timeline, for the events it shows."""

    DEFAULT_CSS = """
    ActivityStrip { height: auto; padding: 0 0 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.activity: Activity | None = None
        self.scope = ""

    def show(self, activity: Activity | None, scope: str) -> None:
        """``activity`` of what the timeline shows (None: still being counted)."""
        self.activity, self.scope = activity, scope
        self.refresh(layout=True)

    def render(self) -> Content:
        activity = self.activity
        if activity is None:
            return Content.styled("Activity: counting…", MUTED)
        bars = self.size.width - LABEL_WIDTH if self.size.width else 60
        head = Content.assemble(
            ("Activity ", "bold"),
            activity.label() + spark_note(activity, bars),
            (f" · {drawn(one_line(self.scope))}" if self.scope else "", MUTED),
        )
        return Content("\n").join([head, *spark_lines(activity, bars)])

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        activity = self.activity
        return 1 + (len(activity.rows(max(1, width - LABEL_WIDTH))) if activity else 0)


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

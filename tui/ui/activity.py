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

from textual.content import Content
from textual.widget import Widget

from ..core.activity import ROW_LABEL, Activity
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
        """``activity`` of what the timeline shows (None: still being counted). The screen
        is laid out again only when the strip's height changes (a layout of the whole
        screen: several milliseconds of each filter key at 100,000 events)."""
        width = self.size.width
        before = self.get_content_height(None, None, width)
        self.activity, self.scope = activity, scope
        self.refresh(layout=not width or self.get_content_height(None, None, width) != before)

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

"""The timeline pane: events in date order under year headings, dates exactly as
written; planned and expected events last, marked, with their likelihood."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len

from ..core.browse import TimelineRows
from ..core.model import Event, Kind
from .legend import EVENT_MARK
from .pane import EntityPane, marked
from .rowlist import Piece, fit, one_line


class TimelinePane(EntityPane):
    pane = Kind.EVENT
    label = "Timeline"
    noun = "events"

    def rows_for(self, entity_rows: Sequence[int]) -> Sequence[int]:
        assert self.arranged is not None
        return self.arranged.timeline_rows(entity_rows)

    def count(self, rows: Sequence[int]) -> int:
        if isinstance(rows, TimelineRows):
            return rows.event_count
        return sum(1 for value in rows if value >= 0)

    def render_row(self, value: int, width: int) -> list[Piece]:
        assert self.arranged is not None
        return marked(self.arranged, self.pane, value, width, self._draw_row)

    def _draw_row(self, value: int, width: int) -> list[Piece]:
        assert self.arranged is not None
        arranged = self.arranged
        if value < 0:
            label = arranged.groups[-value - 1]
            head = f"── {label} "
            return [(fit(head + "─" * max(0, width - cell_len(head)), width), "header")]
        event = arranged.events[value]
        pieces = self._event_pieces(event, width)
        if arranged.is_later(event):
            # Time travel: what came later is dimmed, not hidden, and marked "later"
            # (read without colour: the mark replaces the event's own).
            pieces = [("›", "dim"), *((text, "dim") for text, _ in pieces[1:])]
        return pieces

    def _event_pieces(self, event: Event, width: int) -> list[Piece]:
        assert self.arranged is not None
        arranged = self.arranged
        state = event.state
        date_w = min(arranged.date_width, max(4, width // 3))
        pieces: list[Piece] = [
            (EVENT_MARK.get(state, "•"), "dim" if event.is_reported else "warn"),
            (" ", ""),
            (fit(event.date.text, date_w), "accent"),
            (" ", ""),
        ]
        rest = width - 2 - date_w - 1
        # On the right, for events that have not happened, their status and likelihood;
        # then the source's own wording of the date. The title keeps most of the row.
        status = ""
        if not event.is_reported:
            # Narrow: the mark already says "planned"; keep the likelihood.
            status = (
                event.likelihood or state
                if rest < 50
                else state + (f" · {event.likelihood}" if event.likelihood else "")
            )
        budget = max(rest // 2, rest - 24) if status else (rest // 3 if rest >= 50 else 0)
        status_w = min(cell_len(status) + 1, budget) if status else 0
        wording = f"“{one_line(event.date_text)}”" if event.date_text else ""
        room = budget - status_w
        wording_w = min(cell_len(wording) + 1, room) if wording and room >= 8 else 0
        pieces.append((fit(one_line(event.title), rest - status_w - wording_w), ""))
        if wording_w:
            pieces.append((fit(" " + wording, wording_w), "dim"))
        if status_w:
            pieces.append((fit(" " + status, status_w), "warn"))
        return pieces

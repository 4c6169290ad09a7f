"""Activity over time: events counted per month, split into PLOVER's cooperation and
conflict halves, and drawn as a sparkline of block characters.

Which half: GDELT's QuadClass when the importer kept it (``x_gdelt.quad_class``: 1 and 2,
verbal and material cooperation; 3 and 4, verbal and material conflict), otherwise the
PLOVER type (AGREE … RETREAT cooperation, REQUEST … ASSAULT conflict); an event with
neither is ``untyped``.

Which month: a date known to the month or the day (``2012-09``, ``2013-01-18``, with or
without ``?``/``~``) counts in its month. A year-only date (``2013``) or an interval
(``../2025``, ``2013-01/2013-03``) is not placed in any month, never given a made-up one
and never spread thinly over several: it is counted apart ("3 not in a month") so that
the bars only ever show what the sources dated to the month. Only reported events are
activity; planned, expected and hypothetical ones are counted apart in the same way.

Counting is one ``bincount`` over the rows shown (``MonthIndex`` holds each event's month
and half, built once per arranged view), and the dashboard caches the result per view
and filter: drawing a frame never walks the events.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is imported where it is used: not at start (75 ms)
    import numpy as np
    import numpy.typing as npt

from .dates import EDate, Precision
from .model import EVENT_TYPES, Event
from .records import record

COOPERATION = EVENT_TYPES[: EVENT_TYPES.index("RETREAT") + 1]
CONFLICT = EVENT_TYPES[EVENT_TYPES.index("REQUEST") :]
# The halves, in the order the sparkline's rows are drawn, and their row labels.
HALVES = ("cooperation", "conflict", "untyped")
ROW_LABEL = {"cooperation": "coop", "conflict": "conflict", "untyped": "untyped"}
_HALF_OF_TYPE = {**dict.fromkeys(COOPERATION, 0), **dict.fromkeys(CONFLICT, 1)}
_HALF_OF_QUAD = {1: 0, 2: 0, 3: 1, 4: 1}
_UNTYPED = 2
# From the lowest to the highest: a count above zero always shows at least "▁".
BLOCKS = "▁▂▃▄▅▆▇█"
# Not a month: a year-only or interval date, or an event that has not happened.
NO_MONTH = -1


def half(event: Event) -> int:
    """0 cooperation, 1 conflict, 2 untyped: QuadClass first, then the PLOVER type."""
    gdelt = event.extra.get("x_gdelt")
    if isinstance(gdelt, Mapping):
        quad = _HALF_OF_QUAD.get(gdelt.get("quad_class"))  # type: ignore[arg-type]
        if quad is not None:
            return quad
    return _HALF_OF_TYPE.get(event.type or "", _UNTYPED)


def month_of(event: Event) -> int:
    """Months since year 0 (``year * 12 + month - 1``), or ``NO_MONTH`` (see the module)."""
    return _month(event.date) if event.is_reported else NO_MONTH


@lru_cache(maxsize=65536)  # dates repeat: a timeline of 100,000 events holds far fewer
def _month(date: EDate) -> int:
    if date.is_interval or date.precision is Precision.YEAR:
        return NO_MONTH
    return date.earliest.year * 12 + date.earliest.month - 1


def month_text(month: int) -> str:
    """``2013-01`` for a month counted by ``month_of``."""
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


class MonthIndex:
    """Each event's month and half, by row of an arranged timeline: built once."""

    def __init__(self, events: Sequence[Event]) -> None:
        import numpy as np

        self.month: npt.NDArray[np.int32] = np.fromiter(
            (month_of(e) for e in events), dtype=np.int32, count=len(events)
        )
        self.half: npt.NDArray[np.int8] = np.fromiter(
            (half(e) for e in events), dtype=np.int8, count=len(events)
        )

    def spliced(self, pieces: Sequence[range | Sequence[Event]]) -> MonthIndex:
        """The index of a timeline made of these pieces: runs of this one's rows, and
        events new to it (see ``browse.Arranged.after``), all in C but for the new events."""
        new = MonthIndex([e for piece in pieces if not isinstance(piece, range) for e in piece])
        new.month, new.half = spliced_columns(
            (self.month, self.half), (new.month, new.half), pieces
        )
        return new

    def activity(self, rows: Sequence[int] | None = None) -> Activity:
        """The activity of the events at ``rows`` (every event when None)."""
        import numpy as np

        if rows is None:
            month, halves = self.month, self.half
        else:
            picked = np.fromiter(rows, dtype=np.int64, count=len(rows))
            month, halves = self.month[picked], self.half[picked]
        placed = month != NO_MONTH
        unplaced = int(len(month) - np.count_nonzero(placed))
        month, halves = month[placed], halves[placed]
        if not len(month):
            return Activity(0, ((), (), ()), unplaced)
        first = int(month.min())
        span = int(month.max()) - first + 1
        counts = np.bincount((month - first) * 3 + halves, minlength=span * 3).reshape(span, 3)
        rows_out = tuple(tuple(int(v) for v in counts[:, h]) for h in range(3))
        return Activity(first, (rows_out[0], rows_out[1], rows_out[2]), unplaced)


def activity_of(events: Iterable[Event]) -> Activity:
    """The activity of a few events (an actor's or a disagreement's own, for the detail
    pane), counted in plain Python: what ``MonthIndex(events).activity()`` returns, without
    numpy, which the first frame would otherwise wait 75 ms to import."""
    counts: Counter[tuple[int, int]] = Counter()
    unplaced = 0
    for event in events:
        month = month_of(event)
        if month == NO_MONTH:
            unplaced += 1
        else:
            counts[month, half(event)] += 1
    if not counts:
        return Activity(0, ((), (), ()), unplaced)
    first = min(month for month, _ in counts)
    months = range(first, max(month for month, _ in counts) + 1)
    cooperation, conflict, untyped = (tuple(counts[m, h] for m in months) for h in range(3))
    return Activity(first, (cooperation, conflict, untyped), unplaced)


@record(slots=True)
class Activity:
    """Events per month from ``first`` on: one count per month for each half."""

    first: int
    counts: tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]
    unplaced: int = 0  # events not placed in a month (see the module)

    @property
    def months(self) -> int:
        return len(self.counts[0])

    @property
    def placed(self) -> int:
        return sum(sum(row) for row in self.counts)

    def total(self, month: int) -> int:
        """All events in the ``month``-th month from ``first``."""
        return sum(row[month] for row in self.counts)

    def peak(self) -> tuple[int, int]:
        """The busiest month (the earliest of equals) and its count; (first, 0) if none."""
        best, most = 0, 0
        for m in range(self.months):
            count = self.total(m)
            if count > most:
                best, most = m, count
        return self.first + best, most

    def label(self) -> str:
        """``2012-09 – 2013-01 · peak 2 (2013-01) · 3 not in a month``."""
        parts = []
        if self.months:
            last = month_text(self.first + self.months - 1)
            span = month_text(self.first) + ("" if self.months == 1 else f" – {last}")
            month, most = self.peak()
            parts += [span, f"peak {most} ({month_text(month)})"]
        else:
            parts.append("no event dated to the month")
        if self.unplaced:
            parts.append(f"{self.unplaced} not in a month")
        return " · ".join(parts)

    def rows(self, width: int) -> list[tuple[str, str]]:
        """The sparkline in ``width`` cells or fewer: (half, bars) for each half that has
        events, all on one scale. Months share a cell when there are more than cells,
        ``per_cell`` of them each."""
        per_cell = self.per_cell(width)
        columns = [_binned(row, per_cell) for row in self.counts]
        peak = max((max(c, default=0) for c in columns), default=0)
        return [(HALVES[h], _bars(columns[h], peak)) for h in range(3) if any(self.counts[h])]

    def per_cell(self, width: int) -> int:
        """How many months one cell of a sparkline ``width`` cells wide stands for."""
        return max(1, math.ceil(self.months / max(1, width)))


def _binned(row: Sequence[int], per_cell: int) -> list[int]:
    return [sum(row[i : i + per_cell]) for i in range(0, len(row), per_cell)]


def _bars(values: Sequence[int], peak: int) -> str:
    """A block per value scaled to ``peak``; a space for none."""
    if peak <= 0:
        return " " * len(values)
    top = len(BLOCKS)
    return "".join(
        BLOCKS[min(top, max(1, math.ceil(v * top / peak))) - 1] if v > 0 else " " for v in values
    )


def spliced_columns(
    kept: Sequence[npt.NDArray[Any]],
    fresh: Sequence[npt.NDArray[Any]],
    pieces: Sequence[range | Sequence[Event]],
) -> list[npt.NDArray[Any]]:
    """Per-row columns (month and half, or first and last day) of a timeline made of
    ``pieces``: a range takes its rows from the ``kept`` columns, a list of new events
    the next rows of the ``fresh`` columns (computed for those events alone)."""
    import numpy as np

    if not pieces:
        return list(fresh)
    # Each piece copied straight into its place in the new columns: a view of every
    # piece held until they were joined was ~100 bytes each, 7 MB a column for a
    # 10,000-event refresh (the refresh's memory peak, bench/README.md).
    size = sum(len(piece) for piece in pieces)
    columns = [np.empty(size, dtype=old.dtype) for old in kept]
    at = done = 0
    for piece in pieces:
        end = done + len(piece)
        for column, old, new in zip(columns, kept, fresh, strict=True):
            if isinstance(piece, range):
                column[done:end] = old[piece.start : piece.stop]
            else:
                column[done:end] = new[at : at + len(piece)]
        if not isinstance(piece, range):
            at += len(piece)
        done = end
    return columns

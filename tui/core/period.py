"""The timeline's date range (``[`` and ``]``): which events fall in it, for the
imprecise dates the format allows.

Overlap semantics: an event is in the range when any day it may have happened on is,
so nothing that might belong is hidden. A date covers every day from its earliest to its
latest possible one (``2013`` is 1 Jan – 31 Dec 2013; ``2012-12~`` December 2012; the
qualifier does not widen it); an interval covers its whole span, and an open end
(``../2025``, "by 2025") runs without limit that way. The range itself runs from the
first possible day of its start (``2013`` → 1 Jan 2013) to the last possible day of its
end (``2013`` → 31 Dec 2013); either may be left open. So with a range from 2013-01-15,
``2013`` and ``../2025`` are shown, ``2012-12`` is not.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported where it is used: not at start (75 ms)
    import numpy as np
    import numpy.typing as npt

from .dates import EDate
from .model import Event
from .records import record

# Day numbers standing for an open end: before and after every date the format allows.
_BEFORE = 0
_AFTER = datetime.date.max.toordinal() + 1


@lru_cache(maxsize=65536)  # dates repeat: a timeline of 100,000 events holds far fewer
def span(date: EDate) -> tuple[int, int]:
    """The first and last day ``date`` may mean, as ordinals; open ends run to the limits."""
    if date.is_interval:
        first = date.start.earliest.toordinal() if date.start is not None else _BEFORE
    else:
        first = date.earliest.toordinal()
    last = date.latest.toordinal() if date.latest is not None else _AFTER
    return first, last


@record(slots=True)
class Period:
    """A date range with either end open (None)."""

    start: EDate | None = None
    end: EDate | None = None

    @property
    def is_open(self) -> bool:
        """No limit at either end: every event is in it."""
        return self.start is None and self.end is None

    @property
    def bounds(self) -> tuple[int, int]:
        first = span(self.start)[0] if self.start is not None else _BEFORE
        last = span(self.end)[1] if self.end is not None else _AFTER
        return first, last

    def holds(self, date: EDate) -> bool:
        """Whether any day ``date`` may mean falls in the range."""
        first, last = span(date)
        low, high = self.bounds
        return first <= high and last >= low

    def label(self) -> str:
        """``2013-01 → 2014``, ``from 2013-01``, ``until 2014``."""
        if self.start is not None and self.end is not None:
            return f"{self.start.text} → {self.end.text}"
        if self.start is not None:
            return f"from {self.start.text}"
        if self.end is not None:
            return f"until {self.end.text}"
        return "all dates"


class Spans:
    """Every event's first and last possible day, by row of an arranged timeline."""

    def __init__(self, events: Sequence[Event]) -> None:
        import numpy as np

        days = np.array([span(e.date) for e in events], dtype=np.int64).reshape(-1, 2)
        self.first: npt.NDArray[np.int64] = days[:, 0]
        self.last: npt.NDArray[np.int64] = days[:, 1]

    def spliced(self, pieces: Sequence[range | Sequence[Event]]) -> Spans:
        """The spans of a timeline made of these pieces: runs of this one's rows, and
        events new to it (see ``browse.Arranged.after``), all in C but for the new events."""
        from .activity import spliced_columns

        new = Spans([e for piece in pieces if not isinstance(piece, range) for e in piece])
        new.first, new.last = spliced_columns(
            (self.first, self.last), (new.first, new.last), pieces
        )
        return new

    def within(self, period: Period, rows: Sequence[int] | None = None) -> list[int]:
        """The rows (ascending; every row when None) of events in ``period``."""
        import numpy as np

        low, high = period.bounds
        if rows is None:
            mask = (self.first <= high) & (self.last >= low)
            return [int(i) for i in np.flatnonzero(mask)]
        picked = np.fromiter(rows, dtype=np.int64, count=len(rows))
        keep = (self.first[picked] <= high) & (self.last[picked] >= low)
        return [int(i) for i in picked[keep]]

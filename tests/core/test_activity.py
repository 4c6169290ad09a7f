"""Activity per month (tui/core/activity.py) and the timeline's date range
(tui/core/period.py), for the imprecise dates the format allows."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.activity import NO_MONTH, MonthIndex, activity_of, half, month_of
from tui.core.dates import EDate
from tui.core.model import Event
from tui.core.period import Period, Spans
from tui.core.reader import read_toml


def event(date: str, type: str | None = None, **more: Any) -> Event:
    return Event(id=f"e-{date}-{type}", title="An event", date=EDate.parse(date), type=type, **more)


def test_a_month_or_day_date_counts_in_its_month() -> None:
    assert month_of(event("2012-09")) == month_of(event("2012-09-30")) == 2012 * 12 + 8
    assert month_of(event("2012-09~")) == month_of(event("2012-09-03?")) == 2012 * 12 + 8


@pytest.mark.parametrize("date", ["2013", "2013~", "../2025", "2013-01/2013-03", "2014-05/.."])
def test_a_year_only_or_interval_date_is_in_no_month(date: str) -> None:
    assert month_of(event(date)) == NO_MONTH


def test_events_that_have_not_happened_are_not_activity() -> None:
    assert month_of(event("2026-03", status="planned")) == NO_MONTH


def test_halves_follow_plover_and_gdelt_quadclass() -> None:
    assert half(event("2013", "AGREE")) == half(event("2013", "RETREAT")) == 0
    assert half(event("2013", "REQUEST")) == half(event("2013", "ASSAULT")) == 1
    assert half(event("2013")) == 2
    # QuadClass as the GDELT importer writes it wins over the type.
    document = read_toml(
        '[[events]]\nid = "g"\ntitle = "Fight"\ndate = "2013-01"\ntype = "AGREE"\n'
        '[events.x_gdelt]\nquad_class = 4\nquad = "material conflict"\n',
        "g.toml",
        layer="g.toml",
    )
    assert half(document.events[0]) == 1


def test_counts_per_month_split_by_half() -> None:
    events = [
        event("2012-11", "AGREE"),
        event("2013-01-05", "ACCUSE"),
        event("2013-01-20", "REJECT"),
        event("2013-01", "COOPERATE"),
        event("2013"),  # year only: counted apart
        event("../2013-01", "REJECT"),  # interval: counted apart
        event("2013-02"),  # untyped
    ]
    activity = MonthIndex(events).activity()
    assert activity.first == 2012 * 12 + 10
    assert activity.counts == ((1, 0, 1, 0), (0, 0, 2, 0), (0, 0, 0, 1))
    assert activity.unplaced == 2
    assert activity.placed == 5
    assert activity.label() == "2012-11 – 2013-02 · peak 3 (2013-01) · 2 not in a month"
    # Only the rows asked for.
    assert MonthIndex(events).activity([0, 4]).counts == ((1,), (0,), (0,))


DATES = st.sampled_from(
    ["2012-11", "2013-01-05", "2013-01~", "2013-02-28?", "2014-12", "2013", "../2013-01",
     "2013-01/2013-03", "1999-06-01"]
)  # fmt: skip
TYPES = st.sampled_from([None, "AGREE", "RETREAT", "REQUEST", "ASSAULT", "ACCUSE"])
STATUSES = st.sampled_from(["reported", "planned", "expected"])


@given(st.lists(st.tuples(DATES, TYPES, STATUSES), max_size=40))
def test_a_few_events_counted_without_numpy_as_the_index_counts_them(
    drawn: list[tuple[str, str | None, str]],
) -> None:
    # The detail pane counts an actor's own events in Python (no numpy before the first
    # frame): the same activity as the timeline's index gives.
    events = [event(date, type, status=status) for date, type, status in drawn]
    assert activity_of(events) == MonthIndex(events).activity()


def test_sparkline_rows_share_one_scale_and_read_without_colour() -> None:
    events = [event("2013-01", "AGREE")] * 4 + [event("2013-03", "ACCUSE")] * 2
    activity = MonthIndex(events).activity()
    rows = activity.rows(40)
    assert rows == [("cooperation", "█  "), ("conflict", "  ▄")]


def test_months_share_a_cell_when_there_are_more_months_than_cells() -> None:
    events = [event(f"{2000 + i // 12}-{i % 12 + 1:02d}", "AGREE") for i in range(24)]
    activity = MonthIndex(events).activity()
    assert activity.per_cell(10) == 3
    ((name, bars),) = activity.rows(10)
    assert name == "cooperation"
    assert bars == "█" * 8  # 24 months, 3 a cell


def test_nothing_dated_to_the_month() -> None:
    activity = MonthIndex([event("2013")]).activity()
    assert activity.rows(20) == []
    assert activity.label() == "no event dated to the month · 1 not in a month"


def test_a_range_holds_every_date_that_may_fall_in_it() -> None:
    period = Period(EDate.parse("2013-01-15"), None)
    assert period.holds(EDate.parse("2013"))  # some day of 2013 is after the 15th
    assert period.holds(EDate.parse("2013-01"))
    assert period.holds(EDate.parse("../2025"))  # by 2025: may be now
    assert not period.holds(EDate.parse("2013-01-14"))
    assert not period.holds(EDate.parse("2012-12"))
    assert not period.holds(EDate.parse("../2012"))


def test_a_range_end_runs_to_its_last_possible_day() -> None:
    period = Period(EDate.parse("2012"), EDate.parse("2012"))
    assert period.holds(EDate.parse("2012-12-31"))
    assert period.holds(EDate.parse("2011/2013"))
    assert period.holds(EDate.parse("2010/.."))
    assert not period.holds(EDate.parse("2013-01-01"))
    assert not period.holds(EDate.parse("2013/.."))
    assert period.label() == "2012 → 2012"
    assert Period(None, EDate.parse("2014")).label() == "until 2014"


def test_spans_filter_rows_as_holds_does() -> None:
    events = [event(d) for d in ("2012-09", "2013", "../2025", "2013-01-18", "2014-05/..")]
    spans = Spans(events)
    period = Period(EDate.parse("2013-02"), EDate.parse("2013-12"))
    assert spans.within(period) == [1, 2]  # 2014-05/.. starts after the range
    assert spans.within(Period(EDate.parse("2014"), None)) == [2, 4]
    assert spans.within(period, [0, 2, 3]) == [2]
    assert spans.within(Period()) == [0, 1, 2, 3, 4]


def test_splicing_the_columns_of_a_refresh_holds_no_piece_apart() -> None:
    """A refresh splices the month and day columns from the previous ones, piece by piece
    (a run of kept rows, then a new event, and so on: 20,000 pieces for a 10,000-event
    feed): each is copied into its place, so the splice holds the new columns and
    little else, not an object per piece until all are joined."""
    import tracemalloc

    import numpy as np

    from tui.core.activity import spliced_columns

    size = 200_000
    kept = [np.arange(size, dtype=np.int32), np.arange(size, dtype=np.int8)]
    fresh = [np.zeros(10_000, dtype=np.int32), np.zeros(10_000, dtype=np.int8)]
    pieces: list[Any] = []
    for n in range(10_000):
        pieces += [range(20 * n, 20 * n + 19), [None]]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        columns = spliced_columns(kept, fresh, pieces)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert [len(c) for c in columns] == [200_000, 200_000]
    assert columns[0][:21].tolist() == [*range(19), 0, 20]
    new = sum(column.nbytes for column in columns)  # 1,000,000 bytes
    assert peak < new + 200_000

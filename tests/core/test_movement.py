"""Stance as of a date, moves between dates and field-level change text (tui/core/movement.py),
with the imprecise dates analysts write: hand-computed cases."""

from __future__ import annotations

import datetime

import pytest
from helpers import MOVEMENT

from tui.core.dates import EDate
from tui.core.loading import load
from tui.core.merge import Dataset
from tui.core.model import Disagreement, Position
from tui.core.movement import (
    as_of_day,
    dataset_as_of,
    moves,
    since_day,
    stance_as_of,
    stance_changes,
)


def d(text: str) -> EDate:
    return EDate.parse(text)


@pytest.fixture
def dataset() -> Dataset:
    return load([MOVEMENT])


def essequibo(dataset: Dataset) -> Disagreement:
    return dataset.disagreements["essequibo"]


def test_as_of_is_the_last_day_and_since_the_day_before_the_first() -> None:
    assert as_of_day(d("2013")) == datetime.date(2013, 12, 31)
    assert as_of_day(d("2013-02")) == datetime.date(2013, 2, 28)
    assert as_of_day(d("2013-01-01")) == datetime.date(2013, 1, 1)
    assert as_of_day(d("../2025")) == datetime.date(2025, 12, 31)
    assert as_of_day(d("2013-05/..")) == datetime.date(2013, 5, 31)
    assert since_day(d("2025")) == datetime.date(2024, 12, 31)
    assert since_day(d("2025-03-01")) == datetime.date(2025, 2, 28)


def test_stance_as_of_takes_the_latest_position_counting_from_its_earliest_day(
    dataset: Dataset,
) -> None:
    q = essequibo(dataset)
    # Before 2015 Venezuela had said nothing; "2015" counts from 1 January 2015.
    assert stance_as_of(q, "ve", d("2014-12-31")) is None
    assert stance_as_of(q, "ve", d("2015-01-01")).stance == "mixed"  # type: ignore[union-attr]
    assert stance_as_of(q, "ve", d("2025-04")).stance == "mixed"  # type: ignore[union-attr]
    # As of the month of May 2025 means its last day: the 1 May position counts.
    assert stance_as_of(q, "ve", d("2025-05")).stance == "oppose"  # type: ignore[union-attr]
    # An undated position counts always.
    assert stance_as_of(q, "us", d("1990")).stance == "support"  # type: ignore[union-attr]
    # "2024-06" counts from 1 June 2024, so not as of 31 May.
    assert stance_as_of(q, "gy", d("2024-05-31")) is None
    assert stance_as_of(q, "gy", None).as_of.text == "2025-02-10"  # type: ignore[union-attr]


def test_dataset_as_of_changes_tallies_and_keeps_events_unless_asked(dataset: Dataset) -> None:
    then = dataset_as_of(dataset, d("2020"))
    assert then.disagreements["essequibo"].tally()["mixed"] == 1
    assert then.disagreements["essequibo"].tally()["support"] == 1  # the undated US one
    assert essequibo(dataset).tally()["oppose"] == 1  # the original is untouched
    assert set(then.events) == {"ruling", "vote"}
    brief = dataset_as_of(dataset, d("2025-05"), events=True)
    # The June ruling had not happened; the expected vote was expected then too.
    assert set(brief.events) == {"vote"}


def test_moves_since_a_year_compare_the_day_before_with_now(dataset: Dataset) -> None:
    moved = moves(dataset, d("2025"))
    # Venezuela moved; Guyana only said again what it had said (not a move); the US
    # has not moved (its undated position counts on both days).
    assert list(moved) == [("essequibo", "ve")]
    move = moved[("essequibo", "ve")]
    assert move.glyphs == "◆→▼"
    assert move.describe("Venezuela") == "Venezuela: stance ◆ mixed → ▼ oppose (as of 2025-05-01)"


def test_moves_until_a_date_and_first_stances(dataset: Dataset) -> None:
    assert moves(dataset, d("2025"), d("2025-04")) == {}
    first = moves(dataset, d("2024"), d("2024"))
    assert [(k, m.glyphs) for k, m in first.items()] == [(("essequibo", "gy"), "·→▲")]
    assert first[("essequibo", "gy")].describe("Guyana") == (
        "Guyana: stance no position → ▲ support (as of 2024-06)"
    )


def test_field_level_change_text() -> None:
    before = Disagreement(
        "essequibo",
        "Sovereignty over Essequibo",
        positions=(
            Position("us", "support", confidence="moderate"),
            Position("ve", "mixed", as_of=d("2015")),
            Position("br", "neutral"),
        ),
    )
    after = Disagreement(
        "essequibo",
        "Sovereignty over Essequibo",
        positions=(
            Position("us", "support", confidence="high"),
            Position("ve", "mixed", as_of=d("2015")),
            Position("ve", "oppose", as_of=d("2025-05-01")),
            Position("gy", "support"),
        ),
    )
    names = {"us": "United States", "ve": "Venezuela", "gy": "Guyana", "br": "Brazil"}
    assert stance_changes(before, after, names.__getitem__) == [
        "United States on Sovereignty over Essequibo: confidence moderate → high",
        "Venezuela: stance ◆ mixed → ▼ oppose (as of 2025-05-01)",
        "Guyana: stance no position → ▲ support",
        "Brazil: position ● neutral removed",
    ]

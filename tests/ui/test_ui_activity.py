"""Activity sparklines (timeline and detail) and the timeline's date range ([ and ]),
driven as an analyst would, on the shipped dossier."""

from __future__ import annotations

import re

import pytest
from helpers import move_to, set_range, until

from tests.conftest import screen_text
from tui.core.model import Kind
from tui.ui import dashboard as dashboard_module
from tui.ui.activity import ActivityStrip
from tui.ui.app import FaultlineApp
from tui.ui.detail import DetailPane
from tui.ui.timescreens import DateRangeForm

WIDE = (120, 40)
SMALL = (80, 24)


def strip_text(app: FaultlineApp) -> str:
    return str(app.dashboard.query_one(ActivityStrip).render())


def detail_text(app: FaultlineApp) -> str:
    return "\n".join(str(block.content) for block in app.query_one(DetailPane).blocks)


def timeline_ids(app: FaultlineApp) -> list[str]:
    pane = app.dashboard.pane(Kind.EVENT)
    assert pane.arranged is not None
    return [pane.arranged.events[v].id for v in pane.rows if v >= 0]


async def test_the_timeline_sparkline_follows_what_is_shown(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        text = screen_text(app)
        # Range and peak, then one labelled row per half: readable without colour.
        assert "Activity 2012-09 – 2013-01 · peak 2 (2013-01) · 3 not in a month" in text
        assert re.search(r"conflict ▄   █", text)  # Sep 2012: 1, Jan 2013: 2
        assert re.search(r"untyped     ▄", text)  # Dec 2012
        assert "whole dossier" in strip_text(app)
        # Filtered: only what the timeline shows is counted.
        await pilot.press("slash", *"lukashenka", "enter")
        await until(pilot, lambda: "filter" in strip_text(app), "the filter's activity")
        assert "2013-01 · peak 1 (2013-01)" in strip_text(app)
        assert "untyped" not in strip_text(app)


async def test_the_detail_of_an_actor_and_a_disagreement_shows_its_activity(
    make_app, ready
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await move_to(pilot, app, Kind.ACTOR, "kz")
        await until(pilot, lambda: "Activity" in detail_text(app), "the actor's activity")
        text = detail_text(app)
        # Kazakhstan's own events: Dec 2012 (untyped) and 18 Jan 2013 (REJECT); the two
        # "../2013-01" and the planned "../2025" are in no month.
        assert "Activity  2012-12 – 2013-01 · peak 1 (2012-12) · 3 not in a month" in text
        assert re.search(r"conflict\s+ █", text) and re.search(r"untyped\s+█", text)
        await pilot.press("2")
        await until(pilot, lambda: "Detail · disagreement" in screen_text(app), "a disagreement")
        assert "Activity  " in detail_text(app)


async def test_a_date_range_narrows_the_timeline_by_overlap(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await ready(app, pilot)
        await pilot.press("3")
        everything = timeline_ids(app)
        assert len(everything) == 7
        await set_range(pilot, app, "left_square_bracket", "2013-01-16")
        # From 16 Jan 2013: the 18 January speech; "../2013-01" (may be any day up to
        # 31 Jan) and "../2025" (by 2025) may fall in it too, so they stay. 15 January,
        # December and September 2012 go.
        assert set(timeline_ids(app)) == {
            "nazarbayev-envoys-speech",
            "oil-tolling-china",
            "customs-union-price-rises",
            "latin-alphabet-target",
        }
        # The detail follows the cursor onto an event still shown.
        await until(
            pilot,
            lambda: (
                app.dashboard.detail.ref is not None
                and app.dashboard.detail.ref.id in timeline_ids(app)
            ),
            "the detail to follow the range",
        )
        text = screen_text(app)
        assert "Timeline" in text and "from 2013-01-16" in text
        assert "from 2013-01-16" in strip_text(app)
        # An end as well: until 2012 hides everything after it; the range is shown.
        await set_range(pilot, app, "right_square_bracket", "2013-01-17")
        assert "2013-01-16 → 2013-01-17" in screen_text(app)
        assert "nazarbayev-envoys-speech" not in timeline_ids(app)
        # Clearing both ends shows everything again.
        await set_range(pilot, app, "left_square_bracket", "")
        await set_range(pilot, app, "right_square_bracket", "")
        assert timeline_ids(app) == everything


async def test_a_bad_date_is_explained_and_changes_nothing(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        before = timeline_ids(app)
        await set_range(pilot, app, "left_square_bracket", "2013-13")
        assert isinstance(app.screen, DateRangeForm)
        assert "there is no month 13" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, DateRangeForm), "the form to close")
        assert timeline_ids(app) == before
        # An end before the start is refused.
        await set_range(pilot, app, "left_square_bracket", "2014")
        await set_range(pilot, app, "right_square_bracket", "2013")
        assert "before it starts" in screen_text(app)


async def test_the_range_composes_with_the_focus(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await set_range(pilot, app, "left_square_bracket", "2013")
        in_2013 = set(timeline_ids(app))
        await pilot.press("2", "enter")  # focus the first disagreement
        await until(pilot, lambda: bool(app.dashboard.trail), "the focus")
        focused = set(timeline_ids(app))
        assert focused <= in_2013
        label = app.dashboard.arranged.label(app.dashboard.focus_ref)
        assert label in strip_text(app) and "from 2013" in strip_text(app)


@pytest.mark.parametrize("background", [False, True], ids=["filter here", "filter in a worker"])
async def test_the_range_composes_with_the_filter(
    make_app, ready, monkeypatch: pytest.MonkeyPatch, background: bool
) -> None:
    if background:  # as at a million events: the filter runs in a worker
        monkeypatch.setattr(dashboard_module, "BACKGROUND_FILTER_SIZE", 0)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await set_range(pilot, app, "right_square_bracket", "2012")
        assert timeline_ids(app) == [
            "eurasian-parliament-criticism",
            "latin-alphabet-decision",
            "customs-union-price-rises",
            "oil-tolling-china",
            "latin-alphabet-target",
        ]
        await pilot.press("slash", *"eurasian")
        await ready(app, pilot)
        # Both: "eurasian" also matches the speech of 18 January 2013, after the range.
        assert timeline_ids(app) == ["eurasian-parliament-criticism"]
        assert "filter “eurasian”" in strip_text(app) and "until 2012" in strip_text(app)


async def test_indexes_ready_while_the_app_closes_is_not_a_crash(make_app, ready) -> None:
    """The indexing worker's message can arrive while the app is closing, when the
    dashboard is still on the screen stack but its widgets are gone: quitting then must
    not end in a NoMatches traceback (the bench's smoke run failed so)."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await app.dashboard.query_one(ActivityStrip).remove()  # as at shutdown
        app.on_indexes_ready()
        await pilot.pause()
        assert app.is_running
    assert app.return_code in (0, None)

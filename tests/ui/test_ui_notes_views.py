"""Private notes (``N``) and saved views (``v``, ``--view``, the last state unless
``--fresh``), driven with Pilot on a small dossier."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_command, select_actor, set_range, shown, toasts, travel, until

from tests.conftest import screen_text
from tui.core.browse import Ref
from tui.core.config import Config
from tui.core.model import Kind
from tui.core.notes import read_notes, read_views
from tui.core.userstate import StateStore
from tui.ui.app import FaultlineApp
from tui.ui.watchscreens import TextPrompt

SIZE = (120, 36)
DOSSIER = """format = "faultline/1"
[[actors]]
id = "by"
name = "Belarus"
kind = "state"

[[actors]]
id = "kz"
name = "Kazakhstan"
kind = "state"

[[actors]]
id = "ru"
name = "Russia"
kind = "state"
"""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "x.toml"
    path.write_text(DOSSIER)
    return path


def build(tmp_path: Path, data: Path, **kwargs) -> FaultlineApp:
    return FaultlineApp(Config(cache_dir=tmp_path / "cache", data_paths=(data,)), **kwargs)


async def save_view(pilot, app: FaultlineApp, name: str) -> None:
    """``v``, then ``name``: the view saved."""
    await pilot.press("v")
    await until(pilot, lambda: isinstance(app.screen, TextPrompt), "the name prompt")
    await pilot.press(*name, "enter")
    await until(pilot, lambda: f"Saved view “{name}”" in toasts(app), "the save")


def detail_text(app: FaultlineApp) -> str:
    return "\n".join(str(block.content) for block in app.dashboard.detail.blocks)


def actor_rows(app: FaultlineApp) -> list[str]:
    pane = app.dashboard.pane(Kind.ACTOR)
    assert app.arranged is not None
    return [app.arranged.ref_at(Kind.ACTOR, v).id for v in pane.rows]


async def test_a_note_is_private_shown_under_my_notes_and_found_by_the_filter(
    tmp_path, data, private_state
) -> None:
    app = build(tmp_path, data)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, app)
        await select_actor(pilot, app, "kz")
        await pilot.press("N")
        await until(pilot, lambda: isinstance(app.screen, TextPrompt), "the note prompt")
        await pilot.press(*"ask [b]Tokayev[/b] about \x1b the grain deal")
        await pilot.press("enter")
        await until(pilot, lambda: "Noted on actor kz" in toasts(app), "the note")
        await until(pilot, lambda: "My notes (1)" in detail_text(app), "My notes")
        assert "ask [b]Tokayev[/b] about" in detail_text(app)  # as typed, not markup
        # The filter finds the actor by the words of the note (any case, any accents).
        await pilot.press("slash", *"grain tokayev", "enter")
        await until(pilot, lambda: actor_rows(app) == ["kz"], "the filter by note")
    assert data.read_text() == DOSSIER  # never written into the data
    notes = read_notes(StateStore(private_state).read())
    [note] = notes[Kind.ACTOR]["kz"]
    assert note.text.startswith("ask [b]Tokayev[/b] about")


async def test_a_saved_view_opens_with_view_and_the_last_state_unless_fresh(
    tmp_path, data, private_state
) -> None:
    app = build(tmp_path, data)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, app)
        await select_actor(pilot, app, "ru")
        await pilot.press("enter")  # focus on Russia
        await until(pilot, lambda: app.dashboard.trail == [Ref(Kind.ACTOR, "ru")], "the focus")
        await save_view(pilot, app, "morning")
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "View: morning" in titles  # the palette lists it
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, TextPrompt), "the name prompt")
        await pilot.press(*"[b]x", "enter")  # the palette would read it as markup
        await until(pilot, lambda: "Not saved: a view's name is up to 40" in toasts(app), "no")
        await pilot.press("escape")  # focus cleared; the filter set: the last state
        await pilot.press("slash", *"bel", "enter")
        await until(pilot, lambda: actor_rows(app) == ["by"], "the filter")
        await pilot.press("q")  # as a person quits: what is shown is kept
    views = read_views(StateStore(private_state).read())
    assert views["morning"].trail == (("actors", "ru", None),)

    last = build(tmp_path, data)  # the last state comes back
    async with last.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, last)
        await until(pilot, lambda: last.dashboard.filter_text == "bel", "the last filter")
        assert actor_rows(last) == ["by"] and last.dashboard.trail == []

    named = build(tmp_path, data, view="morning")
    async with named.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, named)
        await until(
            pilot, lambda: named.dashboard.trail == [Ref(Kind.ACTOR, "ru")], "the view's focus"
        )
        assert named.dashboard.filter_text == ""

    fresh = build(tmp_path, data, fresh=True)
    async with fresh.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, fresh)
        assert fresh.dashboard.filter_text == "" and fresh.dashboard.trail == []
        assert actor_rows(fresh) == ["by", "kz", "ru"]


async def test_an_unknown_view_is_said_and_a_missing_focus_named(
    tmp_path, data, private_state
) -> None:
    from tui.core.notes import View, save_view

    gone = View((("actors", "ru", None), ("actors", "zz", None)), "", "actors")
    StateStore(private_state).update(lambda s: save_view(s, "old", gone))
    unknown = build(tmp_path, data, view="nope")
    async with unknown.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, unknown)
        await until(pilot, lambda: "No view called “nope” (saved: old)" in toasts(unknown), "it")
    old = build(tmp_path, data, view="old")
    async with old.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, old)
        await until(pilot, lambda: "no longer in the data: actor zz" in toasts(old), "zz")
        assert old.dashboard.trail == [Ref(Kind.ACTOR, "ru")]


def timeline_title(app: FaultlineApp) -> str:
    return next(line for line in screen_text(app).splitlines() if "Timeline" in line)


def header(app: FaultlineApp) -> str:
    return screen_text(app).splitlines()[0]


async def test_a_view_keeps_the_date_range_and_the_time_travel_date(
    tmp_path, data, private_state
) -> None:
    app = build(tmp_path, data)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, app)
        await set_range(pilot, app, "[", "2013-01")
        await set_range(pilot, app, "]", "2014")
        await travel(pilot, app, "2020")
        await until(pilot, lambda: "2013-01 → 2014" in timeline_title(app), "the range")
        await until(pilot, lambda: "as of 2020 · time travel" in header(app), "time travel")
        await save_view(pilot, app, "then")
        # Both cleared: all dates, now.
        await set_range(pilot, app, "[", "")
        await set_range(pilot, app, "]", "")
        await travel(pilot, app, "")
        await until(pilot, lambda: "→" not in timeline_title(app), "the range cleared")
        await until(pilot, lambda: "time travel" not in header(app), "back to now")
        await run_command(pilot, app, "View: then", "View: then")
        await until(pilot, lambda: "2013-01 → 2014" in timeline_title(app), "the range back")
        await until(pilot, lambda: "as of 2020 · time travel" in header(app), "travel back")
        assert app.as_of is not None and app.as_of.text == "2020"  # every view follows


async def test_a_start_comes_back_to_the_date_range_but_in_the_present(
    tmp_path, data, private_state
) -> None:
    """The last state comes back on the next start, its date range too; time travel
    does not: a start always shows the present, as an analyst expects of a dashboard."""
    app = build(tmp_path, data)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, app)
        await set_range(pilot, app, "[", "2013-01")
        await travel(pilot, app, "2020")
        await until(pilot, lambda: "as of 2020 · time travel" in header(app), "time travel")
        await pilot.press("q")
    again = build(tmp_path, data)
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, again)
        await until(pilot, lambda: "2013-01" in timeline_title(again), "the range back")
        assert "time travel" not in header(again) and again.as_of is None


async def test_a_view_whose_date_no_longer_reads_opens_without_it_and_says_so(
    tmp_path, data, private_state
) -> None:
    """A hand-edited state file: the view's range start is no date. The view is kept (its
    focus and filter open) and a warning names the state file, the view and the date."""
    from tui.core.notes import View, save_view

    def edit(state: dict) -> None:
        save_view(state, "march", View((("actors", "kz", None),), "kaz", "actors"))
        state["views"]["march"]["range"] = ["2025-13", None]

    StateStore(private_state).update(edit)
    app = build(tmp_path, data, view="march")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await shown(pilot, app)
        said = "views.march: range start left out: '2025-13' is not a date (there is no month 13)"
        await until(pilot, lambda: said in toasts(app), "the warning")
        assert str(StateStore(private_state).path) in toasts(app)
        await until(pilot, lambda: app.dashboard.trail == [Ref(Kind.ACTOR, "kz")], "the focus")
        assert app.dashboard.filter_text == "kaz"
        assert "→" not in timeline_title(app)  # no range: all dates

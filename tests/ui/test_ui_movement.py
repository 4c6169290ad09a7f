"""Time travel (t), movement since a date (T, M) and stances where you look, driven as an
analyst drives them, on tests/fixtures/movement.toml: Venezuela went from mixed (2015)
to oppose (2025-05-01), Guyana took a side in 2024-06, the US's undated support holds
throughout; a court ruling was reported for 2025-06-03 and a vote is expected in 2026."""

from __future__ import annotations

import json

import pytest
from helpers import toasts, travel

from tests.conftest import screen_text
from tui.core.browse import Ref
from tui.core.model import Kind
from tui.ui.app import FaultlineApp
from tui.ui.capture import CaptureForm
from tui.ui.dashboard import DashboardScreen
from tui.ui.matrix import MatrixScreen
from tui.ui.timescreens import DateForm, MovedScreen

WIDE = (120, 40)
SMALL = (80, 24)


@pytest.fixture
def app(make_app, movement_dataset) -> FaultlineApp:
    return make_app(dataset=movement_dataset)


async def since(pilot, app: FaultlineApp, date: str) -> None:
    await pilot.press("T")
    await pilot.pause()
    assert isinstance(app.screen, DateForm)
    await pilot.press("ctrl+u", *date, "enter")
    await pilot.pause()


def header(app: FaultlineApp) -> str:
    return screen_text(app).splitlines()[0]


def line_with(app: FaultlineApp, text: str) -> str:
    return next(line for line in screen_text(app).splitlines() if text in line)


def actor_row(app: FaultlineApp, name: str) -> str:
    """An actor's row in the actors pane (its kind, "state", follows the name)."""
    return next(
        line
        for line in screen_text(app).splitlines()
        if line.startswith("│") and name in line and "state" in line
    )


def essequibo_row(app: FaultlineApp) -> str:
    """The disagreement's row in its pane (not the detail's mention of it)."""
    return line_with(app, "open       Sovereignty over Essequibo")


async def test_time_travel_shows_every_view_as_of_the_date_and_esc_returns(app, ready) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        assert "2▲ 1▼" in essequibo_row(app)
        await travel(pilot, app, "2020")
        assert "as of 2020 · time travel" in header(app)
        # Venezuela was mixed then, Guyana had said nothing: the tally follows.
        assert "1▲ 1◆" in essequibo_row(app)
        await pilot.press("2")
        await pilot.pause()
        assert "Stances as of 2020  1▲ 1◆" in screen_text(app)
        # The June 2025 ruling had not happened: dimmed and marked, not hidden.
        assert line_with(app, "Court ruling").lstrip("│ ").startswith("›")
        assert line_with(app, "Vote expected").lstrip("│ ").startswith("◌")  # expected then too
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MatrixScreen)
        assert "as of 2020 · time travel" in header(app)
        venezuela = line_with(app, "Venezuela")
        assert "◆" in venezuela and "▼" not in venezuela
        assert "Guyana" not in screen_text(app).split("Detail")[0]  # no position yet
        await pilot.press("escape")  # the matrix closes
        await pilot.pause()
        await pilot.press("escape")  # no focus, no filter: back to now
        await pilot.pause()
        assert "time travel" not in header(app)
        assert "2▲ 1▼" in essequibo_row(app)
        assert not line_with(app, "Court ruling").lstrip("│ ").startswith("›")


async def test_an_imprecise_as_of_date_means_its_last_day(app, ready) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await travel(pilot, app, "2025-04")
        assert "1▲ 1◆" not in essequibo_row(app)  # Guyana by then
        assert "2▲ 1◆" in essequibo_row(app)
        await travel(pilot, app, "2025-05")  # the whole of May: the 1 May position counts
        assert "2▲ 1▼" in essequibo_row(app)
        assert "as of 2025-05 · time travel" in header(app)


async def test_a_bad_date_is_explained_under_the_field_and_nothing_moves(app, ready) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"2025-13", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DateForm)
        assert "'2025-13' is not a date (there is no month 13)" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert app.as_of is None and "time travel" not in header(app)


async def test_nothing_is_recorded_or_edited_while_travelling(app, ready) -> None:
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await ready(app, pilot)
        await travel(pilot, app, "2020")
        await pilot.press("2", "s")  # a stance on the selected disagreement
        await pilot.pause()
        assert not isinstance(app.screen, CaptureForm)
        assert "Time travel (as of 2020): stances are recorded only in the present" in toasts(app)
        await pilot.press("3", "n")
        await pilot.pause()
        assert not isinstance(app.screen, CaptureForm)
        assert "events are recorded only in the present" in toasts(app)
        await pilot.press("e")
        await pilot.pause()
        assert "files are edited only in the present" in toasts(app)
        await pilot.press("m", "s")  # the matrix's s too
        await pilot.pause()
        assert isinstance(app.screen, MatrixScreen)


async def test_since_shows_moves_in_the_matrix_and_is_remembered(
    app, ready, make_app, movement_dataset, private_state
) -> None:
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await ready(app, pilot)
        await since(pilot, app, "2025")
        assert "since 2025: 1 move (M)" in header(app)
        assert "Since 2025: 1 stance moved" in toasts(app)
        await pilot.press("m")
        await pilot.pause()
        assert "◆→▼" in line_with(app, "Venezuela")
        assert "→" not in line_with(app, "Guyana")  # said again, not moved
    remembered = json.loads((private_state / "state.json").read_text(encoding="utf-8"))
    assert remembered["since"] == "2025"  # in the shared state, beside pins and notes
    again = make_app(dataset=movement_dataset)
    async with again.run_test(size=WIDE) as pilot:
        await ready(again, pilot)
        assert "since 2025: 1 move (M)" in header(again)
        await since(pilot, again, "")  # empty: no since date
        assert "since" not in header(again)
    forgotten = json.loads((private_state / "state.json").read_text(encoding="utf-8"))
    assert forgotten["since"] is None


async def test_moved_list_gives_both_positions_and_goes_to_one(app, ready) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await since(pilot, app, "2024")
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, MovedScreen)
        text = screen_text(app)
        assert "Moved since 2024   2 stances" in text
        assert "◆→▼  Venezuela on Sovereignty over Essequibo" in text
        assert "mixed 2015 → oppose 2025-05-01" in line_with(app, "◆→▼")
        assert "none → support 2025-02-10" in line_with(app, "·→▲  Guyana")
        # The detail of the one under the cursor: its history, with both citations.
        assert "“OSW commentary”  B2" in text and "“Reuters report”  A" in text
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert app.dashboard.focus_ref == Ref(Kind.DISAGREEMENT, "essequibo", "ve")


async def test_moved_without_a_since_date_says_how_to_set_one(app, ready) -> None:
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await ready(app, pilot)
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert "No since date: T sets one" in toasts(app)


async def test_stances_where_you_look(app, ready) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        # Focused on Venezuela (the third actor): its own stance beside the tally.
        await pilot.press("1", "j", "j", "enter")
        await pilot.pause()
        assert "▼ ┊ 2▲ 1▼" in essequibo_row(app)
        await since(pilot, app, "2025")
        assert "◆→▼ ┊ 2▲ 1▼" in essequibo_row(app)
        # Focused on the disagreement: each party's stance (and move) before its name,
        # in the actors pane and among the detail's parties.
        await pilot.press("2", "enter")
        await pilot.pause()
        assert "◆→▼ Venezuela  state" in screen_text(app)
        assert "◆→▼ Venezuela" in actor_row(app, "Venezuela")
        assert "▲   United States" in actor_row(app, "United States")
        assert "▲   Guyana" in actor_row(app, "Guyana")


async def test_stances_where_you_look_at_80x24(app, ready) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await ready(app, pilot)
        await pilot.press("2", "enter", "1")
        await pilot.pause()
        assert "▼   Venezuela" in actor_row(app, "Venezuela")


async def test_the_changes_view_says_what_moved_old_to_new(tmp_path, empty_workdir) -> None:
    from helpers import MOVEMENT, until

    from tui.core.config import Config
    from tui.ui.changes import ChangesScreen

    data = tmp_path / "x.toml"
    text = MOVEMENT.read_text(encoding="utf-8")
    block = text[text.index('[[disagreements.positions]]\nactor = "ve"\nstance = "oppose"') :]
    block = block[: block.index("\n\n") + 2]
    data.write_text(text.replace(block, ""), encoding="utf-8")  # without Venezuela's 2025 one
    app = FaultlineApp(Config(cache_dir=tmp_path / "cache"), data_paths=[data])
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: app.arranged is not None, "the dossier")
        await until(
            pilot,
            lambda: app.reloader is not None and app.reloader.watcher.ready.is_set(),
            "watching",
        )
        data.write_text(text, encoding="utf-8")  # Venezuela's change of stance recorded
        await until(
            pilot,
            lambda: (
                app.arranged is not None
                and app.arranged.dataset.disagreements["essequibo"].current()["ve"].stance
                == "oppose"
            ),
            "the save",
        )
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ChangesScreen), "the changes view")
        await pilot.pause()
        assert "Venezuela: stance ◆ mixed → ▼ oppose (as of 2025-05-01)" in screen_text(app)


async def test_the_palette_travels_and_exports_the_dossier_as_it_stood(
    tmp_path, monkeypatch, app, ready
) -> None:
    from helpers import run_command, until

    monkeypatch.chdir(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await run_command(pilot, app, "time travel", "Time travel")
        assert isinstance(app.screen, DateForm)
        await pilot.press(*"2020", "enter")
        await pilot.pause()
        assert "as of 2020 · time travel" in header(app)
        await run_command(pilot, app, "export brief", "Export brief")
        written = tmp_path / "faultline-export.md"
        await until(pilot, written.exists, "the brief")
        brief = written.read_text(encoding="utf-8")
        assert "As of 2020." in brief and "◆ **Venezuela** is mixed" in brief
        assert "Court ruling" not in brief

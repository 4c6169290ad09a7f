"""Defects a review found, each pinned by what an analyst would see."""

from __future__ import annotations

from pathlib import Path

from helpers import toasts, until

from tests.conftest import screen_text
from tui.core.browse import Ref
from tui.core.loading import load
from tui.core.model import Kind
from tui.ui.detail import LIST_LIMIT, DetailPane
from tui.ui.matrix import MatrixScreen
from tui.ui.problems import ProblemsScreen

WIDE = (120, 40)


def detail_text(app) -> str:
    return "\n".join(str(block.content) for block in app.query_one(DetailPane).blocks)


def many_events_citing_one_source(path: Path, count: int) -> Path:
    lines = ['[[sources]]\nid = "wire"\ntitle = "The wire"\n']
    for i in range(count):
        lines.append(
            f'[[events]]\nid = "e{i}"\ntitle = "Event {i}"\ndate = "2013"\nsources = ["wire"]\n'
        )
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


async def test_detail_lists_the_first_links_and_counts_the_rest(make_app, ready, tmp_path) -> None:
    dataset = load([many_events_citing_one_source(tmp_path / "d.toml", LIST_LIMIT + 70)])
    app = make_app(dataset=dataset)
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        app.go_to(Ref(Kind.SOURCE, "wire"))
        await pilot.pause()
        text = detail_text(app)
        assert f"Cited by ({LIST_LIMIT + 70})" in text
        assert "… and 70 more events: focus this (Enter in its pane) to list them all" in text
        assert len(app.query_one(DetailPane).blocks) < LIST_LIMIT + 30


async def test_warnings_screen_says_the_severity_once(make_app, ready, tmp_path) -> None:
    doc = tmp_path / "refs.toml"
    doc.write_text('[[events]]\nid = "e"\ntitle = "t"\ndate = "2013"\nactors = ["ghost"]\n')
    app = make_app(dataset=load([doc]))
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        text = screen_text(app)
        assert "warning: " in text and "warning: warning:" not in text
        await pilot.press("backspace")  # Backspace steps back out of every view
        await pilot.pause()
        assert not isinstance(app.screen, ProblemsScreen)


async def test_backspace_closes_the_matrix(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MatrixScreen)
        await pilot.press("backspace")
        await pilot.pause()
        assert not isinstance(app.screen, MatrixScreen)


async def test_a_file_named_with_escape_sequences_cannot_reach_the_terminal(
    make_app, ready, tmp_path
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "bad\x1b]0;OWNED\x07.toml").write_text(
        '[[actors]]\nid = "x"\nname = "X"\nkind = "nation"\n'
    )
    app = make_app(data_paths=[folder])
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await ready(app, pilot)
        await until(pilot, lambda: "nothing could be loaded" in toasts(app), "the notice")
        notices = toasts(app)
        assert "nothing could be loaded" in notices
        assert "\x1b" not in notices and "\x07" not in notices
        assert "bad]0;OWNED.toml" in notices
        await pilot.press("w")
        await pilot.pause()
        assert "\x1b" not in screen_text(app)


async def test_going_to_an_entity_a_refresh_removed_says_so_and_keeps_the_focus(
    make_app, ready
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await ready(app, pilot)
        app.go_to(Ref(Kind.ACTOR, "nazarbayev"))
        await pilot.pause()
        app.go_to(Ref(Kind.ACTOR, "gone-actor"))  # e.g. a palette entry from before a refresh
        await until(pilot, lambda: "gone-actor" in toasts(app), "the notice")
        assert app.dashboard.trail == [Ref(Kind.ACTOR, "nazarbayev")]
        assert "gone-actor is no longer in the dossier (a refresh removed it)" in toasts(app)


def test_feeds_table_times_are_short_enough_for_80_columns() -> None:
    import datetime

    from tui.core.dates import local_time

    now = datetime.datetime(2026, 11, 26, 12, 30).timestamp()
    assert local_time(None, short=True, now=now) == "never"
    assert local_time(now - 60, short=True, now=now) == "12:29"
    assert local_time(now - 3 * 86_400, short=True, now=now) == "2026-11-23 12:30"

"""The dashboard driven as an analyst drives it: keys, mouse, palette, matrix, sizes.

Every test runs the real app headless (``App.run_test``) on the default dossier and
asserts on what is on screen or what the panes hold; nothing sleeps to synchronise.
"""

from __future__ import annotations

import re
import threading

import pytest
from helpers import burst, click_in_burst, move_to, run_command, toasts, until
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from tests.conftest import DOSSIER, screen_text
from tui.core.browse import Ref
from tui.core.config import Config, UIConfig
from tui.core.loading import load
from tui.core.model import Kind
from tui.ui.app import FaultlineApp
from tui.ui.detail import DetailPane
from tui.ui.help import HelpScreen
from tui.ui.keygate import KeyGate
from tui.ui.legend import tally_text
from tui.ui.matrix import MatrixScreen, StanceMatrix
from tui.ui.pane import EntityPane
from tui.ui.problems import ProblemsScreen

WIDE = (120, 40)
SMALL = (80, 24)


def pane(app: FaultlineApp, name: Kind) -> EntityPane:
    return app.dashboard.pane(name)


def detail_text(app: FaultlineApp) -> str:
    return "\n".join(str(block.content) for block in app.query_one(DetailPane).blocks)


async def look(pilot, app: FaultlineApp) -> str:
    """The screen once the last key's consequences have been drawn."""
    await pilot.pause()
    await pilot.pause()
    return screen_text(app)


def selected(app: FaultlineApp, name: Kind) -> str | None:
    ref = pane(app, name).ref
    return ref.id if ref else None


# -- start-up and layout ----------------------------------------------------------------------


async def test_says_loading_until_the_dossier_is_read_then_shows_the_panes(
    monkeypatch: pytest.MonkeyPatch, screen, tmp_path
) -> None:
    from tui.ui import app as app_module

    release = threading.Event()
    real = app_module.read_arranged

    def slow_read(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(app_module, "read_arranged", slow_read)
    # Read in the worker, as a dossier over READ_AT_ONCE bytes is (this one is small).
    monkeypatch.setattr(FaultlineApp, "READ_AT_ONCE", 0)
    from tests.conftest import DOSSIER

    app = FaultlineApp(Config(cache_dir=tmp_path), data_paths=[DOSSIER])
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert "Loading…" in screen(app)
        assert "Actors 16/16" not in screen(app)
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen(app)
        assert "Loading…" not in text
        assert "Actors 16/16" in text and "Disagreements 5/5" in text and "Timeline 7/7" in text


async def test_a_dossier_that_cannot_be_loaded_says_what_failed_and_stays_usable(
    monkeypatch: pytest.MonkeyPatch, screen, tmp_path
) -> None:
    from tui.ui import app as app_module

    def failing_read(paths, *args, progress, **kwargs):
        # As a disk failing under the reader would: after it has said what it reads.
        progress(f"reading {paths[0]} (1 of 1)")
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(app_module, "read_arranged", failing_read)
    app = FaultlineApp(Config(cache_dir=tmp_path), data_paths=[DOSSIER])
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: "Could not load" in screen(app), "the error")
        text = screen(app)
        assert "Loading…" not in text
        assert f"reading {DOSSIER} (1 of 1)" in text  # where
        assert "Input/output error" in text  # what
        assert "w" in text and "q quits" in text
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ProblemsScreen), "the warnings")
        # The warnings screen lists it (once it has drawn: wait for the frame, not a time).
        # "Input/output" alone: where the line wraps depends on the checkout's path.
        await until(pilot, lambda: "Input/output" in screen(app), "the error listed")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ProblemsScreen), "the dashboard")
        await pilot.press("q")
        await until(pilot, lambda: app.return_code is not None, "quitting")


async def test_a_reload_that_fails_keeps_the_dossier_shown(
    monkeypatch: pytest.MonkeyPatch, make_app, ready, screen
) -> None:
    from tui.ui import app as app_module

    app = make_app(data_paths=[DOSSIER])
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await ready(app, pilot)

        def failing_read(*args, **kwargs):
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(app_module, "read_arranged", failing_read)
        app.action_reload()
        await until(pilot, lambda: "Could not load" in toasts(app), "the notice")
        text = screen(app)
        assert "Actors 16/16" in text and "Timeline 7/7" in text
        assert "The dossier shown is kept" in toasts(app)
        assert not app.dashboard.query_one("#loading").display  # the panes keep the room


async def test_header_titles_and_status_line_at_120x40(make_app, ready, screen) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        text = screen(app)
        lines = text.splitlines()
        assert "Kazakhstan and Eurasian integration, January 2013" in lines[0]
        assert "as of 2013-01-23" in lines[0]
        assert "16 actors · 5 disagreements · 7 events · 1 source" in text
        # The compact tally of stances, and dates exactly as written with their headings.
        assert re.search(r"escalating\s+Political vs purely economic integration\s+1▲ 6▼", text)
        assert "── 2012 " in text and "── Planned & expected " in text
        assert "../2025" in text and "planned · roughly even chance" in text
        assert "last September" in text  # date_text where given
        # Every list pane and the detail are side by side; the actors pane has the keyboard.
        assert app.focused is pane(app, Kind.ACTOR)


async def test_animations_are_off_unless_configured(make_app) -> None:
    assert make_app().animation_level == "none"
    animated = FaultlineApp(Config(ui=UIConfig(animations=True)), dataset=load([]))
    assert animated.animation_level != "none"


async def test_at_80x24_one_list_at_a_time_with_tabs(make_app, ready, screen) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await ready(app, pilot)
        text = screen(app)
        assert "1 Actors 16/16" in text and "2 Disagreements 5/5" in text
        assert pane(app, Kind.ACTOR).display and not pane(app, Kind.EVENT).display
        await pilot.press("3")
        assert app.focused is pane(app, Kind.EVENT)
        assert pane(app, Kind.EVENT).display and not pane(app, Kind.ACTOR).display
        assert "2012-09    Nur Otan head and presidential" in screen(app)
        # The detail stays beside the list, readable.
        assert "Detail · event" in screen(app)


async def test_tiny_terminal_and_resizing_do_not_crash(make_app, ready, screen) -> None:
    app = make_app()
    async with app.run_test(size=(20, 8)) as pilot:
        await ready(app, pilot)
        for key in (
            "j",
            "tab",
            "enter",
            "tab",
            "j",
            "enter",
            "backspace",
            "m",
            "escape",
            "question_mark",
            "escape",
        ):
            await pilot.press(key)
        for size in ((120, 40), (80, 24), (20, 8), (200, 60), (40, 10)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert screen(app)  # still drawing
        assert app.is_running


# -- moving around ----------------------------------------------------------------------------


async def test_tab_and_shift_tab_cycle_through_the_panes(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        order = []
        for _ in range(4):
            order.append(app.focused.id)
            await pilot.press("tab")
        assert order == ["actors", "disagreements", "events", "detail"]
        assert app.focused.id == "actors"
        await pilot.press("shift+tab")
        assert app.focused.id == "detail"
        await pilot.press("2")
        assert app.focused.id == "disagreements"


async def test_cursor_keys_move_and_the_detail_follows(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        assert selected(app, Kind.ACTOR) == "lukashenka"
        await pilot.press("j")
        assert selected(app, Kind.ACTOR) == "by"
        await pilot.pause()
        assert detail_text(app).startswith("Belarus")
        await pilot.press("down", "down", "k")
        assert selected(app, Kind.ACTOR) == "cn"
        await pilot.press("G")
        assert selected(app, Kind.ACTOR) == "ru"
        await pilot.press("g")
        assert selected(app, Kind.ACTOR) == "lukashenka"
        await pilot.press("pagedown")
        assert pane(app, Kind.ACTOR).cursor > 5
        await pilot.press("end", "pageup")
        assert pane(app, Kind.ACTOR).cursor < 15


async def test_timeline_cursor_skips_year_headings(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("3")
        timeline = pane(app, Kind.EVENT)
        assert timeline.cursor == 1  # row 0 is the 2012 heading
        seen = []
        for _ in range(8):
            seen.append(selected(app, Kind.EVENT))
            await pilot.press("j")
        assert None not in seen
        assert seen[-1] == "latin-alphabet-target"


# -- focus and back ---------------------------------------------------------------------------


async def test_enter_focuses_backspace_steps_back_escape_clears(make_app, ready, screen) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await move_to(pilot, app, Kind.ACTOR, "nazarbayev")
        await pilot.press("enter")
        text = await look(pilot, app)
        assert "Focus All › Nursultan Nazarbayev" in text
        assert "Disagreements 2/5" in text and "Timeline 1/7" in text
        assert "Nazarbayev tells foreign envoys" in text
        assert "Russian deliveries" not in text  # not one of his disagreements

        # Focus a disagreement from there: its parties and its events.
        await pilot.press("tab")
        assert selected(app, Kind.DISAGREEMENT) == "political-integration"
        await pilot.press("enter")
        text = await look(pilot, app)
        assert "Nursultan Nazarbayev › Political vs purely economic integration" in text
        assert "Actors 7/16" in text and "Timeline 5/7" in text
        assert app.dashboard.trail == [
            Ref(Kind.ACTOR, "nazarbayev"),
            Ref(Kind.DISAGREEMENT, "political-integration"),
        ]

        await pilot.press("backspace")
        await pilot.pause()
        assert app.dashboard.trail == [Ref(Kind.ACTOR, "nazarbayev")]
        assert "Disagreements 2/5" in screen(app)
        assert detail_text(app).startswith("Nursultan Nazarbayev")

        await pilot.press("escape")
        await pilot.pause()
        text = screen(app)
        assert app.dashboard.trail == []
        assert (
            "Focus All  (Enter" in text and "Disagreements 5/5" in text and "Timeline 7/7" in text
        )


async def test_focused_row_is_marked_in_its_own_pane(make_app, ready, screen) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await move_to(pilot, app, Kind.ACTOR, "kz")
        await pilot.press("enter", "j")
        await pilot.pause()
        assert re.search(r"●Kazakhstan\s", screen(app))


async def test_detail_links_are_followed_by_keyboard(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await move_to(pilot, app, Kind.ACTOR, "nazarbayev")
        await pilot.press("4")
        detail = app.query_one(DetailPane)
        assert app.focused is detail
        await pilot.press("j")
        link = detail.active_link
        assert link is not None and link.ref == Ref(Kind.ACTOR, "kz")  # member of Kazakhstan
        await pilot.press("j", "j")
        assert detail.active_link.ref == Ref(
            Kind.DISAGREEMENT, "political-integration", "nazarbayev"
        )
        await pilot.press("enter")
        await pilot.pause()
        assert app.dashboard.trail[-1] == Ref(
            Kind.DISAGREEMENT, "political-integration", "nazarbayev"
        )
        text = detail_text(app)
        assert text.startswith("Nursultan Nazarbayev on Political vs purely economic integration")
        assert app.focused is detail  # keep reading and following
        await pilot.press("backspace")
        await pilot.pause()
        assert app.dashboard.trail == []


async def test_detail_shows_history_citations_and_origin(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("2")
        text = detail_text(app)
        assert text.startswith("Political vs purely economic integration")
        # Kazakhstan's history in as_of order, each with its stance and citation.
        kz = text.index("Kazakhstan")
        assert text.index("2012-09", kz) < text.index("2013-01-18", kz)
        assert "“Kazakhstan distances itself from Moscow’s integration projects”" in text
        assert "Centre for Eastern Studies (OSW), 2013-01-23" in text
        assert "B2 (usually reliable, probably true) · para 1" in text
        assert "From file data/kazakhstan-2013.toml:" in text


GRADED = """[[sources]]
id = "wire"
title = "Wire report"
reliability = "B"

[[events]]
id = "bare"
title = "Cited bare"
date = "2020"
sources = ["wire"]

[[events]]
id = "six"
title = "Cited with credibility 6"
date = "2021"
sources = [{ id = "wire", credibility = 6 }]
"""


async def test_a_citation_shows_only_the_grade_that_was_given(tmp_path, make_app, ready) -> None:
    """A bare citation of a source graded B is B, not B6 (a credibility nobody wrote);
    B6 only when credibility 6 was written."""
    doc = tmp_path / "graded.toml"
    doc.write_text(GRADED)
    app = make_app(data_paths=[doc])
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("3")
        await pilot.pause()
        text = detail_text(app)
        assert text.startswith("Cited bare")
        assert "“Wire report”  B (usually reliable)" in text
        assert "B6" not in text and "cannot be judged" not in text
        await pilot.press("down")
        await pilot.pause()
        text = detail_text(app)
        assert text.startswith("Cited with credibility 6")
        assert "“Wire report”  B6 (usually reliable, truth cannot be judged)" in text


async def test_a_source_cited_again_is_short_and_listed_once_at_the_end(make_app, ready) -> None:
    """The disagreement cites one article under every position: written out the first
    time, ``[1] bullet 4  B3`` after that, and listed once under "Sources cited"."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("2")
        await pilot.pause()
        text = detail_text(app)
        assert text.startswith("Political vs purely economic integration")
        title = "“Kazakhstan distances itself from Moscow’s integration projects”"
        assert text.count(title) == 2  # the first citation, and the list at the end
        assert "[1] " + title in text
        assert "\n[1] bullet 4  B3\n" in text
        cited = text.index("Sources cited (1)")
        assert text.index(title, cited) < text.index("Origin", cited)


async def test_z_zooms_the_detail_to_the_full_width_and_back(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        detail = app.query_one(DetailPane)
        narrow = detail.size.width
        assert narrow < 60
        await pilot.press("z")
        await pilot.pause()
        assert detail.size.width >= 110
        assert app.focused is detail
        assert not pane(app, Kind.ACTOR).display or not pane(app, Kind.ACTOR).region.width
        await pilot.press("z")
        await pilot.pause()
        assert detail.size.width == narrow
        assert pane(app, Kind.ACTOR).region.width > 0


# -- filter -----------------------------------------------------------------------------------


async def test_slash_filters_every_pane_as_you_type(make_app, ready, screen) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"cyrillic")
        text = await look(pilot, app)
        assert "Actors 0/16" in text and "Disagreements 0/5" in text and "Timeline 2/7" in text
        assert "No actors match “cyrillic”" in text
        await pilot.press(*["backspace"] * 8, *"BAIKONUR")
        assert "Disagreements 2/5" in await look(pilot, app)  # a title, and a summary mentioning it
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is pane(app, Kind.ACTOR)
        assert "Filter “BAIKONUR”" in screen(app)
        await pilot.press("escape")  # no focus to clear: clears the filter
        await pilot.pause()
        assert "Disagreements 5/5" in screen(app)


async def test_keys_typed_fast_around_the_filter_land_where_meant(make_app, ready) -> None:
    """Over a slow link the terminal hands keys over in bursts: the key after Enter, Esc
    or Tab in the prompt goes to the lists, not into the filter."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        burst(app, "/", *"baikonur", "enter", "3")
        await until(pilot, lambda: app.focused is pane(app, Kind.EVENT), "the timeline focused")
        assert app.dashboard.filter_text == "baikonur"
        burst(app, "/", "tab", "1")
        await until(pilot, lambda: app.focused is pane(app, Kind.ACTOR), "the actors focused")
        assert app.dashboard.filter_text == "baikonur"
        burst(app, "/", "escape", "2")
        await until(pilot, lambda: app.focused is pane(app, Kind.DISAGREEMENT), "disagreements")
        assert app.dashboard.filter_text == ""
        assert not app.dashboard.filter_input.display
        burst(app, "/", "/", *"x")  # in the prompt, "/" is text
        await until(pilot, lambda: app.dashboard.filter_text == "/x", "the filter “/x”")


# The bursts below avoid the keys that, misrouted to the dashboard, would run the editor
# (e), open a capture form (s, n) or quit (q): before the fix they went there.


@pytest.fixture
def no_safety(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys held for a barrier that never comes back go on after ``KeyGate.SAFETY``: made
    an hour, so that what a test sees is the barriers' doing, not that timeout's."""
    monkeypatch.setattr(KeyGate, "SAFETY", 3600.0)


async def test_keys_typed_before_a_screen_opens_go_to_it(make_app, ready, no_safety) -> None:
    """Over a slow link keys arrive in bursts. The keys after one that opens a screen or a
    prompt belong to it: the date typed after t went to the list that had the focus while
    t was on its way. And the keys before it act before it opens."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        # The moves before / (which acts at once) come first: they were lost.
        actors = pane(app, Kind.ACTOR)
        burst(app, "j", "j", "/")
        await until(pilot, lambda: app.dashboard.filter_input.display, "the filter prompt")
        await until(pilot, lambda: actors.cursor == 2, "the actors' cursor")
        burst(app, "escape")
        start = selected(app, Kind.ACTOR)
        burst(app, "t", *"2020", "enter")
        await until(pilot, lambda: app.as_of is not None, "time travel")
        assert app.as_of.text == "2020"
        # The panes got none of it ("2" would have gone to the disagreements).
        assert app.focused is pane(app, Kind.ACTOR) and selected(app, Kind.ACTOR) == start
        # Keys held meanwhile go on one at a time: the palette opens (a priority key)
        # before the query is routed.
        burst(app, "ctrl+p", *"baikonur")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        palette = app.screen
        await until(pilot, lambda: palette.query_one(Input).value == "baikonur", "the query")
        burst(app, "escape", "m", "j", "l")  # the matrix, moved to its second row and column
        await until(pilot, lambda: isinstance(app.screen, MatrixScreen), "the matrix")
        matrix = app.screen.query_one(StanceMatrix)
        await until(pilot, lambda: (matrix.row, matrix.col) == (1, 1), "the matrix's cursor")
        assert selected(app, Kind.ACTOR) == start


async def test_keys_typed_after_a_prompt_or_screen_closes_go_to_the_dashboard(
    make_app, ready, no_safety
) -> None:
    """In a burst, the keys after Enter in a prompt (or the key closing a screen) belong to
    the dashboard it returns to: they went to the prompt being closed, and were lost."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        burst(app, "t", *"2020", "enter", "3")
        await until(pilot, lambda: app.focused is pane(app, Kind.EVENT), "the timeline focused")
        assert app.as_of is not None and app.as_of.text == "2020"
        burst(app, "v", *"baku", "enter", "2")  # a view saved under a name
        disagreements = pane(app, Kind.DISAGREEMENT)
        await until(pilot, lambda: app.focused is disagreements, "the disagreements")
        await until(pilot, lambda: "baku" in app.watchlist.named_views(), "the view saved")
        burst(app, "question_mark", "escape", "1")
        await until(pilot, lambda: app.focused is pane(app, Kind.ACTOR), "the actors focused")
        assert not isinstance(app.screen, HelpScreen)
        burst(app, "m", "escape", "3")
        await until(pilot, lambda: app.focused is pane(app, Kind.EVENT), "the timeline focused")
        assert not isinstance(app.screen, MatrixScreen)
        # Enter in the watch view goes to the entity once the dashboard is back: the key
        # after it moves in that entity's pane, not in the one that had the focus before.
        await pilot.press("2", "p", "1")  # the first disagreement pinned
        pinned = selected(app, Kind.DISAGREEMENT)
        start = selected(app, Kind.ACTOR)
        burst(app, "W", "enter", "j")
        await until(pilot, lambda: app.dashboard.trail != [], "the pinned disagreement")
        assert app.dashboard.trail == [Ref(Kind.DISAGREEMENT, pinned)]
        await until(pilot, lambda: selected(app, Kind.DISAGREEMENT) != pinned, "the j")
        assert app.focused is disagreements and selected(app, Kind.ACTOR) == start


async def test_keys_typed_after_enter_in_the_palette_go_where_it_leads(
    make_app, ready, no_safety
) -> None:
    """Enter in the palette goes to the hit chosen in three hops (the input's Submitted,
    the list's OptionSelected, which closes it): the key typed right after it went into
    the palette's query, and was lost with it."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        burst(app, "ctrl+p", *"baikonur")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        hits = app.screen.query_one(CommandList)
        await until(pilot, lambda: hits.highlighted is not None, "the first hit highlighted")
        burst(app, "enter", "3")
        await until(pilot, lambda: app.focused is pane(app, Kind.EVENT), "the timeline focused")
        assert not isinstance(app.screen, CommandPalette)
        assert app.dashboard.trail == [Ref(Kind.DISAGREEMENT, "baikonur")]


async def test_a_click_among_keys_typed_fast_acts_in_its_turn(make_app, ready, no_safety) -> None:
    """Over a slow link a click arrives with the keys around it. In 3, a click on the
    second disagreement, j: j moves on in the disagreements, which keep the focus. The
    click acted at once, before 3's binding, which then took the focus (and j) away."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        disagreements, timeline = pane(app, Kind.DISAGREEMENT), pane(app, Kind.EVENT)
        start = timeline.cursor
        burst(app, "3")
        click_in_burst(app, disagreements, (5, 2))  # border, first row, second row
        burst(app, "j")
        await until(pilot, lambda: disagreements.cursor == 2, "j in the disagreements")
        assert app.focused is disagreements and timeline.cursor == start


async def test_keys_typed_after_an_editing_key_in_a_field_land_after_it(
    make_app, ready, no_safety
) -> None:
    """A field's editing keys (Backspace, ←) are bindings, which act once the key has come
    back from the field: a letter typed right after one was inserted before it acted."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        burst(app, "/", *"ab", "backspace", "d", "left", "c")
        await until(pilot, lambda: app.dashboard.filter_input.value == "acd", "the filter “acd”")


async def test_filter_matches_aliases_and_ids(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"lukashenko", "enter")
        assert [selected(app, Kind.ACTOR)] == ["lukashenka"] and pane(app, Kind.ACTOR).shown == 1
        await pilot.press("slash", "ctrl+u", *"nur-otan-chairman", "escape")
        assert app.dashboard.filter_text == ""
        assert pane(app, Kind.ACTOR).shown == 16


async def test_filter_puts_the_cursor_on_the_row_whose_name_matches(make_app, ready) -> None:
    """ "nazar" also matches the Eurasian Union (its summary names Nazarbayev), which sorts
    first; the analyst typing a name and Enter means Nazarbayev himself."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"nazar")
        await pilot.pause()
        actors = pane(app, Kind.ACTOR)
        shown = [app.dashboard.arranged.ref_at(Kind.ACTOR, row).id for row in actors.rows]
        assert shown.index("eurasian-union") < shown.index("nazarbayev")
        assert selected(app, Kind.ACTOR) == "nazarbayev"
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert app.dashboard.focus_ref == Ref(Kind.ACTOR, "nazarbayev")


# -- help, palette, matrix --------------------------------------------------------------------


async def test_help_lists_every_binding(make_app, ready, screen) -> None:
    import inspect

    import tui.ui

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(str(w.render()) for w in app.screen.query(".help-what"))
        keys = "\n".join(str(w.render()) for w in app.screen.query(".help-keys"))
        # Every binding of every dashboard class, by its words.
        from importlib import import_module
        from pkgutil import iter_modules

        for info in iter_modules(tui.ui.__path__):
            module = import_module(f"tui.ui.{info.name}")
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if not cls.__module__.startswith("tui.ui"):
                    continue
                for binding in cls.__dict__.get("BINDINGS", []):
                    assert (binding.tooltip or binding.description) in shown, (cls, binding)
        for key in (
            "Tab",
            "Shift+Tab",
            "/",
            "Backspace",
            "Esc",
            "m",
            "?",
            "Ctrl+P",
            "r",
            "q",
            "g",
            "G",
        ):
            assert re.search(rf"(^|\s){re.escape(key)}(\s|$)", keys, re.M), key
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_goes_to_an_actor_by_alias(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"lukashenko")
        palette = app.screen

        def first_hit() -> str:
            options = palette.query_one("CommandList").options
            return str(options[0].prompt) if options else ""

        await until(pilot, lambda: "Go to actor: Alyaksandr Lukashenka" in first_hit(), "the hit")
        await pilot.press("enter")
        await until(
            pilot, lambda: not isinstance(app.screen, CommandPalette), "the palette to close"
        )
        await pilot.pause()
        assert app.dashboard.trail == [Ref(Kind.ACTOR, "lukashenka")]
        assert app.focused is pane(app, Kind.ACTOR) and selected(app, Kind.ACTOR) == "lukashenka"


async def test_palette_goes_to_each_view(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await run_command(pilot, app, "timeline pane", "Timeline pane")
        assert app.focused is pane(app, Kind.EVENT)
        await run_command(pilot, app, "disagreements pane", "Disagreements pane")
        assert app.focused is pane(app, Kind.DISAGREEMENT)
        await run_command(pilot, app, "detail pane", "Detail pane")
        assert isinstance(app.focused, DetailPane)
        await run_command(pilot, app, "actors pane", "Actors pane")
        assert app.focused is pane(app, Kind.ACTOR)


async def test_palette_exports_the_dossier_shown_without_overwriting(
    tmp_path, monkeypatch, make_app, ready
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "faultline-export.md").write_text("someone's notes")
    app = make_app(data_paths=[DOSSIER])
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await ready(app, pilot)
        await run_command(pilot, app, "export brief", "Export brief")
        written = tmp_path / "faultline-export-2.md"
        await until(pilot, written.exists, "the brief")
        assert written.read_text().startswith("# Kazakhstan and Eurasian integration")
        assert (tmp_path / "faultline-export.md").read_text() == "someone's notes"
        await until(pilot, lambda: "faultline-export-2.md" in toasts(app), "the notice")
        await run_command(pilot, app, "export json", "Export JSON")
        await until(pilot, (tmp_path / "faultline-export.json").exists, "the JSON")
        assert main_ok(tmp_path / "faultline-export.json")


async def test_palette_reloads_the_data_files(tmp_path, make_app, ready) -> None:
    doc = tmp_path / "dossier.toml"
    doc.write_text('[[actors]]\nid = "a"\nname = "Alpha"\nkind = "state"\n')
    app = make_app(data_paths=[doc])
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        doc.write_text(doc.read_text() + '[[actors]]\nid = "b"\nname = "Bravo"\nkind = "state"\n')
        await run_command(pilot, app, "reload", "Reload")
        await until(pilot, lambda: "b" in app.arranged.dataset.actors, "the new actor")
        await pilot.pause()
        assert "Bravo" in screen_text(app)


def main_ok(path) -> bool:
    """The file reads back as a valid faultline/1 document."""
    from tui.cli import main

    return main(["validate", str(path)]) == 0


async def test_palette_goes_to_an_event_and_a_disagreement(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        for query, ref, name in (
            ("envoys", Ref(Kind.EVENT, "nazarbayev-envoys-speech"), Kind.EVENT),
            ("baikonur", Ref(Kind.DISAGREEMENT, "baikonur"), Kind.DISAGREEMENT),
        ):
            await pilot.press("ctrl+p")
            await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
            await pilot.press(*query)
            hits = app.screen.query_one("CommandList")
            await until(pilot, lambda hits=hits: bool(hits.options), f"hits for {query}")
            await pilot.press("enter")
            await until(pilot, lambda: not isinstance(app.screen, CommandPalette), "close")
            await pilot.pause()
            assert app.dashboard.trail[-1] == ref
            assert app.focused is pane(app, name) and selected(app, name) == ref.id


async def test_palette_offers_the_app_commands(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"stance matrix")
        palette = app.screen
        await until(
            pilot,
            lambda: any(
                "Stance matrix" in str(o.prompt) for o in palette.query_one("CommandList").options
            ),
            "the matrix command",
        )
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MatrixScreen), "the matrix")


async def test_matrix_shows_current_stances_and_opens_a_position(make_app, ready, screen) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MatrixScreen)
        text = screen(app)
        assert "11 actors × 5 disagreements" in text
        # Rows: Kazakhstan opposes the first two, supports the third, unknown on the rest.
        assert re.search(r"Kazakhstan\s+▼\s+▼\s+▲\s+\?\s+\?", text)
        assert re.search(r"Russia\s+▲\s+▲\s+\?\s+\?\s+\?", text)
        assert re.search(r"China\s+·\s+·\s+\?\s+·\s+·", text)  # · = no position at all
        assert "▲ support" in text and "· no position" in text  # the legend
        matrix = app.screen.query_one(StanceMatrix)
        while matrix.cell()[0] != "kz":
            await pilot.press("j")
        await pilot.press("l")
        await pilot.pause()
        text = await look(pilot, app)
        # The position under the cursor, in full, below the matrix.
        assert "Kazakhstan on Establishing a Eurasian parliament" in text
        assert "Current stance  ▼ oppose  as of 2013-01-18" in text
        await pilot.press("h", "enter")
        await until(pilot, lambda: bool(app.dashboard.trail), "the position to open")
        assert not isinstance(app.screen, MatrixScreen)
        assert app.dashboard.trail == [Ref(Kind.DISAGREEMENT, "political-integration", "kz")]
        text = detail_text(app)
        assert text.startswith("Kazakhstan on Political vs purely economic integration")
        history = text[text.index("History (2)") :]
        assert history.index("2012-09") < history.index("2013-01-18")  # oldest first


async def test_matrix_headings_and_names_take_the_room_there_is(make_app, ready, screen) -> None:
    app = make_app()
    titles = [d.title for d in app.initial_dataset.disagreements.values()]
    for size, whole in ((WIDE, True), (SMALL, False)):
        async with app.run_test(size=size) as pilot:
            await ready(app, pilot)
            await pilot.press("m")
            await pilot.pause()
            lines = screen(app).splitlines()
            # The headings: from the "11 actors" line to the first actor's row.
            top = next(i for i, line in enumerate(lines) if "11 actors" in line)
            first = next(i for i, line in enumerate(lines) if "Alyaksandr Lukashenka" in line)
            heading = " ".join(lines[top:first])
            if whole:  # at 120 columns every title is shown whole, and every name
                for title in titles:
                    assert all(word in heading.split() for word in title.split()), title
                assert "Nationalist circles in Kazakhstan " in screen(app)
            else:  # at 80, more of each title than two lines of nine cells
                assert first - top > 2
                for word in ("economic", "Eurasian", "crude", "price", "access"):
                    assert word in heading
        app = make_app()


async def test_matrix_follows_the_filter_and_closes_with_escape(make_app, ready, screen) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"oil", "enter", "m")
        await pilot.pause()
        text = screen(app)
        assert "× 1 disagreement " in text
        await pilot.press("escape")
        assert not isinstance(app.screen, MatrixScreen)


# -- mouse, refresh, warnings -----------------------------------------------------------------


async def test_mouse_selects_rows_and_double_click_focuses(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        timeline = pane(app, Kind.EVENT)
        await pilot.click(timeline, offset=(5, 2))  # border, heading, first event
        assert app.focused is timeline
        assert selected(app, Kind.EVENT) == "eurasian-parliament-criticism"
        await pilot.double_click(timeline, offset=(5, 3))
        await pilot.pause()
        assert app.dashboard.trail == [Ref(Kind.EVENT, "latin-alphabet-decision")]


async def test_clicking_a_detail_link_follows_it(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        detail = app.query_one(DetailPane)
        link = detail.links[0]  # Lukashenka is a member of Belarus
        await pilot.click(link)
        await pilot.pause()
        assert app.dashboard.trail == [Ref(Kind.ACTOR, "by")]


async def test_refresh_without_feeds_says_so(make_app, ready, screen) -> None:
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await ready(app, pilot)
        await pilot.press("r")
        await until(pilot, lambda: "No feeds configured" in screen(app), "the notification")


async def test_unresolved_references_are_counted_and_listed(
    tmp_path, make_app, ready, screen
) -> None:
    doc = tmp_path / "dossier.toml"
    doc.write_text(
        '[[actors]]\nid = "a"\nname = "Alpha"\nkind = "state"\n'
        '[[events]]\nid = "e"\ntitle = "Something"\ndate = "2020"\nactors = ["a", "ghost"]\n'
    )
    app = make_app(data_paths=[doc])
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        assert "1 unresolved (w)" in screen(app)
        await pilot.press("3")
        assert "ghost (unresolved: no such actor)" in detail_text(app)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        assert "no actor 'ghost' is defined in any layer" in screen(app)


async def test_a_rejected_document_is_reported_and_the_rest_still_loads(
    tmp_path, make_app, ready, screen
) -> None:
    (tmp_path / "a.toml").write_text('[[actors]]\nid = "a"\nname = "Alpha"\nkind = "state"\n')
    (tmp_path / "b.toml").write_text('[[actors]]\nid = "B"\nname = "Bad id"\nkind = "state"\n')
    app = make_app(data_paths=[tmp_path])
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await ready(app, pilot)
        status = str(app.dashboard.query_one("#status").render())
        assert "Actors 1/1" in screen(app) and "1 rejected" in status
        await until(pilot, lambda: "b.toml" in screen(app), "a notification naming the file")


async def test_show_dataset_keeps_the_focus_and_filter(make_app, ready, default_dataset) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await move_to(pilot, app, Kind.ACTOR, "ru")
        await pilot.press("enter", "slash", *"moscow", "enter")
        app.show_dataset(default_dataset)
        await ready(app, pilot)
        assert app.dashboard.trail == [Ref(Kind.ACTOR, "ru")]
        assert app.dashboard.filter_text == "moscow"
        assert selected(app, Kind.ACTOR) == "ru"


async def test_no_color_renders_without_colour_and_keeps_the_glyphs(
    monkeypatch: pytest.MonkeyPatch, make_app, ready, screen
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        assert "1▲ 6▼" in screen(app)
        svg = app.export_screenshot()
    chrome = {"#ff5f57", "#febc2e", "#28c840", "#c5c8c6"}  # the SVG's window buttons and title
    colours = set(re.findall(r"#[0-9a-fA-F]{6}\b", svg)) - chrome
    assert colours
    for colour in colours:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        assert r == g == b, colour


async def test_tabs_and_breadcrumb_are_clickable(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await ready(app, pilot)
        tabs = app.dashboard.query_one("#tabs")
        text = str(tabs.render())
        await pilot.click(tabs, offset=(text.index("3 Timeline") + 2, 0))
        assert app.focused is pane(app, Kind.EVENT)
        await pilot.press("1", "enter", "j", "enter")  # two entries on the trail
        await pilot.pause()
        assert len(app.dashboard.trail) == 2
        crumbs = app.dashboard.query_one("#crumbs")
        await pilot.click(crumbs, offset=(str(crumbs.render()).index("All") + 1, 0))
        await pilot.pause()
        assert app.dashboard.trail == []


async def test_detail_says_where_an_entity_came_from_and_what_it_replaced(
    tmp_path, make_app, ready
) -> None:
    first = tmp_path / "first.toml"
    first.write_text('[[actors]]\nid = "kz"\nname = "Kazakhstan"\nkind = "state"\n')
    second = tmp_path / "second.toml"
    second.write_text('\n[[actors]]\nid = "kz"\nname = "Kazakhstan (revised)"\nkind = "state"\n')
    app = make_app(data_paths=[first, second])
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        text = detail_text(app)
        assert text.startswith("Kazakhstan (revised)")
        assert f"From file {second}:2" in text
        assert f"Replaces the copy from file {first}:1" in text


async def test_command_keys_typed_in_the_filter_are_text(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", "m", "question_mark", "q", "slash", "r", "1", "w")
        assert app.dashboard.filter_input.value == "m?q/r1w"
        assert app.is_running and app.screen is app.dashboard
        assert app.focused is app.dashboard.filter_input


async def test_configured_theme_is_used_and_an_unknown_one_is_reported(
    default_dataset, screen
) -> None:
    app = FaultlineApp(Config(ui=UIConfig(theme="nord")), dataset=default_dataset)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert app.theme == "nord"
    app = FaultlineApp(Config(ui=UIConfig(theme="no-such-theme")), dataset=default_dataset)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await until(pilot, lambda: "unknown theme" in screen(app), "the warning")
        assert app.theme == "textual-dark"


def test_tally_is_compact_and_leaves_out_zeros(default_dataset) -> None:
    tally = default_dataset.disagreements["political-integration"].tally()
    assert tally_text(tally) == "1▲ 6▼"
    assert (
        tally_text({"support": 2, "oppose": 3, "mixed": 1, "neutral": 0, "unknown": 0})
        == "2▲ 3▼ 1◆"
    )


async def test_breadcrumb_and_tabs_say_what_was_clicked_in_messages() -> None:
    """The breadcrumb and the tabs are widgets of their own (tui/ui/widgets.py): clicked,
    they post which entry or tab, for any screen to act on."""
    from textual.app import App, ComposeResult

    from tui.ui.widgets import Breadcrumb, Tabs

    heard: list = []

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield Breadcrumb(id="crumbs")
            yield Tabs(id="tabs")

        def on_mount(self) -> None:
            self.query_one(Breadcrumb).show_trail(["Kazakhstan", "Nazarbayev"], "nur", False)
            tabs = [("actors", "Actors"), ("timeline", "Timeline")]
            self.query_one(Tabs).show_tabs(tabs, "actors")

        def on_breadcrumb_chosen(self, message: Breadcrumb.Chosen) -> None:
            heard.append(("crumb", message.depth))

        def on_tabs_chosen(self, message: Tabs.Chosen) -> None:
            heard.append(("tab", message.name))

    app = Host()
    async with app.run_test(size=(100, 6)) as pilot:
        crumbs = app.query_one(Breadcrumb)
        text = str(crumbs.render())
        assert "Focus All › Kazakhstan › Nazarbayev" in text and "“nur”" in text
        await pilot.click(crumbs, offset=(text.index("Kazakhstan") + 1, 0))
        await pilot.click(crumbs, offset=(text.index("All") + 1, 0))
        await pilot.click(crumbs, offset=(text.index("Nazarbayev") + 1, 0))  # the last: inert
        tabs = app.query_one(Tabs)
        await pilot.click(tabs, offset=(str(tabs.render()).index("2 Timeline") + 1, 0))
        await pilot.pause()
    assert heard == [("crumb", 0), ("crumb", -1), ("tab", "timeline")]


async def test_messages_arriving_after_quit_are_not_a_crash(make_app, ready) -> None:
    """Workers, the feed client and timers post messages that can arrive while the app
    closes, after its screens are gone (a feed's state change came in so during the
    suite, under load, and the session ended in a traceback). Handled then, they do
    nothing."""
    from tui.ui.app import LoadProgress
    from tui.ui.refresh import FeedsChanged

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
    assert not app.screen_stack  # closed: what a late message finds
    app.on_feeds_changed(FeedsChanged("1 feed: 1 unchanged", {}))
    app.on_indexes_ready()
    app.on_load_progress(LoadProgress("reading data/x.toml (1 of 1)"))
    app.on_pins_changed()

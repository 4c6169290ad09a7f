"""Start-up of the dashboard (issue 15): a small dossier is in the very first frame, with
no "Loading…" frame before it; the detail shown just after that frame does not build the
whole timeline's relation indexes on the UI thread, where a large dossier's first frames
would wait for them.

Structural, not timed: the frames the app writes are recorded (each one's "Loading…"
line and the rows of the panes, whether the cyclic collector runs), and which indexes
exist when the detail is drawn.
"""

from __future__ import annotations

import gc
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from helpers import until
from textual.widgets import Footer

from tests.conftest import DOSSIER, screen_text
from tui.core import browse
from tui.core.config import Config
from tui.core.gcpause import end_start_pause, pause_start
from tui.core.model import Kind
from tui.ui.app import FaultlineApp
from tui.ui.dashboard import DashboardScreen, FilterInput
from tui.ui.detail import DetailPane

WIDE = (120, 40)


def recording_frames(app: FaultlineApp) -> list[tuple[bool, int]]:
    """For every frame ``app`` writes from now on: whether it says "Loading…", and how
    many events its timeline shows."""
    frames: list[tuple[bool, int]] = []
    display = app._display

    def recorded(screen: Any, renderable: Any) -> None:
        if app.screen_stack and isinstance(app.screen_stack[0], DashboardScreen):
            dashboard = app.screen_stack[0]
            loading = dashboard.query_one("#loading").display
            frames.append((loading, dashboard.pane(Kind.EVENT).shown))
        display(screen, renderable)

    app._display = recorded  # type: ignore[method-assign]
    return frames


def detail_text(app: FaultlineApp) -> str:
    return "\n".join(str(block.content) for block in app.query_one(DetailPane).blocks)


async def test_a_small_dossier_is_in_the_first_frame_with_no_loading_frame(tmp_path) -> None:
    app = FaultlineApp(Config(cache_dir=tmp_path), data_paths=[DOSSIER])
    frames = recording_frames(app)
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: frames, "the first frame")
        assert frames[0] == (False, 7)  # the timeline's 7 events, no "Loading…"
        await until(pilot, lambda: app.arranged is not None and app.arranged.completed, "indexes")
        await pilot.pause()
        assert not any(loading for loading, _ in frames)
        text = screen_text(app)
        assert "Actors 16/16" in text and "Timeline 7/7" in text and "Loading…" not in text


async def test_a_dossier_over_the_limit_is_read_in_the_worker_behind_loading(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setattr(FaultlineApp, "READ_AT_ONCE", DOSSIER.stat().st_size - 1)
    app = FaultlineApp(Config(cache_dir=tmp_path), data_paths=[DOSSIER])
    frames = recording_frames(app)
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: app.arranged is not None, "the dossier")
        await pilot.pause()
        assert frames[0] == (True, 0)  # "Loading…" first, then the panes
        assert frames[-1] == (False, 7)


async def test_nothing_waits_to_be_mounted_while_a_dossier_is_read_in_the_worker(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """While the worker reads a large dossier, the UI thread mounts nothing the dossier's
    first frame can do without: the footer's keys and the hidden filter prompt come just
    after the frame that shows it, as for a small dossier (mounted behind "Loading…",
    they took the interpreter from the reading thread)."""
    monkeypatch.setattr(FaultlineApp, "READ_AT_ONCE", DOSSIER.stat().st_size - 1)
    reading = threading.Event()
    arrange = FaultlineApp._arrange

    def held(app: FaultlineApp, *args: Any, **kwargs: Any) -> Any:
        reading.wait(timeout=30)  # the read goes on once the test has looked
        return arrange(app, *args, **kwargs)

    monkeypatch.setattr(FaultlineApp, "_arrange", held)
    app = FaultlineApp(Config(cache_dir=tmp_path), data_paths=[DOSSIER])
    frames = recording_frames(app)
    try:
        async with app.run_test(size=WIDE) as pilot:
            await until(pilot, lambda: frames, "the loading frame")
            for _ in range(3):
                await pilot.pause()
            assert frames[-1] == (True, 0)
            assert not app.dashboard.query(Footer) and not app.dashboard.query(FilterInput)
            reading.set()
            await until(pilot, lambda: app.dashboard.query(Footer), "the footer")
            assert frames[-1] == (False, 7)  # the dossier was drawn first
            assert app.dashboard.query(FilterInput)
            await pilot.press("slash")
            await until(pilot, lambda: app.dashboard.filter_input.has_focus, "the filter")
    finally:
        reading.set()


async def test_the_detail_after_the_first_frame_waits_for_the_indexing_worker(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """As at 100,000 events (the limit lowered to this dossier's 7): the first actor's
    detail does not build ``events_by_actor`` over the whole timeline on the UI thread;
    the indexing worker builds it, and the detail is drawn once it has."""
    monkeypatch.setattr(DashboardScreen, "DETAIL_WAITS_FOR_INDEXES", 0)
    release = threading.Event()
    real = browse.Arranged.complete

    def held_complete(self: browse.Arranged) -> None:
        release.wait(10)
        real(self)

    monkeypatch.setattr(browse.Arranged, "complete", held_complete)
    app = FaultlineApp(Config(cache_dir=tmp_path), data_paths=[DOSSIER])
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: "Indexing the dossier" in detail_text(app), "the detail")
        await pilot.pause()
        assert app.arranged is not None and not app.arranged.completed
        built = vars(app.arranged.dataset)
        assert "events_by_actor" not in built and "events_by_disagreement" not in built
        release.set()
        await until(pilot, lambda: "Events" in detail_text(app), "the actor's detail")
        assert app.arranged.completed
        assert app.query_one(DetailPane).ref == app.dashboard.pane(Kind.ACTOR).ref


def recording_collector(app: FaultlineApp) -> list[tuple[int, bool]]:
    """For every frame ``app`` writes from now on: how many events its timeline shows,
    and whether the cyclic garbage collector is enabled."""
    frames: list[tuple[int, bool]] = []
    display = app._display

    def recorded(screen: Any, renderable: Any) -> None:
        if app.screen_stack and isinstance(app.screen_stack[0], DashboardScreen):
            frames.append((app.dashboard.pane(Kind.EVENT).shown, gc.isenabled()))
        display(screen, renderable)

    app._display = recorded  # type: ignore[method-assign]
    return frames


@pytest.mark.parametrize("small", [True, False], ids=["read at once", "read in the worker"])
async def test_the_collector_paused_for_the_start_resumes_once_the_dossier_is_drawn(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, small: bool
) -> None:
    """As ``faultline`` starts (cli.main pauses the collector first): no collections
    until the frame with the dossier, the collector running again after it."""
    if not small:
        monkeypatch.setattr(FaultlineApp, "READ_AT_ONCE", 0)
    assert gc.isenabled()
    pause_start()
    try:
        app = FaultlineApp(Config(cache_dir=tmp_path), data_paths=[DOSSIER])
        frames = recording_collector(app)
        async with app.run_test(size=WIDE) as pilot:
            await until(
                pilot, lambda: app.arranged is not None and app.arranged.completed, "indexes"
            )
            await pilot.pause()
            shown = [enabled for events, enabled in frames if events == 7]
            assert shown[0] is False  # the first frame with the dossier: still paused
            assert gc.isenabled()  # and running again just after it
            assert all(not enabled for events, enabled in frames if events != 7)
    finally:
        end_start_pause()
        gc.enable()


async def test_the_collector_paused_for_the_start_resumes_when_the_dossier_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tui.ui import app as app_module

    def failing_read(paths: list[Path], *args: Any, progress: Any, **kwargs: Any) -> None:
        raise OSError(5, "Input/output error")  # as a disk failing under the reader would

    monkeypatch.setattr(app_module, "read_arranged", failing_read)
    pause_start()
    try:
        app = FaultlineApp(Config(cache_dir=tmp_path), data_paths=[DOSSIER])
        async with app.run_test(size=WIDE) as pilot:
            await until(pilot, lambda: app.load_error is not None, "the error")
            await pilot.pause()
            assert gc.isenabled()
    finally:
        end_start_pause()
        gc.enable()


async def test_each_widget_of_the_dashboard_is_styled_once_before_the_first_frame(
    tmp_path: Path,
) -> None:
    """Textual styles each widget as it mounts, and restyles a screen with all its widgets
    when it is shown: the first time, at start-up, that second pass is skipped (it would
    change nothing). The first frame looks as it did (tests/ui/test_ui_snapshots.py)."""
    app = FaultlineApp(Config(cache_dir=tmp_path), data_paths=[DOSSIER])
    styled: Counter[object] = Counter()
    at_first_frame: list[Counter[object]] = []
    apply = app.stylesheet.apply

    def counted(node: Any, *args: Any, **kwargs: Any) -> None:
        styled[node] += 1
        apply(node, *args, **kwargs)

    app.stylesheet.apply = counted  # type: ignore[method-assign]
    frames = recording_frames(app)
    display = app._display

    def recorded(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if frames and not at_first_frame:
            dashboard = app.dashboard
            at_first_frame.append(
                Counter({w: styled[w] for w in [dashboard, *dashboard.walk_children()]})
            )

    app._display = recorded  # type: ignore[method-assign]
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: at_first_frame, "the first frame")
        assert frames[0] == (False, 7)
        counts = at_first_frame[0]
        assert len(counts) > 10
        # Once each; twice only the screen (its layout class, set in compose) and the
        # focused pane (:focus), whose styles did change.
        again = {widget for widget, times in counts.items() if times > 1}
        assert again <= {app.dashboard, app.focused}
        assert max(counts.values()) == 2


async def test_the_hidden_filter_prompt_is_mounted_just_after_the_first_frame(
    tmp_path: Path,
) -> None:
    """The first frame does not show the ``/`` prompt, so it is mounted just after that
    frame; ``/`` then filters as ever."""
    app = FaultlineApp(Config(cache_dir=tmp_path), data_paths=[DOSSIER])
    prompts: list[int] = []  # at each frame with the dossier, how many filter prompts
    frames = recording_frames(app)
    display = app._display

    def recorded(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if frames and frames[-1][1] == 7:
            prompts.append(len(app.dashboard.query(FilterInput)))

    app._display = recorded  # type: ignore[method-assign]
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: prompts, "the first frame")
        assert prompts[0] == 0
        await pilot.pause()
        assert len(app.dashboard.query(FilterInput)) == 1
        await pilot.press("/", *"nazarbayev")
        await until(pilot, lambda: "Timeline 1/7" in screen_text(app), "the filtered panes")
        assert app.focused is app.dashboard.filter_input


# Selectors of the other screens' rules (screens.tcss): none of them styles the dashboard.
OTHER_SCREENS = ("HelpScreen", "#help-body", "#matrix", "#feeds", "#capture-body", "TextPrompt")


async def test_the_first_frame_parses_and_matches_the_dashboards_rules_only(tmp_path) -> None:
    """The other screens' rules are read when the first of them opens: Textual parses
    them then, alone, and restyles nothing shown (app.tcss's rules stay as parsed)."""
    app = FaultlineApp(Config(cache_dir=tmp_path), data_paths=[DOSSIER])
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: app.arranged is not None, "the dossier")
        stylesheet = app.stylesheet
        assert not set(OTHER_SCREENS) & stylesheet.rules_map.keys()
        first_rules = list(stylesheet.rules)
        await pilot.press("question_mark")
        await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen", "the help")
        assert set(OTHER_SCREENS) <= stylesheet.rules_map.keys()
        # Parsed once: the dashboard's rules are the very objects parsed at start.
        assert all(any(rule is old for old in first_rules) for rule in stylesheet.rules[:20])
        body = app.screen.query_one("#help-body")
        assert str(body.styles.width) == "90w" and body.styles.max_width is not None

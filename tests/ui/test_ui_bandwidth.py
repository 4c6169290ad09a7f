"""The dashboard over a slow link (issue 16): ``ui.bandwidth = "low"``, and lists that
refresh only the lines that changed still show everything that did.

The bytes themselves are measured in a real pseudo-terminal (tests/cli/test_bandwidth_pty.py,
bench/bandwidth.py); these run the app headless and check what the analyst sees.
"""

from __future__ import annotations

from typing import Any

from helpers import settle, until

from tests.conftest import screen_text
from tui.core.config import Config, UIConfig
from tui.core.model import Kind
from tui.ui.app import FaultlineApp
from tui.ui.detail import DetailPane


async def test_low_bandwidth_the_detail_follows_the_resting_cursor_without_scrollbars(
    default_dataset: Any, tmp_path: Any
) -> None:
    config = Config(cache_dir=tmp_path / "cache", ui=UIConfig(bandwidth="low"))
    app = FaultlineApp(config, dataset=default_dataset)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.animation_level == "none"
        actors = app.dashboard.pane(Kind.ACTOR)
        assert actors.show_vertical_scrollbar and actors.scrollbar_size_vertical == 0  # none drawn
        await pilot.press("j", "j", "j")
        detail = app.query_one(DetailPane)
        await until(pilot, lambda: detail.ref == actors.ref, "the detail to follow the cursor")
        assert actors.cursor == 3
        assert actors.arranged is not None
        assert actors.arranged.actors[3].name in screen_text(app)


async def test_normal_bandwidth_keeps_the_list_scrollbars(
    make_app: Any, default_dataset: Any
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(app, pilot)
        assert app.dashboard.pane(Kind.EVENT).scrollbar_size_vertical == 1


async def test_a_list_with_no_rows_says_which_filter_left_it_empty(make_app: Any) -> None:
    # Typing on in a filter that matches nothing changes no row, only the message: the
    # list still redraws it (it refreshes the lines whose drawing changed).
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"zzq")
        await until(pilot, lambda: "No actors match “zzq”" in screen_text(app), "zzq")
        await pilot.press("x")
        await until(pilot, lambda: "No actors match “zzqx”" in screen_text(app), "zzqx")
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await settle(app, pilot)
        assert "No actors match" not in screen_text(app)
        assert "Alyaksandr Lukashenka" in screen_text(app)

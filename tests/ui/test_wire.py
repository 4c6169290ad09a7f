"""What reaches the terminal (tui/ui/wire.py): only the cells that changed, and the
terminal still ends up showing exactly what Textual drew.

The real dashboard runs headless; every frame Textual hands over is both written as
Textual writes it and put through the app's ``Wire``, each stream into its own model
of a terminal (``helpers.TerminalModel``). After every frame the two screens must be
the same, cell for cell and style for style.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import TerminalModel, settle
from rich.console import RenderableType
from textual._compositor import CompositorUpdate
from textual.screen import Screen

import tui.ui.app as app_module
from tui.core.config import Config
from tui.ui.app import FaultlineApp
from tui.ui.wire import Wire


class Recording(FaultlineApp):
    """The dashboard, keeping each frame (headless apps write none)."""

    CSS_PATH = Path(app_module.__file__).with_name("app.tcss")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.frames: list[tuple[CompositorUpdate, Any]] = []

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        if isinstance(renderable, CompositorUpdate) and not self._batch_count:
            self.frames.append((renderable, self.size))
        super()._display(screen, renderable)


async def test_the_wire_leaves_the_screen_textual_drew_and_sends_far_less(
    default_dataset: Any, tmp_path: Any
) -> None:
    app = Recording(Config(cache_dir=tmp_path / "cache"), dataset=default_dataset)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for key in ("j", "j", "k", "2", "j", "3", "j", "4", "down", "down", "1", "end"):
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("slash", "k", "a", "z", "backspace", "escape")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("escape", "backspace")
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.press("j", "tab", "j")
        await settle(app, pilot)

    assert len(app.frames) > 20
    wire = Wire()
    plain = wired = None
    sent_plain = sent_wired = 0
    for number, (frame, size) in enumerate(app.frames):
        if plain is None or (plain.width, plain.height) != (size.width, size.height):
            plain, wired = TerminalModel(*size), TerminalModel(*size)
        assert wired is not None
        textual_output = frame.render_segments(app.console)
        wire_output = wire.update(frame, size, app.console)
        assert wire_output is not None
        plain.feed(textual_output)
        wired.feed(wire_output)
        sent_plain += len(textual_output.encode())
        sent_wired += len(wire_output.encode())
        assert wired.cells == plain.cells, f"frame {number}: the screens differ"
    assert "Actors" in "\n".join(plain.text())  # type: ignore[union-attr]
    assert sent_wired * 3 < sent_plain, (sent_wired, sent_plain)


def test_a_frame_that_changes_nothing_sends_nothing_and_forget_sends_it_all() -> None:
    from rich.console import Console
    from rich.segment import Segment
    from rich.style import Style
    from textual._compositor import LayoutUpdate
    from textual.geometry import Region, Size
    from textual.strip import Strip

    console = Console(color_system="truecolor", force_terminal=True)
    red = Style(color="red")
    strips = [[Strip([Segment("hello ", red), Segment("wide 漢字", None)])] for _ in range(3)]
    size = Size(14, 3)
    wire = Wire()
    first = wire.update(LayoutUpdate(strips, Region(0, 0, 14, 3)), size, console)
    assert first is not None and first.count("hello") == 3
    assert wire.update(LayoutUpdate(strips, Region(0, 0, 14, 3)), size, console) == ""
    changed = [*strips[:2], [Strip([Segment("hullo ", red), Segment("wide 漢字", None)])]]
    update = wire.update(LayoutUpdate(changed, Region(0, 0, 14, 3)), size, console)
    assert update is not None and "hullo" not in update and "u" in update
    assert "\x1b[3;2H" in update  # the cursor goes straight to the one changed cell
    wire.forget()
    again = wire.update(LayoutUpdate(changed, Region(0, 0, 14, 3)), size, console)
    assert again is not None and again.count("wide") == 3

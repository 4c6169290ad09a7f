"""Small widgets the screens share: a line whose parts can be clicked, and on it the
dashboard's numbered tabs and its breadcrumb. Each says what was clicked in a message
(``Tabs.Chosen``, ``Breadcrumb.Chosen``); the screen decides what that does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from .rowlist import fit

MUTED = "$foreground-muted"
Part = tuple[str, str, Callable[[], object] | None]  # text, style, what a click does


class ClickableLine(Static):
    """One line of Content whose parts, by cell range, can be clicked."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self._targets: list[tuple[int, int, Callable[[], object]]] = []

    def show(self, parts: list[Part]) -> None:
        pieces: list[tuple[str, str]] = []
        targets: list[tuple[int, int, Callable[[], object]]] = []
        x = 0
        for text, style, action in parts:
            width = cell_len(text)
            if action is not None:
                targets.append((x, x + width, action))
            pieces.append((text, style))
            x += width
        self._targets = targets
        self.update(Content.assemble(*pieces))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for start, end, action in self._targets:
            if start <= offset.x < end:
                action()
                return


class Tabs(ClickableLine):
    """Numbered tabs (`` 1 Actors 12/24 ``), the active one highlighted."""

    class Chosen(Message):
        """A tab was clicked: ``name`` is its pane."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def show_tabs(self, tabs: Sequence[tuple[str, str]], active: str) -> None:
        """``tabs``: (pane name, label) in order; they are numbered from 1."""
        parts: list[Part] = []
        for number, (name, label) in enumerate(tabs, 1):
            style = "bold reverse $text-accent" if name == active else MUTED
            parts.append((f" {number} {label} ", style, self._choose(name)))
            parts.append((" ", "", None))
        self.show(parts)

    def _choose(self, name: str) -> Callable[[], object]:
        return lambda: self.post_message(self.Chosen(name))


class Breadcrumb(ClickableLine):
    """Where the dashboard is focused: ``Focus All › Kazakhstan › Nazarbayev``, and the
    filter in force. Every entry but the last can be clicked to go back to it."""

    class Chosen(Message):
        """An entry was clicked: go back to ``depth`` (-1: "All", no focus)."""

        def __init__(self, depth: int) -> None:
            super().__init__()
            self.depth = depth

    def show_trail(self, labels: Sequence[str], filter_text: str, searching: bool) -> None:
        """``labels``: the trail's entries, outermost first."""
        parts: list[Part] = [("Focus ", "bold", None)]
        if not labels:
            parts.append(("All", MUTED, None))
            parts.append(("  (Enter on a row focuses it)", MUTED, None))
        else:
            parts.append(("All", "$text-primary", self._choose(-1)))
            for depth, label in enumerate(labels):
                last = depth == len(labels) - 1
                parts.append((" › ", MUTED, None))
                text = fit(" ".join(label.split()), 40, pad=False)
                style = "bold $text-accent" if last else "$text-primary"
                parts.append((text, style, None if last else self._choose(depth)))
            parts.append(("   Backspace back · Esc clear", MUTED, None))
        if filter_text:
            parts.append(("   Filter ", "bold", None))
            parts.append((f"“{filter_text}”", "$text-warning", None))
            if searching:
                parts.append(("  searching…", MUTED, None))
        self.show(parts)

    def _choose(self, depth: int) -> Callable[[], object]:
        return lambda: self.post_message(self.Chosen(depth))

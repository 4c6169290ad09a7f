"""Small widgets the screens share: a line whose parts can be clicked, and on it the
dashboard's numbered tabs and its breadcrumb. Each says what was clicked in a message
(``Tabs.Chosen``, ``Breadcrumb.Chosen``); the screen decides what that does.

A clickable part carries its action in its style (``Style.from_meta({"@click": …})``),
so Textual finds what was clicked; the action and its arguments are our own values (a
pane name, a depth), never text from data.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.message import Message
from textual.style import Style
from textual.widgets import Static

from .rowlist import fit

MUTED = "$foreground-muted"
# What a click on a part does: an action of the line's own (``choose``) and its
# arguments, or None.
Click = tuple[str, tuple[object, ...]] | None
Part = tuple[str, str, Click]  # text, style, what a click does


class ClickableLine(Static):
    """One line of Content whose parts can be clicked."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        # The parts keep their own look: no link colour or underline from the theme.
        self.auto_links = False

    def show(self, parts: list[Part]) -> None:
        pieces: list[Content] = []
        for text, style, click in parts:
            piece = Content.styled(text, style) if style else Content(text)
            if click is not None:
                piece = piece.stylize(Style.from_meta({"@click": click}))
            pieces.append(piece)
        # A line of a fixed size (the CSS's) needs no layout of the screen when its text
        # changes (several milliseconds of each filter key at 100,000 events).
        self.update(Content("").join(pieces), layout=self.styles.auto_dimensions)


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

    def _choose(self, name: str) -> Click:
        return ("choose", (name,))

    def action_choose(self, name: str) -> None:
        self.post_message(self.Chosen(name))


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

    def _choose(self, depth: int) -> Click:
        return ("choose", (depth,))

    def action_choose(self, depth: int) -> None:
        self.post_message(self.Chosen(depth))

"""The help screen (``?``): every key, from the bindings the widgets use (keys.py) so it
cannot drift from what the keys do, plus the mouse and the symbols.

``python -m tui.ui.help --markdown`` prints the same table as Markdown: the README's key
table, which a test holds equal to it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ..core.changes import CHANGED_MARK, NEW_MARK, REMOVED_MARK
from ..core.model import STANCES
from . import keys
from .keys import key_groups
from .legend import EVENT_MARK, NO_POSITION, STANCE_GLYPH


def symbols() -> list[tuple[str, str]]:
    return [
        *((STANCE_GLYPH[s], f"stance: {s}") for s in STANCES),
        (NO_POSITION, "no position (stance matrix)"),
        *((mark, f"event: {state}") for state, mark in EVENT_MARK.items()),
        ("●", "in a list's left margin: the row the dashboard is focused on"),
        (
            NEW_MARK,
            "before a row: new since a feed refresh or a save, until you select it (c lists them)",
        ),
        (CHANGED_MARK, "before a row: changed by a feed refresh or a save, until you select it"),
        (REMOVED_MARK, "in the changes screen: removed by a feed refresh or a save"),
        ("B2", "Admiralty grades: source reliability A–F, information credibility 1–6"),
    ]


def markdown() -> str:
    """The key table as Markdown (the README's "The dashboard" section holds it)."""
    lines = ["| Keys | Action |", "|---|---|"]
    for group, entries in key_groups():
        lines.append(f"| **{group}** | |")
        for pressed, what in entries:
            lines.append(f"| `{pressed}` | {what} |")
    return "\n".join(lines) + "\n"


class HelpScreen(ModalScreen[None]):
    """Every binding, grouped by where it works."""

    BINDINGS = keys.HELP_SCREEN

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "Esc to close"
            yield Static(
                Content.styled("Faultline keys", "bold $text-accent"), classes="help-title"
            )
            for group, entries in key_groups():
                yield Static(Content.styled(group, "bold $text-primary"), classes="help-group")
                for pressed, what in entries:
                    with Horizontal(classes="help-row"):
                        yield Static(
                            Content.styled(pressed, "bold $text-accent"), classes="help-keys"
                        )
                        yield Static(Content(what), classes="help-what")
            yield Static(Content.styled("Symbols", "bold $text-primary"), classes="help-group")
            for glyph, meaning in symbols():
                with Horizontal(classes="help-row"):
                    yield Static(Content.styled(glyph, "bold"), classes="help-keys")
                    yield Static(Content(meaning), classes="help-what")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)


if __name__ == "__main__":
    import sys

    if sys.argv[1:] not in ([], ["--markdown"]):
        sys.exit("usage: python -m tui.ui.help [--markdown]  (the key table, as Markdown)")
    print(markdown(), end="")

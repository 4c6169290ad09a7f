"""The help screen (``?``): every key, read from the bindings themselves so it cannot
drift from what the keys do, plus the mouse and the symbols.

``python -m tui.ui.help`` prints the same table as Markdown, for the README.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ..core.browse import CHANGED_MARK, NEW_MARK, REMOVED_MARK
from ..core.model import STANCES
from .legend import EVENT_MARK, NO_POSITION, STANCE_GLYPH

_KEY_NAMES = {
    "up": "↑", "down": "↓", "left": "←", "right": "→",
    "pageup": "PgUp", "pagedown": "PgDn", "home": "Home", "end": "End",
    "enter": "Enter", "escape": "Esc", "backspace": "Backspace", "tab": "Tab",
    "shift+tab": "Shift+Tab", "question_mark": "?", "slash": "/", "space": "Space",
}  # fmt: skip


def key_label(key: str) -> str:
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    if key.startswith("ctrl+"):
        return "Ctrl+" + key[5:].upper()
    return key


def _bindings(cls: type) -> list[Binding]:
    return [b if isinstance(b, Binding) else Binding(*b) for b in getattr(cls, "BINDINGS", [])]


def key_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """(group, [(keys, what they do)]) for every binding of the dashboard."""
    from .app import FaultlineApp
    from .changes import ChangeList, ChangesScreen
    from .dashboard import DashboardScreen, FilterInput
    from .detail import DetailPane
    from .feeds import FeedsScreen
    from .matrix import MatrixScreen, StanceMatrix
    from .problems import ProblemsScreen
    from .rowlist import RowList

    def rows(*classes: type) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for cls in classes:
            for binding in _bindings(cls):
                keys = " ".join(key_label(k.strip()) for k in binding.key.split(","))
                out.append((keys, binding.tooltip or binding.description or binding.action))
        return out

    return [
        ("Everywhere", [
            *rows(FaultlineApp),
            ("Ctrl+P", "Command palette: go to any actor, disagreement or event; run a command"),
        ]),
        ("Dashboard", rows(DashboardScreen)),
        ("Actors, disagreements and timeline lists", rows(RowList)),
        ("Detail pane", rows(DetailPane)),
        ("Filter prompt (/)", [
            ("type", "Filter every pane: names, aliases, titles, summaries, ids, any case, "
                     "every word must match"),
            *rows(FilterInput),
            ("Esc", "Clear the filter and close the prompt"),
            ("Tab", "Keep the filter and move to the next pane"),
        ]),
        ("Stance matrix (m)", [
            *rows(StanceMatrix, MatrixScreen),
            ("Tab", "Between the matrix and the detail of the position under the cursor"),
        ]),
        ("Feeds screen (f)", [
            *rows(FeedsScreen),
            ("↑ ↓", "Choose a feed: its whole reason, URL and problems show below the table"),
            ("r", "Fetch every feed now (as everywhere)"),
        ]),
        ("Changes screen (c)", [
            *rows(ChangeList, ChangesScreen),
            ("↑ ↓ PgUp PgDn", "Move through the changes, grouped by feed"),
        ]),
        ("Help (?) and warnings (w) screens", rows(HelpScreen, ProblemsScreen)),
        ("Mouse", [
            ("click", "Select a row, cell, tab, breadcrumb entry or link"),
            ("double-click", "Focus the row (as Enter)"),
            ("wheel", "Scroll"),
        ]),
    ]  # fmt: skip


def symbols() -> list[tuple[str, str]]:
    return [
        *((STANCE_GLYPH[s], f"stance: {s}") for s in STANCES),
        (NO_POSITION, "no position (stance matrix)"),
        *((mark, f"event: {state}") for state, mark in EVENT_MARK.items()),
        ("●", "in a list's left margin: the row the dashboard is focused on"),
        (NEW_MARK, "before a row: new since a feed refresh, until you select it (c lists them)"),
        (CHANGED_MARK, "before a row: changed by a feed refresh, until you select it"),
        (REMOVED_MARK, "in the changes screen: removed by a feed refresh"),
        ("B2", "Admiralty grades: source reliability A–F, information credibility 1–6"),
    ]


def markdown() -> str:
    lines = ["| Keys | Action |", "|---|---|"]
    for group, entries in key_groups():
        lines.append(f"| **{group}** | |")
        for keys, what in entries:
            lines.append(f"| `{keys}` | {what} |")
    return "\n".join(lines) + "\n"


class HelpScreen(ModalScreen[None]):
    """Every binding, grouped by where it works."""

    BINDINGS = [
        Binding("escape,backspace,q,question_mark", "close", "Close", tooltip="Close the help"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "Esc to close"
            yield Static(
                Content.styled("Faultline keys", "bold $text-accent"), classes="help-title"
            )
            for group, entries in key_groups():
                yield Static(Content.styled(group, "bold $text-primary"), classes="help-group")
                for keys, what in entries:
                    with Horizontal(classes="help-row"):
                        yield Static(Content.styled(keys, "bold $text-accent"), classes="help-keys")
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
    print(markdown(), end="")

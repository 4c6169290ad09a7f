"""What feed refreshes changed: the changes view (``c``), which lists this session's
additions, changes (with their fields) and removals per feed; Enter goes to the entity.
The ``+``/``*`` marks in front of the panes' rows are drawn by ``pane.marked``.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..core.browse import ChangeLog, Logged, Ref
from ..core.changes import ACTION_MARK, ADDED, CHANGED, REMOVED, UnseenChanges
from ..core.dates import local_time
from ..core.model import Kind
from . import keys
from .rowlist import Piece, RowList, fit, one_line

MUTED = "$foreground-muted"
_ACTION_ORDER = {ADDED: 0, CHANGED: 1, REMOVED: 2}
_KIND_ORDER = {
    kind: i for i, kind in enumerate((Kind.ACTOR, Kind.DISAGREEMENT, Kind.EVENT, Kind.SOURCE))
}


class ChangeList(RowList):
    """The changes, grouped by the feed (or file) each entity comes from."""

    BINDINGS = keys.CHANGE_LIST

    def __init__(
        self,
        entries: Sequence[Logged],
        groups: Sequence[str],
        entry_group: Sequence[int],
        unseen: UnseenChanges,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(empty_text="No changes yet", id=id)
        self.unseen = unseen
        self.entries: Sequence[Logged] = ()
        self.groups: Sequence[str] = ()
        self.show(entries, groups, entry_group)

    def show(
        self, entries: Sequence[Logged], groups: Sequence[str], entry_group: Sequence[int]
    ) -> None:
        """Show these entries under their group headings, keeping the cursor's entity."""
        current = self.entry
        self.entries, self.groups = entries, groups
        rows: list[int] = []
        group = -1
        for i, g in enumerate(entry_group):
            if g != group:
                rows.append(-(g + 1))
                group = g
            rows.append(i)
        keep = next(
            (i for i, e in enumerate(entries) if current and e.change.key == current.change.key),
            None,
        )
        self.set_rows(rows, keep=keep)

    def is_selectable(self, value: int) -> bool:
        return value >= 0

    @property
    def entry(self) -> Logged | None:
        value = self.value
        return self.entries[value] if value is not None and value >= 0 else None

    def render_row(self, value: int, width: int) -> list[Piece]:
        if value < 0:
            head = f"── {self.groups[-value - 1]} "
            return [(fit(head + "─" * max(0, width - cell_len(head)), width), "header")]
        logged = self.entries[value]
        change = logged.change
        unseen = change.key in self.unseen
        at = local_time(logged.at, short=True)
        kind_w = 13 if width >= 50 else 0
        at_w = cell_len(at) + 1 if width >= 40 else 0
        pieces: list[Piece] = [(ACTION_MARK[change.action] + " ", "mark" if unseen else "dim")]
        if kind_w:
            pieces.append((fit(change.kind.singular, kind_w), "dim"))
        rest = width - 2 - kind_w - at_w
        label = one_line(change.label)
        detail = ""
        if change.action == CHANGED:
            detail = ": " + change.what
        elif change.action == REMOVED:
            detail = " (removed)"
        label_w = min(cell_len(label), max(rest - cell_len(detail), rest // 2))
        pieces.append((fit(label, label_w), "bad" if change.action == REMOVED else ""))
        pieces.append((fit(detail, rest - label_w), "dim"))
        if at_w:
            pieces.append((fit(" " + at, at_w), "dim"))
        return pieces


def arrange(log: ChangeLog, feed_order: Sequence[str]) -> tuple[list[Logged], list[str], list[int]]:
    """The log's entries in view order (feeds in configuration order, then other layers;
    added, changed, removed; by kind, then name), the group headings and each entry's group."""
    order = {name: i for i, name in enumerate(feed_order)}

    def heading(logged: Logged) -> str:
        if logged.layer in order:
            return f"feed {logged.layer}"
        return f"from {logged.document or logged.layer}"  # a local data file that was saved

    def key(logged: Logged) -> tuple[int, str, int, int, str, str]:
        change = logged.change
        return (
            order.get(logged.layer, len(order)),
            heading(logged),
            _ACTION_ORDER[change.action],
            _KIND_ORDER.get(change.kind, 9),
            change.label.casefold(),
            change.id,
        )

    entries = sorted(log, key=key)
    groups: list[str] = []
    entry_group: list[int] = []
    for logged in entries:
        title = heading(logged)
        if not groups or groups[-1] != title:
            groups.append(title)
        entry_group.append(len(groups) - 1)
    return entries, groups, entry_group


class ChangesScreen(Screen[Ref | None]):
    """This session's changes; Enter goes to one, ``a`` marks them all seen."""

    class AllSeen(Message):
        """Every change was marked seen here: the app drops the dashboard's marks."""

    BINDINGS = keys.CHANGES_SCREEN

    def __init__(
        self, log: ChangeLog, unseen: UnseenChanges, feed_order: Sequence[str], note: str = ""
    ) -> None:
        super().__init__(id="changes-screen")
        self.change_log = log
        self.unseen = unseen
        self.note = note
        self.feed_order = list(feed_order)
        entries, groups, entry_group = arrange(log, feed_order)
        self.changes = ChangeList(entries, groups, entry_group, unseen, id="changes")

    def compose(self) -> ComposeResult:
        yield Static(id="changes-title", markup=False)
        yield self.changes
        yield Static(id="changes-hint", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.changes.border_title = "Changes"
        self.changes.focus()
        self._describe()

    def reload(self) -> None:
        """A refresh changed more: list it too (the app calls this)."""
        self.changes.show(*arrange(self.change_log, self.feed_order))
        self._describe()

    def _describe(self) -> None:
        counts = self.change_log.counts()
        parts: list[tuple[str, str]] = [("Changes since Faultline started", "bold $text-accent")]
        tally = (
            f"   {counts[ADDED]} added · {counts[CHANGED]} changed · {counts[REMOVED]} removed"
            f" · {len(self.unseen)} unseen"
        )
        parts.append((tally, MUTED))
        if self.change_log.meta:
            parts.append(("   header changed: " + ", ".join(self.change_log.meta), "$text-warning"))
        self.query_one("#changes-title", Static).update(Content.assemble(*parts))
        if self.change_log:
            hint = (
                f"{ACTION_MARK[ADDED]} added   {ACTION_MARK[CHANGED]} changed (which fields)   "
                f"{ACTION_MARK[REMOVED]} removed   · marks stay in the panes until the row is "
                "selected"
            )
        else:
            hint = (
                self.note
                or "No changes yet: nothing a refresh brought differs from what was shown."
            )
        self.query_one("#changes-hint", Static).update(Content.styled(hint, MUTED))

    def on_row_list_chosen(self, message: RowList.Chosen) -> None:
        message.stop()
        entry = self.changes.entry
        if entry is None:
            return
        if entry.change.action == REMOVED:
            self.notify(
                f"{entry.change.kind.singular} {entry.change.id} was removed by a refresh; "
                "there is nothing to go to.",
                markup=False,
            )
            return
        self.dismiss(entry.ref)

    def action_seen_all(self) -> None:
        self.unseen.seen_all()
        self.post_message(self.AllSeen())  # the app drops the dashboard's marks
        self.changes.redraw()
        self._describe()

    def action_close(self) -> None:
        self.dismiss(None)

"""The screens ``Watching`` opens over the dashboard: the alerts log (``!``), the watched
list (``W``) and the one-line prompt of a note or a view's name (``N``, ``v``).

Apart from watching.py, which the dashboard needs for its first frame: these are
imported when first opened (a Textual class costs about 2 M instructions to create).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Static

from ..core.alerts import (
    PIN_MARK,
    WATCHED_KINDS,
    Alert,
)
from ..core.browse import Arranged, Ref
from ..core.dates import local_time
from ..core.model import Actor, Disagreement, Event, Kind
from ..core.text import counted
from . import keys
from .rowlist import Piece, RowList, fit, one_line
from .watching import ALERT_MARK, MUTED, AlertsSeen, PinsChanged, Watching

if TYPE_CHECKING:
    pass


class TextPrompt(ModalScreen[str | None]):
    """One line of text asked for: Enter gives it, Esc gives None."""

    BINDINGS = keys.PROMPT

    def __init__(self, title: str, placeholder: str = "", value: str = "") -> None:
        super().__init__(id="text-prompt")
        self.title_text = title
        self.placeholder = placeholder
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box"):
            yield Static(self.title_text, id="prompt-title", markup=False)
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static("Enter saves · Esc cancels", id="prompt-hint", markup=False)

    def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        self.dismiss(message.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AlertList(RowList):
    """The alerts, newest first: unseen ones marked ``!``."""

    BINDINGS = keys.ALERT_LIST

    def __init__(self, alerts: Sequence[Alert], *, id: str | None = None) -> None:
        super().__init__(empty_text="No alerts: pin what matters with p", id=id)
        self.alerts: Sequence[Alert] = ()
        self.show(alerts)

    def show(self, alerts: Sequence[Alert]) -> None:
        current = self.alert
        self.alerts = alerts
        keep = next((i for i, a in enumerate(alerts) if current is not None and a == current), None)
        self.set_rows(range(len(alerts)), keep=keep)

    @property
    def alert(self) -> Alert | None:
        value = self.value
        return self.alerts[value] if value is not None and 0 <= value < len(self.alerts) else None

    def render_row(self, value: int, width: int) -> list[Piece]:
        alert = self.alerts[value]
        at = local_time(alert.at, short=True)
        at_w = cell_len(at) + 1 if width >= 40 else 0
        pieces: list[Piece] = [
            (ALERT_MARK + " " if not alert.seen else "  ", "bad" if not alert.seen else "")
        ]
        pieces.append(
            (fit(one_line(alert.text), width - 2 - at_w), "" if not alert.seen else "dim")
        )
        if at_w:
            pieces.append((fit(" " + at, at_w), "dim"))
        return pieces


class AlertsScreen(Screen[Ref | None]):
    """The alerts log: Enter goes to the entity (and marks it seen), ``a`` all seen."""

    BINDINGS = keys.ALERTS_SCREEN

    def __init__(self, watching: Watching) -> None:
        super().__init__(id="alerts-screen")
        self.watching = watching
        self.alert_list = AlertList(watching.alerts, id="alerts")

    def compose(self) -> ComposeResult:
        yield Static(id="alerts-title", markup=False)
        yield self.alert_list
        yield Static(id="alerts-hint", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.alert_list.border_title = "Alerts"
        self.alert_list.focus()
        self.reload()

    def reload(self) -> None:
        """The log changed (a refresh raised more): show it again."""
        self.alert_list.show(self.watching.alerts)
        unseen, pinned = self.watching.unseen_alerts, len(self.watching.watch)
        self.query_one("#alerts-title", Static).update(
            Content.assemble(
                ("Alerts, newest first", "bold $text-accent"),
                (f"   {unseen} unseen · {counted(pinned, 'entity', 'entities')} watched", MUTED),
            )
        )
        hint = (
            f"{ALERT_MARK} unseen: cleared when its entity is selected   · Enter goes to it   "
            "· W lists what is watched"
        )
        self.query_one("#alerts-hint", Static).update(Content.styled(hint, MUTED))

    def on_row_list_chosen(self, message: RowList.Chosen) -> None:
        message.stop()
        alert = self.alert_list.alert
        if alert is None:
            return
        self.watching.seen(alert)
        self.dismiss(Ref(alert.kind, alert.id))

    def action_seen_all(self) -> None:
        self.watching.seen()
        self.reload()
        self.app.post_message(AlertsSeen())

    def action_close(self) -> None:
        self.dismiss(None)


class WatchList(RowList):
    """Each watched entity: its pin, kind, name, latest change and latest activity."""

    BINDINGS = keys.WATCH_LIST

    def __init__(self, rows: Sequence[tuple[Ref, str, str, str]], *, id: str | None = None):
        super().__init__(empty_text="Nothing is watched: p pins the selected row", id=id)
        self.entries: Sequence[tuple[Ref, str, str, str]] = rows
        self.set_rows(range(len(rows)))

    @property
    def ref(self) -> Ref | None:
        value = self.value
        return self.entries[value][0] if value is not None else None

    def render_row(self, value: int, width: int) -> list[Piece]:
        ref, label, change, activity = self.entries[value]
        kind_w = 13 if width >= 60 else 0
        rest = width - 2 - kind_w
        label_w = min(cell_len(label), max(rest // 3, 10))
        change_w = max(0, (rest - label_w) * 3 // 5)
        pieces: list[Piece] = [(PIN_MARK + " ", "info")]
        if kind_w:
            pieces.append((fit(ref.kind.singular, kind_w), "dim"))
        pieces.append((fit(one_line(label), label_w), "bold"))
        pieces.append((fit("  " + one_line(change), change_w), ""))
        pieces.append((fit("  " + one_line(activity), rest - label_w - change_w), "dim"))
        return pieces


def watch_rows(watching: Watching, arranged: Arranged | None) -> list[tuple[Ref, str, str, str]]:
    """For each watched entity: its ref, name, latest change and latest activity."""
    latest: dict[tuple[Kind, str], Alert] = {}
    for alert in watching.alerts:  # newest first
        latest.setdefault((alert.kind, alert.id), alert)
    rows = []
    for kind in WATCHED_KINDS:
        for ident in sorted(watching.watch.ids(kind)):
            ref = Ref(kind, ident)
            last = latest.get((kind, ident))
            change = f"{local_time(last.at, short=True)} {last.text}" if last else "no change seen"
            if arranged is None or not arranged.exists(ref):
                rows.append((ref, ident, change, "not in the data shown"))
                continue
            rows.append((ref, arranged.label(ref), change, activity(arranged, ref)))
    return rows


def activity(arranged: Arranged, ref: Ref) -> str:
    """The latest event of an actor or on a disagreement; an event's date and state."""
    data = arranged.dataset
    entity = arranged.entity(ref)
    if isinstance(entity, Event):
        return f"{entity.date.text} {entity.state}"
    events: Sequence[Event] = ()
    if isinstance(entity, Actor):
        events = data.events_by_actor.get(ref.id, ())
    elif isinstance(entity, Disagreement):
        events = data.events_by_disagreement.get(ref.id, ())
    if not events:
        return "no events"
    last = max(events, key=lambda e: e.timeline_key)
    return f"last event {last.date.text}: {last.title}"


class WatchScreen(Screen[Ref | None]):
    """What is watched, pinned or configured; Enter goes to it, ``p`` unpins."""

    BINDINGS = keys.WATCH_SCREEN

    def __init__(self, watching: Watching, arranged: Arranged | None) -> None:
        super().__init__(id="watch-screen")
        self.watching = watching
        self.arranged = arranged
        self.watch_list = WatchList(watch_rows(watching, arranged), id="watched")

    def compose(self) -> ComposeResult:
        yield Static(id="watch-title", markup=False)
        yield self.watch_list
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.watch_list.border_title = "Watching"
        self.watch_list.focus()
        count = len(self.watching.watch)
        self.query_one("#watch-title", Static).update(
            Content.assemble(
                ("Watched", "bold $text-accent"),
                (f"   {counted(count, 'entity', 'entities')} · latest change · activity", MUTED),
            )
        )

    def on_row_list_chosen(self, message: RowList.Chosen) -> None:
        message.stop()
        ref = self.watch_list.ref
        if ref is not None:
            self.dismiss(ref)

    def action_unpin(self) -> None:
        ref = self.watch_list.ref
        if ref is None:
            return
        self.notify(self.watching.toggle(ref), markup=False)
        self.post_message(PinsChanged())
        self.watch_list.entries = watch_rows(self.watching, self.arranged)
        self.watch_list.set_rows(range(len(self.watch_list.entries)))

    def action_close(self) -> None:
        self.dismiss(None)

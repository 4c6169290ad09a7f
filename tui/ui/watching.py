"""Watching what matters: ``p`` pins, the watch view (``W``), the alerts log (``!``) and
the alerts' channels (the terminal bell, an OSC desktop notification, a command).

``Watching`` is the app's part: the state file (``core.userstate``), the watchlist, the
alerts log and the shared unseen marks, and what happens when a refresh, a saved file
or an import changes a watched entity. The text of every alert is cleaned
(``core.alerts.clean``) before it is stored, and again by each channel.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Static

from ..core.alerts import (
    PIN_MARK,
    WATCHED_KINDS,
    Alert,
    SharedMarks,
    Watchlist,
    add_alerts,
    alerts_for,
    alerts_seen,
    clean,
    configured,
    mark_changes,
    osc_sequence,
    read_alerts,
    run_command,
    toggle_pin,
)
from ..core.browse import Arranged, Ref
from ..core.changes import Changes, UnseenChanges
from ..core.config import Config
from ..core.dates import local_time
from ..core.model import Actor, Disagreement, Event, Kind
from ..core.notes import VIEW_NAME, Notes, View, add_note, read_notes, read_views, save_view
from ..core.text import counted
from ..core.userstate import StateStore
from . import keys
from .rowlist import Piece, RowList, fit, one_line

if TYPE_CHECKING:
    from .app import FaultlineApp

MUTED = "$foreground-muted"
ALERT_MARK = "!"


class TogglePin(Message):
    """``p`` was pressed on an entity: the app pins it, or unpins it."""

    def __init__(self, ref: Ref) -> None:
        super().__init__()
        self.ref = ref


class WriteNote(Message):
    """``N`` was pressed on an entity: the app asks for the note."""

    def __init__(self, ref: Ref) -> None:
        super().__init__()
        self.ref = ref


class MarksWritten(Message):
    """The state writer (alerts.SharedMarks) wrote the marks: ``call`` takes the result
    on the UI thread."""

    def __init__(self, call: Callable[[], None]) -> None:
        super().__init__()
        self.call = call


class SaveView(Message):
    """``v`` was pressed: the app asks for a name and saves ``view`` under it."""

    def __init__(self, view: View) -> None:
        super().__init__()
        self.view = view


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


class Watching:
    """The watchlist, the alerts log and the shared marks of one dashboard."""

    def __init__(self, app: FaultlineApp, config: Config) -> None:
        self.app = app
        self.alerts_config = config.alerts
        self.configured = configured(config)
        self.store = StateStore()
        self.watch = Watchlist()
        self.alerts: list[Alert] = []
        self.notes: Notes = {}
        self.views: dict[str, View] = {}
        self._said: set[str] = set()  # the saved views' problems already told
        self._view_problems: list[str] = []

        # The marks read from the state file; every read sets the watchlist and the log.
        def post(call: Callable[[], None]) -> None:  # from the writer thread
            app.post_message(MarksWritten(call))

        self.marks = SharedMarks(self.store, on_load=self._loaded, post=post)
        self._warned = False
        self.quitting = False

    def _loaded(self, state: Mapping[str, Any]) -> None:
        self.watch = Watchlist.from_state(state, self.configured)
        self.alerts = read_alerts(state)
        self.notes = read_notes(state)
        self._view_problems = []  # told once each by view_problems
        self.views = read_views(state, self._view_problems)

    # -- notes and views ------------------------------------------------------------------

    def add_note(self, ref: Ref, text: str) -> None:
        self.marks.update(lambda state: add_note(state, ref.kind, ref.id, text))

    def save_view(self, name: str, view: View) -> None:
        self.marks.update(lambda state: save_view(state, name, view))

    def named_views(self) -> list[str]:
        """The views a person saved (not the last state), newest first."""
        return [name for name in reversed(self.views) if VIEW_NAME.match(name)]

    def sync(self) -> bool:
        """Read the state again if another dashboard or a cron ``fetch`` changed it since;
        whether it was. (Not while the writer is writing: what it wrote comes back.)"""
        if self.marks.writing or self.store.signature() == self.store.seen:
            return False
        self.marks.load(self.store.read())
        return True

    @property
    def unseen_alerts(self) -> int:
        return sum(not alert.seen for alert in self.alerts)

    def warning(self) -> str | None:
        """Why the state is not kept (once), for a notification."""
        if self.store.warning and not self._warned:
            self._warned = True
            return self.store.warning
        return None

    def view_problems(self) -> str | None:
        """What of the saved views could not be read and was left out (each thing once),
        for a notification naming the state file."""
        new = [p for p in self._view_problems if p not in self._said]
        self._said.update(new)
        self._view_problems = []
        return f"{self.store.path}: " + "; ".join(new) if new else None

    def pins(self) -> dict[Kind, frozenset[str]]:
        return {kind: self.watch.ids(kind) for kind in WATCHED_KINDS}

    # -- pinning --------------------------------------------------------------------------

    def toggle(self, ref: Ref) -> str:
        """Pin or unpin ``ref``; what to tell the analyst."""
        kind, ident = ref.kind, ref.id
        if kind not in WATCHED_KINDS:
            return "p pins an actor, a disagreement or an event."
        if ident in self.watch.configured.get(kind, ()):
            return (
                f"{kind.singular} {ident} is watched by the configuration ([watch] "
                f"{kind.value}); remove it there to stop watching it."
            )
        pinned: list[bool] = []
        self.marks.update(lambda state: pinned.append(toggle_pin(state, kind, ident)))
        if pinned and pinned[0]:
            return f"Pinned {kind.singular} {ident}: changes to it raise alerts (! lists them)."
        return f"Unpinned {kind.singular} {ident}."

    # -- alerts ---------------------------------------------------------------------------

    def changed(self, changes: Changes, alerted: Callable[[list[Alert]], None]) -> None:
        """A refresh, a saved file or an import changed the data shown: mark what changed
        (here at once; in the shared state behind, by the writer thread) and raise the
        alerts for what is watched; ``alerted`` hears of the new ones once written."""
        raised: list[Alert] = []
        configured = self.configured

        def change(state: dict[str, Any]) -> None:  # in the writer thread
            mark_changes(state, changes)
            found = alerts_for(changes, Watchlist.from_state(state, configured))
            raised.extend(add_alerts(state, found))

        def then() -> None:
            if raised:
                self.deliver(raised)
                alerted(raised)

        marks = self.marks
        marks.later(change, lambda: UnseenChanges.add(marks, changes), then)

    def settle(self) -> None:
        """The app is quitting: the marks written, and the alerts a last refresh raised
        delivered now (the state writer's answer would come after the app has stopped
        handling messages)."""
        self.quitting = True
        self.marks.settle()

    def seen(self, alert: Alert | None = None) -> None:
        """Mark one alert's entity seen (its alerts, its mark), or every alert."""
        if alert is None:
            self.marks.update(alerts_seen)
        else:  # its alerts go with its mark (alerts.mark_seen)
            self.marks.seen(alert.kind, alert.id)

    def deliver(self, alerts: Sequence[Alert]) -> None:
        """Send new alerts out by the channels the config turned on (``[alerts]``)."""
        settings = self.alerts_config
        text = alerts[0].text if len(alerts) == 1 else f"{counted(len(alerts), 'alert')}: "
        if len(alerts) > 1:
            text += "; ".join(alert.text for alert in alerts[:3])
        text = clean("Faultline: " + text)
        if settings.bell:
            self.app.emit("\a")
        if settings.osc:
            self.app.emit(osc_sequence(text, settings.osc, tmux=bool(os.environ.get("TMUX"))))
        if settings.command and self.quitting:
            # No worker can start now: a thread of its own, which the process waits for
            # (at most the command's timeout) once the terminal is given back.
            command = partial(run_command, settings.command, text, settings.timeout)
            threading.Thread(target=command, name="alert-command").start()
        elif settings.command:
            first = alerts[0]
            self.app.run_worker(
                partial(run_command, settings.command, text, settings.timeout),
                thread=True,
                group="alert-command",
                exit_on_error=False,
                name=f"{first.kind.value}\0{first.id}",
                description="the alert command",
            )

    def command_done(self, kind: Kind, ident: str, error: str | None) -> None:
        """The alert command ended; a failure goes into the log, as an alert of its own."""
        if error:
            failure = Alert(kind, ident, clean(f"not delivered: {error}"), time.time())
            self.marks.update(lambda state: add_alerts(state, [failure]))


# -- the alerts log (!) ----------------------------------------------------------------------


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


class AlertsSeen(Message):
    """Alerts were marked seen in the log: the status line's count changed."""


# -- the watch view (W) ------------------------------------------------------------------------


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


class PinsChanged(Message):
    """The watchlist changed: the panes' pins are drawn again."""

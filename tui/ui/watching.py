"""Watching what matters: ``p`` pins, the watch view (``W``), the alerts log (``!``) and
the alerts' channels (the terminal bell, an OSC desktop notification, a command).

``Watching`` is the app's part (its screens, in watchscreens.py, are imported when
first opened): the state file (``core.userstate``), the watchlist, the
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

from textual.message import Message

from ..core.alerts import (
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
from ..core.browse import Ref
from ..core.changes import Changes, UnseenChanges
from ..core.config import Config
from ..core.model import Kind
from ..core.notes import VIEW_NAME, Notes, View, add_note, read_notes, read_views, save_view
from ..core.text import counted
from ..core.userstate import StateStore

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


class AlertsSeen(Message):
    """Alerts were marked seen in the log: the status line's count changed."""


# -- the watch view (W) ------------------------------------------------------------------------


class PinsChanged(Message):
    """The watchlist changed: the panes' pins are drawn again."""

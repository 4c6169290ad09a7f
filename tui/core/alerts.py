"""The watchlist and its alerts: which changes touch what the analyst pinned, said in one
line each, and the ways an alert can leave the dashboard (bell, OSC notification,
a command).

A change raises an alert when it adds, changes or removes a watched entity, adds or
changes an event involving a watched actor or bearing on a watched disagreement, or moves
a watched actor's position on any disagreement. Alert text is built from data, so it is
cleaned of every control character (``clean``: C0, C1, DEL, bidi controls, and newline
and tab as well) before it reaches an OSC sequence, an argv or the screen.
"""

from __future__ import annotations

import queue
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import field
from functools import partial
from typing import Any

from .changes import ACTION_MARK, CHANGED, REMOVED, Change, Changes, UnseenChanges
from .config import Config
from .dates import EDate
from .model import Disagreement, Event, Kind
from .records import record
from .text import sanitise
from .userstate import StateStore

PIN_MARK = "⚑"  # in front of a watched row, in every pane (narrow in every terminal)
WATCHED_KINDS = (Kind.ACTOR, Kind.DISAGREEMENT, Kind.EVENT)
MAX_ALERTS = 1000  # the log keeps the newest
MAX_TEXT = 400  # characters of one alert
MAX_VALUE = 40  # characters of a value in "old → new"
OSC_CODES = ("9", "777")


def clean(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` with no control character at all (newlines and tabs become spaces), at
    most ``limit`` characters: fit for a terminal escape, an argv or one screen line."""
    text = sanitise(text)[0].replace("\n", " ").replace("\t", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- the watchlist --------------------------------------------------------------------------


@record
class Watchlist:
    """What is watched, by kind: pinned in the dashboard (the state file) or named in the
    config's ``[watch]`` (``configured``, which ``p`` cannot unpin)."""

    pinned: Mapping[Kind, frozenset[str]] = field(default_factory=dict)
    configured: Mapping[Kind, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_state(
        cls, state: Mapping[str, Any], configured: Mapping[Kind, Sequence[str]] | None = None
    ) -> Watchlist:
        raw = state.get("watch", {})
        return cls(
            {k: frozenset(raw.get(k.value, ())) for k in WATCHED_KINDS},
            {k: frozenset(v) for k, v in (configured or {}).items()},
        )

    def ids(self, kind: Kind) -> frozenset[str]:
        return self.pinned.get(kind, frozenset()) | self.configured.get(kind, frozenset())

    def has(self, kind: Kind, ident: str) -> bool:
        return ident in self.pinned.get(kind, ()) or ident in self.configured.get(kind, ())

    def __bool__(self) -> bool:
        return any(self.ids(kind) for kind in WATCHED_KINDS)

    def __len__(self) -> int:
        return sum(len(self.ids(kind)) for kind in WATCHED_KINDS)


def configured(config: Config) -> dict[Kind, tuple[str, ...]]:
    """The ids the config's ``[watch]`` names, by kind."""
    return {Kind(kind): ids for kind, ids in config.watch}


def toggle_pin(state: dict[str, Any], kind: Kind, ident: str) -> bool:
    """Pin ``ident`` in ``state`` or unpin it; True when it is pinned now."""
    pins: list[str] = state.setdefault("watch", {}).setdefault(kind.value, [])
    if ident in pins:
        pins.remove(ident)
        return False
    pins.append(ident)
    return True


# -- alerts ---------------------------------------------------------------------------------


@record
class Alert:
    """One alert: the entity it goes to, what happened, when, and whether it was seen."""

    kind: Kind
    id: str
    text: str
    at: float = 0.0
    seen: bool = False

    def record(self) -> dict[str, Any]:
        return {"at": self.at, "kind": self.kind.value, "id": self.id, "text": self.text,
                "seen": self.seen}  # fmt: skip

    @classmethod
    def from_record(cls, raw: Mapping[str, Any]) -> Alert:
        return cls(Kind(raw["kind"]), raw["id"], clean(raw["text"]), float(raw["at"]),
                   bool(raw.get("seen", False)))  # fmt: skip


def alerts_for(changes: Changes, watch: Watchlist, at: float | None = None) -> list[Alert]:
    """The alerts ``changes`` raise for ``watch``: one per entity touched, in the order
    of ``changes``, each text clean."""
    if not watch:
        return []
    at = time.time() if at is None else at
    actors, questions = watch.ids(Kind.ACTOR), watch.ids(Kind.DISAGREEMENT)
    out = []
    for change in changes:
        if change.kind not in WATCHED_KINDS:
            continue
        why = ""
        if watch.has(change.kind, change.id):
            why = ""  # the entity itself is watched: no reason to add
        elif change.action == REMOVED:
            continue
        elif isinstance(change.after, Event):
            event = change.after
            involved = [a for a in (*event.actors, *event.targets) if a in actors]
            bearing = [d for d in event.disagreements if d in questions]
            if involved:
                why = f"involves watched actor {', '.join(dict.fromkeys(involved))}"
            elif bearing:
                why = f"bears on watched disagreement {', '.join(bearing)}"
            else:
                continue
        elif isinstance(change.after, Disagreement):
            moved = _moved_by(change, actors)
            if not moved:
                continue
            why = f"a position of watched actor {', '.join(moved)}"
        else:
            continue
        out.append(Alert(change.kind, change.id, clean(describe(change, why)), at))
    return out


def _moved_by(change: Change, actors: frozenset[str]) -> list[str]:
    """The watched actors whose positions on a disagreement were added, changed or removed."""
    before = change.before.positions if isinstance(change.before, Disagreement) else ()
    after = change.after.positions if isinstance(change.after, Disagreement) else ()
    old = {p.held: p for p in before if p.actor in actors}
    new = {p.held: p for p in after if p.actor in actors}
    moved = [held[0] for held in old.keys() | new.keys() if old.get(held) != new.get(held)]
    return sorted(set(moved))


def describe(change: Change, why: str = "") -> str:
    """``* actor kz: Kazakhstan: status active → resolved; position + kz 2013-01``: the
    change in one line, old → new where a plain field moved."""
    text = f"{ACTION_MARK[change.action]} {change.kind.singular} {change.id}: {change.label}"
    if change.action == CHANGED:
        parts = []
        for name in change.fields:
            if name == "positions" and change.positions:
                parts += [f"position {p}" for p in change.positions]
                continue
            old, new = getattr(change.before, name, None), getattr(change.after, name, None)
            if _plain(old) and _plain(new):
                parts.append(f"{name} {_value(old)} → {_value(new)}")
            else:
                parts.append(name)
        if parts:
            text += ": " + "; ".join(parts)
    if why:
        text += f" ({why})"
    return text


def _plain(value: object) -> bool:
    return value is None or isinstance(value, (str, int, float, EDate))


def _value(value: object) -> str:
    if value is None:
        return "(none)"
    text = value.text if isinstance(value, EDate) else str(value)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


# -- the state file's alerts and marks -------------------------------------------------------


def read_alerts(state: Mapping[str, Any]) -> list[Alert]:
    """The alerts log, newest first."""
    return [Alert.from_record(raw) for raw in state.get("alerts", ())]


def add_alerts(state: dict[str, Any], alerts: Iterable[Alert]) -> list[Alert]:
    """Put ``alerts`` at the top of the log (newest first), keeping ``MAX_ALERTS``; those
    added. One already waiting unseen (the same entity, the same words: a cron fetch and
    a dashboard saw the same new copy) is not added again, nor sent again."""
    old = list(state.get("alerts", ()))
    waiting = {(a["kind"], a["id"], a["text"]) for a in old if not a.get("seen")}
    added = [a for a in alerts if (a.kind.value, a.id, a.text) not in waiting]
    state["alerts"] = ([a.record() for a in reversed(added)] + old)[:MAX_ALERTS]
    return added


def alerts_seen(state: dict[str, Any], kind: Kind | None = None, ident: str | None = None) -> None:
    """Mark seen the alerts of one entity, or all of them (``kind`` None)."""
    for raw in state.get("alerts", ()):
        if kind is None or (raw["kind"] == kind.value and raw["id"] == ident):
            raw["seen"] = True


def read_marks(state: Mapping[str, Any], marks: UnseenChanges | None = None) -> UnseenChanges:
    """The unseen marks kept in ``state``, put into ``marks`` (a new set by default)."""
    marks = UnseenChanges() if marks is None else marks
    for kind, ids in state.get("unseen", {}).items():
        for ident, mark in ids.items():
            marks.restore(Kind(kind), ident, mark)
    return marks


def write_marks(state: dict[str, Any], marks: UnseenChanges) -> None:
    table: dict[str, dict[str, str]] = {}
    for kind, ident in marks.unseen():
        table.setdefault(kind.value, {})[ident] = marks.mark(kind, ident) or marks.CHANGED
    state["unseen"] = table


def mark_changes(state: dict[str, Any], changes: Changes) -> None:
    """Add ``changes`` to the marks kept in ``state``, as the dashboard marks them."""
    marks = read_marks(state)
    marks.add(changes)
    write_marks(state, marks)


def mark_seen(state: dict[str, Any], kind: Kind | None, ident: str | None = None) -> None:
    """An entity was seen (or everything, ``kind`` None): its marks and alerts go."""
    marks = read_marks(state)
    if kind is None:
        marks.seen_all()
    elif ident is None:
        marks.seen_all(kind)
    else:
        marks.seen(kind, ident)
    write_marks(state, marks)
    if ident is not None or kind is None:
        alerts_seen(state, kind, ident)


# Runs a function on the thread that owns the marks (the dashboard's: a message it
# handles), without waiting for it.
Post = Callable[[Callable[[], None]], None]


class SharedMarks(UnseenChanges):
    """The unseen marks, kept in the state file as well, so they survive a restart and
    are shared with other dashboards and ``faultline fetch``: what one marks seen, the
    others find seen at their next change. ``on_load`` hears of every state read.

    With ``post`` (the dashboard's), the two changes that come often and touch many marks
    (``seen`` as the cursor moves, ``later`` for a refresh's changes) are made here at once
    and written to the file behind, in order, by one writer thread: rewriting a state file
    of 100,000 marks takes a tenth of a second or more, which the keyboard must not wait
    for. The state the writer wrote is taken back through ``post`` (marks another process
    changed come in with it) unless more was changed here meanwhile; every other change
    (``update``) first waits for the writer, then is made as before."""

    def __init__(
        self,
        store: StateStore,
        on_load: Callable[[Mapping[str, Any]], None] | None = None,
        post: Post | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.on_load = on_load
        self.post = post
        # A written state was taken: whether its marks differ from those here (another
        # process changed them), to draw them again; its alerts may be new either way.
        self.on_adopt: Callable[[bool], None] | None = None
        # (number, change) for each change to write, None to stop the writer.
        self._queue: queue.Queue[tuple[int, Callable[[dict[str, Any]], object]] | None] = (
            queue.Queue()
        )
        self._writer: threading.Thread | None = None
        self._changes = 0  # changes made here: a written state older than the last is not taken
        # What to run once each change is written (by its number), in order: run by
        # ``_written``, or by ``settle`` when the app quits before that.
        self._thens: list[tuple[int, Callable[[], None]]] = []
        self.load(store.read())

    def load(self, state: Mapping[str, Any]) -> None:
        """Take the marks of ``state`` (read from, or just written to, the file). A state
        the writer wrote before this one was read is older: it is not taken after it."""
        self._changes += 1
        UnseenChanges.seen_all(self)
        read_marks(state, self)
        if self.on_load is not None:
            self.on_load(state)

    def update(self, change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
        """Change the state file (locked), then take its marks; the state written."""

        def changed(state: dict[str, Any]) -> dict[str, Any]:
            change(state)
            return state

        self.flush()
        state = self.store.update(changed)
        self.load(state)
        return state

    @property
    def writing(self) -> bool:
        """Whether changes made here are still to be written."""
        return self._queue.unfinished_tasks > 0

    def later(
        self,
        change: Callable[[dict[str, Any]], object],
        here: Callable[[], None],
        then: Callable[[], None] | None = None,
    ) -> None:
        """Make a change here at once (``here``, on these marks) and write it to the file
        (``change``, on the state) behind; ``then`` runs on the owner's thread once it is
        written. Without ``post``, all of it at once."""
        if self.post is None:
            self.update(change)
            if then is not None:
                then()
            return
        here()
        self._changes += 1
        if then is not None:
            self._thens.append((self._changes, then))
        if self._writer is None:
            self._writer = threading.Thread(target=self._write, name="state-writer", daemon=True)
            self._writer.start()
        self._queue.put((self._changes, change))

    def add(self, changes: Changes) -> None:
        self.later(
            lambda state: mark_changes(state, changes), lambda: UnseenChanges.add(self, changes)
        )

    def seen(self, kind: Kind, ident: str) -> None:
        self.later(
            lambda state: mark_seen(state, kind, ident),
            lambda: UnseenChanges.seen(self, kind, ident),
        )

    def seen_all(self, kind: Kind | None = None) -> None:
        self.update(lambda state: mark_seen(state, kind))

    def flush(self) -> None:
        """Wait until every change made here is in the file."""
        if self._writer is not None:
            self._queue.join()

    def settle(self) -> None:
        """Wait for the writer, then run what waits for it (a refresh's alerts, to be
        delivered) now: the app is quitting, and the writer's answer would come too late."""
        self.flush()
        self._run_thens(self._changes)

    def _run_thens(self, number: int) -> None:
        """Run, in order, what waits for the changes up to ``number``."""
        while self._thens and self._thens[0][0] <= number:
            _, then = self._thens.pop(0)
            then()

    def close(self) -> None:
        """Write what is left, and stop the writer (the app is quitting)."""
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join()
            self._writer = None

    def _write(self) -> None:
        """The writer thread: each waiting change, in order, in one locked rewrite of the
        file per batch; the state written and its marks handed to the owner."""
        while True:
            batch = [self._queue.get()]
            while batch[-1] is not None and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            writes = [w for w in batch if w is not None]
            try:
                self._write_batch(writes)
            except Exception as error:  # noqa: BLE001 - said in the app, never a traceback
                self.store.warning = f"{self.store.path}: the marks were not written ({error})"
                self._post(partial(self._written, None, None, writes[-1][0]))
            finally:
                for _ in batch:
                    self._queue.task_done()
            if batch[-1] is None:
                return

    def _write_batch(self, writes: list[tuple[int, Callable[[dict[str, Any]], object]]]) -> None:
        """One locked rewrite of the file for ``writes``, in order; what it wrote goes to
        the owner (``_written``)."""
        if not writes:
            return

        def changed(state: dict[str, Any]) -> dict[str, Any]:
            for _, change in writes:
                change(state)
            return state

        state = self.store.update(changed)
        marks = read_marks(state)
        self._post(partial(self._written, state, marks, writes[-1][0]))

    def _post(self, call: Callable[[], None]) -> None:
        assert self.post is not None
        try:
            self.post(call)
        except Exception:  # noqa: BLE001 - the owner is gone (quitting): nothing to tell
            return

    def _written(
        self, state: dict[str, Any] | None, marks: UnseenChanges | None, number: int
    ) -> None:
        """On the owner's thread: the state a batch wrote (None: it could not be written)
        is taken unless more was changed or read here since; then what waited for the
        batch runs."""
        if state is not None and marks is not None and number == self._changes:
            differ = marks._marks != self._marks
            self._marks = marks._marks
            if self.on_load is not None:
                self.on_load(state)
            if self.on_adopt is not None:
                self.on_adopt(differ)
        elif state is None and self.on_adopt is not None:
            self.on_adopt(False)  # a warning to show (store.warning)
        self._run_thens(number)


# -- channels -------------------------------------------------------------------------------


def osc_sequence(text: str, code: str, *, tmux: bool = False) -> str:
    """A desktop notification through the terminal: OSC 9 (iTerm2, kitty, WezTerm,
    foot...) or OSC 777 (rxvt-unicode, VTE terminals: GNOME Terminal, Tilix). Inside tmux
    it is wrapped for passthrough (DCS tmux; ... ST, ESC doubled), which tmux forwards
    with ``set -g allow-passthrough on``. ``text`` is cleaned here, whatever the caller
    did: no ESC, BEL or ST inside can end the sequence early or start another."""
    body = clean(text)
    if code == "9":
        sequence = f"\x1b]9;{body}\x07"
    elif code == "777":
        sequence = f"\x1b]777;notify;Faultline;{body}\x07"
    else:
        raise ValueError(f"unknown OSC notification code {code!r}")
    if tmux:
        sequence = "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return sequence


def run_command(argv: Sequence[str], text: str, timeout: float) -> str | None:
    """Run ``argv`` with the alert text as its last argument, without a shell (as
    newsboat's notify-program). Blocks for up to ``timeout`` seconds: the dashboard calls
    it in a worker thread. None when it succeeded, else what went wrong, for the log."""
    args = [*argv, clean(text)]
    name = clean(argv[0], 200)
    try:
        done = subprocess.run(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        return f"alert command {name}: not found"
    except subprocess.TimeoutExpired:
        return f"alert command {name}: still running after {timeout:g} s, stopped"
    except OSError as error:
        return f"alert command {name}: cannot be run ({error.strerror or error})"
    if done.returncode != 0:
        said = clean(done.stderr.decode("utf-8", "replace").strip(), 120)
        return f"alert command {name}: exit {done.returncode}" + (f": {said}" if said else "")
    return None


__all__ = [
    "Alert",
    "SharedMarks",
    "Watchlist",
    "add_alerts",
    "alerts_for",
    "alerts_seen",
    "clean",
    "configured",
    "describe",
    "mark_changes",
    "mark_seen",
    "osc_sequence",
    "read_alerts",
    "read_marks",
    "run_command",
    "toggle_pin",
    "write_marks",
]

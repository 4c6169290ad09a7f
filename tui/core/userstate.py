"""The analyst's own state: what is pinned, the alerts log, what has not been seen yet,
private notes and saved views.

Kept in one JSON file, ``state.json``, in the user state dir (``~/.local/state/faultline``
on Linux, or ``$FAULTLINE_STATE_DIR``), never in a data file or feed. Two dashboards and
a cron ``faultline fetch --watched`` may change it at once, so every change is a
read-modify-write under an exclusive ``fcntl`` lock on ``state.lock`` beside it: each
writer reads the copy the previous one left, changes it and renames the new copy over it
(``atomic.write_atomic``) before letting go of the lock. No update is lost and a reader,
who needs no lock, sees one whole copy or the next.

The dir must be the user's alone (``paths.private_dir``): what is read back here decides
what the dashboard shows as unseen. A file that is not JSON, not an object, of another
format or version, or whose sections have the wrong shape is set aside as
``state.json.bad-<time>`` with a warning, and a fresh state is started: nothing crashes,
and the old file is there to look at. When the dir cannot be used the state lives in
memory for this run only, with a warning saying why.

JSON only: nothing read here is ever unpickled or evaluated.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from .atomic import write_atomic
from .dates import DateError, EDate
from .paths import NotPrivate, _shown, check_private, private_dir, user_state_dir

FORMAT = "faultline-state"
VERSION = 1
STATE_FILE = "state.json"
LOCK_FILE = "state.lock"
MAX_STATE_SIZE = 16 * 1024 * 1024  # a real one is KiBs; refuse, unread, what is not

T = TypeVar("T")
State = dict[str, Any]


def empty_state() -> State:
    return {"format": FORMAT, "version": VERSION}


class StateStore:
    """The state file in ``directory`` (the user state dir by default).

    ``read()`` gives a copy of the state; ``update(change)`` calls ``change(state)`` on
    the current copy under the lock, writes what it left and returns what it returned.
    ``warning`` says, once, why the state was set aside or is kept in memory only."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory is not None else user_state_dir()
        self.path = self.directory / STATE_FILE
        self.warning: str | None = None
        self._memory: State | None = None  # when the dir cannot be used
        # The signature of the copy last read or written here (see ``signature``).
        self.seen: tuple[int, int, int] | None = None
        # A dashboard writes from a thread of its own as well (alerts.SharedMarks): one
        # reader or writer at a time in this process (the file lock is for the others).
        self._guard = threading.RLock()

    # -- reading --------------------------------------------------------------------------

    def read(self) -> State:
        with self._guard:
            return self._read()

    def _read(self) -> State:
        if self._memory is not None:
            return copy.deepcopy(self._memory)
        try:
            if not private_dir(self.directory, create=False, what="state directory"):
                return empty_state()
            self.seen = self.signature()  # before reading: a newer copy is read again later
            state, bad = self._load()
            if bad:  # set aside under the lock, so no writer is between reading and moving it
                with self._locked():
                    state, bad = self._load()
                    if bad:
                        self._set_aside(bad)
        except NotPrivate as error:
            self._refuse(error)
            return empty_state()
        except OSError as error:  # the lock file cannot be made: read, but keep nothing
            self._unwritable(error)
            return empty_state()
        return state

    def _load(self) -> tuple[State, str | None]:
        """The state on disk and None, or an empty state and why the file is unusable."""
        try:
            with open(self.path, "rb") as handle:
                check_private(self.path, os.fstat(handle.fileno()), "state file")
                data = handle.read(MAX_STATE_SIZE + 1)
        except FileNotFoundError:
            return empty_state(), None
        except NotPrivate:
            raise
        except OSError as error:
            return empty_state(), f"cannot be read ({error.strerror or error})"
        if len(data) > MAX_STATE_SIZE:
            return empty_state(), "is larger than 16 MiB"
        try:
            raw = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            return empty_state(), f"is not valid JSON ({type(error).__name__})"
        problem = check_state(raw)
        return (raw, None) if problem is None else (empty_state(), problem)

    def _set_aside(self, why: str) -> None:
        stamp = time.strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{STATE_FILE}.bad-{stamp}")
        for n in range(2, 100):  # never over one set aside before
            if not os.path.lexists(aside):
                break
            aside = self.path.with_name(f"{STATE_FILE}.bad-{stamp}-{n}")
        try:
            os.replace(self.path, aside)
        except FileNotFoundError:
            return
        except OSError as error:
            self.warning = (
                f"{_shown(self.path)}: {why}; it could not be set aside "
                f"({error.strerror or error}), so the state is kept for this run only"
            )
            self._memory = empty_state()
            return
        self.warning = f"{_shown(self.path)}: {why}; set aside as {aside.name}, starting afresh"

    def _unwritable(self, error: OSError) -> None:
        self.warning = (
            f"{_shown(self.path)}: cannot be written ({error.strerror or error}); "
            "the watchlist, alerts and marks are kept for this run only"
        )
        if self._memory is None:
            self._memory = empty_state()

    def _refuse(self, error: NotPrivate) -> None:
        self.warning = f"{error}; the watchlist, alerts and marks are kept for this run only"
        self._memory = empty_state()

    def signature(self) -> tuple[int, int, int] | None:
        """What identifies the file's current copy (inode, size, mtime): another process
        changed the state when it differs from the last one seen."""
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    # -- changing -------------------------------------------------------------------------

    def update(self, change: Callable[[State], T]) -> T:
        """Apply ``change`` to the current state and save it, under the lock."""
        with self._guard:
            return self._update(change)

    def _update(self, change: Callable[[State], T]) -> T:
        if self._memory is None:
            try:
                private_dir(self.directory, what="state directory")
                with self._locked():
                    state, bad = self._load()
                    if bad:
                        self._set_aside(bad)
                    if self._memory is None:
                        result = change(state)
                        body = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
                        write_atomic(self.path, body.encode("utf-8"))
                        self.seen = self.signature()  # still ours: the lock is held
                        return result
            except NotPrivate as error:
                self._refuse(error)
            except OSError as error:
                self._unwritable(error)
        assert self._memory is not None
        return change(self._memory)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        fd = os.open(self.directory / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # released when the fd is closed, or the process dies
            yield
        finally:
            os.close(fd)


# -- the sections ---------------------------------------------------------------------------

KINDS = ("actors", "disagreements", "events")


def check_state(raw: object) -> str | None:
    """Why ``raw`` is not a usable state, or None."""
    if not isinstance(raw, dict):
        return "is not a JSON object"
    if raw.get("format") != FORMAT:
        return f"is not a Faultline state file (format {_short(raw.get('format'))})"
    if raw.get("version") != VERSION:
        return f"is of version {_short(raw.get('version'))}, not {VERSION}"
    for name, check in SECTIONS.items():
        if name in raw and not check(raw[name]):
            return f"{name}: is not of the expected shape"
    return None


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 20 else text[:19] + "…"


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _by_kind(value: object, item: Callable[[object], bool]) -> bool:
    return isinstance(value, dict) and all(k in KINDS and item(v) for k, v in value.items())


def _alert(value: object) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("at"), (int, float))
        and value.get("kind") in KINDS
        and all(isinstance(value.get(k), str) for k in ("id", "text"))
        and isinstance(value.get("seen", False), bool)
    )


def _marks(value: object) -> bool:
    return isinstance(value, dict) and all(v in ("new", "changed") for v in value.values())


def _notes(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(items, list)
        and all(
            isinstance(n, dict)
            and isinstance(n.get("at"), (int, float))
            and isinstance(n.get("text"), str)
            for n in items
        )
        for items in value.values()
    )


def _date_text(value: object) -> bool:
    return value is None or isinstance(value, str)


def _view(value: object) -> bool:
    """A saved view's shape; ``range`` and ``as_of`` (EDTF texts or None) came later, so
    a view without them is still one."""
    date_range = value.get("range", [None, None]) if isinstance(value, dict) else None
    return (
        isinstance(value, dict)
        and isinstance(date_range, list)
        and len(date_range) == 2
        and all(_date_text(d) for d in date_range)
        and _date_text(value.get("as_of"))
        and isinstance(value.get("filter", ""), str)
        and isinstance(value.get("pane", ""), str)
        and isinstance(value.get("cursors", {}), dict)
        and all(isinstance(v, str) for v in value.get("cursors", {}).values())
        and isinstance(value.get("trail", []), list)
        and all(
            isinstance(t, list)
            and len(t) == 3
            and all(isinstance(x, str) for x in t[:2])
            and (t[2] is None or isinstance(t[2], str))
            for t in value.get("trail", [])
        )
    )


SECTIONS: dict[str, Callable[[object], bool]] = {
    "watch": lambda v: _by_kind(v, _strings),
    "alerts": lambda v: isinstance(v, list) and all(_alert(a) for a in v),
    "unseen": lambda v: _by_kind(v, _marks),
    "notes": lambda v: _by_kind(v, _notes),
    "views": lambda v: isinstance(v, dict) and all(_view(x) for x in v.values()),
    "since": lambda v: v is None or isinstance(v, str),
}


# -- the since date (T) ------------------------------------------------------------------------


def load_since(store: StateStore | None = None) -> tuple[EDate | None, str | None]:
    """The remembered "since" date of ``T`` (None when there is none), and why the state
    could not be used or the date read (None when all is well)."""
    store = store or StateStore()
    value = store.read().get("since")
    if value is None:
        return None, store.warning
    try:
        return EDate.parse(value), store.warning
    except DateError as error:
        return None, f"{store.path}: since: {error}"


def save_since(since: EDate | None, store: StateStore | None = None) -> None:
    """Remember ``since`` (None: forget it) in the shared state, under its lock, beside
    the watchlist and notes (never over them)."""

    def change(state: State) -> None:
        state["since"] = since.text if since is not None else None

    (store or StateStore()).update(change)


__all__ = ["StateStore", "check_state", "empty_state", "load_since", "save_since"]

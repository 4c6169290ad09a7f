"""The analyst's private notes and saved views, kept in the state file (``userstate``),
never in a data file or feed.

A note is free text, timestamped, attached to one actor, disagreement or event (``N`` in
the dashboard); the detail pane shows an entity's notes under "My notes", the filter
finds them, and the Markdown brief includes them only when asked (``--notes``).
``faultline notes export`` writes them all as JSON, for a backup.

A view is what the dashboard was showing, under a name (``v``): the focus (the
breadcrumb), the filter, the timeline's date range (``[``/``]``), the time-travel date
(``t``), the active pane and the selected row of each pane; both dates are kept as their
EDTF texts, and a view saved before they were kept reads as "all dates, now". The last one
is kept as the view ``LAST`` when the dashboard closes, and shown again at the next start
unless ``--fresh``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import field
from typing import Any

from .dates import DateError, EDate, local_time
from .model import Kind
from .period import Period
from .records import record
from .search import normalise, terms
from .text import sanitise

NOTE_KINDS = (Kind.ACTOR, Kind.DISAGREEMENT, Kind.EVENT)
MAX_NOTE = 4000  # characters of one note
MAX_VIEWS = 100
LAST = "(last)"  # the view kept when the dashboard closes; not a name a person can save
# A view's name: it is shown in the command palette, which reads plain text as markup,
# so no brackets; and typed after --view, so nothing a shell would need quoted but spaces.
VIEW_NAME = re.compile(r"[^\W_][\w .-]{0,39}\Z")


@record
class Note:
    """One private note: when it was written (``at``, seconds since the epoch) and what."""

    at: float
    text: str

    @property
    def when(self) -> str:
        return local_time(self.at)


Notes = dict[Kind, dict[str, tuple[Note, ...]]]


def clean_note(text: str) -> str:
    """A note as kept: no control characters (newlines and tabs stay), trimmed, capped."""
    return sanitise(text)[0].strip()[:MAX_NOTE]


def add_note(state: dict[str, Any], kind: Kind, ident: str, text: str) -> Note:
    note = Note(time.time(), clean_note(text))
    by_id = state.setdefault("notes", {}).setdefault(kind.value, {})
    by_id.setdefault(ident, []).append({"at": note.at, "text": note.text})
    return note


def read_notes(state: Mapping[str, Any]) -> Notes:
    out: Notes = {kind: {} for kind in NOTE_KINDS}
    for kind, by_id in state.get("notes", {}).items():
        for ident, items in by_id.items():
            notes = tuple(Note(float(n["at"]), clean_note(n["text"])) for n in items)
            if notes:
                out[Kind(kind)][ident] = notes
    return out


def matching(notes: Mapping[str, tuple[Note, ...]], query: str) -> set[str]:
    """The ids whose notes, together, hold every word of ``query`` (as the filter folds
    them: any case, any accents)."""
    words = terms(query)
    if not words:
        return set()
    found = set()
    for ident, items in notes.items():
        text = normalise(" ".join(note.text for note in items))
        if all(word in text for word in words):
            found.add(ident)
    return found


def export_notes(state: Mapping[str, Any]) -> str:
    """Every note as JSON (``faultline notes export``): readable back, one per entity."""
    notes = read_notes(state)
    entries = [
        {"kind": kind.value, "id": ident, "notes": [{"at": n.at, "text": n.text} for n in items]}
        for kind in NOTE_KINDS
        for ident, items in sorted(notes[kind].items())
    ]
    body = {"format": "faultline-notes", "version": 1, "entities": entries}
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


# -- views ----------------------------------------------------------------------------------


@record
class View:
    """What the dashboard shows: the focus trail as (kind, id, actor) triples, the filter,
    the active pane, the selected row's id in each pane, the timeline's date range and
    the time-travel date (None: now)."""

    trail: tuple[tuple[str, str, str | None], ...] = ()
    filter: str = ""
    pane: str = Kind.ACTOR.value
    cursors: tuple[tuple[str, str], ...] = ()
    period: Period = field(default_factory=Period)
    as_of: EDate | None = None

    def record(self) -> dict[str, Any]:
        return {
            "trail": [list(t) for t in self.trail],
            "filter": self.filter,
            "pane": self.pane,
            "cursors": dict(self.cursors),
            "range": [_text(self.period.start), _text(self.period.end)],
            "as_of": _text(self.as_of),
        }

    @classmethod
    def from_record(cls, raw: Mapping[str, Any], problems: list[str] | None = None) -> View | None:
        """A view read back, or None when it is not of the expected shape. A date that no
        longer reads (a hand-edited state file) is left out of the view, which is kept; what
        was left out, and why, goes to ``problems``."""
        try:
            trail = tuple(
                (str(kind), str(ident), None if actor is None else str(actor))
                for kind, ident, actor in raw.get("trail", ())
            )
            cursors = tuple((str(k), str(v)) for k, v in dict(raw.get("cursors", {})).items())
            start, end = raw.get("range", (None, None))
            said = [] if problems is None else problems
            period = Period(_date(start, "range start", said), _date(end, "range end", said))
            as_of = _date(raw.get("as_of"), "as_of", said)
            filter_, pane = str(raw.get("filter", "")), str(raw.get("pane", ""))
            return cls(trail, filter_, pane, cursors, period, as_of)
        except (TypeError, ValueError, AttributeError):
            return None


def _text(date: EDate | None) -> str | None:
    return None if date is None else date.text


def _date(text: object, where: str, problems: list[str]) -> EDate | None:
    if text is None:
        return None
    try:
        return EDate.parse(text)
    except DateError as error:
        problems.append(f"{where} left out: {sanitise(str(error))[0]}")
        return None


def save_view(state: dict[str, Any], name: str, view: View) -> None:
    views = state.setdefault("views", {})
    views.pop(name, None)
    views[name] = view.record()  # newest last
    while len(views) > MAX_VIEWS:
        views.pop(next(iter(views)))


def read_views(state: Mapping[str, Any], problems: list[str] | None = None) -> dict[str, View]:
    """The saved views of ``state``; what could not be read of them goes to ``problems``
    (``views.<name>: ...``)."""
    out = {}
    for name, raw in state.get("views", {}).items():
        said: list[str] = []
        view = View.from_record(raw, said) if isinstance(raw, Mapping) else None
        shown, _ = sanitise(str(name)[:40])
        if view is None:
            said.append("not a view; left out")
        else:
            out[str(name)] = view
        if problems is not None:
            problems.extend(f"views.{shown}: {why}" for why in said)
    return out


__all__ = [
    "LAST",
    "VIEW_NAME",
    "Note",
    "View",
    "add_note",
    "clean_note",
    "export_notes",
    "matching",
    "read_notes",
    "read_views",
    "save_view",
]

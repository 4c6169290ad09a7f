"""What changed between two versions of the data: entities added, changed (which fields)
and removed, by kind and id, so the dashboard can mark them until seen and the
``fetch`` command can print them.

Origins and replacement bookkeeping are not content: an entity that moved from one
file or feed to another without saying anything new has not changed.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING

from .dates import EDate
from .merge import Dataset, Layer, merge_meta
from .model import Actor, Disagreement, Entity, Kind, Meta
from .movement import stance_changes
from .records import record

if TYPE_CHECKING:
    from _typeshed import DataclassInstance  # any dataclass's instance, as typeshed names it

ADDED, CHANGED, REMOVED = "added", "changed", "removed"
_get_id = attrgetter("id")
# The one mark of each change, wherever it shows: `faultline fetch`'s lines, the panes'
# rows until they are selected, the changes screen, the detail pane and the help.
NEW_MARK, CHANGED_MARK, REMOVED_MARK = "+", "*", "-"
ACTION_MARK = {ADDED: NEW_MARK, CHANGED: CHANGED_MARK, REMOVED: REMOVED_MARK}
_BOOKKEEPING = ("origin", "replaced", "disagreement")

Side = Dataset | Layer | Iterable[Layer] | None


@dataclass(frozen=True, slots=True)
class Change:
    """One entity that was added, changed or removed."""

    kind: Kind
    id: str
    action: str  # ADDED, CHANGED or REMOVED
    fields: tuple[str, ...] = ()  # for CHANGED: the fields that differ, in spec order
    before: Entity | None = None
    after: Entity | None = None
    # For a changed disagreement: its positions added, changed and removed, by identity
    # (actor and as_of): "+ kz as_of 2013-01-18", "* ru no as_of (stance)", "- by as_of 2012".
    positions: tuple[str, ...] = ()
    # For a changed disagreement: what moved, actor by actor, old → new, as people say it
    # ("Venezuela: stance ◆ mixed → ▼ oppose (as of 2025-05-01)"; movement.stance_changes).
    moves: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[Kind, str]:
        return (self.kind, self.id)

    @property
    def label(self) -> str:
        """The entity's title or name as it reads now (or last read, when removed)."""
        entity = self.after if self.after is not None else self.before
        return getattr(entity, "title", None) or getattr(entity, "name", None) or self.id

    @property
    def held(self) -> list[str]:
        """A disagreement's changed positions: what moved, old → new, then the position
        edits that say more than that (typed over in place, removed)."""
        if not self.moves:
            return [f"position {p}" for p in self.positions]
        extra = [p for p in self.positions if "in place" in p]
        return [*self.moves, *(f"position {p}" for p in extra)]

    @property
    def what(self) -> str:
        """For a change: the fields that differ, a disagreement's positions (what moved,
        old → new, else by identity) in place of "positions" (``status; Venezuela:
        stance ◆ mixed → ▼ oppose (as of 2025-05-01)``)."""
        has_held = bool(self.positions or self.moves)
        fields = [f for f in self.fields if f != "positions" or not has_held]
        return "; ".join([", ".join(fields)] * bool(fields) + self.held)

    def __str__(self) -> str:
        text = f"{ACTION_MARK[self.action]} {self.kind.singular} {self.id}: {self.label}"
        if self.fields:
            text += " (" + ", ".join(self.fields) + ")"
        if self.moves:
            text += ": " + "; ".join(self.held)
        elif self.positions:
            text += ": " + "; ".join(self.positions)
        return text


@record(slots=True)
class Changes:
    """Everything that differs between two versions, each list sorted by kind then id."""

    added: tuple[Change, ...] = ()
    changed: tuple[Change, ...] = ()
    removed: tuple[Change, ...] = ()
    meta: tuple[str, ...] = ()  # header fields (title, summary, as_of) that differ

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.meta)

    def __len__(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed)

    def __iter__(self) -> Iterator[Change]:
        yield from self.added
        yield from self.changed
        yield from self.removed

    def keys(self) -> frozenset[tuple[Kind, str]]:
        return frozenset(change.key for change in self)

    def get(self, kind: Kind, ident: str) -> Change | None:
        return next((c for c in self if c.kind is kind and c.id == ident), None)

    def summary(self) -> str:
        """``2 added, 1 changed, 0 removed``, or ``no changes``."""
        if not self:
            return "no changes"
        text = f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed"
        if self.meta:
            text += "; header changed (" + ", ".join(self.meta) + ")"
        return text

    def lines(self, limit: int | None = None) -> list[str]:
        """One line per change, as ``faultline fetch`` prints them; past ``limit`` a count."""
        out = [str(change) for change in self]
        if limit is not None and len(out) > limit:
            out = [*out[:limit], f"… and {len(out) - limit} more"]
        return out


def compare(before: Side, after: Side) -> Changes:
    """Compare two datasets, two layers (or lists of layers); None is the empty side."""
    old_tables, old_meta = _tables(before)
    new_tables, new_meta = _tables(after)
    added: list[Change] = []
    changed: list[Change] = []
    removed: list[Change] = []
    names = _actor_names(old_tables, new_tables)
    for kind in Kind:
        old, new = old_tables[kind], new_tables[kind]
        for ident in sorted(new.keys() - old.keys()):
            added.append(Change(kind, ident, ADDED, after=new[ident]))
        for ident in sorted(old.keys() - new.keys()):
            removed.append(Change(kind, ident, REMOVED, before=old[ident]))
        # Not sorted (100,000 ids take 50 ms in one C call, holding the interpreter):
        # the few that changed are, below.
        found = []
        for ident in old.keys() & new.keys():
            a, b = old[ident], new[ident]
            if a is b:
                continue
            fields = differing_fields(a, b)
            if fields:
                held: tuple[str, ...] = ()
                moved: tuple[str, ...] = ()
                if "positions" in fields and isinstance(a, Disagreement):
                    assert isinstance(b, Disagreement)
                    held = position_changes(a, b)
                    moved = tuple(stance_changes(a, b, names))
                found.append(Change(kind, ident, CHANGED, fields, a, b, held, moved))
        changed += sorted(found, key=_get_id)
    return Changes(
        tuple(added), tuple(changed), tuple(removed), differing_fields(old_meta, new_meta)
    )


def _actor_names(
    old: dict[Kind, dict[str, Entity]], new: dict[Kind, dict[str, Entity]]
) -> Callable[[str], str]:
    """Actor id -> its name as it reads now (or last read), else the id."""

    def name(ident: str) -> str:
        actor = new[Kind.ACTOR].get(ident) or old[Kind.ACTOR].get(ident)
        return actor.name if isinstance(actor, Actor) else ident

    return name


def differing_fields(a: DataclassInstance, b: DataclassInstance) -> tuple[str, ...]:
    """The content fields of two records of one type that differ (``x_`` extensions count)."""
    if a == b and not _extras(a) and not _extras(b):
        return ()  # the fast path: dataclass equality ignores only origin and extras
    out = []
    for name in _content_fields(type(a)):
        x, y = getattr(a, name), getattr(b, name)
        # Plain values (most fields) are their own comparable form: no ``_norm`` call.
        if type(x) in _PLAIN and type(y) in _PLAIN:
            if x != y:
                out.append(name)
        elif x is not y and _norm(x) != _norm(y):
            out.append(name)
    return tuple(out)


@functools.cache
def _content_fields(cls: type) -> tuple[str, ...]:
    """The names of a record type's fields that ``differing_fields`` compares."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.name not in _BOOKKEEPING)


def position_changes(before: Entity, after: Entity) -> tuple[str, ...]:
    """A disagreement's positions added, changed (which fields) and removed, each named
    by its identity: the actor and as_of (spec: positions at the top level)."""
    if not isinstance(before, Disagreement) or not isinstance(after, Disagreement):
        return ()
    old = {p.held: p for p in before.positions}
    new = {p.held: p for p in after.positions}
    out = []
    for held, position in new.items():
        previous = old.get(held)
        if previous is None:
            out.append(f"{NEW_MARK} {position.actor} {position.when}")
        else:
            fields = differing_fields(previous, position)
            if "stance" in fields:
                # Most likely a change of mind typed over the old position, losing it
                # from the history: say how it is recorded.
                said = f"stance {previous.stance} → {position.stance} in place"
                others = [f for f in fields if f != "stance"]
                what = ", ".join([said, *others])
                out.append(
                    f"{CHANGED_MARK} {position.actor} {position.when} ({what}: a change of "
                    "stance is a new position with a later as_of)"
                )
            elif fields:
                out.append(f"{CHANGED_MARK} {position.actor} {position.when} ({', '.join(fields)})")
    out += (f"{REMOVED_MARK} {p.actor} {p.when}" for held, p in old.items() if held not in new)
    return tuple(out)


def _extras(record: object) -> bool:
    """Whether a record or anything nested in it carries x_ extension values."""
    if getattr(record, "extra", None):
        return True
    for name in ("positions", "sources"):
        for item in getattr(record, name, ()) or ():
            if dataclasses.is_dataclass(item) and _extras(item):
                return True
    return False


# Types whose values ``_norm`` returns as they are.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _norm(value: object) -> object:
    """A comparable form of a field value that, unlike ==, includes extension values."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, EDate):
        return value.text
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return tuple(
            (f.name, _norm(getattr(value, f.name)))
            for f in dataclasses.fields(value)
            if f.name not in _BOOKKEEPING
        )
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _norm(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        if all(type(v) in _PLAIN for v in value):  # ids, tags: no call per item
            return tuple(value)
        return tuple(_norm(v) for v in value)
    return value


def _tables(side: Side) -> tuple[dict[Kind, dict[str, Entity]], Meta]:
    if side is None:
        return {kind: {} for kind in Kind}, Meta()
    if isinstance(side, Dataset):
        return {kind: side.table(kind) for kind in Kind}, side.meta
    layers = (side,) if isinstance(side, Layer) else tuple(side)
    tables: dict[Kind, dict[str, Entity]] = {kind: {} for kind in Kind}
    meta = Meta()
    for layer in layers:
        for document in layer.documents:
            meta = merge_meta(meta, document.meta)
            for kind in Kind:
                table = tables[kind]
                for entity in document.entities(kind):
                    table[entity.id] = entity
    return tables, meta


class UnseenChanges:
    """Marks entities "new" or "changed" until the analyst has seen them.

    Feed each refresh's ``Changes`` to ``add``; an entity added and then changed
    before it was seen stays "new"; one removed loses its mark.
    """

    NEW, CHANGED = "new", "changed"

    def __init__(self) -> None:
        self._marks: dict[tuple[Kind, str], str] = {}

    def add(self, changes: Changes) -> None:
        for change in changes.added:
            self._marks[change.key] = self.NEW
        for change in changes.changed:
            self._marks.setdefault(change.key, self.CHANGED)
        for change in changes.removed:
            self._marks.pop(change.key, None)

    def restore(self, kind: Kind, ident: str, mark: str) -> None:
        """Put back a mark kept from an earlier session (``alerts.read_marks``)."""
        self._marks[(kind, ident)] = self.NEW if mark == self.NEW else self.CHANGED

    def mark(self, kind: Kind, ident: str) -> str | None:
        """ "new", "changed", or None when there is nothing unseen about it."""
        return self._marks.get((kind, ident))

    def seen(self, kind: Kind, ident: str) -> None:
        self._marks.pop((kind, ident), None)

    def seen_all(self, kind: Kind | None = None) -> None:
        if kind is None:
            self._marks.clear()
        else:
            for key in [k for k in self._marks if k[0] is kind]:
                del self._marks[key]

    def unseen(self, kind: Kind | None = None) -> list[tuple[Kind, str]]:
        return sorted(k for k in self._marks if kind is None or k[0] is kind)

    def __iter__(self) -> Iterator[tuple[Kind, str]]:
        """Each marked (kind, id), unsorted: for what needs no order (``unseen`` sorts,
        which at 30,000 marks costs more than the walk)."""
        return iter(self._marks)

    def copy(self) -> UnseenChanges:
        """These marks, apart: what a worker thread can mark a new dossier's rows with
        while these change on the UI thread."""
        twin = UnseenChanges()
        twin._marks = dict(self._marks)
        return twin

    def same(self, other: UnseenChanges) -> bool:
        """Whether ``other`` holds exactly these marks (a dict comparison, in C)."""
        return self._marks == other._marks

    def __len__(self) -> int:
        return len(self._marks)

    def __contains__(self, key: object) -> bool:
        return key in self._marks


__all__ = [
    "ADDED",
    "CHANGED",
    "REMOVED",
    "Change",
    "Changes",
    "UnseenChanges",
    "compare",
    "differing_fields",
    "position_changes",
]

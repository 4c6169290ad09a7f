"""Typed, immutable records for a faultline/1 dataset.

Everything after the reader works with these records: nothing re-checks types or
re-reads files. Records are frozen, slotted dataclasses so that a dossier of a
million events stays proportionate in memory and can be shared between threads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from .dates import EDate
from .problems import Problem

FORMAT = "faultline/1"

ACTOR_KINDS = ("state", "person", "party", "organisation", "company", "bloc", "group", "other")
SOURCE_KINDS = ("analysis", "news", "statement", "official", "dataset", "other")
RELIABILITY = ("A", "B", "C", "D", "E", "F")
DISAGREEMENT_STATUSES = ("open", "escalating", "easing", "resolved", "dormant")
STANCES = ("support", "oppose", "mixed", "neutral", "unknown")
CONFIDENCE = ("low", "moderate", "high")
EVENT_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip
EVENT_STATUSES = ("reported", "planned", "expected", "hypothetical")
LIKELIHOOD = (
    "almost no chance", "very unlikely", "unlikely", "roughly even chance",
    "likely", "very likely", "almost certain",
)  # fmt: skip


class Extras(dict[str, object]):
    """The ``x_*`` extension values of one table, read-only."""

    __slots__ = ()

    def _read_only(self, *args: object, **kwargs: object) -> None:
        raise TypeError("extension values are read-only")

    # Every mutator raises; their signatures differ from dict's, hence the ignore.
    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _read_only  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type[Extras], tuple[dict[str, object]]]:
        return (Extras, (dict(self),))


EMPTY_EXTRA: Mapping[str, object] = Extras()


def _extra() -> Mapping[str, object]:
    return field(default_factory=lambda: EMPTY_EXTRA, compare=False, repr=False)


class Kind(StrEnum):
    """The entity kinds that carry ids; ids are unique per kind. The one spelling of a
    kind everywhere: a document's table (the value, ``actors``), a ``browse.Ref``, a
    dashboard pane and its widget id; ``singular`` for messages (``actor``)."""

    SOURCE = "sources"
    ACTOR = "actors"
    DISAGREEMENT = "disagreements"
    EVENT = "events"

    @property
    def singular(self) -> str:
        return self.value[:-1]


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an entity was read: a file path or feed URL, and the line when known."""

    layer: str
    document: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.document}:{self.line}" if self.line else self.document


@dataclass(frozen=True, slots=True)
class Citation:
    source: str
    locator: str | None = None
    credibility: int | None = None
    extra: Mapping[str, object] = _extra()

    @property
    def is_plain(self) -> bool:
        return self.locator is None and self.credibility is None and not self.extra

    def grade(self, source: Source | None) -> str:
        """The Admiralty grade as given: the source's reliability (F, cannot be judged,
        when unknown), then the information credibility only when it was written (``B``,
        ``B2``), never a credibility nobody gave."""
        reliability = source.grade if source is not None else "F"
        return reliability + (str(self.credibility) if self.credibility is not None else "")


# Origin and replacement are bookkeeping, not content: two datasets read from
# different files are equal when their entities say the same things.
def _origin() -> Origin | None:
    return field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    url: str | None = None
    publisher: str | None = None
    published: EDate | None = None
    kind: str | None = None
    reliability: str | None = None
    extra: Mapping[str, object] = _extra()
    origin: Origin | None = _origin()
    replaced: Origin | None = _origin()

    @property
    def grade(self) -> str:
        """The Admiralty source grade; F (cannot be judged) when none is given."""
        return self.reliability or "F"


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    role: str | None = None
    member_of: tuple[str, ...] = ()
    wikidata: str | None = None
    summary: str | None = None
    tags: tuple[str, ...] = ()
    extra: Mapping[str, object] = _extra()
    origin: Origin | None = _origin()
    replaced: Origin | None = _origin()


@dataclass(frozen=True, slots=True)
class Position:
    """One actor's stance on a disagreement at one time, nested in its disagreement or
    written at the top level (``[[positions]]``), where ``disagreement`` names it.

    ``disagreement`` is where the position was written, not content: after merging,
    every position sits in its disagreement's history, and a position reads the same
    whichever way it was written (so exports in either form read back equal). Nested
    positions have no origin of their own: their disagreement's is theirs."""

    actor: str
    stance: str
    as_of: EDate | None = None
    score: int | None = None
    salience: int | None = None
    confidence: str | None = None
    summary: str | None = None
    quote: str | None = None
    sources: tuple[Citation, ...] = ()
    extra: Mapping[str, object] = _extra()
    disagreement: str | None = field(default=None, compare=False)
    origin: Origin | None = _origin()
    replaced: Origin | None = _origin()

    @property
    def order_key(self) -> tuple[int, tuple[()] | tuple[int, int, str]]:
        """Undated positions are older than any dated one (spec: positions)."""
        return (0, ()) if self.as_of is None else (1, self.as_of.sort_key)

    @property
    def held(self) -> tuple[str, str | None]:
        """The actor and as_of text: with the disagreement, a position's identity."""
        return (self.actor, self.as_of.text if self.as_of is not None else None)

    @property
    def when(self) -> str:
        """``as_of 2013-01-18`` or ``no as_of``, for messages."""
        return f"as_of {self.as_of.text}" if self.as_of is not None else "no as_of"


@dataclass(frozen=True, slots=True)
class Disagreement:
    id: str
    title: str
    question: str | None = None
    summary: str | None = None
    status: str | None = None
    since: EDate | None = None
    topics: tuple[str, ...] = ()
    positions: tuple[Position, ...] = ()
    sources: tuple[Citation, ...] = ()
    extra: Mapping[str, object] = _extra()
    origin: Origin | None = _origin()
    replaced: Origin | None = _origin()

    @property
    def state(self) -> str:
        return self.status or "open"

    def history(self, actor: str) -> list[Position]:
        """One actor's positions on this question, oldest first."""
        return sorted((p for p in self.positions if p.actor == actor), key=lambda p: p.order_key)

    def current(self) -> dict[str, Position]:
        """Each actor's current stance: its position with the latest as_of."""
        latest: dict[str, Position] = {}
        for p in self.positions:
            held = latest.get(p.actor)
            if held is None or p.order_key > held.order_key:
                latest[p.actor] = p
        return latest

    def tally(self) -> dict[str, int]:
        counts = dict.fromkeys(STANCES, 0)
        for p in self.current().values():
            counts[p.stance] += 1
        return counts


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    title: str
    date: EDate
    date_text: str | None = None
    summary: str | None = None
    actors: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    disagreements: tuple[str, ...] = ()
    type: str | None = None
    status: str | None = None
    likelihood: str | None = None
    location: str | None = None
    quote: str | None = None
    sources: tuple[Citation, ...] = ()
    extra: Mapping[str, object] = _extra()
    origin: Origin | None = _origin()
    replaced: Origin | None = _origin()

    @property
    def state(self) -> str:
        return self.status or "reported"

    @property
    def is_reported(self) -> bool:
        return self.state == "reported"

    @property
    def timeline_key(self) -> tuple[int, tuple[int, int, str], str]:
        """Reported events first in date order, then planned/expected/hypothetical ones."""
        return (0 if self.is_reported else 1, self.date.sort_key, self.id)


Entity = Source | Actor | Disagreement | Event


@dataclass(frozen=True, slots=True)
class Meta:
    title: str | None = None
    summary: str | None = None
    as_of: EDate | None = None
    extra: Mapping[str, object] = _extra()


@dataclass(frozen=True, slots=True)
class Document:
    """One faultline/1 document as read and checked, before merging."""

    name: str  # file path or URL, as shown to people
    meta: Meta = Meta()
    sources: tuple[Source, ...] = ()
    actors: tuple[Actor, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    events: tuple[Event, ...] = ()
    sanitised: int = 0  # control and bidi characters removed while reading
    positions: tuple[Position, ...] = ()  # top-level [[positions]], each naming its disagreement
    # Warnings the reader had about a valid document (a position probably attached to the
    # wrong disagreement).
    notes: tuple[Problem, ...] = ()

    def entities(self, kind: Kind) -> tuple[Entity, ...]:
        entities: tuple[Entity, ...] = getattr(self, kind.value)
        return entities

    @property
    def size(self) -> int:
        return (
            len(self.sources)
            + len(self.actors)
            + len(self.disagreements)
            + len(self.events)
            + len(self.positions)
        )

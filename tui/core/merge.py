"""Layers and merging (spec: "Layers and merging").

Local data paths are read in the order given, then feeds in configuration order. A
later layer replaces an earlier layer's entity of the same kind and id, whole; every
entity remembers where it came from and what it replaced. References are resolved on
the merged whole and reported, never fatal. A document that cannot be read is
rejected whole and reported; the rest of its layer and every other layer still load.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain, compress
from operator import attrgetter, itemgetter, not_

from .gcpause import STEP, collect_young, gc_paused, old_dicts
from .model import (
    Actor,
    Citation,
    Disagreement,
    Document,
    Entity,
    Event,
    Extras,
    Kind,
    Meta,
    Position,
    Source,
)
from .problems import Problem
from .records import record


@record
class Layer:
    """One data path or feed: the documents that could be read and the problems of the rest."""

    name: str
    documents: tuple[Document, ...] = ()
    problems: tuple[Problem, ...] = ()
    is_feed: bool = False
    # Documents shown in their last good version: read again after a save, they had
    # problems (listed in ``problems``), so what was read before stays in use.
    kept: tuple[str, ...] = ()

    @property
    def sanitised(self) -> int:
        return sum(d.sanitised for d in self.documents)

    @property
    def ok(self) -> bool:
        return not self.problems


# Field getters for map() and sort keys: attrgetter runs in C, a lambda would not.
_get_id = attrgetter("id")
_get_actor = attrgetter("actor")
_get_actors = attrgetter("actors")
_get_targets = attrgetter("targets")
_get_member_of = attrgetter("member_of")
_get_positions = attrgetter("positions")
_get_disagreements = attrgetter("disagreements")
_get_sources = attrgetter("sources")
_get_source = attrgetter("source")
_get_status = attrgetter("status")
_get_sort_key = attrgetter("date._key")  # EDate.sort_key
_REPORTED = frozenset({None, "", "reported"})  # statuses whose Event.state is "reported"


def _locate(entity: Entity) -> tuple[str, int | None]:
    origin = entity.origin
    return (origin.document, origin.line) if origin else ("?", None)


def check_layer(
    name: str, documents: Iterable[Document], problems: list[Problem], *, is_feed: bool = False
) -> Layer:
    """Keep the documents of one layer whose ids do not clash with an earlier document of it.

    Within one document the reader has already refused duplicates, so this compares id
    sets between documents (C-speed set operations; a million ids take milliseconds).
    """
    seen: dict[Kind, dict[str, Entity]] = {kind: {} for kind in Kind}
    kept: list[Document] = []
    documents = list(documents)
    for number, document in enumerate(documents, 1):
        clashes: list[Problem] = []
        for kind in Kind:
            if not seen[kind]:
                continue  # nothing earlier to clash with (the first document, say)
            entities = document.entities(kind)
            ids = set(map(_get_id, entities))
            for ident in ids & seen[kind].keys():
                entity = next(e for e in entities if e.id == ident)
                where, line = _locate(seen[kind][ident])
                here, here_line = _locate(entity)
                clashes.append(
                    Problem(
                        here,
                        f"duplicate {kind.singular} id '{ident}' in layer {name}: "
                        f"also defined at {where}" + (f":{line}" if line else ""),
                        line=here_line,
                    )
                )
        if clashes:
            problems.extend(sorted(clashes, key=lambda p: p.line or 0))
            continue
        kept.append(document)
        if number == len(documents):
            break  # no later document to compare with: a dossier of one file, say
        for kind in Kind:
            entities = document.entities(kind)
            seen[kind].update(zip(map(_get_id, entities), entities, strict=True))
    if len(kept) > 1 and any(d.positions for d in kept):
        kept = _without_position_clashes(name, kept, problems)
    return Layer(name, tuple(kept), tuple(problems), is_feed)


def _without_position_clashes(
    name: str, documents: list[Document], problems: list[Problem]
) -> list[Document]:
    """The documents of one layer whose positions do not share an identity (disagreement,
    actor, as_of) with one of an earlier document of it, nested or top-level (spec:
    positions at the top level). Within one document the reader has checked this."""
    seen: dict[tuple[str, str, str | None], str] = {}
    kept: list[Document] = []
    for document in documents:
        written: list[tuple[tuple[str, str, str | None], str, int | None]] = []
        for parent in document.disagreements:
            where, line = _locate(parent)
            for position in parent.positions:
                written.append(((parent.id, *position.held), where, line))
        for position in document.positions:
            assert position.disagreement is not None
            origin = position.origin
            line = origin.line if origin else None
            written.append(((position.disagreement, *position.held), document.name, line))
        clashes = []
        for (ident, actor, as_of), where, line in written:
            other = seen.get((ident, actor, as_of))
            if other is not None:
                when = f"as_of {as_of}" if as_of is not None else "no as_of"
                clashes.append(
                    Problem(
                        where,
                        f"duplicate position of actor '{actor}' on '{ident}' with "
                        f"{when} in layer {name}: also at {other}",
                        line=line,
                    )
                )
        if clashes:
            problems.extend(clashes)
            continue
        for identity, where, line in written:
            seen[identity] = f"{where}:{line}" if line else where
        kept.append(document)
    return kept


@dataclass
class Dataset:
    """The merged whole that the dashboard, search and export work on."""

    meta: Meta = field(default_factory=Meta)
    sources: dict[str, Source] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    disagreements: dict[str, Disagreement] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    layers: tuple[Layer, ...] = ()
    unresolved: tuple[Problem, ...] = ()
    # What the reader warned of in documents that are valid (``Document.notes``).
    notes: tuple[Problem, ...] = ()
    # Top-level positions naming a disagreement no layer defines, by identity
    # (disagreement, actor, as_of): unresolved, kept so that an export loses nothing.
    stray_positions: dict[tuple[str, str, str | None], Position] = field(default_factory=dict)

    def table(self, kind: Kind) -> dict[str, Entity]:
        table: dict[str, Entity] = getattr(self, kind.value)
        return table

    def get(self, kind: Kind, ident: str) -> Entity | None:
        return self.table(kind).get(ident)

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(p for layer in self.layers for p in layer.problems)

    @property
    def sanitised(self) -> int:
        return sum(layer.sanitised for layer in self.layers)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Everything worth a warning: the reader's notes, then unresolved references."""
        return self.notes + self.unresolved if self.notes else self.unresolved

    def content(
        self,
    ) -> tuple[
        Meta,
        list[Source],
        list[Actor],
        list[Disagreement],
        list[Event],
        list[tuple[tuple[str, str, str | None], Position]],
    ]:
        """What the dataset says, without where it was read: equal for equal content."""
        return (
            self.meta,
            sorted(self.sources.values(), key=lambda e: e.id),
            sorted(self.actors.values(), key=lambda e: e.id),
            sorted(self.disagreements.values(), key=lambda e: e.id),
            sorted(self.events.values(), key=lambda e: e.id),
            sorted(self.stray_positions.items(), key=lambda item: repr(item[0])),
        )

    def counts(self) -> dict[str, int]:
        return {kind.value: len(self.table(kind)) for kind in Kind}

    @cached_property
    def timeline(self) -> list[Event]:
        """Reported events in date order, then planned, expected and hypothetical ones
        (``timeline``). Set by ``merge`` when a document read from the parsed-data cache
        brought every event with its order (``OrderedEvents``)."""
        return timeline(self.events.values())

    @cached_property
    def positions_by_actor(self) -> dict[str, list[tuple[Disagreement, Position]]]:
        """Each actor's current positions, one per disagreement."""
        index: dict[str, list[tuple[Disagreement, Position]]] = defaultdict(list)
        for disagreement in self.disagreements.values():
            for actor, position in disagreement.current().items():
                index[actor].append((disagreement, position))
        return dict(index)

    @cached_property
    def events_by_actor(self) -> dict[str, list[Event]]:
        index: dict[str, list[Event]] = defaultdict(list)
        for event in self.timeline:
            for actor in actors_of(event):
                index[actor].append(event)
        return dict(index)

    @cached_property
    def events_by_disagreement(self) -> dict[str, list[Event]]:
        index: dict[str, list[Event]] = defaultdict(list)
        for event in self.timeline:
            for ident in event.disagreements:
                index[ident].append(event)
        return dict(index)

    @cached_property
    def members(self) -> dict[str, list[Actor]]:
        index: dict[str, list[Actor]] = defaultdict(list)
        for actor in self.actors.values():
            for group in actor.member_of:
                index[group].append(actor)
        return dict(index)


def timeline(events: Iterable[Event]) -> list[Event]:
    """``events`` in timeline order: reported events in date order, then planned, expected
    and hypothetical ones.

    The order of ``Event.timeline_key``, reached without a Python call per event: a
    stable sort by id, then one by date (so ties keep id order), both on C-level keys,
    then a stable split into reported events and the rest. Comparing the flat keys is
    also several times cheaper than comparing ``timeline_key``'s nested tuples."""
    with gc_paused():
        ordered = sorted(events, key=_get_id)
        ordered.sort(key=_get_sort_key)
        reported = list(map(_REPORTED.__contains__, map(_get_status, ordered)))
        if all(reported):
            return ordered
        return [*compress(ordered, reported), *compress(ordered, map(not_, reported))]


class OrderedEvents(tuple[Event, ...]):
    """A document's events, in the document's order, that know their timeline order:
    ``order[n]`` is the number of the event that ``timeline`` puts n-th. The parsed-data
    cache stores the order with the events, so that a start from it does not sort a
    large timeline again (``merge`` takes it when one document gave every event). The
    order belongs to this very tuple: a document made with other events (a part, a
    reread's kept objects) holds a plain tuple, and its timeline is sorted."""

    order: Sequence[int]  # (an array of unsigned ints from the cache: 4 bytes an event)

    @classmethod
    def of(cls, events: Iterable[Event], order: Sequence[int]) -> OrderedEvents:
        """``events`` with ``order``, which must be a permutation of their numbers
        (ValueError otherwise: a damaged order is never taken)."""
        made = cls(events)
        size = len(made)
        if len(order) != size or (size and (min(order) != 0 or max(order) != size - 1)):
            raise ValueError("not an order of these events")
        if len(set(order)) != size:
            raise ValueError("not an order of these events")
        made.order = order
        return made

    def in_order(self) -> list[Event]:
        """The events in timeline order (``timeline``'s), in one C call."""
        if len(self) < 2:  # (itemgetter of one number gives the item, not a tuple)
            return list(self)
        return list(itemgetter(*self.order)(self))


def timeline_order(events: Sequence[Event]) -> tuple[int, ...]:
    """The numbers of ``events`` in ``timeline`` order (``OrderedEvents.order``)."""
    number = {id(event): n for n, event in enumerate(events)}
    return tuple(map(number.__getitem__, map(id, timeline(events))))


def actors_of(event: Event) -> Iterable[str]:
    """The actors under which ``Dataset.events_by_actor`` lists ``event``: its actors and
    targets, each once."""
    ids = event.actors + event.targets if event.targets else event.actors
    return dict.fromkeys(ids) if len(ids) > 1 else ids


def merge_meta(old: Meta, new: Meta) -> Meta:
    """A later document's header over an earlier one's: each field it gives wins."""
    return Meta(
        title=new.title if new.title is not None else old.title,
        summary=new.summary if new.summary is not None else old.summary,
        as_of=new.as_of if new.as_of is not None else old.as_of,
        extra=Extras({**old.extra, **new.extra}),
    )


def merge(layers: Iterable[Layer]) -> Dataset:
    with gc_paused():
        return _merge(tuple(layers))


def _merge(layers: tuple[Layer, ...]) -> Dataset:
    dataset = Dataset(layers=layers)
    _head(dataset, layers)
    # Top-level positions by identity, each with the number of its layer; a later
    # layer's replaces an earlier one's. And the layer of each disagreement kept.
    top: dict[tuple[str, str, str | None], tuple[int, Position]] = {}
    disagreement_layer: dict[str, int] = {}
    has_top = any(document.positions for layer in layers for document in layer.documents)
    for number, layer in enumerate(layers):
        for document in layer.documents:
            if has_top:
                disagreement_layer.update((d.id, number) for d in document.disagreements)
                for position in document.positions:
                    assert position.disagreement is not None
                    identity = (position.disagreement, *position.held)
                    earlier = top.get(identity)
                    top[identity] = (
                        number,
                        position
                        if earlier is None
                        else dataclasses.replace(position, replaced=earlier[1].origin),
                    )
            for kind in Kind:
                _lay(dataset.table(kind), document.entities(kind))
    if top:
        _join_positions(dataset, top, disagreement_layer)
    dataset.unresolved = tuple(resolve(dataset))
    given = [d.events for layer in layers for d in layer.documents if d.events]
    if (
        len(given) == 1
        and isinstance(given[0], OrderedEvents)
        and len(given[0]) == len(dataset.events)
    ):
        # Every event is that document's, none replaced (its ids are unique): its own
        # timeline order is the dataset's.
        vars(dataset)["timeline"] = given[0].in_order()
    return dataset


def _head(dataset: Dataset, layers: Sequence[Layer]) -> None:
    """The merged header (each later document's fields win) and the reader's notes."""
    meta = Meta()
    for layer in layers:
        for document in layer.documents:
            meta = merge_meta(meta, document.meta)
    dataset.meta = meta
    dataset.notes = tuple(n for layer in layers for d in layer.documents for n in d.notes)


def _lay(table: dict[str, Entity], entities: Sequence[Entity]) -> None:
    """Lay one document's entities of a kind over ``table``: each replaces the one of its
    id, remembering where that came from; a new id goes at the end."""
    ids = list(map(_get_id, entities))
    if table.keys().isdisjoint(ids) and len(set(ids)) == len(ids):
        table.update(zip(ids, entities, strict=True))  # nothing replaced: in one C call
        return
    for entity in entities:
        previous = table.get(entity.id)
        if previous is None:
            table[entity.id] = entity
        else:
            table[entity.id] = dataclasses.replace(entity, replaced=previous.origin)


# A tail of replaced layers at most this share of the entities of the layers kept before
# it is merged onto the previous dataset (``merge_onto``); a larger one, afresh.
INCREMENTAL_SHARE = 0.25


def merge_onto(
    before: Dataset, layers: Sequence[Layer]
) -> tuple[Dataset, dict[Kind, set[str]]] | None:
    """``merge(layers)``, built from ``before`` (``merge(before.layers)``) when ``layers``
    replace only a small tail of its layers (a feed's new copy, say): equal to the full
    merge, in value and in the order of every table, at a cost proportional to the tail.
    With it, the ids (by kind) of the entities that may differ from ``before``'s; None
    when the merge is better done in full (``merge``).

    The layers both share, up to the first that differs (the prefix), merge to the same
    tables: ``before``'s, less what its old tail laid over them. So the tables are copied
    (one C call each), each id the old tail defined is put back as the prefix left it
    (found by one C-level scan of the prefix for those ids) or dropped, and the new tail
    is laid over them as ``merge`` would. Ids first defined in the prefix keep their
    places, the others come after them in the order read: the order of a full merge.
    Entities no replaced layer defines are the very objects ``before`` holds.

    Not for a merge with top-level positions (which join their disagreements across
    layers), or whose tail is large."""
    layers = tuple(layers)
    old = before.layers
    k = 0
    while k < min(len(old), len(layers)) and old[k] is layers[k]:
        k += 1
    prefix, old_tail, new_tail = layers[:k], old[k:], layers[k:]
    tail = _size(old_tail) + _size(new_tail)
    if (
        tail > INCREMENTAL_SHARE * _size(prefix)
        or before.stray_positions
        or any(document.positions for layer in (*old, *layers) for document in layer.documents)
    ):
        return None
    with gc_paused():
        dataset = Dataset(layers=layers)
        _head(dataset, layers)
        touched: dict[Kind, set[str]] = {}
        # Copies in C (a few ms at a million) into tables made old first: no young
        # collection walks a million entities again (see gcpause.old_lists).
        for kind, table in zip(Kind, old_dicts(len(Kind)), strict=True):
            table.update(before.table(kind))
            setattr(dataset, kind.value, table)
            gone = _ids(old_tail, kind)
            if gone:
                kept = _merged(prefix, kind, gone)
                for ident in gone:
                    entity = kept.get(ident)
                    if entity is None:
                        del table[ident]
                    else:
                        table[ident] = entity
            for layer in new_tail:
                for document in layer.documents:
                    _lay(table, document.entities(kind))
            touched[kind] = gone | _ids(new_tail, kind)
        collect_young()  # what the tail laid (see collect_young)
        dataset.unresolved = _resolve_after(before, dataset, touched)
    return dataset, touched


def _ids(layers: Iterable[Layer], kind: Kind) -> set[str]:
    """The ids of ``kind`` these layers define."""
    ids: set[str] = set()
    for layer in layers:
        for document in layer.documents:
            ids.update(map(_get_id, document.entities(kind)))
    return ids


def _size(layers: Iterable[Layer]) -> int:
    return sum(document.size for layer in layers for document in layer.documents)


def _merged(layers: Sequence[Layer], kind: Kind, ids: set[str]) -> dict[str, Entity]:
    """The entities of ``kind`` with these ids as merging ``layers`` leaves them: each
    document scanned for them in C, only the ones found laid in Python."""
    table: dict[str, Entity] = {}
    for layer in layers:
        for document in layer.documents:
            entities = document.entities(kind)
            found = list(compress(entities, map(ids.__contains__, map(_get_id, entities))))
            if found:
                _lay(table, found)
    return table


def _resolve_after(
    before: Dataset, dataset: Dataset, touched: dict[Kind, set[str]]
) -> tuple[Problem, ...]:
    """``tuple(resolve(dataset))``, for a dataset that differs from ``before`` only in the
    ``touched`` ids. When no id that can be referred to appeared or disappeared, and
    ``before`` had no unresolved reference, only the touched entities can have one, so
    only they are looked at; otherwise every entity is (``resolve``)."""
    if before.unresolved or any(
        (ident in before.table(kind)) != (ident in dataset.table(kind))
        for kind in (Kind.ACTOR, Kind.DISAGREEMENT, Kind.SOURCE)
        for ident in touched[kind]
    ):
        return tuple(resolve(dataset))
    actors = [dataset.actors[i] for i in touched[Kind.ACTOR] if i in dataset.actors]
    disagreements = [
        dataset.disagreements[i] for i in touched[Kind.DISAGREEMENT] if i in dataset.disagreements
    ]
    events = [dataset.events[i] for i in touched[Kind.EVENT] if i in dataset.events]
    missing = _missing_in(actors, disagreements, events, {}, dataset)
    if not any(missing.values()):
        return ()
    hint = _Hints(dataset)
    problems: list[Problem] = []
    found: tuple[tuple[Kind, Sequence[Entity]], ...] = (
        (Kind.ACTOR, actors),
        (Kind.DISAGREEMENT, disagreements),
        (Kind.EVENT, events),
    )
    for kind, entities in found:
        failing = {e.id for e in entities if _may_miss(e, missing)}
        if failing:
            table = dataset.table(kind)
            # In the table's order, as ``resolve`` walks it: the ids picked out in C.
            for ident in filter(failing.__contains__, table):
                problems.extend(_problems_of(dataset, kind, table[ident], hint))
    return tuple(problems)


def _join_positions(
    dataset: Dataset,
    top: dict[tuple[str, str, str | None], tuple[int, Position]],
    disagreement_layer: dict[str, int],
) -> None:
    """Each top-level position joins its disagreement's history (spec: positions at the
    top level): one with the identity of a nested position replaces it when its layer
    is the later, and is replaced by it otherwise; the others are added after the
    nested ones, in the order read. One naming no known disagreement is kept apart."""
    joining: dict[str, list[tuple[int, Position]]] = defaultdict(list)
    for identity, (number, position) in top.items():
        if identity[0] in dataset.disagreements:
            joining[identity[0]].append((number, position))
        else:
            dataset.stray_positions[identity] = position
    for ident, joined in joining.items():
        disagreement = dataset.disagreements[ident]
        layer = disagreement_layer[ident]
        history = list(disagreement.positions)
        index = {p.held: i for i, p in enumerate(history)}
        for number, position in joined:
            i = index.get(position.held)
            if i is None:
                index[position.held] = len(history)
                history.append(position)
                continue
            nested = history[i]
            if number > layer:
                history[i] = dataclasses.replace(
                    position, replaced=nested.origin or disagreement.origin
                )
            else:
                history[i] = dataclasses.replace(nested, replaced=position.origin)
        dataset.disagreements[ident] = dataclasses.replace(disagreement, positions=tuple(history))


def _citations(citations: tuple[Citation, ...], field_name: str) -> Iterator[tuple[str, Kind, str]]:
    for i, citation in enumerate(citations):
        yield f"{field_name}[{i}]", Kind.SOURCE, citation.source


def references(entity: Entity) -> Iterator[tuple[str, Kind, str]]:
    """Every (field path, kind, id) an entity refers to."""
    if isinstance(entity, Actor):
        for i, group in enumerate(entity.member_of):
            yield f"member_of[{i}]", Kind.ACTOR, group
    elif isinstance(entity, Disagreement):
        yield from _citations(entity.sources, "sources")
        for j, position in enumerate(entity.positions):
            yield f"positions[{j}].actor", Kind.ACTOR, position.actor
            yield from _citations(position.sources, f"positions[{j}].sources")
    elif isinstance(entity, Event):
        for name in ("actors", "targets"):
            for i, ident in enumerate(getattr(entity, name)):
                yield f"{name}[{i}]", Kind.ACTOR, ident
        for i, ident in enumerate(entity.disagreements):
            yield f"disagreements[{i}]", Kind.DISAGREEMENT, ident
        yield from _citations(entity.sources, "sources")


def _missing(dataset: Dataset) -> dict[Kind, set[str]]:
    """The ids referred to but defined by no layer, per kind, gathered in C."""
    return _missing_in(
        dataset.actors.values(),
        dataset.disagreements.values(),
        dataset.events.values(),
        dataset.stray_positions,
        dataset,
    )


def _missing_in(
    actors: Collection[Actor],
    disagreements: Collection[Disagreement],
    events: Collection[Event],
    stray: dict[tuple[str, str, str | None], Position],
    dataset: Dataset,
) -> dict[Kind, set[str]]:
    """The ids these entities refer to that ``dataset`` does not define, per kind,
    gathered in C, ``STEP`` events at a time (one C call over a million events would
    hold the interpreter for a quarter of a second)."""
    positions = list(chain.from_iterable(map(_get_positions, disagreements)))
    positions += stray.values()
    referred = set(chain.from_iterable(map(_get_member_of, actors)))
    referred.update(map(_get_actor, positions))
    named: set[str] = {d for d, _, _ in stray}
    sources: set[str] = set()
    for group in (disagreements, positions):
        sources.update(map(_get_source, chain.from_iterable(map(_get_sources, group))))
    listed = list(events)
    for start in range(0, len(listed), STEP):
        part = listed[start : start + STEP]
        referred.update(chain.from_iterable(map(_get_actors, part)))
        referred.update(chain.from_iterable(map(_get_targets, part)))
        named.update(chain.from_iterable(map(_get_disagreements, part)))
        sources.update(map(_get_source, chain.from_iterable(map(_get_sources, part))))
    return {
        Kind.ACTOR: referred.difference(dataset.actors),
        Kind.DISAGREEMENT: named.difference(dataset.disagreements),
        Kind.SOURCE: sources.difference(dataset.sources),
    }


def _may_miss(entity: Entity, missing: dict[Kind, set[str]]) -> bool:
    """Whether ``entity`` refers to any of the ``missing`` ids (see ``references``)."""
    actors, sources = missing[Kind.ACTOR], missing[Kind.SOURCE]
    if isinstance(entity, Actor):
        return not actors.isdisjoint(entity.member_of)
    if isinstance(entity, Disagreement):
        return (
            not sources.isdisjoint(map(_get_source, entity.sources))
            or not actors.isdisjoint(map(_get_actor, entity.positions))
            or any(not sources.isdisjoint(map(_get_source, p.sources)) for p in entity.positions)
        )
    if isinstance(entity, Event):
        return (
            not actors.isdisjoint(entity.actors)
            or not actors.isdisjoint(entity.targets)
            or not missing[Kind.DISAGREEMENT].isdisjoint(entity.disagreements)
            or not sources.isdisjoint(map(_get_source, entity.sources))
        )
    return True


def resolve(dataset: Dataset) -> Iterator[Problem]:
    """Warnings for references to ids that no layer defines.

    Every referred id is first checked in bulk; only the entities that refer to a
    missing one are then walked reference by reference, to say where."""
    missing = _missing(dataset)
    if not any(missing.values()):
        return
    hint = _Hints(dataset)
    for kind in (Kind.ACTOR, Kind.DISAGREEMENT, Kind.EVENT):
        for entity in dataset.table(kind).values():
            if _may_miss(entity, missing):
                yield from _problems_of(dataset, kind, entity, hint)
    for (disagreement, actor, _), position in dataset.stray_positions.items():
        document, line = _locate_position(position)
        where = f"position of '{actor}' on '{disagreement}'"
        for path, target, ident in position_references(disagreement, position):
            if ident not in dataset.table(target):
                yield _unresolved(
                    document, line, f"{where} {path}", target, ident, hint(target, ident)
                )


def _problems_of(dataset: Dataset, kind: Kind, entity: Entity, hint: _Hints) -> Iterator[Problem]:
    """A warning for each reference of ``entity`` to an id ``dataset`` does not define."""
    for path, target, ident in references(entity):
        if ident not in dataset.table(target):
            document, line = _locate(entity)
            where = f"{kind.singular} '{entity.id}' {path}"
            if isinstance(entity, Disagreement) and path.startswith("positions["):
                # a top-level position that joined it is found where it was written
                j = int(path[len("positions[") : path.index("]")])
                position = entity.positions[j]
                if position.origin is not None:
                    document, line = position.origin.document, position.origin.line
                    rest = path[path.index("]") + 2 :]
                    where = f"position of '{position.actor}' on '{entity.id}' {rest}"
            yield _unresolved(document, line, where, target, ident, hint(target, ident))


def _locate_position(position: Position) -> tuple[str, int | None]:
    origin = position.origin
    return (origin.document, origin.line) if origin else ("?", None)


def _unresolved(
    document: str, line: int | None, where: str, target: Kind, ident: str, hint: str = ""
) -> Problem:
    return Problem(
        document,
        f"unresolved reference: no {target.singular} '{ident}' is defined in any layer{hint}",
        path=where,
        line=line,
        warning=True,
    )


class _Hints:
    """What an unresolved id was probably meant to be: the closest defined id of its kind
    ("did you mean 'osw-2013-01-23'?"), or for a source, where sources are defined. Close
    ids are looked for among at most ``LIMIT`` ids, for at most ``LIMIT`` missing ones:
    a hint must not cost a large dossier its start-up."""

    LIMIT = 5_000

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.found: dict[tuple[Kind, str], str] = {}

    def __call__(self, kind: Kind, ident: str) -> str:
        key = (kind, ident)
        hint = self.found.get(key)
        if hint is None:
            hint = self.found[key] = self._hint(kind, ident)
        return hint

    def _hint(self, kind: Kind, ident: str) -> str:
        table = self.dataset.table(kind)
        if table and len(table) <= self.LIMIT and len(self.found) < self.LIMIT:
            close = difflib.get_close_matches(ident, table.keys(), n=1, cutoff=0.6)
            if close:
                return f"; did you mean '{close[0]}'?"
        if kind is Kind.SOURCE:
            return f'; a citation names a [[sources]] table: add one with id = "{ident}"'
        return ""


def position_references(disagreement: str, position: Position) -> Iterator[tuple[str, Kind, str]]:
    """Every (field path, kind, id) a top-level position refers to."""
    yield "disagreement", Kind.DISAGREEMENT, disagreement
    yield "actor", Kind.ACTOR, position.actor
    yield from _citations(position.sources, "sources")


__all__ = ["Dataset", "Layer", "check_layer", "merge", "merge_onto", "references"]

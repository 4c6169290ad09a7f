"""The merged dataset arranged for browsing: ordered panes, search indexes and relations.

Built once per dataset, off the UI thread (it sorts, indexes and case-folds every
entity); afterwards each keystroke only intersects lists of row numbers. No Textual
here, so it can be built in a worker thread and tested on its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from rich.cells import cell_len

from ..core.merge import Dataset, Layer, load
from ..core.parsecache import ParsedCache
from ..core.model import Actor, Citation, Disagreement, Event, Position, Source
from ..core.search import (
    SearchIndex,
    actor_key,
    disagreement_key,
    event_key,
    normalise,
)

ACTORS, DISAGREEMENTS, TIMELINE = "actors", "disagreements", "timeline"
PANES = (ACTORS, DISAGREEMENTS, TIMELINE)

# The timeline heading under which every event that has not happened is listed.
NOT_YET = "Planned & expected"


@dataclass(frozen=True, slots=True)
class Ref:
    """What the dashboard can focus on or link to: one entity, or one actor's position.

    ``kind`` is ``actor``, ``disagreement``, ``event``, ``source`` or ``position``; for a
    position ``id`` is the disagreement and ``actor`` the actor holding it.
    """

    kind: str
    id: str
    actor: str | None = None


class Dossier:
    """One dataset as the dashboard shows it."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.actors: list[Actor] = sorted(
            dataset.actors.values(), key=lambda a: (normalise(a.name), a.id)
        )
        self.disagreements: list[Disagreement] = list(dataset.disagreements.values())
        self.events: list[Event] = list(dataset.timeline)
        self.row: dict[str, dict[str, int]] = {
            ACTORS: {a.id: i for i, a in enumerate(self.actors)},
            DISAGREEMENTS: {d.id: i for i, d in enumerate(self.disagreements)},
            TIMELINE: {e.id: i for i, e in enumerate(self.events)},
        }
        self.index: dict[str, SearchIndex] = {
            ACTORS: SearchIndex([actor_key(a) for a in self.actors]),
            DISAGREEMENTS: SearchIndex([disagreement_key(d) for d in self.disagreements]),
            TIMELINE: SearchIndex([event_key(e) for e in self.events]),
        }
        # Timeline headings: a group number per event, and the groups' labels.
        self.groups: list[str] = []
        self.event_group: list[int] = []
        for event in self.events:
            label = str(event.date.year) if event.is_reported else NOT_YET
            if not self.groups or self.groups[-1] != label:
                self.groups.append(label)
            self.event_group.append(len(self.groups) - 1)
        self.group_size = [0] * len(self.groups)
        for group in self.event_group:
            self.group_size[group] += 1
        self.name_width = min(40, max((cell_len(a.name) for a in self.actors), default=8))
        self.date_width = min(23, max((len(e.date.text) for e in self.events), default=10))
        self._timeline_all = self._with_headings(range(len(self.events)))
        # Warm the dataset's relation indexes here, off the UI thread.
        dataset.positions_by_actor, dataset.events_by_actor  # noqa: B018
        dataset.events_by_disagreement, dataset.members  # noqa: B018
        self.cited_by = _citing(dataset)

    # -- size and names -------------------------------------------------------------------

    def total(self, pane: str) -> int:
        return len(self.row[pane])

    def counts(self) -> dict[str, int]:
        return {
            "actors": len(self.actors),
            "disagreements": len(self.disagreements),
            "events": len(self.events),
            "sources": len(self.dataset.sources),
        }

    def entity(self, ref: Ref) -> Actor | Disagreement | Event | Source | None:
        tables: dict[str, Mapping[str, Actor | Disagreement | Event | Source]] = {
            "actor": self.dataset.actors,
            "disagreement": self.dataset.disagreements,
            "position": self.dataset.disagreements,
            "event": self.dataset.events,
            "source": self.dataset.sources,
        }
        table = tables.get(ref.kind)
        return None if table is None else table.get(ref.id)

    def exists(self, ref: Ref) -> bool:
        if ref.kind == "position":
            disagreement = self.dataset.disagreements.get(ref.id)
            return disagreement is not None and any(
                p.actor == ref.actor for p in disagreement.positions
            )
        return self.entity(ref) is not None

    def actor_name(self, ident: str) -> str:
        actor = self.dataset.actors.get(ident)
        return actor.name if actor else ident

    def label(self, ref: Ref) -> str:
        """A short name for a breadcrumb or palette entry."""
        entity = self.entity(ref)
        if ref.kind == "position":
            title = entity.title if isinstance(entity, Disagreement) else ref.id
            return f"{self.actor_name(ref.actor or '')} on {title}"
        if isinstance(entity, Actor):
            return entity.name
        if isinstance(entity, (Disagreement, Event, Source)):
            return entity.title
        return ref.id

    def ref_at(self, pane: str, row: int) -> Ref:
        if pane == ACTORS:
            return Ref("actor", self.actors[row].id)
        if pane == DISAGREEMENTS:
            return Ref("disagreement", self.disagreements[row].id)
        return Ref("event", self.events[row].id)

    def pane_of(self, ref: Ref) -> str | None:
        return {"actor": ACTORS, "disagreement": DISAGREEMENTS, "event": TIMELINE}.get(ref.kind)

    # -- relations --------------------------------------------------------------------------

    def related(self, ref: Ref) -> dict[str, set[int] | None]:
        """For each pane, the rows related to ``ref`` (None: the pane is not narrowed).

        An actor: the disagreements it holds a position on and the events it acts in or
        is targeted by. A disagreement: its parties and its events. An event: its actors,
        targets and disagreements. A source: what cites it. A position: that actor, that
        disagreement and the events in which both meet.
        """
        data = self.dataset
        actor_rows, dis_rows, event_rows = (self.row[p] for p in PANES)
        out: dict[str, set[int] | None] = dict.fromkeys(PANES)
        if ref.kind == "actor":
            out[DISAGREEMENTS] = _rows(
                dis_rows, (d.id for d, _ in data.positions_by_actor.get(ref.id, ()))
            )
            out[TIMELINE] = _rows(event_rows, (e.id for e in data.events_by_actor.get(ref.id, ())))
        elif ref.kind == "disagreement":
            disagreement = data.disagreements.get(ref.id)
            parties = disagreement.current() if disagreement else {}
            out[ACTORS] = _rows(actor_rows, parties)
            out[TIMELINE] = _rows(
                event_rows, (e.id for e in data.events_by_disagreement.get(ref.id, ()))
            )
        elif ref.kind == "event":
            event = data.events.get(ref.id)
            if event is not None:
                out[ACTORS] = _rows(actor_rows, (*event.actors, *event.targets))
                out[DISAGREEMENTS] = _rows(dis_rows, event.disagreements)
        elif ref.kind == "source":
            dis_ids, event_ids, actor_ids = self.cited_by.get(ref.id, ((), (), ()))
            out[ACTORS] = _rows(actor_rows, actor_ids)
            out[DISAGREEMENTS] = _rows(dis_rows, dis_ids)
            out[TIMELINE] = _rows(event_rows, event_ids)
        elif ref.kind == "position":
            out[ACTORS] = _rows(actor_rows, (ref.actor or "",))
            out[DISAGREEMENTS] = _rows(dis_rows, (ref.id,))
            out[TIMELINE] = _rows(
                event_rows,
                (
                    e.id
                    for e in data.events_by_actor.get(ref.actor or "", ())
                    if ref.id in e.disagreements
                ),
            )
        return out

    def visible(self, pane: str, focus: Ref | None, query: str) -> Sequence[int]:
        """The entity rows of ``pane`` shown under this focus and filter, in pane order."""
        allowed = self.related(focus)[pane] if focus is not None else None
        matched = self.index[pane].search(query) if query else None
        if allowed is None and matched is None:
            return range(self.total(pane))
        if matched is None:
            assert allowed is not None
            return sorted(allowed)
        if allowed is None:
            return matched
        return [i for i in matched if i in allowed]

    def timeline_rows(self, events: Sequence[int]) -> Sequence[int]:
        """Event rows with their year headings: heading g is the value ``-(g + 1)``."""
        if isinstance(events, range) and len(events) == len(self.events):
            return self._timeline_all
        return self._with_headings(events)

    def _with_headings(self, events: Sequence[int]) -> list[int]:
        rows: list[int] = []
        group = -1
        event_group = self.event_group
        for i in events:
            g = event_group[i]
            if g != group:
                rows.append(-(g + 1))
                group = g
            rows.append(i)
        return rows

    # -- positions --------------------------------------------------------------------------

    def positions_of(self, actor: str) -> list[tuple[Disagreement, list[Position]]]:
        """Each disagreement the actor holds a position on, with its history oldest first."""
        return [
            (d, d.history(actor))
            for d in self.disagreements
            if actor in {p.actor for p in d.positions}
        ]

    def parties(self, disagreement: Disagreement) -> list[tuple[str, list[Position]]]:
        """Each party's position history, oldest first; parties in order of first mention."""
        return [(actor, disagreement.history(actor)) for actor in disagreement.current()]


def _rows(index: dict[str, int], ids) -> set[int]:
    return {index[i] for i in ids if i in index}


def _cited_sources(citations: tuple[Citation, ...]) -> set[str]:
    return {c.source for c in citations}


def _citing(
    dataset: Dataset,
) -> dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    """For each source id: the disagreements, events and position holders citing it."""
    disagreements: dict[str, list[str]] = defaultdict(list)
    events: dict[str, list[str]] = defaultdict(list)
    actors: dict[str, list[str]] = defaultdict(list)
    for disagreement in dataset.disagreements.values():
        cited = _cited_sources(disagreement.sources)
        for position in disagreement.positions:
            for source in _cited_sources(position.sources):
                cited.add(source)
                actors[source].append(position.actor)
        for source in cited:
            disagreements[source].append(disagreement.id)
    for event in dataset.events.values():
        for source in _cited_sources(event.sources):
            events[source].append(event.id)
    keys = set(disagreements) | set(events) | set(actors)
    return {
        k: (tuple(disagreements[k]), tuple(events[k]), tuple(dict.fromkeys(actors[k])))
        for k in keys
    }


def read_dossier(
    paths: Sequence[Path],
    extra_layers: Sequence[Layer] = (),
    cache: ParsedCache | None = None,
) -> Dossier:
    """Read and merge the data paths (and any feed layers), and arrange them for browsing.

    Slow for a large dossier: the app calls it in a worker thread.
    """
    return Dossier(load(paths, extra_layers, cache))

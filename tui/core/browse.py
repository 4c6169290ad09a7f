"""The merged dataset arranged for browsing: ordered panes, search indexes and relations.

Built once per dataset, off the UI thread (it sorts, indexes and case-folds every
entity); afterwards each keystroke only intersects lists of row numbers. Part of the
core (no Textual, no Rich), so it can be built in a worker thread and tested on its own;
the one thing measured as the screen draws it, the width of actor names, is measured
by the function the dashboard passes in (``measure``).
"""

from __future__ import annotations

import copy
import datetime
import heapq
import threading
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import compress, islice
from operator import attrgetter, is_not, not_
from pathlib import Path
from typing import Any, overload

from .activity import MonthIndex
from .changes import (
    ADDED,
    CHANGED,
    CHANGED_MARK,
    NEW_MARK,
    REMOVED,
    Change,
    Changes,
    UnseenChanges,
    compare,
    differing_fields,
)
from .dates import EDate
from .gcpause import STEP, collect_young, old_dicts, old_lists, release_free_memory
from .loading import read_layer
from .merge import INCREMENTAL_SHARE, Dataset, Layer, actors_of, merge, merge_onto
from .model import Actor, Citation, Disagreement, Event, Kind, Origin, Position, Source
from .movement import Move, as_of_day, dataset_as_of, moves
from .notes import Notes, matching
from .parsecache import ParsedCache
from .period import Period, Spans
from .schema import MAX_DOCUMENT_SIZE
from .search import (
    SearchIndex,
    actor_key,
    disagreement_key,
    event_key,
    normalise,
)
from .search import terms as query_terms
from .text import counted

# The lists the dashboard shows, one per kind of entity, in their order on screen (the
# events' pane is the timeline). A pane is named by its Kind everywhere, its widget id too.
PANES = (Kind.ACTOR, Kind.DISAGREEMENT, Kind.EVENT)

# The timeline heading under which every event that has not happened is listed.
NOT_YET = "Planned & expected"


@dataclass(frozen=True, slots=True)
class Ref:
    """What the dashboard can focus on or link to: one entity, or one actor's position.

    A position is a disagreement's ``Ref`` with ``actor``, the actor holding it.
    """

    kind: Kind
    id: str
    actor: str | None = None

    @property
    def is_position(self) -> bool:
        return self.actor is not None

    @property
    def noun(self) -> str:
        """``actor``, ``disagreement``, ``event``, ``source`` or ``position``."""
        return "position" if self.is_position else self.kind.singular


# Source id -> the disagreements, events and position holders citing it.
# The events part is a list: the one built in steps (``_patched``), not a tuple of it,
# which at a million events was a million more references for a young collection.
Citing = dict[str, tuple[tuple[str, ...], list[str], tuple[str, ...]]]


class Arranged:
    """One dataset arranged for browsing, as the dashboard shows it."""

    def __init__(
        self,
        dataset: Dataset,
        *,
        defer: bool = False,
        measure: Callable[[str], int] = len,
        date_widths: Counter[int] | None = None,
    ) -> None:
        """Arrange ``dataset``. With ``defer``, only what the first frame needs (order,
        rows, headings); the search and relation indexes wait for ``complete()``, which
        the app runs in a worker once that frame is drawn, and which anything needing
        them calls (and waits for) first. ``measure``: the cells a name takes on screen
        (the dashboard's, ``glyphs.cells``), for the width of the actors' name column.
        ``date_widths``: how many events' dates take each width, when known (``after``)."""
        self.dataset = dataset
        self.actors: list[Actor] = sorted(
            dataset.actors.values(), key=lambda a: (normalise(a.name), a.id)
        )
        self.disagreements: list[Disagreement] = list(dataset.disagreements.values())
        # The dataset's own timeline, not a copy: neither changes once built, and at a
        # million events every list of them is a million references more for each pass
        # of the cyclic collector.
        self.events: list[Event] = dataset.timeline
        # Timeline headings: the groups' labels, and where each group's run of events
        # starts: group g holds the events from group_start[g] up to group_start[g + 1].
        self.groups, self.group_start = _year_groups(self.events)
        # As drawn (measure): "👨‍👩‍👧" is 2 cells to Rich, 6 on screen.
        self.name_width = min(40, max(map(measure, (a.name for a in self.actors)), default=8))
        # How many dates take each width (so that a refresh can update it: ``after``).
        self.date_widths = _date_widths(self.events) if date_widths is None else date_widths
        self.date_width = min(23, max(self.date_widths, default=10))
        self._timeline_all = TimelineRows(range(len(self.events)), self.group_start)
        # Unseen changes, per pane: entity row -> NEW_MARK or CHANGED_MARK (see set_marks).
        self.marks: dict[Kind, dict[int, str]] = {pane: {} for pane in PANES}
        # The analyst's private notes by kind and id (notes.py): the detail shows them
        # and the filter finds them.
        self.notes: Notes = {}
        # Watched entities' rows, per pane (see set_pins): drawn with alerts.PIN_MARK.
        self.pins: dict[Kind, frozenset[int]] = {pane: frozenset() for pane in PANES}
        # What this session's refreshes changed, for the detail pane and the changes view.
        self.log: ChangeLog = ChangeLog()
        self._row: dict[Kind, dict[str, int]] | None = None
        self._index: dict[Kind, SearchIndex] | None = None
        self._cited_by: Citing | None = None
        self._event_ids: list[str] | None = None  # see event_ids
        self._completing = threading.Lock()
        # Time travel and movement (movement.py): the date the view stands at (None: now)
        # and the last day it covers, and the stances that moved since ``since``, by
        # (disagreement, actor). Set by ``viewed``.
        self.as_of: EDate | None = None
        self.as_of_day: datetime.date | None = None
        self.since: EDate | None = None
        self.moved: dict[tuple[str, str], Move] = {}
        if not defer:
            self.complete()

    @classmethod
    def after(
        cls,
        previous: Arranged,
        dataset: Dataset,
        touched: Mapping[Kind, set[str]],
        measure: Callable[[str], int] = len,
    ) -> Arranged:
        """``Arranged(dataset)``, built from ``previous`` (completed, as of now) for a
        dataset that holds ``previous.dataset``'s very entity objects but for the
        ``touched`` ids (``merge.merge_onto``). Equal to arranging afresh, at a cost in
        Python proportional to the touched events and to the events of the actors,
        disagreements and sources they name; the rest is copied in C, in steps.

        The timeline is the previous one with the touched events taken out and their new
        versions put in where they sort: runs of previous rows and new events (the
        ``pieces``). Every per-row index (search keys, months, date spans) is spliced
        from the same pieces, the relation indexes are patched for the actors,
        disagreements and sources the touched events name, and the small panes (actors,
        disagreements) are arranged afresh.

        The events' joined search text of ``previous`` is let go first (its searches
        test the keys meanwhile, with the same answers) and the new one is not written
        here: ``complete()`` writes it once the new view is shown (``needs_completing``).
        So no second text is built beside the one shown, nor the other new indexes
        beside the old text (16 MB each at 100,000 events, 160 MB at a million)."""
        shown = previous.index[Kind.EVENT]
        shown.release()
        try:
            return cls._after(previous, dataset, touched, measure)
        except BaseException:
            shown.encode()  # the view shown stays as it was
            raise

    @classmethod
    def _after(
        cls,
        previous: Arranged,
        dataset: Dataset,
        touched: Mapping[Kind, set[str]],
        measure: Callable[[str], int],
    ) -> Arranged:
        ids = touched.get(Kind.EVENT, set())
        old = previous.dataset
        gone = [old.events[i] for i in ids if i in old.events]
        fresh = sorted((dataset.events[i] for i in ids if i in dataset.events), key=_timeline_key)
        pieces = _pieces(previous.events, previous.row[Kind.EVENT], gone, fresh)
        # The timeline and the ids in lists made old first: no young collection walks
        # their million references (30-50 ms each, holding the interpreter).
        timeline, order = old_lists(2)
        vars(dataset)["timeline"] = _spliced(previous.events, pieces, into=timeline)
        collect_young()  # each big container on its own (see collect_young)
        widths = previous.date_widths.copy()
        widths.subtract(len(e.date.text) for e in gone)
        widths.update(len(e.date.text) for e in fresh)
        arranged = cls(dataset, defer=True, measure=measure, date_widths=+widths)
        # The rows: the previous ones, copied in C (no dict to grow: a growing dict's
        # last resize rehashes it all in one call), the gone removed and every row from
        # the first that moved set again, in steps, from the ids in timeline order
        # (spliced in C from the previous ones: no event is looked at, which at a
        # million events was most of the cost).
        arranged._event_ids = _spliced(previous.event_ids, pieces, _get_id, into=order)
        row = previous.row[Kind.EVENT].copy()
        for event in gone:
            del row[event.id]
        head = pieces[0] if pieces else None  # old rows that kept their places
        first = head.stop if isinstance(head, range) and head.start == 0 else 0
        for start in range(first, len(order), STEP):
            part = order[start : start + STEP]
            row.update(zip(part, _numbers(start, start + len(part)), strict=True))
        arranged._row = {
            Kind.ACTOR: _row_of(arranged.actors),
            Kind.DISAGREEMENT: _row_of(arranged.disagreements),
            Kind.EVENT: row,
        }
        # One young collection per big container built, each on its own: together they
        # held the interpreter 93-115 ms at a million events (bench/run.py, BENCH_GC_TRACE).
        collect_young()
        cached = vars(dataset)
        cached["events_by_actor"] = _patched(old.events_by_actor, gone, fresh, ids, actors_of, row)
        collect_young()
        cached["events_by_disagreement"] = _patched(
            old.events_by_disagreement, gone, fresh, ids, _disagreements_of, row
        )
        collect_young()
        dataset.positions_by_actor, dataset.members  # noqa: B018 - few: afresh
        arranged._cited_by = _citing_after(previous, dataset, gone, fresh, ids, row)
        collect_young()
        mine = vars(arranged)
        mine["months"] = previous.months.spliced(pieces)
        mine["spans"] = previous.spans.spliced(pieces)
        # The event keys: the previous index's keys in runs, the fresh events' keys
        # between them (SearchIndex.spliced: their joined text is written by complete()).
        runs = [p if isinstance(p, range) else list(map(event_key, p)) for p in pieces]
        arranged._index = {
            Kind.ACTOR: SearchIndex([actor_key(a) for a in arranged.actors]),
            Kind.DISAGREEMENT: SearchIndex([disagreement_key(d) for d in arranged.disagreements]),
            Kind.EVENT: SearchIndex.spliced(previous.index[Kind.EVENT], runs),
        }
        collect_young()
        return arranged

    def arranges(self, dataset: Dataset) -> bool:
        """Whether this is ``dataset`` arranged as of now, every index built: what
        ``after`` can arrange a newer dataset from."""
        return self.dataset is dataset and self.completed and self.as_of is None

    def viewed(self, as_of: EDate | None, since: EDate | None) -> Arranged:
        """This view as of ``as_of`` (None: now), with the moves since ``since`` (until
        ``as_of``). Now, it is this view itself; as of a date, a copy sharing the order,
        rows, indexes and marks, whose disagreements hold only the positions taken by then
        (so every tally, stance, matrix cell and history is that of the day). A few
        milliseconds at the bench's 2,000 actors: no event is looked at."""
        view = self
        if as_of is not None:
            view = copy.copy(self)
            view.dataset = dataset_as_of(self.dataset, as_of)
            table = view.dataset.disagreements
            view.disagreements = [table[d.id] for d in self.disagreements]
            view.as_of_day = as_of_day(as_of)
        view.as_of = as_of
        view.since = since
        view.moved = moves(self.dataset, since, as_of) if since is not None else {}
        return view

    def is_later(self, event: Event) -> bool:
        """Whether ``event`` is reported as happening after the day the view is as of (so
        had not happened then). Planned and expected events are not: they are shown as
        they were expected."""
        return (
            self.as_of_day is not None
            and event.date.earliest > self.as_of_day
            and event.is_reported
        )

    def complete(self, *, text: bool = True) -> None:
        """Build the search indexes, the dataset's relation indexes and the citation
        index, once; a second caller (another thread) waits for the first. With
        ``text``, also write the events' joined search text if it is not (a view built
        by ``after``): without it, every search tests the keys alone."""
        if not (self.needs_completing if text else self._index is None):
            return
        with self._completing:
            if self._index is not None:
                if text and not self._index[Kind.EVENT].encoded:
                    # Once shown, the view this one replaced is freed, but the allocator
                    # keeps its pages: given back first, so that the text does not come
                    # on top of them (+16 MB at the 100,000 events' peak).
                    release_free_memory()
                    self._index[Kind.EVENT].encode()
                return
            dataset = self.dataset
            self.row  # noqa: B018
            dataset.positions_by_actor, dataset.events_by_actor  # noqa: B018
            dataset.events_by_disagreement, dataset.members  # noqa: B018
            self._cited_by = _citing(dataset, self.events)
            self.months, self.spans  # noqa: B018 - the timeline's activity and date range
            self._index = {
                Kind.ACTOR: SearchIndex([actor_key(a) for a in self.actors]),
                Kind.DISAGREEMENT: SearchIndex([disagreement_key(d) for d in self.disagreements]),
                Kind.EVENT: SearchIndex([event_key(e) for e in self.events]),
            }

    @property
    def row(self) -> dict[Kind, dict[str, int]]:
        """For each pane, entity id -> its row (built on first use, or by ``complete()``)."""
        row = self._row
        if row is None:
            row = self._row = {
                Kind.ACTOR: _row_of(self.actors),
                Kind.DISAGREEMENT: _row_of(self.disagreements),
                Kind.EVENT: _row_of(self.events),
            }
        return row

    @property
    def event_ids(self) -> list[str]:
        """The events' ids in timeline order (built on first use, in steps, by the first
        refresh's ``after``, which splices them; in a list made old first, which no young
        collection walks: 25 ms at a million events)."""
        ids = self._event_ids
        if ids is None:
            (ids,) = old_lists(1)
            for start in range(0, len(self.events), STEP):
                ids += map(_get_id, self.events[start : start + STEP])
            self._event_ids = ids
        return ids

    @cached_property
    def months(self) -> MonthIndex:
        """Each event's month and cooperation/conflict half, for activity sparklines."""
        return MonthIndex(self.events)

    @cached_property
    def spans(self) -> Spans:
        """Each event's first and last possible day, for the timeline's date range."""
        return Spans(self.events)

    @property
    def completed(self) -> bool:
        """Whether the indexes are built (every search and relation answers at once)."""
        return self._index is not None

    @property
    def needs_completing(self) -> bool:
        """Whether ``complete()`` has work left: indexes to build, or the events' search
        text to write (a view built by ``after``, written once it is shown)."""
        index = self._index
        return index is None or not index[Kind.EVENT].encoded

    @property
    def index(self) -> dict[Kind, SearchIndex]:
        """Each pane's search index (built by ``complete()`` if it has not been yet)."""
        if self._index is None:
            self.complete()
        assert self._index is not None
        return self._index

    @property
    def cited_by(self) -> Citing:
        """Source id -> the disagreements, events and actors citing it."""
        if self._cited_by is None or self._index is None:
            self.complete()
        assert self._cited_by is not None
        return self._cited_by

    # -- marks ------------------------------------------------------------------------------

    def set_marks(self, unseen: UnseenChanges) -> None:
        """Mark the rows of every entity ``unseen`` still holds (cheap: unseen ones only)."""
        marks: dict[Kind, dict[int, str]] = {pane: {} for pane in PANES}
        for kind, ident in unseen:
            row = self.row[kind].get(ident) if kind in marks else None
            if row is not None:
                new = unseen.mark(kind, ident) == UnseenChanges.NEW
                marks[kind][row] = NEW_MARK if new else CHANGED_MARK
        self.marks = marks

    def set_pins(self, watched: Mapping[Kind, Iterable[str]]) -> None:
        """Note the rows of the watched entities (ids by kind), for the pin mark."""
        self.pins = {
            pane: frozenset(self.row[pane][i] for i in watched.get(pane, ()) if i in self.row[pane])
            for pane in PANES
        }

    def unmark(self, ref: Ref) -> Kind | None:
        """Drop the mark of ``ref``'s row (a position's: its disagreement's); the pane
        whose rows changed, if any."""
        pane = ref.kind
        if pane not in self.marks:
            return None
        row = self.row[pane].get(ref.id)
        if row is None or self.marks[pane].pop(row, None) is None:
            return None
        return pane

    # -- size and names -------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Actors, disagreements and events together: the rows the panes can show."""
        return len(self.actors) + len(self.disagreements) + len(self.events)

    def total(self, pane: Kind) -> int:
        return len(
            self.actors
            if pane is Kind.ACTOR
            else self.disagreements
            if pane is Kind.DISAGREEMENT
            else self.events
        )

    def counts(self) -> dict[str, int]:
        return {
            "actors": len(self.actors),
            "disagreements": len(self.disagreements),
            "events": len(self.events),
            "sources": len(self.dataset.sources),
        }

    def entity(self, ref: Ref) -> Actor | Disagreement | Event | Source | None:
        return self.dataset.table(ref.kind).get(ref.id)

    def exists(self, ref: Ref) -> bool:
        if ref.is_position:
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
        if ref.is_position:
            title = entity.title if isinstance(entity, Disagreement) else ref.id
            return f"{self.actor_name(ref.actor or '')} on {title}"
        if isinstance(entity, Actor):
            return entity.name
        if isinstance(entity, (Disagreement, Event, Source)):
            return entity.title
        return ref.id

    def ref_at(self, pane: Kind, row: int) -> Ref:
        if pane is Kind.ACTOR:
            return Ref(pane, self.actors[row].id)
        if pane is Kind.DISAGREEMENT:
            return Ref(pane, self.disagreements[row].id)
        return Ref(Kind.EVENT, self.events[row].id)

    def pane_of(self, ref: Ref) -> Kind | None:
        """The pane listing ``ref`` itself (none for a source or a position)."""
        return ref.kind if ref.kind in PANES and not ref.is_position else None

    # -- relations --------------------------------------------------------------------------

    def related(self, ref: Ref) -> dict[Kind, set[int] | None]:
        """For each pane, the rows related to ``ref`` (None: the pane is not narrowed).

        An actor: the disagreements it holds a position on and the events it acts in or
        is targeted by. A disagreement: its parties and its events. An event: its actors,
        targets and disagreements. A source: what cites it. A position: that actor, that
        disagreement and the events in which both meet.
        """
        data = self.dataset
        actor_rows, dis_rows, event_rows = (self.row[p] for p in PANES)
        out: dict[Kind, set[int] | None] = dict.fromkeys(PANES)
        if ref.is_position:
            out[Kind.ACTOR] = _rows(actor_rows, (ref.actor or "",))
            out[Kind.DISAGREEMENT] = _rows(dis_rows, (ref.id,))
            out[Kind.EVENT] = _rows(
                event_rows,
                (
                    e.id
                    for e in data.events_by_actor.get(ref.actor or "", ())
                    if ref.id in e.disagreements
                ),
            )
        elif ref.kind is Kind.ACTOR:
            out[Kind.DISAGREEMENT] = _rows(
                dis_rows, (d.id for d, _ in data.positions_by_actor.get(ref.id, ()))
            )
            out[Kind.EVENT] = _rows(
                event_rows, (e.id for e in data.events_by_actor.get(ref.id, ()))
            )
        elif ref.kind is Kind.DISAGREEMENT:
            disagreement = data.disagreements.get(ref.id)
            parties = disagreement.current() if disagreement else {}
            out[Kind.ACTOR] = _rows(actor_rows, parties)
            out[Kind.EVENT] = _rows(
                event_rows, (e.id for e in data.events_by_disagreement.get(ref.id, ()))
            )
        elif ref.kind is Kind.EVENT:
            event = data.events.get(ref.id)
            if event is not None:
                out[Kind.ACTOR] = _rows(actor_rows, (*event.actors, *event.targets))
                out[Kind.DISAGREEMENT] = _rows(dis_rows, event.disagreements)
        elif ref.kind is Kind.SOURCE:
            dis_ids, event_ids, actor_ids = self.cited_by.get(ref.id, ((), (), ()))
            out[Kind.ACTOR] = _rows(actor_rows, actor_ids)
            out[Kind.DISAGREEMENT] = _rows(dis_rows, dis_ids)
            out[Kind.EVENT] = _rows(event_rows, event_ids)
        return out

    def visible(
        self,
        pane: Kind,
        focus: Ref | None,
        query: str,
        stop: Callable[[], bool] | None = None,
    ) -> Sequence[int]:
        """The entity rows of ``pane`` shown under this focus and filter, in pane order."""
        matched = self.index[pane].search(query, stop) if query else None
        return self._allowed(pane, focus, query, matched, self.total(pane))

    def visible_start(
        self,
        pane: Kind,
        focus: Ref | None,
        query: str,
        period: Period | None,
        want: int,
        budget: int,
        fill: int | None = None,
    ) -> tuple[Sequence[int], bool]:
        """The first rows of ``visible(pane, focus, query)`` (in the timeline's ``period``,
        for events), and whether they are all of them: the search stops at ``want``
        matches or after looking at ``budget`` rows, and looks at ``budget`` more (twice
        at most) while fewer than ``fill`` (default ``want``) are shown. What a keystroke
        shows at once on a large dossier, before the whole answer (the counts, the
        scrollbar) is worked out."""
        index = self.index[pane]
        fill = want if fill is None else fill
        for _ in range(3):
            start = index.search_start(query, want, budget)
            if start is None:
                shown = self.visible(pane, focus, query)
                return (shown if period is None else self.in_period(shown, period)), True
            matched, complete = start
            # Rows up to the last match are decided; what the notes add past it is not yet.
            decided = self.total(pane) if complete else (matched[-1] + 1 if matched else 0)
            shown = self._allowed(pane, focus, query, matched, decided)
            if period is not None:
                shown = self.in_period(shown, period)
            if complete or len(shown) >= fill:
                break
            want = len(matched) + want  # as many more
        return shown, complete

    def _allowed(
        self, pane: Kind, focus: Ref | None, query: str, matched: list[int] | None, decided: int
    ) -> Sequence[int]:
        """``matched`` (None: every row) with what the analyst's notes match (below row
        ``decided``), narrowed to the rows related to the focus."""
        allowed = self.related(focus)[pane] if focus is not None else None
        noted = self.notes.get(pane) if matched is not None else None
        if noted:  # and what the analyst's notes say
            extra = _rows(self.row[pane], matching(noted, query)).difference(matched or ())
            extra = {row for row in extra if row < decided}
            if extra:
                matched = sorted([*(matched or ()), *extra])
        if allowed is None and matched is None:
            return range(self.total(pane))
        if matched is None:
            assert allowed is not None
            return sorted(allowed)
        if allowed is None:
            return matched
        return [i for i in matched if i in allowed]

    def in_period(self, events: Sequence[int], period: Period) -> Sequence[int]:
        """Of ascending event rows, those in the timeline's date range ``period``."""
        if period.is_open:
            return events
        whole = isinstance(events, range) and len(events) == len(self.events)
        return self.spans.within(period, None if whole else events)

    def best_row(self, pane: Kind, rows: Sequence[int], query: str, limit: int = 500) -> int | None:
        """The first of ``rows`` whose name (or alias, title or id) matches every word of
        ``query``; None when none of the first ``limit`` does.

        The filter also matches summaries, so "nazar" shows the Eurasian Union (its
        summary names Nazarbayev) above Nursultan Nazarbayev himself; the cursor belongs
        on the row the analyst was naming. Only the first rows are looked at, so this
        costs microseconds at any size.
        """
        words = query_terms(query)
        if not words:
            return None
        for count, row in enumerate(rows):
            if count >= limit:
                break
            if row < 0:  # a timeline heading
                continue
            head = normalise(" ".join(self._names(pane, row)))
            if all(word in head for word in words):
                return row
        return None

    def _names(self, pane: Kind, row: int) -> tuple[str, ...]:
        if pane is Kind.ACTOR:
            actor = self.actors[row]
            return (actor.name, *actor.aliases, actor.id)
        entity = self.disagreements[row] if pane is Kind.DISAGREEMENT else self.events[row]
        return (entity.title, entity.id)

    def timeline_rows(self, events: Sequence[int]) -> Sequence[int]:
        """Event rows with their year headings: heading g is the value ``-(g + 1)``.

        ``events`` must be ascending. The answer is a view, built in time proportional
        to the number of headings, not of events: a filter keystroke at 100,000 events
        does not walk them all again.
        """
        if isinstance(events, range) and len(events) == len(self.events):
            return self._timeline_all
        return TimelineRows(events, self.group_start)

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


class TimelineRows(Sequence[int]):
    """Ascending event rows interleaved with the headings of their groups, as a view.

    Position p holds either a heading, ``-(g + 1)`` for group g, or an event row. Each
    non-empty group takes one heading position followed by its events' positions.
    Indexing and ``index`` cost a binary search over the groups.
    """

    __slots__ = ("_events", "_first", "_groups", "_heading_at", "_len")

    def __init__(self, events: Sequence[int], group_start: Sequence[int]) -> None:
        self._events = events
        groups: list[int] = []  # the non-empty groups, in order
        heading_at: list[int] = []  # the position of each one's heading
        first: list[int] = []  # the index in events of each one's first event
        position = 0
        lo = 0
        n = len(events)
        for g in range(len(group_start) - 1):
            if lo >= n:
                break
            hi = bisect_left(events, group_start[g + 1], lo)
            if hi > lo:
                groups.append(g)
                heading_at.append(position)
                first.append(lo)
                position += 1 + hi - lo
                lo = hi
        self._groups = groups
        self._heading_at = heading_at
        self._first = first
        self._len = position

    def __len__(self) -> int:
        return self._len

    @property
    def events(self) -> Sequence[int]:
        """The event rows alone, ascending."""
        return self._events

    @property
    def event_count(self) -> int:
        """How many of the rows are events (the rest are headings)."""
        return len(self._events)

    @overload
    def __getitem__(self, position: int) -> int: ...
    @overload
    def __getitem__(self, position: slice) -> list[int]: ...
    def __getitem__(self, position: int | slice) -> int | list[int]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(self._len))]
        if position < 0:
            position += self._len
        if not 0 <= position < self._len:
            raise IndexError("timeline row out of range")
        k = bisect_right(self._heading_at, position) - 1
        offset = position - self._heading_at[k]
        if offset == 0:
            return -(self._groups[k] + 1)
        return self._events[self._first[k] + offset - 1]

    def __iter__(self) -> Iterator[int]:
        events = self._events
        ends = [*self._first[1:], len(events)]
        for g, lo, hi in zip(self._groups, self._first, ends, strict=False):
            yield -(g + 1)
            yield from events[lo:hi]

    def index(self, value: int, start: int = 0, stop: int | None = None) -> int:
        if value < 0:
            k = bisect_left(self._groups, -value - 1)
            if k >= len(self._groups) or self._groups[k] != -value - 1:
                raise ValueError(f"{value} is not a shown heading")
            position = self._heading_at[k]
        else:
            at = bisect_left(self._events, value)
            if at >= len(self._events) or self._events[at] != value:
                raise ValueError(f"{value} is not a shown event")
            k = bisect_right(self._first, at) - 1
            position = self._heading_at[k] + 1 + at - self._first[k]
        if position < start or (stop is not None and position >= stop):
            raise ValueError(f"{value} is not in the range looked at")
        return position

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, int):
            return False
        try:
            self.index(value)
        except ValueError:
            return False
        return True

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, (str, bytes)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    # Equal to any sequence of the same rows, so not hashable (as list); typeshed types
    # __hash__ as a method, hence the ignore.
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<TimelineRows: {len(self._events)} events under {len(self._groups)} headings>"


_get_id = attrgetter("id")
_get_date_text = attrgetter("date.text")
_get_earliest_day = attrgetter("date.earliest")


# Row numbers as int objects shared by every row index (see _numbers): a tuple of ints,
# which the collector stops tracking after one look, replaced whole when it grows.
_NUMBERS: list[tuple[int, ...]] = [()]
_NUMBERS_GROWING = threading.Lock()


def _numbers(start: int, stop: int) -> tuple[int, ...]:
    """The ints ``start`` up to ``stop``, as the same objects every time: each row index
    of a million events would otherwise hold a million ints of its own, all freed at
    once (tens of ms holding the interpreter) when a refresh replaces it."""
    numbers = _NUMBERS[0]
    if stop > len(numbers):
        with _NUMBERS_GROWING:
            grown = list(_NUMBERS[0])
            while len(grown) < max(stop, 2 * len(numbers)):  # in steps
                grown.extend(range(len(grown), len(grown) + STEP))
            numbers = _NUMBERS[0] = tuple(grown)
    return numbers[start:stop]


def _row_of(entities: Sequence[Actor | Disagreement | Event]) -> dict[str, int]:
    """Entity id -> its row, built in C, ``STEP`` rows at a time."""
    row: dict[str, int] = {}
    for start in range(0, len(entities), STEP):
        part = entities[start : start + STEP]
        row.update(zip(map(_get_id, part), _numbers(start, start + len(part)), strict=True))
    return row


def _date_widths(events: Sequence[Event]) -> Counter[int]:
    """How many of ``events`` have a date text of each length, counted in C, ``STEP`` at
    a time."""
    widths: Counter[int] = Counter()
    for start in range(0, len(events), STEP):
        widths.update(map(len, map(_get_date_text, events[start : start + STEP])))
    return widths


def _year_groups(events: Sequence[Event]) -> tuple[list[str], list[int]]:
    """The timeline's headings and where each one's events start (plus the end).

    The timeline holds reported events by their earliest day, then every other event
    (``Dataset.timeline``), so each year's events are one run, found by binary search:
    a few Python steps per heading rather than one per event.
    """
    n = len(events)
    reported = bisect_left(events, True, key=_is_not_reported)
    labels: list[str] = []
    starts: list[int] = []
    lo = 0
    while lo < reported:
        year = events[lo].date.earliest.year
        after = datetime.date(year + 1, 1, 1) if year < datetime.MAXYEAR else None
        hi = (
            reported
            if after is None
            else bisect_left(events, after, lo, reported, key=_get_earliest_day)
        )
        labels.append(f"{year:04d}")  # as dates are written: 0001, not 1
        starts.append(lo)
        lo = hi
    if reported < n:
        labels.append(NOT_YET)
        starts.append(reported)
    starts.append(n)
    return labels, starts


def _is_not_reported(event: Event) -> bool:
    return not event.is_reported


def _rows(index: dict[str, int], ids: Iterable[str]) -> set[int]:
    return {index[i] for i in ids if i in index}


def _cited_sources(citations: tuple[Citation, ...]) -> set[str]:
    return {c.source for c in citations}


def _citing(dataset: Dataset, timeline: Sequence[Event]) -> Citing:
    """For each source id: the disagreements, events (in timeline order) and position
    holders citing it."""
    events: dict[str, list[str]] = defaultdict(list)
    for event in timeline:
        for source in _cited_sources(event.sources):
            events[source].append(event.id)
    return _citing_with(dataset, events)


def _citing_with(dataset: Dataset, events: Mapping[str, Sequence[str]]) -> Citing:
    """``_citing``, given the events citing each source (the disagreements are few)."""
    disagreements, actors = _cited_by_disagreements(dataset)
    keys = set(disagreements) | set(events) | set(actors)
    return {
        k: (tuple(disagreements[k]), list(events.get(k, ())), tuple(dict.fromkeys(actors[k])))
        for k in keys
    }


def _cited_by_disagreements(dataset: Dataset) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """For each source id, the disagreements and the position holders citing it."""
    disagreements: dict[str, list[str]] = defaultdict(list)
    actors: dict[str, list[str]] = defaultdict(list)
    for disagreement in dataset.disagreements.values():
        cited = _cited_sources(disagreement.sources)
        for position in disagreement.positions:
            for source in _cited_sources(position.sources):
                cited.add(source)
                actors[source].append(position.actor)
        for source in cited:
            disagreements[source].append(disagreement.id)
    return disagreements, actors


def _citing_after(
    previous: Arranged,
    dataset: Dataset,
    gone: Sequence[Event],
    fresh: Sequence[Event],
    ids: set[str],
    row: Mapping[str, int],
) -> Citing:
    """``_citing(dataset, ...)`` for ``Arranged.after``: ``previous``'s index, copied in C
    into a dict made old first, with only the entries of the sources the touched events
    cite, or a disagreement or position cites (now or before: they are few), made
    again. Every other source keeps the very tuples it had: made afresh, a tuple of
    tuples per source was a young collection's walk of several hundred thousand
    objects at a million events (60-80 ms holding the interpreter)."""
    before = previous.cited_by
    named = {s for event in (*gone, *fresh) for s in _sources_of(event)}
    events = _patched(
        {s: before[s][1] for s in named if s in before and before[s][1]},
        gone, fresh, ids, _sources_of, row, as_ids=True,
    )  # fmt: skip
    disagreements, actors = _cited_by_disagreements(dataset)
    was_disagreements, was_actors = _cited_by_disagreements(previous.dataset)
    (citing,) = old_dicts(1)
    citing.update(before)
    redo = (
        named | disagreements.keys() | actors.keys() | was_disagreements.keys() | was_actors.keys()
    )
    for k in redo:
        cited = events.get(k, []) if k in named else before.get(k, ((), [], ()))[1]
        if k in disagreements or cited or k in actors:
            citing[k] = (
                tuple(disagreements.get(k, ())),
                cited,  # (made afresh by _patched, or the very list before)
                tuple(dict.fromkeys(actors.get(k, ()))),
            )
        else:
            citing.pop(k, None)
    return citing


def read_arranged(
    paths: Sequence[Path],
    extra_layers: Sequence[Layer] | Callable[[], Sequence[Layer]] = (),
    cache: ParsedCache | None = None,
    *,
    progress: Callable[[str], None] | None = None,
    defer: bool = False,
    max_size: int = MAX_DOCUMENT_SIZE,
    measure: Callable[[str], int] = len,
) -> Arranged:
    """Read and merge the data paths (and any feed layers), and arrange them for browsing.

    Slow for a large dossier: the app calls it in a worker thread. ``progress`` hears
    what is being done ("reading data/x.toml (3 of 5)"); ``extra_layers`` may be a
    function, called once the local paths are read (the feed client's cached copies).
    ``defer``: leave the indexes for ``Arranged.complete()``. ``max_size``: the largest
    local document read (``data.max_size``). ``measure``: as for ``Arranged``.
    """
    say = progress or (lambda text: None)
    layers: list[Layer] = []
    for number, path in enumerate(paths, 1):
        say(f"reading {path} ({number} of {len(paths)})")
        layers.append(read_layer(path, cache, max_size))
    extra = list(extra_layers() if callable(extra_layers) else extra_layers)
    say(f"merging {counted(len(layers) + len(extra), 'layer')}")
    dataset = merge([*layers, *extra])
    say("arranging for browsing")
    return Arranged(dataset, defer=defer, measure=measure)


def remerge(
    before: Dataset,
    feed_layers: Sequence[Layer],
    measure: Callable[[str], int] = len,
    previous: Arranged | None = None,
) -> tuple[Arranged, Changes]:
    """The local layers already read, with new feed layers, merged and arranged; and what
    differs from ``before`` (``relayer`` with the local layers of ``before``)."""
    local = [layer for layer in before.layers if not layer.is_feed]
    return relayer(before, [*local, *feed_layers], measure, previous)


def relayer(
    before: Dataset,
    layers: Sequence[Layer],
    measure: Callable[[str], int] = len,
    previous: Arranged | None = None,
) -> tuple[Arranged, Changes]:
    """``layers`` (those of ``before``, some replaced: a feed's new copy, a data file read
    again after a save) merged and arranged; and what differs from ``before``. Slow for a
    large dossier: the app calls it in a worker thread.

    Only entities some replaced layer (its old version or its new) defines can differ:
    the other layers are the very objects read before. So only those are compared, and
    the timeline is the previous one with the new and replaced events merged in. Both
    keep the work in Python-level loops proportional to what was replaced, rather than
    C-level sorts of the whole dossier that hold the GIL (and so the UI thread) for
    hundreds of ms.

    With ``previous``, the arranged ``before`` as shown (its indexes built), a small
    tail of replaced layers (a feed's new copy) is merged onto ``before`` rather than
    afresh (``merge_onto``) and arranged from ``previous`` (``Arranged.after``): at a
    million events, a 10,000-event feed costs a fraction of a second rather than ten.
    A large layer replaced (a data file read again after a save) is merged afresh, but
    when the merge holds mostly the very objects ``before`` does (``loading.Unchanged``
    keeps them), only the others are compared and it too is arranged from ``previous``:
    no second arrangement of the whole dossier is built beside the one shown.
    Either way the result is exactly what merging and arranging ``layers`` gives.
    ``previous``'s search text is let go first (``Arranged.after``), and written again
    if this fails.
    """
    # The shown view's search text is let go at once (as Arranged.after would): were it
    # still being written (the refresh before was shown a moment ago), it would go on
    # growing beside the merge. Written again if this fails.
    shown = previous.index[Kind.EVENT] if previous is not None and previous.completed else None
    if shown is not None:
        shown.release()
    try:
        return _relayer(before, layers, measure, previous)
    except BaseException:
        if shown is not None:
            shown.encode()
        raise


def _relayer(
    before: Dataset,
    layers: Sequence[Layer],
    measure: Callable[[str], int],
    previous: Arranged | None,
) -> tuple[Arranged, Changes]:
    # What reading the replaced layers left behind (a feed's parsed JSON, a reread's
    # decoded parts) is freed by now, but the allocator keeps its pages: given back
    # before the new dossier is built beside the one shown, which is the peak.
    release_free_memory()
    old_ids = {id(layer) for layer in before.layers}
    new_ids = {id(layer) for layer in layers}
    dropped = [layer for layer in before.layers if id(layer) not in new_ids]
    fresh = [layer for layer in layers if id(layer) not in old_ids]
    onto = merge_onto(before, layers)
    if previous is not None and previous.dataset is before and previous.as_of is None:
        # Shown before its indexes were built (a feed's first copy arrives while the app
        # indexes the dossier it has just drawn): wait for them, or build them here, and
        # arrange from it. Arranging afresh instead would build a second whole
        # arrangement beside the one shown (+94 MB at 100,000 events, in the first
        # refresh of every session: bench/README.md, "Issue 15: memory peaks").
        previous.complete(text=False)  # (its text is let go by Arranged.after)
    arrangeable = previous is not None and previous.arranges(before)
    if onto is None:
        dataset = merge(layers)
        # A large layer replaced by a version holding mostly the same objects (a data file
        # read again after a save: ``loading.Unchanged``) still touches few entities.
        touched = _not_the_same(before, dataset) if arrangeable else None
    else:
        dataset, touched = onto
    if onto is None and touched is not None:  # the rest are the very objects shown
        keys = {kind: set(ids) for kind, ids in touched.items()}
    else:
        keys = _ids_in([*dropped, *fresh])
    # Every actor, too: a stance change names its actor, touched or not (the untouched
    # are the same objects, or equal, and cost a comparison each).
    keys[Kind.ACTOR].update(before.actors.keys() | dataset.actors.keys())
    changes = compare(_only(before, keys), _only(dataset, keys))
    if touched is not None and previous is not None and arrangeable:
        return Arranged.after(previous, dataset, touched, measure), changes
    if _TIMELINE_IS_CACHED and "timeline" not in vars(dataset):
        vars(dataset)["timeline"] = _timeline_after(before, dataset)
    return Arranged(dataset, measure=measure), changes


def _not_the_same(before: Dataset, dataset: Dataset) -> dict[Kind, set[str]] | None:
    """The ids (by kind) whose entity in ``dataset`` is not the very object ``before``
    holds (changed, added or gone), which ``Arranged.after`` needs; None when they are
    more than ``INCREMENTAL_SHARE`` of the entities (arranging afresh is then cheaper).
    For a merged afresh ``dataset``: a data file read again keeps its unchanged objects,
    and so does ``merge`` for an id defined once (one C-level scan of each table)."""
    touched: dict[Kind, set[str]] = {}
    for kind in Kind:
        old, new = before.table(kind), dataset.table(kind)
        ids: set[str] = set()
        # In C, ``STEP`` ids at a time: one scan of a million holds the interpreter, and
        # the UI thread waiting for it, for 0.1 s (0.5 s on a busy host).
        keys, values = iter(new), iter(new.values())
        while part := list(islice(keys, STEP)):
            ids.update(compress(part, map(is_not, map(old.get, part), islice(values, STEP))))
        keys = iter(old)
        while part := list(islice(keys, STEP)):
            ids.update(compress(part, map(not_, map(new.__contains__, part))))
        touched[kind] = ids
    size = sum(len(dataset.table(kind)) for kind in Kind)
    if sum(map(len, touched.values())) > INCREMENTAL_SHARE * size:
        return None
    return touched


# Dataset.timeline is a cached_property: remerge may fill it in from the previous one.
_TIMELINE_IS_CACHED = isinstance(vars(Dataset).get("timeline"), cached_property)


def _ids_in(layers: Sequence[Layer]) -> dict[Kind, set[str]]:
    ids: dict[Kind, set[str]] = {kind: set() for kind in Kind}
    for layer in layers:
        for document in layer.documents:
            for kind in Kind:
                ids[kind].update(entity.id for entity in document.entities(kind))
            # A top-level position changes the disagreement it joins.
            ids[Kind.DISAGREEMENT].update(
                p.disagreement for p in document.positions if p.disagreement
            )
    return ids


def _only(dataset: Dataset, ids: dict[Kind, set[str]]) -> Dataset:
    """The entities of ``dataset`` with these ids (and its header), for comparing."""
    subset = Dataset(meta=dataset.meta)
    for kind in Kind:
        table = dataset.table(kind)
        subset.table(kind).update((i, table[i]) for i in ids[kind] if i in table)
    return subset


def _timeline_key(event: Event) -> tuple[int, tuple[int, int, str], str]:
    return event.timeline_key


def _timeline_after(before: Dataset, after: Dataset) -> list[Event]:
    """``after``'s timeline built from ``before``'s: events that are the very same objects,
    or sort as they did (read again from a saved file), keep their order; the others are
    sorted and merged in (a sort holds the interpreter: 250 ms for 100,000 events).
    ``timeline_key`` ends with the id, a total order, so this is exactly what sorting
    everything would give."""
    events = after.events
    kept: list[Event] = []
    for event in before.timeline:
        # The very object, or one read again (a saved file) that sorts where it did.
        now = events.get(event.id)
        if now is event or (now is not None and now.timeline_key == event.timeline_key):
            kept.append(now)
    if len(kept) == len(events):
        return kept
    placed = {event.id for event in kept}
    fresh = sorted(
        (event for event in events.values() if event.id not in placed), key=_timeline_key
    )
    return list(heapq.merge(kept, fresh, key=_timeline_key))


# A timeline as pieces of another: runs of its rows, and events new to it, in order.
Pieces = list[range | list[Event]]


def _pieces(
    events: Sequence[Event], row: Mapping[str, int], gone: Iterable[Event], fresh: list[Event]
) -> Pieces:
    """``events`` (a timeline) without ``gone`` and with ``fresh`` (sorted) where they
    sort, as runs of its rows and lists of fresh events. Each fresh event's place is
    found by binary search over the old timeline (whose keys are still in order, gone
    events included): no Python step per kept event."""
    cuts = sorted(
        [
            *(
                (bisect_left(events, e.timeline_key, key=_timeline_key), 0, k)
                for k, e in enumerate(fresh)
            ),
            *((row[e.id], 1, -1) for e in gone),
        ]
    )
    pieces: Pieces = []
    pending: list[Event] = []
    lo = 0
    for at, skip, k in cuts:
        if at > lo:
            if pending:
                pieces.append(pending)
                pending = []
            pieces.append(range(lo, at))
            lo = at
        if skip:
            lo = at + 1
        else:
            pending.append(fresh[k])
    if pending:
        pieces.append(pending)
    if lo < len(events):
        pieces.append(range(lo, len(events)))
    return pieces


def _spliced(
    old: Sequence[Any],
    pieces: Pieces,
    new: Callable[[Event], Any] | None = None,
    *,
    into: list[Any] | None = None,
) -> list[Any]:
    """The list the ``pieces`` make: each run of ``old`` (C-level copies, no longer than
    ``STEP``), ``new`` of each fresh event (the event itself by default); made in
    ``into`` (empty) if given."""
    out: list[Any] = [] if into is None else into
    for piece in pieces:
        if isinstance(piece, range):
            for start in range(piece.start, piece.stop, STEP):
                out.extend(old[start : min(start + STEP, piece.stop)])
        else:
            out.extend(map(new, piece) if new is not None else piece)
    return out


def _disagreements_of(event: Event) -> Iterable[str]:
    return event.disagreements


def _sources_of(event: Event) -> Iterable[str]:
    return _cited_sources(event.sources)


def _patched(
    index: Mapping[str, Sequence[Any]],
    gone: Sequence[Event],
    fresh: Sequence[Event],
    ids: set[str],
    keys_of: Callable[[Event], Iterable[str]],
    row: Mapping[str, int],
    *,
    as_ids: bool = False,
) -> dict[str, list[Any]]:
    """An index of key -> its events (``as_ids``: their ids) in timeline order, with the
    events whose ids are ``ids`` (old versions: ``gone``) replaced by ``fresh`` (in
    timeline order). Only the keys these events name are touched: their kept events are
    filtered in C and the fresh ones put in by binary search on their rows (``row``)."""
    patched: dict[str, list[Any]] = dict(index)  # type: ignore[arg-type]
    rank: Callable[[Any], int] = row.__getitem__ if as_ids else (lambda e: row[e.id])
    added: dict[str, list[Event]] = defaultdict(list)
    for event in fresh:
        for key in keys_of(event):
            added[key].append(event)
    touched = set(added)
    for event in gone:
        touched.update(keys_of(event))
    for key in touched:
        items = patched.get(key, ())
        # A long list (a source every event cites: a million ids) is made in lists made
        # old first, which no young collection walks (gcpause.old_lists).
        big = len(items) + len(added.get(key, ())) >= STEP
        out: list[Any] = old_lists(1)[0] if big else []
        for start in range(0, len(items), STEP):  # the kept ones, in C
            part = items[start : start + STEP]
            named = part if as_ids else map(_get_id, part)
            out.extend(compress(part, map(not_, map(ids.__contains__, named))))
        new = added.get(key)
        if new:  # the fresh ones, where their rows say, then joined in C-level slices
            # (a binary search looks up the rows of a few kept ones only)
            kept, out, at = out, old_lists(1)[0] if big else [], 0
            for event in new:
                place = bisect_left(kept, row[event.id], at, key=rank)
                out += kept[at:place]
                out.append(event.id if as_ids else event)
                at = place
            out += kept[at:]
        if out:
            patched[key] = out
        else:
            patched.pop(key, None)
    return patched


# -- what this session's refreshes changed ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Logged:
    """One entity's net change since the session started, and where and when it came."""

    change: Change
    at: float  # when the latest refresh touching it was shown
    layer: str  # the layer (feed name, or local path) the entity now comes from (or came from)
    document: str = ""  # the file (or feed URL) within that layer

    @property
    def ref(self) -> Ref:
        return Ref(self.change.kind, self.change.id)


# A change log's contents: the entries by (kind, id), and the header fields changed.
LogState = tuple[dict[tuple[Kind, str], "Logged"], tuple[str, ...]]


class ChangeLog:
    """Every entity a refresh added, changed or removed this session, netted per entity:
    added then changed is still "added" (as it reads now); changed twice lists the
    fields that differ from the first copy; changed back, or added then removed, is gone.
    """

    def __init__(self) -> None:
        self.entries: dict[tuple[Kind, str], Logged] = {}
        self.meta: tuple[str, ...] = ()  # header fields a refresh changed

    def updated(self, changes: Changes, at: float) -> LogState:
        """The log with ``changes`` added, without touching this one: netting compares
        fields, which takes a while for 10,000 changes, so a worker thread does it and
        the UI thread only ``adopt``s the result."""
        entries = dict(self.entries)
        for change in changes:
            key = change.key
            previous = entries.get(key)
            net = change if previous is None else _net(previous.change, change)
            if net is None:
                entries.pop(key, None)
            else:
                entries[key] = Logged(net, at, *_source_of(net))
        meta = tuple(dict.fromkeys((*self.meta, *changes.meta))) if changes.meta else self.meta
        return entries, meta

    def adopt(self, state: LogState) -> None:
        self.entries, self.meta = state

    def get(self, kind: Kind, ident: str) -> Logged | None:
        return self.entries.get((kind, ident))

    def __len__(self) -> int:
        return len(self.entries)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __iter__(self) -> Iterator[Logged]:
        return iter(self.entries.values())

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys((ADDED, CHANGED, REMOVED), 0)
        for logged in self.entries.values():
            out[logged.change.action] += 1
        return out


def _net(first: Change, then: Change) -> Change | None:
    """What ``first`` followed by ``then`` amounts to, against the copy before ``first``."""
    if then.action == REMOVED:
        if first.action == ADDED:
            return None
        return replace(then, before=first.before if first.before is not None else then.before)
    if first.action == ADDED:  # then changed (or added again): still new to this session
        return replace(first, after=then.after)
    original = first.before  # first changed or removed: compare with the copy before it
    if original is None or then.after is None or type(original) is not type(then.after):
        return then
    fields = differing_fields(original, then.after)
    if not fields:
        return None
    return Change(then.kind, then.id, CHANGED, fields, before=original, after=then.after)


def _source_of(change: Change) -> tuple[str, str]:
    """The layer and the document the changed entity comes from (or came from). A
    disagreement changed only in positions written at the top level (a stance captured
    into captured.toml) names the file holding those positions, not its own."""
    entity = change.after if change.after is not None else change.before
    origin = _positions_origin(change) or getattr(entity, "origin", None)
    return (origin.layer, origin.document) if origin is not None else ("?", "?")


def _positions_origin(change: Change) -> Origin | None:
    """Where the positions that changed were written, for a disagreement whose only
    change is in its positions; None for anything else, or nested positions."""
    before, after = change.before, change.after
    if change.fields != ("positions",):
        return None
    if not isinstance(before, Disagreement) or not isinstance(after, Disagreement):
        return None
    old = {p.held: p for p in before.positions}
    new = {p.held: p for p in after.positions}
    touched = [p for held, p in new.items() if held not in old or differing_fields(old[held], p)]
    touched += [p for held, p in old.items() if held not in new]
    return next((p.origin for p in touched if p.origin is not None), None)

"""A refresh merged onto the previous dataset and arranged from the previous arrangement
(issue 15: a 10k-event feed must not rebuild the arrangement of a million) gives exactly
what merging and arranging every layer afresh gives: the same tables in the same order,
the same warnings, timeline, rows, search keys, relations, activity and date spans."""

from __future__ import annotations

import gc
import json
import random
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.browse import PANES, Arranged, relayer, remerge
from tui.core.changes import compare
from tui.core.loading import read_bytes, read_layer
from tui.core.merge import Dataset, Layer, check_layer, merge, merge_onto
from tui.core.model import Kind
from tui.core.search import SearchIndex
from tui.core.watch import reread

DATES = ("2013", "2013-02", "2013-02-10", "2014-06", "2012-11-30", "2015", "2011-01")


def document(rng: random.Random, name: str, events: range, *, extra: bool = False) -> bytes:
    """A faultline/1 JSON document: actors, disagreements, sources and ``events``, some
    of whose references name nothing (when ``extra``, also ids only it defines)."""
    actors = [f"a{i}" for i in range(8)] + (["a-feed"] if extra else [])
    disputes = [f"d{i}" for i in range(4)]
    sources = ["s0", "s1"] + (["s-feed"] if extra else [])

    def cites() -> list[str]:
        return rng.sample(sources, k=rng.randint(0, 2))

    data: dict[str, Any] = {
        "format": "faultline/1",
        "meta": {"title": name},
        "sources": [{"id": s, "title": s.upper()} for s in sources if rng.random() < 0.8],
        "actors": [
            {"id": a, "name": f"{name} {a}", "kind": "state", "member_of": rng.sample(actors, 1)}
            for a in actors
            if rng.random() < 0.7
        ],
        "disagreements": [
            {
                "id": d,
                "title": f"{name} dispute {d}",
                "sources": cites(),
                "positions": [
                    {"actor": a, "stance": rng.choice(("support", "oppose")), "sources": cites()}
                    for a in rng.sample(actors, 2)
                ],
            }
            for d in disputes
            if rng.random() < 0.6
        ],
        "events": [
            {
                "id": f"e{i}",
                "title": f"{name} event {i} {rng.choice(('talks', 'Dam', 'Öl'))}",
                "date": rng.choice(DATES),
                "status": rng.choice(("reported", "reported", "planned", "expected")),
                "actors": rng.sample([*actors, "a-ghost"], k=rng.randint(1, 2)),
                "targets": rng.sample(actors, k=rng.randint(0, 1)),
                "disagreements": rng.sample([*disputes, "d-ghost"], k=rng.randint(0, 2)),
                "sources": cites(),
            }
            for i in events
            if rng.random() < 0.9
        ],
    }
    if rng.random() < 0.8:  # a dossier mostly without unresolved references
        for event in data["events"]:
            event["actors"] = [a for a in event["actors"] if a != "a-ghost"] or ["a0"]
            event["disagreements"] = [d for d in event["disagreements"] if d != "d-ghost"]
    return json.dumps(data).encode()


def layer(name: str, body: bytes, *, feed: bool) -> Layer:
    parsed = read_bytes(body, name, "json", layer=name, require_format=True)
    return check_layer(name, [parsed], [], is_feed=feed)


def entities(dataset: Dataset, kind: Kind) -> list[tuple[Any, ...]]:
    """A table in order, with where each entity came from and what it replaced."""
    return [
        (ident, entity, entity.origin, entity.replaced)
        for ident, entity in dataset.table(kind).items()
    ]


def assert_same(incremental: Arranged, full: Arranged) -> None:
    """Everything the dashboard reads from an arrangement, compared."""
    a, b = incremental.dataset, full.dataset
    for kind in Kind:
        assert entities(a, kind) == entities(b, kind)
    assert (a.meta, a.notes, a.unresolved, a.layers) == (b.meta, b.notes, b.unresolved, b.layers)
    assert a.timeline == b.timeline
    assert a.events_by_actor == b.events_by_actor
    assert a.events_by_disagreement == b.events_by_disagreement
    assert a.positions_by_actor == b.positions_by_actor and a.members == b.members
    assert incremental.actors == full.actors and incremental.events == full.events
    assert incremental.disagreements == full.disagreements
    assert (incremental.groups, incremental.group_start) == (full.groups, full.group_start)
    assert (incremental.name_width, incremental.date_width) == (full.name_width, full.date_width)
    assert incremental.row == full.row
    assert incremental.event_ids == full.event_ids == [e.id for e in full.events]
    assert incremental.cited_by == full.cited_by
    for pane in PANES:
        ours, theirs = incremental.index[pane], full.index[pane]
        assert [ours.key(i) for i in range(len(ours))] == [
            theirs.key(i) for i in range(len(theirs))
        ]
    assert incremental.months.month.tolist() == full.months.month.tolist()
    assert incremental.months.half.tolist() == full.months.half.tolist()
    assert incremental.spans.first.tolist() == full.spans.first.tolist()
    assert incremental.spans.last.tolist() == full.spans.last.tolist()
    # The event index holds the previous one's keys and the fresh events': the same
    # answers from its keys alone, rare words and common ones alike; and once completed
    # (as the app does when it is shown), the very text and offsets a fresh index builds.
    ours, theirs = incremental.index[Kind.EVENT], full.index[Kind.EVENT]
    queries = ("talks", "e1", "e", "2012", "v2 event 10", "zzz")
    for query in queries:
        assert ours.search(query) == theirs.search(query)
    incremental.complete()
    assert ours._text == theirs._text
    for query in queries:
        assert ours.search(query) == theirs.search(query)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32), st.sampled_from(("replace", "vanish", "add", "middle")))
def test_a_refresh_arranged_from_the_previous_one_equals_arranging_afresh(
    seed: int, how: str
) -> None:
    rng = random.Random(seed)
    local = layer("local", document(rng, "local", range(1000)), feed=False)
    # A second local layer replacing some of the first's entities (so some ids are
    # defined twice before any feed), and feeds that override local entities, move them
    # in the timeline, drop them and bring their own.
    saved = layer("saved", document(rng, "saved", range(100, 130)), feed=False)
    one = layer("one", document(rng, "one", range(80, 120), extra=True), feed=True)
    two = layer("two", document(rng, "two", range(150, 160)), feed=True)
    before_layers = [local, saved, one, two]
    one_again = layer("one", document(rng, "one v2", range(90, 125), extra=True), feed=True)
    after_layers = {
        "replace": [local, saved, one_again, two],
        "vanish": [local, saved, two],
        "add": [local, saved, one, two, one_again],
        "middle": [
            local,
            layer("saved", document(rng, "saved v2", range(110, 135)), feed=False),
            one,
            two,
        ],
    }[how]
    before = merge(before_layers)
    previous = Arranged(before)

    assert merge_onto(before, after_layers) is not None  # merged onto the previous one
    arranged, changes = relayer(before, after_layers, previous=previous)
    full = Arranged(merge(after_layers))
    assert_same(arranged, full)
    expected = compare(before, full.dataset)
    assert changes.lines() == expected.lines() and changes.meta == expected.meta
    # And again, from the arrangement just made.
    again, _ = relayer(arranged.dataset, before_layers, previous=arranged)
    assert_same(again, Arranged(merge(before_layers)))


def test_what_no_replaced_layer_defines_is_kept_not_rebuilt() -> None:
    """The entities, search keys and relation lists of what a refresh did not touch are
    the very objects shown before: the merge and the arrangement copy references to
    them rather than building a million new ones."""
    rng = random.Random(7)
    local = layer("local", document(rng, "local", range(1000)), feed=False)
    old = layer("feed", document(rng, "feed", range(280, 320)), feed=True)
    new = layer("feed", document(rng, "feed v2", range(290, 330)), feed=True)
    before = merge([local, old])
    previous = Arranged(before)

    onto = merge_onto(before, [local, new])
    assert onto is not None
    dataset, touched = onto
    kept = [i for i in before.events if i not in touched[Kind.EVENT]]
    assert kept and all(dataset.events[i] is before.events[i] for i in kept)

    arranged, _ = remerge(before, [new], previous=previous)
    rows, old_rows = arranged.row[Kind.EVENT], previous.row[Kind.EVENT]
    keys, old_keys = arranged.index[Kind.EVENT], previous.index[Kind.EVENT]
    assert all(keys.key(rows[i]) is old_keys.key(old_rows[i]) for i in kept)
    # Row numbers too are shared objects, not a new int per row for each arrangement.
    numbers = {number: number for number in old_rows.values()}
    assert all(rows[i] is numbers[rows[i]] for i in rows if rows[i] in numbers)
    assert_same(arranged, Arranged(merge([local, new])))


def test_a_refresh_before_the_indexes_are_built_is_arranged_from_the_dossier_shown() -> None:
    """The app draws a dossier before building its indexes, and a feed's first copy
    often arrives meanwhile: that refresh too is arranged from the dossier shown (its
    indexes built first), not arranged afresh beside it, which would hold a second whole
    arrangement at once (the first refresh's memory peak)."""
    rng = random.Random(5)
    local = layer("local", document(rng, "local", range(1000)), feed=False)
    old = layer("feed", document(rng, "feed", range(280, 320)), feed=True)
    new = layer("feed", document(rng, "feed v2", range(290, 330)), feed=True)
    before = merge([local, old])
    shown = Arranged(before, defer=True)  # as first drawn: no indexes yet
    assert not shown.completed

    arranged, _ = remerge(before, [new], previous=shown)
    rows, old_rows = arranged.row[Kind.EVENT], shown.row[Kind.EVENT]
    keys, old_keys = arranged.index[Kind.EVENT], shown.index[Kind.EVENT]
    kept = [i for i in before.events if arranged.dataset.events.get(i) is before.events[i]]
    assert len(kept) > 800
    assert all(keys.key(rows[i]) is old_keys.key(old_rows[i]) for i in kept)
    assert_same(arranged, Arranged(merge([local, new])))


def test_a_refresh_holds_one_search_text_not_two() -> None:
    """The events' joined search text (16 MB at 100,000 events) is never held twice: a
    refresh lets the shown view's text go before it arranges the new view, which has
    none until it is completed (as the app does once it is shown), and both search
    alike meanwhile, from their keys."""
    rng = random.Random(9)
    local = layer("local", document(rng, "local", range(1000)), feed=False)
    old = layer("feed", document(rng, "feed", range(280, 320)), feed=True)
    new = layer("feed", document(rng, "feed v2", range(290, 330)), feed=True)
    before = merge([local, old])
    shown = Arranged(before)
    assert shown.index[Kind.EVENT].encoded and not shown.needs_completing
    answers = {q: shown.index[Kind.EVENT].search(q) for q in ("talks", "e12", "zzz")}

    seen: list[tuple[bool, bool]] = []  # (shown's text, the new one's) as it is built
    real = SearchIndex.spliced

    def spliced(previous: SearchIndex, runs: Any) -> SearchIndex:
        index = real(previous, runs)
        seen.append((previous.encoded, index.encoded))
        return index

    SearchIndex.spliced = spliced  # type: ignore[method-assign]
    try:
        arranged, _ = remerge(before, [new], previous=shown)
    finally:
        SearchIndex.spliced = real  # type: ignore[method-assign]
    assert seen == [(False, False)]
    assert arranged.completed and arranged.needs_completing
    for query, rows in answers.items():  # the shown view, from its keys alone
        assert shown.index[Kind.EVENT].search(query) == rows
    full = Arranged(merge([local, new]))
    for query in answers:
        assert arranged.index[Kind.EVENT].search(query) == full.index[Kind.EVENT].search(query)
    arranged.complete()
    assert not arranged.needs_completing
    assert arranged.index[Kind.EVENT]._text == full.index[Kind.EVENT]._text


def test_a_refresh_that_fails_leaves_the_shown_view_its_search_text() -> None:
    rng = random.Random(4)
    local = layer("local", document(rng, "local", range(1000)), feed=False)
    old = layer("feed", document(rng, "feed", range(280, 320)), feed=True)
    new = layer("feed", document(rng, "feed v2", range(290, 330)), feed=True)
    before = merge([local, old])
    shown = Arranged(before)

    def broken(previous: SearchIndex, runs: Any) -> SearchIndex:
        raise MemoryError

    real = SearchIndex.spliced
    SearchIndex.spliced = broken  # type: ignore[assignment]
    try:
        with pytest.raises(MemoryError):
            remerge(before, [new], previous=shown)
    finally:
        SearchIndex.spliced = real  # type: ignore[method-assign]
    assert not shown.needs_completing


def test_a_large_replacement_is_merged_afresh() -> None:
    """A replaced layer as large as the rest (a data file rewritten whole) is merged in
    full: patching would cost more than it saves."""
    rng = random.Random(3)
    local = layer("local", document(rng, "local", range(50)), feed=False)
    old = layer("feed", document(rng, "feed", range(40, 90)), feed=True)
    new = layer("feed", document(rng, "feed v2", range(40, 90)), feed=True)
    before = merge([local, old])
    assert merge_onto(before, [local, new]) is None
    arranged, _ = remerge(before, [new], previous=Arranged(before))
    assert_same(arranged, Arranged(merge([local, new])))


def test_a_source_lists_the_events_citing_it_in_timeline_order() -> None:
    rng = random.Random(11)
    arranged = Arranged(merge([layer("local", document(rng, "local", range(60)), feed=False)]))
    for source, (_, events, _) in arranged.cited_by.items():
        rows = [arranged.row[Kind.EVENT][i] for i in events]
        assert rows == sorted(rows), source


def saved(rng: random.Random, body: bytes, edits: int) -> bytes:
    """``body`` as an editor saves it: a few events retitled, moved in time or deleted,
    an actor renamed, and one event added."""
    data = json.loads(body)
    events = data["events"]
    for _ in range(edits):
        event = rng.choice(events)
        what = rng.choice(("retitle", "redate", "delete"))
        if what == "retitle":
            event["title"] += " (revised)"
        elif what == "redate":
            event["date"] = rng.choice(DATES)
        elif len(events) > 1:
            events.remove(event)
    if data["actors"] and rng.random() < 0.5:
        data["actors"][0]["name"] += " renamed"
    events.append({"id": "e-saved", "title": "Saved talks", "date": "2016", "actors": ["a0"]})
    return json.dumps(data).encode()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32), st.integers(0, 6), st.booleans())
def test_a_data_file_read_again_is_arranged_from_the_previous_one(
    seed: int, edits: int, with_feed: bool
) -> None:
    """A data file saved with a few changes and read again (keeping the objects the save
    left unchanged) is the whole local layer replaced, so it is merged afresh; but it is
    arranged from the arrangement shown, touching only what the save changed, and gives
    exactly what merging and arranging afresh gives, with the same changes."""
    rng = random.Random(seed)
    with TemporaryDirectory() as scratch:
        path = Path(scratch) / "dossier.json"
        body = document(rng, "local", range(400))
        path.write_bytes(body)
        local = read_layer(path)
        feed = layer("feed", document(rng, "feed", range(380, 420), extra=True), feed=True)
        before_layers = [local, feed] if with_feed else [local]
        before = merge(before_layers)
        previous = Arranged(before)
        path.write_bytes(saved(rng, body, edits))
        again, _ = reread(path, local)
    after_layers = [again, feed] if with_feed else [again]
    assert merge_onto(before, after_layers) is None  # the whole layer was replaced

    arranged, changes = relayer(before, after_layers, previous=previous)
    full = Arranged(merge(after_layers))
    assert_same(arranged, full)
    expected = compare(before, full.dataset)
    assert changes.lines() == expected.lines() and changes.meta == expected.meta
    # Arranged from the one shown: the search keys of the events the save left alone
    # are the very strings shown before, not a second set of them.
    rows, old_rows = arranged.row[Kind.EVENT], previous.row[Kind.EVENT]
    keys, old_keys = arranged.index[Kind.EVENT], previous.index[Kind.EVENT]
    kept = [i for i in before.events if arranged.dataset.events.get(i) is before.events[i]]
    assert len(kept) >= len(before.events) - edits - len(feed.documents[0].events)
    assert all(keys.key(rows[i]) is old_keys.key(old_rows[i]) for i in kept)


def test_no_young_collection_of_a_refresh_walks_a_container_of_every_event() -> None:
    """A refresh arranged from the previous view builds, beside it, containers that hold
    every event or id: the tables, the timeline, the ids in order, the search keys, the
    events citing a source every event cites. Each is made in a container made old
    first, so no young collection (one C call holding the interpreter, which the UI
    thread waits for: 30-130 ms each at a million events) walks it. Checked at the start
    of every collection while ``relayer`` runs (the first refresh of a session, which
    also lists the shown view's ids); and the result is arranging afresh."""
    rng = random.Random(21)
    everyone = json.loads(document(rng, "local", range(15_000)))  # over STEP
    for event in everyone["events"]:
        event["sources"] = ["s0"]  # a source every event cites
    everyone["sources"] = [{"id": "s0", "title": "S0"}]
    local = layer("local", json.dumps(everyone).encode(), feed=False)
    old = layer("feed", document(rng, "feed", range(100, 130)), feed=True)
    new = layer("feed", document(rng, "feed v2", range(120, 160)), feed=True)
    before = merge([local, old])
    previous = Arranged(before)
    size = len(before.events) * 9 // 10  # (a slice of STEP ids aside)
    gc.collect()  # what the start built is old by now (frozen, in the app)
    young: list[tuple[str, int]] = []

    def walked(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and info["generation"] < 2:
            for generation in range(info["generation"] + 1):
                young.extend(
                    (type(held).__name__, len(held))
                    for held in gc.get_objects(generation)
                    if isinstance(held, (list, tuple, dict)) and len(held) >= size
                )

    gc.callbacks.append(walked)
    try:
        arranged, _ = relayer(before, [local, new], previous=previous)
    finally:
        gc.callbacks.remove(walked)
    assert young == []
    assert_same(arranged, Arranged(merge([local, new])))

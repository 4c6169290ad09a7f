"""The parsed-data cache: reopening an unchanged dossier skips parsing; any change or
damage to the cache only costs time, never correctness."""

from __future__ import annotations

import os
from array import array
from dataclasses import replace
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
import tomli_w
from helpers import plant_parsed_entry
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.loading import load
from tui.core.merge import Layer, merge
from tui.core.parsecache import ParsedCache, encode_document, pack_rows

DOC = '[[actors]]\nid = "kz"\nname = "Kazakhstan"\nkind = "state"\n'


def test_unchanged_file_is_served_from_cache_and_an_edit_is_reread(tmp_path: Path) -> None:
    cache = ParsedCache(tmp_path / "cache", min_size=0)
    doc = tmp_path / "a.toml"
    doc.write_text(DOC)
    layer = str(doc)
    assert cache.get(doc, layer, doc.stat()) is None
    first = load([doc], cache=cache)
    cached = cache.get(doc, layer, doc.stat())
    assert cached is not None and cached.actors == tuple(first.actors.values())
    # An edit that keeps the size and even the mtime still changes ctime: re-read.
    stat = doc.stat()
    doc.write_text(DOC.replace("Kazakhstan", "Kazakhstax"))
    os.utime(doc, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert cache.get(doc, layer, doc.stat()) is None
    assert load([doc], cache=cache).actors["kz"].name == "Kazakhstax"
    assert cache.get(doc, layer, doc.stat()).actors[0].name == "Kazakhstax"


def test_small_files_are_not_worth_an_entry(tmp_path: Path) -> None:
    cache = ParsedCache(tmp_path / "cache")
    doc = tmp_path / "a.toml"
    doc.write_text(DOC)
    load([doc], cache=cache)
    assert not (tmp_path / "cache" / "parsed").exists()


def test_damaged_or_deleted_cache_entries_are_ignored(tmp_path: Path) -> None:
    cache = ParsedCache(tmp_path / "cache", min_size=0)
    doc = tmp_path / "a.toml"
    doc.write_text(DOC)
    load([doc], cache=cache)
    (entry,) = (tmp_path / "cache" / "parsed").iterdir()
    entry.write_bytes(b"\x80\x05garbage")
    assert load([doc], cache=cache).actors["kz"].name == "Kazakhstan"
    entry.unlink()
    assert load([doc], cache=cache).actors["kz"].name == "Kazakhstan"


def test_invalid_documents_are_not_cached(tmp_path: Path) -> None:
    cache = ParsedCache(tmp_path / "cache", min_size=0)
    doc = tmp_path / "a.toml"
    doc.write_text(DOC.replace('"state"', '"nation"'))
    assert load([doc], cache=cache).problems
    assert not (tmp_path / "cache" / "parsed").exists()


def test_cached_documents_keep_their_origin_and_extensions(tmp_path: Path) -> None:
    cache = ParsedCache(tmp_path / "cache", min_size=0)
    doc = tmp_path / "a.toml"
    doc.write_text(DOC + 'x_note = "kept"\n')
    load([doc], cache=cache)
    again = load([doc], cache=cache).actors["kz"]
    assert again.extra == {"x_note": "kept"}
    assert again.origin is not None and again.origin.line == 1


def test_deferred_entries_are_written_by_flush_unless_the_file_changed(tmp_path: Path) -> None:
    cache = ParsedCache(tmp_path / "cache", min_size=0, defer=True)
    kept, edited = tmp_path / "a.toml", tmp_path / "b.toml"
    kept.write_text(DOC)
    edited.write_text(DOC)
    load([kept, edited], cache=cache)
    assert cache.get(kept, str(kept), kept.stat()) is None  # nothing written yet
    edited.write_text(DOC.replace("Kazakhstan", "Kazakh SSR"))
    cache.flush()
    assert cache.get(kept, str(kept), kept.stat()).actors[0].name == "Kazakhstan"
    # Changed since it was read: what was read is not stored as the new file's.
    assert cache.get(edited, str(edited), edited.stat()) is None
    assert not cache.pending


def test_a_flush_with_nothing_deferred_does_not_walk_the_timeline(tmp_path: Path) -> None:
    """Every refresh's indexing ends with a flush of the cache; with nothing to write (the
    dossier came from the cache), it must not go through the whole merged timeline (a
    million events: a Python pass that took the interpreter from the UI during the
    refresh's frames)."""
    cache = ParsedCache(tmp_path / "cache", min_size=0, defer=True)

    class Untouchable(list[Any]):
        def __iter__(self) -> Any:
            raise AssertionError("the timeline was walked")

    cache.flush(Untouchable([object()]))
    assert not cache.pending


# -- the timeline's order, stored with the events ------------------------------------------------

STATUSES = st.sampled_from([None, "reported", "planned", "expected", "hypothetical"])
EVENT = st.fixed_dictionaries(
    {
        "id": st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True),
        "date": st.sampled_from(
            ["2013", "2013-05", "2013-05-02", "2012-12-31", "2013-05~", "2014"]
        ),
    },
    optional={"status": STATUSES},
)


def events_dossier(events: list[dict[str, Any]]) -> str:
    tables = [
        {"id": e["id"], "title": e["id"].upper(), **{k: v for k, v in e.items() if v is not None}}
        for e in events
    ]
    return tomli_w.dumps({"format": "faultline/1", "events": tables})


@settings(max_examples=40, deadline=None)
@given(st.lists(EVENT, min_size=1, max_size=30, unique_by=lambda e: e["id"]))
def test_a_dossier_from_the_cache_brings_its_timeline_in_order(
    events: list[dict[str, Any]],
) -> None:
    """Read back from the cache, a document's events come with their timeline's order, so
    the dashboard shows the timeline without sorting it again: the same order (ties by
    id, reported events first) as sorting the events read afresh."""
    with TemporaryDirectory() as scratch:
        doc = Path(scratch) / "a.toml"
        doc.write_text(events_dossier(events), encoding="utf-8")
        cache = ParsedCache(Path(scratch) / "cache", min_size=0)
        fresh = load([doc], cache=cache)  # read, and written to the cache
        again = load([doc], cache=cache)
        assert cache.get(doc, str(doc), doc.stat()) is not None  # (from the cache)
        assert "timeline" in vars(again)  # given, not sorted on first use
        ids = [e.id for e in fresh.timeline]
        assert [e.id for e in again.timeline] == ids
        # As the dashboard writes it: deferred, then taken from the dataset's timeline.
        deferred = ParsedCache(Path(scratch) / "deferred", min_size=0, defer=True)
        shown = load([doc], cache=deferred)
        deferred.flush(shown.timeline)
        later = load([doc], cache=ParsedCache(Path(scratch) / "deferred", min_size=0))
        assert "timeline" in vars(later) and [e.id for e in later.timeline] == ids
        assert ids == [e.id for e in sorted(fresh.events.values(), key=lambda e: e.timeline_key)]


def test_the_order_goes_with_the_very_events_it_was_stored_with(tmp_path: Path) -> None:
    """A document made from a cached one with other events (a reread keeping objects, a
    part) does not carry the old order: its timeline is sorted."""
    doc = tmp_path / "a.toml"
    doc.write_text(
        events_dossier([{"id": f"e{n}", "date": f"{2000 + n}"} for n in range(5)]),
        encoding="utf-8",
    )
    cache = ParsedCache(tmp_path / "cache", min_size=0)
    load([doc], cache=cache)
    cached = cache.get(doc, str(doc), doc.stat())
    assert cached is not None
    reversed_ = replace(cached, events=cached.events[::-1])
    dataset = merge([Layer(str(doc), (reversed_,))])
    assert "timeline" not in vars(dataset)
    assert [e.id for e in dataset.timeline] == ["e0", "e1", "e2", "e3", "e4"]


@pytest.mark.parametrize(
    "order",
    [
        array("I", numbers).tobytes()
        for numbers in ((0, 0, 1), (0, 1), (0, 1, 2, 3), (1, 2, 3), (2, 1, 3), ())
    ]
    + [b"\x00\x00\x00\x00\x01", (2, 1, 0)],
)
def test_an_entry_whose_order_is_not_one_of_its_events_is_a_miss(
    tmp_path: Path, order: object
) -> None:
    doc = tmp_path / "a.toml"
    doc.write_text(
        events_dossier([{"id": f"e{n}", "date": f"{2003 - n}"} for n in range(3)]),
        encoding="utf-8",
    )
    cache = ParsedCache(tmp_path / "cache", min_size=0)
    document = load([doc], cache=cache).layers[0].documents[0]
    rows = encode_document(document, str(doc))
    assert rows is not None
    *head, kinds = rows
    how, payload = pack_rows((*head, (*kinds[:-1], order)))
    plant_parsed_entry(cache, doc, how, payload)
    assert cache.get(doc, str(doc), doc.stat()) is None  # damaged: read afresh
    assert [e.id for e in load([doc], cache=cache).timeline] == ["e2", "e1", "e0"]


def test_orders_taken_from_a_timeline_of_several_layers_are_each_documents_own(
    tmp_path: Path,
) -> None:
    """Written after the dashboard's first frame, each document's order comes from the
    merged timeline; one whose event a later layer replaced is not in it, and is sorted."""
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text(
        events_dossier([{"id": f"e{n}", "date": f"{2005 - n}"} for n in range(4)]),
        encoding="utf-8",
    )
    second.write_text(
        events_dossier([{"id": "e3", "date": "1999"}, {"id": "f", "date": "2003"}]),
        encoding="utf-8",
    )
    third = tmp_path / "c.toml"
    third.write_text(
        events_dossier([{"id": "h", "date": "2004"}, {"id": "g", "date": "2004"}]),
        encoding="utf-8",
    )
    cache = ParsedCache(tmp_path / "cache", min_size=0, defer=True)
    dataset = load([first, second, third], cache=cache)
    assert [e.id for e in dataset.timeline] == ["e3", "e2", "f", "e1", "g", "h", "e0"]
    cache.flush(dataset.timeline)
    expected = ((first, ["e3", "e2", "e1", "e0"]), (second, ["e3", "f"]), (third, ["g", "h"]))
    for doc, ids in expected:
        alone = load([doc], cache=ParsedCache(tmp_path / "cache", min_size=0))
        assert "timeline" in vars(alone) and [e.id for e in alone.timeline] == ids

"""Compact records: the reader keeps every value a large dossier repeats once (ids, id
tuples, citation lists, event types and statuses, locations), and what it returns is
exactly what plain records made one by one would hold: every field equal, of the same
type, read from TOML, from JSON and back from the parsed-data cache. A data file read
again after a save keeps the objects of what the save left unchanged."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.dates import EDate
from tui.core.loading import read_file, read_layer
from tui.core.model import (
    EMPTY_EXTRA,
    EVENT_STATUSES,
    EVENT_TYPES,
    LIKELIHOOD,
    Actor,
    Citation,
    Document,
    Event,
    Extras,
    Kind,
    Source,
)
from tui.core.parsecache import ParsedCache
from tui.core.watch import reread

ACTORS = [f"actor-{n}" for n in range(6)]
SOURCES = ["wire", "press"]
DISAGREEMENT_IDS = ["union", "tariffs", "pipeline"]
PLACES = ["Astana", "Moscow", "Minsk"]
WORDS = st.text("abcdefgh ", min_size=1, max_size=12).map(lambda t: "w" + t)
DATES = st.sampled_from(["2013-01-02", "2012", "2014-05", "2013-02~", "2011/2012"])

citation = st.one_of(
    st.sampled_from(SOURCES),
    st.fixed_dictionaries(
        {"id": st.sampled_from(SOURCES)},
        optional={
            "locator": WORDS,
            "credibility": st.integers(1, 6),
            "x_note": WORDS,
        },
    ),
)
event_fields = st.fixed_dictionaries(
    {"title": WORDS, "date": DATES},
    optional={
        "summary": WORDS,
        "actors": st.lists(st.sampled_from(ACTORS), max_size=3, unique=True),
        "targets": st.lists(st.sampled_from(ACTORS), max_size=2, unique=True),
        "disagreements": st.lists(st.sampled_from(DISAGREEMENT_IDS), max_size=2, unique=True),
        "type": st.sampled_from(EVENT_TYPES),
        "status": st.sampled_from(EVENT_STATUSES),
        "likelihood": st.sampled_from(LIKELIHOOD),
        "location": st.sampled_from(PLACES),
        "sources": st.lists(citation, max_size=3),
        "x_score": st.integers(-5, 5),
    },
)


def dossier(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "format": "faultline/1",
        "sources": [{"id": s, "title": s.title()} for s in SOURCES],
        "actors": [{"id": a, "name": a.upper(), "kind": "state"} for a in ACTORS],
        "disagreements": [{"id": d, "title": d} for d in DISAGREEMENT_IDS],
        "events": [{"id": f"event-{n}", **fields} for n, fields in enumerate(events)],
    }


def plain_citation(raw: str | dict[str, Any]) -> Citation:
    if isinstance(raw, str):
        return Citation(raw)
    extra = {k: v for k, v in raw.items() if k.startswith("x_")}
    return Citation(
        raw["id"],
        raw.get("locator"),
        raw.get("credibility"),
        Extras(extra) if extra else EMPTY_EXTRA,
    )


def plain_event(raw: dict[str, Any]) -> Event:
    """The record the reader must return for ``raw``, made the plain way: a constructor
    call with fresh values, nothing shared."""
    extra = {k: v for k, v in raw.items() if k.startswith("x_")}
    return Event(
        id=str(raw["id"]),
        title=raw["title"],
        date=EDate.parse(raw["date"]),
        summary=raw.get("summary"),
        actors=tuple(raw.get("actors", ())),
        targets=tuple(raw.get("targets", ())),
        disagreements=tuple(raw.get("disagreements", ())),
        type=raw.get("type"),
        status=raw.get("status"),
        likelihood=raw.get("likelihood"),
        location=raw.get("location"),
        sources=tuple(plain_citation(c) for c in raw.get("sources", ())),
        extra=Extras(extra) if extra else EMPTY_EXTRA,
    )


def same(read: object, expected: object, where: str) -> None:
    """Equal and of the same type, field by field, down through tuples and citations
    (and including what equality leaves out: extension values)."""
    assert type(read) is type(expected), f"{where}: {type(read)} is not {type(expected)}"
    if dataclasses.is_dataclass(expected) and not isinstance(expected, type):
        for f in dataclasses.fields(expected):
            if f.name in ("origin", "replaced"):
                continue
            same(getattr(read, f.name), getattr(expected, f.name), f"{where}.{f.name}")
    elif isinstance(expected, tuple):
        assert len(read) == len(expected), where  # type: ignore[arg-type]
        for n, (a, b) in enumerate(zip(read, expected, strict=True)):  # type: ignore[call-overload]
            same(a, b, f"{where}[{n}]")
    elif isinstance(expected, dict):  # by repr: 1 == True, but not for a reader
        assert repr(dict(read)) == repr(dict(expected)), where  # type: ignore[call-overload]
    else:
        assert read == expected, where


def shared_once(documents: list[Document]) -> None:
    """Within a document, equal id tuples, plain citation lists and locations are one
    object each, and an event's type or status is the model's own string."""
    for document in documents:
        for name in ("actors", "targets", "disagreements", "location"):
            values = [getattr(e, name) for e in document.events if getattr(e, name)]
            assert len({id(v) for v in values}) == len(set(values)), name
        plain = [
            e.sources for e in document.events if e.sources and all(c.is_plain for c in e.sources)
        ]
        assert len({id(v) for v in plain}) == len(set(plain))
        for event in document.events:
            assert event.type is None or event.type is EVENT_TYPES[EVENT_TYPES.index(event.type)]
            if event.status is not None:
                assert event.status is EVENT_STATUSES[EVENT_STATUSES.index(event.status)]


@settings(max_examples=40, deadline=None)
@given(st.lists(event_fields, min_size=1, max_size=25))
def test_compact_records_are_the_plain_records(events: list[dict[str, Any]]) -> None:
    raw = dossier(events)
    expected = [plain_event(e) for e in raw["events"]]
    with TemporaryDirectory() as scratch:
        folder = Path(scratch)
        toml_path, json_path = folder / "dossier.toml", folder / "dossier.json"
        toml_path.write_text(tomli_w.dumps(raw), encoding="utf-8")
        json_path.write_text(json.dumps(raw), encoding="utf-8")
        cache = ParsedCache(folder / "cache", min_size=0)
        fresh = read_file(toml_path, cache=cache)
        cached = cache.get(toml_path, str(toml_path), toml_path.stat())
        assert cached is not None
        documents = [fresh, read_file(json_path), cached]
        for document in documents:
            assert len(document.events) == len(expected)
            for n, (read, plain) in enumerate(zip(document.events, expected, strict=True)):
                same(read, plain, f"{document.name} events[{n}]")
            assert [type(s) for s in document.sources] == [Source] * len(SOURCES)
            assert [type(a) for a in document.actors] == [Actor] * len(ACTORS)
        # Read back from the cache, every record keeps where it was read.
        assert [e.origin for e in cached.events] == [e.origin for e in fresh.events]
        shared_once(documents)


def differs(a: object, b: object) -> bool:
    """Whether ``a`` and ``b`` differ in any field (``same``), origin included."""
    try:
        same(a, b, "")
    except AssertionError:
        return True
    return getattr(a, "origin", None) != getattr(b, "origin", None)


EDITS = st.sampled_from(["keep", "keep", "keep", "retitle", "extra", "flag", "drop"])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(event_fields, EDITS), min_size=1, max_size=20), st.booleans())
def test_a_reread_file_keeps_the_objects_a_save_left_unchanged(
    versions: list[tuple[dict[str, Any], str]], appended: bool
) -> None:
    """Read again after a save, a data file is what a fresh read gives, field for field,
    and every entity the save left unchanged (its origin included) is the object read
    before: the dossier shown keeps its objects rather than gaining copies."""
    before = dossier([fields for fields, _ in versions])
    after = dossier([fields for fields, _ in versions])
    kept = []
    for event, (_, edit) in zip(after["events"], versions, strict=True):
        if edit == "retitle":
            event["title"] += " again"
        elif edit == "extra":  # 1 and true are equal in Python, not in the file
            event["x_score"] = True if event.get("x_score") == 1 else 1
        elif edit == "flag":
            event["x_flag"] = True
        if edit != "drop":
            kept.append(event)
    after["events"] = kept + ([{"id": "new", "title": "New", "date": "2020"}] if appended else [])
    with TemporaryDirectory() as scratch:
        path = Path(scratch) / "dossier.toml"
        path.write_text(tomli_w.dumps(before), encoding="utf-8")
        previous = read_layer(path)
        path.write_text(tomli_w.dumps(after), encoding="utf-8")
        reread_layer, gone = reread(path, previous)
        fresh = read_layer(path)
    assert gone == []
    ((old,), (new,), (expected,)) = (previous.documents, reread_layer.documents, fresh.documents)
    for kind in Kind:
        assert len(new.entities(kind)) == len(expected.entities(kind))
        earlier = {e.id: e for e in old.entities(kind)}
        for read, plain in zip(new.entities(kind), expected.entities(kind), strict=True):
            same(read, plain, f"{kind.value} {plain.id}")
            assert read.origin == plain.origin
            was = earlier.get(plain.id)
            assert (read is was) == (was is not None and not differs(was, plain)), plain.id

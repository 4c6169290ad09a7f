"""Checking a run of plain tables a column at a time gives what checking each field does.

The reader builds a run of tables from columns (``columns.build_run``) when every table
of it is plain, and checks it table by table otherwise. For generated arrays of tables,
plain and not (bad ids, text to clean, blank names, bad dates, a duplicate id in the run
or an earlier one, an unknown key, a citation written as a table, tables of different
keys), the records, the problems with their lines and the count of removed characters
must be those of the per-field check alone.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core import columns, reader
from tui.core.problems import DocumentError

GOOD_IDS = ["a1", "e-2", "x.y_3", "q" * 64]
IDS = st.sampled_from([*GOOD_IDS, "Bad Id", "", "q" * 65, "a\nb", 7])
TEXTS = st.sampled_from(
    ["A title", "Élysée talks", "", " ", "\u200b", "bell\x07", "rtl\u202e", "x" * 301, "a\nb", 3]
)
DATES = st.sampled_from(["2001-02-03", "2001-02", "2001", "2001/2003", "2001-13-01", "..", 5])
TYPES = st.sampled_from(["PROTEST", "THREATEN", "SUPPORT", "protest", 1])
CITATIONS = st.lists(st.one_of(st.sampled_from(["s1", "s2"]), st.just({"id": "s1"})), max_size=2)
FIELDS = {
    "title": TEXTS,
    "date": DATES,
    "summary": TEXTS,
    "location": TEXTS,
    "actors": st.lists(IDS, max_size=3),
    "disagreements": st.lists(IDS, max_size=2),
    "type": TYPES,
    "sources": CITATIONS,
    "x_note": TEXTS,
    "colour": TEXTS,
}


HARMLESS_TEXTS = st.sampled_from(["bell\x07", "rtl\u202e", "Élysée", "\x85next", "a\nb"])
HARMLESS = {
    "title": HARMLESS_TEXTS,
    "summary": HARMLESS_TEXTS,
    "location": HARMLESS_TEXTS,
    "date": st.sampled_from(["2001-02-03", "2001-02-03/2002", "2001~", ".."]),
    "actors": st.lists(st.sampled_from(["a1", "e-2", "new-one"]), max_size=3),
    "disagreements": st.lists(st.sampled_from(["d1", "d2"]), max_size=2),
    "type": st.sampled_from(["PROTEST", "SUPPORT"]),
    "sources": st.lists(st.one_of(st.just("s1"), st.just({"id": "s2"})), max_size=2),
}
PLAIN = {
    "title": st.sampled_from(["A title", "Élysée talks", "talks, 2"]),
    "summary": st.sampled_from(["A title", "Élysée talks", "talks, 2"]),
    "location": st.sampled_from(["Paris", "Élysée"]),
    "date": st.sampled_from(["2001-02-03", "2001-02", "1999"]),
    "actors": st.lists(st.sampled_from(GOOD_IDS), max_size=3),
    "disagreements": st.lists(st.sampled_from(GOOD_IDS), max_size=2),
    "type": st.just("PROTEST"),
    "sources": st.lists(st.sampled_from(["s1", "s2"]), max_size=2),
}


@st.composite
def event_tables(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Event tables, mostly of one shape and plain values; in some documents a value
    here and there is not plain, or a table lacks a key."""
    keys = ["id", *draw(st.lists(st.sampled_from(list(PLAIN)), unique=True, max_size=5))]
    odd = draw(st.sampled_from([0, 0, 2, 6, 20]))  # 1 in ``odd`` values is not plain
    # Only values the per-field check takes (cleaning some): records to compare, not
    # just problems.
    harmless = draw(st.booleans())
    wilds = HARMLESS if harmless else FIELDS
    tables = []
    for i in range(draw(st.integers(0, 12))):
        table: dict[str, Any] = {"id": f"event-{i}", "title": "T", "date": "2001"}
        for key in keys if not odd or draw(st.integers(0, odd)) else keys[:-1]:
            wild = odd and draw(st.integers(0, odd)) == 0
            if key == "id":  # invalid, or perhaps one given before
                again = f"event-{draw(st.integers(0, 15))}"
                wild = wild and not harmless
                table["id"] = draw(st.one_of(IDS, st.just(again))) if wild else f"event-{i}"
            else:
                table[key] = draw(wilds[key] if wild else PLAIN[key])
        if odd and draw(st.integers(0, 4 * odd)) == 0:
            extra = ["x_note"] if harmless else ["x_note", "colour"]
            table[draw(st.sampled_from(extra))] = "extra"
        tables.append(table)
    return tables


def _read(tables: list[dict[str, Any]], columned: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    """What the reader gives for a document of ``tables`` (after one event of its own,
    whose id a table may give again), in runs of three tables; ``columned``: plain runs
    checked a column at a time, else every table field by field."""
    with monkeypatch.context() as patch:
        patch.setattr(reader, "RUN", 3)
        if not columned:
            patch.setattr(reader, "build_run", lambda *_: None)  # the per-field check alone
        raw = {
            "format": "faultline/1",
            "sources": [{"id": "s1", "title": "S"}, {"id": "s2", "title": "S"}],
            "events": [{"id": "event-15", "title": "First", "date": "2000"}]
            + [dict(t) for t in tables],
        }
        text = "\n".join(["[[events]]"] * (len(tables) + 1)) + "\n"  # a line for each
        try:
            document = reader._build_document(raw, "d.toml", layer="d", text=text)
        except DocumentError as error:
            return error.problems
        return dataclasses.astuple(document), document.sanitised


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event_tables())
def test_a_run_checked_by_columns_reads_as_field_by_field(
    tables: list[dict[str, Any]],
) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert _read(tables, True, monkeypatch) == _read(tables, False, monkeypatch)


def test_a_plain_run_is_built_from_columns() -> None:
    """The benchmark's shape is plain: each run is built by columns (else the speed-up
    would be lost unnoticed), and a table that is not plain sends its run back."""
    checker = reader.Checker("d.toml")
    spec, required = reader.KINDS[3][2], reader.KINDS[3][3]
    tables = [{"id": f"e{i}", "title": "T", "date": "2001", "actors": ["a1"]} for i in range(5)]
    origins = [reader.Origin("d", "d.toml", i + 1) for i in range(5)]
    event = reader.KINDS[3][1]
    built = columns.build_run(checker, tables, spec, required, event, origins, {}, 0)
    assert built is not None and [e.id for e in built] == [f"e{i}" for i in range(5)]
    assert built[0].actors is built[1].actors  # shared, as the per-field check shares them
    tables[3]["title"] = "bell\x07"  # to clean: the per-field check does it, and counts it
    assert columns.build_run(checker, tables, spec, required, event, origins, {}, 0) is None

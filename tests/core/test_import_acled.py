"""ACLED exports: a header row, dates only as precise as time_precision says, a BOM, CRLF
and notes with commas, quotes and line breaks."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import IMPORT_FIXTURES, import_rows

from tui.core.importers import ImportFailure
from tui.core.importers.acled import TERMS, acled_derived
from tui.core.importers.common import read_map
from tui.core.loading import load

EXPORT = IMPORT_FIXTURES / "acled-kazakhstan-2022.csv"
GDELT = IMPORT_FIXTURES / "20130118160000.export.CSV"
MAP = IMPORT_FIXTURES / "kz-map.toml"


def test_the_fixture_is_what_a_spreadsheet_saves():
    raw = EXPORT.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw


def test_each_time_precision_gives_that_much_of_a_date_and_no_more():
    imported, _, _ = import_rows("acled", EXPORT)
    assert imported.events["acled-kaz1001"]["date"] == "2022-01-05"  # 1: the day
    assert imported.events["acled-kaz1002"]["date"] == "2022-01-10~"  # 2: about a week
    assert imported.events["acled-kaz1003"]["date"] == "2022-01"  # 3: the month
    assert imported.events["acled-kgz2001"]["date"] == "2022-01-04"  # "04 January 2022"


def test_a_row_becomes_an_event_with_its_notes_actors_and_outlets():
    imported, tally, _ = import_rows("acled", EXPORT)
    riot = imported.events["acled-kaz1001"]
    assert (
        riot["title"] == "Violent demonstration: Rioters vs Police Forces of Kazakhstan in Almaty"
    )
    assert riot["summary"] == (
        'On 5 January 2022, rioters clashed with police in Almaty, saying "we want change, '
        'now".\nSeveral buildings were set on fire, including the akimat.'
    )
    assert riot["type"] == "PROTEST"
    assert riot["location"] == "Almaty, Kazakhstan"
    assert riot["actors"] == ["acled-rioters-kazakhstan"]
    assert riot["targets"] == ["acled-police-forces-of-kazakhstan-2019"]
    assert riot["sources"] == ["acled", "acled-src-kazakhstan-today", "acled-src-reuters"]
    assert riot["x_acled"]["fatalities"] == 2
    assert riot["x_acled"]["time_precision"] == 1
    assert imported.actors["acled-police-forces-of-kazakhstan-2019"]["kind"] == "organisation"
    assert imported.sources["acled"]["x_acled"]["terms"] == TERMS
    assert (tally.read, tally.kept, tally.skipped) == (6, 4, 2)


def test_bad_rows_are_reported_at_the_line_they_start_on():
    _, _, reported = import_rows("acled", EXPORT)
    # The first row's notes take two lines, so the short row is on line 5.
    assert reported == [
        f"{EXPORT}:5: 12 columns where the header has 31",
        f"{EXPORT}:7: time_precision '4' is not 1, 2 or 3",
    ]


def test_filters_by_iso_or_country_name_and_by_date():
    imported, _, _ = import_rows("acled", EXPORT, countries=frozenset({"417"}))
    assert list(imported.events) == ["acled-kgz2001"]
    imported, _, _ = import_rows("acled", EXPORT, countries=frozenset({"KAZAKHSTAN"}))
    assert len(imported.events) == 3
    imported, _, _ = import_rows("acled", EXPORT, since=dt.date(2022, 1, 6))
    assert sorted(imported.events) == ["acled-kaz1002", "acled-kaz1003"]


def test_the_map_attaches_an_acled_actor_by_name_and_grades_an_outlet():
    imported, _, _ = import_rows("acled", EXPORT, actor_map=read_map(MAP))
    assert imported.events["acled-kaz1002"]["actors"] == ["kz-public"]
    assert imported.sources["acled-src-kazakhstan-today"]["reliability"] == "C"
    assert imported.sources["acled-src-reuters"]["reliability"] == "F"


def test_the_output_validates_and_says_it_is_acled_derived(tmp_path):
    imported, _, _ = import_rows("acled", EXPORT, actor_map=read_map(MAP))
    out = tmp_path / "acled.toml"
    out.write_text(imported.text("toml"))
    dataset = load([IMPORT_FIXTURES.parents[2] / "data", out])
    assert not dataset.problems and not dataset.unresolved
    assert dataset.events["acled-kaz1002"].date.text == "2022-01-10~"
    assert acled_derived(dataset.sources.values())


def test_a_gdelt_file_given_to_acled_is_refused():
    with pytest.raises(ImportFailure, match="this is a GDELT export, not ACLED"):
        import_rows("acled", GDELT)


def test_a_csv_without_acled_columns_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,date\nx,2022-01-01\n")
    with pytest.raises(
        ImportFailure, match=r"other.csv:1: is not an ACLED export: .*event_id_cnty"
    ):
        import_rows("acled", path)


def test_newer_exports_write_inter_as_words_and_columns_may_be_missing(tmp_path):
    path = tmp_path / "new.csv"
    path.write_text(
        "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,inter1,"
        "country,location,notes\n"
        "KAZ9,2024-03-01,1,Protests,Peaceful protest,Protesters (Kazakhstan),Protesters,"
        'Kazakhstan,Almaty,"Teachers, again."\n'
    )
    imported, tally, reported = import_rows("acled", path)
    assert (tally.kept, reported) == (1, [])
    event = imported.events["acled-kaz9"]
    assert (event["summary"], event["location"]) == ("Teachers, again.", "Almaty, Kazakhstan")
    assert imported.actors["acled-protesters-kazakhstan"]["role"] == "Protesters"

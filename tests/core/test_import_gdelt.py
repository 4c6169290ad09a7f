"""GDELT 2.0 events: the 15-minute export (tab-separated, 61 columns, no header) and
BigQuery's CSV with a header, read into a faultline/1 document."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest
from helpers import IMPORT_FIXTURES, import_rows

from tui.core.importers import ImportFailure
from tui.core.importers.common import read_map
from tui.core.importers.gdelt import COLUMNS, INDEX
from tui.core.loading import load

EXPORT = IMPORT_FIXTURES / "20130118160000.export.CSV"
BIGQUERY = IMPORT_FIXTURES / "gdelt-bigquery.csv"
MAP = IMPORT_FIXTURES / "kz-map.toml"
DOSSIER = Path(__file__).resolve().parents[2] / "data"


def test_the_columns_are_the_codebooks_61_in_order():
    # GDELT_2.0_Column_Labels_Header_Row_Sep2016.csv (linwoodc3/gdelt2HeaderRows), rows 0-60.
    assert len(COLUMNS) == 61
    assert COLUMNS[:2] == ["GLOBALEVENTID", "SQLDATE"]
    assert (COLUMNS[25], COLUMNS[26], COLUMNS[29], COLUMNS[34]) == (
        "IsRootEvent", "EventCode", "QuadClass", "AvgTone",
    )  # fmt: skip
    assert (INDEX["ActionGeo_FullName"], INDEX["DATEADDED"], INDEX["SOURCEURL"]) == (52, 59, 60)


def test_an_export_becomes_events_actors_and_sources():
    imported, tally, _ = import_rows("gdelt", EXPORT)
    visit = imported.events["gdelt-1000000001"]
    assert visit["title"] == "Nursultan Nazarbayev hosts a visit → Vladimir Putin"
    assert visit["date"] == "2013-01-18"
    assert visit["type"] == "CONSULT"
    assert visit["location"] == "Astana, Astana, Kazakhstan"
    assert visit["actors"] == ["gdelt-kazgov-nursultan-nazarbayev"]
    assert visit["targets"] == ["gdelt-rusgov-vladimir-putin"]
    extra = visit["x_gdelt"]
    assert extra["cameo"] == "043"  # a string with its leading zero, never 43
    assert (extra["quad_class"], extra["goldstein"], extra["num_mentions"]) == (1, 2.8, 10)
    assert (extra["avg_tone"], extra["lat"], extra["long"]) == (1.52, 51.1801, 71.446)
    # FIPS 10-4 (KZ) is kept as the geography's code, never taken for an ISO country.
    assert extra["geo_fips"] == "KZ"
    source = imported.sources[visit["sources"][0]]
    assert source["url"] == "https://news.example.com/2013/01/18/astana-visit"
    assert source["reliability"] == "F"
    assert (tally.read, tally.kept, tally.filtered, tally.skipped) == (9, 6, 0, 3)


def test_the_same_code_with_two_names_is_two_actors():
    imported, _, _ = import_rows("gdelt", EXPORT)
    person = imported.actors["gdelt-kazgov-nursultan-nazarbayev"]
    state = imported.actors["gdelt-kazgov-kazakhstan"]
    assert (person["name"], state["name"]) == ("Nursultan Nazarbayev", "Kazakhstan")
    assert person["x_gdelt"]["code"] == state["x_gdelt"]["code"] == "KAZGOV"
    assert imported.actors["gdelt-kaz-kazakhstan"]["kind"] == "state"
    assert imported.actors["gdelt-kazopp-kazakhstan"]["kind"] == "party"
    assert imported.actors["gdelt-ukrreb-rebel"]["kind"] == "group"
    assert person["country"] == "KAZ"


def test_roots_01_and_02_have_no_plover_type_but_keep_their_code():
    imported, _, _ = import_rows("gdelt", EXPORT)
    statement = imported.events["gdelt-1000000003"]
    assert "type" not in statement
    assert statement["x_gdelt"]["cameo"] == "010"
    appeal = imported.events["gdelt-1000000005"]
    assert "type" not in appeal
    assert appeal["x_gdelt"]["cameo"] == "0211"
    assert appeal["title"] == "Kyrgyzstan appeals for economic cooperation → Kazakhstan"


def test_a_blank_actor_is_left_out_and_an_outlet_without_url_is_a_source():
    imported, _, _ = import_rows("gdelt", EXPORT)
    arrest = imported.events["gdelt-1000000004"]
    assert "actors" not in arrest
    assert arrest["title"].startswith("Unidentified actor arrests, detains, or charges")
    statement = imported.events["gdelt-1000000003"]
    source = imported.sources[statement["sources"][0]]
    assert source["title"] == "BBC Monitoring"
    assert "url" not in source


def test_bad_rows_are_located_counted_and_skipped():
    _, tally, reported = import_rows("gdelt", EXPORT)
    assert reported == [
        f"{EXPORT}:4: 30 columns, not 61",
        f"{EXPORT}:6: SQLDATE '20131345' is not a date YYYYMMDD",
        f"{EXPORT}:9: GoldsteinScale 'high' is not a number",
    ]
    assert tally.skipped == 3


def test_strict_makes_a_bad_row_fatal():
    with pytest.raises(ImportFailure, match=r":4: 30 columns, not 61 \(--strict\)"):
        import_rows("gdelt", EXPORT, strict=True)


def test_bigquery_csv_with_a_header_in_any_order():
    imported, tally, reported = import_rows("gdelt", BIGQUERY)
    assert (tally.read, tally.kept, reported) == (2, 2, [])
    visit = imported.events["gdelt-1000000101"]
    assert visit["title"] == "Nursultan Nazarbayev hosts a visit → Vladimir Putin"
    assert visit["location"] == "Astana, Astana, Kazakhstan"  # its commas were quoted
    # A spreadsheet wrote 43 for 043: the zero is restored (roots run 01 to 20).
    assert imported.events["gdelt-1000000102"]["x_gdelt"]["cameo"] == "043"
    assert imported.events["gdelt-1000000102"]["type"] == "CONSULT"


def test_a_header_without_the_required_columns_is_refused(tmp_path):
    path = tmp_path / "partial.csv"
    path.write_text("GLOBALEVENTID,Actor1Code\n1,KAZ\n")
    with pytest.raises(ImportFailure, match=r"partial.csv:1: .* no SQLDATE, EventCode column"):
        import_rows("gdelt", path)


def test_a_zip_and_a_gzip_read_as_the_plain_file(tmp_path):
    archive = tmp_path / "20130118160000.export.CSV.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(EXPORT, EXPORT.name)
    squeezed = tmp_path / "day.gz"
    squeezed.write_bytes(gzip.compress(EXPORT.read_bytes()))
    plain, _, _ = import_rows("gdelt", EXPORT)
    for path in (archive, squeezed):
        imported, _, reported = import_rows("gdelt", path)
        assert imported.events == plain.events
    _, _, reported = import_rows("gdelt", archive)
    assert reported[0] == f"{archive}:{EXPORT.name}:4: 30 columns, not 61"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("acled.csv", "event_id_cnty,event_date,year\nKAZ1,2022-01-05,2022\n", "ACLED export"),
        ("notes.txt", "nothing to see\n", "first line has 1 tab-separated column, not 61"),
        ("empty.csv", "", "is empty"),
        ("v1.tsv", "\t".join(["1"] * 57) + "\n", "GDELT 1.0 events file"),
    ],
)
def test_a_file_of_the_wrong_kind_is_refused_at_once(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ImportFailure, match=message):
        import_rows("gdelt", path)


def test_a_zip_without_an_export_is_refused(tmp_path):
    archive = tmp_path / "odd.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.pdf", b"%PDF")
    with pytest.raises(ImportFailure) as refused:
        import_rows("gdelt", archive)
    assert str(refused.value) == (
        f"{archive}: the zip holds nothing that looks like a GDELT 2.0 events export "
        "(it holds readme.pdf)"
    )


def test_filters_count_what_they_leave_out():
    imported, tally, _ = import_rows("gdelt", EXPORT, countries=frozenset({"RUS"}))
    assert sorted(imported.events) == ["gdelt-1000000001", "gdelt-1000000002"]
    assert (tally.kept, tally.filtered) == (2, 4)
    import datetime as dt

    imported, _, _ = import_rows(
        "gdelt", EXPORT, since=dt.date(2013, 1, 19), until=dt.date(2013, 1, 20)
    )
    assert sorted(imported.events) == ["gdelt-1000000003", "gdelt-1000000004", "gdelt-1000000005"]
    imported, _, _ = import_rows("gdelt", EXPORT, root_only=True, min_mentions=4)
    assert sorted(imported.events) == ["gdelt-1000000001", "gdelt-1000000003", "gdelt-1000000004"]


def test_the_map_attaches_events_to_the_default_dossiers_actors():
    imported, _, _ = import_rows("gdelt", EXPORT, actor_map=read_map(MAP))
    visit = imported.events["gdelt-1000000001"]
    assert (visit["actors"], visit["targets"]) == (["nazarbayev"], ["ru"])  # id beats KAZ
    talks = imported.events["gdelt-1000000002"]
    assert (talks["actors"], talks["targets"]) == (["kz"], ["ru"])
    assert imported.events["gdelt-1000000004"]["targets"] == ["kz-opposition"]  # KAZOPP
    assert imported.events["gdelt-1000000003"]["actors"] == ["kz"]  # KAZGOV falls to KAZ
    # Mapped actors are the dossier's own: no imported copy is written for them.
    assert not any(a.get("country") in ("KAZ", "RUS") for a in imported.actors.values())
    assert imported.sources[visit["sources"][0]]["reliability"] == "B"  # [outlets]


def _write(imported, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text(imported.text(name.rsplit(".", 1)[1]), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["out.json", "out.toml"])
def test_the_output_validates_layers_and_round_trips(tmp_path, name):
    from tui.core.export import export

    imported, _, _ = import_rows("gdelt", EXPORT, BIGQUERY, actor_map=read_map(MAP))
    out = _write(imported, tmp_path, name)
    dataset = load([DOSSIER, out])
    assert not dataset.problems
    assert not dataset.unresolved  # every mapped id is one of the dossier's
    assert dataset.events["gdelt-1000000001"].actors == ("nazarbayev",)
    again = tmp_path / "again.json"
    again.write_text(export(load([out]), "json"))
    assert (
        json.loads(again.read_text())["events"]
        == json.loads(export(load([again]), "json"))["events"]
    )
    assert set(load([again]).events) == set(imported.events)


def test_ids_are_stable_so_a_second_import_replaces_the_first(tmp_path):
    first = _write(import_rows("gdelt", EXPORT)[0], tmp_path, "first.json")
    second = _write(import_rows("gdelt", EXPORT, BIGQUERY)[0], tmp_path, "second.json")
    repeat = _write(import_rows("gdelt", EXPORT)[0], tmp_path, "repeat.json")
    assert first.read_text() == repeat.read_text()
    dataset = load([first, second])
    assert not dataset.problems
    assert len(dataset.events) == 8
    replaced = {i for i, e in dataset.events.items() if e.replaced is not None}
    assert "gdelt-1000000001" in replaced


def test_a_url_naming_globaleventid_does_not_make_a_row_a_header(tmp_path):
    fields = EXPORT.read_text().splitlines()[0].split("\t")
    fields[60] = "https://news.example.com/?globaleventid=1000000001"
    path = tmp_path / "one.export.CSV"
    path.write_text("\t".join(fields) + "\n")
    imported, tally, _ = import_rows("gdelt", path)
    assert (list(imported.events), tally.kept) == (["gdelt-1000000001"], 1)


def test_control_and_bidi_characters_never_reach_the_document(tmp_path):
    fields = EXPORT.read_text().splitlines()[0].split("\t")
    fields[INDEX["Actor1Name"]] = "EVIL\x1b]52;c;ZXZpbA==\x07 \u202eNAME"
    fields[INDEX["ActionGeo_FullName"]] = "Astana\x1b[2J, Kazakhstan"
    fields[INDEX["SOURCEURL"]] = "Wire\x9b31m Service"
    path = tmp_path / "evil.export.CSV"
    path.write_text("\t".join(fields) + "\n")
    imported, _, _ = import_rows("gdelt", path)
    out = _write(imported, tmp_path, "evil.json")
    dataset = load([out])
    assert not dataset.problems
    assert dataset.layers[0].sanitised == 0  # nothing left for the reader to remove
    event = dataset.events["gdelt-1000000001"]
    assert event.title.startswith("EVIL]52;c;ZXZpbA== NAME hosts a visit")  # ESC, BEL, RLO gone
    assert event.location == "Astana[2J, Kazakhstan"

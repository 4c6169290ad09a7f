"""PLOVER records, as JSON Lines or a JSON array, read one record at a time."""

from __future__ import annotations

import json

import pytest
from helpers import IMPORT_FIXTURES, import_rows

from tui.core.importers import ImportedDocument, ImportFailure
from tui.core.importers.common import read_map
from tui.core.loading import load

JSONL = IMPORT_FIXTURES / "plover-kazakhstan.jsonl"
MAP = IMPORT_FIXTURES / "kz-map.toml"


def test_records_become_events_with_their_type_mode_and_context():
    imported, tally, reported = import_rows("plover", JSONL)
    # What an import builds is one document, not a dossier (the documents on disk).
    assert isinstance(imported, ImportedDocument)
    visit = imported.events["plover-plv-2013-0001"]
    assert visit["title"] == "KAZ consults (visit) → RUS"
    assert visit["type"] == "CONSULT"
    assert visit["summary"] == "Putin visited Astana for talks on the Eurasian Union."
    assert visit["x_plover"]["mode"] == ["visit"]
    assert visit["x_plover"]["context"] == ["diplomatic"]
    source = imported.sources[visit["sources"][0]]
    assert source["url"] == "https://news.example.com/2013/01/18/astana-visit"
    assert (tally.read, tally.kept, tally.skipped) == (6, 4, 2)
    assert reported == [
        f"{JSONL}:3: date '2013-02-30' is not a date YYYY-MM-DD",
        f"{JSONL}:4: not JSON: Expecting value (column 1)",
    ]


def test_demand_is_request_an_enddate_is_an_interval_and_wikidata_is_kept():
    imported, _, _ = import_rows("plover", JSONL)
    demand = imported.events["plover-plv-2013-0002"]
    assert demand["type"] == "REQUEST"
    assert demand["x_plover"]["event"] == ["DEMAND"]  # as the source wrote it
    assert demand["date"] == "2013-01-23/2013-01-25"
    person = imported.actors[demand["actors"][0]]
    assert (person["name"], person["wikidata"], person["country"]) == (
        "Nursultan Nazarbayev", "Q232", "KAZ",
    )  # fmt: skip


def test_several_actors_and_types_an_unknown_type_and_a_link_that_is_no_url():
    imported, _, _ = import_rows("plover", JSONL)
    union = imported.events["plover-plv-2013-0004"]
    assert union["title"] == "BLR and KAZ cooperate → RUS"
    assert (union["type"], union["x_plover"]["event"]) == ("COOPERATE", ["COOPERATE", "AGREE"])
    assert union["x_plover"]["link"] == "customs-union-2013"
    assert "sources" not in union
    odd = imported.events["plover-plv-2013-0005"]
    assert "type" not in odd and odd["x_plover"]["event"] == ["CELEBRATE"]


def test_a_json_array_reads_the_same_and_a_broken_one_is_located(tmp_path):
    records = [json.loads(line) for line in JSONL.read_text().splitlines() if line[0] == "{"]
    path = tmp_path / "events.json"
    path.write_text(json.dumps(records, indent=2))
    imported, _, reported = import_rows("plover", path)
    plain, _, _ = import_rows("plover", JSONL)
    assert imported.events == plain.events
    assert len(reported) == 1 and ": date '2013-02-30'" in reported[0]
    broken = tmp_path / "broken.json"
    broken.write_text('[\n{"id": "a", "date": "2013-01-01", "event": "AID"},\n{"id": \n')
    with pytest.raises(ImportFailure, match=r"broken.json:3: the JSON array cannot be read"):
        import_rows("plover", broken)


def test_an_array_on_one_line_reads_the_same_and_a_break_in_it_is_located(tmp_path):
    # As json.dumps writes it: every record on line 1 (read in linear time: bench/README).
    records = [json.loads(line) for line in JSONL.read_text().splitlines() if line[0] == "{"]
    path = tmp_path / "compact.json"
    path.write_text(json.dumps(records))
    imported, _, _ = import_rows("plover", path)
    assert imported.events == import_rows("plover", JSONL)[0].events
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": "a", "date": "2013-01-01", "event": "AID"}, {"id": ]\n')
    with pytest.raises(ImportFailure) as failed:
        import_rows("plover", broken)
    assert str(failed.value) == (
        f"{broken}:1: the JSON array cannot be read from the record that starts here: "
        "Expecting value (line 1, column 8)"
    )


def test_the_map_attaches_by_code_and_the_output_layers_with_the_dossier(tmp_path):
    imported, _, _ = import_rows("plover", JSONL, actor_map=read_map(MAP))
    visit = imported.events["plover-plv-2013-0001"]
    assert (visit["actors"], visit["targets"]) == (["kz"], ["ru"])
    out = tmp_path / "plover.json"
    out.write_text(imported.text("json"))
    dataset = load([IMPORT_FIXTURES.parents[2] / "data", out])
    assert not dataset.problems
    assert dataset.events["plover-plv-2013-0002"].date.text == "2013-01-23/2013-01-25"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"format": "faultline/1", "actors": []}\n', "this is a faultline/1 document"),
        ("event_id_cnty,event_date\n", "not JSON"),
        ('{"name": "x"}\n', "its first record has no date and event"),
        ("", "is empty"),
    ],
)
def test_a_file_of_the_wrong_kind_is_refused(tmp_path, content, message):
    path = tmp_path / "input.json"
    path.write_text(content)
    with pytest.raises(ImportFailure, match=message):
        import_rows("plover", path)

"""Recording a fact: ``append_entity`` appends one checked table, keeps the file's text,
refuses (file untouched) what would not validate, and creates a missing file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tui.core.authoring import HEADER, AppendRefused, append_entity
from tui.core.loading import load, read_file

DOSSIER = """\
# Our Kazakhstan file: kept by hand.
format = "faultline/1"

[[actors]]
id = "kz"
name = "Kazakhstan"   # the state
kind = "state"

[[disagreements]]
id = "union"
title = "Political union?"

[[disagreements.positions]]
actor = "kz"
stance = "neutral"
as_of = "2012"

[[disagreements]]
id = "oil"
title = "Oil supplies"
"""


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    path = tmp_path / "kz.toml"
    path.write_text(DOSSIER, encoding="utf-8")
    return path


def test_a_position_is_appended_at_the_top_level_and_joins_its_disagreement(
    dossier: Path,
) -> None:
    append_entity(
        dossier,
        "position",
        {
            "disagreement": "union",
            "actor": "kz",
            "stance": "oppose",
            "as_of": "2013-01-18",
            "quote": 'integration "yes", a political union no',
            "sources": None,
            "summary": "",
        },
    )
    text = dossier.read_text(encoding="utf-8")
    assert text.startswith(DOSSIER)  # comments and layout kept, byte for byte
    assert text[len(DOSSIER) :] == (
        "\n[[positions]]\n"
        'disagreement = "union"\n'
        'actor = "kz"\n'
        'stance = "oppose"\n'
        "as_of = 2013-01-18\n"
        'quote = "integration \\"yes\\", a political union no"\n'
    )
    dataset = load([dossier])
    assert not dataset.problems and not dataset.unresolved
    assert dataset.disagreements["union"].current()["kz"].quote == (
        'integration "yes", a political union no'
    )
    assert not dataset.disagreements["oil"].positions  # not the last disagreement


def test_strings_become_what_their_key_holds(dossier: Path) -> None:
    append_entity(
        dossier,
        "event",
        {
            "id": "talks",
            "title": "Talks\nin Astana",
            "date": "2013-01",
            "actors": "kz, kz2",
            "disagreements": ["union"],
            "type": "CONSULT",
        },
    )
    append_entity(dossier, "actor", {"id": "kz2", "name": "KazMunayGas", "kind": "company"})
    append_entity(
        dossier,
        "position",
        {"disagreement": "oil", "actor": "kz2", "stance": "support", "score": "2"},
    )
    dataset = load([dossier])
    event = dataset.events["talks"]
    assert (event.title, event.date.text, event.actors) == (
        "Talks\nin Astana",
        "2013-01",
        ("kz", "kz2"),
    )
    assert dataset.disagreements["oil"].current()["kz2"].score == 2
    assert 'date = "2013-01"' in dossier.read_text(encoding="utf-8")  # a month is quoted


def test_what_would_not_validate_is_refused_and_the_file_is_untouched(dossier: Path) -> None:
    before = dossier.read_bytes()
    with pytest.raises(AppendRefused) as refused:
        append_entity(
            dossier,
            "position",
            {"disagreement": "union", "actor": "kz", "stance": "up", "as_of": "2013-13"},
        )
    assert [str(p) for p in refused.value.problems] == [
        (
            f"{dossier}: positions[0].stance: 'up' is not one of: support, oppose, mixed, "
            "neutral, unknown"
        ),
        f"{dossier}: positions[0].as_of: '2013-13' is not a date (there is no month 13)",
    ]
    assert refused.value.fields == {
        "stance": "'up' is not one of: support, oppose, mixed, neutral, unknown",
        "as_of": "'2013-13' is not a date (there is no month 13)",
    }
    assert dossier.read_bytes() == before


def test_a_duplicate_is_refused_naming_the_other(dossier: Path) -> None:
    before = dossier.read_bytes()
    with pytest.raises(AppendRefused) as refused:
        append_entity(
            dossier, "position", {"disagreement": "union", "actor": "kz", "stance": "oppose",
                                  "as_of": "2012"},
        )  # fmt: skip
    (problem,) = refused.value.problems
    assert (
        "already has a position on 'union' with as_of 2012 at disagreements[0].positions[0] "
        in (str(problem))
    )
    with pytest.raises(AppendRefused, match="duplicate actor id 'kz': also at actors\\[0\\]"):
        append_entity(dossier, "actor", {"id": "kz", "name": "Again", "kind": "state"})
    assert dossier.read_bytes() == before


def test_a_file_with_problems_of_its_own_is_not_touched(dossier: Path) -> None:
    dossier.write_text(DOSSIER + "as_of = 2023-09\n", encoding="utf-8")
    before = dossier.read_bytes()
    with pytest.raises(AppendRefused) as refused:
        append_entity(dossier, "actor", {"id": "ru", "name": "Russia", "kind": "state"})
    lines = [str(p) for p in refused.value.problems]
    assert lines[0].startswith(f"{dossier}:{DOSSIER.count(chr(10)) + 1}:")
    assert lines[-1] == f"{dossier}: has problems of its own; fix them first"
    assert dossier.read_bytes() == before


def test_a_missing_file_is_created_with_the_format_header(tmp_path: Path) -> None:
    path = tmp_path / "captured.toml"
    append_entity(path, "source", {"id": "osw", "title": "OSW", "reliability": "B"})
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HEADER)
    assert read_file(path).sources[0].reliability == "B"


def test_json_documents_get_the_entity_in_their_array(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps({"format": "faultline/1", "actors": []}), encoding="utf-8")
    append_entity(path, "actor", {"id": "kz", "name": "Kazakhstan", "kind": "state"})
    append_entity(path, "position", {"disagreement": "d", "actor": "kz", "stance": "oppose"})
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["actors"] == [{"id": "kz", "name": "Kazakhstan", "kind": "state"}]
    assert document["positions"] == [{"disagreement": "d", "actor": "kz", "stance": "oppose"}]


def test_the_file_keeps_its_mode_and_is_replaced_whole(dossier: Path) -> None:
    dossier.chmod(0o640)
    inode = dossier.stat().st_ino
    append_entity(dossier, "actor", {"id": "ru", "name": "Russia", "kind": "state"})
    assert dossier.stat().st_mode & 0o777 == 0o640
    assert dossier.stat().st_ino != inode  # a new file renamed over the old: never half-written
    assert not [p for p in os.listdir(dossier.parent) if p.endswith(".tmp")]


def test_control_characters_are_escaped_and_then_removed_by_the_reader(dossier: Path) -> None:
    append_entity(dossier, "actor", {"id": "ru", "name": "Rus\x1b[2Jsia", "kind": "state"})
    assert "\x1b" not in dossier.read_text(encoding="utf-8")
    document = read_file(dossier)
    assert document.actors[-1].name == "Rus[2Jsia" and document.sanitised == 1


def test_a_file_keeps_its_line_endings_and_byte_order_mark(dossier: Path) -> None:
    original = b"\xef\xbb\xbf" + DOSSIER.replace("\n", "\r\n").encode("utf-8")
    dossier.write_bytes(original)
    append_entity(dossier, "actor", {"id": "ru", "name": "Russia", "kind": "state"})
    data = dossier.read_bytes()
    assert data.startswith(original)
    assert (
        data[len(original) :]
        == b'\r\n[[actors]]\r\nid = "ru"\r\nname = "Russia"\r\nkind = "state"\r\n'
    )
    assert read_file(dossier).actors[-1].name == "Russia"


@pytest.mark.parametrize(
    "written",
    [
        'events = [{ id = "a", title = "A", date = 2013-01-01 }]',
        "events = []",
    ],
)
def test_an_inline_array_is_refused_saying_where_and_what_to_do(
    tmp_path: Path, written: str
) -> None:
    path = tmp_path / "inline.toml"
    original = f'format = "faultline/1"\n# by hand\n{written}\n'
    path.write_text(original, encoding="utf-8")
    with pytest.raises(AppendRefused) as refused:
        append_entity(path, "event", {"id": "b", "title": "B", "date": "2013-02"})
    # Not tomli's "Cannot mutate immutable namespace": the line, and what to do.
    assert str(refused.value).startswith(f"{path}:3: events: written here as an inline array")
    assert "add the entry to that array by hand" in str(refused.value)
    assert path.read_text(encoding="utf-8") == original

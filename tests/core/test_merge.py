"""Layers merge in order, whole entities replace, references resolve on the merged whole."""

from __future__ import annotations

from pathlib import Path

from tui.core.loading import load, read_layer

BASE = """\
[[actors]]
id = "kz"
name = "Kazakhstan"
kind = "state"

[[actors]]
id = "ru"
name = "Russia"
kind = "state"

[[disagreements]]
id = "oil"
title = "Oil supply"

[[disagreements.positions]]
actor = "kz"
stance = "oppose"
"""

LATER = """\
format = "faultline/1"

[[actors]]
id = "kz"
name = "Republic of Kazakhstan"
kind = "state"

[[events]]
id = "talks"
title = "Oil talks"
date = "2013-02"
actors = ["kz", "ru"]
targets = ["by"]
disagreements = ["oil"]
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_later_layer_replaces_whole_entity_and_references_resolve_across_layers(
    tmp_path: Path,
) -> None:
    base = write(tmp_path / "base.toml", BASE)
    later = write(tmp_path / "later.toml", LATER)
    dataset = load([base, later])
    kz = dataset.actors["kz"]
    assert kz.name == "Republic of Kazakhstan"
    assert kz.origin is not None and kz.origin.document == str(later)
    assert kz.replaced is not None and kz.replaced.document == str(base)
    assert dataset.actors["ru"].replaced is None
    # The event in the later layer refers to actors and a disagreement of the base layer.
    assert [e.id for e in dataset.events_by_disagreement["oil"]] == ["talks"]
    assert [e.id for e in dataset.events_by_actor["ru"]] == ["talks"]
    # Only "by" is defined nowhere: reported as a warning naming the place, never fatal.
    assert [str(p) for p in dataset.unresolved] == [
        (
            f"warning: {later}:8: event 'talks' targets[0]: unresolved reference: "
            "no actor 'by' is defined in any layer"
        )
    ]


def test_bad_document_is_rejected_whole_and_the_rest_still_loads(tmp_path: Path) -> None:
    write(tmp_path / "dossier" / "a.toml", BASE)
    write(tmp_path / "dossier" / "b.toml", LATER.replace('date = "2013-02"', 'date = "someday"'))
    dataset = load([tmp_path / "dossier"])
    assert set(dataset.actors) == {"kz", "ru"}
    assert dataset.actors["kz"].name == "Kazakhstan"  # nothing from the bad document
    assert dataset.events == {}
    (problem,) = dataset.problems
    assert str(problem).startswith(
        f"{tmp_path / 'dossier' / 'b.toml'}:11: events[0].date: "
        "'someday' is not a date (expected YYYY, "
    )


def test_duplicate_id_within_a_layer_names_both_places(tmp_path: Path) -> None:
    write(tmp_path / "d" / "1.toml", BASE)
    write(tmp_path / "d" / "2.toml", '[[actors]]\nid = "ru"\nname = "Again"\nkind = "state"\n')
    layer = read_layer(tmp_path / "d")
    assert [d.name for d in layer.documents] == [str(tmp_path / "d" / "1.toml")]
    assert [str(p) for p in layer.problems] == [
        (
            f"{tmp_path / 'd' / '2.toml'}:1: duplicate actor id 'ru' in layer {tmp_path / 'd'}: "
            f"also defined at {tmp_path / 'd' / '1.toml'}:6"
        )
    ]


def test_same_id_in_different_kinds_does_not_clash(tmp_path: Path) -> None:
    text = BASE + '\n[[events]]\nid = "kz"\ntitle = "An event called kz"\ndate = "2013"\n'
    dataset = load([write(tmp_path / "a.toml", text)])
    assert "kz" in dataset.actors and "kz" in dataset.events and not dataset.problems


def test_missing_path_is_reported_and_other_layers_load(tmp_path: Path) -> None:
    dataset = load([tmp_path / "nowhere.toml", write(tmp_path / "a.toml", BASE)])
    assert [str(p) for p in dataset.problems] == [
        f"{tmp_path / 'nowhere.toml'}: no such file or directory"
    ]
    assert len(dataset.actors) == 2


def test_directory_documents_are_read_in_sorted_path_order(tmp_path: Path) -> None:
    write(tmp_path / "d" / "b.toml", '[[actors]]\nid = "x"\nname = "From b"\nkind = "other"\n')
    write(tmp_path / "d" / "a" / "z.toml", '[[events]]\nid = "e"\ntitle = "E"\ndate = "2001"\n')
    write(tmp_path / "d" / "notes.md", "not a document")
    layer = read_layer(tmp_path / "d")
    assert [Path(d.name).name for d in layer.documents] == ["z.toml", "b.toml"]
    assert not layer.problems


def test_position_history_and_current_stance(tmp_path: Path) -> None:
    text = (
        BASE + '\n[[disagreements.positions]]\nactor = "kz"\nstance = "support"\nas_of = "2012"\n'
    )
    text += '\n[[disagreements.positions]]\nactor = "kz"\nstance = "mixed"\nas_of = "2012-06"\n'
    dataset = load([write(tmp_path / "a.toml", text)])
    oil = dataset.disagreements["oil"]
    assert [p.stance for p in oil.history("kz")] == ["oppose", "support", "mixed"]
    assert oil.current()["kz"].stance == "mixed"
    assert oil.tally()["mixed"] == 1 and oil.tally()["oppose"] == 0


def test_timeline_puts_planned_events_after_reported_ones(tmp_path: Path) -> None:
    text = """
[[events]]
id = "target"
title = "Latin script by 2025"
date = "../2025"
status = "planned"
likelihood = "likely"

[[events]]
id = "later"
title = "Reported in 2030"
date = "2030"

[[events]]
id = "day"
title = "A day in September"
date = "2012-09-05"

[[events]]
id = "month"
title = "Some day in September"
date = "2012-09"
"""
    dataset = load([write(tmp_path / "a.toml", text)])
    # Earliest possible day first: "2012-09" may be 1 September, before the 5th.
    assert [e.id for e in dataset.timeline] == ["month", "day", "later", "target"]

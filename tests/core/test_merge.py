"""Layers merge in order, whole entities replace, references resolve on the merged whole."""

from __future__ import annotations

from pathlib import Path

from tui.core.browse import remerge
from tui.core.loading import load, read_bytes, read_layer
from tui.core.merge import Layer, check_layer, merge
from tui.core.model import Actor, Document, Kind, Origin

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


def test_a_clash_in_the_middle_document_rejects_only_that_document(tmp_path: Path) -> None:
    # Three documents in one folder; the second repeats an id of the first. The third is
    # still read: an analyst loses only the document that clashed, never those after it.
    write(tmp_path / "d" / "1.toml", BASE)
    write(tmp_path / "d" / "2.toml", '[[actors]]\nid = "ru"\nname = "Again"\nkind = "state"\n')
    write(tmp_path / "d" / "3.toml", '[[actors]]\nid = "by"\nname = "Belarus"\nkind = "state"\n')
    dataset = load([tmp_path / "d"])
    assert [Path(d.name).name for d in dataset.layers[0].documents] == ["1.toml", "3.toml"]
    assert sorted(dataset.actors) == ["by", "kz", "ru"]
    assert dataset.actors["ru"].name == "Russia"
    assert [p.document for p in dataset.problems] == [str(tmp_path / "d" / "2.toml")]


DANGLING = """\
[[sources]]
id = "osw"
title = "OSW"

[[actors]]
id = "kz"
name = "Kazakhstan"
kind = "state"

[[actors]]
id = "nazarbayev"
name = "Nursultan Nazarbayev"
kind = "person"
member_of = ["kz", "ghost-party"]

[[disagreements]]
id = "oil"
title = "Oil supply"
sources = ["osw"]

[[disagreements.positions]]
actor = "kz"
stance = "oppose"

[[disagreements]]
id = "union"
title = "Political union?"
sources = ["osw", "ghost-report"]

[[disagreements.positions]]
actor = "ghost-state"
stance = "support"
sources = [{ id = "ghost-interview", locator = "para 2" }]

[[events]]
id = "summit"
title = "Summit"
date = "2013-01"
actors = ["kz"]
disagreements = ["oil"]
sources = ["osw"]

[[events]]
id = "talks"
title = "Talks"
date = "2013-02"
actors = ["kz", "ghost-minister"]
targets = ["ghost-bloc"]
disagreements = ["ghost-question"]
sources = ["ghost-wire"]
"""


def test_every_kind_of_dangling_reference_is_reported_after_resolved_entities(
    tmp_path: Path,
) -> None:
    # In each kind a fully resolved entity comes first, so a check that stopped at it
    # would hide the warnings for the entities after it.
    path = write(tmp_path / "a.toml", DANGLING)
    dataset = load([path])
    assert [(p.path, p.message) for p in dataset.unresolved] == [
        (
            "actor 'nazarbayev' member_of[1]",
            "unresolved reference: no actor 'ghost-party' is defined in any layer",
        ),
        (
            "disagreement 'union' sources[1]",
            (
                "unresolved reference: no source 'ghost-report' is defined in any layer"
                '; a citation names a [[sources]] table: add one with id = "ghost-report"'
            ),
        ),
        (
            "disagreement 'union' positions[0].actor",
            "unresolved reference: no actor 'ghost-state' is defined in any layer",
        ),
        (
            "disagreement 'union' positions[0].sources[0]",
            (
                "unresolved reference: no source 'ghost-interview' is defined in any layer"
                '; a citation names a [[sources]] table: add one with id = "ghost-interview"'
            ),
        ),
        (
            "event 'talks' actors[1]",
            "unresolved reference: no actor 'ghost-minister' is defined in any layer",
        ),
        (
            "event 'talks' targets[0]",
            "unresolved reference: no actor 'ghost-bloc' is defined in any layer",
        ),
        (
            "event 'talks' disagreements[0]",
            "unresolved reference: no disagreement 'ghost-question' is defined in any layer",
        ),
        (
            "event 'talks' sources[0]",
            (
                "unresolved reference: no source 'ghost-wire' is defined in any layer"
                '; a citation names a [[sources]] table: add one with id = "ghost-wire"'
            ),
        ),
    ]
    assert all(p.warning and p.document == str(path) for p in dataset.unresolved)
    assert [p.line for p in dataset.unresolved] == [10, 25, 25, 25, 43, 43, 43, 43]


def test_each_single_dangling_reference_is_reported_on_its_own(tmp_path: Path) -> None:
    # One dangling reference at a time, every other one resolved: each is still found.
    defined = (
        '\n[[actors]]\nid = "ghost-{0}"\nname = "G"\nkind = "other"\n'
        '\n[[sources]]\nid = "ghost-{0}"\ntitle = "G"\n'
    )
    ghosts = ["party", "state", "minister", "bloc", "report", "interview", "wire"]
    for missing in [*ghosts, "question"]:
        text = DANGLING + "".join(defined.format(g) for g in ghosts if g != missing)
        if missing != "question":
            text += '\n[[disagreements]]\nid = "ghost-question"\ntitle = "Q"\n'
        dataset = load([write(tmp_path / f"{missing}.toml", text)])
        assert [p.message.split("'")[1] for p in dataset.unresolved] == [f"ghost-{missing}"]


def test_an_actors_events_include_those_it_was_the_target_of(tmp_path: Path) -> None:
    text = BASE + (
        '\n[[events]]\nid = "sanctions"\ntitle = "Sanctions"\ndate = "2014"\n'
        'actors = ["ru"]\ntargets = ["kz"]\n'
        '\n[[events]]\nid = "visit"\ntitle = "Visit"\ndate = "2013"\nactors = ["kz"]\n'
        '\n[[events]]\nid = "self"\ntitle = "Self-sanction"\ndate = "2015"\n'
        'actors = ["ru"]\ntargets = ["ru"]\n'
    )
    dataset = load([write(tmp_path / "a.toml", text)])
    assert [e.id for e in dataset.events_by_actor["kz"]] == ["visit", "sanctions"]
    # An actor that acts on itself lists the event once.
    assert [e.id for e in dataset.events_by_actor["ru"]] == ["sanctions", "self"]


def test_a_feed_refresh_keeps_every_local_layer_even_a_missing_one(tmp_path: Path) -> None:
    # Local layers are not feeds: a refresh replaces only the feed layers, so the local
    # documents, and the problem of a local path that could not be read, stay.
    feed = '{"format": "faultline/1", "actors": [{"id": "by", "name": "%s", "kind": "state"}]}'

    def feed_layer(name: str):
        document = read_bytes((feed % name).encode(), "team", "json", layer="team")
        return check_layer("team", [document], [], is_feed=True)

    before = load([write(tmp_path / "a.toml", BASE), tmp_path / "nowhere.toml"], [feed_layer("B")])
    assert [layer.is_feed for layer in before.layers] == [False, False, True]
    arranged, changes = remerge(before, [feed_layer("Belarus")])
    after = arranged.dataset
    assert sorted(after.actors) == ["by", "kz", "ru"] and after.actors["by"].name == "Belarus"
    assert [p.document for p in after.problems] == [str(tmp_path / "nowhere.toml")]
    assert [(c.id, c.fields) for c in changes] == [("by", ("name",))]


def test_the_merged_header_takes_each_field_from_the_last_layer_that_gives_it(
    tmp_path: Path,
) -> None:
    first = write(
        tmp_path / "a.toml",
        '[meta]\ntitle = "Base"\nsummary = "S"\nas_of = "2013"\nx_desk = "east"\nx_keep = 1\n',
    )
    later = write(tmp_path / "b.toml", '[meta]\ntitle = "Later"\nx_desk = "west"\n')
    last = write(tmp_path / "c.toml", "[meta]\nx_team = 2\n")
    meta = load([first, later, last]).meta
    assert (meta.title, meta.summary, str(meta.as_of)) == ("Later", "S", "2013")
    assert dict(meta.extra) == {"x_desk": "west", "x_keep": 1, "x_team": 2}


def test_clashes_in_one_document_are_listed_in_line_order(tmp_path: Path) -> None:
    write(tmp_path / "d" / "1.toml", BASE + '\n[[events]]\nid = "e"\ntitle = "E"\ndate = "2001"\n')
    # The event comes first in the second file: its clash is listed first although
    # actors are checked before events.
    write(
        tmp_path / "d" / "2.toml",
        '[[events]]\nid = "e"\ntitle = "E"\ndate = "2001"\n'
        '\n[[actors]]\nid = "ru"\nname = "Again"\nkind = "state"\n',
    )
    layer = read_layer(tmp_path / "d")
    assert layer.name == str(tmp_path / "d")
    assert [(p.line, p.message.split(" id ")[0]) for p in layer.problems] == [
        (1, "duplicate event"),
        (6, "duplicate actor"),
    ]


def test_entities_made_in_code_without_an_origin_are_reported_without_a_place() -> None:
    # Entities built by a program (an import script, a test) carry no origin: their
    # warnings and clashes say "?" instead of failing.
    lost = Actor(id="lost", name="Lost", kind="other", member_of=("ghost",))
    (problem,) = merge([Layer("made", (Document("made", actors=(lost,)),))]).unresolved
    assert (problem.document, problem.line) == ("?", None)
    placed = Actor(id="lost", name="Lost", kind="other", origin=Origin("made", "made.toml"))
    layer = check_layer(
        "made", [Document("a", actors=(placed,)), Document("b", actors=(lost,))], []
    )
    assert [(p.document, p.message) for p in layer.problems] == [
        ("?", "duplicate actor id 'lost' in layer made: also defined at made.toml")
    ]


def test_a_later_layer_that_replaces_some_entities_of_a_kind_keeps_the_ones_it_adds(
    tmp_path: Path,
) -> None:
    later = LATER + '\n[[actors]]\nid = "by"\nname = "Belarus"\nkind = "state"\n'
    dataset = load([write(tmp_path / "a.toml", BASE), write(tmp_path / "b.toml", later)])
    assert dataset.actors["by"].name == "Belarus" and dataset.actors["by"].replaced is None
    assert dataset.get(Kind.ACTOR, "by") is dataset.actors["by"]
    assert dataset.get(Kind.ACTOR, "kz").name == "Republic of Kazakhstan"  # type: ignore[union-attr]
    assert dataset.get(Kind.EVENT, "kz") is None


def test_content_is_equal_for_equal_data_read_in_another_order(tmp_path: Path) -> None:
    def table(kind: str, *entries: str) -> str:
        return "".join(f"[[{kind}]]\n{entry}\n" for entry in entries)

    s1, s2 = 'id = "s1"\ntitle = "S1"', 'id = "s2"\ntitle = "S2"'
    kz, ru = 'id = "kz"\nname = "KZ"\nkind = "state"', 'id = "ru"\nname = "RU"\nkind = "state"'
    oil, gas = 'id = "oil"\ntitle = "Oil"', 'id = "gas"\ntitle = "Gas"'
    a, b = 'id = "a"\ntitle = "A"\ndate = "2002"', 'id = "b"\ntitle = "B"\ndate = "2001"'
    one = table("sources", s1, s2) + table("actors", kz, ru) + table("disagreements", oil, gas)
    other = table("sources", s2, s1) + table("actors", ru, kz) + table("disagreements", gas, oil)
    first = load([write(tmp_path / "1.toml", one + table("events", a, b))])
    second = load([write(tmp_path / "2.toml", other + table("events", b, a))])
    assert first.content() == second.content()
    assert [[e.id for e in group] for group in first.content()[1:5]] == [
        ["s1", "s2"], ["kz", "ru"], ["gas", "oil"], ["a", "b"],
    ]  # fmt: skip
    assert first.content()[-1] == []  # no top-level position names an unknown disagreement
    third = load([write(tmp_path / "3.toml", one.replace("S1", "S one") + table("events", a, b))])
    assert third.content() != first.content()

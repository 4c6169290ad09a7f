"""Top-level ``[[positions]]`` (spec: positions at the top level), actor kind ``company``
and verbatim ``quote``: read, merged by identity, searched, exported both ways, and
reported by the changes view by identity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.core.changes import compare
from tui.core.export import export, to_json, to_markdown, to_toml
from tui.core.loading import load, read_file
from tui.core.merge import Layer, check_layer, merge
from tui.core.model import Document, Position
from tui.core.parsecache import decode_document, encode_document
from tui.core.problems import DocumentError
from tui.core.search import disagreement_key, event_key

BASE = """\
[[actors]]
id = "kz"
name = "Kazakhstan"
kind = "state"

[[actors]]
id = "kmg"
name = "KazMunayGas"
kind = "company"

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

APPENDED = """
[[positions]]
disagreement = "union"
actor = "kz"
stance = "oppose"
as_of = 2013-01-18
quote = "integration yes, a political union no"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(DocumentError) as caught:
        read_file(path)
    return [str(p) for p in caught.value.problems]


def test_a_top_level_position_joins_its_disagreement_not_the_last_one(tmp_path: Path) -> None:
    dataset = load([write(tmp_path, "a.toml", BASE + APPENDED)])
    union, oil = dataset.disagreements["union"], dataset.disagreements["oil"]
    assert not oil.positions
    history = union.history("kz")
    assert [(p.stance, p.as_of and p.as_of.text) for p in history] == [
        ("neutral", "2012"),
        ("oppose", "2013-01-18"),
    ]
    assert union.current()["kz"].quote == "integration yes, a political union no"
    # where it was written, for the detail pane
    origin = history[-1].origin
    assert origin is not None and origin.line == BASE.count("\n") + 2
    assert dataset.actors["kmg"].kind == "company"
    assert not dataset.unresolved


def test_identity_is_disagreement_actor_and_as_of(tmp_path: Path) -> None:
    """Same actor and as_of on another disagreement, or another as_of: no clash."""
    text = BASE + APPENDED + APPENDED.replace('"union"', '"oil"')
    text += APPENDED.replace("2013-01-18", '"2013-02"')
    dataset = load([write(tmp_path, "a.toml", text)])
    assert len(dataset.disagreements["union"].history("kz")) == 3
    assert len(dataset.disagreements["oil"].history("kz")) == 1


def test_duplicate_within_a_document_names_both_places(tmp_path: Path) -> None:
    nested_twin = APPENDED.replace("2013-01-18", '"2012"')
    path = write(tmp_path, "a.toml", BASE + nested_twin + APPENDED + APPENDED)
    first = BASE.count("\n") + 2
    second = first + APPENDED.count("\n")
    third = second + APPENDED.count("\n")
    assert problems_of(path) == [
        (
            f"{path}:{first}: positions[0]: actor 'kz' already has a position on 'union' with "
            "as_of 2012 at disagreements[0].positions[0] (line 15); a change of stance is a new "
            "position with a later as_of"
        ),
        (
            f"{path}:{third}: positions[2]: actor 'kz' already has a position on 'union' with "
            f"as_of 2013-01-18 at positions[1] (line {second}); a change of stance is a new "
            "position with a later as_of"
        ),
    ]


def test_duplicate_within_a_layer_across_documents_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    write(folder, "a.toml", BASE + APPENDED)
    later = write(folder, "b.toml", APPENDED.replace("oppose", "mixed"))
    dataset = load([folder])
    (problem,) = dataset.problems
    assert str(problem).startswith(
        f"{later}:2: duplicate position of actor 'kz' on 'union' with as_of 2013-01-18 "
        f"in layer {folder}: also at {folder / 'a.toml'}:"
    )
    # the clashing document is rejected whole; the first stands
    assert dataset.disagreements["union"].current()["kz"].stance == "oppose"


def test_a_later_layer_replaces_by_identity_wherever_either_was_written(tmp_path: Path) -> None:
    base = write(tmp_path, "base.toml", BASE + APPENDED)
    # replaces the nested position (as_of 2012) and the top-level one (2013-01-18)
    fix = write(
        tmp_path,
        "fix.toml",
        APPENDED.replace("2013-01-18", '"2012"').replace("oppose", "unknown")
        + APPENDED.replace("oppose", "mixed"),
    )
    dataset = load([base, fix])
    history = dataset.disagreements["union"].history("kz")
    assert [(p.stance, p.as_of and p.as_of.text) for p in history] == [
        ("unknown", "2012"),
        ("mixed", "2013-01-18"),
    ]
    assert all(p.origin is not None and p.origin.document == str(fix) for p in history)
    assert all(p.replaced is not None and p.replaced.document == str(base) for p in history)


def test_a_replaced_disagreement_brings_its_positions_and_top_level_ones_still_join(
    tmp_path: Path,
) -> None:
    base = write(tmp_path, "base.toml", BASE + APPENDED)
    later = write(
        tmp_path,
        "later.toml",
        '[[disagreements]]\nid = "union"\ntitle = "Union, retitled"\n\n'
        '[[disagreements.positions]]\nactor = "kz"\nstance = "support"\nas_of = 2013-01-18\n',
    )
    union = load([base, later]).disagreements["union"]
    # the nested 2012 position went with the old version; the later layer's nested
    # position outranks the earlier layer's top-level one of the same identity
    assert [(p.stance, p.as_of and p.as_of.text) for p in union.positions] == [
        ("support", "2013-01-18")
    ]
    # the top-level position it outranks is named as the one it replaced (detail pane)
    (position,) = union.positions
    assert position.replaced is not None
    assert (position.replaced.document, position.replaced.line) == (str(base), BASE.count("\n") + 2)
    other = write(tmp_path, "other.toml", APPENDED.replace("2013-01-18", '"2013-06"'))
    union = load([base, later, other]).disagreements["union"]
    assert [p.as_of and p.as_of.text for p in union.history("kz")] == ["2013-01-18", "2013-06"]


def test_an_unknown_disagreement_is_a_located_warning_and_the_position_is_kept(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "a.toml", BASE + APPENDED.replace('"union"', '"unoin"'))
    dataset = load([path])
    assert not dataset.problems
    (warning,) = dataset.unresolved
    line = BASE.count("\n") + 2
    assert str(warning) == (
        f"warning: {path}:{line}: position of 'kz' on 'unoin' disagreement: unresolved "
        "reference: no disagreement 'unoin' is defined in any layer; did you mean 'union'?"
    )
    # kept, so nothing is lost in an export
    document = json.loads(to_json(dataset))
    assert document["positions"][0]["disagreement"] == "unoin"


@pytest.mark.parametrize("form", ["nested", "top"])
@pytest.mark.parametrize("writer", [to_json, to_toml])
def test_exports_in_either_form_read_back_equal(writer, form: str, tmp_path: Path) -> None:
    event = (
        '\n[[events]]\nid = "speech"\ntitle = "Speech"\ndate = 2013-01-18\n'
        'quote = "will never become a political union"\n'
    )
    stray = APPENDED.replace('"union"', '"elsewhere"')
    dataset = load([write(tmp_path, "a.toml", BASE + APPENDED + stray + event)])
    suffix = ".json" if writer is to_json else ".toml"
    out = write(tmp_path, "export" + suffix, writer(dataset, form))
    again = load([out])
    assert again.content() == dataset.content()
    assert again.events["speech"].quote == "will never become a political union"
    text = out.read_text(encoding="utf-8")
    assert ("[[positions]]" in text or '"positions": [' in text) is True


def test_the_brief_quotes_positions_and_events_in_quotation_marks(tmp_path: Path) -> None:
    event = '\n[[events]]\nid = "speech"\ntitle = "Speech"\ndate = 2013-01-18\nquote = "*never*"\n'
    brief = to_markdown(load([write(tmp_path, "a.toml", BASE + APPENDED + event)]))
    assert "“integration yes, a political union no”" in brief
    assert r"“\*never\*”" in brief  # escaped: shown as typed


def test_quotes_are_searchable(tmp_path: Path) -> None:
    event = '\n[[events]]\nid = "speech"\ntitle = "Speech"\ndate = 2013-01-18\nquote = "Never"\n'
    dataset = load([write(tmp_path, "a.toml", BASE + APPENDED + event)])
    assert "political union no" in disagreement_key(dataset.disagreements["union"])
    assert "never" in event_key(dataset.events["speech"])


def test_changes_name_positions_by_identity(tmp_path: Path) -> None:
    before = load([write(tmp_path, "a.toml", BASE)])
    after = load([write(tmp_path, "b.toml", BASE.replace("neutral", "mixed") + APPENDED)])
    (change,) = compare(before, after).changed
    assert change.id == "union"
    assert change.positions == (
        (
            "* kz as_of 2012 (stance neutral → mixed in place: a change of stance is a new "
            "position with a later as_of)"
        ),
        "+ kz as_of 2013-01-18",
    )
    # What moved, old → new, first; then the edit made in place, which it does not show.
    assert change.what == (
        "Kazakhstan: stance ● neutral → ▼ oppose (as of 2013-01-18); position * kz as_of 2012 "
        "(stance neutral → mixed in place: a change of stance is a new position with a later "
        "as_of)"
    )
    again = load([write(tmp_path, "c.toml", BASE.replace("neutral", "mixed").replace(
        'as_of = "2012"', 'as_of = "2012"\nsummary = "Wary."'))])  # fmt: skip
    (change,) = compare(after, again).changed
    assert change.positions == ("* kz as_of 2012 (summary)", "- kz as_of 2013-01-18")


def test_top_level_positions_survive_the_parsed_data_cache(tmp_path: Path) -> None:
    path = write(tmp_path, "a.toml", BASE + APPENDED)
    document = read_file(path)
    rows = encode_document(document, document.positions[0].origin.layer)
    assert rows is not None
    again = decode_document(rows, document.positions[0].origin.layer)
    assert again == document
    assert again.positions[0].origin == document.positions[0].origin
    assert again.disagreements[0].positions[0].origin is None


def test_a_top_level_position_needs_its_disagreement_and_knows_no_other_keys(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "a.toml", BASE + '\n[[positions]]\nactor = "kz"\nstance = "up"\n')
    line = BASE.count("\n") + 2
    assert problems_of(path) == [
        f"{path}:{line}: positions[0]: missing required key 'disagreement'",
        (
            f"{path}:{line + 2}: positions[0].stance: 'up' is not one of: support, oppose, mixed, "
            "neutral, unknown"
        ),
    ]


def test_export_command_default_is_nested(tmp_path: Path) -> None:
    dataset = load([write(tmp_path, "a.toml", BASE + APPENDED)])
    document = json.loads(export(dataset, "json"))
    assert "positions" not in document
    assert len(document["disagreements"][0]["positions"]) == 2


def test_a_clash_of_undated_positions_in_the_middle_document_rejects_only_that_one(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    undated = APPENDED.replace("as_of = 2013-01-18\n", "")
    write(folder, "a.toml", BASE + undated)
    middle = write(folder, "b.toml", undated.replace("oppose", "mixed"))
    write(folder, "c.toml", APPENDED.replace('"union"', '"oil"'))
    dataset = load([folder])
    (problem,) = dataset.problems
    assert str(problem) == (
        f"{middle}:2: duplicate position of actor 'kz' on 'union' with no as_of in layer "
        f"{folder}: also at {folder / 'a.toml'}:{BASE.count(chr(10)) + 2}"
    )
    # the documents after the clash are still read
    assert [p.stance for p in dataset.disagreements["oil"].positions] == ["oppose"]


def test_a_joined_position_with_a_dangling_reference_is_reported_where_it_was_written(
    tmp_path: Path,
) -> None:
    dangling = APPENDED.replace('actor = "kz"', 'actor = "kzz"').replace(
        "quote =", 'sources = [{ id = "osw" }]\nquote ='
    )
    path = write(tmp_path, "a.toml", BASE + dangling)
    line = BASE.count("\n") + 2
    assert [str(w) for w in load([path]).unresolved] == [
        (
            f"warning: {path}:{line}: position of 'kzz' on 'union' actor: unresolved reference: "
            "no actor 'kzz' is defined in any layer; did you mean 'kz'?"
        ),
        (
            f"warning: {path}:{line}: position of 'kzz' on 'union' sources[0]: unresolved "
            "reference: no source 'osw' is defined in any layer; a citation names a [[sources]] "
            'table: add one with id = "osw"'
        ),
    ]


def test_a_position_on_an_unknown_disagreement_reports_its_other_dangling_references(
    tmp_path: Path,
) -> None:
    stray = APPENDED.replace('"union"', '"unoin"').replace('actor = "kz"', 'actor = "kzz"')
    stray = stray.replace("quote =", 'sources = [{ id = "osw" }]\nquote =')
    path = write(tmp_path, "a.toml", BASE + stray)
    where = f"warning: {path}:{BASE.count(chr(10)) + 2}: position of 'kzz' on 'unoin'"
    assert [str(w) for w in load([path]).unresolved] == [
        (
            f"{where} disagreement: unresolved reference: no disagreement 'unoin' is defined in "
            "any layer; did you mean 'union'?"
        ),
        (
            f"{where} actor: unresolved reference: no actor 'kzz' is defined in any layer; did you "
            "mean 'kz'?"
        ),
        (
            f"{where} sources[0]: unresolved reference: no source 'osw' is defined in any layer; "
            'a citation names a [[sources]] table: add one with id = "osw"'
        ),
    ]


def test_content_is_equal_for_stray_positions_read_in_another_order(tmp_path: Path) -> None:
    """Positions on an unknown disagreement, undated beside dated, in either order."""
    dated = APPENDED.replace('"union"', '"unoin"')
    undated = dated.replace("as_of = 2013-01-18\n", "").replace("oppose", "mixed")
    later = dated.replace('"unoin"', '"elsewhere"')
    first = load([write(tmp_path, "1.toml", BASE + dated + undated + later)])
    second = load([write(tmp_path, "2.toml", BASE + later + undated + dated)])
    assert first.content() == second.content()
    assert [identity for identity, _ in first.content()[-1]] == [
        ("elsewhere", "kz", "2013-01-18"),
        ("unoin", "kz", "2013-01-18"),
        ("unoin", "kz", None),
    ]


def test_positions_made_in_code_without_an_origin_are_reported_without_a_place() -> None:
    """An import script's positions carry no origin: clashes and warnings say "?"."""
    position = Position(actor="kz", stance="oppose", disagreement="union")
    layer = check_layer(
        "made", [Document("a", positions=(position,)), Document("b", positions=(position,))], []
    )
    assert [(p.document, p.line, p.message) for p in layer.problems] == [
        ("b", None, ("duplicate position of actor 'kz' on 'union' with no as_of in layer made: "
         "also at a")),
    ]  # fmt: skip
    warnings = merge([Layer("made", (Document("a", positions=(position,)),))]).unresolved
    assert [(w.document, w.line, w.path) for w in warnings] == [
        ("?", None, "position of 'kz' on 'union' disagreement"),
        ("?", None, "position of 'kz' on 'union' actor"),
    ]


def test_the_closest_id_is_suggested_within_limits_that_keep_start_up_fast(
    tmp_path: Path,
) -> None:
    """Close ids are looked for among at most 5,000 ids, for at most 5,000 missing ones."""

    def hints(actors: int, groups: int) -> list[bool]:
        text = "".join(
            f'[[actors]]\nid = "actor-{i:05}"\nname = "A"\nkind = "state"\n' for i in range(actors)
        )
        member_of = ", ".join(f'"actor-{i:05}x"' for i in range(groups))
        text = text.replace('kind = "state"\n', f'kind = "state"\nmember_of = [{member_of}]\n', 1)
        dataset = load([write(tmp_path, f"{actors}-{groups}.toml", text)])
        return ["did you mean" in w.message for w in dataset.unresolved]

    assert hints(5_000, 1) == [True]
    assert hints(5_001, 1) == [False]
    assert hints(1, 5_001) == [True] * 5_000 + [False]

"""First aid for the slips analysts make by hand: each message says what was most likely
meant, with the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.loading import load, read_file
from tui.core.parsecache import decode_document, encode_document
from tui.core.problems import DocumentError

EVENT = '[[events]]\nid = "e"\ntitle = "Talks"\n'


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "doc.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DocumentError) as caught:
        read_file(path)
    return [str(p).removeprefix(f"{path}") for p in caught.value.problems]


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("2023-09", "2023-09"),
        ("2012-12?  # not sure", "2012-12?"),
        ("../2025", "../2025"),
        ("2013-01/2025", "2013-01/2025"),
        ("2013-01-18~", "2013-01-18~"),
    ],
)
def test_an_unquoted_partial_date_says_to_quote_it(tmp_path: Path, value: str, quoted: str) -> None:
    text = f'[meta]\ntitle = "x"\nas_of = {value}\n'
    assert problems(tmp_path, text) == [
        f':3: TOML syntax error: dates that are not a whole day are quoted: as_of = "{quoted}"'
    ]


def test_a_bare_year_is_an_integer_and_says_to_quote_it(tmp_path: Path) -> None:
    assert problems(tmp_path, EVENT + "date = 2025\n") == [
        (
            ":4: events[0].date: 2025 is not a date (expected a date string, got integer); "
            'dates that are not a whole day are quoted: date = "2025"'
        )
    ]


def test_a_stance_written_over_the_old_one_says_a_change_is_a_new_position(
    tmp_path: Path,
) -> None:
    text = (
        '[[positions]]\ndisagreement = "d"\nactor = "kz"\nstance = "oppose"\n'
        'stance = "support"  # changed in 2013\nas_of = 2013-01-18\n'
    )
    assert problems(tmp_path, text) == [
        (
            ":5: TOML syntax error: stance is set twice in one table; a change of stance is a new "
            "position with a later as_of, not a new value over the old one: keep the old position "
            "and add one ([[positions]] with disagreement, actor, stance, as_of; or faultline add "
            "position)"
        )
    ]
    assert problems(tmp_path, 'title = "a"\ntitle = "b"\n') == [
        ":2: TOML syntax error: title is set twice in one table"
    ]


DOSSIER = """\
[[actors]]
id = "kz"
name = "Kazakhstan"
kind = "state"

[[sources]]
id = "osw-2013-01-23"
title = "OSW"

[[disagreements]]
id = "political-integration"
title = "Political vs purely economic integration"

[[disagreements.positions]]
actor = "kz"
stance = "neutral"

[[disagreements]]
id = "oil-supply"
title = "Russian oil supplies"
"""

APPENDED_NESTED = """
[[events]]
id = "speech"
title = "Speech"
date = 2013-01-18

[[disagreements.positions]]  # appended later, meant for political-integration
actor = "kz"
stance = "oppose"
as_of = 2013-01-18
"""


def test_a_nested_position_appended_after_other_tables_warns_where_it_went(
    tmp_path: Path,
) -> None:
    path = tmp_path / "doc.toml"
    path.write_text(DOSSIER + APPENDED_NESTED, encoding="utf-8")
    dataset = load([path])
    assert not dataset.problems
    line = (
        (DOSSIER + APPENDED_NESTED)
        .splitlines()
        .index("[[disagreements.positions]]  # appended later, meant for political-integration")
    )
    assert [str(w) for w in dataset.warnings] == [
        (
            f"warning: {path}:{line + 1}: disagreements[1].positions[0]: this "
            "[[disagreements.positions]] comes after [[events]], and TOML attaches it to the last "
            "disagreement above it, 'oil-supply' (line 18); if it is meant for another, write it "
            'as [[positions]] with disagreement = "…"'
        )
    ]
    # the parsed-data cache keeps the warning
    document = read_file(path)
    rows = encode_document(document, str(path))
    assert rows is not None
    assert decode_document(rows, str(path)).notes == document.notes


def test_positions_written_in_place_raise_no_warning(tmp_path: Path) -> None:
    path = tmp_path / "doc.toml"
    in_place = DOSSIER + '\n[[disagreements.positions]]\nactor = "kz"\nstance = "oppose"\n'
    path.write_text(in_place + "\n" + EVENT + "date = 2013-01-18\n", encoding="utf-8")
    assert not load([path]).warnings


def test_a_citation_of_no_source_suggests_the_closest_id_or_says_how_to_define_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "doc.toml"
    cited = EVENT + 'date = 2013-01-18\nsources = ["osw-2013-01-32", "interfax"]\n'
    path.write_text(DOSSIER + "\n" + cited, encoding="utf-8")
    messages = [w.message for w in load([path]).warnings]
    assert messages == [
        (
            "unresolved reference: no source 'osw-2013-01-32' is defined in any layer; did you "
            "mean 'osw-2013-01-23'?"
        ),
        (
            "unresolved reference: no source 'interfax' is defined in any layer; a citation names "
            'a [[sources]] table: add one with id = "interfax"'
        ),
    ]


def test_an_unquoted_partial_date_on_the_first_line_says_to_quote_it(tmp_path: Path) -> None:
    assert problems(tmp_path, "x_since = 2013-01\n") == [
        ':1: TOML syntax error: dates that are not a whole day are quoted: x_since = "2013-01"'
    ]


@pytest.mark.parametrize(
    ("again", "key"),
    [("as_of = 2013-01-19", "as_of"), ('"stance" = "support"', '"stance"')],
)
def test_a_position_key_set_twice_is_a_change_of_stance_even_when_a_date_or_quoted(
    tmp_path: Path, again: str, key: str
) -> None:
    text = (
        '[[positions]]\ndisagreement = "d"\nactor = "kz"\nstance = "oppose"\n'
        f"as_of = 2013-01-18\n{again}\n"
    )
    assert problems(tmp_path, text) == [
        (
            f":6: TOML syntax error: {key} is set twice in one table; a change of stance is a new "
            "position with a later as_of, not a new value over the old one: keep the old position "
            "and add one ([[positions]] with disagreement, actor, stance, as_of; or faultline add "
            "position)"
        )
    ]


def test_a_key_that_only_resembles_a_position_key_gets_no_stance_advice(tmp_path: Path) -> None:
    assert problems(tmp_path, 'Xsummary = "a"\nXsummary = "b"\n') == [
        ":2: TOML syntax error: Xsummary is set twice in one table"
    ]

"""The reader enforces the data contract and says exactly where and what is wrong."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.loading import read_bytes, read_file
from tui.core.model import Kind, Origin
from tui.core.problems import DocumentError, Problem
from tui.core.reader import read_json, read_toml

GOOD = """\
format = "faultline/1"

[meta]
title = "Test dossier"
as_of = 2013-01-23

[[sources]]
id = "osw"
title = "An analysis"
url = "https://example.org/a"
reliability = "B"

[[actors]]
id = "kz"
name = "Kazakhstan"
kind = "state"
aliases = ["Astana"]
country = "KAZ"
wikidata = "Q232"

[[disagreements]]
id = "integration"
title = "Political integration"
status = "escalating"
sources = ["osw", { id = "osw", locator = "para 2", credibility = 2 }]

[[disagreements.positions]]
actor = "kz"
stance = "oppose"
as_of = "2013-01-18"
score = -2
salience = 8
confidence = "high"

[[events]]
id = "speech"
title = "A speech"
date = 2013-01-18
actors = ["kz"]
x_note = "extensions are kept"
"""


def problems_of(text: str, name: str = "doc.toml") -> list[str]:
    fmt = "json" if name.endswith(".json") else "toml"
    with pytest.raises(DocumentError) as caught:
        read_bytes(text.encode(), name, fmt)
    return [str(p) for p in caught.value.problems]


def test_good_document_reads_into_typed_records() -> None:
    doc = read_bytes(GOOD.encode(), "doc.toml", "toml")
    assert doc.meta.title == "Test dossier"
    assert str(doc.meta.as_of) == "2013-01-23"
    (actor,) = doc.actors
    assert actor.aliases == ("Astana",) and actor.country == "KAZ"
    (disagreement,) = doc.disagreements
    assert disagreement.sources[1].locator == "para 2"
    assert disagreement.positions[0].score == -2
    (event,) = doc.events
    assert str(event.date) == "2013-01-18"
    assert event.extra == {"x_note": "extensions are kept"}
    assert event.origin is not None and event.origin.line == 35


def replace(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


# Each kind of bad document in the spec, with the exact place and message a person sees.
BAD = [
    pytest.param(
        GOOD + "\n[[events]\n",
        "doc.toml:42:9: TOML syntax error: Expected ']]' at the end of an array declaration",
        id="syntax",
    ),
    pytest.param(
        replace("score = -2", 'score = "-2"'),
        "doc.toml:31: disagreements[0].positions[0].score: expected an integer, got string",
        id="type",
    ),
    pytest.param(
        replace('kind = "state"', 'kind = "state"\ncolour = "blue"'),
        "doc.toml:17: actors[0].colour: unknown key (allowed: id, name, kind, aliases, country, "
        "role, member_of, wikidata, summary, tags; extensions start with x_)",
        id="unknown-key",
    ),
    pytest.param(
        replace('stance = "oppose"', 'stance = "against"'),
        "doc.toml:29: disagreements[0].positions[0].stance: 'against' is not one of: "
        "support, oppose, mixed, neutral, unknown",
        id="bad-enum",
    ),
    pytest.param(
        replace("date = 2013-01-18", 'date = "2017-13-45"'),
        "doc.toml:38: events[0].date: '2017-13-45' is not a date (there is no month 13)",
        id="bad-date",
    ),
    pytest.param(
        replace("date = 2013-01-18", "date = 2013-01-18T10:00:00"),
        "doc.toml:38: events[0].date: 2013-01-18T10:00:00 is not a date "
        "(expected a date string, got date-time)",
        id="datetime-not-date",
    ),
    pytest.param(
        replace('id = "speech"', 'id = "Speech 1"'),
        "doc.toml:36: events[0].id: 'Speech 1' is not a valid id (lower-case letters, digits, "
        "'.', '_' and '-', starting with a letter or digit, at most 64 characters)",
        id="bad-id",
    ),
    pytest.param(
        GOOD + '\n[[actors]]\nid = "kz"\nname = "Again"\nkind = "state"\n',
        "doc.toml:43: actors[1].id: duplicate actor id 'kz': also at actors[0] (line 13)",
        id="duplicate-id",
    ),
    pytest.param(
        replace('title = "A speech"', f'title = "{"x" * 301}"'),
        "doc.toml:37: events[0].title: is 301 characters long; the limit is 300",
        id="over-limit",
    ),
    pytest.param(
        replace("https://example.org/a", "javascript:alert(1)"),
        "doc.toml:10: sources[0].url: 'javascript:alert(1)' is not an http or https URL",
        id="bad-url-scheme",
    ),
    pytest.param(
        replace('format = "faultline/1"', 'format = "faultline/2"'),
        "doc.toml:1: format: unknown format 'faultline/2'; this reader knows \"faultline/1\"",
        id="unknown-format",
    ),
    pytest.param(
        replace(
            'confidence = "high"',
            'confidence = "high"\n\n[[disagreements.positions]]\n'
            'actor = "kz"\nstance = "support"\nas_of = "2013-01-18"',
        ),
        "doc.toml:35: disagreements[0].positions[1]: actor 'kz' already has a position with "
        "as_of 2013-01-18 at disagreements[0].positions[0]; give each position of one actor "
        "a different as_of",
        id="duplicate-position",
    ),
    pytest.param(
        replace('title = "A speech"\n', ""),
        "doc.toml:35: events[0]: missing required key 'title'",
        id="missing-required",
    ),
    pytest.param(
        replace('country = "KAZ"', 'country = "KZ"'),
        "doc.toml:18: actors[0].country: 'KZ' is not an ISO 3166-1 alpha-3 code "
        "(three capital letters)",
        id="bad-country",
    ),
    pytest.param(
        replace("credibility = 2", "credibility = 7"),
        "doc.toml:25: disagreements[0].sources[1].credibility: 7 is out of range (1 to 6)",
        id="bad-credibility",
    ),
    pytest.param(
        replace("score = -2", "score = true"),
        "doc.toml:31: disagreements[0].positions[0].score: expected an integer, got boolean",
        id="bool-is-not-int",
    ),
    pytest.param(
        'settings = "x"\n' + GOOD,
        "doc.toml:1: settings: unknown key (allowed: format, meta, sources, actors, disagreements, "
        "positions, events; extensions start with x_)",
        id="unknown-top-key",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD)
def test_bad_documents_name_place_and_problem(text: str, expected: str) -> None:
    assert expected in problems_of(text)


def test_every_problem_in_a_document_is_reported_not_just_the_first() -> None:
    text = replace('kind = "state"', 'kind = "country"').replace(
        'stance = "oppose"', 'stance = "no"'
    )
    assert len(problems_of(text)) == 2


def test_feed_documents_must_declare_their_format() -> None:
    body = json.dumps({"actors": []}).encode()
    with pytest.raises(DocumentError) as caught:
        read_bytes(body, "https://feeds.example/x.json", "json", require_format=True)
    assert str(caught.value.problems[0]) == (
        'https://feeds.example/x.json: format: missing; a feed must say format = "faultline/1"'
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            b'{"format": "faultline/1", "actors": [}',
            "x.json:1:38: JSON syntax error: Expecting value",
        ),
        (b"[1, 2]", "x.json: a document must be a JSON object, got array"),
        (
            b'{"format": "faultline/1", "meta": {"title": NaN}}',
            "x.json: JSON syntax error: NaN is not allowed in JSON",
        ),
        (b'{"x": "\xff"}', "x.json: is not valid UTF-8 text (byte 7)"),
        (
            b'{"events": [{"id": "e", "title": "t", "date": "2013-02-30"}]}',
            "x.json:1: events[0].date: '2013-02-30' is not a date (Feb 2013 has 28 days, not 30)",
        ),
    ],
)
def test_json_documents_report_like_toml_ones(body: bytes, expected: str) -> None:
    with pytest.raises(DocumentError) as caught:
        read_bytes(body, "x.json", "json")
    assert expected in [str(p) for p in caught.value.problems]


def test_control_and_bidi_characters_are_removed_and_counted() -> None:
    text = replace('name = "Kazakhstan"', 'name = "Kaz\\u001b[31makh\\u202estan\\u0007"')
    doc = read_bytes(text.encode(), "doc.toml", "toml")
    assert doc.actors[0].name == "Kaz[31makhstan"
    assert doc.sanitised == 3


def test_markup_is_kept_as_typed_text() -> None:
    text = replace('name = "Kazakhstan"', 'name = "[@click=app.quit]Kaz[/]"')
    doc = read_bytes(text.encode(), "doc.toml", "toml")
    assert doc.actors[0].name == "[@click=app.quit]Kaz[/]"


def test_deeply_nested_input_is_a_problem_not_a_crash() -> None:
    body = b'{"x_deep": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(DocumentError) as caught:
        read_bytes(body, "deep.json", "json")
    assert "nested too deeply" in str(caught.value)


def test_unreadable_and_unknown_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        read_file(tmp_path / "missing.toml")
    assert str(caught.value).startswith(f"{tmp_path / 'missing.toml'}: cannot be read: ")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(DocumentError) as caught:
        read_file(tmp_path / "notes.txt")
    assert str(caught.value) == f"{tmp_path / 'notes.txt'}: not a .toml or .json document"


# -- properties: nothing but DocumentError, whatever the input --------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "format",
                    "meta",
                    "sources",
                    "actors",
                    "disagreements",
                    "events",
                    "id",
                    "name",
                    "title",
                    "kind",
                    "date",
                    "positions",
                    "actor",
                    "stance",
                    "as_of",
                    "sources",
                    "aliases",
                    "x_a",
                    "url",
                    "score",
                    "credibility",
                    "locator",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_reader_raises_only_document_error_on_any_json_structure(value: object) -> None:
    body = json.dumps(value).encode()
    try:
        read_bytes(body, "fuzz.json", "json")
    except DocumentError as error:
        assert error.problems and all(p.document == "fuzz.json" for p in error.problems)


@settings(max_examples=300)
@given(st.binary(max_size=300), st.sampled_from(["toml", "json"]))
def test_reader_raises_only_document_error_on_any_bytes(body: bytes, fmt: str) -> None:
    try:
        read_bytes(body, f"fuzz.{fmt}", fmt)
    except DocumentError as error:
        assert error.problems


@settings(max_examples=200)
@given(st.text(max_size=200))
def test_reader_raises_only_document_error_on_any_toml_text(text: str) -> None:
    try:
        doc = read_bytes(("format = 'faultline/1'\n" + text).encode(), "fuzz.toml", "toml")
    except DocumentError as error:
        assert error.problems
    else:  # accepted: then it is a whole document, every entity of it counted
        assert doc.size == sum(len(doc.entities(kind)) for kind in Kind)


def test_kinds_cover_every_entity_table() -> None:
    doc = read_bytes(GOOD.encode(), "doc.toml", "toml")
    assert {kind: len(doc.entities(kind)) for kind in Kind} == {
        Kind.SOURCE: 1,
        Kind.ACTOR: 1,
        Kind.DISAGREEMENT: 1,
        Kind.EVENT: 1,
    }


# -- hostile input found by a review: each was a crash, a leak or a wrong place -------------


def test_header_like_lines_inside_multiline_strings_do_not_shift_line_numbers() -> None:
    text = (
        '[[events]]\nid = "a"\ntitle = "A"\ndate = "2013"\nsummary = """\n[[events]]\n'
        "[" + " " * 5000 + "x\n" + '"""\n\n[[events]]\nid = "b"\ntitle = "B"\ndate = "someday"\n'
    )
    assert problems_of(text)[0].startswith("doc.toml:13: events[1].date: 'someday' is not a date")


def test_single_quoted_headers_and_keys_are_located() -> None:
    text = "[['events']]\nid = 'a'\ntitle = 'A'\n'date' = 'later'\n"
    assert problems_of(text)[0].startswith("doc.toml:4: events[0].date: 'later'")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x_a = " + "9" * 5000 + "\n", "doc.toml: TOML syntax error: a number has too many digits"),
        (
            '[[disagreements]]\nid = "d"\ntitle = "t"\n[[disagreements.positions]]\nactor = "a"\n'
            'stance = "support"\nscore = 0x' + "f" * 3700 + "\n",
            (
                "doc.toml:7: disagreements[0].positions[0].score: "
                "a number too large to show is out of range (-3 to 3)"
            ),
        ),
        (
            "x_big = 0x" + "f" * 20 + "\n",
            "doc.toml:1: x_big: is an integer outside the 64-bit range",
        ),
    ],
)
def test_huge_numbers_are_problems_not_crashes(text: str, expected: str) -> None:
    assert expected in problems_of(text)


def test_lone_surrogates_from_json_escapes_are_removed() -> None:
    body = b'{"events": [{"id": "e", "title": "ok\\ud800", "date": "2013", "x_\\udfff": 1}]}'
    doc = read_bytes(body, "s.json", "json")
    assert doc.events[0].title == "ok" and dict(doc.events[0].extra) == {"x_": 1}
    assert doc.sanitised == 2
    doc.events[0].title.encode("utf-8")  # writable to any UTF-8 terminal or file


def test_extension_keys_are_cleaned_and_extension_values_obey_the_limits() -> None:
    body = json.dumps(
        {
            "events": [
                {"id": "e", "title": "t", "date": "2013", "x_\u001b[31m\u202e": {"\x9bk": "v\x07"}}
            ]
        }
    ).encode()
    doc = read_bytes(body, "x.json", "json")
    assert dict(doc.events[0].extra) == {"x_[31m": {"k": "v"}}
    assert doc.sanitised == 4
    nested: object = "x"
    for _ in range(34):
        nested = [nested]
    deep = json.dumps(
        {"events": [{"id": "e", "title": "t", "date": "2013", "x_a": nested}]}
    ).encode()
    with pytest.raises(DocumentError, match="is nested more than 32 levels deep"):
        read_bytes(deep, "x.json", "json")
    with pytest.raises(DocumentError, match="x_long: is 20,001 characters long"):
        read_bytes(json.dumps({"x_long": "a" * 20_001}).encode(), "x.json", "json")


def test_a_hostile_key_cannot_forge_a_second_output_line() -> None:
    (problem,) = problems_of('"x\\nforged.toml: 0 error(s)" = 1\n')
    assert "\n" not in problem
    assert problem.startswith("doc.toml:1: 'x\\nforged.toml: 0 error(s)': unknown key")


@pytest.mark.parametrize(
    "url",
    [
        "https://x<img\tsrc=x\tonerror=alert(1)>",
        "https://x\n\n# heading",
        "https://",
        "https:/x",
        "ftp://x",
    ],
)
def test_urls_that_could_break_out_of_markup_are_refused(url: str) -> None:
    text = f"[[sources]]\nid = 's'\ntitle = 't'\nurl = {json.dumps(url)}\n"
    assert problems_of(text)[0].endswith("is not an http or https URL")


def test_names_made_only_of_control_characters_are_empty() -> None:
    text = '[[actors]]\nid = "a"\nname = "\\u001b\\u202e"\nkind = "other"\n'
    assert problems_of(text) == ["doc.toml:3: actors[0].name: must not be empty"]


def test_byte_order_mark_is_ignored() -> None:
    doc = read_bytes(b"\xef\xbb\xbf" + GOOD.encode(), "doc.toml", "toml")
    assert doc.meta.title == "Test dossier"


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(DocumentError) as caught:
        read_file(fifo)
    assert str(caught.value) == f"{fifo}: is not a regular file"


# -- what the mutation run of reader.py found untested (tests/MUTATION.md) --------------------

ACTOR = '[[actors]]\nid = "kz"\nname = "Kazakhstan"\nkind = "state"\n'


def test_every_record_says_which_layer_and_document_it_came_from() -> None:
    doc = read_bytes(GOOD.encode(), "dossier/a.toml", "toml", layer="dossier")
    assert doc.name == "dossier/a.toml"
    assert doc.actors[0].origin == Origin("dossier", "dossier/a.toml", 13)
    body = json.dumps({"actors": [{"id": "kz", "name": "K", "kind": "state"}]}).encode()
    assert read_bytes(body, "feed", "json", layer="team").actors[0].origin.layer == "team"  # type: ignore[union-attr]


def test_the_readers_take_a_document_without_format_unless_told_to_require_it() -> None:
    assert read_toml(ACTOR, "a.toml", layer="a").actors[0].id == "kz"
    body = json.dumps({"actors": [{"id": "kz", "name": "K", "kind": "state"}]}).encode()
    assert read_json([body], "a.json", layer="a").actors[0].id == "kz"
    with pytest.raises(DocumentError) as caught:
        read_toml(ACTOR, "feed", layer="feed", require_format=True)
    assert [str(p) for p in caught.value.problems] == [
        'feed: format: missing; a feed must say format = "faultline/1"'
    ]


def test_a_part_of_a_document_gives_its_entities_the_whole_documents_lines() -> None:
    # splitparse reads a large document in parts; the entities of a part starting after
    # 100 lines carry the whole document's lines. (A part with a problem is not used:
    # the document is then read whole, and its problems located in it.)
    doc = read_toml(ACTOR + "\n" + ACTOR.replace("kz", "ru"), "big.toml", layer="big", offset=100)
    assert [a.origin.line for a in doc.actors] == [101, 106]  # type: ignore[union-attr]


def test_invalid_utf8_names_its_line_and_column() -> None:
    text = b'format = "faultline/1"\n\n[meta]\ntitle = "ab\xff"\n'
    (problem,) = read_problems(text, "d.toml")
    assert (str(problem), problem.line, problem.column) == (
        "d.toml:4:12: is not valid UTF-8 text",
        4,
        12,
    )
    (first_line,) = read_problems(b"\xfe = 1\n", "d.toml")
    assert (first_line.line, first_line.column) == (1, 1)
    (after_blank,) = read_problems(b"\n\xfe = 1\n", "d.toml")
    assert (after_blank.line, after_blank.column) == (2, 1)


def test_toml_syntax_errors_name_line_column_and_what_tomli_said() -> None:
    (problem,) = read_problems(b'format = "faultline/1"\na = \n', "d.toml")
    assert (str(problem), problem.line, problem.column) == (
        "d.toml:2:5: TOML syntax error: Invalid value",
        2,
        5,
    )


@pytest.mark.parametrize(
    ("body", "name", "expected"),
    [
        (
            b"a = " + b"[" * 5000 + b"]" * 5000,
            "d.toml",
            "d.toml: TOML is nested too deeply to read",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "d.json", "d.json: JSON is nested too deeply to read"),
        (
            b'{"a": ' + b"1" * 5000 + b"}",
            "d.json",
            "d.json: JSON syntax error: a number has too many digits",
        ),
        (b'{"a": NaN}', "d.json", "d.json: JSON syntax error: NaN is not allowed in JSON"),
    ],
    ids=["deep-toml", "deep-json", "long-number", "nan"],
)
def test_unreadable_documents_say_why_in_one_line(body: bytes, name: str, expected: str) -> None:
    assert [str(p) for p in read_problems(body, name)] == [expected]


def test_a_hopeless_document_stops_after_fifty_problems() -> None:
    actors = "".join(f'[[actors]]\nid = "a{i}"\nname = "A"\nkind = "planet"\n' for i in range(60))
    for text, name, fmt in (
        (actors, "d.toml", "toml"),
        (json.dumps({"actors": [{"id": f"a{i}"} for i in range(60)]}), "d.json", "json"),
    ):
        problems = read_problems(text.encode(), name, fmt)
        assert len(problems) == 51
        assert str(problems[-1]) == f"{name}: stopped after 50 problems"


def test_every_bad_item_and_table_is_reported_not_only_the_first() -> None:
    top = "x_note = 1\nbogus = 2\nworse = 3\n"  # unknown keys after an extension key
    assert [str(p).split(": unknown")[0] for p in read_problems(top.encode(), "d.toml")] == [
        "d.toml:2: bogus",
        "d.toml:3: worse",
    ]
    text = (
        "actors = 5\n"  # not an array, and the kinds after it are still checked
        '[[events]]\nid = "e"\ntitle = "E"\ndate = "2013"\n'
        '[[events]]\nid = "e"\ntitle = "Again"\ndate = "2013"\n'  # a duplicate id...
        '[[events]]\nid = "f"\ntitle = "F"\ndate = "never"\n'  # ...then a bad item
        '[[events]]\nid = "g"\ntitle = "G"\ndate = "nor this"\n'  # and another
    )
    messages = [str(p) for p in read_problems(text.encode(), "d.toml")]
    assert messages[:2] == [
        "d.toml:1: actors: expected an array of tables, got integer",
        "d.toml:7: events[1].id: duplicate event id 'e': also at events[0] (line 2)",
    ]
    assert [m.split(":")[2] for m in messages[2:]] == [" events[2].date", " events[3].date"]


def test_json_problems_name_the_item_without_toml_line_notes() -> None:
    kz = {"id": "kz", "name": "K", "kind": "state"}
    assert [str(p) for p in read_problems(json.dumps({"actors": [kz, kz]}).encode(), "d.json")] == [
        "d.json:1: actors[1].id: duplicate actor id 'kz': also at actors[0]"
    ]
    assert [str(p) for p in read_problems(b'{"actors": [5]}', "d.json")] == [
        "d.json:1: actors[0]: expected a table, got integer"
    ]


def test_more_entities_than_the_limit_are_refused_before_any_is_read() -> None:
    # 200,001 of each kind: over the limit only when all five kinds are counted.
    fifth = ",".join(["{}"] * 200_001)
    kinds = ("sources", "actors", "disagreements", "positions", "events")
    body = ("{" + ",".join(f'"{k}": [{fifth}]' for k in kinds) + "}").encode()
    assert [str(p) for p in read_problems(body, "big.json")] == [
        "big.json: holds 1,000,005 entities; the limit is 1,000,000 per document"
    ]
    at_limit = ("{" + f'"events": [{",".join(["{}"] * 1_000_000)}]' + "}").encode()
    problems = read_problems(at_limit, "big.json")  # read, so each {} is a problem
    assert str(problems[-1]) == "big.json: stopped after 50 problems"


def read_problems(data: bytes, name: str, fmt: str | None = None) -> list[Problem]:
    fmt = fmt or ("json" if name.endswith(".json") else "toml")
    with pytest.raises(DocumentError) as caught:
        read_bytes(data, name, fmt)
    return list(caught.value.problems)


def test_a_json_schema_reference_is_allowed_and_must_be_a_string() -> None:
    good = {"$schema": "https://example.org/faultline.schema.json", "actors": []}
    assert read_bytes(json.dumps(good).encode(), "d.json", "json").actors == ()
    bad = {"$schema": 5, "bogus": 1}
    assert [str(p) for p in read_problems(json.dumps(bad, indent=1).encode(), "d.json")] == [
        "d.json:2: '$schema': expected a string, got integer",
        (
            "d.json:3: bogus: unknown key (allowed: format, meta, sources, actors, disagreements, "
            "positions, events; extensions start with x_)"
        ),
    ]
    # In TOML too the line is found (the key is quoted there as in the message).
    assert problems_of('format = "faultline/1"\n\n"$schema" = 5\n') == [
        "doc.toml:3: '$schema': expected a string, got integer"
    ]


def test_top_level_positions_that_are_not_an_array_of_tables_are_refused() -> None:
    assert problems_of('positions = "kz opposes"\n') == [
        "doc.toml:1: positions: expected an array of tables, got string"
    ]
    assert problems_of(
        'disagreements = 5\n[[positions]]\ndisagreement = "d"\nactor = "kz"\nstance = "oppose"\n'
    ) == ["doc.toml:1: disagreements: expected an array of tables, got integer"]


def test_every_bad_top_level_position_is_reported_not_only_the_first() -> None:
    position = '[[positions]]\ndisagreement = "d"\nactor = "kz"\nstance = "{}"\n'
    text = position.format("up") + position.format("oppose") + position.format("support")
    assert problems_of(text) == [
        (
            "doc.toml:4: positions[0].stance: 'up' is not one of: support, oppose, mixed, neutral, "
            "unknown"
        ),
        (
            "doc.toml:9: positions[2]: actor 'kz' already has a position on 'd' with no as_of at "
            "positions[1] (line 5); a change of stance is a new position with a later as_of"
        ),
    ]


def test_a_duplicate_top_level_position_in_json_names_the_other_without_a_line() -> None:
    position = {"disagreement": "d", "actor": "kz", "stance": "oppose", "as_of": "2012"}
    body = json.dumps({"positions": [position, position]}, indent=1).encode()
    assert [str(p) for p in read_problems(body, "d.json")] == [
        (
            "d.json:9: positions[1]: actor 'kz' already has a position on 'd' with as_of 2012 at "
            "positions[0]; a change of stance is a new position with a later as_of"
        )
    ]

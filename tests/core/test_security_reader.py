"""Hostile documents at the reader's edge (issue 9): keys given twice, files too large to
read, JSON errors without a line, bidi controls and names that show nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from feedserver import FeedServer, Reply
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.cli import main
from tui.core.config import ConfigError, FeedConfig, parse_config
from tui.core.feeds.cache import parse_body
from tui.core.loading import read_bytes, read_file, read_layer
from tui.core.problems import DocumentError
from tui.core.text import sanitise


def problems(body: str | bytes, name: str = "x.json") -> list[str]:
    fmt = "json" if name.endswith(".json") else "toml"
    data = body.encode() if isinstance(body, str) else body
    with pytest.raises(DocumentError) as caught:
        read_bytes(data, name, fmt)
    return [str(p) for p in caught.value.problems]


# -- item 11: local JSON errors name their line -----------------------------------------------


def test_local_json_errors_name_the_line(tmp_path: Path) -> None:
    events = [{"id": f"e{i}", "title": "t", "date": "2013"} for i in range(6)]
    events[5]["date"] = "2013-02-30"
    path = tmp_path / "broken-date.json"
    path.write_text(json.dumps({"format": "faultline/1", "events": events}, indent=2))
    with pytest.raises(DocumentError) as caught:
        read_file(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:32: events[5].date: '2013-02-30' is not a date (Feb 2013 has 28 days, not 30)"
    ]


# -- item 15: every bidi control removed; names that show nothing refused ---------------------

BIDI_CONTROLS = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]


@pytest.mark.parametrize("code", BIDI_CONTROLS, ids=lambda c: f"U+{c:04X}")
def test_every_bidi_control_is_removed(code: int) -> None:
    assert sanitise(f"ab{chr(code)}c") == ("abc", 1)


def test_every_character_of_an_explicit_bidi_class_is_removed() -> None:
    explicit = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
    found = [c for c in range(0x110000) if unicodedata.bidirectional(chr(c)) in explicit]
    assert found  # this Python knows them
    assert [c for c in found if sanitise(chr(c))[0]] == []


@settings(max_examples=200, deadline=None)  # no timing assertion: runs slowly under load
@given(
    st.text(
        alphabet=st.sampled_from(
            [*map(chr, BIDI_CONTROLS), "a", "\u05d0", "\u200c", "\u200d", "👩"]
        )
    )
)
def test_sanitised_text_holds_no_bidi_control_and_keeps_joiners(text: str) -> None:
    clean, removed = sanitise(text)
    assert not set(map(ord, clean)) & set(BIDI_CONTROLS)
    assert clean == "".join(ch for ch in text if ord(ch) not in BIDI_CONTROLS)
    assert removed == len(text) - len(clean)


INVISIBLE = [
    "\u200b",  # zero width space
    "\u2060\ufeff",  # word joiner, zero width no-break space
    "\u180e",  # Mongolian vowel separator
    "\u115f\u1160",  # Hangul choseong and jungseong fillers
    "\u3164",  # Hangul filler
    "\uffa0",  # halfwidth Hangul filler
    "\ufe0f\ufe00",  # variation selectors
    "\U000e0100",  # a variation selector supplement
    "\u034f",  # combining grapheme joiner
    "\u00ad",  # soft hyphen
    "\u200d\u200c",  # joiners alone
    "\u200e\u200b",  # a mark (removed), then a zero width space
    "\U000e0041\U000e007f",  # tag characters
    "\u2800",  # braille pattern blank: draws nothing
    "\u0301\u20dd",  # a combining and an enclosing mark with nothing to mark
]


@pytest.mark.parametrize("blank", INVISIBLE, ids=lambda s: "+".join(f"U+{ord(c):04X}" for c in s))
def test_a_name_of_only_invisible_characters_is_an_error(blank: str) -> None:
    body = json.dumps({"actors": [{"id": "a", "name": f" {blank} ", "kind": "state"}]}, indent=0)
    (problem,) = problems(body)
    assert problem.startswith(
        "x.json:5: actors[0].name: has nothing visible, only invisible characters (U+"
    )


@pytest.mark.parametrize("table", ["meta", "sources", "disagreements", "events"])
def test_titles_of_only_invisible_characters_are_errors(table: str) -> None:
    title = "\u200b\u3164\u200b"
    entity = {"title": title} if table == "meta" else {"id": "a", "title": title, "date": "2013"}
    if table in ("sources", "disagreements"):
        del entity["date"]
    body = json.dumps({table: entity if table == "meta" else [entity]})
    where = table if table == "meta" else f"{table}[0]"
    assert problems(body) == [
        (
            f"x.json:1: {where}.title: has nothing visible, only invisible characters "
            "(U+200B, U+3164)"
        )
    ]


@pytest.mark.parametrize("name", ["\u200f\u061c", "\u00a0\u2003\u3000\u2028 "])
def test_a_name_of_removed_characters_or_white_space_only_is_empty(name: str) -> None:
    body = json.dumps({"actors": [{"id": "a", "name": name, "kind": "state"}]})
    assert problems(body) == ["x.json:1: actors[0].name: must not be empty"]


_INVISIBLE_ALPHABET = sorted(set("".join(INVISIBLE)) | {" ", "\t", "\n"})


@settings(max_examples=200)
@given(
    st.text(alphabet=st.sampled_from(_INVISIBLE_ALPHABET), min_size=1, max_size=12),
    st.characters(whitelist_categories=("L", "N", "P", "S")),
)
def test_one_visible_character_is_enough_for_a_name(blank: str, visible: str) -> None:
    def read(name: str) -> list[str] | str:
        body = json.dumps({"actors": [{"id": "a", "name": name, "kind": "state"}]})
        try:
            return read_bytes(body.encode(), "x.json", "json").actors[0].name
        except DocumentError as error:
            return [str(p) for p in error.problems]

    if visible in _INVISIBLE_ALPHABET:
        return
    refused = read(blank)
    assert isinstance(refused, list) and refused[0].startswith("x.json:1: actors[0].name: ")
    if unicodedata.category(visible) == "Cs" or not sanitise(visible)[0]:
        return
    name = read(blank + visible + blank)
    assert isinstance(name, str) and visible in name


def test_every_format_and_separator_character_counts_as_invisible() -> None:
    invisible = [
        chr(c)
        for c in range(0x110000)
        if unicodedata.category(chr(c)) in ("Cf", "Zs", "Zl", "Zp") and sanitise(chr(c))[0]
    ]
    assert len(invisible) > 150
    for char in invisible:
        (problem,) = problems(json.dumps({"meta": {"title": char}}))
        assert problem.startswith("x.json:1: meta.title: has nothing visible") or problem == (
            "x.json:1: meta.title: must not be empty"  # white space
        ), f"U+{ord(char):04X}"


# -- item 9: a key given twice ----------------------------------------------------------------

TWICE = """\
{
  "format": "faultline/1",
  "actors": [
    {"id": "kz", "name": "Kazakhstan", "kind": "state"}
  ],
  "actors": []
}
"""


def test_a_json_key_given_twice_is_refused_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "twice.json"
    path.write_text(TWICE)
    with pytest.raises(DocumentError) as caught:
        read_file(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:6: actors: duplicate key 'actors' (first at line 3)"
    ]


def test_a_json_feed_body_with_a_key_given_twice_is_refused_the_same_way() -> None:
    feed = FeedConfig(name="team", url="https://feeds.example.org/f.json")
    layer, found = parse_body(feed, TWICE.encode(), "json")
    assert layer.documents == ()
    assert [str(p) for p in found] == [
        "https://feeds.example.org/f.json:6: actors: duplicate key 'actors' (first at line 3)"
    ]


def test_a_served_feed_with_a_key_given_twice_is_refused_naming_url_and_line(
    tmp_path: Path,
) -> None:
    with FeedServer() as server:
        server.route("/f.json", Reply(200, [("Content-Type", "application/json")], TWICE.encode()))
        url = server.url("/f.json")
        config = tmp_path / "config.toml"
        config.write_text(f'[data]\npaths = []\n[[feeds]]\nname = "team"\nurl = "{url}"\n')
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env["FAULTLINE_CACHE_DIR"] = str(tmp_path / "cache")
        result = subprocess.run(
            [sys.executable, "-m", "tui", "fetch", "--config", str(config)],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
    assert result.returncode == 1
    assert f"  {url}:6: actors: duplicate key 'actors' (first at line 3)" in result.stderr


def test_an_id_given_twice_in_one_entity_is_refused_even_when_spelled_with_escapes() -> None:
    body = '{"actors": [{"id": "a", "name": "n",\n "kind": "state", "\\u0069d": "b"}]}'
    assert problems(body) == ["x.json:2: actors[0].id: duplicate key 'id' (first at line 1)"]


def test_every_key_given_twice_is_reported() -> None:
    body = (
        '{"format": "faultline/1",\n"events": [{"id": "e", "title": "t", "date": "2013",\n'
        '"x_n": {"k": 1, "k": 2}}],\n"format": "faultline/1"}'
    )
    assert problems(body) == [
        "x.json:3: events[0].x_n.k: duplicate key 'k' (first at line 3)",
        "x.json:4: format: duplicate key 'format' (first at line 1)",
    ]


def test_toml_extension_keys_equal_once_cleaned_are_refused() -> None:
    text = (
        '[[events]]\nid = "e"\ntitle = "t"\ndate = "2013"\nx_note = "first"\n'
        '"x_note\\u202e" = "second"\nx_n = { a = 1, "a\\u0007" = 2 }\n'
    )
    found = problems(text, "doc.toml")
    assert [p.split(": ", 1)[1] for p in found] == [
        (
            "events[0].'x_note\\u202e': duplicate key 'x_note' once control and bidi characters "
            "are removed"
        ),
        "events[0].x_n.'a\\x07': duplicate key 'a' once control and bidi characters are removed",
    ]


def test_json_extension_keys_equal_once_cleaned_are_refused() -> None:
    body = json.dumps(
        {"events": [{"id": "e", "title": "t", "date": "2013", "x_m": {"k": 1, "k\u200f": 2}}]}
    )
    assert problems(body) == [
        (
            "x.json:1: events[0].x_m.'k\\u200f': duplicate key 'k' once control and bidi "
            "characters are removed"
        )
    ]


# -- item 10: a size cap, checked before reading ----------------------------------------------


def test_a_huge_document_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    path.touch()
    os.truncate(path, 2 * 1024**3)  # sparse: no disk space, and instant
    with pytest.raises(DocumentError) as caught:
        read_file(path)
    assert str(caught.value) == (
        f"{path}: is 2,147,483,648 bytes (2.0 GiB); a local document may be at most "
        "536,870,912 bytes (512 MiB): raise data.max_size in the config file to read it"
    )
    layer = read_layer(path)  # the way the dashboard and every command read a data path
    assert [str(p) for p in layer.problems] == [str(caught.value)]


def test_the_size_cap_is_set_in_the_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small, large = tmp_path / "small.toml", tmp_path / "large.toml"
    small.write_text('[[actors]]\nid = "a"\nname = "A"\nkind = "state"\n')
    large.touch()
    os.truncate(large, 5000)
    config = tmp_path / "config.toml"
    config.write_text(f'[data]\npaths = ["{small}", "{large}"]\nmax_size = 4096\n')
    assert main(["--config", str(config), "validate"]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        f"config: {config} (given with --config)",
        (
            f"{large}: is 5,000 bytes (4.9 KiB); a local document may be at most 4,096 bytes "
            "(4.0 KiB): raise data.max_size in the config file to read it"
        ),
    ]
    assert "1 document(s) valid" in out.err


@pytest.mark.parametrize("value", ["0", "-1", '"big"', "true", "1.5"])
def test_data_max_size_must_be_a_positive_whole_number_of_bytes(value: str) -> None:
    import tomli

    with pytest.raises(ConfigError) as caught:
        parse_config(tomli.loads(f"[data]\nmax_size = {value}\n"), Path("/c/config.toml"))
    assert str(caught.value) == (
        "/c/config.toml: data.max_size: expected a positive whole number of bytes"
    )


def test_data_max_size_is_read_from_the_config() -> None:
    config = parse_config({"data": {"max_size": 1_000_000_000}}, Path("/c/config.toml"))
    assert config.data_max_size == 1_000_000_000
    assert parse_config({}, Path("/c/config.toml")).data_max_size == 512 * 1024**2


def test_a_document_that_grows_past_the_cap_while_read_is_refused(tmp_path: Path) -> None:
    from tui.core.loading import _read_at_most

    path = tmp_path / "growing.toml"
    path.write_bytes(b"#" * 5000)
    assert _read_at_most(path, "growing.toml", 5000, 5000) == b"#" * 5000
    # stat said 10 bytes; the file holds 5,000 by the time it is read
    with pytest.raises(DocumentError) as caught:
        _read_at_most(path, "growing.toml", 10, 4096)
    assert str(caught.value) == (
        "growing.toml: grew past 4,096 bytes (4.0 KiB) while being read; a local document "
        "may be at most 4,096 bytes (4.0 KiB): raise data.max_size in the config file to read it"
    )

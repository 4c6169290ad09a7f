"""The fast TOML path returns exactly what tomli returns, or nothing (then tomli reads).

Documents are generated inside the subset ``fasttoml`` reads (the shape Faultline's
writers emit) and just outside it (every construct it gives up on, hostile strings,
slips a hand-edit makes); for each, the fast path must give None or tomli's very value,
and the reader must show the same records and the same problems (with their lines)
whichever path parsed the text.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from pathlib import Path
from typing import Any

import pytest
import tomli
import tomli_w
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui.core import fasttoml
from tui.core.authoring import append_entity
from tui.core.lines import TomlLines
from tui.core.problems import DocumentError
from tui.core.reader import _build_document, read_toml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import generate  # noqa: E402 - the benchmarks' generator, the writers' shape

KEYS = st.sampled_from(["id", "title", "date", "summary", "actors", "sources", "x_note", "a-b_1"])
# Strings with what is hard for a parser: quotes, backslashes, every control
# character, " = " (which the fast path's passes treat specially), brackets and
# braces, line starts that look like headers, non-ASCII and astral characters.
NASTY = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("\"\\\t\n\r\x00\x01\x1b\x7f\x85\u2028 =,[]{}#'é中😀")),
        st.characters(codec="utf-8"),
    ),
    max_size=12,
) | st.sampled_from([" = ", "\n[[events]]\n", '", x = "', "a = b = c", "\\u0041", "{ a = 1 }"])


def _escaped(text: str, style: int) -> str:
    """A TOML basic string of ``text``, escaped in one of several ways (some of which
    the fast path gives up on, or which are not TOML at all)."""
    out = []
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch < " " or ch == "\x7f":
            if style == 0:
                out.append(f"\\u{ord(ch):04x}")
            elif style == 1:
                out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch, f"\\U{ord(ch):08X}"))
            elif style == 2:
                out.append({"\x1b": "\\e"}.get(ch, f"\\x{ord(ch):02x}"))
            else:
                out.append(ch)  # raw: only tab is allowed
        elif ord(ch) > 0xFFFF and style == 1:
            out.append(f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


@st.composite
def scalars(draw: st.DrawFn, wild: bool) -> str:
    kind = draw(st.integers(0, 9))
    if kind <= 3:
        return _escaped(draw(NASTY), draw(st.integers(0, 3)) if wild else 0)
    if kind == 4:
        return str(draw(st.integers(-(2**70), 2**70) if wild else st.integers(-(2**63), 2**63)))
    if kind == 5:
        good = ["true", "false", "-0", "0"]
        return draw(st.sampled_from(good + (["+1", "1_000", "0x1f", "01"] if wild else [])))
    if kind == 6:
        number = draw(st.floats(allow_nan=wild, allow_infinity=wild))
        good = [repr(number), "1e5", "-0.0", "1.5E-3"]
        return draw(st.sampled_from(good + (["inf", "nan", "1.", ".5"] if wild else [])))
    if kind == 7 and wild:
        return draw(
            st.sampled_from(["2024-02-30", "'lit'", '"""multi"""', "null", "1979-05-27T07:32:00Z"])
        )
    if kind == 7:
        return draw(st.sampled_from(["2024-01-05", "1999-12-31", "0000-01-01"]))
    if kind == 8:
        return '""'
    return _escaped(draw(st.text(max_size=8)), 0)


@st.composite
def inline_tables(draw: st.DrawFn, wild: bool) -> str:
    keys = draw(st.lists(KEYS, max_size=3, unique=not wild))
    pairs = ", ".join(f"{k} = {draw(scalars(wild))}" for k in keys)
    forms = ["{ %s }", "{%s}"] + (["{ %s, }"] if wild else [])
    return draw(st.sampled_from(forms)) % pairs if pairs else "{}"


@st.composite
def values(draw: st.DrawFn, wild: bool) -> str:
    kind = draw(st.integers(0, 5 if wild else 4))
    if kind <= 1:
        return draw(scalars(wild))
    elements = draw(st.lists(st.one_of(scalars(wild), inline_tables(wild)), max_size=4))
    if kind == 2:
        return "[" + ", ".join(elements) + draw(st.sampled_from(["", ","] if wild else [""])) + "]"
    if kind == 3:  # as tomli_w writes one: an element a line, each with its comma
        indent = draw(st.sampled_from(["    ", "", "\t", "  "]))
        lines = "".join(f"{indent}{element},\n" for element in elements)
        return "[\n" + lines + draw(st.sampled_from(["]", "  ]"] if wild else ["]"]))
    if kind == 4:
        return draw(inline_tables(wild))
    return "[" + ", ".join(f"[{e}]" for e in elements) + "]"  # nested arrays


@st.composite
def key_lines(draw: st.DrawFn, wild: bool, keys: st.SearchStrategy[str] = KEYS) -> str:
    if not wild:
        return f"{draw(keys)} = {draw(values(wild))}"
    key = draw(st.one_of(keys, st.sampled_from(['"quoted"', "a.b", "with space", ""])))
    spacing = draw(st.sampled_from([" = ", " = ", "=", "  =  ", " =\t"]))
    tail = draw(st.sampled_from(["", "", "  ", " # a comment", "\r"]))
    return f"{key}{spacing}{draw(values(wild))}{tail}"


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A document of the fast path's subset, or (``wild``) of anything near it; then,
    perhaps, one line changed, repeated or dropped in."""
    wild = draw(st.integers(0, 3)) == 0
    notes = ["", "# note", "   "] + (["  # indented", "#\x01"] if wild else [])
    top = st.lists(st.sampled_from(["format", "sources", "x_top"]), max_size=3, unique=True)
    lines = [draw(key_lines(wild, st.just(key))) for key in draw(top)]
    tables = draw(st.lists(st.sampled_from(["[[events]]", "[[actors]]", "[meta]", "[[events]]"])))
    if wild:
        tables += draw(st.lists(st.sampled_from(["[[a.b]]", "[[ events ]]", "  [[x]]", "[x]"])))
    elif "[meta]" in tables:  # one [meta] table, where it first came
        first = tables.index("[meta]") + 1
        tables[first:] = [t for t in tables[first:] if t != "[meta]"]
    for header in draw(st.permutations(tables)) if wild else tables:
        lines.append(header)
        keys = draw(st.lists(KEYS, max_size=4, unique=True))
        lines += [draw(key_lines(wild, st.just(key))) for key in keys]
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(notes)))
    change = draw(st.integers(0, 3))
    if change == 1 and lines:  # a line given twice: a duplicate key or table
        lines.append(draw(st.sampled_from(lines)))
    elif change == 2:
        lines.insert(draw(st.integers(0, len(lines))), draw(key_lines(True)))
    ending = draw(st.sampled_from(["\n", "\n", "", "\r\n"] if wild else ["\n", ""]))
    return ending.join(lines) + ending


def _tomli(text: str) -> Any:
    try:
        return tomli.loads(text)
    except (tomli.TOMLDecodeError, ValueError, RecursionError):
        return None


def _same(fast: Any, slow: Any) -> bool:
    """Equal, and of the same types all the way down (1 == 1.0 == True in Python)."""
    if type(fast) is not type(slow):
        return False
    if isinstance(slow, dict):
        return list(fast) == list(slow) and all(_same(fast[k], slow[k]) for k in slow)
    if isinstance(slow, list):
        return len(fast) == len(slow) and all(map(_same, fast, slow))
    if isinstance(slow, float) and math.isnan(slow):
        return math.isnan(fast)
    return bool(fast == slow)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
@example('a = "x = y"\nb = 1\n')
@example('a = 1\n,"a": 2\n')  # a line that looks like what the passes make
@example('[[t]]\na = 1\n}\n,{"":0\n')
@example('a = "\\ud800"\n')  # a surrogate escape: JSON would read it
@example('a = "\\/"\n')
@example("a = null\n")
@example("a = [1, {b = 1}]\n")
@example("a = 1 ,b = 2\n")
@example("a = \n1\n")
@example("[t]\n[t]\n")
@example("t = 1\n[[t]]\n")
@example("[[t]]\n[t]\n")
@example("[[t]]\na = 1\n[[u]]\nb = 2\n[[t]]\nc = 3\n")
@example("[[t]]\n[[t]]\na = 1\n")
@example('a = "tab\there"\n')
@example("[[t]]\nd = 2024-01-05\n[[t]]\nd = 2024-02-30\n")
@example('[[t]]\nd = 2024-01-05\ns = "\ud800"\n')
@example('[t]\n# note\n[[u]]\na = "\u2028"\n')
@example('[[u]]\na = "\u2028"\n[[u]]\n')
@example("x = [\n    ,\n]\n")  # a lone comma: no element before it
@example('x = [\n    "a",\n    ,\n]\n')
def test_the_fast_path_returns_what_tomli_returns_or_nothing(text: str) -> None:
    fast = fasttoml.loads(text)
    if fast is not None:
        slow = _tomli(text)
        assert slow is not None, "read fast, but tomli refuses it"
        assert _same(fast, slow)
        _, headers = fasttoml.parse(text) or (None, None)
        if headers is not None:  # where the headers are, as scanning the text finds them
            scanned = TomlLines(text)
            assert (headers.arrays, headers.tables) == (scanned._arrays, scanned.tables)


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.one_of(
            st.text(max_size=20),
            st.integers(-(2**63), 2**63 - 1),
            st.booleans(),
            st.floats(allow_nan=False, allow_infinity=False),
        ),
        lambda inner: st.lists(inner, max_size=3),
        max_leaves=6,
    ).filter(lambda v: not isinstance(v, list) or all(not isinstance(x, list) for x in v)),
    st.lists(st.dictionaries(KEYS, st.text(max_size=30), min_size=1, max_size=5), max_size=5),
)
def test_what_tomli_w_writes_is_read_fast_and_alike(
    value: Any, tables: list[dict[str, str]]
) -> None:
    """The writers' own shape (tomli_w: a root key, arrays of tables of strings) is read
    by the fast path, not only tolerated: else the speed-up would be lost unnoticed."""
    document: dict[str, Any] = {"value": value}
    if tables:
        document["events"] = tables
    text = tomli_w.dumps(document)
    fast = fasttoml.loads(text)
    assert _same(fast, tomli.loads(text))


@pytest.mark.parametrize("chunk", [fasttoml.CHUNK, 64])
def test_the_benchmark_dossier_is_read_fast_and_alike(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also when its arrays of tables are read in pieces smaller than a table."""
    monkeypatch.setattr(fasttoml, "CHUNK", chunk)
    text = tomli_w.dumps(generate.arranged(300))
    fast = fasttoml.loads(text)
    assert fast is not None
    assert _same(fast, tomli.loads(text))


def _read(text: str, fast: bool) -> Any:
    """The records, or the problems, the reader gives for ``text``, its TOML parsed by
    the fast path (``fast``) or by tomli."""
    raw = fasttoml.loads(text) if fast else tomli.loads(text)
    assert raw is not None
    try:
        document = _build_document(raw, "d.toml", layer="d", text=text)
    except DocumentError as error:
        return error.problems
    return [dataclasses.astuple(document)]


BAD_EVENTS = """\
format = "faultline/1"
sources = [
    { id = "gen", title = "Generated", kind = "dataset" },
]

[[actors]]
id = "a1"
name = "Actor"
kind = "state"

[[events]]
id = "e1"
title = "Fine"
date = "2001-02-03"
actors = [
    "a1",
]

[[events]]
id = "E 2"
title = "Bad id, bad date"
date = "2001-13-45"
actors = [
    "nobody",
]

[[events]]
id = "e1"
title = "A duplicate id"
date = "2001"
colour = "an unknown key"
"""


@pytest.mark.parametrize(
    "text",
    [BAD_EVENTS, tomli_w.dumps(generate.arranged(200)), BAD_EVENTS.replace("Fine", "F\\u00efne")],
)
def test_the_reader_shows_the_same_records_and_problems_either_way(text: str) -> None:
    assert fasttoml.loads(text) is not None
    assert _read(text, fast=True) == _read(text, fast=False)
    # and read_toml (which takes the fast path) agrees with both
    try:
        shown: Any = [dataclasses.astuple(read_toml(text, "d.toml", layer="d"))]
    except DocumentError as error:
        shown = error.problems
    assert shown == _read(text, fast=False)


def test_the_problems_of_a_bad_document_keep_their_lines() -> None:
    problems = _read(BAD_EVENTS, fast=True)
    lines = {problem.path: problem.line for problem in problems}
    assert lines == {"events[1].id": 20, "events[1].date": 22, "events[2].colour": 31,
                     "events[2].id": 28}  # fmt: skip
    duplicate = next(p for p in problems if p.path == "events[2].id")
    assert "also at events[0] (line 11)" in duplicate.message


def test_a_dossier_with_a_captured_event_is_still_read_fast(tmp_path: Path) -> None:
    """The capture forms append an entity as TOML of their own (a whole day written
    bare, arrays on one line): the dossier keeps the fast path, and reads alike."""
    path = tmp_path / "dossier.toml"
    path.write_text(tomli_w.dumps(generate.arranged(50)), encoding="utf-8")
    append_entity(
        path,
        "event",
        {"id": "captured-1", "title": "Captured \"quoted\"", "date": "2024-01-05",
         "actors": ["actor-1"], "sources": ["gen"], "summary": "line one\nline two"},
    )  # fmt: skip
    text = path.read_text(encoding="utf-8")
    assert "date = 2024-01-05" in text
    fast = fasttoml.loads(text)
    assert fast is not None
    assert _same(fast, tomli.loads(text))

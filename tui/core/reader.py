"""Reading one faultline/1 document's text into typed records, strictly.

Parsing happens once, here, at the edge: TOML or JSON text is parsed, every table is
checked against the schema (``schema.py``) and built into records. A document with any
error is rejected whole with problems that name the file, the line where it can be
found (``lines.py``) and the key path. Nothing a document contains can make this module
raise anything but ``DocumentError``. Files, the parsed-data cache and two-core reading
are ``loading.py``'s.
"""

from __future__ import annotations

import dataclasses
import json
import re
from itertools import repeat
from typing import Any

import tomli

from . import fasttoml
from .columns import RUN, build_run
from .lines import TomlLines, duplicate_keys, json_line_index
from .model import FORMAT, Disagreement, Document, Kind, Meta, Origin, Position
from .problems import DocumentError, Problem, key_path, shorten, type_name
from .schema import (
    BUILD,
    ENTITY_LIMIT,
    KINDS,
    MAX_PROBLEMS,
    META_FIELDS,
    TOP_KEYS,
    TOP_POSITION_FIELDS,
    TOP_POSITION_REQUIRED,
    Checker,
    Invalid,
    TooMany,
)


def read_toml(
    text: str, name: str, *, layer: str, require_format: bool = False, offset: int = 0
) -> Document:
    """Read the TOML document ``text``, or a part of the document ``name`` that begins
    after ``offset`` lines of it (``splitparse``): the entities' lines are the whole
    document's."""
    fast = fasttoml.parse(text)
    if fast is None:
        raw, lines = _loads_toml(text, name), TomlLines(text, offset)
    else:
        raw, headers = fast
        found = (headers.arrays, headers.tables) if headers else (None, None)
        lines = TomlLines(text, offset, *found)
    return _build_document(
        raw, name, layer=layer, require_format=require_format, text=text, lines=lines
    )


def read_json(box: list[bytes], name: str, *, layer: str, require_format: bool = False) -> Document:
    """Read the JSON document whose bytes are in ``box`` (taken out: see ``decode_utf8``)."""
    raw, text = _parse_json(box, name)
    try:
        return _build_document(raw, name, layer=layer, require_format=require_format)
    except DocumentError as error:
        raise DocumentError(_with_json_lines(error.problems, text)) from None


BOM = b"\xef\xbb\xbf"
# A document as parsed from TOML or JSON, before the schema has checked any value.
RawDocument = dict[str, Any]


def _without_bom(data: bytes) -> bytes:
    """Editors on some systems save UTF-8 with a byte order mark; it carries no meaning."""
    return data[3:] if data.startswith(BOM) else data


def _too_many_digits(error: ValueError) -> bool:
    return "Exceeds the limit" in str(error)


def decode_utf8(box: list[bytes], name: str) -> str:
    """The text of the UTF-8 bytes in ``box``, taken out of it, so that a caller holding no
    other reference lets them go once decoded (before tomli builds its tables)."""
    data = _without_bom(box.pop())
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise DocumentError(
            [Problem(name, "is not valid UTF-8 text", line=line, column=column)]
        ) from None


def _loads_toml(text: str, name: str) -> RawDocument:
    """The tables of ``text``, by tomli, which also says what is wrong with a text that
    is not TOML. (``read_toml`` first asks ``fasttoml``, which reads the shape Faultline
    writes, the same tables, in about two thirds of the time.)"""
    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        message = getattr(error, "msg", None) or str(error).split(" (at ")[0]
        line = getattr(error, "lineno", None)
        column = getattr(error, "colno", None)
        aid = _first_aid(text, line, message) if line else None
        if aid is not None:
            column = None  # the line says it all
        raise DocumentError(
            [Problem(name, f"TOML syntax error: {aid or message}", line=line, column=column)]
        ) from None
    except RecursionError:
        raise DocumentError([Problem(name, "TOML is nested too deeply to read")]) from None
    except ValueError as error:  # tomli turns a number of over 4,300 digits into an int
        reason = "a number has too many digits" if _too_many_digits(error) else "cannot be read"
        raise DocumentError([Problem(name, f"TOML syntax error: {reason}")]) from None


# A key set to a value on one line: the key, then the value (up to a comment).
_KEY_VALUE = re.compile(
    r"""[ \t]*(?P<key>[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')[ \t]*=[ \t]*(?P<value>[^#\n]*?)"""
    r"[ \t]*(?:#.*)?\Z"
)
# A date of the EDTF subset written without quotes: only a whole day is a TOML value.
_ONE_DATE = r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?[?~%]?"
_BARE_DATE = re.compile(rf"(?:\.\.|{_ONE_DATE})(?:/(?:\.\.|{_ONE_DATE}))?\Z")
# Keys of a position: set twice in one table, it is most likely a change of stance
# written over the old one.
_POSITION_KEYS = frozenset({"stance", "as_of", "score", "salience", "confidence", "summary"})


def _first_aid(text: str, line: int, message: str) -> str | None:
    """What a TOML syntax error on ``line`` most likely means, for the slips analysts
    make: a month, year, qualified or interval date left unquoted; a key written twice
    in one table (a change of stance typed over the old one). None when it is neither."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return None
    found = _KEY_VALUE.match(lines[line - 1])
    if found is None:
        return None
    key, value = found["key"], found["value"]
    if _BARE_DATE.match(value) and message != "Cannot overwrite a value":
        return f'dates that are not a whole day are quoted: {key} = "{value}"'
    if message == "Cannot overwrite a value":
        aid = f"{key} is set twice in one table"
        if key.strip("\"'") in _POSITION_KEYS:
            aid += (
                "; a change of stance is a new position with a later as_of, not a new value "
                "over the old one: keep the old position and add one ([[positions]] with "
                "disagreement, actor, stance, as_of; or faultline add position)"
            )
        return aid
    return None


class DuplicateKey(Exception):
    """An object of the text holds ``key`` twice (raised by ``loads_strict``)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_constant(value: str) -> None:
    raise ValueError(f"{value} is not allowed in JSON")


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    table = dict(pairs)
    if len(table) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return table


def loads_strict(text: str) -> Any:
    """``json.loads``, refusing NaN and Infinity, and a key given twice in one object
    (``DuplicateKey``): json would keep the last, so ``{"actors": [...], "actors": []}``
    would quietly lose every actor. The check costs about a third more than a bare
    ``json.loads``."""
    return json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique)


def _parse_json(box: list[bytes], name: str) -> tuple[RawDocument, str]:
    """The object of a JSON document, and its text (to find lines if a problem needs one)."""
    data = _without_bom(box.pop())
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DocumentError(
            [Problem(name, f"is not valid UTF-8 text (byte {error.start})")]
        ) from None
    del data
    try:
        value = loads_strict(text)
    except DuplicateKey as duplicate:
        raise DocumentError(_duplicate_problems(text, name, duplicate.key)) from None
    except json.JSONDecodeError as error:
        raise DocumentError(
            [
                Problem(
                    name, f"JSON syntax error: {error.msg}", line=error.lineno, column=error.colno
                )
            ]
        ) from None
    except ValueError as error:
        reason = "a number has too many digits" if _too_many_digits(error) else str(error)
        raise DocumentError([Problem(name, f"JSON syntax error: {reason}")]) from None
    except RecursionError:
        raise DocumentError([Problem(name, "JSON is nested too deeply to read")]) from None
    if not isinstance(value, dict):
        raise DocumentError(
            [Problem(name, f"a document must be a JSON object, got {type_name(value)}")]
        )
    return value, text


def _duplicate_problems(text: str, name: str, key: str) -> list[Problem]:
    """A problem at each key that an object of ``text`` gives twice (json keeps the last
    one, which would quietly drop the first: ``"actors"`` twice loses every actor)."""
    try:
        found = duplicate_keys(text, MAX_PROBLEMS)
    except RecursionError:
        found = []
    problems = [
        Problem(name, f"duplicate key {shorten(repeated)} (first at line {first})", path, line)
        for path, repeated, line, first in found
    ]
    return problems or [Problem(name, f"duplicate key {shorten(key)}")]


def _with_json_lines(problems: list[Problem], text: str) -> list[Problem]:
    """``problems`` with the line of each key path in the JSON ``text`` (json gives none)."""
    wanted = {p.path for p in problems if p.path and p.line is None}
    if not wanted:
        return problems
    try:
        lines = json_line_index(text, wanted)
    except RecursionError:
        return problems
    return [
        dataclasses.replace(p, line=lines[p.path]) if p.line is None and p.path in lines else p
        for p in problems
    ]


def _build_document(
    raw: RawDocument,
    name: str,
    *,
    layer: str,
    require_format: bool = False,
    text: str | None = None,
    offset: int = 0,
    lines: TomlLines | None = None,
) -> Document:
    """The document of the parsed tables ``raw``; the lines of problems are found in the
    TOML ``text`` when given. Each entity's table is dropped from ``raw`` once read, so
    that tables and records are not all held at once (the peak memory of reading a large
    document is then about that of its tables alone)."""
    checker = Checker(name)
    if lines is None and text is not None:
        lines = TomlLines(text, offset)
    try:
        document = _build(checker, raw, name, layer, require_format, lines)
    except TooMany:
        checker.problems.append(Problem(name, f"stopped after {MAX_PROBLEMS} problems"))
        document = None
    except RecursionError:
        checker.problems.append(Problem(name, "is nested too deeply to read"))
        document = None
    if checker.problems or document is None:
        problems = checker.problems
        if lines is not None:
            problems = [
                Problem(p.document, p.message, p.path, lines.locate(p.path)) if p.path else p
                for p in problems
            ]
        raise DocumentError(problems)
    return document


def _build(
    checker: Checker,
    raw: RawDocument,
    name: str,
    layer: str,
    require_format: bool,
    lines: TomlLines | None,
) -> Document | None:
    fmt = raw.get("format")
    if "format" not in raw:
        if require_format:
            checker.fail("format", f'missing; a feed must say format = "{FORMAT}"')
    elif fmt != FORMAT:
        checker.fail("format", f'unknown format {shorten(fmt)}; this reader knows "{FORMAT}"')
    for key in raw:
        if key == "$schema":  # which JSON Schema an editor checks the document with
            if not isinstance(raw[key], str):
                checker.fail(key_path("", key), f"expected a string, got {type_name(raw[key])}")
            continue
        if key.startswith("x_"):  # checked like any extension value, then not kept
            try:
                checker.extra(raw[key], key_path("", key))
            except Invalid as invalid:
                checker.fail(invalid.path, invalid.message)
            continue
        if key not in TOP_KEYS:
            checker.fail(
                key_path("", key),
                "unknown key (allowed: " + ", ".join(TOP_KEYS) + "; extensions start with x_)",
            )
    total = sum(
        len(raw[k])
        for k in ("sources", "actors", "disagreements", "positions", "events")
        if isinstance(raw.get(k), list)
    )
    if total > ENTITY_LIMIT:
        checker.fail("", f"holds {total:,} entities; the limit is {ENTITY_LIMIT:,} per document")
        return None
    if checker.problems:
        return None

    meta = Meta()
    if "meta" in raw:
        fields = checker.record(raw["meta"], "meta", META_FIELDS, required=())
        if fields is not None:
            meta = Meta(**fields)

    # Each kind's records, made by the generated BUILD functions (so typed Any here).
    built: dict[Kind, tuple[Any, ...]] = {}
    record = checker.record
    line_of = lines.entity_line if lines else None
    for kind, cls, spec, required in KINDS:
        table = kind.value
        items = raw.get(table)
        if items is None:
            built[kind] = ()
            continue
        if not isinstance(items, list):
            checker.fail(table, f"expected an array of tables, got {type_name(items)}")
            continue
        build = BUILD[cls]
        out: list[Any] = []
        first_seen: dict[str, int] = {}
        for start in range(0, len(items), RUN):
            stop = min(start + RUN, len(items))
            origins = [
                Origin(layer, name, line_of(table, i) if line_of else None)
                for i in range(start, stop)
            ]
            run = items[start:stop]
            plain = build_run(checker, run, spec, required, cls, origins, first_seen, start)
            del run, origins
            if plain is not None:  # checked a column at a time (``columns``)
                out += plain
                items[start:stop] = repeat(None, stop - start)
                continue
            for i in range(start, stop):
                item, items[i] = items[i], None  # ``item`` holds it until the next one
                where = f"{table}[{i}]"
                fields = record(item, where, spec, required)
                # Duplicates are checked on the raw id so they show even beside other problems.
                ident = item.get("id") if isinstance(item, dict) else None
                if isinstance(ident, str):
                    if ident in first_seen:
                        other = f"{table}[{first_seen[ident]}]"
                        line = lines.locate(other) if lines else None
                        checker.fail(
                            f"{where}.id",
                            f"duplicate {kind.singular} id {shorten(ident)}: also at {other}"
                            + (f" (line {line})" if line else ""),
                        )
                        continue
                    first_seen[ident] = i
                if fields is None:
                    continue
                line = line_of(table, i) if line_of else None
                out.append(build(fields, Origin(layer, name, line)))
        built[kind] = tuple(out)
    positions = _top_positions(checker, raw, built.get(Kind.DISAGREEMENT, ()), layer, name, lines)
    if checker.problems:
        return None
    notes = _stray_nested(lines, built[Kind.DISAGREEMENT], name) if lines else ()
    return Document(
        name=name,
        meta=meta,
        sources=built[Kind.SOURCE],
        actors=built[Kind.ACTOR],
        disagreements=built[Kind.DISAGREEMENT],
        events=built[Kind.EVENT],
        sanitised=checker.sanitised,
        positions=positions,
        notes=notes,
    )


def _stray_nested(
    lines: TomlLines, disagreements: tuple[Disagreement, ...], name: str
) -> tuple[Problem, ...]:
    """A warning for each ``[[disagreements.positions]]`` written after another top-level
    table: appended at the end of a file, it attaches itself to the disagreement written
    last above it, whichever was meant (the TOML rule)."""
    notes = []
    for line, parent, index, after in lines.stray_positions:
        if parent >= len(disagreements):
            continue
        disagreement = disagreements[parent]
        at = disagreement.origin.line if disagreement.origin else None
        notes.append(
            Problem(
                name,
                f"this [[disagreements.positions]] comes after {after}, and TOML "
                f"attaches it to the last disagreement above it, '{disagreement.id}'"
                + (f" (line {at})" if at else "")
                + "; if it is meant for another, write it as [[positions]] with "
                'disagreement = "…"',
                f"disagreements[{parent}].positions[{index}]",
                line,
                warning=True,
            )
        )
    return tuple(notes)


def _top_positions(
    checker: Checker,
    raw: dict[str, Any],
    disagreements: tuple[Disagreement, ...],
    layer: str,
    name: str,
    lines: TomlLines | None,
) -> tuple[Position, ...]:
    """The top-level ``[[positions]]`` of a document. Each names its disagreement; one
    with the identity (disagreement, actor, as_of) of another in the document, nested or
    top-level, is an error naming both places."""
    items = raw.get("positions")
    if items is None:
        return ()
    if not isinstance(items, list):
        checker.fail("positions", f"expected an array of tables, got {type_name(items)}")
        return ()
    seen: dict[tuple[str, str, str | None], str] = {
        (d.id, *p.held): f"disagreements[{i}].positions[{j}]"
        for i, d in enumerate(disagreements)
        if items
        for j, p in enumerate(d.positions)
    }
    build = BUILD[Position]
    out = []
    for i, item in enumerate(items):
        where = f"positions[{i}]"
        fields = checker.record(item, where, TOP_POSITION_FIELDS, TOP_POSITION_REQUIRED)
        if fields is None:
            continue
        line = lines.entity_line("positions", i) if lines else None
        position = build(fields, Origin(layer, name, line))
        identity = (position.disagreement, *position.held)
        other = seen.get(identity)
        if other is not None:
            at = lines.locate(other) if lines else None
            checker.fail(
                where,
                f"actor '{position.actor}' already has a position on "
                f"'{position.disagreement}' with {position.when} at {other}"
                + (f" (line {at})" if at else "")
                + "; a change of stance is a new position with a later as_of",
            )
            continue
        seen[identity] = where
        out.append(position)
    return tuple(out)

"""Reading faultline/1 documents from TOML or JSON into typed records, strictly.

Parsing happens once, here, at the edge. Every rule of the data contract
(../shared/spec/data-format.md) is checked; a document with any error is rejected
whole with problems that name the file, the line where it can be found and the key
path. Nothing a document contains can make this module raise anything but
``DocumentError``.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping

import tomli

from .dates import DateError, EDate
from .model import (
    ACTOR_KINDS,
    CONFIDENCE,
    DISAGREEMENT_STATUSES,
    EVENT_STATUSES,
    EVENT_TYPES,
    FORMAT,
    LIKELIHOOD,
    RELIABILITY,
    SOURCE_KINDS,
    STANCES,
    Actor,
    Citation,
    Disagreement,
    Document,
    Event,
    Kind,
    Meta,
    Origin,
    Position,
    Source,
)
from .problems import DocumentError, Problem
from .text import sanitise

ID_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}\Z")
COUNTRY_RE = re.compile(r"[A-Z]{3}\Z")
WIKIDATA_RE = re.compile(r"Q[1-9][0-9]*\Z")
URL_RE = re.compile(r"https?://[^\s/?#]+", re.IGNORECASE)

NAME_LIMIT = 300
TEXT_LIMIT = 20_000
ID_LIMIT = 64
ENTITY_LIMIT = 1_000_000
MAX_PROBLEMS = 50  # past this a document is hopeless; more lines only bury the first ones

TOP_KEYS = ("format", "meta", "sources", "actors", "disagreements", "events")


def type_name(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "table"
    if isinstance(value, _dt.datetime):
        return "date-time"
    if isinstance(value, _dt.date):
        return "date"
    if isinstance(value, _dt.time):
        return "time"
    if value is None:
        return "null"
    return type(value).__name__


def shorten(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Invalid(Exception):
    """One field is wrong; caught per field so a document reports every problem."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message


@dataclass
class _Checker:
    """Converts raw parsed values, collecting problems and counting sanitised characters."""

    document: str
    problems: list[Problem] = field(default_factory=list)
    sanitised: int = 0

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.document, message, path))
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooMany()

    # -- scalar conversions (raise _Invalid) --------------------------------------------

    def text(self, value: object, path: str, limit: int = TEXT_LIMIT) -> str:
        if not isinstance(value, str):
            raise _Invalid(path, f"expected a string, got {type_name(value)}")
        if len(value) > limit:
            raise _Invalid(path, f"is {len(value):,} characters long; the limit is {limit:,}")
        clean, removed = sanitise(value)
        self.sanitised += removed
        return clean

    def name(self, value: object, path: str) -> str:
        result = self.text(value, path, NAME_LIMIT)
        if not result.strip():
            raise _Invalid(path, "must not be empty")
        return result

    def ident(self, value: object, path: str) -> str:
        if not isinstance(value, str):
            raise _Invalid(path, f"expected an id string, got {type_name(value)}")
        if len(value) > ID_LIMIT:
            raise _Invalid(path, f"id is {len(value)} characters long; the limit is {ID_LIMIT}")
        if ID_RE.match(value) is None:
            raise _Invalid(
                path,
                f"{shorten(value)} is not a valid id (lower-case letters, digits, '.', '_' "
                "and '-', starting with a letter or digit, at most 64 characters)",
            )
        return value

    def enum(self, choices: tuple[str, ...]) -> Callable[[object, str], str]:
        def convert(value: object, path: str) -> str:
            if not isinstance(value, str):
                raise _Invalid(path, f"expected a string, got {type_name(value)}")
            if value not in choices:
                raise _Invalid(path, f"{shorten(value)} is not one of: {', '.join(choices)}")
            return value

        return convert

    def integer(self, low: int, high: int) -> Callable[[object, str], int]:
        def convert(value: object, path: str) -> int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise _Invalid(path, f"expected an integer, got {type_name(value)}")
            if not low <= value <= high:
                raise _Invalid(path, f"{value} is out of range ({low} to {high})")
            return value

        return convert

    def date(self, value: object, path: str) -> EDate:
        try:
            return EDate.parse(value)
        except DateError as error:
            raise _Invalid(path, str(error)) from None

    def url(self, value: object, path: str) -> str:
        result = self.text(value, path)
        if URL_RE.match(result) is None:
            raise _Invalid(path, f"{shorten(result)} is not an http or https URL")
        return result

    def pattern(self, regex: re.Pattern[str], what: str) -> Callable[[object, str], str]:
        def convert(value: object, path: str) -> str:
            if not isinstance(value, str):
                raise _Invalid(path, f"expected a string, got {type_name(value)}")
            if regex.match(value) is None:
                raise _Invalid(path, f"{shorten(value)} is not {what}")
            return value

        return convert

    def array(self, item: Callable[[object, str], Any]) -> Callable[[object, str], tuple]:
        def convert(value: object, path: str) -> tuple:
            if not isinstance(value, list):
                raise _Invalid(path, f"expected an array, got {type_name(value)}")
            return tuple(item(v, f"{path}[{i}]") for i, v in enumerate(value))

        return convert

    def strings(self, value: object, path: str) -> tuple[str, ...]:
        return self.array(self.name)(value, path)

    def ids(self, value: object, path: str) -> tuple[str, ...]:
        return self.array(self.ident)(value, path)

    def extra(self, value: object) -> object:
        """x_* values are kept (for export) but their text is cleaned like any other."""
        if isinstance(value, str):
            clean, removed = sanitise(value)
            self.sanitised += removed
            return clean
        if isinstance(value, list):
            return [self.extra(v) for v in value]
        if isinstance(value, dict):
            return {k: self.extra(v) for k, v in value.items()}
        return value

    def citation(self, value: object, path: str) -> Citation:
        if isinstance(value, str):
            return Citation(self.ident(value, path))
        if not isinstance(value, dict):
            raise _Invalid(path, f"expected a source id or an inline table, got {type_name(value)}")
        fields = self.record(value, path, CITATION_FIELDS, required=("id",))
        if fields is None:
            raise _Invalid(path, "")  # the record's problems are already recorded
        fields["source"] = fields.pop("id")
        return Citation(**fields)

    def citations(self, value: object, path: str) -> tuple[Citation, ...]:
        return self.array(self.citation)(value, path)

    # -- tables --------------------------------------------------------------------------

    def record(
        self,
        raw: object,
        path: str,
        spec: Mapping[str, Callable[[_Checker, object, str], Any]],
        required: tuple[str, ...],
    ) -> dict[str, Any] | None:
        """Convert one table by ``spec``; None (with problems recorded) when it is invalid."""
        if not isinstance(raw, dict):
            self.fail(path, f"expected a table, got {type_name(raw)}")
            return None
        ok = True
        for key in required:
            if key not in raw:
                self.fail(path, f"missing required key '{key}'")
                ok = False
        out: dict[str, Any] = {}
        extra: dict[str, object] = {}
        for key, value in raw.items():
            convert = spec.get(key)
            if convert is None:
                if key.startswith("x_"):
                    extra[key] = self.extra(value)
                    continue
                self.fail(
                    f"{path}.{key}",
                    "unknown key (allowed: " + ", ".join(spec) + "; extensions start with x_)",
                )
                ok = False
                continue
            try:
                out[key] = convert(self, value, f"{path}.{key}")
            except _Invalid as invalid:
                if invalid.message:  # an empty message: the problems are already recorded
                    self.fail(invalid.path, invalid.message)
                ok = False
        if not ok:
            return None
        if extra:
            out["extra"] = MappingProxyType(extra)
        return out


class _TooMany(Exception):
    pass


def _m(name: str, *args: Any) -> Callable[[_Checker, object, str], Any]:
    """A field converter: a checker method, or a factory of one, looked up by name."""
    if not args:
        return lambda c, v, p: getattr(c, name)(v, p)
    return lambda c, v, p: getattr(c, name)(*args)(v, p)


CITATION_FIELDS = {
    "id": _m("ident"),
    "locator": _m("text"),
    "credibility": _m("integer", 1, 6),
}
META_FIELDS = {"title": _m("name"), "summary": _m("text"), "as_of": _m("date")}
SOURCE_FIELDS = {
    "id": _m("ident"),
    "title": _m("name"),
    "url": _m("url"),
    "publisher": _m("text"),
    "published": _m("date"),
    "kind": _m("enum", SOURCE_KINDS),
    "reliability": _m("enum", RELIABILITY),
}
ACTOR_FIELDS = {
    "id": _m("ident"),
    "name": _m("name"),
    "kind": _m("enum", ACTOR_KINDS),
    "aliases": _m("strings"),
    "country": _m("pattern", COUNTRY_RE, "an ISO 3166-1 alpha-3 code (three capital letters)"),
    "role": _m("text"),
    "member_of": _m("ids"),
    "wikidata": _m("pattern", WIKIDATA_RE, "a Wikidata id (Q and digits, such as Q232)"),
    "summary": _m("text"),
    "tags": _m("strings"),
}
POSITION_FIELDS = {
    "actor": _m("ident"),
    "stance": _m("enum", STANCES),
    "as_of": _m("date"),
    "score": _m("integer", -3, 3),
    "salience": _m("integer", 0, 10),
    "confidence": _m("enum", CONFIDENCE),
    "summary": _m("text"),
    "sources": _m("citations"),
}
DISAGREEMENT_FIELDS = {
    "id": _m("ident"),
    "title": _m("name"),
    "question": _m("text"),
    "summary": _m("text"),
    "status": _m("enum", DISAGREEMENT_STATUSES),
    "since": _m("date"),
    "topics": _m("strings"),
    "positions": None,  # checked by _positions: placeholder so the key is allowed
    "sources": _m("citations"),
}
EVENT_FIELDS = {
    "id": _m("ident"),
    "title": _m("name"),
    "date": _m("date"),
    "date_text": _m("text"),
    "summary": _m("text"),
    "actors": _m("ids"),
    "targets": _m("ids"),
    "disagreements": _m("ids"),
    "type": _m("enum", EVENT_TYPES),
    "status": _m("enum", EVENT_STATUSES),
    "likelihood": _m("enum", LIKELIHOOD),
    "location": _m("text"),
    "sources": _m("citations"),
}


def _positions(checker: _Checker, value: object, path: str) -> tuple[Position, ...]:
    if not isinstance(value, list):
        raise _Invalid(path, f"expected an array of tables, got {type_name(value)}")
    out: list[Position] = []
    seen: dict[tuple[str, str | None], int] = {}
    failed = False
    for j, raw in enumerate(value):
        where = f"{path}[{j}]"
        fields = checker.record(raw, where, POSITION_FIELDS, required=("actor", "stance"))
        if fields is None:
            failed = True
            continue
        position = Position(**fields)
        key = (position.actor, position.as_of.text if position.as_of else None)
        if key in seen:
            when = f"as_of {position.as_of.text}" if position.as_of else "no as_of"
            checker.fail(
                where,
                f"actor '{position.actor}' already has a position with {when} "
                f"at {path}[{seen[key]}]; give each position of one actor a different as_of",
            )
            failed = True
            continue
        seen[key] = j
        out.append(position)
    if failed:
        raise _Invalid(path, "")  # problems already recorded
    return tuple(out)


DISAGREEMENT_FIELDS["positions"] = _positions

KINDS: tuple[tuple[Kind, type, dict, tuple[str, ...]], ...] = (
    (Kind.SOURCE, Source, SOURCE_FIELDS, ("id", "title")),
    (Kind.ACTOR, Actor, ACTOR_FIELDS, ("id", "name", "kind")),
    (Kind.DISAGREEMENT, Disagreement, DISAGREEMENT_FIELDS, ("id", "title")),
    (Kind.EVENT, Event, EVENT_FIELDS, ("id", "title", "date")),
)


class TomlLines:
    """Finds the line of an entity or key in TOML source text, only when a problem needs it.

    tomli reports no positions for values, so the source is scanned for array-of-tables
    headers (``[[events]]``, ``[[disagreements.positions]]``) and counted.
    """

    HEADER = re.compile(r"^[ \t]*\[(\[?)[ \t]*([A-Za-z0-9_.\-\" \t]+?)[ \t]*\]\]?[ \t]*(?:#.*)?$")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.entities: dict[tuple, int] = {}
        self.tables: dict[str, int] = {}
        counts: dict[str, int] = {}
        parent = -1
        for number, line in enumerate(self.lines, start=1):
            match = self.HEADER.match(line)
            if match is None:
                continue
            name = re.sub(r"[\s\"]", "", match.group(2))
            if not match.group(1):
                self.tables.setdefault(name, number)
                continue
            if name == "disagreements.positions":
                index = counts.get(f"positions@{parent}", 0)
                counts[f"positions@{parent}"] = index + 1
                self.entities[("disagreements", parent, "positions", index)] = number
            else:
                index = counts.get(name, 0)
                counts[name] = index + 1
                self.entities[(name, index)] = number
                if name == "disagreements":
                    parent = index
        self.headers = sorted(set(self.entities.values()) | set(self.tables.values()))

    def locate(self, path: str) -> int | None:
        steps = re.findall(r"([A-Za-z0-9_\-]+)(?:\[(\d+)\])?", path)
        if not steps:
            return None
        start: int | None = None
        key: str | None = None
        top, index = steps[0][0], steps[0][1]
        if top == "meta":
            start = self.tables.get("meta")
            key = steps[1][0] if len(steps) > 1 else None
        elif index:
            start = self.entities.get((top, int(index)))
            rest = steps[1:]
            if start and rest and rest[0][0] == "positions" and rest[0][1]:
                inner = self.entities.get((top, int(index), "positions", int(rest[0][1])))
                if inner:
                    start, rest = inner, rest[1:]
            key = rest[0][0] if rest else None
        else:
            start, key = 0, top
        if start is None:
            return None
        if key is None:
            return start or None
        end = next((h for h in self.headers if h > start), len(self.lines) + 1)
        pattern = re.compile(rf"^[ \t]*\"?{re.escape(key)}\"?[ \t]*=")
        for number in range(start + 1, end):
            if pattern.match(self.lines[number - 1]):
                return number
        return start or None


def parse_toml(data: bytes, name: str) -> tuple[dict, str]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise DocumentError(
            [Problem(name, "is not valid UTF-8 text", line=line, column=column)]
        ) from None
    try:
        return tomli.loads(text), text
    except tomli.TOMLDecodeError as error:
        message = getattr(error, "msg", None) or str(error).split(" (at ")[0]
        line = getattr(error, "lineno", None)
        column = getattr(error, "colno", None)
        raise DocumentError(
            [Problem(name, f"TOML syntax error: {message}", line=line, column=column)]
        ) from None
    except RecursionError:
        raise DocumentError([Problem(name, "TOML is nested too deeply to read")]) from None


def _no_constant(value: str) -> None:
    raise ValueError(f"{value} is not allowed in JSON")


def parse_json(data: bytes, name: str) -> dict:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DocumentError(
            [Problem(name, f"is not valid UTF-8 text (byte {error.start})")]
        ) from None
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise DocumentError(
            [Problem(name, f"JSON syntax error: {error.msg}", line=error.lineno, column=error.colno)]
        ) from None
    except ValueError as error:
        raise DocumentError([Problem(name, f"JSON syntax error: {error}")]) from None
    except RecursionError:
        raise DocumentError([Problem(name, "JSON is nested too deeply to read")]) from None
    if not isinstance(value, dict):
        raise DocumentError(
            [Problem(name, f"a document must be a JSON object, got {type_name(value)}")]
        )
    return value


def guess_format(name: str, content_type: str | None = None) -> str | None:
    """'toml' or 'json' from a file name or URL and, for feeds, a content type."""
    lowered = name.lower().split("?", 1)[0].split("#", 1)[0]
    if content_type:
        ctype = content_type.split(";", 1)[0].strip().lower()
        if ctype in ("application/json", "text/json") or ctype.endswith("+json"):
            return "json"
        if ctype in ("application/toml", "text/toml"):
            return "toml"
        if lowered.endswith(".toml"):  # spec: any type when the URL ends in .toml
            return "toml"
        return None
    if lowered.endswith(".json"):
        return "json"
    if lowered.endswith(".toml"):
        return "toml"
    return None


def read_bytes(
    data: bytes,
    name: str,
    fmt: str,
    *,
    layer: str | None = None,
    require_format: bool = False,
) -> Document:
    """Read one document; raise DocumentError naming ``name`` if anything is wrong."""
    text: str | None = None
    if fmt == "toml":
        raw, text = parse_toml(data, name)
    elif fmt == "json":
        raw = parse_json(data, name)
    else:
        raise DocumentError([Problem(name, f"unknown document format {fmt!r} (toml or json)")])
    return build_document(raw, name, layer=layer or name, require_format=require_format, text=text)


def build_document(
    raw: dict,
    name: str,
    *,
    layer: str,
    require_format: bool = False,
    text: str | None = None,
) -> Document:
    checker = _Checker(name)
    lines = TomlLines(text) if text is not None else None
    try:
        document = _build(checker, raw, name, layer, require_format, lines)
    except _TooMany:
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
    checker: _Checker,
    raw: dict,
    name: str,
    layer: str,
    require_format: bool,
    lines: TomlLines | None,
) -> Document | None:
    fmt = raw.get("format")
    if fmt is None:
        if require_format:
            checker.fail("format", f"missing; a feed must say format = \"{FORMAT}\"")
    elif fmt != FORMAT:
        checker.fail("format", f"unknown format {shorten(fmt)}; this reader knows \"{FORMAT}\"")
    for key in raw:
        if key not in TOP_KEYS and not key.startswith("x_"):
            checker.fail(key, "unknown key (allowed: " + ", ".join(TOP_KEYS) + "; extensions start with x_)")
    total = sum(len(raw[k]) for k in ("sources", "actors", "disagreements", "events") if isinstance(raw.get(k), list))
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

    built: dict[Kind, tuple] = {}
    for kind, cls, spec, required in KINDS:
        items = raw.get(kind.value)
        if items is None:
            built[kind] = ()
            continue
        if not isinstance(items, list):
            checker.fail(kind.value, f"expected an array of tables, got {type_name(items)}")
            continue
        out = []
        first_seen: dict[str, int] = {}
        for i, item in enumerate(items):
            where = f"{kind.value}[{i}]"
            fields = checker.record(item, where, spec, required)
            # Duplicates are checked on the raw id so they show even beside other problems.
            ident = item.get("id") if isinstance(item, dict) else None
            if isinstance(ident, str):
                if ident in first_seen:
                    other = f"{kind.value}[{first_seen[ident]}]"
                    line = lines.locate(other) if lines else None
                    checker.fail(
                        f"{where}.id",
                        f"duplicate {kind.singular} id '{ident}': also at {other}"
                        + (f" (line {line})" if line else ""),
                    )
                    continue
                first_seen[ident] = i
            if fields is None:
                continue
            line = lines.entities.get((kind.value, i)) if lines else None
            out.append(cls(**fields, origin=Origin(layer, name, line)))
        built[kind] = tuple(out)
    if checker.problems:
        return None
    return Document(
        name=name,
        meta=meta,
        sources=built[Kind.SOURCE],
        actors=built[Kind.ACTOR],
        disagreements=built[Kind.DISAGREEMENT],
        events=built[Kind.EVENT],
        sanitised=checker.sanitised,
    )


# -- files and directories ------------------------------------------------------------------


def read_file(path: Path, *, layer: str | None = None) -> Document:
    name = str(path)
    fmt = guess_format(name)
    if fmt is None:
        raise DocumentError([Problem(name, "not a .toml or .json document")])
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError([Problem(name, f"cannot be read: {error.strerror or error}")]) from None
    return read_bytes(data, name, fmt, layer=layer or name)


def document_files(path: Path) -> list[Path]:
    """The documents of a data path: the file itself, or every *.toml under a directory
    in sorted path order (spec: "A data directory")."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*.toml") if p.is_file())
    return [path]


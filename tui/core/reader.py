"""Reading faultline/1 documents from TOML or JSON into typed records, strictly.

Parsing happens once, here, at the edge. Every rule of the data contract
(../shared/spec/data-format.md) is checked; a document with any error is rejected
whole with problems that name the file, the line where it can be found and the key
path. Nothing a document contains can make this module raise anything but
``DocumentError``.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import re
import sys
from stat import S_ISREG
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from itertools import accumulate, repeat
from typing import Any, Callable, Iterable, Iterator, Mapping

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
    Extras,
    Kind,
    Meta,
    Origin,
    Position,
    Source,
)
from . import splitparse
from .parsecache import ParsedCache
from .jsontext import DuplicateKey, duplicate_keys, json_line_index, loads_strict
from .problems import DocumentError, Problem, key_path, shorten, type_name
from .text import _UNSAFE, invisible_codes, is_blank, sanitise

_unsafe = _UNSAFE.search  # sanitise's own test: None when a string needs no cleaning

ID_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}\Z")
INT_LIMIT = 2**63  # TOML integers are 64-bit; JSON ones are held to the same range
COUNTRY_RE = re.compile(r"[A-Z]{3}\Z")
WIKIDATA_RE = re.compile(r"Q[1-9][0-9]*\Z")
# http(s), a host, and no white space, quotes or angle brackets anywhere: a URL that
# could break out of a Markdown autolink or a terminal hyperlink is not a URL.
URL_RE = re.compile(r"https?://[^\s/?#<>\"'`\\]+[^\s<>\"'`\\]*\Z", re.IGNORECASE)
MAX_EXTRA_DEPTH = 32

NAME_LIMIT = 300
TEXT_LIMIT = 20_000
ID_LIMIT = 64
ENTITY_LIMIT = 1_000_000
MAX_PROBLEMS = 50  # past this a document is hopeless; more lines only bury the first ones
# The largest local document read (config: data.max_size). A 1,000,000-entity document,
# the most a document may hold, is about 330 MB of TOML or 430 MB of JSON; reading takes
# several times its size in memory, so a larger file is refused before it is opened.
MAX_DOCUMENT_SIZE = 512 * 1024**2

TOP_KEYS = ("format", "meta", "sources", "actors", "disagreements", "events")


class _Invalid(Exception):
    """One field is wrong; caught per field so a document reports every problem.

    An empty message means the problems were already recorded (nested tables).
    """

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message


class _TooMany(Exception):
    pass


# A converter turns one raw value into a record field: ``convert(checker, value, parent,
# key)``. The field's path (``events[3].date``) is only formatted when something is wrong,
# which keeps the happy path cheap at a million fields.
Converter = Callable[["_Checker", object, str, str], Any]


@dataclass
class _Checker:
    """Converts raw parsed values, collecting problems and counting sanitised characters."""

    document: str
    problems: list[Problem] = field(default_factory=list)
    sanitised: int = 0
    # ids already checked, mapped to one shared (interned) string: references repeat a lot
    known_ids: dict[str, str] = field(default_factory=dict)
    # plain citations made so far, by source id, shared (see CITATIONS)
    citations: dict[str, Citation] = field(default_factory=dict)

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.document, message, path))
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooMany()

    def clean(self, value: str) -> str:
        clean, removed = sanitise(value)
        self.sanitised += removed
        return clean

    def extra(self, value: object, path: str, depth: int = 0) -> object:
        """x_* values are kept (for export) under the same text rules as any other value."""
        if depth > MAX_EXTRA_DEPTH:
            raise _Invalid(path, f"is nested more than {MAX_EXTRA_DEPTH} levels deep")
        if isinstance(value, str):
            if len(value) > TEXT_LIMIT:
                raise _Invalid(path, f"is {len(value):,} characters long; the limit is {TEXT_LIMIT:,}")
            return self.clean(value)
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            if not -INT_LIMIT <= value < INT_LIMIT:
                raise _Invalid(path, "is an integer outside the 64-bit range")
            return value
        if isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                raise _Invalid(path, "is not a finite number")
            return value
        if isinstance(value, list):
            return [self.extra(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]
        if isinstance(value, dict):
            table: dict[str, object] = {}
            for k, v in value.items():
                self.put_key(table, k, v, key_path(path, k), depth + 1)
            return table
        return value  # TOML dates and times

    def put_key(self, table: dict, key: str, value: object, path: str, depth: int = 0) -> None:
        """``table[clean key] = clean value``; two keys that differ only by removed
        characters would otherwise leave one value silently dropped."""
        clean = self.clean(key)
        if clean in table:
            raise _Invalid(
                path,
                f"duplicate key {shorten(clean)} once control and bidi characters are removed",
            )
        table[clean] = self.extra(value, path, depth)

    def record(
        self, raw: object, path: str, spec: Mapping[str, Converter], required: tuple[str, ...]
    ) -> dict[str, Any] | None:
        """Convert one table by ``spec``; None (with problems recorded) when it is invalid."""
        if type(raw) is not dict:
            self.fail(path, f"expected a table, got {type_name(raw)}")
            return None
        ok = True
        for key in required:
            if key not in raw:
                self.fail(path, f"missing required key '{key}'")
                ok = False
        out: dict[str, Any] = {}
        extra: dict[str, object] | None = None
        for key, value in raw.items():
            convert = spec.get(key)
            if convert is None:
                if key.startswith("x_"):
                    if extra is None:
                        extra = {}
                    try:
                        self.put_key(extra, key, value, key_path(path, key))
                    except _Invalid as invalid:
                        self.fail(invalid.path, invalid.message)
                        ok = False
                    continue
                self.fail(
                    key_path(path, key),
                    "unknown key (allowed: " + ", ".join(spec) + "; extensions start with x_)",
                )
                ok = False
                continue
            try:
                out[key] = convert(self, value, path, key)
            except _Invalid as invalid:
                if invalid.message:
                    self.fail(invalid.path, invalid.message)
                ok = False
        if not ok:
            return None
        if extra:
            out["extra"] = Extras(extra)
        return out


def _text(limit: int, nonempty: bool = False) -> Converter:
    def convert(c: _Checker, value: object, parent: str, key: str) -> str:
        if type(value) is not str:
            raise _Invalid(f"{parent}.{key}", f"expected a string, got {type_name(value)}")
        if len(value) > limit:
            raise _Invalid(
                f"{parent}.{key}", f"is {len(value):,} characters long; the limit is {limit:,}"
            )
        # Clean text (nearly all of it) is returned as it is, after one regex scan.
        clean = value if _unsafe(value) is None else c.clean(value)
        # A name or title must show something; one starting with a printable ASCII
        # character (nearly all) does, and costs no further look.
        if nonempty and not "!" <= clean[:1] <= "~" and is_blank(clean):
            if not clean.strip():
                raise _Invalid(f"{parent}.{key}", "must not be empty")
            raise _Invalid(
                f"{parent}.{key}",
                f"has nothing visible, only invisible characters ({invisible_codes(clean)})",
            )
        return clean

    return convert


TEXT = _text(TEXT_LIMIT)
NAME = _text(NAME_LIMIT, nonempty=True)


def _check_id(c: _Checker, value: object, path: Callable[[], str]) -> str:
    if type(value) is str:
        known = c.known_ids.get(value)
        if known is not None:
            return known
    if not isinstance(value, str):
        raise _Invalid(path(), f"expected an id string, got {type_name(value)}")
    if len(value) > ID_LIMIT:
        raise _Invalid(path(), f"id is {len(value)} characters long; the limit is {ID_LIMIT}")
    if ID_RE.match(value) is None:
        raise _Invalid(
            path(),
            f"{shorten(value)} is not a valid id (lower-case letters, digits, '.', '_' "
            "and '-', starting with a letter or digit, at most 64 characters)",
        )
    value = sys.intern(value)
    c.known_ids[value] = value
    return value


def IDENT(c: _Checker, value: object, parent: str, key: str) -> str:
    known = c.known_ids.get(value) if type(value) is str else None
    return known if known is not None else _check_id(c, value, lambda: f"{parent}.{key}")


def IDS(c: _Checker, value: object, parent: str, key: str) -> tuple[str, ...]:
    if type(value) is not list:
        raise _Invalid(f"{parent}.{key}", f"expected an array, got {type_name(value)}")
    known = c.known_ids
    out = []
    for i, item in enumerate(value):
        hit = known.get(item) if type(item) is str else None
        out.append(hit if hit is not None else _check_id(c, item, lambda: f"{parent}.{key}[{i}]"))
    return tuple(out)


def STRINGS(c: _Checker, value: object, parent: str, key: str) -> tuple[str, ...]:
    if type(value) is not list:
        raise _Invalid(f"{parent}.{key}", f"expected an array, got {type_name(value)}")
    return tuple(TEXT(c, item, parent, f"{key}[{i}]") for i, item in enumerate(value))


def _enum(choices: tuple[str, ...]) -> Converter:
    allowed = frozenset(choices)

    def convert(c: _Checker, value: object, parent: str, key: str) -> str:
        if type(value) is str and value in allowed:
            return value
        if not isinstance(value, str):
            raise _Invalid(f"{parent}.{key}", f"expected a string, got {type_name(value)}")
        raise _Invalid(f"{parent}.{key}", f"{shorten(value)} is not one of: {', '.join(choices)}")

    return convert


def _integer(low: int, high: int) -> Converter:
    def convert(c: _Checker, value: object, parent: str, key: str) -> int:
        if type(value) is not int:  # bool is an int subclass: refused too
            raise _Invalid(f"{parent}.{key}", f"expected an integer, got {type_name(value)}")
        if not low <= value <= high:
            raise _Invalid(f"{parent}.{key}", f"{shorten(value)} is out of range ({low} to {high})")
        return value

    return convert


def DATE(c: _Checker, value: object, parent: str, key: str) -> EDate:
    try:
        return EDate.parse(value)
    except DateError as error:
        raise _Invalid(f"{parent}.{key}", str(error)) from None


def URL(c: _Checker, value: object, parent: str, key: str) -> str:
    result = TEXT(c, value, parent, key)
    if URL_RE.match(result) is None:
        raise _Invalid(f"{parent}.{key}", f"{shorten(result)} is not an http or https URL")
    return result


def _pattern(regex: re.Pattern[str], what: str) -> Converter:
    def convert(c: _Checker, value: object, parent: str, key: str) -> str:
        if not isinstance(value, str):
            raise _Invalid(f"{parent}.{key}", f"expected a string, got {type_name(value)}")
        if regex.match(value) is None:
            raise _Invalid(f"{parent}.{key}", f"{shorten(value)} is not {what}")
        return value

    return convert


def CITATIONS(c: _Checker, value: object, parent: str, key: str) -> tuple[Citation, ...]:
    if type(value) is not list:
        raise _Invalid(f"{parent}.{key}", f"expected an array, got {type_name(value)}")
    out = []
    failed = False
    for i, item in enumerate(value):
        if type(item) is str:
            # A plain citation is immutable and says only its source: one object per
            # source serves every mention (a dossier may cite one source 100,000 times).
            ident = IDENT(c, item, parent, f"{key}[{i}]")
            citation = c.citations.get(ident)
            if citation is None:
                citation = c.citations[ident] = Citation(ident)
            out.append(citation)
        elif type(item) is dict:
            fields = c.record(item, f"{parent}.{key}[{i}]", CITATION_FIELDS, required=("id",))
            if fields is None:
                failed = True
                continue
            fields["source"] = fields.pop("id")
            out.append(_BUILD[Citation](fields))
        else:
            raise _Invalid(
                f"{parent}.{key}[{i}]",
                f"expected a source id or an inline table, got {type_name(item)}",
            )
    if failed:
        raise _Invalid(f"{parent}.{key}", "")
    return tuple(out)


CITATION_FIELDS: dict[str, Converter] = {
    "id": IDENT,
    "locator": TEXT,
    "credibility": _integer(1, 6),
}
META_FIELDS: dict[str, Converter] = {"title": NAME, "summary": TEXT, "as_of": DATE}
SOURCE_FIELDS: dict[str, Converter] = {
    "id": IDENT,
    "title": NAME,
    "url": URL,
    "publisher": TEXT,
    "published": DATE,
    "kind": _enum(SOURCE_KINDS),
    "reliability": _enum(RELIABILITY),
}
ACTOR_FIELDS: dict[str, Converter] = {
    "id": IDENT,
    "name": NAME,
    "kind": _enum(ACTOR_KINDS),
    "aliases": STRINGS,
    "country": _pattern(COUNTRY_RE, "an ISO 3166-1 alpha-3 code (three capital letters)"),
    "role": TEXT,
    "member_of": IDS,
    "wikidata": _pattern(WIKIDATA_RE, "a Wikidata id (Q and digits, such as Q232)"),
    "summary": TEXT,
    "tags": STRINGS,
}
POSITION_FIELDS: dict[str, Converter] = {
    "actor": IDENT,
    "stance": _enum(STANCES),
    "as_of": DATE,
    "score": _integer(-3, 3),
    "salience": _integer(0, 10),
    "confidence": _enum(CONFIDENCE),
    "summary": TEXT,
    "sources": CITATIONS,
}


def POSITIONS(c: _Checker, value: object, parent: str, key: str) -> tuple[Position, ...]:
    path = f"{parent}.{key}"
    if type(value) is not list:
        raise _Invalid(path, f"expected an array of tables, got {type_name(value)}")
    out: list[Position] = []
    seen: dict[tuple[str, str | None], int] = {}
    failed = False
    for j, raw in enumerate(value):
        where = f"{path}[{j}]"
        fields = c.record(raw, where, POSITION_FIELDS, required=("actor", "stance"))
        if fields is None:
            failed = True
            continue
        position = _BUILD[Position](fields)
        held = (position.actor, position.as_of.text if position.as_of else None)
        if held in seen:
            when = f"as_of {position.as_of.text}" if position.as_of else "no as_of"
            c.fail(
                where,
                f"actor '{position.actor}' already has a position with {when} "
                f"at {path}[{seen[held]}]; give each position of one actor a different as_of",
            )
            failed = True
            continue
        seen[held] = j
        out.append(position)
    if failed:
        raise _Invalid(path, "")
    return tuple(out)


DISAGREEMENT_FIELDS: dict[str, Converter] = {
    "id": IDENT,
    "title": NAME,
    "question": TEXT,
    "summary": TEXT,
    "status": _enum(DISAGREEMENT_STATUSES),
    "since": DATE,
    "topics": STRINGS,
    "positions": POSITIONS,
    "sources": CITATIONS,
}
EVENT_FIELDS: dict[str, Converter] = {
    "id": IDENT,
    "title": NAME,
    "date": DATE,
    "date_text": TEXT,
    "summary": TEXT,
    "actors": IDS,
    "targets": IDS,
    "disagreements": IDS,
    "type": _enum(EVENT_TYPES),
    "status": _enum(EVENT_STATUSES),
    "likelihood": _enum(LIKELIHOOD),
    "location": TEXT,
    "sources": CITATIONS,
}

KINDS: tuple[tuple[Kind, type, dict, tuple[str, ...]], ...] = (
    (Kind.SOURCE, Source, SOURCE_FIELDS, ("id", "title")),
    (Kind.ACTOR, Actor, ACTOR_FIELDS, ("id", "name", "kind")),
    (Kind.DISAGREEMENT, Disagreement, DISAGREEMENT_FIELDS, ("id", "title")),
    (Kind.EVENT, Event, EVENT_FIELDS, ("id", "title", "date")),
)


# Where str.splitlines breaks a line besides "\n" (and "\r\n", counted once).
_OTHER_LINE_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
# A line whose first non-blank character is "[" (\s is exactly what str.strip removes).
_HEADER_LINE = re.compile(r"\n[^\S\n]*\[")
_FIRST_HEADER = re.compile(r"[^\S\n]*\[")


def _builder(cls: type) -> Callable[..., Any]:
    """``build(fields, origin=None)``: the record ``cls(**fields, origin=origin)`` made
    faster, for the reader's checked fields (always known names, required ones present).

    The object is made with ``__new__`` and each slot set through its descriptor, which
    saves the keyword binding and the frozen dataclass's ``object.__setattr__`` calls:
    about half the cost of constructing each of a large document's records."""
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    lines = []
    for f in dataclasses.fields(cls):
        setter = namespace[f"set_{f.name}"] = getattr(cls, f.name).__set__
        assert callable(setter)
        if f.name == "origin":
            value = "origin"
        elif f.default is not dataclasses.MISSING:
            namespace[f"default_{f.name}"] = f.default
            value = f"fields.get({f.name!r}, default_{f.name})"
        elif f.default_factory is not dataclasses.MISSING:
            namespace[f"factory_{f.name}"] = f.default_factory
            value = f"fields[{f.name!r}] if {f.name!r} in fields else factory_{f.name}()"
        else:
            value = f"fields[{f.name!r}]"
        lines.append(f"    set_{f.name}(o, {value})\n")
    assert not hasattr(cls, "__post_init__")
    source = "def build(fields, origin=None):\n    o = new(cls)\n" + "".join(lines)
    source += "    return o\n"
    exec(compile(source, f"<reader build {cls.__name__}>", "exec"), namespace)  # noqa: S102
    return namespace["build"]


_BUILD = {cls: _builder(cls) for cls in (Source, Actor, Disagreement, Event, Position, Citation)}


class TomlLines:
    """Finds the line of an entity or key in TOML source text, only when a problem needs it.

    tomli reports no positions for values, so the source is scanned for table headers
    (``[[events]]``, ``[[disagreements.positions]]``, ``[meta]``) and they are counted.
    The scan is linear (no backtracking regex: the text is untrusted) and skips lines
    inside multi-line strings, so a header-like line in a summary does not count.
    """

    def __init__(self, text: str, offset: int = 0) -> None:
        # ``offset``: lines before ``text`` in its file (a part of a split document).
        self.offset = offset
        self._text = text
        self._lines: list[str] | None = None
        # The header line of each entity, per array of tables, in order: a list rather
        # than a dict of (name, index) keys, which at 100,000 entities cost 15 MB.
        self._arrays: dict[str, list[int]] = {}
        self._positions: dict[int, list[int]] = {}  # per disagreement index (-1: none yet)
        self._entities: dict[tuple, int] | None = None
        self._headers: list[int] | None = None
        self.tables: dict[str, int] = {}
        self.in_string: set[int] = set()  # lines inside a multi-line string
        if any(ch in text for ch in _OTHER_LINE_BREAKS) or text.count("\r") != text.count("\r\n"):
            # Line numbers follow str.splitlines, which also breaks at these: look at
            # every line (rare: TOML allows none of them outside strings).
            self._scan(enumerate(self.lines, start=1), len(self.lines))
        else:
            self._scan(self._candidates(text), text.count("\n") + (not text.endswith("\n")))

    def entity_line(self, table: str, index: int) -> int | None:
        """The line of the ``index``-th ``[[table]]`` header (``entities[(table, index)]``)."""
        numbers = self._arrays.get(table)
        if numbers is None or index >= len(numbers):
            return None
        return numbers[index] + self.offset

    @property
    def entities(self) -> dict[tuple, int]:
        """Header lines by (table, index), and by ("disagreements", d, "positions", p)."""
        if self._entities is None:
            entities: dict[tuple, int] = {}
            for name, numbers in self._arrays.items():
                entities.update(((name, i), n) for i, n in enumerate(numbers))
            for parent, numbers in self._positions.items():
                entities.update(
                    (("disagreements", parent, "positions", i), n) for i, n in enumerate(numbers)
                )
            self._entities = entities
        return self._entities

    @property
    def headers(self) -> list[int]:
        if self._headers is None:
            self._headers = sorted(set(self.entities.values()) | set(self.tables.values()))
        return self._headers

    @property
    def lines(self) -> list[str]:
        """The source's lines, split only when a problem needs one."""
        if self._lines is None:
            self._lines = self._text.splitlines()
        return self._lines

    @staticmethod
    def _candidates(text: str) -> Iterator[tuple[int, str]]:
        """(number, line) of every line that can open, close or hold a header or a
        multi-line string: those starting with ``[`` and those holding a triple quote.

        The other lines change nothing unless inside a string, so ``_scan`` needs only
        these, found by C-speed searches rather than a Python step per line."""
        starts = [m.start() + 1 for m in _HEADER_LINE.finditer(text)]
        if _FIRST_HEADER.match(text):
            starts.insert(0, 0)
        quoted: list[int] = []
        for delimiter in ('"""', "'''"):
            at = text.find(delimiter)
            while at != -1:
                start = text.rfind("\n", 0, at) + 1
                quoted.append(start)
                end = text.find("\n", at)
                if end == -1:
                    break
                at = text.find(delimiter, end)
        if quoted:
            starts = sorted(set(starts).union(quoted))
        if not starts:
            return iter(())
        # Line numbers and lines, every step in C: the newlines between consecutive
        # starts, summed; each line cut at its newline (the last one may have none).
        newline = repeat("\n")
        numbers = accumulate(map(text.count, newline, [0, *starts[:-1]], starts), initial=1)
        next(numbers)  # the 1 before the first count
        ends = list(map(text.find, newline, starts))
        if ends[-1] == -1:
            ends[-1] = len(text)
        return zip(numbers, map(text.__getitem__, map(slice, starts, ends)))

    def _scan(self, candidates: Iterable[tuple[int, str]], total: int) -> None:
        """Count the headers among ``candidates`` (ascending (number, line) pairs that
        include every line holding a header or a triple quote), outside strings."""
        parent = -1
        delimiter: str | None = None
        opened = 0  # the line where the open string started, or was last seen still open
        headers: dict[str, tuple[str, bool] | None] = {}  # the same header line recurs a lot
        for number, line in candidates:
            if delimiter is not None:
                self.in_string.update(range(opened + 1, number))
                self.in_string.add(number)
                if line.count(delimiter) % 2 == 1:
                    delimiter = None
                else:
                    opened = number
                continue
            if '"""' in line or "'''" in line:
                delimiter = self._opens_string(line)
            opened = number
            if line in headers:
                header = headers[line]
            else:
                header = headers[line] = self._header(line)
            if header is None:
                continue
            name, is_array = header
            if not is_array:
                self.tables.setdefault(name, number)
            elif name == "disagreements.positions":
                self._positions.setdefault(parent, []).append(number)
            else:
                numbers = self._arrays.setdefault(name, [])
                if name == "disagreements":
                    parent = len(numbers)
                numbers.append(number)
        if delimiter is not None:
            self.in_string.update(range(opened + 1, total + 1))

    @staticmethod
    def _opens_string(line: str) -> str | None:
        """The delimiter of a multi-line string left open at the end of ``line``."""
        for delimiter in ('"""', "'''"):
            if delimiter in line and line.count(delimiter) % 2 == 1:
                return delimiter
        return None

    @staticmethod
    def _header(line: str) -> tuple[str, bool] | None:
        stripped = line.strip()
        if not stripped.startswith("["):
            return None
        is_array = stripped.startswith("[[")
        close = stripped.find("]]" if is_array else "]")
        if close < 0:
            return None
        rest = stripped[close + (2 if is_array else 1) :].strip()
        if rest and not rest.startswith("#"):
            return None
        inner = stripped[2 if is_array else 1 : close]
        name = "".join(ch for ch in inner if ch not in " \t\"'")
        return name, is_array

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
        pattern = re.compile(rf"[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*[=.]")
        for number in range(start + 1, end):
            if number not in self.in_string and pattern.match(self.lines[number - 1]):
                return number
        return start or None


BOM = b"\xef\xbb\xbf"


def _without_bom(data: bytes) -> bytes:
    """Editors on some systems save UTF-8 with a byte order mark; it carries no meaning."""
    return data[3:] if data.startswith(BOM) else data


def _too_many_digits(error: ValueError) -> bool:
    return "Exceeds the limit" in str(error)


def parse_toml(data: bytes, name: str) -> tuple[dict, str]:
    return _parse_toml([data], name)


def _parse_toml(box: list[bytes], name: str) -> tuple[dict, str]:
    """``parse_toml``, taking the bytes out of ``box``: once decoded they can be freed
    (when the caller holds no other reference) before tomli builds its tables."""
    text = _decode_text(box, name)
    return _loads_toml(text, name), text


def _decode_text(box: list[bytes], name: str) -> str:
    data = _without_bom(box.pop())
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise DocumentError(
            [Problem(name, "is not valid UTF-8 text", line=line, column=column)]
        ) from None


def _loads_toml(text: str, name: str) -> dict:
    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        message = getattr(error, "msg", None) or str(error).split(" (at ")[0]
        line = getattr(error, "lineno", None)
        column = getattr(error, "colno", None)
        raise DocumentError(
            [Problem(name, f"TOML syntax error: {message}", line=line, column=column)]
        ) from None
    except RecursionError:
        raise DocumentError([Problem(name, "TOML is nested too deeply to read")]) from None
    except ValueError as error:  # tomli turns a number of over 4,300 digits into an int
        reason = "a number has too many digits" if _too_many_digits(error) else "cannot be read"
        raise DocumentError([Problem(name, f"TOML syntax error: {reason}")]) from None


def parse_json(data: bytes, name: str) -> dict:
    return _parse_json([data], name)[0]


def _parse_json(box: list[bytes], name: str) -> tuple[dict, str]:
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
            [Problem(name, f"JSON syntax error: {error.msg}", line=error.lineno, column=error.colno)]
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
    with gc_paused():
        return _read_bytes([data], name, fmt, layer=layer, require_format=require_format)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects that form no cycles.

    Parsing and checking a 100,000-event document allocates millions of objects, and the
    collector would otherwise walk them again and again: pausing it halves the time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_bytes(
    box: list[bytes], name: str, fmt: str, *, layer: str | None, require_format: bool
) -> Document:
    """Read the bytes in ``box`` (taken out, so that a caller holding no other reference
    lets them go once decoded); the parsed tables are consumed as records are built."""
    if fmt == "toml":
        text = _decode_text(box, name)
        if len(text) >= splitparse.SPLIT_MIN_SIZE:
            # A large document is read in two parts at once, when it can be cut cleanly.
            document = splitparse.read_split(text, name, layer or name, require_format)
            if document is not None:
                return document
        raw = _loads_toml(text, name)
        return _build_document(
            raw, name, layer=layer or name, require_format=require_format, text=text, consume=True
        )
    if fmt == "json":
        raw, text = _parse_json(box, name)
        try:
            return _build_document(
                raw, name, layer=layer or name, require_format=require_format, consume=True
            )
        except DocumentError as error:
            raise DocumentError(_with_json_lines(error.problems, text)) from None
    raise DocumentError([Problem(name, f"unknown document format {fmt!r} (toml or json)")])


def read_toml_part(
    text: str, name: str, *, layer: str, offset: int, require_format: bool = False
) -> Document:
    """Read ``text``, a part of the TOML document ``name`` that begins after ``offset``
    lines of it (``splitparse``); the entities' lines are the whole document's."""
    with gc_paused():
        raw = _loads_toml(text, name)
        return _build_document(
            raw, name, layer=layer, require_format=require_format, text=text, consume=True,
            offset=offset,
        )


def build_document(
    raw: dict,
    name: str,
    *,
    layer: str,
    require_format: bool = False,
    text: str | None = None,
) -> Document:
    return _build_document(raw, name, layer=layer, require_format=require_format, text=text)


def _build_document(
    raw: dict,
    name: str,
    *,
    layer: str,
    require_format: bool = False,
    text: str | None = None,
    consume: bool = False,
    offset: int = 0,
) -> Document:
    """``build_document``; with ``consume``, each entity's table is dropped from ``raw``
    once read, so that tables and records are not all held at once (the peak memory
    of reading a large document is then about that of its tables alone)."""
    checker = _Checker(name)
    lines = TomlLines(text, offset) if text is not None else None
    try:
        document = _build(checker, raw, name, layer, require_format, lines, consume)
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
    consume: bool = False,
) -> Document | None:
    fmt = raw.get("format")
    if "format" not in raw:
        if require_format:
            checker.fail("format", f"missing; a feed must say format = \"{FORMAT}\"")
    elif fmt != FORMAT:
        checker.fail("format", f"unknown format {shorten(fmt)}; this reader knows \"{FORMAT}\"")
    for key in raw:
        if key.startswith("x_"):  # checked like any extension value, then not kept
            try:
                checker.extra(raw[key], key_path("", key))
            except _Invalid as invalid:
                checker.fail(invalid.path, invalid.message)
            continue
        if key not in TOP_KEYS:
            checker.fail(key_path("", key), "unknown key (allowed: " + ", ".join(TOP_KEYS) + "; extensions start with x_)")
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
        build = _BUILD[cls]
        out = []
        first_seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if consume:
                items[i] = None  # ``item`` holds it until the next one
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


def read_file(
    path: Path,
    *,
    layer: str | None = None,
    cache: ParsedCache | None = None,
    max_size: int = MAX_DOCUMENT_SIZE,
) -> Document:
    """Read one document file, through the parsed-data cache when one is given; a file
    of more than ``max_size`` bytes is refused before it is opened."""
    name = str(path)
    layer = layer or name
    fmt = guess_format(name)
    if fmt is None:
        raise DocumentError([Problem(name, "not a .toml or .json document")])
    try:
        stat = path.stat()
        if not S_ISREG(stat.st_mode):  # a FIFO or device would block or never end
            raise DocumentError([Problem(name, "is not a regular file")])
        if stat.st_size > max_size:
            raise DocumentError([Problem(name, _too_large(f"is {_bytes(stat.st_size)}", max_size))])
        if cache is not None and (cached := cache.get(path, layer, stat)) is not None:
            return cached
        box = [_read_at_most(path, name, stat.st_size, max_size)]
    except OSError as error:
        raise DocumentError([Problem(name, f"cannot be read: {error.strerror or error}")]) from None
    with gc_paused():
        document = _read_bytes(box, name, fmt, layer=layer, require_format=False)
    if cache is not None:
        cache.put(path, layer, stat, document)
    return document


def _read_at_most(path: Path, name: str, size: int, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, which stat said holds ``size`` bytes;
    refused if it holds more than ``limit``, even when it grew since stat. Opened without
    blocking: a FIFO swapped in after stat would otherwise wait for a writer."""
    with open(path, "rb", buffering=0, opener=_open_nonblocking) as file:
        if not S_ISREG(os.fstat(file.fileno()).st_mode):
            raise DocumentError([Problem(name, "is not a regular file")])
        chunks: list[bytes] = []
        total = 0
        want = size + 1  # one read of the expected size (and one more to see the end)
        while total <= limit:
            chunk = file.read(want)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
            want = min(1 << 20, limit + 1 - total)
    grew = f"grew past {_bytes(limit)} while being read"
    raise DocumentError([Problem(name, _too_large(grew, limit))])


def _open_nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NONBLOCK)


def _too_large(what: str, limit: int) -> str:
    return (
        f"{what}; a local document may be at most {_bytes(limit)}: "
        "raise data.max_size in the config file to read it"
    )


def _bytes(size: int) -> str:
    """``5,000 bytes (4.9 KiB)``, ``536,870,912 bytes (512 MiB)``."""
    if size < 1024:
        return f"{size} byte" + ("" if size == 1 else "s")
    value = float(size)
    for unit in ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        value /= 1024
        if value < 1024:
            break
    return f"{size:,} bytes ({value:.{1 if value < 10 else 0}f} {unit})"


def document_files(path: Path) -> list[Path]:
    """The documents of a data path: the file itself, or every *.toml under a directory
    in sorted path order (spec: "A data directory")."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*.toml") if p.is_file())
    return [path]


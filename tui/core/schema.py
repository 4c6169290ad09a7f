"""What a faultline/1 document may hold: the keys of each record, which are required,
the check that turns each raw value into a record field, and the limits.

``Checker`` converts one parsed table by its fields' checks and records every problem
(so a document reports them all); ``BUILD`` makes the record from checked fields. The
reader (``reader.py``) applies this to a whole document. The format is described in
docs/format.md.
"""

from __future__ import annotations

import dataclasses
import math
import re
import sys
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from .dates import DateError, EDate
from .model import (
    ACTOR_KINDS,
    CONFIDENCE,
    DISAGREEMENT_STATUSES,
    EVENT_STATUSES,
    EVENT_TYPES,
    LIKELIHOOD,
    RELIABILITY,
    SOURCE_KINDS,
    STANCES,
    Actor,
    Citation,
    Disagreement,
    Event,
    Extras,
    Kind,
    Position,
    Source,
)
from .problems import Problem, key_path, shorten, type_name
from .text import find_unsafe, invisible_codes, is_blank, sanitise
from .urls import URL_RE

ID_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}\Z")
INT_LIMIT = 2**63  # TOML integers are 64-bit; JSON ones are held to the same range
COUNTRY_RE = re.compile(r"[A-Z]{3}\Z")
WIKIDATA_RE = re.compile(r"Q[1-9][0-9]*\Z")
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

TOP_KEYS = ("format", "meta", "sources", "actors", "disagreements", "positions", "events")


class Invalid(Exception):
    """One field is wrong; caught per field so a document reports every problem.

    An empty message means the problems were already recorded (nested tables).
    """

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message


class TooMany(Exception):
    pass


# A converter turns one raw value into a record field: ``convert(checker, value, parent,
# key)``. The field's path (``events[3].date``) is only formatted when something is wrong,
# which keeps the happy path cheap at a million fields.
Converter = Callable[["Checker", object, str, str], Any]


class Checker:
    """Converts raw parsed values, collecting problems and counting sanitised characters.

    (A plain class: a dataclass would compile its methods at every start.)"""

    def __init__(self, document: str) -> None:
        self.document = document
        self.problems: list[Problem] = []
        self.sanitised = 0
        # ids already checked, mapped to one shared (interned) string: references repeat
        self.known_ids: dict[str, str] = {}
        # plain citations made so far, by source id, shared (see check_citations)
        self.citations: dict[str, Citation] = {}
        # id tuples and repeated short texts (a location) made so far, each kept once: a
        # large document repeats them thousands of times (see check_ids, shared_text)
        self.shared: dict[object, Any] = {}

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.document, message, path))
        if len(self.problems) >= MAX_PROBLEMS:
            raise TooMany()

    def clean(self, value: str) -> str:
        clean, removed = sanitise(value)
        self.sanitised += removed
        return clean

    def extra(self, value: object, path: str, depth: int = 0) -> object:
        """x_* values are kept (for export) under the same text rules as any other value."""
        if depth > MAX_EXTRA_DEPTH:
            raise Invalid(path, f"is nested more than {MAX_EXTRA_DEPTH} levels deep")
        if isinstance(value, str):
            if len(value) > TEXT_LIMIT:
                raise Invalid(
                    path, f"is {len(value):,} characters long; the limit is {TEXT_LIMIT:,}"
                )
            return self.clean(value)
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            if not -INT_LIMIT <= value < INT_LIMIT:
                raise Invalid(path, "is an integer outside the 64-bit range")
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                raise Invalid(path, "is not a finite number")
            return value
        if isinstance(value, list):
            return [self.extra(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]
        if isinstance(value, dict):
            table: dict[str, object] = {}
            for k, v in value.items():
                self.put_key(table, k, v, key_path(path, k), depth + 1)
            return table
        return value  # TOML dates and times

    def put_key(
        self, table: dict[str, object], key: str, value: object, path: str, depth: int = 0
    ) -> None:
        """``table[clean key] = clean value``; two keys that differ only by removed
        characters would otherwise leave one value silently dropped."""
        clean = self.clean(key)
        if clean in table:
            raise Invalid(
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
                    except Invalid as invalid:
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
            except Invalid as invalid:
                if invalid.message:
                    self.fail(invalid.path, invalid.message)
                ok = False
        if not ok:
            return None
        if extra:
            out["extra"] = Extras(extra)
        return out


# What each converter accepts, as JSON Schema keywords: the one description of a value
# that the JSON Schema of the format (``jsonschema.py``) and ``faultline add``'s help are
# made from. The factories below register what they make.
SHAPES: dict[Converter, dict[str, Any]] = {}


def _shaped(convert: Converter, **shape: Any) -> Converter:
    SHAPES[convert] = shape
    return convert


def text_check(limit: int, nonempty: bool = False) -> Converter:
    def convert(c: Checker, value: object, parent: str, key: str) -> str:
        if type(value) is not str:
            raise Invalid(f"{parent}.{key}", f"expected a string, got {type_name(value)}")
        if len(value) > limit:
            raise Invalid(
                f"{parent}.{key}", f"is {len(value):,} characters long; the limit is {limit:,}"
            )
        # Clean text (nearly all of it) is returned as it is, after one regex scan.
        clean = value if find_unsafe(value) is None else c.clean(value)
        # A name or title must show something; one starting with a printable ASCII
        # character (nearly all) does, and costs no further look.
        if nonempty and not "!" <= clean[:1] <= "~" and is_blank(clean):
            if not clean.strip():
                raise Invalid(f"{parent}.{key}", "must not be empty")
            raise Invalid(
                f"{parent}.{key}",
                f"has nothing visible, only invisible characters ({invisible_codes(clean)})",
            )
        return clean

    if nonempty:
        return _shaped(convert, type="string", minLength=1, maxLength=limit)
    return _shaped(convert, type="string", maxLength=limit)


check_text = text_check(TEXT_LIMIT)
check_name = text_check(NAME_LIMIT, nonempty=True)


def shared_text(c: Checker, value: object, parent: str, key: str) -> str:
    """``check_text``, the same text kept once per document: for values that repeat (a
    location, a country)."""
    text: str = check_text(c, value, parent, key)
    return c.shared.setdefault(text, text) if len(text) <= SHARED_TEXT_LIMIT else text


SHARED_TEXT_LIMIT = 200  # longer texts rarely repeat
_shaped(shared_text, **SHAPES[check_text])


def _checked_id(c: Checker, value: object, path: Callable[[], str]) -> str:
    if type(value) is str:
        known = c.known_ids.get(value)
        if known is not None:
            return known
    if not isinstance(value, str):
        raise Invalid(path(), f"expected an id string, got {type_name(value)}")
    if len(value) > ID_LIMIT:
        raise Invalid(path(), f"id is {len(value)} characters long; the limit is {ID_LIMIT}")
    if ID_RE.match(value) is None:
        raise Invalid(
            path(),
            f"{shorten(value)} is not a valid id (lower-case letters, digits, '.', '_' "
            "and '-', starting with a letter or digit, at most 64 characters)",
        )
    value = sys.intern(value)
    c.known_ids[value] = value
    return value


def check_id(c: Checker, value: object, parent: str, key: str) -> str:
    known = c.known_ids.get(value) if type(value) is str else None
    return known if known is not None else _checked_id(c, value, lambda: f"{parent}.{key}")


def check_ids(c: Checker, value: object, parent: str, key: str) -> tuple[str, ...]:
    if type(value) is not list:
        raise Invalid(f"{parent}.{key}", f"expected an array, got {type_name(value)}")
    known = c.known_ids
    out = []
    for i, item in enumerate(value):
        hit = known.get(item) if type(item) is str else None
        out.append(
            hit
            if hit is not None
            else _checked_id(c, item, partial("{}.{}[{}]".format, parent, key, i))
        )
    ids = tuple(out)
    return c.shared.setdefault(ids, ids) if ids else ()


def check_strings(c: Checker, value: object, parent: str, key: str) -> tuple[str, ...]:
    if type(value) is not list:
        raise Invalid(f"{parent}.{key}", f"expected an array, got {type_name(value)}")
    return tuple(check_text(c, item, parent, f"{key}[{i}]") for i, item in enumerate(value))


def one_of(choices: tuple[str, ...]) -> Converter:
    # Each choice's one (interned) string, returned for every value equal to it.
    allowed = {sys.intern(choice): sys.intern(choice) for choice in choices}

    def convert(c: Checker, value: object, parent: str, key: str) -> str:
        if type(value) is str and (choice := allowed.get(value)) is not None:
            return choice
        if not isinstance(value, str):
            raise Invalid(f"{parent}.{key}", f"expected a string, got {type_name(value)}")
        raise Invalid(f"{parent}.{key}", f"{shorten(value)} is not one of: {', '.join(choices)}")

    return _shaped(convert, type="string", enum=list(choices))


def integer_in(low: int, high: int) -> Converter:
    def convert(c: Checker, value: object, parent: str, key: str) -> int:
        if type(value) is not int:  # bool is an int subclass: refused too
            raise Invalid(f"{parent}.{key}", f"expected an integer, got {type_name(value)}")
        if not low <= value <= high:
            raise Invalid(f"{parent}.{key}", f"{shorten(value)} is out of range ({low} to {high})")
        return value

    return _shaped(convert, type="integer", minimum=low, maximum=high)


def check_date(c: Checker, value: object, parent: str, key: str) -> EDate:
    try:
        return EDate.parse(value)
    except DateError as error:
        message = str(error)
        if type(value) is int and 0 < value <= 9999:  # a bare year: TOML reads an integer
            message += f'; dates that are not a whole day are quoted: {key} = "{value:04d}"'
        raise Invalid(f"{parent}.{key}", message) from None


def check_url(c: Checker, value: object, parent: str, key: str) -> str:
    result: str = check_text(c, value, parent, key)
    if URL_RE.match(result) is None:
        raise Invalid(f"{parent}.{key}", f"{shorten(result)} is not an http or https URL")
    return result


def matching(regex: re.Pattern[str], what: str) -> Converter:
    def convert(c: Checker, value: object, parent: str, key: str) -> str:
        if not isinstance(value, str):
            raise Invalid(f"{parent}.{key}", f"expected a string, got {type_name(value)}")
        if regex.match(value) is None:
            raise Invalid(f"{parent}.{key}", f"{shorten(value)} is not {what}")
        return value

    return _shaped(convert, type="string", pattern=regex)


def _plain_citation(c: Checker, ident: str) -> Citation:
    citation = c.citations.get(ident)
    if citation is None:
        citation = c.citations[ident] = Citation(ident)
    return citation


def check_citations(c: Checker, value: object, parent: str, key: str) -> tuple[Citation, ...]:
    if type(value) is not list:
        raise Invalid(f"{parent}.{key}", f"expected an array, got {type_name(value)}")
    out = []
    failed = inline = False
    for i, item in enumerate(value):
        if type(item) is str:
            # A plain citation is immutable and says only its source: one object per
            # source serves every mention (a dossier may cite one source 100,000 times).
            out.append(_plain_citation(c, check_id(c, item, parent, f"{key}[{i}]")))
        elif type(item) is dict:
            fields = c.record(item, f"{parent}.{key}[{i}]", CITATION_FIELDS, required=("id",))
            if fields is None:
                failed = True
                continue
            if len(fields) == 1:  # {id = "..."} alone: a plain citation, written as a table
                out.append(_plain_citation(c, fields["id"]))
                continue
            fields["source"] = fields.pop("id")
            out.append(BUILD[Citation](fields))
            inline = True
        else:
            raise Invalid(
                f"{parent}.{key}[{i}]",
                f"expected a source id or an inline table, got {type_name(item)}",
            )
    if failed:
        raise Invalid(f"{parent}.{key}", "")
    citations = tuple(out)
    if inline or not citations:
        return citations
    # Plain citations only (an inline one equals a plain one of its source): kept once.
    shared: tuple[Citation, ...] = c.shared.setdefault(citations, citations)
    return shared


# The module's own converters; a ``pattern`` is the compiled regex the reader uses (the
# JSON Schema writes it in its own dialect). ``$ref`` names a definition of that schema.
_shaped(check_id, **{"$ref": "#/$defs/id"})
_shaped(check_ids, type="array", items={"$ref": "#/$defs/id"})
_shaped(check_strings, type="array", items=SHAPES[check_text])
_shaped(check_date, **{"$ref": "#/$defs/date"})
_shaped(check_url, type="string", maxLength=TEXT_LIMIT, pattern=URL_RE)
_shaped(check_citations, type="array", items={"$ref": "#/$defs/citation"})

CITATION_FIELDS: dict[str, Converter] = {
    "id": check_id,
    "locator": check_text,
    "credibility": integer_in(1, 6),
}
META_FIELDS: dict[str, Converter] = {
    "title": check_name,
    "summary": check_text,
    "as_of": check_date,
}
SOURCE_FIELDS: dict[str, Converter] = {
    "id": check_id,
    "title": check_name,
    "url": check_url,
    "publisher": check_text,
    "published": check_date,
    "kind": one_of(SOURCE_KINDS),
    "reliability": one_of(RELIABILITY),
}
ACTOR_FIELDS: dict[str, Converter] = {
    "id": check_id,
    "name": check_name,
    "kind": one_of(ACTOR_KINDS),
    "aliases": check_strings,
    "country": matching(COUNTRY_RE, "an ISO 3166-1 alpha-3 code (three capital letters)"),
    "role": check_text,
    "member_of": check_ids,
    "wikidata": matching(WIKIDATA_RE, "a Wikidata id (Q and digits, such as Q232)"),
    "summary": check_text,
    "tags": check_strings,
}
POSITION_FIELDS: dict[str, Converter] = {
    "actor": check_id,
    "stance": one_of(STANCES),
    "as_of": check_date,
    "score": integer_in(-3, 3),
    "salience": integer_in(0, 10),
    "confidence": one_of(CONFIDENCE),
    "summary": check_text,
    "quote": check_text,
    "sources": check_citations,
}
# A position at the top level (``[[positions]]``) names its disagreement.
TOP_POSITION_FIELDS: dict[str, Converter] = {"disagreement": check_id, **POSITION_FIELDS}
TOP_POSITION_REQUIRED = ("disagreement", "actor", "stance")


def check_positions(c: Checker, value: object, parent: str, key: str) -> tuple[Position, ...]:
    path = f"{parent}.{key}"
    if type(value) is not list:
        raise Invalid(path, f"expected an array of tables, got {type_name(value)}")
    out: list[Position] = []
    seen: dict[tuple[str, str | None], int] = {}
    failed = False
    for j, raw in enumerate(value):
        where = f"{path}[{j}]"
        fields = c.record(raw, where, POSITION_FIELDS, required=("actor", "stance"))
        if fields is None:
            failed = True
            continue
        position = BUILD[Position](fields)
        held = position.held
        if held in seen:
            c.fail(
                where,
                f"actor '{position.actor}' already has a position with {position.when} "
                f"at {path}[{seen[held]}]; give each position of one actor a different as_of",
            )
            failed = True
            continue
        seen[held] = j
        out.append(position)
    if failed:
        raise Invalid(path, "")
    return tuple(out)


_shaped(check_positions, type="array", items={"$ref": "#/$defs/position"})

DISAGREEMENT_FIELDS: dict[str, Converter] = {
    "id": check_id,
    "title": check_name,
    "question": check_text,
    "summary": check_text,
    "status": one_of(DISAGREEMENT_STATUSES),
    "since": check_date,
    "topics": check_strings,
    "positions": check_positions,
    "sources": check_citations,
}
EVENT_FIELDS: dict[str, Converter] = {
    "id": check_id,
    "title": check_name,
    "date": check_date,
    "date_text": check_text,
    "summary": check_text,
    "actors": check_ids,
    "targets": check_ids,
    "disagreements": check_ids,
    "type": one_of(EVENT_TYPES),
    "status": one_of(EVENT_STATUSES),
    "likelihood": one_of(LIKELIHOOD),
    "location": shared_text,
    "quote": check_text,
    "sources": check_citations,
}

KINDS: tuple[tuple[Kind, type, dict[str, Converter], tuple[str, ...]], ...] = (
    (Kind.SOURCE, Source, SOURCE_FIELDS, ("id", "title")),
    (Kind.ACTOR, Actor, ACTOR_FIELDS, ("id", "name", "kind")),
    (Kind.DISAGREEMENT, Disagreement, DISAGREEMENT_FIELDS, ("id", "title")),
    (Kind.EVENT, Event, EVENT_FIELDS, ("id", "title", "date")),
)


def compiled_builder(
    cls: type, params: str, value_of: Callable[[dataclasses.Field[Any]], str], label: str
) -> Callable[..., Any]:
    """``def build(<params>)``: a new ``cls``, each field set to the expression
    ``value_of(field)`` gives (in it, ``default_<name>`` and ``factory_<name>`` are the
    field's default and default factory). The reader's and ``columns``' builders.

    The object is made with ``__new__`` and each slot set through its descriptor, which
    saves the keyword binding and the frozen dataclass's ``object.__setattr__`` calls:
    about half the cost of constructing each of a large document's records."""
    assert not hasattr(cls, "__post_init__")
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    lines = []
    for f in dataclasses.fields(cls):
        namespace[f"set_{f.name}"] = getattr(cls, f.name).__set__
        if f.default is not dataclasses.MISSING:
            namespace[f"default_{f.name}"] = f.default
        if f.default_factory is not dataclasses.MISSING:
            namespace[f"factory_{f.name}"] = f.default_factory
        lines.append(f"    set_{f.name}(o, {value_of(f)})\n")
    source = f"def build({params}):\n    o = new(cls)\n" + "".join(lines) + "    return o\n"
    # Made from the record class's own field names and what the callers' ``value_of``
    # makes of them: no text from a document or feed ever reaches exec.
    exec(compile(source, f"<{label} {cls.__name__}>", "exec"), namespace)
    build: Callable[..., Any] = namespace["build"]
    return build


def _from_fields(f: dataclasses.Field[Any]) -> str:
    """The reader's value of field ``f``: from the dict of checked ``fields``."""
    if f.name == "origin":
        return "origin"
    if f.default is not dataclasses.MISSING:
        return f"fields.get({f.name!r}, default_{f.name})"
    if f.default_factory is not dataclasses.MISSING:
        return f"fields[{f.name!r}] if {f.name!r} in fields else factory_{f.name}()"
    return f"fields[{f.name!r}]"


def _builder(cls: type) -> Callable[..., Any]:
    """``build(fields, origin=None)``: the record ``cls(**fields, origin=origin)`` made
    faster, for the reader's checked fields (always known names, required ones present)."""
    return compiled_builder(cls, "fields, origin=None", _from_fields, "reader build")


class _Builders(dict[type, Callable[..., Any]]):
    """Each record class's ``build``, made when a document first needs it: a start that
    reads its dossier from the parsed-data cache needs none (a ``compile`` each)."""

    def __missing__(self, cls: type) -> Callable[..., Any]:
        # Two threads may make one at once: the same function, either kept.
        build = self[cls] = _builder(cls)
        return build


BUILD: dict[type, Callable[..., Any]] = _Builders()

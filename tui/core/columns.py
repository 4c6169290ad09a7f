"""Records of one kind checked a column at a time, when every table of a run is plain.

The reader checks each table field by field (``schema.Checker.record``): a Python call
per field, 900,000 of them for 100,000 events, about as long as tomli's parse. Most
large documents are plain: every table a dict of known keys, every id valid and new,
every text clean, every date a date. For such a run of tables (``RUN`` of them at a
time) this checks each key's values together, at C speed where it can (ids and texts
joined and matched by one regex, dates parsed once per distinct value, choices looked
up as a set), and builds the records from the columns. The values are those the
per-field check gives (the same interned strings, shared tuples, dates and
citations): each column check accepts only what that check would return unchanged.

Anything else in a run (an unknown or extension key, a missing required key, a value
of another type, an id not valid or given twice, a text to clean or too long, a blank
name, a date that does not parse, a citation written as a table, a converter this
does not know) and ``build_run`` returns None before changing anything a caller could
see: the reader then checks that run table by table, which also writes its problems.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Callable, Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

from .dates import DateError, EDate
from .model import Citation, Origin
from .schema import (
    ID_LIMIT,
    SHAPES,
    SHARED_TEXT_LIMIT,
    Checker,
    check_citations,
    check_date,
    check_id,
    check_ids,
    check_name,
    check_text,
    compiled_builder,
    shared_text,
)
from .text import find_unsafe, is_blank

RUN = 10_000  # tables checked together: a failed run is checked again table by table

# ids as ``schema.ID_RE`` takes them, one a line (a value holding "\n" is caught by
# counting the lines).
_IDS = re.compile(rf"(?:[a-z0-9][a-z0-9._-]{{0,{ID_LIMIT - 1}}}\n)*+")


class _Plain(Exception):
    """The run is not plain: check it table by table."""


def _all(values: Sequence[Any], kind: type) -> None:
    """Every value of ``values`` is exactly of type ``kind`` (its type looked up in C)."""
    if not set(map(type, values)) <= {kind}:
        raise _Plain


def _ids(checker: Checker, values: list[Any]) -> list[str]:
    """``values`` checked as ids, each its one interned string (as ``check_id``)."""
    _all(values, str)
    joined = "\n".join(values) + "\n"
    if joined.count("\n") != len(values) or _IDS.fullmatch(joined) is None:
        raise _Plain
    interned = list(map(sys.intern, values))
    checker.known_ids.update(zip(interned, interned, strict=True))
    return interned


def _id_lists(checker: Checker, values: list[Any]) -> list[tuple[str, ...]]:
    """``values`` checked as lists of ids, each a tuple of interned strings."""
    _all(values, list)
    _ids(checker, list(chain.from_iterable(values)))
    intern = sys.intern
    return [tuple(map(intern, value)) for value in values]


def _texts(checker: Checker, values: list[Any], limit: int, nonempty: bool) -> list[str]:
    _all(values, str)
    if values and max(map(len, values)) > limit:
        raise _Plain
    if find_unsafe("\n".join(values)) is not None:
        raise _Plain  # cleaned, and counted, by the per-field check
    if nonempty and any(not "!" <= value[:1] <= "~" and is_blank(value) for value in values):
        raise _Plain  # the per-field check says what is wrong
    return values


def _column_text(checker: Checker, values: list[Any]) -> list[Any]:
    return _texts(checker, values, SHAPES[check_text]["maxLength"], nonempty=False)


def _column_name(checker: Checker, values: list[Any]) -> list[Any]:
    return _texts(checker, values, SHAPES[check_name]["maxLength"], nonempty=True)


def _column_shared_text(checker: Checker, values: list[Any]) -> list[Any]:
    shared = checker.shared.setdefault
    texts = _column_text(checker, values)
    return [shared(text, text) if len(text) <= SHARED_TEXT_LIMIT else text for text in texts]


def _column_id(checker: Checker, values: list[Any]) -> list[Any]:
    return _ids(checker, values)


def _column_ids(checker: Checker, values: list[Any]) -> list[Any]:
    ids = _id_lists(checker, values)
    return list(map(checker.shared.setdefault, ids, ids))  # () for none, as check_ids


def _column_date(checker: Checker, values: list[Any]) -> list[Any]:
    _all(values, str)  # (a TOML date is a date: the per-field check takes those)
    dates: dict[str, EDate] = {}
    for value in set(values):
        try:
            dates[value] = EDate.parse(value)
        except DateError:
            raise _Plain from None
    return list(map(dates.__getitem__, values))


def _column_citations(checker: Checker, values: list[Any]) -> list[Any]:
    ids = _id_lists(checker, values)  # a citation as a table: not plain
    known = checker.citations
    for ident in set(chain.from_iterable(ids)) - known.keys():
        known[ident] = Citation(ident)
    cited = [tuple(map(known.__getitem__, value)) for value in ids]
    return list(map(checker.shared.setdefault, cited, cited))


def _column_choice(choices: dict[str, str]) -> Callable[[Checker, list[Any]], list[Any]]:
    def convert(checker: Checker, values: list[Any]) -> list[Any]:
        _all(values, str)
        if not set(values) <= choices.keys():
            raise _Plain
        return list(map(choices.__getitem__, values))

    return convert


Column = Callable[[Checker, list[Any]], list[Any]]
_COLUMNS: dict[Any, Column] = {
    check_id: _column_id,
    check_ids: _column_ids,
    check_text: _column_text,
    check_name: _column_name,
    shared_text: _column_shared_text,
    check_date: _column_date,
    check_citations: _column_citations,
}


def _column(convert: Any) -> Column | None:
    """The column check of the per-field ``convert``, None when there is none."""
    column = _COLUMNS.get(convert)
    if column is None and set(SHAPES.get(convert, {})) == {"type", "enum"}:  # one_of
        choices = {sys.intern(choice): sys.intern(choice) for choice in SHAPES[convert]["enum"]}
        column = _COLUMNS[convert] = _column_choice(choices)
    return column


def build_run(
    checker: Checker,
    items: list[Any],
    spec: dict[str, Any],
    required: tuple[str, ...],
    cls: type,
    origins: list[Origin],
    seen: dict[str, int],
    start: int,
) -> list[Any] | None:
    """The records of ``items`` (the tables ``start`` on of their array), their origins
    ``origins``; None when the run is not plain. ``seen``: the index of each id read so
    far, which this extends (an id given again: not plain)."""
    try:
        shapes = set(map(frozenset, items))
    except TypeError:
        return None  # a table that is not a dict (iterating a number, say)
    if any(type(item) is not dict for item in items):
        return None
    keys = frozenset().union(*shapes)
    if not keys <= spec.keys() or not all(shape.issuperset(required) for shape in shapes):
        return None
    columns = {}
    for key in keys:
        column = _column(spec[key])
        if column is None:
            return None
        columns[key] = column
    if len(shapes) > 1:
        return None  # tables with different keys: not worth a builder each
    order = tuple(sorted(keys))
    try:
        values = [column(checker, list(map(itemgetter(key), items))) for key, column in
                  ((key, columns[key]) for key in order)]  # fmt: skip
    except _Plain:
        return None
    ids = values[order.index("id")] if "id" in keys else []
    if len(set(ids)) != len(ids) or not seen.keys().isdisjoint(ids):
        return None
    seen.update(zip(ids, range(start, start + len(ids)), strict=True))
    return list(map(_builder(cls, order), origins, *values))


_BUILDERS: dict[tuple[type, tuple[str, ...]], Callable[..., Any]] = {}


def _builder(cls: type, keys: tuple[str, ...]) -> Callable[..., Any]:
    """``build(origin, *values)``: the record ``cls`` with ``keys`` set to ``values``
    (the others their defaults), as ``schema.BUILD`` makes it from a dict of them."""
    build = _BUILDERS.get((cls, keys))
    if build is not None:
        return build

    def value_of(f: dataclasses.Field[Any]) -> str:
        if f.name == "origin":
            return "origin"
        if f.name in keys:
            return f"v{keys.index(f.name)}"
        if f.default is not dataclasses.MISSING:
            return f"default_{f.name}"
        if f.default_factory is not dataclasses.MISSING:
            return f"factory_{f.name}()"
        raise TypeError(f"{cls.__name__}.{f.name} has no value")

    # The schema's keys only name the parameters' order: none of their text is compiled.
    arguments = "".join(f", v{i}" for i in range(len(keys)))
    made = compiled_builder(cls, f"origin{arguments}", value_of, "columns build")
    _BUILDERS[cls, keys] = made
    return made

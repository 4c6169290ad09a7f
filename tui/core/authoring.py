"""Recording one new fact in a document: an actor, source, event or position appended as
a top-level table, checked by the real reader before anything is written.

``append_entity`` is what ``faultline add`` and the dashboard's capture forms call. The
text of a TOML file is kept as it is (comments, layout) and the new table appended at its
end; top-level tables only, so nothing can attach itself to the wrong disagreement. The
result is read back with the reader, and a document that would not validate is refused
with the reader's own located messages, the file untouched. The file is replaced in one
rename (``atomic.write_output``): an editor or a watching dashboard never sees half of it.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import tomli

from .atomic import write_output
from .lines import TomlLines
from .loading import guess_format
from .model import FORMAT
from .problems import DocumentError, Problem
from .reader import BOM, loads_strict, read_json, read_toml
from .schema import (
    ACTOR_FIELDS,
    EVENT_FIELDS,
    SHAPES,
    SOURCE_FIELDS,
    TOP_POSITION_FIELDS,
    Converter,
    check_citations,
    check_ids,
    check_strings,
)

# The kind a person names, and the top-level array it is appended to.
TABLES = {"actor": "actors", "source": "sources", "event": "events", "position": "positions"}
FIELDS: dict[str, dict[str, Converter]] = {
    "actor": ACTOR_FIELDS,
    "source": SOURCE_FIELDS,
    "event": EVENT_FIELDS,
    "position": TOP_POSITION_FIELDS,
}
# Keys whose value is an array: a string given for one is its one item.
LIST_KEYS = frozenset(
    key
    for spec in FIELDS.values()
    for key, convert in spec.items()
    if convert in (check_ids, check_strings, check_citations)
)
# Arrays of ids (or citations): a string may list several, separated by commas.
ID_LIST_KEYS = frozenset(
    key
    for spec in FIELDS.values()
    for key, convert in spec.items()
    if convert in (check_ids, check_citations)
)
INTEGER_KEYS = frozenset(
    key
    for spec in FIELDS.values()
    for key, convert in spec.items()
    if SHAPES.get(convert, {}).get("type") == "integer"
)
DATE_KEYS = frozenset({"as_of", "date", "published", "since"})

# What a new file starts with: the format, and where it is described.
HEADER = (
    "# A faultline/1 document: every key is described in docs/format.md of Faultline.\n"
    f'format = "{FORMAT}"\n'
)


class AppendRefused(DocumentError):
    """Nothing was written: the document would not validate with the new entity (or the
    file cannot be read or written). ``problems`` are the reader's, each naming the file
    and key path; ``fields`` maps a key of the new entity to what is wrong with it, for a
    form to show beside that field."""

    def __init__(self, problems: list[Problem], fields: Mapping[str, str] | None = None) -> None:
        super().__init__(problems)
        self.fields: dict[str, str] = dict(fields or {})


def append_entity(path: Path, kind: str, values: dict[str, Any]) -> None:
    """Append one ``kind`` ("actor", "source", "event" or "position") with ``values``
    (keys as in the format; None, "" and empty lists left out) to the document at
    ``path``, created with the format header if missing. Raises ``AppendRefused``, the
    file untouched, when the result would not validate or cannot be written."""
    path = Path(path)
    name = str(path)
    if kind not in TABLES:
        raise ValueError(f"kind must be one of {', '.join(TABLES)}, not {kind!r}")
    fmt = guess_format(name)
    if fmt is None:
        raise AppendRefused([Problem(name, "not a .toml or .json document")])
    table = TABLES[kind]
    entity = _prepared(kind, values)
    try:
        old = path.read_bytes()
    except FileNotFoundError:
        old = b""
    except OSError as error:
        raise AppendRefused([Problem(name, f"cannot be read: {error.strerror or error}")]) from None
    if old.strip():
        # A document already wrong is not made worse: its own problems, at its own lines.
        _check_existing(old, fmt, name)
    if fmt == "toml":
        _check_appendable(old.decode("utf-8-sig"), table, name)
        text = _toml_appended(old.decode("utf-8-sig"), table, entity)
        start = TomlLines(text).entity_line(table, _count_tables(text, table) - 1)
        _check_new(lambda: read_toml(text, name, layer=name), table, start or 1)
        data = (BOM if old.startswith(BOM) else b"") + text.encode("utf-8")
    else:
        data, index = _json_appended(old, table, entity)
        _check_new(lambda: read_json([data], name, layer=name), table, 1, index)
    try:
        write_output(path, data)
    except OSError as error:
        reason = error.strerror or str(error)
        raise AppendRefused([Problem(name, f"cannot be written: {reason}")]) from None


def _prepared(kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values in the format's key order (then any others, as given), with empty ones
    left out and strings turned into what their key holds: an array of one, or of several
    ids separated by commas ("kz, ru"); an integer for ``score``, ``salience``,
    ``credibility``."""
    spec = FIELDS[kind]
    order = {key: n for n, key in enumerate(spec)}
    out: dict[str, Any] = {}
    for key in sorted(values, key=lambda k: order.get(k, len(order))):
        value = values[key]
        if isinstance(value, str) and key in LIST_KEYS:
            value = [value]
        if isinstance(value, (list, tuple)) and key in ID_LIST_KEYS:
            # ids hold no comma: "kz, ru" is two
            value = [
                part.strip()
                for item in value
                for part in (item.split(",") if isinstance(item, str) else [item])
                if not isinstance(part, str) or part.strip()
            ]
        elif isinstance(value, (list, tuple)) and key in LIST_KEYS:
            value = [v for v in value if v not in ("", None)]
        elif isinstance(value, str) and key in INTEGER_KEYS and _INTEGER.fullmatch(value):
            value = int(value)
        if value is None or value == "" or value == [] or value == ():
            continue
        out[key] = list(value) if isinstance(value, tuple) else value
    return out


_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_existing(old: bytes, fmt: str, name: str) -> None:
    try:
        if fmt == "toml":
            read_toml(old.decode("utf-8-sig"), name, layer=name)
        else:
            read_json([old], name, layer=name)
    except UnicodeDecodeError:
        raise AppendRefused([Problem(name, "is not valid UTF-8 text; nothing was added")]) from None
    except DocumentError as error:
        note = Problem(name, "has problems of its own; fix them first")
        raise AppendRefused([*error.problems, note]) from None


def _check_appendable(text: str, table: str, name: str) -> None:
    """Refuse, saying where and what to do, a document whose ``table`` is written other
    than as ``[[table]]`` tables (``events = [{...}]``): TOML cannot extend such an array
    with one, and tomli's own message ("Cannot mutate immutable namespace") says neither."""
    if not text.strip():
        return
    written = tomli.loads(text).get(table)  # the document was read and checked above
    if written is None:
        return
    if isinstance(written, list) and written and len(written) == _count_tables(text, table):
        return
    line = TomlLines(text).locate(table)
    raise AppendRefused(
        [
            Problem(
                name,
                f"written here as an inline array ({table} = [...]), which a "
                f"[[{table}]] table cannot extend: add the entry to that array by hand, or "
                f"rewrite it as [[{table}]] tables",
                table,
                line,
            )
        ]
    )


def _toml_appended(text: str, table: str, entity: dict[str, Any]) -> str:
    """``text`` as it is, then the new table (after a blank line); a new or empty file
    starts with the format header."""
    newline = "\r\n" if "\r\n" in text else "\n"  # the file's own line endings
    if not text.strip():
        text = HEADER
    elif not text.endswith("\n"):
        text += newline
    lines = [f"[[{table}]]"]
    lines += (f"{_toml_key(key)} = {_toml_value(value, key)}" for key, value in entity.items())
    return text + newline + newline.join(lines) + newline


def _count_tables(text: str, table: str) -> int:
    """How many ``[[table]]`` headers ``text`` holds (outside multi-line strings)."""
    return sum(1 for key in TomlLines(text).entities if key[0] == table and len(key) == 2)


def _json_appended(old: bytes, table: str, entity: dict[str, Any]) -> tuple[bytes, int]:
    """The JSON document (already checked) with ``entity`` appended to its ``table``
    array, rewritten with an indent of two (JSON has no comments to keep), and the
    entity's index there."""
    document: dict[str, Any] = (
        loads_strict(old.decode("utf-8-sig")) if old.strip() else {"format": FORMAT}
    )
    items = document.setdefault(table, [])
    items.append({k: _json_value(v) for k, v in entity.items()})
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return text.encode("utf-8"), len(items) - 1


def _check_new(read: Callable[[], object], table: str, start: int, index: int = -1) -> None:
    """Read the document with the new entity back; refuse it with the reader's problems.
    The document was valid without it, so every problem is the new entity's: each loses
    a line from ``start`` on (the entity is not in the file) and is also given by key."""
    try:
        read()
    except DocumentError as error:
        fields: dict[str, str] = {}
        problems = []
        for problem in error.problems:
            path = problem.path
            if path.startswith(f"{table}["):
                key = path[path.index("]") + 1 :].lstrip(".")
                fields.setdefault(re.split(r"[.\[]", key)[0], problem.message)
            unplaced = problem.line is not None and (index >= 0 or problem.line >= start)
            problems.append(
                Problem(problem.document, problem.message, path) if unplaced else problem
            )
        raise AppendRefused(problems, fields) from None


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else toml_string(key)


def toml_string(text: str) -> str:
    """A TOML basic string: quotes and backslashes escaped, control characters as
    ``\\uXXXX`` (the reader then removes them and says so)."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif "\ud800" <= ch <= "\udfff":
            out.append("\ufffd")  # a lone surrogate (from an undecodable argument)
        elif ch < " " or "\x7f" <= ch <= "\x9f":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any, key: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, str):
        if key in DATE_KEYS and _is_day(value):
            return value  # a whole day may stand bare, as a TOML date
        return toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item, "") for item in value) + "]"
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_toml_key(str(k))} = {_toml_value(v, '')}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    return toml_string(str(value))


def _is_day(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _json_value(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)  # from an undecodable argument: not UTF-8
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


__all__ = ["TABLES", "AppendRefused", "append_entity", "toml_string"]

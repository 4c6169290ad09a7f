"""A fast path for the TOML that Faultline's own writers emit, or None for anything else.

``loads(text)`` returns exactly what ``tomli.loads(text)`` returns, or None: then the
caller parses with tomli, the canonical path, which also gives the canonical problem
messages. It reads the shape that ``tomli_w`` (``bench/generate.py``, ``faultline
import``) and the capture forms write: tables ``[name]`` and arrays of tables
``[[name]]`` with bare names; ``key = value`` lines with a bare key at the start of
the line; basic strings (the escapes JSON shares with TOML), integers of up to 18
digits, plain floats, booleans; arrays of these on one line or one element a line;
inline tables of these (in an array, one a line, or as a value); a whole day as a
key's value (``date = 2013-01-18``); whole-line comments. Anything else (literal or
multi-line strings, other dates and times, dotted or quoted keys, a key
given twice, a value after a table's end, unusual spacing, a carriage return or other
control character) makes it give up.

How, without a Python step per line: each section (the lines before the first header,
a ``[table]``, a run of one ``[[array]]``'s tables) is rewritten into JSON by a few
``str.replace`` passes (``\\nid = `` becomes ``\\n,"id": ``, each ``[[events]]`` line
``},{``, a trailing comma before a closing ``]`` is dropped), the result is checked
against a grammar of exactly what those passes make from the subset (one regex match,
possessive, so linear), and ``json.loads`` builds the values at C speed. TOML basic
strings and JSON strings agree on every character and escape the check lets through.
Inline tables are rare: each line holding one is parsed here and written as JSON.
A key given twice is caught by counting: every member line the passes made against the
keys json kept. ``parse`` also says on which line each header is (the reader's
``lines.TomlLines`` is made from that rather than by scanning the text again).
"""

from __future__ import annotations

import datetime
import json
import re
from itertools import accumulate, repeat
from typing import Any

_KEY = r"[A-Za-z0-9_-]+"
# One character of a basic string as it may stand unescaped (TOML forbids control
# characters but tab, and DEL), and the escapes TOML 1.0 and JSON read alike (no \U,
# and no \u of a surrogate: JSON would join a pair of them, TOML refuses them).
_CHAR = r'[^"\\\x00-\x08\x0a-\x1f\x7f]'
_ESCAPE = r'\\(?:[btnfr"\\]|u(?![dD][89abAB])[0-9a-fA-F]{4})'
_STRING = rf'"{_CHAR}*+(?:{_ESCAPE}{_CHAR}*+)*+"'
# An integer of at most 19 digits (a 64-bit value: no leading zero, no sign but -),
# optionally made a float by a fraction or an exponent: TOML and JSON read these alike.
_NUMBER = r"-?(?:0|[1-9][0-9]{0,18})(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
_SCALAR = rf"(?:{_STRING}|{_NUMBER}|true|false)"
# An inline table or an array of them, written as JSON here between two carriage
# returns (white space to JSON; a text holding one is not read here at all).
_MADE = r"\r[^\r\n]*\r"
_ELEMENT = rf"(?:{_SCALAR}|{_MADE})"
_W = r"[ \t]*"
_ONE_LINE = rf"\[{_W}(?:{_ELEMENT}{_W}(?:,{_W}{_ELEMENT}{_W})*)?\]"
_MULTI_LINE = rf"\[{_W}\n(?:{_W}{_ELEMENT}{_W},{_W}\n|{_W}\n)*+(?:{_W}{_ELEMENT}{_W}\n)?\]"
_VALUE = rf"(?:{_SCALAR}|{_ONE_LINE}|{_MULTI_LINE}|{_MADE})"
# A section as the passes leave it: "{" and a first member "":0 (so that every member
# after it starts with a comma), then lines, each a member, a blank, or the next table
# of an array of tables ("},{" and its own "":0), then "}". The lines the passes make
# start with a carriage return, which no line of a text read here holds.
_SECTION = re.compile(rf'\{{"":0\n(?:\r,"{_KEY}": {_VALUE}{_W}\n|{_W}\n|\r\}},\{{"":0\n)*+\}}')
_FIRST = '"":0'
_NEXT_TABLE = "\n\r},{" + _FIRST + "\n"

# A header line: [[name]] or [name], the name bare (after a "\n": the text gets one first).
_HEADER = re.compile(rf"\n(?:\[\[({_KEY})\]\]|\[({_KEY})\])(?=\n)")
_KEY_LINE = re.compile(rf"\n(?={_KEY} = )")
_MEMBER_KEY = re.compile(rf'\n\r,"({_KEY}) = ')
_COMMENT_LINE = re.compile(r"\n#[^\x00-\x08\x0a-\x1f\x7f]*(?=\n)")
# A line holding an inline table: an array's element, or a key's value (the table, or a
# one-line array with one; a "{" in one of its strings only costs a parse here).
_INLINE_LINE = re.compile(rf"\n([ \t]*|{_KEY} = )((?:\[[^\n]*)?\{{[^\n]*)")
MAX_KEYS = 64  # distinct keys in one section: each costs a pass over its text
CHUNK = 1 << 18  # characters of an array's run read at once (see _loads)

# Inline tables and arrays, parsed here (rare: a few per document, or one a line).
_PAIR = re.compile(rf"{_W}({_KEY}){_W}={_W}({_SCALAR}){_W}(,|\}})")
_ITEM = re.compile(rf"{_W}(?:({_SCALAR})|\{{){_W}")
_AFTER_ITEM = re.compile(rf"{_W}(,|\]){_W}")


class _GiveUp(Exception):
    pass


_EMPTY_TABLE = re.compile(rf"{_W}\}}")


def _inline_table(text: str, pos: int, out: list[str]) -> int:
    """Write the inline table whose "{" is just before ``pos`` as JSON to ``out`` (its
    values are written as they stand: the TOML of each is the JSON of the same value);
    where it ends."""
    empty = _EMPTY_TABLE.match(text, pos)
    if empty:
        out.append("{}")
        return empty.end()
    keys = set()
    out.append("{")
    while True:
        pair = _PAIR.match(text, pos)
        if pair is None:
            raise _GiveUp
        key, value, end = pair.groups()
        if key in keys:
            raise _GiveUp
        keys.add(key)
        out.append(f'"{key}": {value}{end}')
        pos = pair.end()
        if end == "}":
            return pos


def _inline_value(text: str) -> str:
    """``text`` (an inline table, or a one-line array holding some, then perhaps a comma
    and blanks) as JSON between carriage returns, then the comma."""
    out = ["\r"]
    if text.startswith("["):
        out.append("[")
        pos = 1
        while True:
            item = _ITEM.match(text, pos)
            if item is None:
                raise _GiveUp
            if item[1] is not None:
                out.append(item[1])
                pos = item.end()
            else:
                pos = _inline_table(text, item.end(), out)
            after = _AFTER_ITEM.match(text, pos)
            if after is None:
                raise _GiveUp
            pos = after.end()
            out.append(after[1])
            if after[1] == "]":
                break
    else:
        pos = _inline_table(text, 1, out)
    rest = text[pos:].strip(" \t")
    if rest not in ("", ","):
        raise _GiveUp
    out += ("\r", rest)
    return "".join(out)


def _inline(match: re.Match[str]) -> str:
    return f"\n{match[1]}{_inline_value(match[2])}"


def _first_dropped(value: Any) -> int:
    """Drop the "" member each table of a section's value starts with; how many keys
    its tables hold then."""
    if isinstance(value, dict):
        del value[""]
        return len(value)
    for table in value:
        del table[""]
    return sum(map(len, value))


def _section(body: str, array: str | None) -> tuple[Any, int]:
    """The JSON text of one section (``body``: its lines after its header, starting with
    "\\n"), parsed; with how many members it was written with. ``array``: the name of the
    array of tables whose run of tables ``body`` is."""
    if "{" in body:
        body = _INLINE_LINE.sub(_inline, body)
    if array is not None:
        body = body.replace(f"\n[[{array}]]\n", _NEXT_TABLE)
    # Each key line starts with ,"; then its " = " becomes ": ": all at once when no
    # value holds " = " (nearly always), else one key at a time.
    body, members = _KEY_LINE.subn('\n\r,"', body)
    if body.count(" = ") == members:
        body = body.replace(" = ", '": ')
    else:
        pos = 0
        for _ in range(MAX_KEYS + 1):
            line = _MEMBER_KEY.search(body, pos)
            if line is None:
                break
            key = line[1]
            body = body.replace(f'\n\r,"{key} = ', f'\n\r,"{key}": ')
            pos = line.start()
        else:
            raise _GiveUp
    # An array's tables are one JSON array: checked without its brackets.
    text = ("[{" if array else "{") + _FIRST + body + ("}]" if array else "}")
    inside = 1 if array else 0
    dated = 0
    if _SECTION.fullmatch(text, inside, len(text) - inside) is None:
        # A whole day written bare (as the capture forms write one): a string marked
        # with a lone surrogate, made a date after (a section that holds one of its own
        # is not read here).
        if _SURROGATE.search(text):
            raise _GiveUp
        text, dated = _DATE_MEMBER.subn(_date, text)
        if not dated or _SECTION.fullmatch(text, inside, len(text) - inside) is None:
            raise _GiveUp
    # JSON has no trailing comma: dropped once the grammar has seen that an element
    # precedes it (dropped before, a lone "," line became a blank one, and the array
    # that tomli refuses was read as empty).
    if ",\n]" in text:
        text = text.replace(",\n]", "\n]")
    value = json.loads(text, strict=False)
    if dated:
        for table in [value] if isinstance(value, dict) else value:
            for key, item in table.items():
                if type(item) is str and item.startswith(_DAY):
                    table[key] = datetime.date(*map(int, item[1:].split("-")))
    return value, members


# A member whose value is a local date (a whole day), as TOML reads one: the date alone.
_DATE_MEMBER = re.compile(rf'(\n\r,"{_KEY}": )([0-9]{{4}})-([0-9]{{2}})-([0-9]{{2}})(?=[ \t]*\n)')
_DAY = "\ud800"
_SURROGATE = re.compile("[\ud800-\udfff]")


def _date(match: re.Match[str]) -> str:
    try:
        datetime.date(int(match[2]), int(match[3]), int(match[4]))
    except ValueError:
        raise _GiveUp from None  # not a day: tomli says so
    return f'{match[1]}\r"\\ud800{match[2]}-{match[3]}-{match[4]}"\r'


# Where the headers are: the lines of each array's tables, in order, and of each table.
# ``lines.TomlLines`` is made from these instead of scanning the text again.
# A plain class: a dataclass compiles its methods at import, on the start path.
class Headers:
    __slots__ = ("arrays", "tables")

    def __init__(self) -> None:
        self.arrays: dict[str, list[int]] = {}
        self.tables: dict[str, int] = {}


# Where str.splitlines breaks a line, besides "\n", that a text read here may hold (in
# a string): the line numbers ``lines`` gives then are not those of the "\n"s counted.
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")


def loads(text: str) -> dict[str, Any] | None:
    """What ``tomli.loads(text)`` returns, when ``text`` is of the shape read here;
    None otherwise (then tomli must be asked: the text may still be valid TOML)."""
    parsed = parse(text)
    return None if parsed is None else parsed[0]


def parse(text: str) -> tuple[dict[str, Any], Headers | None] | None:
    """``loads(text)``, and the lines of its headers (None when they cannot be told from
    counting "\n": a comment line was dropped, or a string holds another line break)."""
    added = text.startswith("[")
    if added:
        text = "\n" + text  # a header in the first line, found as the others are
    if not text.endswith("\n"):
        text += "\n"
    if "\r" in text:  # a line break other than "\n", or a mark the passes make
        return None
    counted = not any(mark in text for mark in _OTHER_BREAKS)
    if "\n#" in text:  # an indented comment is left, and given up on
        text = _COMMENT_LINE.sub("", text)
        counted = False
    try:
        root, starts = _loads(text)
    except (_GiveUp, ValueError, RecursionError):
        return None
    if not counted:
        return root, None
    # A header's line: the newlines before the "\n" that starts its match, and 2 (lines
    # count from 1, and the header is the line after it); less the "\n" added.
    headers = Headers()
    for name, positions in starts.items():
        newlines = repeat("\n")
        counts = accumulate(map(text.count, newlines, [0, *positions[:-1]], positions))
        numbers = [count + 2 - added for count in counts]
        if name.startswith("["):
            headers.tables[name[1:-1]] = numbers[0]
        else:
            headers.arrays[name] = numbers
    return root, headers


def _loads(text: str) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """The tables of ``text``, and where each array's headers are ("[name]": a table's)."""
    # Each section: where its lines start and end, and the array of tables whose run it
    # is, or the table it is ("" for the root's own keys, which come first).
    sections: list[tuple[int, int, str | None, str]] = []
    starts: dict[str, list[int]] = {}
    start, array, table = 0, None, ""
    for header in _HEADER.finditer(text):
        name, at = header[1], header.start()
        # The next table of the same run, unless the run is long: then it is read in
        # pieces, each passed over while it is in the processor's cache.
        if name is None or name != array or at - start >= CHUNK:
            sections.append((start, at + 1, array, table))
            start, array, table = header.end(), name, header[2] or ""
        starts.setdefault(name or f"[{table}]", []).append(at)
    sections.append((start, len(text), array, table))
    root: dict[str, Any] = {}
    arrays: set[str] = set()
    for first, last, array, table in sections:
        body = text[first:last] if first else "\n" + text[:last]
        value, members = _section(body, array)
        if _first_dropped(value) != members:
            raise _GiveUp  # a key given twice
        if array is None and not table:
            root.update(value)
        elif array is None:
            if table in root:
                raise _GiveUp
            root[table] = value
        elif array in arrays:
            root[array].extend(value)
        elif array in root:
            raise _GiveUp
        else:
            arrays.add(array)
            root[array] = value
    return root, starts

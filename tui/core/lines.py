"""Where things are in a document's source text, found only when a problem needs a line.

Neither tomli nor json reports positions for values. ``TomlLines`` finds the line of a
TOML entity or key by counting table headers; ``json_line_index`` finds where each key
path of a JSON text starts, and ``duplicate_keys`` where a key given twice in one object
is. The JSON walks use json's own C scanner, stepping over every member that does not
lead to what they look for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate, repeat

from .problems import key_path

# Where str.splitlines breaks a line besides "\n" (and "\r\n", counted once).
_OTHER_LINE_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
# A line whose first non-blank character is "[" (\s is exactly what str.strip removes).
_HEADER_LINE = re.compile(r"\n[^\S\n]*\[")
_FIRST_HEADER = re.compile(r"[^\S\n]*\[")

# An entity's place: (table, index), or ("disagreements", d, "positions", p) for a position.
EntityKey = tuple[str, int] | tuple[str, int, str, int]


class TomlLines:
    """Finds the line of an entity or key in TOML source text, only when a problem needs it.

    tomli reports no positions for values, so the source is scanned for table headers
    (``[[events]]``, ``[[disagreements.positions]]``, ``[meta]``) and they are counted.
    The scan is linear (no backtracking regex: the text is untrusted) and skips lines
    inside multi-line strings, so a header-like line in a summary does not count.
    """

    def __init__(
        self,
        text: str,
        offset: int = 0,
        arrays: dict[str, list[int]] | None = None,
        tables: dict[str, int] | None = None,
    ) -> None:
        """``arrays`` and ``tables``: the header lines of a text without multi-line
        strings or dotted headers, as ``fasttoml`` found them; the text is then not
        scanned again. ``offset``: lines before ``text`` in its file (a part of a split
        document)."""
        self.offset = offset
        self._text = text
        self._lines: list[str] | None = None
        # The header line of each entity, per array of tables, in order: a list rather
        # than a dict of (name, index) keys, which at 100,000 entities cost 15 MB.
        self._arrays: dict[str, list[int]] = {}
        self._positions: dict[int, list[int]] = {}  # per disagreement index (-1: none yet)
        self._entities: dict[EntityKey, int] | None = None
        self._headers: list[int] | None = None
        self.tables: dict[str, int] = {}
        self.in_string: set[int] = set()  # lines inside a multi-line string
        # Each [[disagreements.positions]] written after another top-level table that
        # follows its disagreement (line, disagreement index, position index, that table):
        # TOML attaches it to the disagreement above all the same, which was likely not meant.
        self.stray_positions: list[tuple[int, int, int, str]] = []
        if arrays is not None and tables is not None:
            self._arrays, self.tables = arrays, tables
        elif any(ch in text for ch in _OTHER_LINE_BREAKS) or text.count("\r") != text.count("\r\n"):
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
    def entities(self) -> dict[EntityKey, int]:
        """Header lines by (table, index), and by ("disagreements", d, "positions", p)."""
        if self._entities is None:
            entities: dict[EntityKey, int] = {}
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
        return zip(numbers, map(text.__getitem__, map(slice, starts, ends)), strict=True)

    def _scan(self, candidates: Iterable[tuple[int, str]], total: int) -> None:
        """Count the headers among ``candidates`` (ascending (number, line) pairs that
        include every line holding a header or a triple quote), outside strings."""
        parent = -1
        after: str | None = None  # a top-level table since the last [[disagreements]]
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
            if not name.startswith("disagreements"):
                after = f"[[{name}]]" if is_array else f"[{name}]"
            if not is_array:
                self.tables.setdefault(name, number)
            elif name == "disagreements.positions":
                held = self._positions.setdefault(parent, [])
                if after is not None and parent >= 0:
                    self.stray_positions.append((number + self.offset, parent, len(held), after))
                held.append(number)
            else:
                numbers = self._arrays.setdefault(name, [])
                if name == "disagreements":
                    parent = len(numbers)
                    after = None
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
        # A step is a bare key or one quoted as schema.key_path quotes it ('$schema').
        steps = [
            (name.strip("'"), index)
            for name, index in re.findall(r"('[^']*'|[A-Za-z0-9_\-]+)(?:\[(\d+)\])?", path)
        ]
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


# -- JSON ------------------------------------------------------------------------------------------

_WHITE = re.compile(r"[ \t\n\r]*")  # JSON's white space
# A JSON string's text and where it ends, at C speed (typeshed leaves this public name out).
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_skip = json.JSONDecoder().raw_decode  # a value parsed at C speed, to step over it


class _Repeated(Exception):
    """A key given twice in one object (``duplicate_keys`` then looks inside it)."""


def _no_repeats(pairs: list[tuple[str, object]]) -> dict[str, object]:
    table = dict(pairs)
    if len(table) != len(pairs):
        raise _Repeated
    return table


_check = json.JSONDecoder(object_pairs_hook=_no_repeats).raw_decode  # raises _Repeated


class _Lines:
    """Line numbers of positions asked for in increasing order, counted at C speed."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1

    def at(self, pos: int) -> int:
        if pos < self.pos:
            self.pos, self.line = 0, 1
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def _white(text: str, pos: int) -> int:
    """Where the JSON white space from ``pos`` ends."""
    match = _WHITE.match(text, pos)
    assert match is not None  # the pattern matches the empty string, so it always matches
    return match.end()


Visit = Callable[[str | int, int, int], int | None]


def _members(text: str, pos: int, visit: Visit) -> None:
    """``visit(key or index, where it starts, where its value starts)`` for each member of
    the object or array at ``pos``. The visitor returns where the value ends if it parsed
    it, or None: then json's own C parser steps over it, so a member not looked into
    costs no Python step per token."""
    is_object = text[pos] == "{"
    pos = _white(text, pos + 1)
    if text[pos] in "}]":
        return
    index = 0
    step: str | int
    while True:
        at = pos
        if is_object:
            if text[pos] != '"':
                raise ValueError("expected a key")
            step, pos = _scanstring(text, pos + 1)
            pos = _white(text, pos)
            if text[pos] != ":":
                raise ValueError("expected ':'")
            pos = _white(text, pos + 1)
        else:
            step = index
            index += 1
        end = visit(step, at, pos)
        pos = _white(text, _skip(text, pos)[1] if end is None else end)
        if text[pos] != ",":
            return
        pos = _white(text, pos + 1)


def _child(path: str, step: str | int) -> str:
    """A member's key path, written as the reader writes it (``events[3].date``, odd keys
    quoted)."""
    return key_path(path, step) if isinstance(step, str) else f"{path}[{step}]"


def _top(text: str) -> int | None:
    pos = _white(text, 0)
    return pos if text[pos : pos + 1] in ("{", "[") else None


class _Found(Exception):
    pass


def json_line_index(text: str, wanted: Iterable[str] | None = None) -> dict[str, int]:
    """The line where each key path (``events[3].date``) of a JSON text starts; only the
    ``wanted`` paths, when given: then only the members on the way to them are looked
    into (a 40 MB document takes a fraction of a second). Never fails: on text that is
    not valid JSON it returns what it found before the fault."""
    index: dict[str, int] = {}
    remaining = set(wanted) if wanted is not None else None
    # Every path on the way to a wanted one (a quoted key holding "." or "[" adds a
    # prefix that leads nowhere: a wasted look, never a missed one).
    on_the_way = (
        None
        if remaining is None
        else {w[:i] for w in remaining for i, ch in enumerate(w) if ch in ".["} | remaining
    )
    lines = _Lines(text)

    def walk(pos: int, path: str) -> None:
        def visit(step: str | int, at: int, value: int) -> None:
            child = _child(path, step)
            if on_the_way is not None and child not in on_the_way:
                return
            if remaining is None:
                index.setdefault(child, lines.at(at))
            elif child in remaining:
                index[child] = lines.at(at)
                remaining.discard(child)
                if not remaining:
                    raise _Found
            if text[value] in "{[":
                walk(value, child)

        _members(text, pos, visit)

    try:
        top = _top(text)
        if top is not None and remaining != set():
            walk(top, "")
    except (_Found, ValueError, IndexError, RecursionError):
        pass
    return index


def duplicate_keys(text: str, limit: int) -> list[tuple[str, str, int, int]]:
    """(key path, key, line, line of the first one) of each key that an object of
    ``text`` gives again, in order, at most ``limit`` of them. Only the members that
    hold a duplicate are looked into. On text that is not valid JSON otherwise, what
    was found before the fault."""
    found: list[tuple[str, str, int, int]] = []
    lines = _Lines(text)

    def walk(pos: int, path: str) -> None:
        seen: dict[str, int] = {}

        def visit(step: str | int, at: int, value: int) -> int | None:
            if isinstance(step, str):
                line = lines.at(at)
                if step in seen:
                    found.append((_child(path, step), step, line, seen[step]))
                    if len(found) >= limit:
                        raise _Found
                else:
                    seen[step] = line
            if text[value] not in "{[":
                return None
            try:
                return _check(text, value)[1]
            except _Repeated:
                walk(value, _child(path, step))
                return None

        _members(text, pos, visit)

    try:
        top = _top(text)
        if top is not None:
            walk(top, "")
    except (_Found, ValueError, IndexError, RecursionError):
        pass
    return found

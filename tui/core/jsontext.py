"""JSON documents read strictly, and the lines where their key paths start.

``json`` keeps the last of two equal keys in one object, so ``{"actors": [...],
"actors": []}`` would quietly lose every actor: ``loads_strict`` refuses it. ``json``
gives no positions for values, so when a problem needs a line (local files and feed
bodies alike) ``json_line_index`` finds it in the text, and ``duplicate_keys`` finds
where each repeated key is. Both walk the text with json's own C scanner, stepping over
every member that does not lead to what they look for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from .problems import key_path


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
    (``DuplicateKey``). The check costs about a third more than a bare ``json.loads``."""
    return json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique)


_WHITE = re.compile(r"[ \t\n\r]*")  # JSON's white space
_skip = json.JSONDecoder().raw_decode  # a value parsed at C speed, to step over it
_check = json.JSONDecoder(object_pairs_hook=_unique).raw_decode  # and refusing duplicates


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


Visit = Callable[[str | int, int, int], int | None]


def _members(text: str, pos: int, visit: Visit) -> None:
    """``visit(key or index, where it starts, where its value starts)`` for each member of
    the object or array at ``pos``. The visitor returns where the value ends if it parsed
    it, or None: then json's own C parser steps over it, so a member not looked into
    costs no Python step per token."""
    is_object = text[pos] == "{"
    pos = _WHITE.match(text, pos + 1).end()
    if text[pos] in "}]":
        return
    index = 0
    while True:
        at = pos
        if is_object:
            if text[pos] != '"':
                raise ValueError("expected a key")
            step, pos = json.decoder.scanstring(text, pos + 1)
            pos = _WHITE.match(text, pos).end()
            if text[pos] != ":":
                raise ValueError("expected ':'")
            pos = _WHITE.match(text, pos + 1).end()
        else:
            step = index
            index += 1
        end = visit(step, at, pos)
        pos = _WHITE.match(text, _skip(text, pos)[1] if end is None else end).end()
        if text[pos] != ",":
            return
        pos = _WHITE.match(text, pos + 1).end()


def _child(path: str, step: str | int) -> str:
    """A member's key path, written as the reader writes it (``events[3].date``, odd keys
    quoted)."""
    return key_path(path, step) if isinstance(step, str) else f"{path}[{step}]"


def _top(text: str) -> int | None:
    pos = _WHITE.match(text).end()
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
            except DuplicateKey:
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

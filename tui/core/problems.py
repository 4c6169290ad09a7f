"""Problems found in input, phrased for people: which file or URL, where, and what is wrong."""

from __future__ import annotations

import datetime as _dt
import re

from .records import record
from .text import sanitise


@record(slots=True)
class Problem:
    """One thing wrong (or worth a warning) in a document, a layer or a config file."""

    document: str  # file path or URL (credentials removed)
    message: str
    path: str = ""  # key path such as events[3].date
    line: int | None = None
    column: int | None = None
    warning: bool = False

    def __str__(self) -> str:
        where = self.document
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.path:
            parts.append(self.path)
        text = ": ".join(parts) + ": " + self.message
        # File names and URLs are untrusted too (a file may be named with an escape
        # sequence): the text a person reads has nothing a terminal would act on.
        text, _ = sanitise(text)
        return ("warning: " + text) if self.warning else text


class FaultlineError(Exception):
    """Base for every error Faultline reports to a person rather than as a traceback."""


class DocumentError(FaultlineError):
    """A document was rejected whole; ``problems`` says why, each naming its place."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# -- phrasing values and key paths -----------------------------------------------------------


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
    """A value as quoted in a message: repr (so control characters show as escapes), cut."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return "a number too large to show"
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        text = f"<{type_name(value)}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


SIMPLE_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")


def key_path(parent: str, key: object) -> str:
    """``parent.key``, quoting a key that is not plain (a hostile key cannot forge a line)."""
    shown = key if isinstance(key, str) and SIMPLE_KEY.match(key) else shorten(key, 40)
    return f"{parent}.{shown}" if parent else str(shown)

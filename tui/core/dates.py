"""Dates as analysts write them: a subset of EDTF (ISO 8601-2).

Accepted forms (see the data format spec, section "Dates"):

* ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``, each with an optional qualifier suffix
  ``?`` (uncertain), ``~`` (approximate) or ``%`` (both);
* an interval ``A/B`` whose sides are such dates or ``..`` for an open end;
* a TOML local date (``datetime.date``), equal to its ISO text.

A date keeps its text exactly as written for display and export; the derived fields
exist only to sort, group and describe it. Pure standard library: no Textual here.

``local_time`` is the other kind of time: when Faultline itself did something (a fetch,
a refresh's change), in local time, the one way every message and screen writes it.
"""

from __future__ import annotations

import calendar
import datetime
import enum
import re
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["DateError", "EDate", "Precision", "local_time", "parse_date"]


def local_time(timestamp: float | None, *, short: bool = False, now: float | None = None) -> str:
    """``2026-11-26 10:04`` in local time, ``never`` for no time. ``short`` gives ``10:04``
    alone for a time on the same day as ``now`` (default: the current time), where the
    date would only take room (the feeds table at 80 columns, the change log)."""
    if timestamp is None:
        return "never"
    moment = datetime.datetime.fromtimestamp(timestamp)
    if short:
        today = datetime.datetime.fromtimestamp(now) if now is not None else datetime.datetime.now()
        if moment.date() == today.date():
            return moment.strftime("%H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")


class DateError(ValueError):
    """A value that is not a date in the accepted EDTF subset."""


class Precision(enum.IntEnum):
    """How much of a date is known; lower sorts first at the same earliest day."""

    DAY = 0
    MONTH = 1
    YEAR = 2


_EXPECTED = (
    "expected YYYY, YYYY-MM, YYYY-MM-DD, an optional ?, ~ or % suffix, "
    "or an interval A/B with .. for an open end"
)

# [0-9], not \d: \d also matches non-ASCII digits such as "２０１３".
_SIMPLE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([?~%]?)")

_OPEN = ".."

_QUALIFIER_GLOSS = {
    "": "",
    "?": " (uncertain)",
    "~": " (approximate)",
    "%": " (uncertain, approximate)",
}

# Fixed English abbreviations: strftime("%b") would follow the process locale.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_TYPE_NAMES: dict[type, str] = {
    type(None): "nothing",
    bool: "boolean",
    int: "integer",
    float: "float",
    bytes: "bytes",
    bytearray: "bytes",
    list: "array",
    tuple: "array",
    dict: "table",
    datetime.datetime: "date-time",
    datetime.time: "time of day",
}

# Longer values are cut in messages so a stray paragraph does not flood the screen.
_MAX_SHOWN = 60


@dataclass(frozen=True, slots=True)
class EDate:
    """One parsed date. Equal (and hashed) by its text alone; ordered by ``sort_key``.

    ``earliest`` is the day the date sorts at: its earliest possible day, or for an
    interval its start's, or its end's when the start is open (so "../2025", "by 2025",
    sits at 1 Jan 2025). ``latest`` is the last possible day, ``None`` for an open end.
    ``precision`` is that of the side used for sorting. ``qualifier`` is ``""`` for an
    interval: each side carries its own.
    """

    text: str
    earliest: datetime.date = field(compare=False)
    latest: datetime.date | None = field(compare=False)
    precision: Precision = field(compare=False)
    qualifier: str = field(default="", compare=False)
    is_interval: bool = field(default=False, compare=False)
    start: EDate | None = field(default=None, compare=False, repr=False)
    end: EDate | None = field(default=None, compare=False, repr=False)
    # Precomputed because sorting large dossiers compares dates millions of times.
    _key: tuple[int, int, str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        key = (self.earliest.toordinal(), int(self.precision), self.text)
        object.__setattr__(self, "_key", key)

    @classmethod
    def parse(cls, value: object) -> EDate:
        """Parse a date string or a ``datetime.date``; anything else raises DateError."""
        if type(value) is str:
            return _parse_text(value)
        if isinstance(value, str):  # a str subclass: cache on a plain copy
            return _parse_text(str.__str__(value))
        # datetime.datetime subclasses datetime.date, so it must be refused first.
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return _parse_text(value.isoformat())
        raise DateError(
            f"{_shown(value)} is not a date (expected a date string, got {_type_name(value)})"
        )

    @property
    def sort_key(self) -> tuple[int, int, str]:
        """(ordinal of the sort day, precision, text): total and deterministic."""
        return self._key

    @property
    def year(self) -> int:
        """The year of the sort day, for grouping a timeline by year."""
        return self.earliest.year

    def describe(self) -> str:
        """A short human gloss: "18 Jan 2013", "by 2025", "Jan 2013 – 2025"."""
        if not self.is_interval:
            d = self.earliest
            if self.precision is Precision.DAY:
                base = f"{d.day} {_MONTHS[d.month - 1]} {d.year:04d}"
            elif self.precision is Precision.MONTH:
                base = f"{_MONTHS[d.month - 1]} {d.year:04d}"
            else:
                base = f"{d.year:04d}"
            return base + _QUALIFIER_GLOSS[self.qualifier]
        if self.start is None:
            assert self.end is not None
            return f"by {self.end.describe()}"
        if self.end is None:
            return f"from {self.start.describe()}"
        return f"{self.start.describe()} – {self.end.describe()}"

    def __str__(self) -> str:
        return self.text

    # Explicit comparisons (not functools.total_ordering) to keep sorting cheap.
    def __lt__(self, other: object) -> bool:
        if not isinstance(other, EDate):
            return NotImplemented
        return self._key < other._key

    def __le__(self, other: object) -> bool:
        if not isinstance(other, EDate):
            return NotImplemented
        return self._key <= other._key

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, EDate):
            return NotImplemented
        return self._key > other._key

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, EDate):
            return NotImplemented
        return self._key >= other._key


parse_date = EDate.parse


def _shown(value: object) -> str:
    if isinstance(value, (datetime.datetime, datetime.time)):
        # As the analyst wrote it in TOML, not as Python's constructor call.
        return value.isoformat()
    if isinstance(value, str):
        # Cut the value, not its repr: up to the limit it shows whole, quotes and all.
        return repr(value[:_MAX_SHOWN]) + ("…" if len(value) > _MAX_SHOWN else "")
    try:
        shown = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real error
        shown = f"<{type(value).__name__}>"
    return shown if len(shown) <= _MAX_SHOWN else shown[:_MAX_SHOWN] + "…"


def _type_name(value: object) -> str:
    for kind in type(value).__mro__:
        if kind in _TYPE_NAMES:
            return _TYPE_NAMES[kind]
    return type(value).__name__


def _error(text: str, reason: str = _EXPECTED) -> DateError:
    return DateError(f"{_shown(text)} is not a date ({reason})")


@lru_cache(maxsize=65536)
def _parse_text(text: str) -> EDate:
    if "/" not in text:
        return _parse_simple(text, text)
    start_text, _, end_text = text.partition("/")
    if "/" in end_text:
        raise _error(text)
    if start_text == _OPEN and end_text == _OPEN:
        raise _error(text, "an interval needs at least one known end")
    start = None if start_text == _OPEN else _parse_simple(start_text, text)
    end = None if end_text == _OPEN else _parse_simple(end_text, text)
    # After means wholly after: "2013-06/2013" runs from June to the end of 2013.
    if (
        start is not None
        and end is not None
        and end.latest is not None
        and start.earliest > end.latest
    ):
        raise _error(text, f"its start, {start_text}, is after its end, {end_text}")
    anchor = start if start is not None else end
    assert anchor is not None
    return EDate(
        text=text,
        earliest=anchor.earliest,
        latest=None if end is None else end.latest,
        precision=anchor.precision,
        is_interval=True,
        start=start,
        end=end,
    )


def _parse_simple(text: str, whole: str) -> EDate:
    """Parse one non-interval date; errors name ``whole``, the text as written."""
    m = _SIMPLE.fullmatch(text)
    if m is None:
        raise _error(whole)
    year_s, month_s, day_s, qualifier = m.groups()
    year = int(year_s)
    if year == 0:
        raise _error(whole, "years run from 0001 to 9999")
    if month_s is None:
        return EDate(
            text=text,
            earliest=datetime.date(year, 1, 1),
            latest=datetime.date(year, 12, 31),
            precision=Precision.YEAR,
            qualifier=qualifier,
        )
    month = int(month_s)
    if not 1 <= month <= 12:
        raise _error(whole, f"there is no month {month_s}")
    days_in_month = calendar.monthrange(year, month)[1]
    if day_s is None:
        return EDate(
            text=text,
            earliest=datetime.date(year, month, 1),
            latest=datetime.date(year, month, days_in_month),
            precision=Precision.MONTH,
            qualifier=qualifier,
        )
    day = int(day_s)
    if not 1 <= day <= days_in_month:
        raise _error(whole, f"{_MONTHS[month - 1]} {year_s} has {days_in_month} days, not {day_s}")
    d = datetime.date(year, month, day)
    return EDate(text=text, earliest=d, latest=d, precision=Precision.DAY, qualifier=qualifier)

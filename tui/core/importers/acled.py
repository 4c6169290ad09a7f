"""ACLED exports: CSV with a header row (31 columns in the export tool's order, read by
name), as downloaded or as saved again by a spreadsheet (a UTF-8 byte-order mark, CRLF
line ends, ``notes`` holding commas, quotes and line breaks).

A date says exactly what ACLED's ``time_precision`` says: 1, the day; 2, a day within
about a week (EDTF ``2022-01-05~``); 3, only the month (``2022-01``). ACLED's terms require
attribution and forbid redistributing its rows: every event cites the ``acled`` source
record, which carries the attribution and the terms (``x_acled``), and ``export`` and
``fetch`` warn when a dossier holding it is written out or served as a feed.
"""

from __future__ import annotations

import csv
import datetime as _dt
from collections.abc import Iterable
from typing import Any

from .common import (
    ImportedDocument,
    ImportFailure,
    Options,
    Tally,
    TextInput,
    clean,
    make_id,
    name_text,
    number,
)

COLUMNS = (  # noqa: SIM905  (the export's order, a few to a line)
    "event_id_cnty event_date year time_precision disorder_type event_type sub_event_type "
    "actor1 assoc_actor_1 inter1 actor2 assoc_actor_2 inter2 interaction civilian_targeting "
    "iso region country admin1 admin2 admin3 location latitude longitude geo_precision "
    "source source_scale notes fatalities tags timestamp"
).split()
REQUIRED = ("event_id_cnty", "event_date", "time_precision", "event_type", "actor1")
DESCRIPTION = "an ACLED export"
ATTRIBUTION = "Armed Conflict Location & Event Data (ACLED); acleddata.com"
TERMS = (
    "ACLED's terms of use require this attribution and forbid redistributing its rows: "
    "keep this dossier local, and do not publish it as a feed."
)
SOURCE_ID = "acled"

# ACLED's interaction codes (inter1, inter2): older exports write the number, newer ones
# the words. The kind is faultline/1's.
INTER = {
    "1": ("State forces", "organisation"),
    "2": ("Rebel groups", "group"),
    "3": ("Political militias", "group"),
    "4": ("Identity militias", "group"),
    "5": ("Rioters", "group"),
    "6": ("Protesters", "group"),
    "7": ("Civilians", "group"),
    "8": ("External/Other forces", "other"),
}
INTER_BY_WORDS = {words.lower(): (words, kind) for words, kind in INTER.values()}

# ACLED event types as PLOVER types: our reading of the two codebooks (no published
# table); a sub-event type is looked up first, then its event type. Left out: no type.
PLOVER = {
    "battles": "ASSAULT",
    "explosions/remote violence": "ASSAULT",
    "violence against civilians": "ASSAULT",
    "protests": "PROTEST",
    "riots": "PROTEST",
    "agreement": "AGREE",
    "arrests": "COERCE",
    "looting/property destruction": "ASSAULT",
    "headquarters or base established": "MOBILIZE",
    "non-violent transfer of territory": "RETREAT",
    "disrupted weapons use": "COERCE",
}

# "05 January 2022": month names as ACLED writes them, in English
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES.split(), 1)}


def is_member(name: str) -> bool:
    return name.lower().endswith((".csv", ".txt"))


def acled_derived(sources: Iterable[Any]) -> bool:
    """Whether a dataset's sources include the ACLED record an import writes."""
    return any(
        getattr(source, "id", None) == SOURCE_ID
        and isinstance(getattr(source, "extra", {}).get("x_acled"), dict)
        for source in sources
    )


class AcledImporter:
    """Reads ACLED rows into an ``ImportedDocument``: events ``acled-<event_id_cnty>``, one
    actor per distinct ACLED actor name, one source per outlet named in ``source``."""

    what = DESCRIPTION

    def __init__(self, options: Options, tally: Tally, imported: ImportedDocument) -> None:
        self.options = options
        self.tally = tally
        self.imported = imported
        self._actors: dict[str, str | None] = {}

    def member(self, name: str) -> bool:
        return is_member(name)

    def read(self, source: TextInput) -> None:
        reader = csv.reader(source.lines)
        try:
            header = next(reader, None)
        except csv.Error as error:
            raise ImportFailure(f"{source.where(1)}: the header cannot be read: {error}") from None
        if header is None:
            raise ImportFailure(f"{source.name}: is empty: no ACLED rows")
        names = [name.strip().lower() for name in header]
        self._refuse_wrong_kind(source, names, ",".join(header))
        place = {name: i for i, name in reversed(list(enumerate(names)))}
        width = len(names)
        line = reader.line_num
        while True:
            start = line + 1
            try:
                row = next(reader, None)
            except csv.Error as error:
                line = reader.line_num
                self.tally.read += 1
                self.tally.bad(source.where(start), f"the row cannot be read as CSV: {error}")
                continue
            line = reader.line_num
            if row is None:
                return
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            self.tally.read += 1
            if len(row) != width:
                self.tally.bad(
                    source.where(start), f"{len(row)} columns where the header has {width}"
                )
                continue
            self.row({name: row[i] for name, i in place.items()}, source.where(start))

    def _refuse_wrong_kind(self, source: TextInput, names: list[str], line: str) -> None:
        missing = [n for n in REQUIRED if n not in names]
        if not missing:
            return
        if "globaleventid" in names or len(line.split("\t")) == 61:
            raise ImportFailure(
                f"{source.name}: this is a GDELT export, not ACLED: use faultline import gdelt"
            )
        raise ImportFailure(
            f"{source.where(1)}: is not {DESCRIPTION}: its header has no "
            f"{', '.join(missing)} column"
        )

    def row(self, r: dict[str, str], where: str) -> None:
        tally = self.tally
        raw_id = r["event_id_cnty"].strip()
        ident = f"acled-{raw_id.lower()}"
        if not raw_id or make_id("acled", raw_id) != ident:
            tally.bad(where, f"event_id_cnty {raw_id[:30]!r} is not an ACLED event id")
            return
        day = _day(r["event_date"].strip())
        if day is None:
            tally.bad(where, f"event_date {r['event_date'][:30]!r} is not a date")
            return
        precision = r["time_precision"].strip()
        if precision not in ("1", "2", "3"):
            tally.bad(where, f"time_precision {precision[:20]!r} is not 1, 2 or 3")
            return
        try:
            numbers = _numbers(r)
        except ValueError as error:
            tally.bad(where, str(error))
            return
        options = self.options
        if not options.in_dates(day) or not options.in_countries(
            r.get("iso", ""), r.get("country", "").strip()
        ):
            tally.filtered += 1
            return
        tally.kept += 1
        self.imported.events[ident] = self._event(r, ident, day, precision, numbers)

    def _event(
        self, r: dict[str, str], ident: str, day: str, precision: str, numbers: dict[str, Any]
    ) -> dict[str, Any]:
        date = {"1": day, "2": day + "~", "3": day[:7]}[precision]
        actor = self._actor(r["actor1"], r.get("inter1", ""))
        target = self._actor(r.get("actor2", ""), r.get("inter2", ""))
        actors = [a for a in (actor, *self._associated(r.get("assoc_actor_1", ""))) if a]
        targets = [a for a in (target, *self._associated(r.get("assoc_actor_2", ""))) if a]
        kind = name_text(r.get("sub_event_type", "")) or name_text(r["event_type"])
        who = _short(r["actor1"]) or "Unidentified actor"
        if _short(r.get("actor2", "")):
            who += f" vs {_short(r.get('actor2', ''))}"
        where_text = name_text(r.get("location", ""))
        title = f"{kind}: {who}" + (f" in {where_text}" if where_text else "")
        event: dict[str, Any] = {"id": ident, "title": name_text(title) or ident, "date": date}
        summary = clean(r.get("notes", ""))
        if summary:
            event["summary"] = summary
        if actors:
            event["actors"] = list(dict.fromkeys(actors))
        if targets:
            event["targets"] = list(dict.fromkeys(targets))
        plover_type = PLOVER.get(r.get("sub_event_type", "").strip().lower()) or PLOVER.get(
            r["event_type"].strip().lower()
        )
        if plover_type:
            event["type"] = plover_type
        places = [name_text(r.get(k, "")) for k in ("location", "admin1", "country")]
        location = ", ".join(dict.fromkeys(p for p in places if p))
        if location:
            event["location"] = location
        event["sources"] = [self._dataset(), *self._outlets(r.get("source", ""))]
        extra: dict[str, Any] = {
            "event_id_cnty": name_text(r["event_id_cnty"]),
            "event_date": day,
            "time_precision": int(precision),
        }
        for key in (
            "disorder_type", "event_type", "sub_event_type", "interaction",
            "civilian_targeting", "iso", "region", "admin1", "admin2", "admin3",
            "source_scale", "tags", "timestamp",
        ):  # fmt: skip
            value = name_text(r.get(key, ""))
            if value:
                extra[key] = value
        extra.update(numbers)
        event["x_acled"] = extra
        return event

    def _actor(self, name: str, inter: str) -> str | None:
        if name in self._actors:
            return self._actors[name]
        shown = name_text(name)
        if not shown:
            self._actors[name] = None
            return None
        ident = make_id("acled", shown)
        mapped = self.options.actor_map.actor(ident, shown)
        if mapped is not None:
            self._actors[name] = mapped
            return mapped
        if ident not in self.imported.actors:
            words, kind = INTER.get(inter.strip()) or INTER_BY_WORDS.get(
                inter.strip().lower(), ("", "other")
            )
            record: dict[str, Any] = {"id": ident, "name": shown, "kind": kind}
            if words:
                record["role"] = words
            self.imported.actors[ident] = record
        self._actors[name] = ident
        return ident

    def _associated(self, names: str) -> list[str | None]:
        return [self._actor(n.strip(), "") for n in names.split(";") if n.strip()]

    def _dataset(self) -> str:
        if SOURCE_ID not in self.imported.sources:
            self.imported.sources[SOURCE_ID] = {
                "id": SOURCE_ID,
                "title": "ACLED: Armed Conflict Location & Event Data",
                "url": "https://acleddata.com",
                "publisher": "ACLED",
                "kind": "dataset",
                "reliability": self.options.actor_map.grade("ACLED"),
                "x_acled": {"attribution": ATTRIBUTION, "terms": TERMS},
            }
        return SOURCE_ID

    def _outlets(self, text: str) -> list[str]:
        outlets = [name_text(o) for o in text.split(";")]
        grade = self.options.actor_map.grade
        return list(
            dict.fromkeys(
                self.imported.outlet(o, grade(o), prefix="acled", extra={"x_via": "ACLED"})
                for o in outlets
                if o
            )
        )


def _short(name: str) -> str:
    """An ACLED actor name without its parenthesised country or years:
    ``Police Forces of Kazakhstan (2019-)`` → ``Police Forces of Kazakhstan``."""
    shown = name_text(name)
    cut = shown.split(" (", 1)[0].strip()
    return cut or shown


def _day(text: str) -> str | None:
    """ACLED's event_date: ``2022-01-05`` (the API and new exports) or ``05 January 2022``
    (older exports, and spreadsheets that kept them)."""
    try:
        if len(text) == 10 and text[4] == "-" and text.isascii():
            return _dt.date.fromisoformat(text).isoformat()
        parts = text.split()
        if len(parts) == 3 and parts[1].lower() in _MONTHS and parts[0].isdigit():
            day = _dt.date(int(parts[2]), _MONTHS[parts[1].lower()], int(parts[0]))
            return day.isoformat()
    except ValueError:
        return None
    return None


def _numbers(r: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, kind in (
        ("fatalities", int),
        ("latitude", float),
        ("longitude", float),
        ("geo_precision", int),
    ):
        text = r.get(name, "").strip()
        if text:
            out[name] = number(name, text, kind)
    return out

"""GDELT 2.0 events: the 15-minute export files (tab-separated, no header, 61 columns)
and the same columns exported from BigQuery (``gdelt-bq.gdeltv2.events``) as CSV with a
header row, in any order, optional columns left out.

Columns are those of the GDELT Event Codebook V2.0 (the list in linwoodc3/gdelt2HeaderRows,
``GDELT_2.0_Column_Labels_Header_Row_Sep2016.csv``). Event codes are CAMEO strings with
leading zeros; actor codes are composite CAMEO (``KAZGOV``: country ``KAZ``, ISO 3166
alpha-3, and role ``GOV``); the geography columns use FIPS 10-4 country codes and are
kept as they are, never mistaken for ISO.
"""

from __future__ import annotations

import csv
import datetime as _dt
from typing import Any

from ..urls import is_web_url
from . import cameo
from .common import (
    ImportedDocument,
    ImportFailure,
    Options,
    Tally,
    TextInput,
    host_of,
    make_id,
    name_text,
    number,
    title_case,
)

COLUMNS = (  # noqa: SIM905  (the codebook's order, a few to a line)
    "GLOBALEVENTID SQLDATE MonthYear Year FractionDate "
    "Actor1Code Actor1Name Actor1CountryCode Actor1KnownGroupCode Actor1EthnicCode "
    "Actor1Religion1Code Actor1Religion2Code Actor1Type1Code Actor1Type2Code Actor1Type3Code "
    "Actor2Code Actor2Name Actor2CountryCode Actor2KnownGroupCode Actor2EthnicCode "
    "Actor2Religion1Code Actor2Religion2Code Actor2Type1Code Actor2Type2Code Actor2Type3Code "
    "IsRootEvent EventCode EventBaseCode EventRootCode QuadClass GoldsteinScale NumMentions "
    "NumSources NumArticles AvgTone "
    "Actor1Geo_Type Actor1Geo_FullName Actor1Geo_CountryCode Actor1Geo_ADM1Code "
    "Actor1Geo_ADM2Code Actor1Geo_Lat Actor1Geo_Long Actor1Geo_FeatureID "
    "Actor2Geo_Type Actor2Geo_FullName Actor2Geo_CountryCode Actor2Geo_ADM1Code "
    "Actor2Geo_ADM2Code Actor2Geo_Lat Actor2Geo_Long Actor2Geo_FeatureID "
    "ActionGeo_Type ActionGeo_FullName ActionGeo_CountryCode ActionGeo_ADM1Code "
    "ActionGeo_ADM2Code ActionGeo_Lat ActionGeo_Long ActionGeo_FeatureID "
    "DATEADDED SOURCEURL"
).split()
WIDTH = len(COLUMNS)  # 61
INDEX = {name: i for i, name in enumerate(COLUMNS)}
# Positions used below, each checked against its name in the tests.
REQUIRED = ("GLOBALEVENTID", "SQLDATE", "EventCode")
ID, SQLDATE, ROOT, CODE = INDEX["GLOBALEVENTID"], INDEX["SQLDATE"], 25, 26
A1CODE, A1NAME, A1COUNTRY, A1GROUP, A1TYPE = 5, 6, 7, 8, 12
A2CODE, A2NAME, A2COUNTRY, A2GROUP, A2TYPE = 15, 16, 17, 18, 22
QUAD, GOLDSTEIN, MENTIONS, NSOURCES, NARTICLES, TONE = 29, 30, 31, 32, 33, 34
GEO_NAME, GEO_FIPS, GEO_LAT, GEO_LONG = 52, 53, 56, 57
DATEADDED, SOURCEURL = 59, 60
GDELT1_WIDTHS = (57, 58)

DESCRIPTION = "a GDELT 2.0 events export"


def is_member(name: str) -> bool:
    """Which files of a zip to read: the export itself (``….export.CSV``), or CSV text."""
    return name.lower().endswith((".export.csv", ".csv", ".tsv", ".txt"))


class GdeltImporter:
    """Reads GDELT rows into an ``ImportedDocument``: events ``gdelt-<GLOBALEVENTID>``, one
    actor per distinct code and name, one source per article URL."""

    what = DESCRIPTION

    def __init__(self, options: Options, tally: Tally, imported: ImportedDocument) -> None:
        self.options = options
        self.tally = tally
        self.imported = imported
        self._actors: dict[tuple[str, str], tuple[str, str] | None] = {}  # -> (id, name)
        self._days: dict[str, str | None] = {}
        self._codes: dict[str, tuple[str, str, dict[str, Any]]] = {}
        self._outlets: dict[str, str] = {}

    def member(self, name: str) -> bool:
        return is_member(name)

    # -- reading -----------------------------------------------------------------------------

    def read(self, source: TextInput) -> None:
        first = next(source.lines, None)
        if first is None:
            raise ImportFailure(f"{source.name}: is empty: no GDELT rows")
        if _is_header(first):
            self._read_with_header(source, first)
            return
        fields = first.rstrip("\r\n").split("\t")
        self._refuse_wrong_kind(source, first, len(fields))
        self.row(fields, source, 1)
        for line_number, line in enumerate(source.lines, 2):
            self.row(line.rstrip("\r\n").split("\t"), source, line_number)

    def _refuse_wrong_kind(self, source: TextInput, first: str, width: int) -> None:
        if width == WIDTH:
            return
        lowered = first.lower()
        if "event_id_cnty" in lowered:
            raise ImportFailure(
                f"{source.name}: this is an ACLED export (its header names event_id_cnty), "
                "not GDELT: use faultline import acled"
            )
        if width in GDELT1_WIDTHS:
            raise ImportFailure(
                f"{source.name}: this looks like a GDELT 1.0 events file ({width} columns); "
                f"only GDELT 2.0 exports ({WIDTH} columns) are read"
            )
        raise ImportFailure(
            f"{source.name}: is not {DESCRIPTION}: its first line has {width} tab-separated "
            f"column{'s' if width != 1 else ''}, not {WIDTH}, and no header naming GLOBALEVENTID"
        )

    def _read_with_header(self, source: TextInput, first: str) -> None:
        """BigQuery's CSV: a header of codebook names (any case, any order), then rows."""
        delimiter = "," if first.count(",") >= first.count("\t") else "\t"
        try:
            header = next(csv.reader([first], delimiter=delimiter))
        except csv.Error as error:
            raise ImportFailure(f"{source.where(1)}: the header cannot be read: {error}") from None
        by_name = {name.lower(): i for i, name in enumerate(COLUMNS)}
        places: list[tuple[int, int]] = []  # (position in the row, codebook index)
        seen: set[int] = set()
        for position, name in enumerate(header):
            index = by_name.get(name.strip().lower())
            if index is not None and index not in seen:
                seen.add(index)
                places.append((position, index))
        missing = [n for n in REQUIRED if INDEX[n] not in seen]
        if missing:
            raise ImportFailure(
                f"{source.where(1)}: is not {DESCRIPTION} with a header: it has no "
                f"{', '.join(missing)} column"
            )
        width = len(header)
        reader = csv.reader(source.lines, delimiter=delimiter)
        line = 1  # the header was line 1; the reader counts from the line after it
        while True:
            start = line + 1
            try:
                row = next(reader, None)
            except csv.Error as error:
                line = reader.line_num + 1
                self.tally.read += 1
                self.tally.bad(source.where(start), f"the row cannot be read as CSV: {error}")
                continue
            line = reader.line_num + 1
            if row is None:
                return
            if not row:
                continue
            if len(row) != width:
                self.tally.read += 1
                self.tally.bad(
                    source.where(start),
                    f"{len(row)} columns where the header has {width}",
                )
                continue
            fields = [""] * WIDTH
            for position, index in places:
                fields[index] = row[position]
            self.row(fields, source, start)

    # -- one row -----------------------------------------------------------------------------

    def row(self, f: list[str], source: TextInput, line: int) -> None:
        tally = self.tally
        tally.read += 1
        if len(f) != WIDTH:
            if len(f) == 1 and not f[0].strip():
                tally.read -= 1  # a blank line (the last one, often) is not a row
                return
            tally.bad(source.where(line), f"{len(f)} columns, not {WIDTH}")
            return
        gid = f[ID].strip()
        if not gid.isascii() or not gid.isdigit():
            tally.bad(source.where(line), f"GLOBALEVENTID {gid[:30]!r} is not a number")
            return
        day = self._day(f[SQLDATE].strip())
        if day is None:
            tally.bad(source.where(line), f"SQLDATE {f[SQLDATE][:30]!r} is not a date YYYYMMDD")
            return
        code = cameo.restore_zero(f[CODE].strip())
        coded = self._codes.get(code) or self._code(code)
        if coded is None:
            tally.bad(source.where(line), f"EventCode {f[CODE][:30]!r} is not a CAMEO code")
            return
        try:
            numbers = _numbers(f)
        except ValueError as error:
            tally.bad(source.where(line), str(error))
            return
        options = self.options
        if (
            (options.root_only and f[ROOT].strip() != "1")
            or (options.min_mentions and numbers.get("num_mentions", 0) < options.min_mentions)
            or not options.in_dates(day)
            or not options.in_countries(f[A1COUNTRY], f[A2COUNTRY])
        ):
            tally.filtered += 1
            return
        tally.kept += 1
        self.imported.events[f"gdelt-{gid}"] = self._event(f, gid, day, coded, numbers)

    def _event(
        self,
        f: list[str],
        gid: str,
        day: str,
        coded: tuple[str, str, dict[str, Any]],
        numbers: dict[str, Any],
    ) -> dict[str, Any]:
        phrase, plover_type, facts = coded
        actor = self._actor(f, A1CODE, A1NAME, A1COUNTRY, A1GROUP, A1TYPE)
        target = self._actor(f, A2CODE, A2NAME, A2COUNTRY, A2GROUP, A2TYPE)
        title = f"{actor[1] if actor else 'Unidentified actor'} {phrase}"
        if target:
            title += f" → {target[1]}"
        event: dict[str, Any] = {"id": f"gdelt-{gid}", "title": name_text(title), "date": day}
        if actor:
            event["actors"] = [actor[0]]
        if target:
            event["targets"] = [target[0]]
        if plover_type:
            event["type"] = plover_type
        place = name_text(f[GEO_NAME])
        if place:
            event["location"] = place
        url = f[SOURCEURL].strip()
        if url:
            source = self._outlets.get(url) or self._outlet(url)
            if source:
                event["sources"] = [source]
        extra = dict(facts)
        extra.update(numbers)
        extra["root_event"] = f[ROOT].strip() == "1"
        if f[GEO_FIPS]:
            extra["geo_fips"] = name_text(f[GEO_FIPS])
        if f[DATEADDED]:
            extra["date_added"] = name_text(f[DATEADDED])
        event["x_gdelt"] = extra
        return event

    def _day(self, text: str) -> str | None:
        if text in self._days:
            return self._days[text]
        day = None
        if len(text) == 8 and text.isascii() and text.isdigit():
            try:
                day = _dt.date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
            except ValueError:
                day = None
        if len(self._days) < 100_000:
            self._days[text] = day
        return day

    def _code(self, code: str) -> tuple[str, str, dict[str, Any]] | None:
        """The title's verb, PLOVER type and x_gdelt facts of an event code (remembered)."""
        if not code.isascii() or not code.isdigit() or not 2 <= len(code) <= 4:
            return None
        description = cameo.describe(code)
        phrase = cameo.third_person(description) if description else f"acts (CAMEO {code})"
        mapped = cameo.plover(code)
        facts: dict[str, Any] = {"cameo": code}
        if description:
            facts["cameo_text"] = description
        if mapped and mapped[1]:
            facts["plover_mode"] = mapped[1]
        if mapped and mapped[2]:
            facts["plover_context"] = mapped[2]
        coded = (phrase, mapped[0] if mapped else "", facts)
        self._codes[code] = coded
        return coded

    def _actor(
        self, f: list[str], code_at: int, name_at: int, country_at: int, group_at: int, type_at: int
    ) -> tuple[str, str] | None:
        """(actor id, name for titles) of one side of a row, made on first sight."""
        key = (f[code_at], f[name_at])
        if key in self._actors:
            return self._actors[key]
        code = name_text(f[code_at]).upper()
        raw_name = name_text(f[name_at])
        if not code and not raw_name:
            self._actors[key] = None
            return None
        name = title_case(raw_name) if raw_name else code
        ident = make_id("gdelt", f"{code} {raw_name}".strip())
        country = f[country_at].strip().upper()
        role = f[type_at].strip().upper()
        # The longest key the map names: the actor's own id, its code or a prefix of it
        # (KAZGOVMIL, KAZGOV), its country.
        prefixes = [code[:n] for n in range(len(code), 2, -3)]
        mapped = self.options.actor_map.actor(ident, *prefixes, country)
        if mapped is not None:
            self._actors[key] = (mapped, name)
            return self._actors[key]
        if ident not in self.imported.actors:
            record: dict[str, Any] = {"id": ident, "name": name, "kind": _kind(code, country, role)}
            if len(country) == 3 and country.isalpha() and country.isascii():
                record["country"] = country
            if role in cameo.ROLES:
                record["role"] = f"{cameo.ROLES[role][0]} ({role})"
            extra = {"code": code}
            if raw_name:
                extra["name"] = raw_name
            group = name_text(f[group_at])
            if group:
                extra["known_group"] = group
            record["x_gdelt"] = extra
            self.imported.actors[ident] = record
        self._actors[key] = (ident, name)
        return self._actors[key]

    def _outlet(self, url: str) -> str | None:
        """The source record of an article URL (or an outlet named instead of a URL, as
        GDELT does for some licensed sources), graded by the map's [outlets]."""
        text = name_text(url)
        if not text:
            return None
        host = host_of(text) if is_web_url(text) else None
        grade = self.options.actor_map.grade(host or text)
        ident = self.imported.outlet(text, grade, prefix="gdelt", host=host)
        if len(self._outlets) < 1_000_000:
            self._outlets[url] = ident
        return ident


def _is_header(line: str) -> bool:
    """Whether a first line is a header naming GLOBALEVENTID (a column, not a URL that
    happens to hold the word)."""
    lowered = line.lower()
    if "globaleventid" not in lowered:
        return False
    fields = lowered.replace("\t", ",").split(",")
    return any(field.strip().strip('"') == "globaleventid" for field in fields)


def _kind(code: str, country: str, role: str) -> str:
    if code and code == country:
        return "state"
    return cameo.ROLES.get(role, ("", "other"))[1]


def _numbers(f: list[str]) -> dict[str, Any]:
    """QuadClass, GoldsteinScale, NumMentions, NumSources, NumArticles, AvgTone and the
    action's coordinates, checked; ValueError names the column that is wrong."""
    out: dict[str, Any] = {}
    quad = f[QUAD].strip()
    if quad:
        if quad not in ("1", "2", "3", "4"):
            raise ValueError(f"QuadClass {quad[:20]!r} is not 1, 2, 3 or 4")
        out["quad_class"] = int(quad)
        out["quad"] = cameo.QUAD_CLASSES[int(quad)]
    for name, at, kind in (
        ("goldstein", GOLDSTEIN, float),
        ("num_mentions", MENTIONS, int),
        ("num_sources", NSOURCES, int),
        ("num_articles", NARTICLES, int),
        ("avg_tone", TONE, float),
        ("lat", GEO_LAT, float),
        ("long", GEO_LONG, float),
    ):
        text = f[at].strip()
        if text:
            out[name] = number(COLUMNS[at], text, kind)
    return out

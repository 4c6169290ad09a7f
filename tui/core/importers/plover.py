"""PLOVER event records (the PLOVER manual's "Data Fields" chapter): JSON Lines, one
record a line as the manual suggests, or a JSON array of records, read one record at a
time either way.

A record has ``id``, ``date`` (YYYY-MM-DD), ``actor`` and ``recipient`` (lists of entity
objects such as ``{"code": "USA"}``, or the manual's Wikidata-resolved blocks), ``event``
(one or more of the sixteen types), and optionally ``mode``, ``context``, ``event_text``,
``link`` (an identifier shared by related events), ``enddate`` and ``event_loc``.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Iterator
from typing import Any

from ..urls import is_web_url
from .common import (
    ImportedDocument,
    ImportFailure,
    Options,
    Tally,
    TextInput,
    clean,
    make_id,
    name_text,
    title_case,
)

DESCRIPTION = "a PLOVER JSON or JSON Lines file"
TYPES = {
    "AGREE": "agrees",
    "CONSULT": "consults",
    "SUPPORT": "supports",
    "CONCEDE": "concedes",
    "COOPERATE": "cooperates",
    "AID": "aids",
    "RETREAT": "retreats",
    "REQUEST": "requests",
    "ACCUSE": "accuses",
    "REJECT": "rejects",
    "THREATEN": "threatens",
    "PROTEST": "protests",
    "SANCTION": "sanctions",
    "MOBILIZE": "mobilizes",
    "COERCE": "coerces",
    "ASSAULT": "assaults",
}
RENAMED = {"DEMAND": "REQUEST"}  # the 2021 draft's name, REQUEST in PLOVER 2.0
MAX_RECORD = 1_000_000  # characters one record of a JSON array may take
_WIKIDATA = re.compile(r"Q[1-9][0-9]*\Z")
_COUNTRY = re.compile(r"[A-Z]{3}\Z")


def is_member(name: str) -> bool:
    return name.lower().endswith((".json", ".jsonl", ".ndjson", ".txt"))


class PloverImporter:
    """Reads PLOVER records into an ``ImportedDocument``: events ``plover-<id>``, one actor per
    distinct entity."""

    what = DESCRIPTION

    def __init__(self, options: Options, tally: Tally, imported: ImportedDocument) -> None:
        self.options = options
        self.tally = tally
        self.imported = imported
        self._actors: dict[str, str] = {}

    def member(self, name: str) -> bool:
        return is_member(name)

    def read(self, source: TextInput) -> None:
        lines = enumerate(source.lines, 1)
        for number, line in lines:
            text = line.strip()
            if not text:
                continue
            if text.startswith("["):
                records = _array(source, number, line, lines)
            else:
                records = _json_lines(number, line, lines)
            self._read_records(source, records)
            return
        raise ImportFailure(f"{source.name}: is empty: no PLOVER records")

    def _read_records(
        self, source: TextInput, records: Iterator[tuple[int, Any, str | None]]
    ) -> None:
        """Every record; the first one decides whether this is PLOVER at all."""
        first = True
        for line, record, problem in records:
            if first:
                first = False
                why = _not_plover(record, problem)
                if why:
                    raise ImportFailure(f"{source.where(line)}: is not {DESCRIPTION}: {why}")
            self.tally.read += 1
            if problem is not None:
                self.tally.bad(source.where(line), problem)
                continue
            self.record(record, source.where(line))

    def record(self, r: Any, where: str) -> None:
        tally = self.tally
        if not isinstance(r, dict):
            tally.bad(where, "a record must be a JSON object")
            return
        raw_id = r.get("id")
        if not isinstance(raw_id, (str, int)) or isinstance(raw_id, bool) or str(raw_id) == "":
            tally.bad(where, "the record has no id")
            return
        day = _day(r.get("date"))
        if day is None:
            tally.bad(where, f"date {_shown(r.get('date'))} is not a date YYYY-MM-DD")
            return
        end = None
        if r.get("enddate") not in (None, ""):
            end = _day(r.get("enddate"))
            if end is None or end < day:
                tally.bad(
                    where, f"enddate {_shown(r.get('enddate'))} is not a date on or after date"
                )
                return
        events = _strings(r.get("event")) or []
        actors = _entities(r.get("actor"))
        targets = _entities(r.get("recipient"))
        if actors is None or targets is None:
            tally.bad(where, "actor and recipient must be lists of entity objects or codes")
            return
        options = self.options
        countries = [_country_of(e) for e in actors + targets]
        if not options.in_dates(day) or not options.in_countries(*countries):
            tally.filtered += 1
            return
        tally.kept += 1
        ident = make_id("plover", str(raw_id))
        self.imported.events[ident] = self._event(r, ident, day, end, events, actors, targets)

    def _event(
        self,
        r: dict[str, Any],
        ident: str,
        day: str,
        end: str | None,
        events: list[str],
        actors: list[dict[str, Any]],
        targets: list[dict[str, Any]],
    ) -> dict[str, Any]:
        actor_ids = [self._actor(e) for e in actors]
        target_ids = [self._actor(e) for e in targets]
        plover_type = next(
            (
                RENAMED.get(e.upper(), e.upper())
                for e in events
                if RENAMED.get(e.upper(), e.upper()) in TYPES
            ),
            None,
        )
        modes = _strings(r.get("mode")) or []
        who = " and ".join(_name(e) for e in actors) or "Unidentified actor"
        verb = TYPES.get(plover_type or "", "acts")
        if len(actors) > 1:
            verb = verb[:-1]  # "Belarus and Kazakhstan cooperate"
        title = f"{who} {verb}" + (f" ({', '.join(modes)})" if modes else "")
        if targets:
            title += " → " + " and ".join(_name(e) for e in targets)
        event: dict[str, Any] = {
            "id": ident,
            "title": name_text(title) or ident,
            "date": f"{day}/{end}" if end and end != day else day,
        }
        texts = _strings(r.get("event_text")) or []
        summary = clean("\n\n".join(texts))
        if summary:
            event["summary"] = summary
        if actor_ids:
            event["actors"] = list(dict.fromkeys(actor_ids))
        if target_ids:
            event["targets"] = list(dict.fromkeys(target_ids))
        if plover_type:
            event["type"] = plover_type
        place = r.get("event_loc")
        if isinstance(place, dict):
            shown = name_text(
                str(place.get("resolved_place") or place.get("extracted_place") or "")
            )
            if shown:
                event["location"] = shown
        link = r.get("link")
        if isinstance(link, str) and is_web_url(link.strip()):
            event["sources"] = [
                self.imported.outlet(
                    link.strip(), self.options.actor_map.grade(link), prefix="plover"
                )
            ]
        extra: dict[str, Any] = {"id": name_text(str(r["id"]))}
        if events:
            extra["event"] = [name_text(e) for e in events]
        if modes:
            extra["mode"] = [name_text(m) for m in modes]
        contexts = _strings(r.get("context"))
        if contexts:
            extra["context"] = [name_text(c) for c in contexts]
        for key in ("link", "quad_code", "event_scale", "coder", "comment"):
            value = r.get(key)
            if isinstance(value, str) and name_text(value):
                extra[key] = name_text(value)
            elif (
                isinstance(value, (int, float))
                and not isinstance(value, bool)
                and -1e9 < value < 1e9
            ):
                extra[key] = value
        event["x_plover"] = extra
        return event

    def _actor(self, entity: dict[str, Any]) -> str:
        name = _name(entity)
        code = _text(entity.get("code"))
        key = f"{code}\x00{name}"
        if key in self._actors:
            return self._actors[key]
        ident = make_id("plover", f"{code} {name}".strip() if code != name else name)
        country = _country_of(entity)
        mapped = self.options.actor_map.actor(ident, code, name, country)
        if mapped is not None:
            self._actors[key] = mapped
            return mapped
        if ident not in self.imported.actors:
            sector = _text(entity.get("sector_code")).upper()
            kind = "state" if code and code == country and not sector else "other"
            record: dict[str, Any] = {"id": ident, "name": name, "kind": kind}
            if _COUNTRY.match(country):
                record["country"] = country
            role = _text(entity.get("wiki_description"))
            if role or sector:
                record["role"] = role or sector
            wikidata = _text(entity.get("wikidata_id"))
            if _WIKIDATA.match(wikidata):
                record["wikidata"] = wikidata
            extra = {
                k: name_text(v)
                for k, v in entity.items()
                if isinstance(k, str) and isinstance(v, str) and name_text(v)
            }
            if extra:
                record["x_plover"] = extra
            self.imported.actors[ident] = record
        self._actors[key] = ident
        return ident


def _not_plover(record: Any, problem: str | None) -> str | None:
    """Why the first record says this is not PLOVER at all (then nothing is read)."""
    if problem is not None:
        return problem
    if not isinstance(record, dict):
        return "its first record is not a JSON object"
    if record.get("format") == "faultline/1" or "actors" in record:
        return "this is a faultline/1 document; use it with --data as it is"
    if "date" not in record or "event" not in record:
        return "its first record has no date and event"
    return None


def _json_lines(
    number: int, line: str, lines: Iterator[tuple[int, str]]
) -> Iterator[tuple[int, Any, str | None]]:
    yield _decode(number, line)
    for number, line in lines:
        if line.strip():
            yield _decode(number, line)


def _decode(number: int, line: str) -> tuple[int, Any, str | None]:
    try:
        return number, json.loads(line), None
    except json.JSONDecodeError as error:
        return number, None, f"not JSON: {error.msg} (column {error.colno})"
    except RecursionError:
        return number, None, "not JSON: nested too deeply"


def _array(
    source: TextInput, number: int, line: str, lines: Iterator[tuple[int, str]]
) -> Iterator[tuple[int, Any, str | None]]:
    """The records of a JSON array, decoded one at a time as the text arrives: the
    array itself is never held whole."""
    decoder = json.JSONDecoder()
    buffer = line[line.index("[") + 1 :]
    pos = 0  # where the next record starts in buffer: never sliced off one at a time,
    # which made an array written on one line (json.dumps) quadratic: 75 s at 100,000
    at = number  # the line where the record at pos starts
    done = False
    while True:
        between = _BETWEEN.match(buffer, pos)
        skipped = between.end() if between else pos
        at += buffer.count("\n", pos, skipped)
        pos = skipped
        if buffer.startswith("]", pos):
            return
        try:
            record, end = decoder.raw_decode(buffer, pos)
        except json.JSONDecodeError as error:
            if done or len(buffer) - pos > MAX_RECORD:
                broken_at = at + buffer.count("\n", pos, error.pos)
                line_start = max(buffer.rfind("\n", pos, error.pos) + 1, pos)
                raise ImportFailure(
                    f"{source.where(at)}: the JSON array cannot be read from the record that "
                    f"starts here: {error.msg} (line {broken_at}, column "
                    f"{error.pos - line_start + 1})"
                ) from None
            following = next(lines, None)
            if following is None:
                done = True
            else:
                buffer = buffer[pos:] + following[1]
                pos = 0
            continue
        except RecursionError:
            raise ImportFailure(f"{source.where(at)}: the JSON is nested too deeply") from None
        yield at, record, None
        at += buffer.count("\n", pos, end)
        pos = end


_BETWEEN = re.compile(r"[ \t\r\n,]*")  # what separates two records of an array


def _day(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip()[:10]
    try:
        return _dt.date.fromisoformat(text).isoformat() if len(text) == 10 else None
    except ValueError:
        return None


def _strings(value: Any) -> list[str] | None:
    """A field the manual allows to hold one value or a list of them, as a list of text."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return None


def _entities(value: Any) -> list[dict[str, Any]] | None:
    """actor/recipient: a list of entity objects (or of codes, or one of either)."""
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else [value]
    out: list[dict[str, Any]] = []
    for item in items:
        entity = {"code": item} if isinstance(item, str) else item
        if not isinstance(entity, dict):
            return None
        if _name(entity):
            out.append(entity)
    return out


def _text(value: Any) -> str:
    return name_text(value) if isinstance(value, str) else ""


def _name(entity: dict[str, Any]) -> str:
    for key in ("entity_name", "raw_text", "country_name", "code"):
        text = _text(entity.get(key))
        if text:
            return title_case(text) if key == "raw_text" else text
    return ""


def _country_of(entity: dict[str, Any]) -> str:
    code = _text(entity.get("code")).upper()
    return code[:3] if len(code) >= 3 and code[:3].isalpha() else ""


def _shown(value: Any) -> str:
    return clean(repr(value), 40)

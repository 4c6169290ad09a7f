"""The JSON Schema (draft 2020-12) of a faultline/1 document, for editors: taplo and Even
Better TOML check and complete TOML with it (``#:schema`` directive), JSON editors through
``$schema``.

It is made from ``schema.py``, the reader's own description of a document (its record
specs, required keys, and the ``SHAPES`` each converter registers: enumerations,
patterns, ranges, limits), so the two cannot drift apart; only the descriptions are
written here. A copy ships in the package (``faultline-1.schema.json``, checked equal by a
test) and ``faultline schema`` prints it. What a schema cannot say (a name made only of
invisible characters, a day that does not exist in its month, duplicate ids, references
to nothing) the reader still checks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .model import FORMAT
from .schema import (
    ACTOR_FIELDS,
    CITATION_FIELDS,
    DISAGREEMENT_FIELDS,
    ENTITY_LIMIT,
    EVENT_FIELDS,
    ID_RE,
    META_FIELDS,
    POSITION_FIELDS,
    SHAPES,
    SOURCE_FIELDS,
    TOP_POSITION_FIELDS,
    TOP_POSITION_REQUIRED,
    Converter,
)

DIALECT = "https://json-schema.org/draft/2020-12/schema"
FILE_NAME = "faultline-1.schema.json"
SHIPPED = Path(__file__).with_name(FILE_NAME)

# One date of the EDTF subset: year 0001-9999, then optionally month and day, then a
# qualifier. No lookahead: taplo's regex engine has none.
_YEAR = "(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
_MONTH = "(?:0[1-9]|1[0-2])"
_DAY = "(?:0[1-9]|[12][0-9]|3[01])"
_ONE = f"{_YEAR}(?:-{_MONTH}(?:-{_DAY})?)?[?~%]?"
DATE_PATTERN = f"^(?:{_ONE}|{_ONE}/{_ONE}|\\.\\./{_ONE}|{_ONE}/\\.\\.)$"

_STANCES = (
    "The answer to the disagreement's question: support, oppose, mixed, neutral, or "
    "unknown (the honest value where the source is silent)."
)
_CITATIONS = (
    "Citations: each a source id, or an inline table { id, locator, credibility } "
    "(credibility: the Admiralty grade of the information, 1 confirmed to 6 cannot be judged)."
)

# key -> description, and (table, key) where one table means something else by it.
DESCRIPTIONS: dict[str | tuple[str, str], str] = {
    "id": "Identifier: lower-case letters, digits, '.', '_' and '-', starting with a letter "
    "or digit, at most 64 characters; unique per kind.",
    "title": "Shown as the entity's name; at most 300 characters.",
    "name": "The actor's name; at most 300 characters.",
    "summary": "A few sentences in your words.",
    ("meta", "title"): "The dossier's title, shown in the dashboard's header.",
    ("meta", "summary"): "What the dossier is about, shown in the header.",
    ("meta", "as_of"): "When the dossier was last brought up to date.",
    "url": "http or https; no white space, quotes, backquotes, backslashes or angle brackets.",
    "publisher": "Who published the source.",
    "published": "When the source was published.",
    ("sources", "kind"): "What the source is: analysis, news, statement, official, dataset, other.",
    "reliability": "Admiralty grade of the source: A completely reliable, B usually reliable, "
    "C fairly reliable, D not usually reliable, E unreliable, F reliability cannot be judged "
    "(assumed when absent).",
    ("actors", "kind"): "What the actor is: state, person, party, organisation, company, bloc, "
    "group, other.",
    "aliases": "Other names and spellings; the dashboard's filter matches them.",
    "country": "ISO 3166-1 alpha-3 code, three capital letters: KAZ.",
    "role": "The actor's role: 'President of Kazakhstan'.",
    "member_of": "Ids of the actors this one belongs to (a leader: the state and the party).",
    "wikidata": "A Wikidata item: Q and digits, Q232.",
    "tags": "Free labels.",
    "question": "The proposition the positions' stances answer: 'Should the Union gain "
    "political institutions?'",
    ("disagreements", "status"): "open (the default), escalating, easing, resolved, dormant.",
    "since": "When the disagreement began.",
    "topics": "Free labels, e.g. PLOVER contexts: economic, political_institutions.",
    "positions": "The actors' positions on this question; a change of stance is a new "
    "position with a later as_of.",
    "disagreement": "Id of the disagreement whose question this stance answers.",
    "actor": "Id of the actor holding the position.",
    "stance": _STANCES,
    ("positions", "as_of"): "When the actor held this stance; a position without one is older "
    "than every dated one. One actor's positions on one disagreement differ in as_of.",
    "score": "From -3 (strongly oppose) to +3 (strongly support).",
    "salience": "0 to 10: how much the question matters to the actor.",
    "confidence": "Your confidence as the analyst: low, moderate, high.",
    ("positions", "quote"): "The actor's own words, verbatim, as the cited source gives them.",
    ("events", "quote"): "Words said or written in the event, verbatim, from the cited source.",
    "date": "When it happened or is expected.",
    "date_text": "How the source put the date: 'last September'.",
    "actors": "Ids of the actors who acted.",
    "targets": "Ids of the actors it was aimed at.",
    "disagreements": "Ids of the disagreements it bears on.",
    ("events", "type"): "PLOVER event type: AGREE, CONSULT, SUPPORT, CONCEDE, COOPERATE, AID, "
    "RETREAT, REQUEST, ACCUSE, REJECT, THREATEN, PROTEST, SANCTION, MOBILIZE, COERCE, ASSAULT.",
    ("events", "status"): "reported (the default), planned, expected, hypothetical.",
    "likelihood": "For an event that has not happened, an ICD 203 term: almost no chance, very "
    "unlikely, unlikely, roughly even chance, likely, very likely, almost certain.",
    "location": "Where it happened.",
    "sources": _CITATIONS,
    ("citation", "id"): "Id of the source cited.",
    "locator": "Where in the source: 'para 2', 'bullet 4'.",
    "credibility": "Admiralty grade of this piece of information: 1 confirmed, 2 probably "
    "true, 3 possibly true, 4 doubtful, 5 improbable, 6 cannot be judged.",
}

_DATE = {
    "type": "string",
    "pattern": DATE_PATTERN,
    "description": "A date: '2013-01-18' (or a bare TOML date), '2012-09', '2025', with "
    "'?', '~' or '%' for uncertain, approximate or both, or an interval '2013-01/2025', "
    "'../2025' (by 2025), '2014-05/..'. In TOML, all but a whole day are quoted.",
}


def _pattern(regex: re.Pattern[str]) -> str:
    """The reader's regex as a whole-string JSON Schema pattern (ECMA 262, and taplo's)."""
    body = regex.pattern.removesuffix(r"\Z")
    if regex.flags & re.IGNORECASE:  # only the URL rule: its scheme, either case
        body = body.replace("https?", "[hH][tT][tT][pP][sS]?", 1)
    return f"^{body}$"


def _value(convert: Converter) -> dict[str, Any]:
    return _plain(SHAPES[convert])


def _plain(shape: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for keyword, value in shape.items():
        if isinstance(value, re.Pattern):
            out[keyword] = _pattern(value)
        elif isinstance(value, dict):
            out[keyword] = _plain(value)
        else:
            out[keyword] = value
    return out


def _table(
    name: str, spec: dict[str, Converter], required: tuple[str, ...], description: str
) -> dict[str, Any]:
    properties = {}
    for key, convert in spec.items():
        value = _value(convert)
        text = DESCRIPTIONS.get((name, key)) or DESCRIPTIONS.get(key)
        if text:
            if "$ref" in value:  # 2020-12 allows siblings of $ref
                value = {**value, "description": text}
            else:
                value["description"] = text
        properties[key] = value
    table: dict[str, Any] = {"type": "object", "description": description}
    if required:
        table["required"] = list(required)
    table["properties"] = properties
    table["patternProperties"] = {"^x_": {"description": "An extension value, kept as it is."}}
    table["additionalProperties"] = False
    return table


def _array(ref: str, description: str) -> dict[str, Any]:
    return {
        "type": "array",
        "description": description,
        "items": {"$ref": f"#/$defs/{ref}"},
        "maxItems": ENTITY_LIMIT,
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema of faultline/1, as a JSON-ready dict."""
    from .schema import KINDS

    required = {cls.__name__: needed for _, cls, _, needed in KINDS}
    defs = {
        "id": {
            "type": "string",
            "pattern": _pattern(ID_RE),
            "maxLength": 64,
            "description": DESCRIPTIONS["id"],
        },
        "date": _DATE,
        "citation": {
            "description": _CITATIONS,
            "anyOf": [
                {"$ref": "#/$defs/id"},
                _table("citation", CITATION_FIELDS, ("id",), "A citation with its details."),
            ],
        },
        "meta": _table("meta", META_FIELDS, (), "The dossier's header."),
        "source": _table("sources", SOURCE_FIELDS, required["Source"], "Where claims come from."),
        "actor": _table(
            "actors", ACTOR_FIELDS, required["Actor"], "A state, person, party, organisation…"
        ),
        "disagreement": _table(
            "disagreements",
            DISAGREEMENT_FIELDS,
            required["Disagreement"],
            "A contested question, with the positions actors take on it.",
        ),
        "position": _table(
            "positions",
            POSITION_FIELDS,
            ("actor", "stance"),
            "One actor's stance on the disagreement's question at one time.",
        ),
        "top_position": _table(
            "positions",
            TOP_POSITION_FIELDS,
            TOP_POSITION_REQUIRED,
            "A position written at the top level: it names its disagreement, and can be "
            "appended anywhere without attaching itself to the wrong one.",
        ),
        "event": _table("events", EVENT_FIELDS, required["Event"], "One event of the timeline."),
    }
    return {
        "$schema": DIALECT,
        "title": f"{FORMAT} document",
        "description": "A Faultline dossier: who disagrees with whom, about what, and since "
        "when. Every key is described in Faultline's docs/format.md.",
        "type": "object",
        "properties": {
            "$schema": {"type": "string", "description": "The JSON Schema this document follows."},
            "format": {
                "const": FORMAT,
                "description": f'The format: "{FORMAT}"; optional in a file, required in a feed.',
            },
            "meta": {"$ref": "#/$defs/meta"},
            "sources": _array("source", "Where the claims come from."),
            "actors": _array("actor", "States, people, parties, organisations, companies…"),
            "disagreements": _array("disagreement", "Contested questions."),
            "positions": _array(
                "top_position",
                "Positions written apart from their disagreement, each naming it.",
            ),
            "events": _array("event", "The timeline."),
        },
        "patternProperties": {"^x_": {"description": "Checked, then not kept."}},
        "additionalProperties": False,
        "$defs": defs,
    }


def schema_text() -> str:
    """The schema as the text shipped and printed: two-space indent, a final newline."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


__all__ = ["DATE_PATTERN", "FILE_NAME", "SHIPPED", "json_schema", "schema_text"]

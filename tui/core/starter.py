"""A new dossier to start from (``faultline new``): one of each kind, every optional key
shown commented out with what it takes, the schema directive at the top so an editor
checks and completes as you type. It validates as written, warnings and all.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from .atomic import create_beside
from .authoring import toml_string
from .formatschema import FILE_NAME, schema_text
from .model import FORMAT
from .text import sanitise

TEMPLATE = """\
#:schema ./{schema}
# {title_comment}
#
# A faultline/1 dossier. Every key, enumeration and date form is described in Faultline's
# docs/format.md; `faultline validate THIS_FILE` checks it, `faultline --data THIS_FILE`
# shows it. Keys commented out (# key = …) are optional: remove the "# " to use one.
# To record a fact without editing by hand: `faultline add position|event|actor|source`.

format = "{format}"

[meta]
title = {title}
# summary = "What this dossier follows, in a sentence or two."
as_of = {today}

# Where the claims come from. Cite a source by its id wherever `sources` appears.
[[sources]]
id = "example-source"
title = "The article, report or statement you read"
# url = "https://example.org/the-article"
# publisher = "Who published it"
# published = {today}
# kind = "analysis"        # analysis, news, statement, official, dataset, other
# reliability = "B"        # Admiralty: A completely reliable … E unreliable, F cannot be judged

# Who: states, people, parties, organisations, companies, blocs, groups.
[[actors]]
id = "example-state"
name = "Example State"
kind = "state"             # state, person, party, organisation, company, bloc, group, other
# aliases = ["Another name", "A spelling"]
# country = "KAZ"          # ISO 3166-1 alpha-3
# role = "What it does here"
# member_of = ["another-actor-id"]
# wikidata = "Q232"
# summary = "A sentence or two."
# tags = ["label"]

[[actors]]
id = "example-leader"
name = "Example Leader"
kind = "person"
member_of = ["example-state"]

# What is contested: a question the actors' stances answer.
[[disagreements]]
id = "example-question"
title = "The question in a few words"
question = "Should … ?"
# summary = "Why it matters."
# status = "open"          # open, escalating, easing, resolved, dormant
# since = "2012-09"        # a month, year or interval date is quoted; a whole day need not be
# topics = ["economic"]
# sources = ["example-source"]

# Who stands where, as of when. A change of stance is a NEW position with a later
# as_of: keep the old one, it is the history.
[[positions]]
disagreement = "example-question"
actor = "example-state"
stance = "unknown"         # support, oppose, mixed, neutral, unknown
as_of = {today}
sources = ["example-source"]
# score = 0                # -3 strongly oppose … +3 strongly support
# salience = 5             # 0-10: how much it matters to the actor
# confidence = "moderate"  # your confidence: low, moderate, high
# summary = "What the source says the actor holds."
# quote = "The actor's own words, verbatim."

# What happened, or is expected to.
[[events]]
id = "example-event"
title = "What happened, in a line"
date = {today}
actors = ["example-leader"]
disagreements = ["example-question"]
sources = [{{ id = "example-source", locator = "para 1", credibility = 3 }}]
# date_text = "last September"   # the source's own words for the date
# summary = "A sentence or two."
# targets = ["another-actor-id"]
# type = "CONSULT"         # PLOVER: AGREE, CONSULT, SUPPORT, CONCEDE, COOPERATE, AID, RETREAT,
#                          # REQUEST, ACCUSE, REJECT, THREATEN, PROTEST, SANCTION, MOBILIZE,
#                          # COERCE, ASSAULT
# status = "reported"      # reported, planned, expected, hypothetical
# likelihood = "likely"    # for what has not happened: almost no chance, very unlikely,
#                          # unlikely, roughly even chance, likely, very likely, almost certain
# location = "Where"
# quote = "Words said in the event, verbatim."
"""


def starter(title: str, today: datetime.date | None = None) -> str:
    """The text of a new dossier titled ``title``, dated ``today``."""
    day = (today or datetime.date.today()).isoformat()
    one_line = " ".join(sanitise(title)[0].split()) or "New dossier"  # a comment line too
    return TEMPLATE.format(
        schema=FILE_NAME,
        title_comment=one_line,
        format=FORMAT,
        title=toml_string(one_line),
        today=day,
    )


def create_new(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, which must not exist: FileExistsError if it does (also
    when it appears meanwhile). Written beside it and linked into place, so the file is
    never seen half-written and nothing is ever overwritten."""
    path = Path(path)
    fd, temp = create_beside(path, None)  # the mode a new file gets (umask)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temp, path)  # fails, rather than replaces, if the path exists
    finally:
        os.unlink(temp)


def write_starter(path: Path, title: str) -> list[Path]:
    """Create the starter dossier at ``path`` and, if missing, the schema its directive
    names beside it. The paths written; FileExistsError if ``path`` exists."""
    create_new(path, starter(title))
    written = [path]
    schema = path.parent / FILE_NAME
    try:
        create_new(schema, schema_text())
    except FileExistsError:
        pass  # one from an earlier dossier: kept
    else:
        written.append(schema)
    return written


__all__ = ["create_new", "starter", "write_starter"]

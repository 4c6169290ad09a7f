"""How stances move: the world as of a date, and who moved between two dates.

The rule for imprecise dates, everywhere (time travel, ``since``, ``diff``, exports):

* A position **counts from its earliest possible day**: ``2013-05`` from 1 May 2013,
  ``2013`` from 1 January 2013, ``../2025`` ("by 2025") from 1 January 2025, as it
  sorts (``EDate.sort_key``). An undated position is older than every dated one and
  counts always (spec: positions).
* **As of** a date means at the end of its **last** possible day: as of ``2013`` is the
  world on 31 December 2013; as of ``2013-01-01`` includes what was said that day. An
  interval open at the end (``2013/..``) is taken at its start's last day.
* **Since** a date means from its **first** possible day: since ``2025`` compares the
  world on 31 December 2024 (the day before) with now (or with ``until``, taken as an
  as-of date).

An actor's stance as of a day is its latest position that counts by then (the order of
``Disagreement.current``). A *move* is a stance that differs between the two days,
including a first stance taken (from no position). Pure core: no Textual, no Rich.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

from .dates import EDate
from .merge import Dataset
from .model import Disagreement, Position
from .records import record

# The one glyph of each stance, wherever it shows (matrix, tallies, brief, diff).
STANCE_GLYPH = {"support": "▲", "oppose": "▼", "mixed": "◆", "neutral": "●", "unknown": "?"}
# No position at all on one side of a move: "·→▲" is a first stance taken.
NO_STANCE = "·"
_DAY = datetime.timedelta(days=1)
# The dataset's caches that time travel leaves as they are: events do not move.
_KEPT_CACHES = ("timeline", "events_by_actor", "events_by_disagreement", "members")


def as_of_day(date: EDate) -> datetime.date:
    """The last day ``date`` can mean: where "as of ``date``" is taken."""
    if date.latest is not None:
        return date.latest
    return date.start.latest if date.start is not None and date.start.latest else date.earliest


def since_day(date: EDate) -> datetime.date:
    """The day before ``date`` can begin: the "before" side of "since ``date``"."""
    return date.earliest - _DAY if date.earliest > datetime.date.min else date.earliest


def counts_by(position: Position, day: datetime.date | None) -> bool:
    """Whether ``position`` had been taken by the end of ``day`` (None: now)."""
    return day is None or position.as_of is None or position.as_of.earliest <= day


def stances_on(disagreement: Disagreement, day: datetime.date | None) -> dict[str, Position]:
    """Each actor's stance on ``disagreement`` as of the end of ``day`` (None: now)."""
    if day is None:
        return disagreement.current()
    latest: dict[str, Position] = {}
    for p in disagreement.positions:
        if p.as_of is not None and p.as_of.earliest > day:
            continue
        held = latest.get(p.actor)
        if held is None or p.order_key > held.order_key:
            latest[p.actor] = p
    return latest


def stance_as_of(disagreement: Disagreement, actor: str, date: EDate | None) -> Position | None:
    """``actor``'s stance on ``disagreement`` as of ``date`` (None: now), or None."""
    return stances_on(disagreement, None if date is None else as_of_day(date)).get(actor)


def disagreement_as_of(disagreement: Disagreement, day: datetime.date) -> Disagreement:
    """``disagreement`` with only the positions taken by the end of ``day``."""
    kept = tuple(p for p in disagreement.positions if counts_by(p, day))
    if len(kept) == len(disagreement.positions):
        return disagreement
    return dataclasses.replace(disagreement, positions=kept)


def dataset_as_of(dataset: Dataset, date: EDate, *, events: bool = False) -> Dataset:
    """The dataset as it stood as of ``date``: every disagreement with only the positions
    taken by then, so its tally, current stances and history are those of that day.

    Events stay (the dashboard dims the later ones), unless ``events``: then reported
    events that begin after the day are left out, as a brief written then would not
    have them; planned, expected and hypothetical ones stay, as they were expected.
    The event indexes already built are shared, not rebuilt (when events stay)."""
    day = as_of_day(date)
    disagreements = {
        ident: disagreement_as_of(d, day) for ident, d in dataset.disagreements.items()
    }
    if events:
        kept = {
            ident: e
            for ident, e in dataset.events.items()
            if not (e.is_reported and e.date.earliest > day)
        }
        return dataclasses.replace(dataset, disagreements=disagreements, events=kept)
    travelled = dataclasses.replace(dataset, disagreements=disagreements)
    for cache in _KEPT_CACHES:
        if cache in dataset.__dict__:
            travelled.__dict__[cache] = dataset.__dict__[cache]
    return travelled


def is_later(date: EDate, day: datetime.date) -> bool:
    """Whether an event dated ``date`` begins after ``day`` (had not happened by then)."""
    return date.earliest > day


@record(slots=True)
class Move:
    """One actor's stance on one disagreement that differs between two days."""

    disagreement: Disagreement
    actor: str
    before: Position | None
    after: Position

    @property
    def glyphs(self) -> str:
        """``▼→◆``; ``·→▲`` for a first stance."""
        old = STANCE_GLYPH[self.before.stance] if self.before is not None else NO_STANCE
        return f"{old}→{STANCE_GLYPH[self.after.stance]}"

    def describe(self, name: str) -> str:
        """``Venezuela: stance ◆ mixed → ▼ oppose (as of 2025-05-01)``."""
        return f"{name}: " + stance_change(self.before, self.after)


def stance_text(position: Position | None) -> str:
    """``◆ mixed``, or ``no position``."""
    if position is None:
        return "no position"
    return f"{STANCE_GLYPH[position.stance]} {position.stance}"


def stance_change(before: Position | None, after: Position) -> str:
    """``stance ◆ mixed → ▼ oppose (as of 2025-05-01)``."""
    text = f"stance {stance_text(before)} → {stance_text(after)}"
    return text + (f" (as of {after.as_of.text})" if after.as_of is not None else "")


def moves(
    dataset: Dataset, since: EDate, until: EDate | None = None
) -> dict[tuple[str, str], Move]:
    """Every stance that moved since ``since`` (until ``until``, else now), by
    (disagreement, actor), in the dataset's disagreement order then the actors' order of
    first position. A new position with the same stance is not a move."""
    before_day = since_day(since)
    after_day = None if until is None else as_of_day(until)
    out: dict[tuple[str, str], Move] = {}
    for disagreement in dataset.disagreements.values():
        if not disagreement.positions:
            continue
        before = stances_on(disagreement, before_day)
        after = stances_on(disagreement, after_day)
        for actor, position in after.items():
            old = before.get(actor)
            if old is None or old.stance != position.stance:
                out[(disagreement.id, actor)] = Move(disagreement, actor, old, position)
    return out


# Fields of a position worth saying "old → new" about, in the order said.
_POSITION_FIELDS = ("stance", "confidence", "score", "salience", "summary", "quote", "as_of")


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, EDate):
        return value.text
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def position_field_changes(before: Position, after: Position) -> list[str]:
    """``confidence moderate → high``, ``stance ◆ mixed → ▼ oppose``: what differs
    between two positions, field by field (sources: "sources changed")."""
    out = []
    for name in _POSITION_FIELDS:
        old, new = getattr(before, name), getattr(after, name)
        if old == new:
            continue
        if name == "stance":
            out.append(f"stance {stance_text(before)} → {stance_text(after)}")
        else:
            out.append(f"{name} {_shown(old)} → {_shown(new)}")
    if before.sources != after.sources:
        out.append("sources changed")
    return out


def stance_changes(
    before: Disagreement, after: Disagreement, name: Callable[[str], str] = str
) -> list[str]:
    """What moved in one disagreement between two versions of it, actor by actor, as
    people say it: ``United States on Sovereignty over Essequibo: confidence moderate →
    high``; ``Venezuela: stance ◆ mixed → ▼ oppose (as of 2025-05-01)``. Each actor's
    current position before is compared with its current position after; ``name``
    gives an actor's name from its id (default: the id)."""
    old, new = before.current(), after.current()
    out = []
    for actor, position in new.items():
        who = name(actor)
        previous = old.get(actor)
        if previous is None:
            out.append(f"{who}: {stance_change(None, position)}")
        elif previous.stance != position.stance:
            out.append(f"{who}: {stance_change(previous, position)}")
        else:
            fields = position_field_changes(previous, position)
            if fields:
                out.append(f"{who} on {after.title}: {'; '.join(fields)}")
    for actor, previous in old.items():
        if actor not in new:
            out.append(f"{name(actor)}: position {stance_text(previous)} removed")
    return out

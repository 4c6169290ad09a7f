"""Exporting the merged dataset: faultline/1 JSON or TOML (which read back to the same
dataset and so serve as feeds), a Markdown brief, and the timeline as CSV."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import tomli_w

from .alignment import EXPLANATION, Agreement, Alignment, current_stances
from .dates import EDate
from .formats import FORMATS, POSITION_FORMS
from .merge import Dataset
from .model import (
    FORMAT,
    Actor,
    Citation,
    Disagreement,
    Event,
    Extras,
    Kind,
    Meta,
    Position,
    Source,
)
from .movement import STANCE_GLYPH, Move, dataset_as_of, moves
from .notes import NOTE_KINDS, Notes
from .text import counted

# In the meta of an export made with --allow-partial: the files and feeds asked for that
# could not be read, so whoever reads the export knows it is not the whole dossier.
MISSING_LAYERS = "x_missing_layers"


def mark_missing(dataset: Dataset, missing: list[str]) -> Dataset:
    """``dataset`` with its meta naming the ``missing`` files and feeds (a new dataset)."""
    extra = Extras({**dataset.meta.extra, MISSING_LAYERS: list(missing)})
    return dataclasses.replace(dataset, meta=dataclasses.replace(dataset.meta, extra=extra))


def as_of_export(dataset: Dataset, date: EDate) -> Dataset:
    """The dataset as it stood as of ``date`` (``movement.dataset_as_of``, reported events
    after it left out), its meta's ``as_of`` saying so."""
    travelled = dataset_as_of(dataset, date, events=True)
    return dataclasses.replace(travelled, meta=dataclasses.replace(dataset.meta, as_of=date))


# -- faultline/1 ----------------------------------------------------------------------------


def _value(value: Any) -> Any:
    if isinstance(value, EDate):
        return value.text
    if isinstance(value, Citation):
        if value.is_plain:
            return value.source
        out: dict[str, Any] = {"id": value.source}
        if value.locator is not None:
            out["locator"] = value.locator
        if value.credibility is not None:
            out["credibility"] = value.credibility
        out.update(value.extra)
        return out
    if isinstance(value, Position):
        return _record(value)
    if isinstance(value, tuple):
        return [_value(v) for v in value]
    return value


# Fields that say where a record was written, not what it says. A position's
# ``disagreement`` is written by ``_top_position`` where the position stands alone.
_BOOKKEEPING = frozenset({"extra", "origin", "replaced", "disagreement"})


def _record(entity: Any) -> dict[str, Any]:
    """An entity as a document table: fields in spec order, absent and empty ones left out."""
    out: dict[str, Any] = {}
    for name in entity.__dataclass_fields__:
        if name in _BOOKKEEPING:
            continue
        value = getattr(entity, name)
        if value is None or value == ():
            continue
        out[name] = _value(value)
    out.update(entity.extra)
    return out


def _top_position(disagreement: str, position: Position) -> dict[str, Any]:
    return {"disagreement": disagreement, **_record(position)}


def to_document(dataset: Dataset, positions: str = "nested") -> dict[str, Any]:
    """The dataset as a faultline/1 document. ``positions``: ``nested`` writes each
    position under its disagreement, ``top`` as top-level ``positions`` (either reads
    back to the same dataset). Positions whose disagreement no layer defines are always
    written at the top level."""
    if positions not in POSITION_FORMS:
        raise ValueError(f"positions must be one of {POSITION_FORMS}, not {positions!r}")
    document: dict[str, Any] = {"format": FORMAT}
    meta = _record(dataset.meta)
    if meta:
        document["meta"] = meta
    top: list[dict[str, Any]] = []
    for kind in Kind:
        entities = dataset.table(kind).values()
        if not entities:
            continue
        if kind is Kind.DISAGREEMENT and positions == "top":
            records = []
            for disagreement in dataset.disagreements.values():
                records.append(_record(dataclasses.replace(disagreement, positions=())))
                top += (_top_position(disagreement.id, p) for p in disagreement.positions)
            document[kind.value] = records
        else:
            document[kind.value] = [_record(e) for e in entities]
    top += (_top_position(d, p) for (d, _, _), p in dataset.stray_positions.items())
    if top:
        document["positions"] = top
    return document


def _json_default(value: Any) -> str:
    """TOML dates and times in x_* values: JSON has no such type, so they become text."""
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json(dataset: Dataset, positions: str = "nested") -> str:
    document = to_document(dataset, positions)
    return json.dumps(document, ensure_ascii=False, indent=2, default=_json_default) + "\n"


def _drop_nulls(value: Any) -> Any:
    """TOML has no null: a JSON extension value of null has nothing to say there."""
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value if v is not None]
    return value


def to_toml(dataset: Dataset, positions: str = "nested") -> str:
    return tomli_w.dumps(_drop_nulls(to_document(dataset, positions)))


# -- the Markdown brief -------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_~\[\]<>|#])")
# What starts a block when it starts a line: a list item, a thematic break or setext
# underline (- + =), an ordered list item (1. or 1)).
_MD_LINE_START = re.compile(r"^(?:[-+=]|\d{1,9}[.)])")


def md(text: str | None) -> str:
    """Untrusted text as literal Markdown, safe anywhere on a line: no HTML, entity, link,
    emphasis, code or block (list, heading, quote, table, rule) can be smuggled in."""
    # Trimmed, one line: leading blanks would make code, trailing ones a hard break.
    text = (text or "").strip().replace("\n", " ")
    text = _MD_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))
    return _MD_LINE_START.sub(lambda m: m[0][:-1] + "\\" + m[0][-1], text)


def _autolink(url: str) -> str:
    """A URL as a CommonMark autolink; what would end or break one is percent-encoded."""
    return "<" + re.sub(r"[\x00-\x20<>\x7f]", lambda m: f"%{ord(m[0]):02X}", url) + ">"


def _sentence(text: str | None) -> str:
    """Untrusted text as literal Markdown (``md``), ending as a sentence ends."""
    return _end(md(text))


def _end(text: str) -> str:
    """``text`` with a full stop added when it has none, so what follows never runs on."""
    if not text or text.rstrip('"”’)').endswith((".", "!", "?", "…")):
        return text
    return text + "."


def _quoted(quote: str | None) -> str:
    """A verbatim quote in quotation marks, after what precedes it (or nothing)."""
    return f" “{md(' '.join(quote.split()))}”" if quote else ""


def _join(parts: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


class _Brief:
    """The Markdown brief: what an analyst would send. Sources are numbered once, at the
    end; a citation is ``[1] para 2 (B2)``: the source's number, the place in it and the
    grade as given."""

    STANCE_VERB: ClassVar[dict[str, str]] = {
        "support": "supports",
        "oppose": "opposes",
        "mixed": "is mixed",
        "neutral": "is neutral",
    }

    def __init__(
        self, dataset: Dataset, moved: Moved | None = None, *, alignment: bool = False
    ) -> None:
        self.data = dataset
        self.moved = moved
        self.number = {ident: n for n, ident in enumerate(dataset.sources, 1)}
        self.lines: list[str] = []
        self.with_alignment = alignment

    def block(self, *lines: str) -> None:
        """Lines that stand apart: one blank line before them (none at the very start)."""
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
        self.lines.extend(lines)

    def cite(self, citations: tuple[Citation, ...], about: str = "") -> str:
        """`` Sources: [1] para 1 (B2); [1] bullet 4 (B3).`` (``about`` after "Sources"),
        or nothing."""
        parts = []
        for citation in citations:
            source = self.data.sources.get(citation.source)
            if source is None:
                label = f"{md(citation.source)} (unresolved)"
            else:
                label = f"[{self.number[source.id]}]"
            if citation.locator:
                label += f" {md(citation.locator)}"
            parts.append(f"{label} ({citation.grade(source)})")
        if not parts:
            return ""
        return f" {'Source' if len(parts) == 1 else 'Sources'}{about}: {'; '.join(parts)}."

    def name(self, ident: str) -> str:
        actor = self.data.actors.get(ident)
        return md(actor.name) if actor else f"{md(ident)} (unresolved)"

    def write(self) -> str:
        self.header()
        self.moved_since()
        self.disagreements()
        if self.with_alignment:
            self.alignment()
        self.timeline()
        self.actors()
        self.sources()
        return "\n".join(self.lines).rstrip() + "\n"

    def header(self) -> None:
        meta: Meta = self.data.meta
        self.block(f"# {md(meta.title) or 'Faultline dossier'}")
        counts = self.data.counts()
        facts = (
            f"{counted(counts['actors'], 'actor')}, "
            f"{counted(counts['disagreements'], 'disagreement')}, "
            f"{counted(counts['events'], 'event')}, {counted(counts['sources'], 'source')}."
        )
        self.block((f"As of {meta.as_of.text}. " if meta.as_of else "") + facts)
        if meta.summary:
            self.block(_sentence(meta.summary))
        missing = meta.extra.get(MISSING_LAYERS)
        if isinstance(missing, list) and missing:
            names = ", ".join(md(str(name)) for name in missing)
            self.block(f"Not included (could not be read): {names}.")

    def disagreements(self) -> None:
        if not self.data.disagreements:
            return
        self.block("## Disagreements")
        for disagreement in self.data.disagreements.values():
            self.block(f"### {md(disagreement.title)}")
            state = disagreement.state.capitalize()
            since = disagreement.since
            facts = f"{state} since {since.text}." if since else f"{state}."
            if disagreement.question:
                facts += f" Question: {_sentence(disagreement.question)}"
            self.block(facts)
            if disagreement.summary:
                self.block(_sentence(disagreement.summary))
            current = disagreement.current()
            if current:
                self.block()
            for actor, position in current.items():
                self.lines.append("- " + self.position(actor, position))
                for earlier in disagreement.history(actor):
                    if earlier is not position:
                        self.lines.append("  - " + self.position(actor, earlier, earlier=True))
            if disagreement.sources:
                self.block(self.cite(disagreement.sources, " on the question as a whole")[1:])

    def moved_since(self) -> None:
        """``## Moved since 2025``: each stance that moved, both positions with their
        citations, in the order of the disagreements."""
        if self.moved is None:
            return
        moved = self.moved
        self.block(f"## Moved since {md(moved.span)}")
        if not moved.moves:
            self.block("No stance moved.")
            return
        self.block()
        for move in moved.moves.values():
            title = md(move.disagreement.title)
            line = f"- {move.glyphs} **{self.name(move.actor)}** on *{title}*: "
            line += f"{self.was(move.before)} → {self.was(move.after)}."
            self.lines.append(line)

    def was(self, position: Position | None) -> str:
        """``◆ mixed (as of 2015; source: [2] para 1 (B2))``, or ``no position``."""
        if position is None:
            return "no position"
        facts = [f"as of {position.as_of.text}" if position.as_of else "undated"]
        if position.confidence:
            facts.append(f"{position.confidence} confidence")
        cited = self.cite(position.sources)
        if cited:
            facts.append(cited.strip().rstrip(".").replace("Source", "source", 1))
        return f"{STANCE_GLYPH[position.stance]} {position.stance} ({'; '.join(facts)})"

    def alignment(self) -> None:
        """Who sides with whom: each actor's closest ally and furthest opponent by the
        agreement index, actors in camp order (``core.alignment``)."""
        aligned = Alignment(current_stances(self.data.disagreements.values()))
        self.block("## Who sides with whom")
        self.block(
            f"Agreement over current stances: {md(EXPLANATION)}. Actors are listed with "
            "camps together (average-linkage clustering on 1 − S)."
        )
        rows, unscored = [], []
        for actor in aligned.order():
            allies, opponents = aligned.ranked(actor)
            if not allies and not opponents:
                unscored.append(self.name(actor))
                continue
            ally = self._pair_cells(allies[0] if allies else None)
            opponent = self._pair_cells(opponents[0] if opponents else None)
            rows.append(f"| {self.name(actor)} | {ally} | {opponent} |")
        if rows:
            self.block(
                "| Actor | Closest ally | S | n | Furthest opponent | S | n |",
                "|---|---|---:|---:|---|---:|---:|",
                *rows,
            )
        if unscored:
            self.block(f"No pair scored (too few shared known stances): {', '.join(unscored)}.")

    def _pair_cells(self, pair: Agreement | None) -> str:
        """``Russia | 0.00 | 2``: the other actor, S and n; ``none | | `` without one."""
        if pair is None:
            return "none | | "
        return f"{self.name(pair.other)} | {pair.score:.2f} | {pair.shared}"

    def position(self, actor: str, position: Position, *, earlier: bool = False) -> str:
        stance = position.stance
        qualifiers = [f"{position.confidence} confidence"] if position.confidence else []
        if earlier:
            when = f"as of {position.as_of.text}" if position.as_of else "undated"
            line = f"Earlier, {when}: {stance}"
        else:
            name = f"**{self.name(actor)}**"
            verb = self.STANCE_VERB.get(stance)
            said = f" {verb}" if verb else ": position unknown"
            line = f"{STANCE_GLYPH[stance]} {name}{said}"
            if position.as_of:
                qualifiers.append(f"as of {position.as_of.text}")
        if qualifiers:
            line += f" ({', '.join(qualifiers)})"
        line += "."
        if position.summary:
            line += " " + _sentence(position.summary)
        return line + _quoted(position.quote) + self.cite(position.sources)

    def timeline(self) -> None:
        if not self.data.events:
            return
        self.block("## Timeline")
        group: str | None = None
        for event in self.data.timeline:
            heading = str(event.date.year) if event.is_reported else "Planned and expected"
            if heading != group:
                group = heading
                self.block(f"### {heading}", "")
            self.lines.append("- " + self.event(event))

    def event(self, event: Event) -> str:
        line = f"**{event.date.text}**"
        if event.date_text:
            line += f" ({md(event.date_text)})"
        line += f": {md(event.title)}"
        if not event.is_reported:
            line += f" ({event.state}" + (f", {event.likelihood})" if event.likelihood else ")")
        line = _end(line) if line[-1] != ")" else line + "."
        who = []
        if event.actors:
            who.append("By " + _join([self.name(a) for a in event.actors]))
        if event.targets:
            targets = _join([self.name(a) for a in event.targets])
            who.append(("towards " if who else "Towards ") + targets)
        if event.location:
            who.append(("in " if who else "In ") + md(event.location))
        if who:
            line += " " + ", ".join(who) + "."
        if event.summary:
            line += " " + _sentence(event.summary)
        return line + _quoted(event.quote) + self.cite(event.sources)

    def actors(self) -> None:
        if not self.data.actors:
            return
        self.block("## Actors", "")
        for actor in sorted(self.data.actors.values(), key=lambda a: a.name.casefold()):
            about = actor.kind + (f", {md(actor.role)}" if actor.role else "")
            if actor.aliases:
                about += f"; also {', '.join(md(a) for a in actor.aliases)}"
            line = f"- **{md(actor.name)}** ({about})."
            if actor.member_of:
                line += f" Member of {_join([self.name(g) for g in actor.member_of])}."
            if actor.summary:
                line += " " + _sentence(actor.summary)
            self.lines.append(line)

    def sources(self) -> None:
        if not self.data.sources:
            return
        self.block("## Sources", "")
        for source in self.data.sources.values():
            line = f"{self.number[source.id]}. {md(source.title)}"
            if source.publisher:
                line += f", {md(source.publisher)}"
            if source.published:
                line += f", {source.published.text}"
            line += f". Reliability {source.grade}."
            if source.url:
                line += f" {_autolink(source.url)}"
            self.lines.append(line)


def to_markdown(dataset: Dataset, moved: Moved | None = None, *, alignment: bool = False) -> str:
    """The brief: title and summary, what ``moved`` (a "Moved since" section, when
    given), each disagreement with every actor's position (and what it was before), with
    ``alignment`` who sides with whom, the timeline with who acted, who is who, and the
    sources."""
    return _Brief(dataset, moved, alignment=alignment).write()


def notes_markdown(dataset: Dataset, notes: Notes) -> str:
    """The analyst's private notes as a section to end the brief (``export --notes``):
    each entity by name, each note with its time, as literal text."""
    lines = ["", "## My notes", ""]
    for kind in NOTE_KINDS:
        table = dataset.table(kind)
        for ident, items in sorted(notes.get(kind, {}).items()):
            entity = table.get(ident)
            name = getattr(entity, "name", None) or getattr(entity, "title", None) or ident
            lines.append(f"- {kind.singular.capitalize()} {md(name)} ({md(ident)}):")
            lines += [f"  - {md(note.when)}: {md(note.text)}" for note in items]
    return "\n".join(lines) + "\n" if len(lines) > 3 else ""


# -- Moves (faultline diff) -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Moved:
    """The stances that moved over a span, as ``movement.moves`` finds them."""

    since: EDate
    until: EDate | None
    moves: dict[tuple[str, str], Move]

    @classmethod
    def find(cls, dataset: Dataset, since: EDate, until: EDate | None = None) -> Moved:
        return cls(since, until, moves(dataset, since, until))

    @property
    def span(self) -> str:
        """``2025``, or ``2025 until 2025-06``."""
        return self.since.text + (f" until {self.until.text}" if self.until else "")


def _cited(citations: tuple[Citation, ...], dataset: Dataset) -> str:
    """``un-2015 para 2 (B2), reuters (A)``: a citation in a line of plain text."""
    parts = []
    for citation in citations:
        source = dataset.sources.get(citation.source)
        locator = f" {citation.locator}" if citation.locator else ""
        parts.append(f"{citation.source}{locator} ({citation.grade(source)})")
    return ", ".join(parts)


def _moved_text(dataset: Dataset, moved: Moved) -> str:
    lines = [f"Moved since {moved.span}: {counted(len(moved.moves), 'stance')}"]
    for move in moved.moves.values():
        actor = dataset.actors.get(move.actor)
        name = actor.name if actor is not None else move.actor
        lines.append(f"{move.glyphs} {name} on {move.disagreement.title}: "
                     f"{_was_text(move.before)} → {_was_text(move.after)}")  # fmt: skip
        for side, position in (("before", move.before), ("after", move.after)):
            if position is not None and position.sources:
                lines.append(f"    {side}: {_cited(position.sources, dataset)}")
    return "\n".join(lines) + "\n"


def _was_text(position: Position | None) -> str:
    if position is None:
        return "no position"
    when = f"as of {position.as_of.text}" if position.as_of else "undated"
    return f"{position.stance} ({when})"


def _moved_json(dataset: Dataset, moved: Moved) -> str:
    rows = []
    for move in moved.moves.values():
        actor = dataset.actors.get(move.actor)
        rows.append({
            "disagreement": move.disagreement.id,
            "title": move.disagreement.title,
            "actor": move.actor,
            "name": actor.name if actor is not None else None,
            "move": move.glyphs,
            "before": _record(move.before) if move.before is not None else None,
            "after": _record(move.after),
        })  # fmt: skip
    document = {
        "since": moved.since.text,
        "until": moved.until.text if moved.until else None,
        "moves": rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=_json_default) + "\n"


def _moved_markdown(dataset: Dataset, moved: Moved) -> str:
    """The brief's "Moved since" section alone, with the sources it cites numbered."""
    cited = {
        c.source
        for move in moved.moves.values()
        for position in (move.before, move.after)
        if position is not None
        for c in position.sources
    }
    sources = {i: s for i, s in dataset.sources.items() if i in cited}
    brief = _Brief(dataclasses.replace(dataset, sources=sources), moved)
    brief.moved_since()
    brief.sources()
    return "\n".join(brief.lines).rstrip() + "\n"


def moved_report(dataset: Dataset, moved: Moved, fmt: str) -> str:
    """``faultline diff``: the moves as text (one line a move, then its citations),
    JSON (both positions as records) or the brief's Markdown section."""
    if fmt == "json":
        return _moved_json(dataset, moved)
    if fmt == "md":
        return _moved_markdown(dataset, moved)
    return _moved_text(dataset, moved)


# -- CSV --------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "id", "date", "date_text", "status", "likelihood", "type", "title", "actors",
    "targets", "disagreements", "location", "sources", "summary",
)  # fmt: skip


def csv_cell(value: str) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ tab or CR gets a '."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(dataset: Dataset) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for event in dataset.timeline:
        row = [
            event.id,
            event.date.text,
            event.date_text or "",
            event.state,
            event.likelihood or "",
            event.type or "",
            event.title,
            ";".join(event.actors),
            ";".join(event.targets),
            ";".join(event.disagreements),
            event.location or "",
            ";".join(c.source for c in event.sources),
            event.summary or "",
        ]
        writer.writerow([csv_cell(cell) for cell in row])
    return buffer.getvalue()


EXPORTERS: dict[str, Callable[[Dataset], str]] = {
    "json": to_json,
    "toml": to_toml,
    "md": to_markdown,
    "csv": to_csv,
}


def export(
    dataset: Dataset, fmt: str, positions: str = "nested", *, alignment: bool = False
) -> str:
    """``dataset`` as ``fmt``; ``positions`` (json and toml): nested or at the top level;
    ``alignment`` (md): the brief gains the table of who sides with whom."""
    if fmt == "md":
        return to_markdown(dataset, alignment=alignment)
    if fmt == "json":
        return to_json(dataset, positions)
    if fmt == "toml":
        return to_toml(dataset, positions)
    return EXPORTERS[fmt](dataset)


def write_new_export(
    dataset: Dataset,
    fmt: str,
    directory: Path,
    missing: list[str],
    *,
    stem: str = "faultline-export",
) -> Path:
    """Write ``dataset`` as ``fmt`` to a new file in ``directory`` (``faultline-export.md``,
    else ``faultline-export-2.md``…: never over a file already there) and return its path.
    ``missing`` (files and feeds that could not be read) goes into meta, as with
    ``export --allow-partial``. Raises ``OSError`` when nothing could be written."""
    if missing:
        dataset = mark_missing(dataset, missing)
    data = export(dataset, fmt).encode("utf-8")
    for n in range(1, 1000):
        path = directory / (f"{stem}.{fmt}" if n == 1 else f"{stem}-{n}.{fmt}")
        try:
            # O_EXCL: created here, or not at all (no race with a file appearing meanwhile).
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return path
    raise FileExistsError(f"{directory / stem}.{fmt} and 998 numbered copies exist")


__all__ = [
    "FORMATS",
    "POSITION_FORMS",
    "Actor",
    "Disagreement",
    "Event",
    "Source",
    "export",
    "to_document",
]

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
from pathlib import Path
from typing import Any, Callable

import tomli_w

from .dates import EDate
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

FORMATS = ("json", "toml", "md", "csv")

# In the meta of an export made with --allow-partial: the files and feeds asked for that
# could not be read, so whoever reads the export knows it is not the whole dossier.
MISSING_LAYERS = "x_missing_layers"


def mark_missing(dataset: Dataset, missing: list[str]) -> Dataset:
    """``dataset`` with its meta naming the ``missing`` files and feeds (a new dataset)."""
    extra = Extras({**dataset.meta.extra, MISSING_LAYERS: list(missing)})
    return dataclasses.replace(dataset, meta=dataclasses.replace(dataset.meta, extra=extra))


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


def _record(entity: Any) -> dict[str, Any]:
    """An entity as a document table: fields in spec order, absent and empty ones left out."""
    out: dict[str, Any] = {}
    for name in entity.__dataclass_fields__:
        if name in ("extra", "origin", "replaced"):
            continue
        value = getattr(entity, name)
        if value is None or value == ():
            continue
        out[name] = _value(value)
    out.update(entity.extra)
    return out


def to_document(dataset: Dataset) -> dict[str, Any]:
    document: dict[str, Any] = {"format": FORMAT}
    meta = _record(dataset.meta)
    if meta:
        document["meta"] = meta
    for kind in Kind:
        entities = dataset.table(kind).values()
        if entities:
            document[kind.value] = [_record(e) for e in entities]
    return document


def _json_default(value: Any) -> str:
    """TOML dates and times in x_* values: JSON has no such type, so they become text."""
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json(dataset: Dataset) -> str:
    return json.dumps(to_document(dataset), ensure_ascii=False, indent=2, default=_json_default) + "\n"


def _drop_nulls(value: Any) -> Any:
    """TOML has no null: a JSON extension value of null has nothing to say there."""
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value if v is not None]
    return value


def to_toml(dataset: Dataset) -> str:
    return tomli_w.dumps(_drop_nulls(to_document(dataset)))


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


def _cite(dataset: Dataset, citations: tuple[Citation, ...]) -> str:
    parts = []
    for citation in citations:
        source = dataset.sources.get(citation.source)
        label = md(source.title) if source else f"{md(citation.source)} (unresolved)"
        if source and source.publisher:
            label += f", {md(source.publisher)}"
        if citation.locator:
            label += f", {md(citation.locator)}"
        parts.append(f"{label} ({citation.grade(source)})")
    return "; ".join(parts)


def _name(dataset: Dataset, ident: str) -> str:
    actor = dataset.actors.get(ident)
    return md(actor.name) if actor else f"{md(ident)} (unresolved)"


STANCE_GLYPH = {"support": "▲", "oppose": "▼", "mixed": "◆", "neutral": "●", "unknown": "?"}


def to_markdown(dataset: Dataset) -> str:
    meta: Meta = dataset.meta
    lines: list[str] = [f"# {md(meta.title) or 'Faultline dossier'}", ""]
    if meta.as_of:
        lines.append(f"As of {meta.as_of.text}.")
    if meta.summary:
        lines += ["", md(meta.summary)]
    missing = meta.extra.get(MISSING_LAYERS)
    if isinstance(missing, list) and missing:
        names = ", ".join(md(str(name)) for name in missing)
        lines += ["", f"Not included (could not be read): {names}."]
    counts = dataset.counts()
    lines += [
        "",
        f"{counts['actors']} actors, {counts['disagreements']} disagreements, "
        f"{counts['events']} events, {counts['sources']} sources.",
        "",
        "## Actors",
        "",
    ]
    for actor in sorted(dataset.actors.values(), key=lambda a: a.name.casefold()):
        line = f"- **{md(actor.name)}** ({actor.kind}"
        line += f", {md(actor.role)})" if actor.role else ")"
        if actor.aliases:
            line += f"; also {', '.join(md(a) for a in actor.aliases)}"
        lines.append(line)
    lines += ["", "## Disagreements", ""]
    for disagreement in dataset.disagreements.values():
        lines.append(f"### {md(disagreement.title)}")
        lines.append("")
        facts = [f"Status: {disagreement.state}"]
        if disagreement.since:
            facts.append(f"since {disagreement.since.text}")
        lines.append("; ".join(facts) + ".")
        if disagreement.question:
            lines += ["", f"*Question:* {md(disagreement.question)}"]
        if disagreement.summary:
            lines += ["", md(disagreement.summary)]
        if disagreement.positions:
            lines.append("")
            current = disagreement.current()
            for actor in current:
                for position in disagreement.history(actor):
                    glyph = STANCE_GLYPH[position.stance]
                    line = f"- {glyph} {_name(dataset, actor)}: {position.stance}"
                    if position.as_of:
                        line += f" (as of {position.as_of.text})"
                    if position is not current[actor]:
                        line += " (earlier)"
                    if position.confidence:
                        line += f", {position.confidence} confidence"
                    if position.summary:
                        line += f". {md(position.summary)}"
                    if position.sources:
                        line += f" Sources: {_cite(dataset, position.sources)}."
                    lines.append(line)
        if disagreement.sources:
            lines += ["", f"Sources: {_cite(dataset, disagreement.sources)}."]
        lines.append("")
    lines += ["## Timeline", ""]
    year: str | None = None
    for event in dataset.timeline:
        group = str(event.date.year) if event.is_reported else "Planned and expected"
        if group != year:
            year = group
            lines += [f"### {group}", ""]
        line = f"- **{event.date.text}**"
        if event.date_text:
            line += f" ({md(event.date_text)})"
        line += f": {md(event.title)}"
        if not event.is_reported:
            line += f" [{event.state}" + (f", {event.likelihood}]" if event.likelihood else "]")
        if event.summary:
            line += f". {md(event.summary)}"
        if event.sources:
            line += f" Sources: {_cite(dataset, event.sources)}."
        lines.append(line)
    lines += ["", "## Sources", ""]
    for source in dataset.sources.values():
        line = f"- {md(source.title)}"
        if source.publisher:
            line += f", {md(source.publisher)}"
        if source.published:
            line += f", {source.published.text}"
        line += f". Reliability {source.grade}."
        if source.url:
            line += f" {_autolink(source.url)}"
        lines.append(line)
    return "\n".join(lines).rstrip() + "\n"


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


def export(dataset: Dataset, fmt: str) -> str:
    return EXPORTERS[fmt](dataset)


def write_new_export(
    dataset: Dataset, fmt: str, directory: Path, missing: list[str], *, stem: str = "faultline-export"
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


__all__ = ["FORMATS", "export", "to_document", "Actor", "Disagreement", "Event", "Source"]

"""The detail pane: every field of the selected entity, and links to what it names.

It shows one entity at a time, so it is an ordinary scrolling column of ``Static``
widgets built from ``Content`` (never markup). Entities it names are link lines the
keyboard walks with up/down and follows with Enter; the dashboard decides what
following means.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from textual import events
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from ..core.activity import activity_of
from ..core.browse import Arranged, Ref
from ..core.changes import ADDED, CHANGED_MARK, NEW_MARK
from ..core.dates import local_time
from ..core.model import Actor, Citation, Disagreement, Event, Kind, Origin, Position, Source
from ..core.records import record
from . import keys
from .activity import DETAIL_BARS, spark_lines, spark_note
from .glyphs import drawn_content
from .legend import (
    EVENT_MARK,
    ROLE_STYLE,
    STANCE_GLYPH,
    STANCE_ROLE,
    credibility_meaning,
    reliability_meaning,
    tally_pieces,
)

# Styles for Content spans; theme variables, so every theme (and NO_COLOR) applies.
TITLE = "bold $text-accent"
HEADING = "bold $text-primary"
MUTED = "$foreground-muted"
# Links listed per section; the rest are counted (the panes list them all when focused).
LIST_LIMIT = 50
T = TypeVar("T")
LABEL = "bold"
WARN = "$text-warning"
STANCE_STYLE = {stance: f"bold {ROLE_STYLE[role]}" for stance, role in STANCE_ROLE.items()}


@record(slots=True)
class Plain:
    """A line or paragraph of the detail pane that links nowhere."""

    content: Content
    classes: str = ""
    indent: int = 0


@record(slots=True)
class Link:
    """A line of the detail pane that focuses ``ref`` when chosen."""

    content: Content
    ref: Ref
    indent: int = 1


Block = Plain | Link


def _c(*parts: str | tuple[str, str] | Content) -> Content:
    return Content.assemble(*parts)


def _heading(text: str, count: int | None = None) -> Plain:
    label = text if count is None else f"{text} ({count})"
    return Plain(Content.styled(label, HEADING), "heading")


def _line(label: str, value: str | Content) -> Plain:
    return Plain(_c((f"{label}  ", LABEL), value))


def _para(text: str | None, indent: int = 0) -> list[Plain]:
    """A summary: set apart by a blank line at the top level, not when nested."""
    if not text or not text.strip():
        return []
    return [Plain(Content(text.strip()), "para" if indent == 0 else "", indent)]


def _quote(text: str | None, indent: int = 0) -> list[Plain]:
    """Someone's own words, verbatim, in quotation marks (placed like a summary)."""
    if not text or not text.strip():
        return []
    content = _c(("“", MUTED), Content(text.strip()), ("”", MUTED))
    return [Plain(content, "para" if indent == 0 else "", indent)]


def _extension_text(value: object) -> str:
    """One x_* value as an analyst reads it: text as is, yes/no, numbers, a list joined by
    commas; anything nested as JSON. Long values are cut."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, (int, float)):
        text = str(value)
    elif isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        text = ", ".join(str(v) for v in value)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 2000 else text[:1999] + "…"


def _table_text(table: Mapping[str, object]) -> str:
    """One table of a list (``x_sources``' citations): ``id osw · locator bullet 2``."""
    return " · ".join(f"{k} {_extension_text(v)}" for k, v in table.items())


def _none(text: str = "None recorded.") -> Plain:
    return Plain(Content.styled(text, MUTED), indent=1)


class DetailBuilder:
    """Turns one reference into blocks: pure, so tests can read what would be shown."""

    def __init__(self, arranged: Arranged) -> None:
        self.arranged = arranged
        self.data = arranged.dataset
        # The sources cited so far on the page, numbered in order of first citation, and
        # whether any was cited again (short) and so is listed at the end.
        self.cited: dict[str, int] = {}
        self.cited_again = False

    def build(self, ref: Ref) -> list[Block]:
        self.cited, self.cited_again = {}, False
        entity = self.arranged.entity(ref)
        blocks: list[Block]
        if ref.is_position and isinstance(entity, Disagreement):
            blocks = self.position(entity, ref.actor or "")
        elif isinstance(entity, Actor):
            blocks = self.actor(entity)
        elif isinstance(entity, Disagreement):
            blocks = self.disagreement(entity)
        elif isinstance(entity, Event):
            blocks = self.event(entity)
        elif isinstance(entity, Source):
            blocks = self.source(entity)
        else:
            return [Plain(_c((f"No {ref.noun} '{ref.id}' is defined in any layer.", WARN)))]
        blocks[1:1] = [*self.change_note(ref), *self.my_notes(ref)]
        return blocks

    def my_notes(self, ref: Ref) -> list[Block]:
        """The analyst's private notes on the entity (``N``), oldest first, under the title."""
        notes = () if ref.is_position else self.arranged.notes.get(ref.kind, {}).get(ref.id, ())
        if not notes:
            return []
        blocks: list[Block] = [_heading("My notes", len(notes))]
        for note in notes:
            blocks.append(Plain(_c((f"{note.when}  ", MUTED), Content(note.text)), indent=1))
        return blocks

    def change_note(self, ref: Ref) -> list[Block]:
        """Under the title: what this session's refreshes did to the entity, if anything."""
        logged = self.arranged.log.get(ref.kind, ref.id)
        if logged is None:
            return []
        change = logged.change
        feeds = {layer.name for layer in self.data.layers if layer.is_feed}
        if logged.layer in feeds:
            source = f"a refresh of feed {logged.layer}"
        else:  # a data file saved while the dashboard ran
            source = f"a save of {logged.document or logged.layer}"
        at = local_time(logged.at, short=True)
        if change.action == ADDED:
            text = f"{NEW_MARK} New: added by {source} at {at}"
        else:
            fields = change.what or "content"
            text = f"{CHANGED_MARK} Changed by {source} at {at}: {fields}"
        return [Plain(Content.styled(text, "bold $text-accent"))]

    # -- pieces -----------------------------------------------------------------------------

    def actor_link(
        self, ident: str, *, lead: tuple[str, str] = ("→ ", MUTED), indent: int = 1
    ) -> Block:
        actor = self.data.actors.get(ident)
        if actor is None:
            return Plain(
                _c(lead, (ident, WARN), (" (unresolved: no such actor)", MUTED)), indent=indent
            )
        extra = f"  {actor.kind}" + (f" · {actor.role}" if actor.role else "")
        return Link(_c(lead, actor.name, (extra, MUTED)), Ref(Kind.ACTOR, ident), indent)

    def disagreement_link(self, ident: str, indent: int = 1) -> Block:
        disagreement = self.data.disagreements.get(ident)
        if disagreement is None:
            return Plain(
                _c(("→ ", MUTED), (ident, WARN), (" (unresolved: no such disagreement)", MUTED)),
                indent=indent,
            )
        return Link(
            _c(("→ ", MUTED), disagreement.title, (f"  {disagreement.state}", MUTED)),
            Ref(Kind.DISAGREEMENT, ident),
            indent,
        )

    def event_link(self, event: Event, indent: int = 1) -> Block:
        mark = "" if event.is_reported else f"  {event.state}"
        return Link(
            _c(("→ ", MUTED), (event.date.text, "$text-accent"), "  ", event.title, (mark, WARN)),
            Ref(Kind.EVENT, event.id),
            indent,
        )

    def citation(self, citation: Citation, indent: int = 1) -> Block:
        source = self.data.sources.get(citation.source)
        locator = f" · {citation.locator}" if citation.locator else ""
        credibility = citation.credibility
        lead = ("source ", MUTED)
        if source is None:
            return Plain(
                _c(
                    lead,
                    (citation.source, WARN),
                    (f" (unresolved: no such source){locator}", MUTED),
                ),
                indent=indent,
            )
        grade = citation.grade(source)
        number = self.cited.get(source.id)
        if number is not None:  # cited before on this page: the number, place and grade
            self.cited_again = True
            return Link(
                _c(
                    (f"[{number}]", MUTED),
                    f" {citation.locator}" if citation.locator else "",
                    "  ",
                    (grade, "bold"),
                ),
                Ref(Kind.SOURCE, source.id),
                indent,
            )
        number = self.cited[source.id] = len(self.cited) + 1
        lead = (f"[{number}] ", MUTED)
        where = self.where(source)
        meaning = reliability_meaning(source.grade)
        if credibility is not None:  # only what was written: no credibility is not 6
            meaning += f", {credibility_meaning(credibility)}"
        return Link(
            _c(
                lead,
                ("“", MUTED),
                source.title,
                ("”", MUTED),
                (f" — {where}" if where else "", MUTED),
                "  ",
                (grade, "bold"),
                (f" ({meaning}){locator}", MUTED),
            ),
            Ref(Kind.SOURCE, source.id),
            indent,
        )

    @staticmethod
    def where(source: Source) -> str:
        published = source.published.text if source.published else None
        return ", ".join(part for part in (source.publisher, published) if part)

    def citations(self, citations: Iterable[Citation], indent: int = 1) -> list[Block]:
        return [self.citation(c, indent) for c in citations]

    def sources_cited(self) -> list[Block]:
        """At the end of a page that cited a source more than once: each source once, by
        number, so a short citation (``[1] bullet 4``) can be looked up."""
        if not self.cited_again:
            return []
        blocks: list[Block] = [_heading("Sources cited", len(self.cited))]
        for ident, number in self.cited.items():
            source = self.data.sources[ident]
            where = self.where(source)
            blocks.append(
                Link(
                    _c(
                        (f"[{number}] ", MUTED),
                        ("“", MUTED),
                        source.title,
                        ("”", MUTED),
                        (f" — {where}" if where else "", MUTED),
                        "  ",
                        (source.grade, "bold"),
                        (f" ({reliability_meaning(source.grade)})", MUTED),
                    ),
                    Ref(Kind.SOURCE, ident),
                )
            )
        return blocks

    def position_lines(self, position: Position, indent: int) -> list[Block]:
        stance = position.stance
        facts = []
        if position.score is not None:
            facts.append(f"score {position.score:+d}")
        if position.salience is not None:
            facts.append(f"salience {position.salience}")
        if position.confidence:
            facts.append(f"{position.confidence} confidence")
        when = position.as_of.text if position.as_of else "undated"
        blocks: list[Block] = [
            Plain(
                _c(
                    (when, "$text-accent"),
                    "  ",
                    (f"{STANCE_GLYPH[stance]} {stance}", STANCE_STYLE[stance]),
                    (("  " + " · ".join(facts)) if facts else "", MUTED),
                ),
                indent=indent,
            )
        ]
        blocks += _para(position.summary, indent + 1)
        blocks += _quote(position.quote, indent + 1)
        blocks += self.citations(position.sources, indent + 1)
        blocks += self.extension(position.extra, indent + 1)
        if position.origin is not None:  # written at the top level: say where
            where = _c(("written at ", MUTED), self._origin_text(position.origin))
            if position.replaced is not None:
                where = _c(where, ("; replaces ", MUTED), str(position.replaced))
            blocks.append(Plain(where, indent=indent + 1))
        return blocks

    def stance_glyph(self, disagreement: str, actor: str, current: Position) -> str:
        """``▼``, or the move since the since date (``◆→▼``) when there was one."""
        move = self.arranged.moved.get((disagreement, actor))
        return move.glyphs if move is not None else STANCE_GLYPH[current.stance]

    def history(self, positions: list[Position], indent: int = 2) -> list[Block]:
        blocks: list[Block] = []
        for position in positions:
            blocks += self.position_lines(position, indent)
        return blocks

    def extension(self, extra: Mapping[str, object], indent: int = 1) -> list[Block]:
        """``x_*`` values: a table (``x_gdelt``, ``x_acled``...) as one aligned line per key,
        ``quad_class  1``; text as written, not quoted; a list of plain values joined."""
        blocks: list[Block] = []
        for key, value in extra.items():
            if isinstance(value, dict) and value:
                blocks.append(Plain(Content.styled(key, LABEL), indent=indent))
                width = min(max(len(str(k)) for k in value), 24)
                for name, item in value.items():
                    label = f"{name!s:<{width}}  "
                    blocks.append(
                        Plain(_c((label, MUTED), _extension_text(item)), indent=indent + 1)
                    )
            elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                blocks.append(Plain(Content.styled(key, LABEL), indent=indent))
                blocks += [Plain(Content(_table_text(v)), indent=indent + 1) for v in value]
            else:
                blocks.append(Plain(_c((f"{key}  ", MUTED), _extension_text(value)), indent=indent))
        return blocks

    def origin(self, entity: Actor | Disagreement | Event | Source) -> list[Block]:
        blocks: list[Block] = [*self.sources_cited(), _heading("Origin")]
        blocks.append(Plain(_c("From ", self._origin_text(entity.origin)), indent=1))
        if entity.replaced is not None:
            blocks.append(
                Plain(
                    _c(("Replaces ", WARN), "the copy from ", self._origin_text(entity.replaced)),
                    indent=1,
                )
            )
        return blocks

    def _origin_text(self, origin: Origin | None) -> Content:
        if origin is None:
            return Content.styled("an unknown place", MUTED)
        feeds = {layer.name for layer in self.data.layers if layer.is_feed}
        what = "feed " if origin.layer in feeds else "file "
        layer = f" (layer {origin.layer})" if origin.layer != origin.document else ""
        return _c((what, MUTED), str(origin), (layer, MUTED))

    def _ids_line(self, entity_kind: str, ident: str) -> Plain:
        return Plain(Content.styled(f"{entity_kind} · id {ident}", MUTED))

    def _title(self, *parts: str | tuple[str, str]) -> Plain:
        return Plain(_c(*[(p, TITLE) if isinstance(p, str) else p for p in parts]), "title")

    # -- entities ---------------------------------------------------------------------------

    def actor(self, actor: Actor) -> list[Block]:
        facts = [actor.kind]
        wikidata = f"wikidata {actor.wikidata}" if actor.wikidata else None
        facts += [fact for fact in (actor.role, actor.country, wikidata) if fact]
        blocks: list[Block] = [
            self._title(actor.name),
            Plain(Content.styled(" · ".join(facts), MUTED)),
            self._ids_line("actor", actor.id),
        ]
        if actor.aliases:
            blocks.append(_line("Also known as", ", ".join(actor.aliases)))
        if actor.tags:
            blocks.append(_line("Tags", ", ".join(actor.tags)))
        blocks += _para(actor.summary)
        if actor.member_of:
            blocks.append(_heading("Member of", len(actor.member_of)))
            blocks += [self.actor_link(i) for i in actor.member_of]
        members = self.data.members.get(actor.id, [])
        if members:
            blocks.append(_heading("Members", len(members)))
            blocks += [self.actor_link(m.id) for m in members]
        held = self.arranged.positions_of(actor.id)
        blocks.append(_heading("Positions", len(held)))
        if not held:
            blocks.append(_none())
        for disagreement, history in held:
            current = history[-1]
            glyph = self.stance_glyph(disagreement.id, actor.id, current)
            blocks.append(
                Link(
                    _c(
                        (f"{glyph} {current.stance}", STANCE_STYLE[current.stance]),
                        "  ",
                        disagreement.title,
                    ),
                    Ref(Kind.DISAGREEMENT, disagreement.id, actor.id),
                )
            )
            blocks += self.history(history)
        acting = self.data.events_by_actor.get(actor.id, [])
        blocks.append(_heading("Events", len(acting)))
        if not acting:
            blocks.append(_none())
        blocks += self.activity(acting)
        blocks += self.capped(acting, self.event_link, "events")
        if actor.extra:
            blocks.append(_heading("Extension fields"))
            blocks += self.extension(actor.extra)
        return blocks + self.origin(actor)

    def disagreement(self, disagreement: Disagreement) -> list[Block]:
        facts = [disagreement.state]
        if disagreement.since:
            facts.append(f"since {disagreement.since.text} ({disagreement.since.describe()})")
        blocks: list[Block] = [
            self._title(disagreement.title),
            Plain(Content.styled(" · ".join(facts), MUTED)),
            self._ids_line("disagreement", disagreement.id),
        ]
        if disagreement.topics:
            blocks.append(_line("Topics", ", ".join(disagreement.topics)))
        if disagreement.question:
            blocks.append(_line("Question", disagreement.question.strip()))
        blocks += _para(disagreement.summary)
        tally = tally_pieces(disagreement.tally())
        if tally:
            as_of = self.arranged.as_of
            label = f"Stances as of {as_of.text}  " if as_of is not None else "Current stances  "
            blocks.append(Plain(_c((label, LABEL), *[(t, ROLE_STYLE[r]) for t, r in tally])))
        parties = self.arranged.parties(disagreement)
        blocks.append(_heading("Parties", len(parties)))
        if not parties:
            blocks.append(_none("No positions recorded."))
        for actor_id, history in parties:
            current = history[-1]
            glyph = self.stance_glyph(disagreement.id, actor_id, current)
            lead = (f"{glyph} ", STANCE_STYLE[current.stance])
            blocks.append(self.actor_link(actor_id, lead=lead))
            blocks += self.history(history)
        related = self.data.events_by_disagreement.get(disagreement.id, [])
        blocks.append(_heading("Events", len(related)))
        if not related:
            blocks.append(_none())
        blocks += self.activity(related)
        blocks += self.capped(related, self.event_link, "events")
        if disagreement.sources:
            blocks.append(_heading("Sources", len(disagreement.sources)))
            blocks += self.citations(disagreement.sources)
        if disagreement.extra:
            blocks.append(_heading("Extension fields"))
            blocks += self.extension(disagreement.extra)
        return blocks + self.origin(disagreement)

    def activity(self, events: Sequence[Event]) -> list[Block]:
        """The sparkline of these events' activity per month (see ``ui.activity``)."""
        if not events:
            return []
        # The actor's or disagreement's own events only: cheap, and no index needed.
        activity = activity_of(events)
        note = activity.label() + spark_note(activity, DETAIL_BARS)
        head = _c(("Activity  ", LABEL), (note, MUTED))
        return [
            Plain(head, "spark", indent=1),
            *(Plain(line, "spark", indent=1) for line in spark_lines(activity, DETAIL_BARS)),
        ]

    def event(self, event: Event) -> list[Block]:
        date = event.date
        when = _c((date.text, "bold $text-accent"), (f"  ({date.describe()})", MUTED))
        if event.date_text:
            when = _c(when, ("  “", MUTED), event.date_text, ("”", MUTED))
        facts = [event.state]
        if event.type:
            facts.append(event.type)
        if event.location:
            facts.append(event.location)
        blocks: list[Block] = [
            self._title(event.title),
            Plain(when),
            Plain(Content.styled(" · ".join(facts), MUTED)),
            self._ids_line("event", event.id),
        ]
        if not event.is_reported:
            mark = EVENT_MARK.get(event.state, "?")
            blocks.append(
                Plain(
                    _c(
                        (f"{mark} {event.state.capitalize()}", WARN),
                        (": has not happened", MUTED),
                        (f"; likelihood: {event.likelihood}" if event.likelihood else "", WARN),
                    )
                )
            )
        blocks += _para(event.summary)
        blocks += _quote(event.quote)
        for label, ids in (("Actors", event.actors), ("Targets", event.targets)):
            if ids:
                blocks.append(_heading(label, len(ids)))
                blocks += [self.actor_link(i) for i in ids]
        if event.disagreements:
            blocks.append(_heading("Disagreements", len(event.disagreements)))
            blocks += [self.disagreement_link(i) for i in event.disagreements]
        if event.sources:
            blocks.append(_heading("Sources", len(event.sources)))
            blocks += self.citations(event.sources)
        if event.extra:
            blocks.append(_heading("Extension fields"))
            blocks += self.extension(event.extra)
        return blocks + self.origin(event)

    def source(self, source: Source) -> list[Block]:
        facts = [f"reliability {source.grade} ({reliability_meaning(source.grade)})"]
        if source.kind:
            facts.insert(0, source.kind)
        blocks: list[Block] = [
            self._title(source.title),
            Plain(Content.styled(" · ".join(facts), MUTED)),
            self._ids_line("source", source.id),
        ]
        if source.publisher:
            blocks.append(_line("Publisher", source.publisher))
        if source.published:
            blocks.append(_line("Published", source.published.text))
        if source.url:
            blocks.append(_line("URL", source.url))
        dis_ids, event_ids, _ = self.arranged.cited_by.get(source.id, ((), (), ()))
        blocks.append(_heading("Cited by", len(dis_ids) + len(event_ids)))
        blocks += self.capped(dis_ids, self.disagreement_link, "disagreements")
        blocks += self.capped(event_ids, lambda i: self.event_link(self.data.events[i]), "events")
        if source.extra:
            blocks.append(_heading("Extension fields"))
            blocks += self.extension(source.extra)
        return blocks + self.origin(source)

    def capped(self, items: Sequence[T], link: Callable[[T], Block], noun: str) -> list[Block]:
        """Links to the first LIST_LIMIT items, then how many more: a source cited by 20,000
        events must not mount 20,000 widgets (the panes list them all when focused)."""
        blocks = [link(item) for item in items[:LIST_LIMIT]]
        if len(items) > LIST_LIMIT:
            more = len(items) - LIST_LIMIT
            blocks.append(
                _none(
                    f"… and {more:,} more {noun}: focus this (Enter in its pane) to list them all"
                )
            )
        return blocks

    def position(self, disagreement: Disagreement, actor_id: str) -> list[Block]:
        history = disagreement.history(actor_id)
        name = self.arranged.actor_name(actor_id)
        blocks: list[Block] = [self._title(name, (" on ", MUTED), disagreement.title)]
        if history:
            current = history[-1]
            blocks.append(
                Plain(
                    _c(
                        ("Current stance  ", LABEL),
                        (
                            f"{STANCE_GLYPH[current.stance]} {current.stance}",
                            STANCE_STYLE[current.stance],
                        ),
                        (f"  as of {current.as_of.text}" if current.as_of else "  undated", MUTED),
                    )
                )
            )
        if disagreement.question:
            blocks.append(_line("Question", disagreement.question.strip()))
        blocks.append(_heading("Who and what"))
        blocks.append(self.actor_link(actor_id))
        blocks.append(self.disagreement_link(disagreement.id))
        blocks.append(_heading("History", len(history)))
        blocks += self.history(history, indent=1)
        shared = [
            e
            for e in self.data.events_by_actor.get(actor_id, [])
            if disagreement.id in e.disagreements
        ]
        blocks.append(_heading("Events", len(shared)))
        if not shared:
            blocks.append(_none())
        blocks += [self.event_link(e) for e in shared]
        return blocks + self.sources_cited()


class DetailLine(Static):
    """One block of the detail pane: text, or (with a ``ref``, class ``link``) a line
    that can be followed. Lines are reused from one entity to the next."""

    def __init__(self, content: Content, ref: Ref | None, classes: str = "") -> None:
        super().__init__(content, classes=classes, markup=False)
        self.ref = ref
        self.shown = (content, classes)  # what the line shows: left alone when unchanged

    def show(self, content: Content, ref: Ref | None, classes: str) -> None:
        """Show this block; a line already showing the same is not drawn again (moving
        between two entities leaves their shared lines, headings and blanks untouched)."""
        self.ref = ref
        if self.shown == (content, classes):
            return
        if self.shown[1] != classes:
            # The active link's mark goes with the block it was on.
            self.set_classes(classes)
        if self.shown[0] != content:
            self.update(content)
        self.shown = (content, classes)

    def on_click(self, event: events.Click) -> None:
        if self.ref is None:
            return
        event.stop()
        pane = next((a for a in self.ancestors if isinstance(a, DetailPane)), None)
        if pane is not None:
            pane.activate(self)
            pane.action_follow()


class DetailPane(VerticalScroll, can_focus=True):
    """Shows one entity; up/down walk its links, Enter follows one."""

    BINDINGS = keys.DETAIL

    class Follow(Message):
        """A link was followed."""

        def __init__(self, ref: Ref) -> None:
            super().__init__()
            self.ref = ref

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Detail"
        self.ref: Ref | None = None
        self.blocks: list[Block] = []
        self._links: list[DetailLine] = []
        self._active = -1

    @property
    def links(self) -> list[DetailLine]:
        return self._links

    @property
    def active_link(self) -> DetailLine | None:
        return self._links[self._active] if 0 <= self._active < len(self._links) else None

    def show_message(self, text: str) -> None:
        self.ref = None
        self._replace([Plain(Content.styled(text, MUTED))])
        self._title("Detail")

    def _title(self, title: str) -> None:
        # Setting the border title redraws the whole pane, even to the same title.
        if self.border_title != title:
            self.border_title = title

    def show(self, arranged: Arranged, ref: Ref | None, *, force: bool = False) -> None:
        if ref is None:
            self.show_message("Nothing selected.")
            return
        if ref == self.ref and not force:
            return
        self.ref = ref
        self._title(f"Detail · {ref.noun}")
        self._replace(DetailBuilder(arranged).build(ref))

    def _replace(self, blocks: list[Block]) -> None:
        """Show ``blocks``. The lines already mounted are given the new blocks' text and
        classes; only the difference in number is mounted or removed. Mounting (and
        later collecting) dozens of widgets for every row the cursor passed over was
        most of the cost of following the cursor."""
        self.blocks = blocks
        lines = [child for child in self.children if isinstance(child, DetailLine)]
        fresh: list[DetailLine] = []
        links: list[DetailLine] = []
        with self.app.batch_update():
            self.activate(None)  # no link is active on a new page
            for number, block in enumerate(blocks):
                indent = f"indent-{min(block.indent, 4)}"
                if isinstance(block, Link):
                    ref: Ref | None = block.ref
                    classes = f"link {indent}"
                else:
                    ref = None
                    classes = f"{block.classes} {indent}".strip()
                # The text as every terminal draws it (glyphs.py): the only place the
                # detail's text meets the screen.
                content = drawn_content(block.content)
                if number < len(lines):
                    line = lines[number]
                    line.show(content, ref, classes)
                else:
                    line = DetailLine(content, ref, classes)
                    fresh.append(line)
                if ref is not None:
                    links.append(line)
            if len(lines) > len(blocks):
                self.remove_children(lines[len(blocks) :])
            if fresh:
                self.mount_all(fresh)
        self._links = links
        self._active = -1
        self.scroll_home(animate=False, immediate=True)

    def activate(self, link: DetailLine | None) -> None:
        previous = self.active_link
        if previous is not None:
            previous.remove_class("-active")
        self._active = self._links.index(link) if link in self._links else -1
        if link is not None:
            link.add_class("-active")
            self.scroll_to_widget(link, animate=False, immediate=True)

    def action_link(self, step: int) -> None:
        if not self._links:
            self.scroll_relative(y=step, animate=False)
            return
        if self._active < 0:
            # Start from the links on screen rather than from the top of the entity.
            top = self.scroll_offset.y
            bottom = top + self.scrollable_content_region.height
            ys = [link.virtual_region.y for link in self._links]
            if step > 0:
                below = [i for i, y in enumerate(ys) if y >= top]
                target = below[0] if below else len(ys) - 1
            else:
                above = [i for i, y in enumerate(ys) if y < bottom]
                target = above[-1] if above else 0
            self.activate(self._links[target])
            return
        target = self._active + step
        if target < 0 or target >= len(self._links):
            self.scroll_relative(y=step, animate=False)
            return
        self.activate(self._links[target])

    def action_follow(self) -> None:
        link = self.active_link
        if link is not None and link.ref is not None:  # a line in _links always has a ref
            self.post_message(self.Follow(link.ref))

    def action_top(self) -> None:
        self.scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.scroll_end(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

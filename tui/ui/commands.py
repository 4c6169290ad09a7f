"""The command palette's "go to": every actor, disagreement and event by name.

Candidates are narrowed by the same search index as the panes (a substring of every
word, so it stays fast at 100,000 events), then ranked by Textual's fuzzy matcher on
the name only. Names are shown as ``Content``: the palette parses plain strings as
markup, and a name from data must never be markup.
"""

from __future__ import annotations

from functools import partial
from typing import Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.style import Style

from ..core.search import normalise
from .dossier import ACTORS, DISAGREEMENTS, TIMELINE, Dossier, Ref

# A palette shows a screenful; more candidates only cost time.
MAX_PER_KIND = 40
# Below this many entities of a kind, names that are not substrings are fuzzy-matched too.
FUZZY_LIMIT = 2_000

_KIND = {ACTORS: "actor", DISAGREEMENTS: "disagreement", TIMELINE: "event"}


def _candidates(dossier: Dossier, pane: str, matched: list[int]) -> Iterator[int]:
    """Rows whose search key holds the query, then (for small kinds) every other row."""
    yield from matched[:MAX_PER_KIND]
    if dossier.total(pane) <= FUZZY_LIMIT:
        seen = set(matched[:MAX_PER_KIND])
        for row in range(dossier.total(pane)):
            if row not in seen:
                yield row


def _name(dossier: Dossier, pane: str, row: int) -> tuple[str, tuple[str, ...], str]:
    """(name to show and match, other names that match too, quiet help text)."""
    if pane == ACTORS:
        actor = dossier.actors[row]
        extra = actor.kind + (f" · {actor.role}" if actor.role else "")
        if actor.aliases:
            extra += " · also " + ", ".join(actor.aliases)
        return actor.name, actor.aliases, extra
    if pane == DISAGREEMENTS:
        disagreement = dossier.disagreements[row]
        return disagreement.title, (), f"{disagreement.state} · {disagreement.id}"
    event = dossier.events[row]
    return event.title, (), f"{event.date.text} · {event.state} · {event.id}"


# Between equally good matches, actors come first, then disagreements, then events.
_BONUS = {ACTORS: 50.0, DISAGREEMENTS: 25.0, TIMELINE: 0.0}


class GoToProvider(Provider):
    """Go to an actor, disagreement or event."""

    @property
    def dossier(self) -> Dossier | None:
        return getattr(self.app, "dossier", None)

    def _go(self, ref: Ref) -> None:
        go_to = getattr(self.app, "go_to", None)
        if go_to is not None:
            go_to(ref)

    async def discover(self) -> Hits:
        dossier = self.dossier
        if dossier is None:
            return
        for pane in (ACTORS, DISAGREEMENTS):
            for row in range(min(dossier.total(pane), MAX_PER_KIND)):
                name, _, extra = _name(dossier, pane, row)
                ref = dossier.ref_at(pane, row)
                yield DiscoveryHit(
                    Content.assemble((f"Go to {_KIND[pane]}: ", "dim"), name),
                    partial(self._go, ref),
                    text=name,
                    help=Content(" ".join(extra.split())),  # type: ignore[arg-type]
                )

    async def search(self, query: str) -> Hits:
        dossier = self.dossier
        if dossier is None or not query.strip():
            return
        matcher = self.matcher(query)
        style = self.match_style or Style(reverse=True)
        for pane in (ACTORS, DISAGREEMENTS, TIMELINE):
            hits = 0
            matched = dossier.index[pane].search(query) or []
            wanted = normalise(query)
            in_keys = set(matched[:MAX_PER_KIND])
            for row in _candidates(dossier, pane, matched):
                name, aliases, extra = _name(dossier, pane, row)
                name = " ".join(name.split())
                score, offsets = matcher.fuzzy_search.match(matcher.query, name)
                fuzzy = max([score, *(matcher.match(a) for a in aliases)])
                # Ranked in tiers: the query as typed inside the name, inside an alias,
                # a scattered (fuzzy) match, and last a match in summaries or ids only.
                if wanted in normalise(name):
                    tier = 3
                elif any(wanted in normalise(a) for a in aliases):
                    tier = 2
                elif fuzzy:
                    tier = 1
                elif row in in_keys:
                    tier = 0
                else:
                    continue
                score = tier * 1000 + min(fuzzy, 900) + _BONUS[pane]
                display = Content(name)
                for offset in offsets:
                    display = display.stylize(style, offset, offset + 1)
                yield Hit(
                    score,
                    Content.assemble((f"Go to {_KIND[pane]}: ", "dim"), display),
                    partial(self._go, dossier.ref_at(pane, row)),
                    text=name,
                    help=Content(" ".join(extra.split())),  # type: ignore[arg-type]
                )
                hits += 1
                if hits >= MAX_PER_KIND:
                    break

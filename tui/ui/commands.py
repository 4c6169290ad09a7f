"""The command palette's "go to": every actor, disagreement and event by name.

Candidates are narrowed by the same search index as the panes (a substring of every
word, so it stays fast at 100,000 events), then ranked by ``fuzzy_match`` on the name
only. Textual's own matcher tries every combination of letter positions: a 300-character
name such as "abab…" and the query "aaaaa" take minutes and gigabytes, so names from data
never reach it. Names are shown as ``Content``: the palette parses plain strings as
markup, and a name from data must never be markup.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from functools import partial
from itertools import pairwise

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.message import Message
from textual.style import Style

from ..core.browse import PANES, Arranged, Ref
from ..core.model import Kind
from ..core.search import normalise
from .dashboard import DashboardScreen
from .glyphs import drawn
from .legend import ROLE_STYLE

# A palette shows a screenful; more candidates only cost time.
MAX_PER_KIND = 40
# Below this many entities of a kind, names that are not substrings are fuzzy-matched too.
FUZZY_LIMIT = 2_000

_WORD = re.compile(r"\w+")


def fuzzy_match(query: str, name: str) -> tuple[float, tuple[int, ...]]:
    """Score and positions of the query's letters in ``name``, in order, ignoring case
    and the query's spaces; ``(0.0, ())`` when they are not all there.

    The query as one run when the name holds it (at a word start if it can be);
    otherwise one choice per letter, never a search of combinations: the letter right
    after the previous one (a run), else the first start of a word that leaves room for
    the rest, else the first place that does. A few C-speed scans of the name and a
    binary search per letter: linear in the name, whatever it holds. Scored as Textual
    scores its matches (letters, word starts, few runs), so the palette ranks the same way.
    """
    letters = "".join(query.lower().split())
    text = name.lower()
    if len(text) != len(name):  # lowering changed offsets (e.g. "İ"): match case-sensitively
        text = name
    if not letters or len(letters) > len(text):
        return 0.0, ()
    # The last place each letter can take with the rest still matched after it.
    latest = [0] * len(letters)
    end = len(text)
    for k in range(len(letters) - 1, -1, -1):
        end = text.rfind(letters[k], 0, end)
        if end < 0:
            return 0.0, ()
        latest[k] = end
    starts = [m.start() for m in _WORD.finditer(name)]
    by_letter: dict[str, list[int]] = {}
    for start in starts:
        by_letter.setdefault(text[start], []).append(start)
    # The query whole, at the start of a word if it is there, else where it first is.
    first = text.find(letters)
    if first >= 0:
        at_word = (s for s in by_letter.get(letters[0], ()) if text.startswith(letters, s))
        first = next(at_word, first)
        offsets = list(range(first, first + len(letters)))
        return _score(offsets, set(starts)), tuple(offsets)
    offsets = []
    at = 0  # the first place the next letter may take
    for k, letter in enumerate(letters):
        if offsets and text[at] == letter:
            offsets.append(at)
        else:
            words = by_letter.get(letter, ())
            i = bisect_left(words, at)
            if i < len(words) and words[i] <= latest[k]:
                offsets.append(words[i])
            else:
                offsets.append(text.find(letter, at, latest[k] + 1))
        at = offsets[-1] + 1
    return _score(offsets, set(starts)), tuple(offsets)


def _score(offsets: list[int], word_starts: set[int]) -> float:
    """Textual's ``FuzzySearch.score``: letters plus word starts, boosted for few runs."""
    count = len(offsets)
    runs = 1 + sum(1 for a, b in pairwise(offsets) if b != a + 1)
    together = (count - (runs - 1)) / count
    return (count + len(word_starts.intersection(offsets))) * (1 + together * together)


def _candidates(arranged: Arranged, pane: Kind, matched: list[int]) -> Iterator[int]:
    """Rows whose search key holds the query, then (for small kinds) every other row."""
    yield from matched[:MAX_PER_KIND]
    if arranged.total(pane) <= FUZZY_LIMIT:
        seen = set(matched[:MAX_PER_KIND])
        for row in range(arranged.total(pane)):
            if row not in seen:
                yield row


def _name(arranged: Arranged, pane: Kind, row: int) -> tuple[str, tuple[str, ...], str]:
    """(name to show and match, other names that match too, quiet help text)."""
    if pane is Kind.ACTOR:
        actor = arranged.actors[row]
        extra = actor.kind + (f" · {actor.role}" if actor.role else "")
        if actor.aliases:
            extra += " · also " + ", ".join(actor.aliases)
        return actor.name, actor.aliases, extra
    if pane is Kind.DISAGREEMENT:
        disagreement = arranged.disagreements[row]
        return disagreement.title, (), f"{disagreement.state} · {disagreement.id}"
    event = arranged.events[row]
    return event.title, (), f"{event.date.text} · {event.state} · {event.id}"


# Between equally good matches, actors come first, then disagreements, then events.
_BONUS = {Kind.ACTOR: 50.0, Kind.DISAGREEMENT: 25.0, Kind.EVENT: 0.0}


class GoTo(Message):
    """A palette entry was chosen: focus the dashboard on ``ref`` (the app does)."""

    def __init__(self, ref: Ref) -> None:
        super().__init__()
        self.ref = ref


class GoToProvider(Provider):
    """Go to an actor, disagreement or event."""

    @property
    def arranged(self) -> Arranged | None:
        """What the dashboard (the bottom screen) shows; None while loading."""
        stack = self.app.screen_stack
        dashboard = stack[0] if stack else None
        return dashboard.arranged if isinstance(dashboard, DashboardScreen) else None

    def _go(self, ref: Ref) -> None:
        self.app.post_message(GoTo(ref))

    async def discover(self) -> Hits:
        arranged = self.arranged
        if arranged is None:
            return
        for pane in (Kind.ACTOR, Kind.DISAGREEMENT):
            for row in range(min(arranged.total(pane), MAX_PER_KIND)):
                name, _, extra = _name(arranged, pane, row)
                name = drawn(" ".join(name.split()))
                ref = arranged.ref_at(pane, row)
                yield DiscoveryHit(
                    Content.assemble((f"Go to {pane.singular}: ", ROLE_STYLE["dim"]), name),
                    partial(self._go, ref),
                    text=name,
                    # Textual types help as str, but draws a Content as it is: data must
                    # not be read as markup. type: ignore for that narrower annotation.
                    help=Content(drawn(" ".join(extra.split()))),  # type: ignore[arg-type]
                )

    async def search(self, query: str) -> Hits:
        arranged = self.arranged
        if arranged is None or not query.strip():
            return
        style = self.match_style or Style(reverse=True)
        for pane in PANES:
            hits = 0
            matched = arranged.index[pane].search(query) or []
            wanted = normalise(query)
            in_keys = set(matched[:MAX_PER_KIND])
            for row in _candidates(arranged, pane, matched):
                name, aliases, extra = _name(arranged, pane, row)
                name = drawn(" ".join(name.split()))  # matched as shown: the offsets fit it
                score, offsets = fuzzy_match(query, name)
                fuzzy = max([score, *(fuzzy_match(query, a)[0] for a in aliases)])
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
                    Content.assemble((f"Go to {pane.singular}: ", ROLE_STYLE["dim"]), display),
                    partial(self._go, arranged.ref_at(pane, row)),
                    text=name,
                    # Textual types help as str, but draws a Content as it is: data must
                    # not be read as markup. type: ignore for that narrower annotation.
                    help=Content(drawn(" ".join(extra.split()))),  # type: ignore[arg-type]
                )
                hits += 1
                if hits >= MAX_PER_KIND:
                    break

"""Filtering entities by what an analyst types, fast enough for a keystroke at 100,000 events.

Each entity's searchable text (names, aliases, titles, summaries, ids and a few short
descriptive fields) is normalised once into a key: case-folded, accents removed, on one
line. A ``SearchIndex`` keeps the keys of one list in display order and answers "which
rows contain every word of this query" with C-speed substring scans, narrowing the last
answer while the query only grows. No Textual here: the dashboard imports this, never
the reverse.
"""

from __future__ import annotations

import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from itertools import chain, compress, repeat
from operator import contains
from typing import NamedTuple

from .model import Actor, Disagreement, Event, Source

__all__ = [
    "SearchIndex",
    "actor_key",
    "disagreement_key",
    "event_key",
    "normalise",
    "source_key",
    "terms",
]


def normalise(text: str) -> str:
    """Case-folded, without combining accents, whitespace collapsed to single spaces.

    "Lukašenka" and "LUKASENKA" both become "lukasenka"; "Nur\u00a0Otan" becomes "nur otan".
    """
    folded = text.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        # NFKD may expose capitals again (e.g. compatibility forms); fold once more.
        folded = folded.casefold()
    return " ".join(folded.split())


def terms(query: str) -> tuple[str, ...]:
    """The words of a query, normalised: a row matches when it contains every one."""
    return tuple(dict.fromkeys(normalise(query).split(" "))) if query.strip() else ()


def _key(parts: Iterable[str | None]) -> str:
    """``normalise`` of the non-empty parts joined by spaces, its ASCII case inlined:
    one of these runs for every entity when a dossier is arranged."""
    joined = " ".join(filter(None, parts))
    folded = joined.casefold()
    if folded.isascii():
        return " ".join(folded.split())
    return normalise(joined)


def actor_key(actor: Actor) -> str:
    return _key((actor.name, *actor.aliases, actor.id, actor.role, actor.kind,
                 actor.country, actor.summary, *actor.tags))  # fmt: skip


def disagreement_key(disagreement: Disagreement) -> str:
    # ``status or "open"`` is ``disagreement.state``, without a property call.
    # Positions' quotes too: an actor's own words find the question they answer.
    return _key((disagreement.title, disagreement.id, disagreement.question,
                 disagreement.summary, disagreement.status or "open",
                 *disagreement.topics,
                 *[p.quote for p in disagreement.positions if p.quote]))  # fmt: skip


def event_key(event: Event) -> str:
    # ``status or "reported"`` is ``event.state``, without a property call.
    return _key((event.title, event.id, event.date.text, event.date_text, event.summary,
                 event.type, event.status or "reported", event.likelihood,
                 event.location, event.quote))  # fmt: skip


def source_key(source: Source) -> str:
    return _key((source.title, source.id, source.publisher, source.url))


class SearchIndex:
    """The search keys of one ordered list of entities, and fast substring filtering.

    ``search(query)`` returns the ascending row numbers whose key contains every term
    of the query, or ``None`` when the query is empty (every row matches).
    ``search_start(query, want, budget)`` returns only the start of that answer: enough
    rows to fill a screen, found by looking at no more than ``budget`` rows, so that a
    keystroke costs what the screen shows, not what the dossier holds. ``search`` then
    goes on from where ``search_start`` stopped.

    The progress of the last query is remembered: when the new query only adds
    characters to it (the usual case while typing), only the rows that matched before
    are checked again, and only for the words that changed; rows the last query had not
    reached yet are scanned afresh. Whole answers are also remembered, so that erasing
    what was typed costs no scan.

    Every scan runs in C (``map``/``compress`` over the keys): no Python step per row.
    What is remembered is replaced whole, never changed in place, so searches from two
    threads (the screen's first rows, a worker's whole answer) never mix answers.
    """

    __slots__ = ("_keys", "_last", "_recent")

    def __init__(self, keys: Sequence[str]) -> None:
        # Tuples, not lists: holding only strings, the collector stops tracking them after
        # one pass, so a full collection no longer walks 100,000 references. The keys are
        # the only copy of the text (no joined copy besides: see ``_rows_containing``).
        self._keys: tuple[str, ...] = tuple(keys)
        self._last: _Progress | None = None
        # Recent answers, packed (4 bytes a row), so that erasing what was typed costs no
        # scan: each shorter query was answered a moment ago.
        self._recent: dict[tuple[str, ...], array[int]] = {}

    @classmethod
    def spliced(cls, previous: SearchIndex, runs: Iterable[range | Sequence[str]]) -> SearchIndex:
        """``SearchIndex`` of the keys ``runs`` make: ranges of ``previous``'s rows and
        lists of new keys, in order. Equal to building it from those keys; the kept keys
        are ``previous``'s very strings, sliced out in C (no step per key)."""
        old_keys = previous._keys
        keys: list[str] = []
        for run in runs:
            keys += old_keys[run.start : run.stop] if isinstance(run, range) else run
        return cls(keys)

    def __len__(self) -> int:
        return len(self._keys)

    def key(self, row: int) -> str:
        return self._keys[row]

    def search(self, query: str, stop: Callable[[], bool] | None = None) -> list[int] | None:
        """The rows whose key holds every word of ``query``, ascending; None for no words.

        ``stop`` is asked between chunks of rows; when it answers True the search gives
        up with ``SearchStopped`` (a newer query made this one moot); the rows decided
        so far are kept for the next search of the same or a longer query.
        """
        words = terms(query)
        if not words:
            return None
        return self._advance(words, len(self._keys), None, stop).rows

    def search_start(self, query: str, want: int, budget: int) -> tuple[list[int], bool] | None:
        """The first rows of ``search(query)``, and whether they are all of them.

        Rows are checked in order until ``want`` match or ``budget`` rows have been
        looked at (from the last query's answer when this one narrows it, else from the
        keys), so fewer than ``want`` may come back before the answer is complete. What
        comes back is always the start of the whole answer, in order. None for no words.
        """
        words = terms(query)
        if not words:
            return None
        progress = self._advance(words, want, budget)
        return progress.rows, progress.scanned >= len(self._keys)

    def _advance(
        self,
        words: tuple[str, ...],
        want: int,
        budget: int | None,
        stop: Callable[[], bool] | None = None,
    ) -> _Progress:
        """Go on deciding rows for ``words`` until ``want`` match, ``budget`` rows were
        looked at, or every row is decided; remember how far it got."""
        n = len(self._keys)
        recent = self._recent.get(words)
        if recent is not None:  # answered a moment ago: no scan
            self._last = _Progress(words, recent.tolist(), n, None)
            return self._last
        last = self._last
        progress = self._progress_for(words)
        rows, scanned, source = progress.rows, progress.scanned, progress.source
        found: list[list[int]] = [rows]
        count = len(rows)
        looked = 0
        step = _FIRST_STEP if budget is not None else CHUNK
        try:
            while scanned < n and count < want and (budget is None or looked < budget):
                if stop is not None and stop():
                    raise SearchStopped
                if budget is not None:
                    step = min(step, budget - looked)
                # A broader query's answer so far, itself perhaps narrowed from an older,
                # still broader one that got further: the first that covers this row.
                # (One that matched over half its rows is no help: scanning the keys
                # afresh is cheaper than picking them out one by one.)
                while source is not None and (
                    scanned >= source.scanned or len(source.rows) * 2 > source.scanned
                ):
                    source = source.source
                if source is not None:
                    # Rows the broader query decided: only its matches can match here.
                    lo = bisect_left(source.rows, scanned)
                    hi = lo + step
                    bound = source.rows[hi] if hi < len(source.rows) else source.scanned
                    new = [w for w in words if w not in source.words]
                    part = source.rows[lo:hi]
                    looked += len(part)
                    for word in sorted(new, key=len, reverse=True):
                        part = _with(self._keys, part, word)
                else:
                    bound = min(n, scanned + step)
                    looked += bound - scanned
                    part = self._scan(words, scanned, bound)
                found.append(part)
                count += len(part)
                scanned = bound
                if budget is not None:
                    step *= 2  # a rare word: look further at each step
        finally:
            if len(found) > 1:
                rows = list(chain.from_iterable(found))
                while source is not None and scanned >= source.scanned:
                    source = source.source  # past what it decided: no longer needed
                progress = _Progress(words, rows, scanned, source)
                # Unless another thread has moved on meanwhile (a newer query's progress
                # is worth more to the next keystroke than this).
                if self._last is last:
                    self._last = progress
                if scanned >= n:
                    self._remember(words, rows)
        return progress

    def _progress_for(self, words: tuple[str, ...]) -> _Progress:
        """Where deciding rows for ``words`` starts: the last query's progress if it is the
        same query; when this one narrows it, from its answer so far; else from scratch."""
        last = self._last
        if last is not None and last.words == words:
            return last
        if last is not None and _narrows(last.words, words):
            return _Progress(words, [], 0, last)
        return _Progress(words, [], 0, None)

    def _remember(self, words: tuple[str, ...], rows: list[int]) -> None:
        recent = dict(self._recent)  # replaced whole: another thread may be reading it
        recent.pop(words, None)
        recent[words] = array(_ROW, rows)
        while len(recent) > _RECENT:
            del recent[next(iter(recent))]
        self._recent = recent

    def _scan(self, words: tuple[str, ...], lo: int, hi: int) -> list[int]:
        """The rows from ``lo`` up to ``hi`` whose key holds every word."""
        # The longest word is usually the rarest: find its rows, then check the other
        # words on those rows only.
        first, *rest = sorted(words, key=len, reverse=True)
        rows = self._rows_containing(first, lo, hi)
        for word in rest:
            rows = _with(self._keys, rows, word)
        return rows

    def _rows_containing(self, word: str, lo: int, hi: int) -> list[int]:
        # One C pass over the keys. (A joined copy of every key, searched with
        # ``str.find`` from hit to hit, was faster only for a word in almost no row, and
        # held the text twice: 15 MB more at 100,000 events, rebuilt on every refresh.)
        return list(compress(range(lo, hi), map(contains, self._keys[lo:hi], repeat(word))))


class _Progress(NamedTuple):
    """How far a query got: its matches among the rows below ``scanned``, ascending.

    ``source`` is a broader query's progress (one this query narrows) that had decided
    more rows than this one: below ``source.scanned``, only its matches need checking.
    """

    words: tuple[str, ...]
    rows: list[int]
    scanned: int
    source: _Progress | None


_RECENT = 16  # answers kept; at 1,000,000 keys, at most 64 MB
_ROW = "i" if array("i").itemsize >= 4 else "l"
# Rows scanned per C call. Between calls another thread (the UI) can take the
# interpreter, so a search run in a worker never holds it for more than a few ms.
CHUNK = 32_768
# The first step of ``search_start``: small, since a common word fills a screen within
# a few hundred rows; each further step doubles.
_FIRST_STEP = 1_024


class SearchStopped(Exception):
    """A search gave up because its caller's ``stop`` said so."""


def _with(keys: tuple[str, ...], rows: Sequence[int], word: str) -> list[int]:
    """The rows among ``rows`` whose key contains ``word``, selected in C."""
    return list(compress(rows, map(contains, map(keys.__getitem__, rows), repeat(word))))


def _narrows(previous: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """True when every row matching ``words`` also matched ``previous``."""
    return all(any(p in w for w in words) for p in previous)

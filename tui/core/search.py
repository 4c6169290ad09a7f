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
from typing import Iterable, Sequence

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

# Rows are joined with this separator into one string to scan; it cannot occur in a
# normalised key or query, so no match spans two rows.
_SEP = "\n"


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
    return normalise(" ".join(p for p in parts if p))


def actor_key(actor: Actor) -> str:
    return _key((actor.name, *actor.aliases, actor.id, actor.role, actor.kind,
                 actor.country, actor.summary, *actor.tags))  # fmt: skip


def disagreement_key(disagreement: Disagreement) -> str:
    return _key((disagreement.title, disagreement.id, disagreement.question,
                 disagreement.summary, disagreement.state, *disagreement.topics))  # fmt: skip


def event_key(event: Event) -> str:
    return _key((event.title, event.id, event.date.text, event.date_text, event.summary,
                 event.type, event.state, event.likelihood, event.location))  # fmt: skip


def source_key(source: Source) -> str:
    return _key((source.title, source.id, source.publisher, source.url))


class SearchIndex:
    """The search keys of one ordered list of entities, and fast substring filtering.

    ``search(query)`` returns the ascending row numbers whose key contains every term
    of the query, or ``None`` when the query is empty (every row matches). The previous
    answer is remembered: when the new query only adds characters to it (the usual case
    while typing), only the rows that matched before are checked again.
    """

    __slots__ = ("_keys", "_blob", "_starts", "_last_terms", "_last_rows")

    def __init__(self, keys: Sequence[str]) -> None:
        # Keys come from the *_key functions, already normalised; normalising again is
        # cheap insurance for callers that build their own.
        self._keys: list[str] = [k if _SEP not in k else k.replace(_SEP, " ") for k in keys]
        self._blob = _SEP.join(self._keys)
        starts: list[int] = []
        offset = 0
        for key in self._keys:
            starts.append(offset)
            offset += len(key) + 1
        self._starts = starts
        self._last_terms: tuple[str, ...] = ()
        self._last_rows: list[int] | None = None

    def __len__(self) -> int:
        return len(self._keys)

    def key(self, row: int) -> str:
        return self._keys[row]

    def search(self, query: str) -> list[int] | None:
        words = terms(query)
        if not words:
            return None
        previous, rows = self._last_terms, self._last_rows
        if (
            rows is not None
            and previous
            and len(rows) < len(self._keys) // 4  # past that, one fresh scan is cheaper
            and _narrows(previous, words)
        ):
            result = _keep(self._keys, rows, words)
        else:
            result = self._scan(words)
        self._last_terms, self._last_rows = words, result
        return result

    def _scan(self, words: tuple[str, ...]) -> list[int]:
        # The longest word is usually the rarest: find its rows in the joined keys, then
        # check the other words on those rows only.
        first = max(words, key=len)
        rest = tuple(w for w in words if w != first)
        candidates = self._rows_containing(first)
        return _keep(self._keys, candidates, rest) if rest else candidates

    def _rows_containing(self, word: str) -> list[int]:
        blob = self._blob
        keys = self._keys
        n = len(keys)
        # Few hits: jump from hit to hit through the joined keys (one C scan). Many
        # hits: test each key directly, which avoids a Python step per hit.
        if blob.count(word, 0, min(len(blob), 200_000)) * max(1, len(blob) // 200_000) > n // 8:
            return [i for i, key in enumerate(keys) if word in key]
        from bisect import bisect_right

        starts = self._starts
        found: list[int] = []
        at = blob.find(word)
        while at != -1:
            row = bisect_right(starts, at) - 1
            found.append(row)
            if row + 1 >= n:
                break
            at = blob.find(word, starts[row + 1])
        return found


def _keep(keys: list[str], rows: list[int], words: tuple[str, ...]) -> list[int]:
    """The rows among ``rows`` whose key contains every word."""
    if len(words) == 1:
        (word,) = words
        return [i for i in rows if word in keys[i]]
    return [i for i in rows if all(w in keys[i] for w in words)]


def _narrows(previous: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """True when every row matching ``words`` also matched ``previous``."""
    return all(any(p in w for w in words) for p in previous)

"""Filtering entities by what an analyst types, fast enough for a keystroke at 100,000 events.

Each entity's searchable text (names, aliases, titles, summaries, ids and a few short
descriptive fields) is normalised once into a key: case-folded, accents removed, on one
line. A ``SearchIndex`` keeps the keys of one list in display order and answers "which
rows contain every word of this query" with C-speed substring scans, narrowing the last
answer while the query only grows. No Textual here: the dashboard imports this, never
the reverse.
"""

from __future__ import annotations

import mmap
import sys
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate, chain, compress, repeat
from operator import contains
from typing import TYPE_CHECKING, NamedTuple, overload

from .gcpause import old_lists
from .model import Actor, Disagreement, Event, Source

if TYPE_CHECKING:  # numpy is imported where it is used: not at start (75 ms)
    import numpy as np
    import numpy.typing as npt

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
# The joined keys are kept as UTF-8 bytes (as many as the characters for ASCII text), so
# that numpy can scan them in place; a UTF-8 word matches UTF-8 text only at a character's
# start, so a byte match is a character match. (See also _SEP_BYTES, below.)


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
    reached yet are scanned afresh. Where a word was found through the joined keys is
    remembered too, so that the word typed on is checked at those places only. Whole
    answers are also remembered, so that erasing what was typed costs no scan.

    Every scan runs in C: from 1 MiB of keys, numpy through the joined keys (UTF-8) for
    a word of two bytes or more (two bytes compared at a time, 2–3× faster than
    ``str.find`` on the same text); ``map``/``compress`` over the keys for a word in
    nearly every row (or any, below 1 MiB), or ``bytes.find`` hit by hit for a rare
    one: no Python step per row. An index spliced for a refresh has no joined text
    until ``encode`` writes it (nor one whose text was released): it tests its keys
    alone meanwhile, with the same answers. What is remembered is
    replaced whole, never changed in place, so searches from two threads (the screen's
    first rows, a worker's whole answer) never mix answers.
    """

    __slots__ = ("_answer", "_grams", "_hits", "_keys", "_last", "_prepared", "_recent",
                 "_releases", "_text")  # fmt: skip

    def __init__(self, keys: Sequence[str]) -> None:
        # Keys come from the *_key functions, already normalised and on one line; a key
        # holding the separator (a caller's own) has it replaced, so no match spans rows.
        keys = list(keys)
        text = _joined(keys, apart=True)
        # A tuple, not a list: holding only strings, the collector stops tracking it after
        # one pass, so a full collection no longer walks 100,000 references. (A spliced
        # index's keys are a list: see ``spliced``.)
        self._keys: Sequence[str] = tuple(keys)
        # The keys joined (see _Text), or None until ``encode`` writes them: an index
        # spliced for a refresh, or one whose text was released, scans its keys alone.
        self._text: _Text | None = text
        # Which rows hold each byte and pair of bytes of the text (see _Grams), on a large
        # index of up to _GRAMS_UP_TO rows: a key answered from these, not a scan.
        self._grams: _Grams | None = _grams_of(text, len(keys))
        # The last answer found through the grams, in numpy: the next key narrows it.
        self._answer: tuple[tuple[str, ...], npt.NDArray[np.intp]] | None = None
        self._prepared: bytes | None = None  # the word ``prepare`` last looked for
        self._releases = 0  # how many times the text was let go (see encode)
        self._last: _Progress | None = None
        # Recent answers, packed (4 bytes a row), so that erasing what was typed costs no
        # scan: each shorter query was answered a moment ago.
        self._recent: dict[tuple[str, ...], array[int] | npt.NDArray[np.int32]] = {}
        # Where the last word looked for through the bytes was found, by range of rows:
        # a word typed on from it is checked at those places only.
        self._hits: dict[tuple[int, int], _Hits] = {}

    @classmethod
    def spliced(cls, previous: SearchIndex, runs: Iterable[range | Sequence[str]]) -> SearchIndex:
        """``SearchIndex`` of the keys ``runs`` make: ranges of ``previous``'s rows and
        lists of new keys, in order. Equal to building it from those keys, but only the
        new keys are checked for the separator, and the joined text is not written: the
        index answers from its keys until ``encode`` writes it. So a refresh, which
        builds this beside the index shown, holds no second text (16 MB at 100,000
        events, 160 MB at a million): the app encodes it once it is shown and the
        previous one is let go (``Arranged.complete``)."""
        old_keys = previous._keys
        # A list made old first, kept as it is: made a tuple (as a fresh index's keys
        # are), its million references were walked by a young collection (40-130 ms
        # holding the interpreter at a million events, in the refresh's worker).
        (keys,) = old_lists(1)
        for run in runs:
            if isinstance(run, range):
                keys += old_keys[run.start : run.stop]
            elif run:
                keys += _apart(run)
        index = cls.__new__(cls)
        index._keys = keys
        index._text = None
        index._grams = None
        index._answer = None
        index._prepared = None
        index._releases = 0
        index._last = None
        index._recent = {}
        index._hits = {}
        return index

    @property
    def encoded(self) -> bool:
        """Whether the joined text is written (else searches scan the keys alone)."""
        return self._text is not None

    def encode(self) -> None:
        """Write the joined text, if it is not (in steps of ``_TEXT_STEP`` keys; at a
        million events a few hundred ms, in the worker that completes an arranged view).
        Given up if ``release`` is called meanwhile: a refresh that starts while the
        text of the view it replaces is being written must not find it written after."""
        if self._text is not None:
            return
        releases = self._releases
        text = _joined(list(self._keys), apart=False, stop=lambda: self._releases != releases)
        if text is not None and self._releases == releases:
            self._text = text
            grams = _grams_of(text, len(self._keys), stop=lambda: self._releases != releases)
            if self._releases == releases:
                self._grams = grams

    def release(self) -> None:
        """Let the joined text go: the index answers from its keys alone (the same
        answers) until ``encode`` writes it again. A refresh releases the text of the
        index shown before it builds the next, so that its other new indexes are not
        built beside it. A search under way keeps the text it started with."""
        self._releases += 1
        self._text = None
        self._grams = None
        self._answer = None
        self._prepared = None

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

    def ready_for(self, query: str) -> bool:
        """Whether ``prepare(query)`` has work to do (asked on the UI thread: cheap)."""
        return self._next_needle(query) is not None

    def prepare(self, query: str) -> None:
        """Get ready for the next key of ``query``: when its last word (being typed) is of
        two bytes, which the grams answer without looking at the text, note where it is
        in the text, so that the next letter is checked at those places instead of the
        text being scanned then (10 ms at 100,000 events). Run in a worker after the
        query's rows are shown, in the time between two keys; harmless if the next key's
        search runs meanwhile (what is noted is replaced whole)."""
        needle = self._next_needle(query)
        grams, text = self._grams, self._text  # once: another thread may release them
        if needle is None or grams is None or text is None:
            return
        n = len(self._keys)
        self._vector_hit(text, needle, 0, n, 0, min(text.starts[n], len(text.blob)), None,
                         grams.starts)  # fmt: skip
        self._prepared = needle  # (its places are not kept if it is in too many)

    def _next_needle(self, query: str) -> bytes | None:
        """The last word of ``query`` in UTF-8, if it is one ``prepare`` looks for."""
        if self._grams is None or self._text is None or not query or query[-1].isspace():
            return None
        needle = normalise(query).rsplit(" ", 1)[-1].encode(_UTF8, _SURROGATES)
        hits = self._hits.get((0, len(self._keys)))
        if len(needle) != 2 or needle == self._prepared:
            return None
        if hits is not None and hits.needle == needle:
            return None
        return needle

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
        grams = self._grams  # once: another thread may release it meanwhile
        if grams is not None:  # every row decided at once, whatever ``want`` and ``budget``
            if stop is not None and stop():
                raise SearchStopped
            progress = _Progress(words, self._gram_rows(grams, words, stop), n, None)
            if self._last is last:
                self._last = progress
            self._remember(words, progress.rows, self._answer)
            return progress
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
                new = [w for w in words if source is not None and w not in source.words]
                # (Nor is one when the new word is typed on from one found in these rows
                # through the bytes: checking its new letters at those places is cheaper.)
                if source is not None and not self._typed_on(new, scanned, scanned + step):
                    # Rows the broader query decided: only its matches can match here.
                    lo = bisect_left(source.rows, scanned)
                    hi = lo + step
                    bound = source.rows[hi] if hi < len(source.rows) else source.scanned
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

    def _gram_rows(
        self, grams: _Grams, words: tuple[str, ...], stop: Callable[[], bool] | None
    ) -> list[int]:
        """The rows whose key holds every word, found through ``grams`` (no scan for a
        word of one or two bytes: the rows holding it as a gram) and, for a longer word,
        the places of the word it is typed on from (``_hits``, its new bytes checked
        there), else a test of its key in the rows its grams allow, else, when those are
        many, a scan of the bytes that notes its places for the next key. When the query
        narrows the last answer, only that answer's rows are looked at, for the new words
        alone. A fraction of a millisecond for a short word; a few for one typed on."""
        import numpy as np  # imported already: the grams were made with it

        n = len(self._keys)
        last = self._last
        rows: npt.NDArray[np.intp] | None = None  # None: every row
        new = words
        if last is not None and last.scanned >= n and _narrows(last.words, words):
            kept = self._answer
            same = kept is not None and kept[0] == last.words
            rows = kept[1] if kept is not None and same else np.array(last.rows, dtype=np.intp)
            new = tuple(w for w in words if w not in last.words)
        # A longer word typed on from the last one found through the bytes is checked at
        # its places (its grams are no help); the other words' grams are looked up.
        hits = self._hits.get((0, n))
        longer: list[bytes] = []
        for word in new:
            needle = word.encode(_UTF8, _SURROGATES)
            if len(needle) > 2:
                longer.append(needle)
                if hits is not None and needle.startswith(hits.needle):
                    continue
            for code in _codes_of(needle):
                rows = grams.within(code, rows, n)
                if not len(rows):
                    return []
        # The word typed on first (its new bytes, at its known places), then the longest.
        longer.sort(key=lambda needle: (hits is None or not needle.startswith(hits.needle),
                                        -len(needle)))  # fmt: skip
        if rows is None:  # one word, typed on from the last: every row may hold it
            rows = np.arange(n)
        text = self._text
        for needle in longer:
            if stop is not None and stop():
                raise SearchStopped
            hits = self._hits.get((0, n))
            known = hits if hits is not None and needle.startswith(hits.needle) else None
            if text is not None and (known is not None or len(rows) * _SCAN_OVER > n):
                end = min(text.starts[n], len(text.blob))
                hit = self._vector_hit(text, needle, 0, n, 0, end, known, grams.starts)
                rows = rows[hit[rows]]
            else:
                word = needle.decode(_UTF8, _SURROGATES)
                rows = np.array(_with(self._keys, rows.tolist(), word), dtype=np.intp)
            if not len(rows):
                return []
        assert rows is not None  # every word has a gram
        self._answer = (words, rows)  # for the next key, which likely narrows it
        found: list[int] = rows.tolist()
        return found

    def _progress_for(self, words: tuple[str, ...]) -> _Progress:
        """Where deciding rows for ``words`` starts: the last query's progress if it is the
        same query; when this one narrows it, from its answer so far; else from scratch."""
        last = self._last
        if last is not None and last.words == words:
            return last
        if last is not None and _narrows(last.words, words):
            return _Progress(words, [], 0, last)
        return _Progress(words, [], 0, None)

    def _remember(
        self,
        words: tuple[str, ...],
        rows: list[int],
        answer: tuple[tuple[str, ...], npt.NDArray[np.intp]] | None = None,
    ) -> None:
        """Keep ``rows``, the whole answer for ``words`` (``answer``: the same in numpy)."""
        recent = dict(self._recent)  # replaced whole: another thread may be reading it
        recent.pop(words, None)
        if answer is not None and answer[0] == words:
            import numpy as np  # imported already: the answer was found with it

            recent[words] = answer[1].astype(np.int32)
        else:
            recent[words] = array(_ROW, rows)
        while len(recent) > _RECENT:
            del recent[next(iter(recent))]
        self._recent = recent

    def _typed_on(self, words: Sequence[str], lo: int, hi: int) -> str | None:
        """The word of ``words`` that extends (or is) the last word found through the
        bytes of rows ``lo`` up to ``hi`` (``_hits``), if one does."""
        hits = self._hits.get((lo, min(hi, len(self._keys))))
        if hits is None or self._text is None:
            return None
        return next(
            (w for w in words if w.encode(_UTF8, _SURROGATES).startswith(hits.needle)), None
        )

    def _scan(self, words: tuple[str, ...], lo: int, hi: int) -> list[int]:
        """The rows from ``lo`` up to ``hi`` whose key holds every word."""
        # The rarest word first (judged on the first rows; the longest among equals),
        # or one typed on from a word found in these rows: find its rows, then check
        # the other words on those rows only.
        typed_on = self._typed_on(words, lo, hi)
        shares = {word: 0.0 if word == typed_on else self._share(word, lo, hi) for word in words}
        first, *rest = sorted(words, key=lambda word: (word != typed_on, shares[word], -len(word)))
        rows = self._rows_containing(first, lo, hi, shares[first])
        for word in rest:
            rows = _with(self._keys, rows, word)
        return rows

    def _share(self, word: str, lo: int, hi: int) -> float:
        """The share of the first rows from ``lo`` (up to ``_SAMPLE``) that hold ``word``."""
        sample = self._keys[lo : min(hi, lo + _SAMPLE)]
        return sum(map(contains, sample, repeat(word))) / len(sample) if sample else 0.0

    def _rows_containing(self, word: str, lo: int, hi: int, share: float) -> list[int]:
        text = self._text  # once: another thread may release it meanwhile
        if text is None:  # not written (yet): every key tested, in C
            return list(compress(range(lo, hi), map(contains, self._keys[lo:hi], repeat(word))))
        blob, starts = text
        needle = word.encode(_UTF8, _SURROGATES)
        begin, end = starts[lo], min(starts[hi], len(blob))
        # A word in nearly every row: test every key (one C pass, each test ending at
        # the first match). A longer word in a large range: numpy through the bytes.
        # Else few hits: jump from hit to hit, a Python step per hit but none per row.
        hits = self._hits.get((lo, hi))
        if hits is not None and needle.startswith(hits.needle):
            return self._vector_rows(text, needle, lo, hi, begin, end, hits)
        vector = len(needle) >= 2 and end - begin >= _VECTOR_FROM
        if share > _NEARLY_ALL or (share > _FEW and not vector):
            return list(compress(range(lo, hi), map(contains, self._keys[lo:hi], repeat(word))))
        if vector:
            return self._vector_rows(text, needle, lo, hi, begin, end)
        found: list[int] = []
        at = blob.find(needle, begin, end)
        while at != -1:
            row = bisect_right(starts, at) - 1
            found.append(row)
            if row + 1 >= hi:
                break
            at = blob.find(needle, starts[row + 1], end)
        return found

    def _vector_rows(
        self,
        text: _Text,
        needle: bytes,
        lo: int,
        hi: int,
        begin: int,
        end: int,
        known: _Hits | None = None,
    ) -> list[int]:
        """``_vector_hit``'s rows, as row numbers."""
        import numpy as np

        hit = self._vector_hit(text, needle, lo, hi, begin, end, known)
        return (np.flatnonzero(hit) + lo).tolist()

    def _vector_hit(
        self,
        text: _Text,
        needle: bytes,
        lo: int,
        hi: int,
        begin: int,
        end: int,
        known: _Hits | None = None,
        starts: npt.NDArray[np.int64] | None = None,
    ) -> npt.NDArray[np.bool_]:
        """Which rows from ``lo`` up to ``hi`` (bytes ``begin`` to ``end``) holding ``needle``
        (two bytes or more), found by numpy: the bytes read two at a time, at even and odd
        offsets, against the needle's first two (a pass of compares in C that releases
        the interpreter), then the rest of the needle checked at those places only. With
        ``known`` (where a word the needle begins with was found in these rows), only
        the needle's further bytes are checked, at those places."""
        import numpy as np  # here, not at start: 75 ms the first frame does not need

        blob, offsets = text
        data = np.frombuffer(blob, dtype=np.uint8)
        owners = None  # the row of each place, from ``lo``, if known
        if known is not None:  # (numpy indexes by intp: by int32, 4× slower)
            places = known.places.astype(np.intp) + begin
            owners = known.rows.astype(np.intp) if known.rows is not None else None
            checked = len(known.needle)
        else:
            pair = int.from_bytes(needle[:2], "little")
            found = []
            for offset in (0, 1):
                at = begin + offset
                count = (end - at) // 2
                if count > 0:
                    pairs = np.frombuffer(blob, "<u2", count, at)
                    found.append(np.flatnonzero(pairs == pair) * 2 + at)
            places = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
            checked = 2
        if len(needle) > checked:
            keep = places + len(needle) <= end
            places = places[keep]
            owners = owners[keep] if owners is not None else None
        for k in range(checked, len(needle)):
            keep = data[places + k] == needle[k]
            places = places[keep]
            owners = owners[keep] if owners is not None else None
        if owners is None:
            # Where the range's rows start (a copy of a slice, well under a millisecond
            # for 32,768 rows: kept for the whole index it would cost memory, and its
            # first making a stall on whichever thread searched first).
            if starts is None:
                starts = np.array(offsets[lo : hi + 1], dtype=np.int64)
            owners = np.searchsorted(starts, places, side="right") - 1
        hit = np.zeros(hi - lo, dtype=np.bool_)
        hit[owners] = True
        # Kept (4 bytes a place) unless the word is common; through the grams (``starts``,
        # the whole index), with the row of each place, and up to _PLACES_A_ROW a row.
        whole = starts is not None and lo == 0
        if len(places) <= (hi - lo) * (_PLACES_A_ROW if whole else 1):
            kept = dict(self._hits)  # replaced whole: another thread may be reading it
            rows = owners.astype(np.int32) if whole else None
            kept[(lo, hi)] = _Hits(needle, (places - begin).astype(np.int32), rows)
            while len(kept) > _HIT_RANGES:
                del kept[next(iter(kept))]
            self._hits = kept
        return hit


class _Text(NamedTuple):
    """The keys joined by the separator, in UTF-8 (numpy scans it in place), and where
    each key starts in it: the last offset is where a key after them would start. A
    large text is an anonymous mapping (``_blank``), which ``find``, ``len`` and numpy
    read as they read a ``bytearray``; compare it as ``bytes``."""

    blob: bytearray | mmap.mmap
    starts: array[int]


class _Hits(NamedTuple):
    """Where ``needle`` was found in a range of rows: byte offsets from the range's start,
    and (searched through the grams) the row of each, from the range's first."""

    needle: bytes
    places: npt.NDArray[np.int32]
    rows: npt.NDArray[np.int32] | None = None


class _Grams(NamedTuple):
    """Which rows of an index hold each byte and each pair of adjacent bytes of their
    keys' UTF-8 (``_codes_of``): a bitmap of every row (``np.packbits`` order) for a
    gram held by one row in ``_RARE`` or more, else its rows, ascending. A word of one
    or two bytes is in exactly the rows holding it as a gram (a UTF-8 character
    starts only where a character starts); a longer one only where all its pairs are.
    At the bench's 100,000 events, 316 grams: about 4 MB, against 16 MB of text."""

    common: dict[int, npt.NDArray[np.uint8]]
    rare: dict[int, npt.NDArray[np.int32]]
    starts: npt.NDArray[np.int64]  # the text's offsets (``_Text.starts``, in place)

    def within(
        self, code: int, rows: npt.NDArray[np.intp] | None, count: int
    ) -> npt.NDArray[np.intp]:
        """Those of ``rows`` (ascending; None: all ``count`` rows) that hold the gram."""
        import numpy as np

        bitmap = self.common.get(code)
        if bitmap is not None:
            if rows is None:
                return np.flatnonzero(np.unpackbits(bitmap, count=count))
            held_by: npt.NDArray[np.bool_] = (bitmap[rows >> 3] >> (7 - (rows & 7))) & 1 == 1
            return rows[held_by]
        held = self.rare.get(code)
        if held is None:
            return np.zeros(0, dtype=np.intp)
        if rows is None:
            return held.astype(np.intp)
        return np.intersect1d(rows, held, assume_unique=True)


class _Progress(NamedTuple):
    """How far a query got: its matches among the rows below ``scanned``, ascending.

    ``source`` is a broader query's progress (one this query narrows) that had decided
    more rows than this one: below ``source.scanned``, only its matches need checking.
    """

    words: tuple[str, ...]
    rows: list[int]
    scanned: int
    source: _Progress | None


_PLUS_ONE = (1).__add__
# The joined keys are kept in UTF-8 (a lone surrogate, which a document cannot hold but
# a caller's key might, passes through): a ``bytearray`` can be built piece by piece
# without a copy of every piece (``spliced``), and is a byte a character for the Latin
# text most keys are, where a ``str`` holding one Cyrillic letter takes two for all.
_UTF8, _SURROGATES = "utf-8", "surrogatepass"
_SEP_BYTES = _SEP.encode()
_OFFSET = "q"  # the keys' offsets in the text: 8 bytes each, not an int object
# How ``_rows_containing`` looks for a word, by the share of the first ``_SAMPLE`` rows
# that hold it: over ``_NEARLY_ALL``, key by key (a test ends at the first match, so it
# is quick when almost every key has one); from ``_VECTOR_FROM`` bytes of keys, numpy for
# a word of two characters or more; else key by key above ``_FEW``, hit by hit below.
# Measured on the bench's 100,000 events (155 characters a key): a two-letter word in
# half the rows takes 15 ms key by key, 6 ms by numpy; "round", in every row near the
# start of each key, 5 ms key by key, 12 ms by numpy. (numpy is imported on the first
# such scan, if the activity strip has not imported it already.)
_SAMPLE = 512
_NEARLY_ALL = 0.9
_FEW = 1 / 16
_VECTOR_FROM = 1 << 20  # below, a scan takes about a millisecond whichever way
# Ranges of rows whose last word's places are kept (at most one place a row, 4 bytes a
# place: 4 MB at 1,000,000 rows).
_HIT_RANGES = 64
_RECENT = 16  # answers kept; at 1,000,000 keys, at most 64 MB
_ROW = "i" if array("i").itemsize >= 4 else "l"
# Rows scanned per C call. Between calls another thread (the UI) can take the
# interpreter, so a search run in a worker never holds it for more than a few ms.
CHUNK = 32_768
# Keys joined and encoded per step when the text is written: each step's joined ``str`` and
# its bytes are alive beside the text (under 1 MB each; at CHUNK keys, 5 MB each, which
# a refresh's text written once it is shown added to the peak).
_TEXT_STEP = 4_096
# Keys whose lengths are summed per C call, when the text's size is taken: at a million
# keys one ``sum`` held the interpreter 18 ms (bench/README.md, "End of the night session").
_SIZE_STEP = 65_536
# From this size the text is an anonymous mapping, not a ``bytearray`` (see ``_blank``).
_MAPPED_FROM = 1 << 22
# The first step of ``search_start``: small, since a common word fills a screen within
# a few hundred rows; each further step doubles.
_FIRST_STEP = 1_024
# Grams (``_Grams``) are made for an index of _VECTOR_FROM bytes of text or more and at
# most _GRAMS_UP_TO rows: below, a scan takes about a millisecond; above (a million
# events), the screen shows a key's first rows at once and a worker finds the rest, and
# the grams would cost memory (40 MB) the 1M peak has no room for. Given up if their
# bitmaps, before the rare grams are made lists, would take more than _GRAMS_MAX_BYTES.
_GRAMS_UP_TO = 250_000
_GRAMS_MAX_BYTES = 32 << 20
_GRAM_STEP = 256  # rows a step when the grams are made (a multiple of 8): a
# step's arrays, alive together, under 1 MB at the bench's 155 bytes a key
_RARE = 32  # a gram in fewer than one row in this many is kept as its rows
_PAIRS = 1 << 16  # codes of pairs of bytes; a byte b alone is _PAIRS + b
# A longer word is looked for through the bytes (its places noted) when its grams leave
# more than one row in _SCAN_OVER to test, else by testing those rows' keys. Measured at
# 100,000 events: 46,000 keys tested, 11 ms; the bytes scanned, 10 ms.
_SCAN_OVER = 4
# Places of a word found through the grams' whole index are kept (8 bytes each, with
# their rows) when there are at most this many a row: 3.2 MB at 100,000 events.
_PLACES_A_ROW = 4


def _codes_of(needle: bytes) -> set[int]:
    """The grams a row must hold to hold ``needle`` (see ``_Grams``): its pairs of
    bytes, or its byte."""
    if len(needle) == 1:
        return {_PAIRS + needle[0]}
    return {needle[i] << 8 | needle[i + 1] for i in range(len(needle) - 1)}


def _grams_of(
    text: _Text | None, rows: int, stop: Callable[[], bool] | None = None
) -> _Grams | None:
    """The grams of the ``rows`` keys of ``text``, if the index is one to have them
    (None if not, or if ``stop``, asked between steps, says so). Made ``_GRAM_STEP``
    rows at a time, in two passes: which grams the text holds, then each step's rows
    set in a bitmap of every gram; a step's numpy calls take a few milliseconds, so
    another thread (the UI) gets the interpreter between them."""
    if text is None or rows > _GRAMS_UP_TO or len(text.blob) < _VECTOR_FROM:
        return None
    import numpy as np

    data = np.frombuffer(text.blob, dtype=np.uint8)
    # The text's offsets in place (8 bytes each, never extended once written): no copy.
    offsets = np.frombuffer(text.starts, dtype=np.int64)
    steps = range(0, rows, _GRAM_STEP)
    seen = np.zeros(_PAIRS + 256, dtype=np.bool_)
    for lo in steps:
        if stop is not None and stop():
            return None
        codes, _ = _step_grams(data, offsets, lo, min(rows, lo + _GRAM_STEP))
        seen[codes] = True
    present = np.flatnonzero(seen)
    width = (rows + 7) // 8
    if len(present) * width > _GRAMS_MAX_BYTES:
        return None
    ids = np.zeros(_PAIRS + 256, dtype=np.int32)
    ids[present] = np.arange(len(present), dtype=np.int32)
    bits = np.zeros((len(present), width), dtype=np.uint8)
    held = np.zeros(len(present), dtype=np.int64)  # rows holding each gram
    for lo in steps:
        if stop is not None and stop():
            return None
        hi = min(rows, lo + _GRAM_STEP)
        codes, owners = _step_grams(data, offsets, lo, hi)
        block = np.zeros((len(present), hi - lo), dtype=np.bool_)
        block[ids[codes], owners] = True
        bits[:, lo // 8 : (hi + 7) // 8] = np.packbits(block, axis=1)
        held += block.sum(axis=1)
    rare = {
        int(present[at]): np.flatnonzero(np.unpackbits(bits[at], count=rows)).astype(np.int32)
        for at in np.flatnonzero(held * _RARE < rows)
    }
    # The common grams' bitmaps moved up in place over the rare ones', and the rest let
    # go (no second matrix beside the first, at the peak of a refresh).
    common_at = np.flatnonzero(held * _RARE >= rows)
    for i, at in enumerate(common_at):
        if i != at:
            bits[i] = bits[at]
    bits.resize((len(common_at), width), refcheck=False)  # (no view of it is left)
    common = {int(present[at]): bits[i] for i, at in enumerate(common_at)}
    return _Grams(common, rare, offsets)


def _step_grams(
    data: npt.NDArray[np.uint8], offsets: npt.NDArray[np.int64], lo: int, hi: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """The grams of rows ``lo`` up to ``hi`` (codes as in ``_codes_of``), and the row of
    each, counted from ``lo``; none across the separator."""
    import numpy as np

    begin, end = int(offsets[lo]), min(int(offsets[hi]), len(data))
    chunk = data[begin:end].astype(np.int32)
    owner = np.repeat(np.arange(hi - lo, dtype=np.int32), np.diff(offsets[lo : hi + 1]))
    owner = owner[: len(chunk)]
    kept = chunk != _SEP_BYTES[0]
    pair = kept[:-1] & kept[1:]
    codes = np.concatenate(((chunk[:-1] << 8 | chunk[1:])[pair], chunk[kept] + _PAIRS))
    return codes, np.concatenate((owner[:-1][pair], owner[kept]))


def _apart(keys: Iterable[str]) -> list[str]:
    """The keys with any separator in them made a space, so that no match spans rows."""
    return [k if _SEP not in k else k.replace(_SEP, " ") for k in keys]


@overload
def _joined(keys: list[str], *, apart: bool) -> _Text: ...
@overload
def _joined(keys: list[str], *, apart: bool, stop: Callable[[], bool]) -> _Text | None: ...
def _joined(
    keys: list[str], *, apart: bool, stop: Callable[[], bool] | None = None
) -> _Text | None:
    """The text of ``keys``, written ``_TEXT_STEP`` keys at a time (None if ``stop``,
    asked before each step, says so); with ``apart``, a step found to hold the
    separator inside a key is made ``_apart`` in ``keys`` itself.

    The text is made at its size at once (exact for ASCII keys, a byte a character; a
    lower bound else) and written in place: grown step by step, each of its copies below
    glibc's mmap threshold left pages behind (a third more than the text, at the peak
    of a refresh's text written once it is shown). No step is one long C call: the size
    is summed ``_SIZE_STEP`` keys at a time, and a large text is not zero-filled first
    (``_blank``), so a thread writing it lets the UI thread run between steps."""
    size = sum(sum(map(len, keys[lo : lo + _SIZE_STEP])) for lo in range(0, len(keys), _SIZE_STEP))
    blob = _blank(size + max(len(keys) - 1, 0))
    at = 0
    starts = array(_OFFSET, [0])
    for lo in range(0, len(keys), _TEXT_STEP):
        if stop is not None and stop():
            return None
        chunk = keys[lo : lo + _TEXT_STEP]
        text = _SEP.join(chunk)
        if apart and text.count(_SEP) != len(chunk) - 1:
            chunk = keys[lo : lo + _TEXT_STEP] = _apart(chunk)
            text = _SEP.join(chunk)
        if lo:
            at = _put(blob, at, _SEP_BYTES)
        at = _append(blob, at, starts, chunk, text)
    if at < len(blob):  # (only if a caller's key held the separator)
        if isinstance(blob, mmap.mmap):
            blob.resize(at)
        else:
            del blob[at:]
    return _Text(blob, starts)


def _blank(size: int) -> bytearray | mmap.mmap:
    """Room for ``size`` bytes of text. From ``_MAPPED_FROM`` bytes (on Linux), an
    anonymous mapping: its pages are the system's zeroed pages, taken as they are first
    written, and it is grown and cut in place (``mremap``). A ``bytearray`` of that size
    is zero-filled in one C call (a 143 MB text at a million events: 80 ms holding the
    interpreter, which the UI thread waited for while the text of a refresh was written
    in a worker). Given back to the system as soon as it is freed, as a large block is."""
    if size >= _MAPPED_FROM and _MAPS_GROW:
        # Private: a shared anonymous mapping is a file of its first size, and a page
        # past it after growing is a bus error.
        return mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE)
    return bytearray(size)


# Whether an anonymous mapping can grow in place (``mmap.resize``: Linux's ``mremap``).
_MAPS_GROW = sys.platform.startswith("linux")


def _append(
    blob: bytearray | mmap.mmap, at: int, starts: array[int], keys: Sequence[str], text: str
) -> int:
    """Write ``text`` (``keys`` joined by the separator) into ``blob`` at ``at`` in UTF-8,
    and add the offsets of the keys after the first to ``starts``, whose last is where
    the first key starts; it then ends with where a key after these would start. Where
    the text written ends."""
    encoded = text.encode(_UTF8, _SURROGATES)
    # Only ASCII takes one byte a character: else each key is measured in bytes.
    lengths = map(len, keys) if len(encoded) == len(text) else map(len, map(_utf8, keys))
    starts.extend(accumulate(map(_PLUS_ONE, lengths), initial=starts.pop()))
    return _put(blob, at, encoded)


def _put(blob: bytearray | mmap.mmap, at: int, data: bytes) -> int:
    """``data`` written into ``blob`` at ``at`` (in place while it fits, else ``blob``
    grows: a mapping by an eighth at least, for text that is not ASCII); where it ends."""
    end = at + len(data)
    if end > len(blob):
        if isinstance(blob, mmap.mmap):
            blob.resize(max(end, len(blob) + len(blob) // 8))
        else:
            del blob[at:]
            blob += data
            return end
    blob[at:end] = data
    return end


def _utf8(key: str) -> bytes:
    return key.encode(_UTF8, _SURROGATES)


class SearchStopped(Exception):
    """A search gave up because its caller's ``stop`` said so."""


def _with(keys: Sequence[str], rows: Sequence[int], word: str) -> list[int]:
    """The rows among ``rows`` whose key contains ``word``, selected in C."""
    return list(compress(rows, map(contains, map(keys.__getitem__, rows), repeat(word))))


def _narrows(previous: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """True when every row matching ``words`` also matched ``previous``."""
    return all(any(p in w for w in words) for p in previous)

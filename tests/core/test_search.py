"""tui.core.search: what an analyst types finds the entities it should, in pane order."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.dates import parse_date
from tui.core.model import Actor, Disagreement, Event, Source
from tui.core.search import (
    CHUNK,
    SearchIndex,
    SearchStopped,
    actor_key,
    disagreement_key,
    event_key,
    normalise,
    source_key,
    terms,
)


def naive(keys: list[str], query: str) -> list[int] | None:
    words = terms(query)
    if not words:
        return None
    return [i for i, key in enumerate(keys) if all(w in key for w in words)]


@pytest.fixture
def scans_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Indexes made without grams (as at a million events): searches scan the keys."""
    from tui.core import search

    monkeypatch.setattr(search, "_GRAMS_UP_TO", 0)


@contextlib.contextmanager
def grams_made(made: bool) -> Iterator[None]:
    """In a property test (no function-scoped fixture): indexes made with grams, or not."""
    from tui.core import search

    with pytest.MonkeyPatch.context() as patch:
        if not made:
            patch.setattr(search, "_GRAMS_UP_TO", 0)
        yield


def test_normalise_folds_case_accents_and_spacing() -> None:
    assert normalise("Lukašenka") == "lukasenka"
    assert normalise("NUR\u00a0Otan\n party") == "nur otan party"
    assert normalise("Straße") == "strasse"


def test_terms_are_normalised_distinct_words() -> None:
    assert terms("  Nur  OTAN nur ") == ("nur", "otan")
    assert terms("   ") == ()


def test_actor_key_covers_name_aliases_id_role_and_summary() -> None:
    actor = Actor(
        id="nazarbayev",
        name="Nursultan Nazarbayev",
        kind="person",
        aliases=("Nazarbaev",),
        role="President of Kazakhstan",
        summary="Claims authorship of the Eurasian Union idea.",
    )
    key = actor_key(actor)
    for word in ("nursultan", "nazarbaev", "nazarbayev", "president", "authorship"):
        assert word in key


def test_disagreement_and_event_keys_cover_titles_ids_summaries_and_dates() -> None:
    disagreement = Disagreement(
        id="oil-supply", title="Russian deliveries", summary="Tolling with China"
    )
    assert "oil-supply" in disagreement_key(disagreement)
    assert "tolling" in disagreement_key(disagreement)
    event = Event(
        id="speech",
        title="Envoys speech",
        date=parse_date("2013-01-18"),
        date_text="last Friday",
        summary="Astana, to ambassadors",
        status="planned",
    )
    key = event_key(event)
    for word in ("speech", "envoys", "2013-01-18", "last friday", "ambassadors", "planned"):
        assert word in key


def test_search_matches_every_word_anywhere_in_the_key_in_pane_order() -> None:
    keys = ["kazakhstan state astana", "russia state moscow", "nur otan party astana"]
    index = SearchIndex(keys)
    assert index.search("") is None
    assert index.search("ASTANA") == [0, 2]
    assert index.search("astana party") == [2]
    assert index.search("state") == [0, 1]
    assert index.search("nothing-like-this") == []


def test_narrowing_while_typing_gives_the_same_answers_as_a_fresh_search() -> None:
    keys = [normalise(f"event {i} {'alpha' if i % 3 else 'beta'} {i * 7}") for i in range(5000)]
    index = SearchIndex(keys)
    for query in ("b", "be", "bet", "beta", "beta 1", "beta 14", "bet", "alpha", "alpha 70"):
        assert index.search(query) == naive(keys, query), query


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(st.text(alphabet="abcde \n", max_size=12), max_size=40),
    queries=st.lists(st.text(alphabet="abcde ", max_size=4), min_size=1, max_size=6),
)
def test_search_agrees_with_a_plain_scan(keys: list[str], queries: list[str]) -> None:
    normalised = [normalise(k) for k in keys]
    index = SearchIndex(normalised)
    for query in queries:
        assert index.search(query) == naive(normalised, query)


def test_a_hundred_thousand_keys_index_and_filter() -> None:
    keys = [normalise(f"event number {i} in the region of place{i % 1000}") for i in range(100_000)]
    index = SearchIndex(keys)
    assert len(index) == 100_000
    found = index.search("place999")
    assert found == [i for i in range(100_000) if i % 1000 == 999]
    assert index.search("number 12345 ") == [12345]


@pytest.mark.usefixtures("scans_only")
def test_a_stopped_search_gives_up_and_remembers_nothing() -> None:
    """A search whose caller moved on stops between chunks of rows; the next search of
    the same words (common and rare, one word and two) still gets the whole answer."""
    keys = [normalise(f"event {i} at place{i % 7}") for i in range(100_000)]
    index = SearchIndex(keys)
    asked = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 1  # let the first chunk through, then give up

    stopped = []
    for query in ("event", "place3", "event place3", "99999"):
        asked.clear()
        try:
            index.search(query, stop)
        except SearchStopped:
            stopped.append(query)
        assert index.search(query) == naive(keys, query)
    # A scan of every key stops. (Once "place3" is remembered, "event place3" checks
    # only its 14,286 rows, one chunk, and "99999" is a rare word found hit by hit.)
    assert stopped[:2] == ["event", "place3"]
    # Narrowing from a remembered answer stops too.
    index.search("place")
    asked.clear()
    with contextlib.suppress(SearchStopped):
        index.search("place 1", stop)
    assert index.search("place 1") == naive(keys, "place 1")


def test_twenty_different_queries_each_get_their_own_answer_and_again_later() -> None:
    # More queries than the index remembers: old answers give way, none is ever wrong,
    # and a query asked again (after its answer was forgotten) is answered afresh.
    keys = [normalise(f"actor{i} region{i % 5} bloc{i % 3}") for i in range(300)]
    index = SearchIndex(keys)
    queries = [f"region{i % 5} bloc{i % 3}" for i in range(15)] + [
        f"actor{i}" for i in range(100, 105)
    ]
    assert len(set(queries)) == 20
    for query in queries + queries[::-1] + queries:
        assert index.search(query) == naive(keys, query), query


def test_a_match_in_the_last_row_is_found() -> None:
    # Rare (only the last row) and common (every other row, the last among them) words.
    keys = [normalise(f"event {i} {'summit' if i % 2 else 'talks'}") for i in range(401)]
    keys[-1] += " astana"
    keys[-2] += " almaty"
    keys[-1] += " almaty"
    index = SearchIndex(keys)
    assert index.search("astana") == [400]
    assert index.search("almaty") == [399, 400]
    assert index.search("talks")[-1] == 400  # type: ignore[index]
    assert index.search("talks") == naive(keys, "talks")
    assert index.search("event 400") == [400]
    assert SearchIndex(["kazakhstan", "russia"]).search("russia") == [1]
    assert SearchIndex(["russia"]).search("russia") == [0]


CYRILLIC = Actor(id="lukashenko", name="Аляксандр Лукашэнка", kind="person",
                 aliases=("Александр ЛУКАШЕНКО",))  # fmt: skip
KAZAKH = Actor(id="tokayev", name="Қасым-Жомарт Тоқаев", kind="person",
               role="Қазақстан Президенті")  # fmt: skip
AMHARIC = Actor(id="abiy", name="ዐቢይ አሕመድ", kind="person", country="ኢትዮጵያ")
ACCENTED = Actor(id="lukasenka-latin", name="Aliaksandr Lukašenka", kind="person")


def test_names_in_cyrillic_kazakh_and_amharic_are_found_in_any_case() -> None:
    actors = [CYRILLIC, KAZAKH, AMHARIC, ACCENTED]
    index = SearchIndex([actor_key(a) for a in actors])
    assert index.search("лукашенко") == [0]
    assert index.search("ЛУКАШЭНКА") == [0]
    assert index.search("  аляксандр\u00a0 ") == [0]
    assert index.search("тоқаев") == [1]
    assert index.search("ҚАСЫМ-ЖОМАРТ президенті") == [1]
    assert index.search("ዐቢይ") == [2] and index.search("ኢትዮጵያ") == [2]
    assert index.search("LUKASENKA") == [3] and index.search("lukašenka") == [3]
    assert index.search("tokayev") == [1]  # the id is searchable too
    # Keys are normalised like queries: one line, lower case, accents gone.
    assert actor_key(CYRILLIC) == "аляксандр лукашэнка александр лукашенко lukashenko person"
    assert actor_key(ACCENTED) == "aliaksandr lukasenka lukasenka-latin person"


def test_open_and_reported_find_entities_that_give_no_status() -> None:
    # A disagreement without a status is open, an event without one is reported: the
    # pane shows them so, and typing the word finds them.
    disagreements = [
        Disagreement(id="union", title="Union"),
        Disagreement(id="oil", title="Oil", status="resolved"),
    ]
    events = [
        Event(id="summit", title="Summit", date=parse_date("2013")),
        Event(id="vote", title="Vote", date=parse_date("2030"), status="planned"),
    ]
    assert SearchIndex([disagreement_key(d) for d in disagreements]).search("open") == [0]
    assert SearchIndex([disagreement_key(d) for d in disagreements]).search("resolved") == [1]
    assert SearchIndex([event_key(e) for e in events]).search("reported") == [0]
    assert SearchIndex([event_key(e) for e in events]).search("planned") == [1]
    # The state is in the key as the pane shows it, nothing more.
    assert disagreement_key(disagreements[0]) == "union union open"
    assert event_key(events[0]) == "summit summit 2013 reported"


def test_sources_are_found_by_title_id_publisher_and_address() -> None:
    source = Source(
        id="osw-2013",
        title="Kazakhstan's Eurasian doubts",
        publisher="Centre for Eastern Studies",
        url="https://www.osw.waw.pl/en/x",
    )
    assert source_key(source) == (
        "kazakhstan's eurasian doubts osw-2013 centre for eastern studies https://www.osw.waw.pl/en/x"
    )


def test_a_callers_key_holding_a_line_break_stays_one_row() -> None:
    # Keys from elsewhere than the *_key functions may hold a newline: it becomes a space,
    # so the rows and their numbers stay as given.
    for keys in (["kazakh\nstan"], ["russia", "kazakh\nstan", "belarus"]):
        index = SearchIndex(keys)
        row = keys.index("kazakh\nstan")
        assert index.key(row) == "kazakh stan"
        assert index.search("stan kazakh") == [row]
        assert index.search("belarus") == ([2] if len(keys) == 3 else [])


@functools.cache
def halves() -> list[str]:
    """100,000 keys, "place0" in the even rows and "place1" in the odd ones; "late" only
    in the last 40,000 rows (so a sample of the first rows misjudges it as rare)."""
    return [f"event {i} place{i % 2}" + (" late" if i >= 60_000 else "") for i in range(100_000)]


def test_words_matching_many_rows_combine_without_losing_the_first_row() -> None:
    keys = halves()
    index = SearchIndex(keys)
    assert index.search("place0 event") == list(range(0, 100_000, 2))
    assert index.search("place0 event 1") == naive(keys, "place0 event 1")
    assert index.search("place1") == list(range(1, 100_000, 2))
    assert index.search("place1 event") == list(range(1, 100_000, 2))  # narrowed
    late = index.search("late")
    assert late == list(range(60_000, 100_000))


@pytest.mark.usefixtures("scans_only")
def test_a_search_stops_when_asked_between_chunks_and_goes_on_later() -> None:
    """Asked between every chunk of rows, whatever stage the search is at (a common
    word scanned key by key, a rare-looking one found hit by hit, a narrowed answer):
    a stopped search raises, and the next search of the same words is still whole."""
    keys = halves()
    chunks = -(-len(keys) // CHUNK)

    def stop_after(asks: int):
        asked: list[int] = []

        def stop() -> bool:
            asked.append(1)
            return len(asked) > asks

        return stop

    for query in ("place0 event", "late"):
        for asks in range(chunks):
            index = SearchIndex(keys)
            with pytest.raises(SearchStopped):
                index.search(query, stop_after(asks))
            assert index.search(query, stop_after(10**6)) == naive(keys, query)
    index = SearchIndex(keys)
    assert index.search("place1") is not None
    with pytest.raises(SearchStopped):
        index.search("place1 event", stop_after(0))
    assert index.search("place1 event") == list(range(1, 100_000, 2))


def test_the_same_words_in_another_order_get_the_same_answer() -> None:
    index = SearchIndex(["kazakhstan state astana", "russia state moscow", "nur otan astana"])
    assert index.search("state astana") == [0]
    assert index.search("astana state") == [0]
    assert index.search("astana") == [0, 2]


# -- the first rows of an answer (search_start) ----------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    keys=st.lists(st.text(alphabet="abcd \n", max_size=10), max_size=60),
    steps=st.lists(
        st.tuples(
            st.text(alphabet="abcd ", max_size=4),
            st.integers(min_value=0, max_value=8),  # want (0: the whole answer)
            st.integers(min_value=1, max_value=20),  # budget
        ),
        min_size=1,
        max_size=10,
    ),
)
def test_first_rows_are_the_start_of_a_plain_scan_whatever_came_before(
    keys: list[str], steps: list[tuple[str, int, int]]
) -> None:
    """Typing, erasing, asking for a few first rows or the whole answer, in any order:
    the first rows are always the start of the plain scan's answer (whole when it says
    so), and a whole search after them is the plain scan's."""
    normalised = [normalise(k) for k in keys]
    index = SearchIndex(normalised)
    for query, want, budget in steps:
        expected = naive(normalised, query)
        if want == 0:
            assert index.search(query) == expected
            continue
        start = index.search_start(query, want, budget)
        if expected is None:
            assert start is None
            continue
        assert start is not None
        rows, complete = start
        assert rows == expected[: len(rows)]
        if complete:
            assert rows == expected


@pytest.mark.usefixtures("scans_only")
def test_first_rows_of_a_common_word_need_not_wait_for_the_last_row() -> None:
    keys = halves()
    index = SearchIndex(keys)
    start = index.search_start("place1", 500, 5_000)
    assert start is not None
    rows, complete = start
    assert not complete and 500 <= len(rows) < 50_000
    assert rows == list(range(1, 2 * len(rows), 2))
    # Typing on narrows what was found; the whole answer goes on from there.
    start = index.search_start("place1 event 9", 10, 5_000)
    assert start is not None and start[0][:4] == [9, 19, 29, 39]
    assert index.search("place1 event 9") == naive(keys, "place1 event 9")
    # A word with no match, looked for with a small budget, comes back empty and not
    # whole: nothing is claimed about the rows not looked at.
    assert SearchIndex(keys).search_start("nowhere", 500, 1_000) == ([], False)
    assert SearchIndex(keys).search_start("nowhere", 500, 10**6) == ([], True)


# -- an index spliced from the previous one (a refresh: browse.Arranged.after) ---------------

KEY_TEXT = st.text(alphabet="abcdé ж😀\n", max_size=8)


@settings(max_examples=200, deadline=None)
@given(
    old=st.lists(KEY_TEXT, max_size=30),
    plan=st.lists(
        st.one_of(st.tuples(st.integers(0, 30), st.integers(0, 30)), st.lists(KEY_TEXT, max_size=4))
    ),
    queries=st.lists(st.text(alphabet="abé ж😀", max_size=3), min_size=1, max_size=4),
)
def test_a_spliced_index_is_the_index_of_its_keys(
    old: list[str], plan: list[tuple[int, int] | list[str]], queries: list[str]
) -> None:
    """Runs of the previous index's rows and new keys (any text: accents, Cyrillic,
    emoji, the separator, empty keys) give the index that building it afresh gives:
    the same keys, text and offsets, and the answers of a plain scan."""
    previous = SearchIndex(old)
    runs: list[range | list[str]] = []
    keys: list[str] = []
    for step in plan:
        if isinstance(step, tuple):
            run = range(min(step[0], len(old)), min(max(step), len(old)))
            runs.append(run)
            keys += [previous.key(i) for i in run]
        else:
            runs.append(step)
            keys += step
    spliced = SearchIndex.spliced(previous, runs)
    fresh = SearchIndex(keys)
    assert [spliced.key(i) for i in range(len(spliced))] == [
        fresh.key(i) for i in range(len(fresh))
    ]
    shown = [fresh.key(i) for i in range(len(fresh))]
    for query in queries:  # from its keys alone, and once its text is written
        assert spliced.search(query) == fresh.search(query) == naive(shown, query)
    spliced.encode()
    assert spliced._text == fresh._text
    for query in queries:
        assert SearchIndex.spliced(previous, runs).search(query) == naive(shown, query)
        assert spliced.search(query) == naive(shown, query)


def test_splicing_writes_no_second_text() -> None:
    """A refresh builds the new index beside the one shown: it holds the keys (the very
    strings, new ones aside) and no joined text until ``encode`` writes it, which the app
    does once the new index is shown (at a million events the text is 160 MB; written
    here, it was a second copy at the peak)."""
    import tracemalloc

    keys = [
        f"event number {i} in the region of place{i % 997} pipeline talks" for i in range(20_000)
    ]
    previous = SearchIndex(keys)
    runs: list[range | list[str]] = []
    for lo in range(0, 20_000, 50):  # a fresh event every 50 rows, as a feed spreads them
        runs += [range(lo, lo + 49), [f"fresh event {lo} dam talks"]]
    text = sum(map(len, keys)) + len(keys)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        spliced = SearchIndex.spliced(previous, runs)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert len(spliced) == 20_000 and not spliced.encoded
    # The keys' tuple and the list it is made from (8 bytes a row each), the new keys.
    assert peak < 3 * 8 * len(keys) + 100_000 < text
    spliced.encode()
    assert spliced._text == SearchIndex([spliced.key(i) for i in range(20_000)])._text


# -- typing and erasing on keys large enough for the byte scans (over 1 MiB) -------------------

# Words that share prefixes and letters (as the bench's do), a rare number, and letters
# of two UTF-8 bytes (one character that is a two-byte needle, and a two-character one).
TYPED_WORDS = ("dam", "talks", "pipe", "pipeline", "sanctions", "veto", "ab", "ba", "a",
               "row12", "47", "4711", "λд", "жа", "ø", "ž")  # fmt: skip


@pytest.mark.parametrize("grams", [True, False], ids=["grams", "scans"])
@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(st.lists(st.sampled_from(TYPED_WORDS), max_size=8), min_size=1, max_size=30),
    typed=st.lists(
        st.tuples(
            st.lists(st.sampled_from(TYPED_WORDS), min_size=1, max_size=3).map(" ".join),
            st.integers(min_value=0, max_value=12),  # characters erased after typing it
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_typing_and_erasing_on_a_large_dossier_agrees_with_a_plain_scan(
    grams: bool, rows: list[list[str]], typed: list[tuple[str, int]]
) -> None:
    """Each character typed, then some erased, query after query (each narrowing the
    last answer, or recalling a remembered one): every answer is the plain scan's, on
    keys long enough together (over 1 MiB) that words are looked for through the grams
    (or, without them, through the bytes) as on a large dossier."""
    filler = "-" * 256
    keys = [normalise(f"{' '.join(rows[i % len(rows)])} row{i} {filler}") for i in range(4000)]
    assert sum(len(key.encode()) for key in keys) > 1 << 20
    with grams_made(grams):
        index = SearchIndex(keys)
    assert (index._grams is not None) == grams
    query = ""
    for text, erased in typed:
        for character in text:
            query += character
            assert index.search(query) == naive(keys, query), query
        for _ in range(min(erased, len(query))):
            query = query[:-1]
            assert index.search(query) == naive(keys, query), query


@pytest.mark.parametrize("grams", [True, False], ids=["grams", "scans"])
def test_letters_of_two_bytes_are_found_where_they_are_and_only_there(grams: bool) -> None:
    """On a large dossier (searched through its UTF-8 bytes), "ж" (d0 b6) and "жд" are
    found in the rows holding them, not in those holding "з" (d0 b7) or "д" alone."""
    keys = [f"event {i} {'-' * 32} " + ("жд" if i % 3 == 0 else "ж" if i % 3 == 1 else "зд")
            for i in range(30_000)]  # fmt: skip
    assert sum(len(key.encode()) for key in keys) > 1 << 20
    keys[-1] = "last row ø"
    with grams_made(grams):
        index = SearchIndex(keys)
    assert index.search("Ж") == [i for i in range(29_999) if i % 3 != 2]
    assert index.search("жд") == list(range(0, 29_999, 3))
    assert index.search("ø") == [29_999]
    assert index.search("d e") == naive(keys, "d e")
    assert index.search("0 event") == naive(keys, "0 event")


@pytest.mark.usefixtures("scans_only")
def test_a_word_typed_on_is_checked_where_its_start_was_found() -> None:
    """Typing on from a word found through the bytes (in two rows of three, so no
    narrowing helps; over 1 MiB of keys in each chunk of rows) checks the new letters
    where the word was found, chunk by chunk; whatever is typed or erased after, the
    answers are the plain scan's."""
    keys = [f"event {i} " + ("pump" if i % 3 == 0 else "pipeline") + f" {'-' * 40}"
            for i in range(100_000)]  # fmt: skip
    assert sum(map(len, keys[:CHUNK])) > 1 << 20 and len(keys) > 3 * CHUNK
    index = SearchIndex(keys)
    for query in ("p", "pi", "pip", "pipe", "pipel", "pipeline", "pipelinex", "pipe", "pu",
                  "pum", "pip", "pipe 7", "pipe 77", "pipeline 77", "pump 7"):  # fmt: skip
        assert index.search(query) == naive(keys, query), query


def test_text_released_while_being_written_stays_released(monkeypatch: pytest.MonkeyPatch) -> None:
    """A refresh lets the shown index's text go while the app may still be writing it
    (the refresh before was shown a moment ago): the writing gives up rather than set
    the text afterwards, which would hold it beside everything the refresh builds."""
    from tui.core import search

    keys = [f"event {i} talks" for i in range(10_000)]
    index = SearchIndex.spliced(SearchIndex(keys), [range(10_000)])
    real = search._append
    calls = []

    def append_then_release(*args: Any) -> int:
        end: int = real(*args)
        calls.append(1)
        if len(calls) == 1:
            index.release()  # as relayer does, from the merge worker
        return end

    monkeypatch.setattr(search, "_TEXT_STEP", 1_000)
    monkeypatch.setattr(search, "_append", append_then_release)
    index.encode()
    assert not index.encoded and len(calls) == 1  # given up at the next step
    assert index.search("talks 9999") == [9999]
    monkeypatch.setattr(search, "_append", real)
    index.encode()
    assert index.encoded and index._text == SearchIndex(keys)._text


def test_a_large_text_is_written_in_steps_without_a_zero_filled_copy_of_its_size() -> None:
    """The joined text of a large index (here 12 MB; 143 MB at a million events) is
    written once a refreshed view is shown, in a worker beside the UI thread. It is
    not made as one ``bytearray`` of its size first (zero-filled in one C call: 80 ms
    at a million events, with the UI waiting), and it is the same text, with the same
    answers, when keys are not ASCII (the text grows as it goes) or hold the separator
    (it is cut to size)."""
    import tracemalloc

    ascii_keys = [f"event {i} talks on the pipeline at place{i % 997} {'-' * 120}"
                  for i in range(60_000)]  # fmt: skip
    other_keys = [f"жд event {i} ø dam {'-' * 100}" for i in range(10_000)]
    keys = [*ascii_keys, *other_keys, "last\nrow"]
    previous = SearchIndex(keys)
    shown = [previous.key(i) for i in range(len(previous))]
    text = "\n".join(shown).encode()
    assert len(text) > 10_000_000 and shown[-1] == "last row"
    assert previous._text is not None and bytes(previous._text.blob) == text
    spliced = SearchIndex.spliced(previous, [range(len(keys))])
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        spliced.encode()
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert spliced._text is not None and bytes(spliced._text.blob) == text
    # A step's keys and text, the keys' list and offsets (4 MB): no copy of the text.
    assert peak < len(text) // 2
    for query in ("pipeline place996", "Ж dam 9999", "ø", "last row", "row", "talks 59999"):
        assert spliced.search(query) == previous.search(query) == naive(shown, query), query


# -- grams: which rows hold each byte and pair of bytes (indexes of 1 MiB to 250,000 rows) --


def bench_like(rows: int = 20_000) -> list[str]:
    """Keys like the bench's: most rows share a few words, a word in most rows, numbers
    (rare pairs of digits), one row with a rare letter, and two bytes in every third."""
    return [
        normalise(
            f"event {i} {'pipeline' if i % 2 else 'dam'} talks round {i % 4711} "
            f"{'žalgiris' if i == 12_345 else 'actor'} {'жд' if i % 3 == 0 else ''} {'-' * 40}"
        )
        for i in range(rows)
    ]


def record_scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The words looked for by a scan of the joined text, from now on; testing every
    key fails the test."""
    scans: list[str] = []
    real_hit = SearchIndex._vector_hit

    def vector_hit(self: SearchIndex, text: Any, needle: bytes, *args: Any) -> Any:
        known = args[4]  # (lo, hi, begin, end, known, starts)
        if known is None:  # not typed on: a scan of the text
            scans.append(needle.decode())
        return real_hit(self, text, needle, *args)

    def every_key(*args: Any) -> list[int]:
        raise AssertionError("every key tested")

    monkeypatch.setattr(SearchIndex, "_vector_hit", vector_hit)
    monkeypatch.setattr(SearchIndex, "_rows_containing", every_key)
    return scans


def test_a_key_on_a_large_index_scans_no_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """On an index of 1 MiB or more (up to 250,000 rows), a word of one or two bytes is
    answered from the rows holding it as a gram, and a longer one typed on from the
    last is checked where that was found: neither the joined text nor every key is
    scanned, which at 100,000 events took 5–20 ms a key. (Before the grams, each of
    these keys scanned the text.) The answers are the plain scan's."""
    from tui.core import search

    keys = bench_like()
    assert sum(len(key.encode()) for key in keys) > 1 << 20
    index = SearchIndex(keys)
    scans = record_scans(monkeypatch)
    typed = ("p", "pi", "pip", "pipe", "pipel", "pipeline", "pipeline t", "pipeline ta",
             "pipeline tal", "pipeline talk", "d", "da", "ž", "жд", "round 47",
             "actor 1234")  # fmt: skip
    for query in typed:
        assert index.search(query) == naive(keys, query), query
    # Through the bytes: the first word of three bytes or more that the pairs leave in
    # over a quarter of the rows ("pip", "tal", "жд": two characters, four bytes), once;
    # what is typed on from it is checked at the places found, and "round" (in every
    # row) in the rows "47" is in. A word of one or two bytes: never.
    assert scans == ["pip", "tal", "жд"]
    assert search._SCAN_OVER == 4


@settings(max_examples=150, deadline=None)
@given(
    keys=st.lists(st.text(alphabet="ab ж\n", max_size=6), min_size=1, max_size=40),
    queries=st.lists(st.text(alphabet="ab ж", max_size=4), min_size=1, max_size=8),
)
def test_grams_agree_with_a_plain_scan(keys: list[str], queries: list[str]) -> None:
    """Grams of any keys (a caller's key holding a line break, an empty one, bytes and
    pairs that are rare or in every row) give the plain scan's answers, query after
    query. (Made here from the small index's own keys, whatever their size.)"""
    from tui.core import search

    normalised = [normalise(k) for k in keys]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "_VECTOR_FROM", 0)
        patch.setattr(search, "_GRAM_STEP", 8)  # several steps, one of them short
        index = SearchIndex(normalised)
    assert index._grams is not None
    plain = [k.replace("\n", " ") for k in normalised]
    for query in queries:
        assert index.search(query) == naive(plain, query), query


def test_grams_go_with_the_text_and_only_where_they_help(monkeypatch: pytest.MonkeyPatch) -> None:
    """The grams are let go with the text (a refresh), made again when it is written,
    and not made for a small index (a scan is a millisecond) nor above 250,000 rows
    (a million events: the screen shows first rows, a worker finds the rest)."""
    from tui.core import search

    keys = bench_like()
    index = SearchIndex(keys)
    assert index._grams is not None
    # A common pair is a bitmap of every row; a rare one (digits, a letter in one row)
    # its rows: 4 MB at the bench's 100,000 events, against 16 MB of text.
    assert ord("p") << 8 | ord("i") in index._grams.common
    assert index._grams.rare[ord("z") << 8 | ord("a")].tolist() == [12_345]
    index.release()
    assert index._grams is None and index.search("pi 4") == naive(keys, "pi 4")
    index.encode()
    assert index._grams is not None and index.search("ž") == [12_345]
    spliced = SearchIndex.spliced(index, [range(len(keys))])
    assert spliced._grams is None
    spliced.encode()
    assert spliced._grams is not None
    assert SearchIndex(keys[:1000])._grams is None  # under 1 MiB
    monkeypatch.setattr(search, "_GRAMS_UP_TO", len(keys) - 1)
    assert SearchIndex(keys)._grams is None


def test_a_word_of_two_bytes_is_found_in_the_text_before_the_next_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The grams answer "dam ta" without looking at the text; ``prepare`` (a worker, after
    the key's rows are shown) notes where "ta" is in it, so that "tal" is checked there,
    not by a scan of the text (10 ms at 100,000 events). Nothing to ready after a space,
    a word of one byte or of three, or on an index without grams."""
    from tui.core import search

    keys = bench_like()
    index = SearchIndex(keys)
    scans = record_scans(monkeypatch)
    for query in ("d", "da", "dam", "dam ", "dam t", "dam ta"):
        assert index.search(query) == naive(keys, query)
    assert scans == ["dam"]  # (in half the rows; "da" was not readied)
    assert index.ready_for("dam ta")
    index.prepare("dam ta")
    assert scans == ["dam", "ta"] and not index.ready_for("dam ta")  # (done)
    for query in ("dam tal", "dam talk", "dam talks 47"):
        assert index.search(query) == naive(keys, query)
    assert scans == ["dam", "ta"]
    assert not any(map(index.ready_for, ("dam ", "dam t", "dam tal", "")))
    monkeypatch.setattr(search, "_GRAMS_UP_TO", 0)
    assert not SearchIndex(keys).ready_for("dam ta")

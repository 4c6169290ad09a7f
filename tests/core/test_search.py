"""tui.core.search: what an analyst types finds the entities it should, in pane order."""

from __future__ import annotations

import contextlib
import functools
import gc

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


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(st.text(alphabet="abc ", max_size=8), max_size=30),
    cuts=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=4),
    fresh=st.lists(st.lists(st.text(alphabet="abc ", max_size=8), max_size=5), max_size=4),
    queries=st.lists(st.text(alphabet="abc ", max_size=3), min_size=1, max_size=5),
)
def test_a_spliced_index_is_the_index_of_its_keys(
    keys: list[str],
    cuts: list[tuple[int, int]],
    fresh: list[list[str]],
    queries: list[str],
) -> None:
    """What a refresh does: runs of the shown index's rows and new keys, in order, give
    the keys and the answers an index built from them all gives."""
    keys = [normalise(k) for k in keys]
    previous = SearchIndex(keys)
    previous.search(queries[0])  # what it remembers is not carried over
    runs: list[range | list[str]] = []
    for (a, b), new in zip(cuts, [*fresh, *[[]] * len(cuts)], strict=False):
        runs += [
            range(min(a, b, len(keys)), min(max(a, b), len(keys))),
            [normalise(k) for k in new],
        ]
    spliced = SearchIndex.spliced(previous, runs)
    expected = [
        k for run in runs for k in (keys[run.start : run.stop] if isinstance(run, range) else run)
    ]
    assert [spliced.key(i) for i in range(len(spliced))] == expected
    for query in queries:
        assert spliced.search(query) == naive(expected, query)


def test_a_hundred_thousand_keys_index_and_filter() -> None:
    keys = [normalise(f"event number {i} in the region of place{i % 1000}") for i in range(100_000)]
    index = SearchIndex(keys)
    assert len(index) == 100_000
    found = index.search("place999")
    assert found == [i for i in range(100_000) if i % 1000 == 999]
    assert index.search("number 12345 ") == [12345]


def test_an_index_holds_its_keys_text_once() -> None:
    """The text searched is the keys themselves, held once: no joined copy of them beside
    (at 100,000 events that was 15 MB more, made again by every refresh)."""
    keys = [normalise(f"event number {i} in the region of place{i % 1000}") for i in range(5000)]
    index = SearchIndex(keys)
    index.search("place12")
    spliced = SearchIndex.spliced(index, [range(2000), ["a new key"], range(2000, 5000)])
    for held, expected in ((index, keys), (spliced, [*keys[:2000], "a new key", *keys[2000:]])):
        reachable: list[object] = []
        todo: list[object] = [held]
        seen: set[int] = set()
        while todo:
            item = todo.pop()
            if id(item) in seen or isinstance(item, type):
                continue
            seen.add(id(item))
            reachable.append(item)
            todo.extend(gc.get_referents(item))
        texts = [item for item in reachable if type(item) is str]
        # The keys, each the very string given, and besides them only short words
        # (remembered queries), never a string holding more than one key.
        assert {id(k) for k in expected} <= {id(t) for t in texts}
        assert max(len(t) for t in texts) == max(map(len, expected))
        assert sum(map(len, texts)) < sum(map(len, expected)) + 100


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
    # Keys from elsewhere than the *_key functions may hold a newline: the rows and their
    # numbers stay as given, and no match spans two rows.
    for keys in (["kazakh\nstan"], ["russia", "kazakh\nstan", "belarus"]):
        index = SearchIndex(keys)
        row = keys.index("kazakh\nstan")
        assert index.key(row) == "kazakh\nstan"
        assert index.search("russia kazakh") == []
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

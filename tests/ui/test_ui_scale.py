"""How the dashboard keeps typing responsive on large dossiers, driven through the real
app on the default dossier with the large-dossier paths switched on.

At 250,000 entities and more the filter runs in a worker thread; here that threshold is
lowered to zero so the same code runs on 16 actors. One test holds the worker at a gate
(a threading.Event) to look at the screen while a search is still running.
"""

from __future__ import annotations

import threading

import pytest
from helpers import settle, toasts, until

from tests.conftest import screen_text
from tui.core.browse import PANES, Arranged, Ref
from tui.core.model import Kind
from tui.ui import dashboard as dashboard_module

WIDE = (120, 40)


@pytest.fixture
def background_filter(monkeypatch):
    monkeypatch.setattr(dashboard_module, "BACKGROUND_FILTER_SIZE", 0)


REAL_VISIBLE = Arranged.visible


def hold_search(monkeypatch, held: str) -> tuple[threading.Event, list[str]]:
    """Make the search for ``held`` wait until the returned event is set; the list
    records every query searched."""
    gate = threading.Event()
    queries: list[str] = []

    def gated(self, pane, focus, query, stop=None):
        queries.append(query)
        if query == held:
            gate.wait(timeout=30)
        return REAL_VISIBLE(self, pane, focus, query, stop)

    monkeypatch.setattr(Arranged, "visible", gated)
    return gate, queries


async def test_background_filter_shows_the_newest_query(make_app, ready, background_filter) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"cyrillic")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Actors 0/16" in text and "Timeline 2/7" in text
        assert "searching" not in text
        await pilot.press(*["backspace"] * 8, *"nazar")
        await settle(app, pilot)
        # The cursor still lands on the row the analyst is naming.
        assert app.dashboard.pane(Kind.ACTOR).ref == Ref(Kind.ACTOR, "nazarbayev")
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        assert app.dashboard.focus_ref == Ref(Kind.ACTOR, "nazarbayev")
        assert "nazarbayev" in screen_text(app).lower()


async def test_typing_is_not_held_up_by_a_slow_search(
    make_app, ready, background_filter, monkeypatch
) -> None:
    """While a search runs, keys still echo in the prompt and the panes keep their rows;
    the answer for an older query is never drawn over a newer one."""
    gate, queries = hold_search(monkeypatch, "k")
    real_visible = REAL_VISIBLE
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", "k")
        await pilot.pause()
        text = screen_text(app)
        assert "“k”  searching…" in text
        assert "Actors 16/16" in text  # the old rows stay until the answer comes
        await pilot.press(*"azakh")  # typed while "k" is still being searched
        await pilot.pause()
        assert app.dashboard.filter_input.value == "kazakh"
        gate.set()
        await settle(app, pilot)
        text = screen_text(app)
        assert "searching" not in text
        actors = app.dashboard.pane(Kind.ACTOR)
        assert f"Actors {actors.shown}/16" in text
        # What is drawn is the answer for "kazakh", not for the "k" the gate held.
        expected = real_visible(app.dashboard.arranged, "actors", None, "kazakh")
        assert 0 < len(expected) < 16 and list(actors.rows) == list(expected)
        assert "kazakh" in queries


async def test_clearing_the_filter_while_a_search_runs_drops_its_answer(
    make_app, ready, background_filter, monkeypatch
) -> None:
    gate, _ = hold_search(monkeypatch, "a")
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", "a", "escape")  # Esc: clears the filter at once
        await pilot.pause()
        assert app.dashboard.filter_text == ""
        gate.set()
        await settle(app, pilot)
        assert "Actors 16/16" in screen_text(app)  # the late "a" answer was dropped


async def test_full_collections_are_the_dashboards_while_it_runs(make_app, ready) -> None:
    import gc

    from tui.ui.collector import NEVER

    before = gc.get_threshold()
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        assert app.collector.running and gc.get_threshold()[2] == NEVER
        await pilot.press("j")  # browsing owes a collection (widgets were replaced)
        assert app.collector.owed
    assert gc.get_threshold() == before  # handed back when the app ends


async def test_a_freshly_parsed_dossier_is_cached_after_it_is_shown(
    make_app, ready, tmp_path
) -> None:
    from tui.core.parsecache import MIN_SIZE, ParsedCache

    path = tmp_path / "big.toml"
    summary = "a long account of the talks " * 12
    lines = ['format = "faultline/1"\n']
    for n in range(MIN_SIZE // 300):
        lines.append(
            f'[[events]]\nid = "e{n}"\ntitle = "Round {n}"\ndate = "2013-01-{n % 28 + 1:02d}"\n'
            f'summary = "{summary}"\n'
        )
    path.write_text("".join(lines))
    assert path.stat().st_size >= MIN_SIZE
    app = make_app(data_paths=[path])
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        assert f"Timeline {MIN_SIZE // 300}/{MIN_SIZE // 300}" in screen_text(app)
        await settle(app, pilot)  # the indexing worker starts after the first frame
        assert app.arranged.completed
    cache = ParsedCache(tmp_path / "cache")
    cached = cache.get(path, str(path), path.stat())
    assert cached is not None and len(cached.events) == MIN_SIZE // 300


async def test_a_failing_background_filter_says_so_and_keeps_the_app(
    make_app, ready, background_filter, monkeypatch
) -> None:
    def broken(self, pane, focus, query, stop=None):
        if query:
            raise RuntimeError("index damaged")
        return REAL_VISIBLE(self, pane, focus, query, stop)

    monkeypatch.setattr(Arranged, "visible", broken)
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", "k")
        await settle(app, pilot)
        assert app.is_running
        text = screen_text(app)
        assert "searching" not in text and "Actors 16/16" in text
        await until(pilot, lambda: "Filtering failed unexpectedly" in toasts(app), "the notice")


async def test_the_detail_reuses_its_lines_and_shows_exactly_the_new_entity(
    make_app, ready
) -> None:
    """Lines are reused from one entity to the next: whatever the previous entity was,
    the detail shows the new one's blocks, its links and nothing highlighted."""
    from tui.ui.detail import DetailBuilder, DetailLine, Link

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        dashboard = app.dashboard
        detail = dashboard.detail
        seen = set()
        await pilot.press("1")
        for _ in range(15):  # down the 16 actors: long and short details in turn
            before = dashboard.pane(Kind.ACTOR).ref
            await pilot.press("4", "j")  # into the detail; highlight its first link
            await pilot.press("1", "j")  # back, to the next actor
            await settle(app, pilot)
            ref = dashboard.pane(Kind.ACTOR).ref
            assert ref != before and detail.ref == ref
            seen.add(ref)
            expected = DetailBuilder(dashboard.arranged).build(ref)
            lines = list(detail.query_children(DetailLine))
            assert [str(line.render()) for line in lines] == [str(b.content) for b in expected]
            assert [line.ref for line in detail.links] == [
                b.ref for b in expected if isinstance(b, Link)
            ]
            assert not any(line.has_class("-active") for line in lines)
            assert all(line.has_class("link") == (line.ref is not None) for line in lines)
        assert len(seen) == 15


# -- progressive filtering: the first rows at once, the whole answer after ---------------------


@pytest.fixture
def progressive(monkeypatch):
    """The large-dossier path on 16 actors: a key looks at one row (three at most) and
    shows what it found; the whole answer follows right after the frame."""
    monkeypatch.setattr(dashboard_module, "PROGRESSIVE_FILTER_SIZE", 0)
    monkeypatch.setattr(dashboard_module, "FIRST_BUDGET", 1)
    monkeypatch.setattr(dashboard_module, "FIRST_ROWS", 1)


def panes_whole(app) -> bool:
    return not any(app.dashboard.pane(kind).partial for kind in PANES)


async def test_a_key_shows_the_first_rows_at_once_and_the_counts_follow(
    make_app, ready, progressive, background_filter, monkeypatch
) -> None:
    """While the whole answer is searched (held at a gate), the panes already show its
    first rows, and the counts say there are more to come; then the whole answer."""
    gate, _ = hold_search(monkeypatch, "a")
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", "a")
        await pilot.pause()
        dashboard = app.dashboard
        expected = REAL_VISIBLE(dashboard.arranged, Kind.ACTOR, None, "a")
        actors = dashboard.pane(Kind.ACTOR)
        assert 0 < len(actors.rows) < len(expected)
        assert list(actors.rows) == list(expected[: len(actors.rows)])
        text = screen_text(app)
        assert f"Actors {len(actors.rows)}+/16" in text and "“a”  searching…" in text
        gate.set()
        await settle(app, pilot)
        await until(pilot, lambda: panes_whole(app), "the whole answer")
        text = screen_text(app)
        assert f"Actors {len(expected)}/16" in text and "searching" not in text
        assert list(actors.rows) == list(expected)


async def screen_after_typing(app, pilot, keys: list[str]) -> tuple[str, dict]:
    await pilot.press("slash", *keys)
    await settle(app, pilot)
    await until(pilot, lambda: panes_whole(app), "the whole answer")
    await settle(app, pilot)
    dashboard = app.dashboard
    panes = {kind: (list(dashboard.pane(kind).rows), dashboard.pane(kind).ref) for kind in PANES}
    return screen_text(app), {**panes, "detail": dashboard.detail.ref}


@pytest.mark.parametrize(
    "keys",
    [
        list("kazakh"),
        [*"union", "backspace", "backspace", *"kraine"],
        [*"nazar", "space", "b"],
        list("zzz"),
    ],
)
async def test_a_progressive_filter_ends_as_the_filter_done_at_once(
    make_app, ready, monkeypatch, keys
) -> None:
    """Typed the same, the progressive filter leaves the same screen as the filter that
    searches every row at once: rows, counts, cursors, detail and activity."""
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        at_once = await screen_after_typing(app, pilot, keys)
    monkeypatch.setattr(dashboard_module, "PROGRESSIVE_FILTER_SIZE", 0)
    monkeypatch.setattr(dashboard_module, "FIRST_BUDGET", 1)
    monkeypatch.setattr(dashboard_module, "FIRST_ROWS", 1)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        assert await screen_after_typing(app, pilot, keys) == at_once


# -- typing and erasing on a dossier searched through its bytes (over 1 MiB) -------------------

WORDS = ("dam", "talks", "pipeline", "sanctions", "veto", "border", "tariff", "summit",
         "жаңа", "øresund", "round")  # fmt: skip


def wordy_dossier(path, events: int = 2500):
    """A dossier whose events' search text is over 1 MiB (so words are looked for
    through the bytes, as on a large dossier), with words sharing letters and prefixes."""
    import random

    import tomli_w

    rng = random.Random(15)
    timeline = [
        {
            "id": f"event-{i}",
            "title": f"{rng.choice(WORDS)} {rng.choice(WORDS)}, round {i}",
            "date": f"{rng.randrange(1990, 2026)}-{rng.randrange(1, 13):02d}",
            "summary": " ".join(rng.choice(WORDS) for _ in range(64)),
        }
        for i in range(events)
    ]
    path.write_text(tomli_w.dumps({"format": "faultline/1", "events": timeline}), "utf-8")
    return path


def shown_events(app) -> list[int]:
    return [row for row in app.dashboard.pane(Kind.EVENT).rows if row >= 0]


def plain_scan(app, query: str) -> list[int]:
    """The events whose search text holds every word, looked at one by one."""
    from tui.core.search import terms

    index = app.dashboard.arranged.index[Kind.EVENT]
    words = terms(query)
    return [row for row in range(len(index)) if all(word in index.key(row) for word in words)]


async def test_typing_and_erasing_shows_what_the_final_query_typed_at_once_shows(
    make_app, ready, tmp_path
) -> None:
    """Each key typed or erased shows the events a plain scan finds for what the prompt
    holds (answers narrowed from the last one, or remembered, are never stale); and the
    screen it ends on is the one the final query, pasted at once, gives a fresh app."""
    path = wordy_dossier(tmp_path / "wordy.toml")
    keys = [*"dam talks", *["backspace"] * 5, *"pi", "backspace", "backspace", *"жа"]
    keys += [*["backspace"] * 2, *"sanctions veto", *["backspace"] * 4, *"round 1"]
    final = "dam sanctions round 1"
    app = make_app(data_paths=[path])
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        index = app.dashboard.arranged.index[Kind.EVENT]
        assert sum(len(index.key(row).encode()) for row in range(len(index))) > 1 << 20
        await pilot.press("slash")
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            query = app.dashboard.filter_input.value
            assert app.dashboard.filter_text == query
            assert shown_events(app) == plain_scan(app, query), query
        assert query == final
        await settle(app, pilot)
        typed = (screen_text(app), shown_events(app))
        assert 0 < len(typed[1]) < 2500
    app = make_app(data_paths=[path])
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash")
        app.dashboard.filter_input.value = final  # as a paste: one change, one search
        await settle(app, pilot)
        assert (screen_text(app), shown_events(app)) == typed


async def test_after_a_key_the_word_being_typed_is_found_before_the_next(
    make_app, ready, tmp_path, monkeypatch
) -> None:
    """On a dossier over 1 MiB, once a key's rows are shown a worker notes where the word
    being typed (two bytes: answered without looking at the text) is, so that the next
    letter is checked there; no scan of the text runs for "dam" and "dam t" then, and
    every key still shows what a plain scan finds. (Here every word is in each event
    about six times: its places are kept, as for the bench's, where "da" is in 0.6.)"""
    from tui.core import search
    from tui.core.search import SearchIndex

    monkeypatch.setattr(search, "_PLACES_A_ROW", 64)
    path = wordy_dossier(tmp_path / "wordy.toml")
    app = make_app(data_paths=[path])
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        index = app.dashboard.arranged.index[Kind.EVENT]
        await pilot.press("slash", "d", "a")
        await until(pilot, lambda: not index.ready_for("da"), "the index readied for 'da'")
        scans: list[bytes] = []
        real_hit = SearchIndex._vector_hit

        def vector_hit(self, text, needle, lo, hi, begin, end, known=None, starts=None):
            if known is None:
                scans.append(needle)
            return real_hit(self, text, needle, lo, hi, begin, end, known, starts)

        monkeypatch.setattr(SearchIndex, "_vector_hit", vector_hit)
        for key in ("m", "space", "t"):
            await pilot.press(key)
            await pilot.pause()
            query = app.dashboard.filter_input.value
            assert shown_events(app) == plain_scan(app, query), query
        assert query == "dam t" and scans == []


async def test_a_filter_key_redraws_what_it_changes_not_the_whole_screen(
    make_app, ready, monkeypatch
) -> None:
    """The title bar does not change as the analyst types, and the keys do not redraw it:
    each key used to repaint the whole screen, every widget on it, the detail included.
    (Once is allowed: the prompt's opening may leave a frame that redraws it.)"""
    from textual.widgets import Static

    drawn: list[int] = []
    real = Static.render_lines

    def render_lines(self, crop):
        if self.id == "brand":
            drawn.append(1)
        return real(self, crop)

    monkeypatch.setattr(Static, "render_lines", render_lines)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash")
        await settle(app, pilot)
        drawn.clear()
        for key in [*"astana", "backspace", "backspace"]:
            await pilot.press(key)
            await settle(app, pilot)
        assert "Timeline" in screen_text(app) and app.dashboard.filter_text == "asta"
        assert len(drawn) <= 1


async def test_a_filter_key_lays_out_only_what_changes_size(
    make_app, ready, monkeypatch, tmp_path
) -> None:
    """A key changes the prompt's text, the timeline's rows and counts, the crumbs and the
    activity strip, none of which changes size here (over a screenful of events before
    and after, the strip as high): none of them asks for a layout of the whole screen
    (each did, several milliseconds of every key at 100,000 events); the screen is what
    a layout of the whole screen would show."""
    from textual.widget import Widget

    asked: list[str] = []
    real = Widget.refresh

    def refresh(self, *regions, repaint=True, layout=False, recompose=False):
        if layout:
            asked.append(self.id or type(self).__name__)
        return real(self, *regions, repaint=repaint, layout=layout, recompose=recompose)

    path = wordy_dossier(tmp_path / "wordy.toml", events=600)
    app = make_app(data_paths=[path])
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"round")
        await settle(app, pilot)
        counts = [app.dashboard.pane(Kind.EVENT).shown]
        monkeypatch.setattr(Widget, "refresh", refresh)
        for key in ["space", "1", "2", "backspace", "backspace", "3"]:
            await pilot.press(key)
            await settle(app, pilot)
            counts.append(app.dashboard.pane(Kind.EVENT).shown)
        monkeypatch.setattr(Widget, "refresh", real)
        typed = screen_text(app)
        assert app.dashboard.filter_text == "round 3"
        assert len(set(counts)) > 1 and min(counts) > WIDE[1]
        assert not {"filter", "events", "crumbs", "tabs", "activity"} & set(asked)
        # Nothing was left stale: laid out and drawn again whole, the screen, where each
        # widget is and each scrollbar are the same.
        before = laid_out(app)
        app.screen.refresh(layout=True)
        for widget in app.screen.walk_children(Widget):
            widget.refresh()
        await settle(app, pilot)
        assert screen_text(app) == typed
        assert laid_out(app) == before


def laid_out(app) -> dict:
    """Each widget's place, and each list's scrollable height and scrollbar."""
    from textual.widget import Widget

    found = {}
    for widget in app.screen.walk_children(Widget):
        found[id(widget)] = (widget.region, widget.virtual_size)
        if widget.show_vertical_scrollbar:
            bar = widget.vertical_scrollbar
            found[id(bar)] = (bar.window_virtual_size, bar.window_size, bar.position)
    return found

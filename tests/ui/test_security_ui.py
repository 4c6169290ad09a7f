"""Issue 9, the screen's part: input that hangs the palette, text whose width terminals
draw differently from what Rich computes, and screen defects a hostile review found.

The palette test runs under a watchdog (``signal.alarm``, with ``faulthandler`` as a
last resort) so that a matcher that explodes fails the test instead of hanging CI.
"""

from __future__ import annotations

import faulthandler
import json
import signal
import unicodedata
from pathlib import Path

import pytest
from helpers import until
from textual.command import CommandPalette
from textual.content import Content

from tui.ui.commands import fuzzy_match
from tui.ui.glyphs import drawn, drawn_content

# -- the command palette on crafted names (item 8) --------------------------------------------

WATCHDOG = 60  # seconds: far beyond what a linear matcher needs, far below a CI timeout


@pytest.fixture
def watchdog():
    """Fail the test, rather than hang, when it runs past ``WATCHDOG`` seconds.

    The alarm raises in whatever Python code is running (the palette swallows errors in a
    provider's search, so the alarm is also recorded and the teardown fails the test);
    it re-arms every few seconds to break each further hang. ``faulthandler`` ends the
    process if even that cannot get through."""
    fired: list[int] = []

    def expired(signum, frame) -> None:
        fired.append(signum)
        signal.alarm(5)
        raise TimeoutError(f"still running after {WATCHDOG} s: the palette hangs")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(WATCHDOG)
    faulthandler.dump_traceback_later(WATCHDOG * 4, exit=True)
    try:
        yield
    finally:
        signal.alarm(0)
        faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGALRM, previous)
    if fired:
        pytest.fail(f"the watchdog fired after {WATCHDOG} s: the UI hung")


# Names that make a matcher trying every combination of letter positions explode: many
# occurrences of each query letter, the query never a substring.
CRAFTED = [
    "ab" * 150,  # the 300-character limit
    "ba" * 150,
    "a-" * 150,
    "xa" * 150,
    "a " * 149 + "z",
    "abc" * 100,
    "a" + "b" * 298 + "a",
]


def crafted_dossier(folder: Path) -> Path:
    actors = [
        {"id": f"crafted-{n}", "name": name, "kind": "person", "aliases": [name[::-1]]}
        for n, name in enumerate(CRAFTED * 20)  # 140 actors: all are fuzzy-matched
    ]
    actors.append({"id": "plain", "name": "Alma Atabayeva", "kind": "person"})
    disagreements = [{"id": f"d{n}", "title": name} for n, name in enumerate(CRAFTED * 5)]
    events = [
        {"id": f"e{n}", "title": name, "date": "2013-01-01"} for n, name in enumerate(CRAFTED * 5)
    ]
    document = {
        "format": "faultline/1",
        "actors": actors,
        "disagreements": disagreements,
        "events": events,
    }
    path = folder / "crafted.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


async def test_palette_answers_at_once_on_crafted_names(
    tmp_path, make_app, ready, watchdog
) -> None:
    app = make_app(data_paths=[crafted_dossier(tmp_path)])
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        palette = app.screen
        await pilot.press(*"aaaaa")
        commands = palette.query_one("CommandList")

        def prompts() -> list[str]:
            return [str(option.prompt) for option in commands.options]

        await until(pilot, lambda: any("ab" * 150 in p for p in prompts()), "the hits")
        assert any(p.startswith("Go to actor: ") for p in prompts())
        assert any(p.startswith("Go to disagreement: ") for p in prompts())
        # The app still answers keys: the query edits, Escape closes the palette.
        await pilot.press("backspace", "z")
        await until(pilot, lambda: palette.query_one("Input").value == "aaaaz", "the edit")
        await until(pilot, lambda: any("a " * 149 + "z" in p for p in prompts()), "new hits")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, CommandPalette), "the close")
        assert app.is_running


def test_fuzzy_match_is_linear_in_the_name(watchdog) -> None:
    # The query's letters in order, wherever they are; a 300-character name with 150
    # places for each letter answers as fast as any other.
    for size in range(1, 151):
        score, offsets = fuzzy_match("a" * size, "ab" * 150)
        assert score > 0 and offsets == tuple(range(0, 2 * size, 2))
    assert fuzzy_match("aaaaa", "b" * 300) == (0.0, ())
    assert fuzzy_match("ac", "ab" * 150) == (0.0, ())
    assert fuzzy_match("a" * 151, "ab" * 150) == (0.0, ())


def test_fuzzy_match_prefers_runs_and_word_starts() -> None:
    # Highlights fall where an analyst looks for them: at the starts of words, in runs.
    assert fuzzy_match("lukas", "Alyaksandr Lukashenka")[1] == (11, 12, 13, 14, 15)
    assert fuzzy_match("nn", "Nursultan Nazarbayev")[1] == (0, 10)
    assert fuzzy_match("NAZ", "Nursultan Nazarbayev")[1] == (10, 11, 12)
    assert fuzzy_match("nur naz", "Nursultan Nazarbayev")[1] == (0, 1, 2, 10, 11, 12)
    # A run scores above scattered letters, a word start above the middle of a word.
    assert fuzzy_match("naz", "Nazarbayev")[0] > fuzzy_match("naz", "Nursultan Azimov Zed")[0]
    assert fuzzy_match("a", "Astana")[0] > fuzzy_match("a", "Kazakh")[0]


# -- text whose width terminals and Rich disagree on (item 15) --------------------------------

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # ZWJ sequence: 2 cells to Rich, 6 to xterm
THUMBS = "\U0001f44d\U0001f3fd"  # skin-tone modifier
HEART = "\u2764\ufe0f"  # VS16
JAMO = "\u1100\u1161\u11a8"  # conjoining Hangul: ᄀ + ᅡ + ᆨ
LONE_JAMO = "\u1161\u11a8"  # vowel and final with nothing to compose with
INVISIBLE = "a\u200bb\u2060c\ufeffd\u00ade"  # ZWSP, word joiner, BOM, soft hyphen
MARKS = "r\u200el\u200fm\u061cx"  # LRM, RLM, ALM
KEYCAP = "1\ufe0f\u20e3"
WIDE = [FAMILY, THUMBS, HEART, JAMO, LONE_JAMO, INVISIBLE, MARKS, KEYCAP]


def terminal_width(char: str) -> int:
    """Cells a terminal that draws character by character (wcwidth: xterm, VTE, tmux)
    gives ``char``; conjoining vowels and finals count 0 here, as wcwidth says."""
    code = ord(char)
    if unicodedata.category(char) in ("Mn", "Me", "Cf") or 0x1160 <= code <= 0x11FF:
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def unsure(char: str) -> bool:
    """Characters terminals draw at different widths (or join, or hide)."""
    code = ord(char)
    return (
        unicodedata.category(char) == "Cf"
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0x1160 <= code <= 0x11FF
        or 0xD7B0 <= code <= 0xD7FF
    )


def wide_dossier(folder: Path) -> Path:
    def text(n: int) -> str:
        return f"{WIDE[n % len(WIDE)]} n{n} " + " ".join(WIDE)

    actors = [
        {
            "id": f"a{n}",
            "name": text(n),
            "kind": "person",
            "role": text(n + 1),
            "aliases": [text(n + 2)],
            "summary": text(n + 3) * 3,
        }
        for n in range(len(WIDE))
    ]
    disagreements = [
        {
            "id": f"d{n}",
            "title": text(n),
            "question": text(n + 4),
            "positions": [{"actor": f"a{n}", "stance": "support", "summary": text(n + 5)}],
        }
        for n in range(len(WIDE))
    ]
    events = [
        {"id": f"e{n}", "title": text(n), "date": "2013-01-01", "actors": [f"a{n}"]}
        for n in range(len(WIDE))
    ]
    document = {
        "format": "faultline/1",
        "meta": {"title": text(0)},
        "actors": actors,
        "disagreements": disagreements,
        "events": events,
    }
    path = folder / "wide.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def assert_aligned(text: str, width: int, *, panes: bool = True) -> None:
    """Every row as wide as the terminal, every pane border in its column, and nothing
    left whose width depends on the terminal."""
    lines = text.split("\n")
    corners: set[int] = set()
    bars: dict[int, list[int]] = {}
    for number, line in enumerate(lines):
        assert not any(unsure(c) for c in line), (number, line)
        assert sum(map(terminal_width, line)) == width, (number, line)
        column = 0
        for char in line:
            if char in "╭╮╰╯":
                corners.add(column)
            elif char == "│":
                bars.setdefault(number, []).append(column)
            column += terminal_width(char)
    assert (corners and bars) or not panes
    for number, columns in bars.items():
        assert set(columns) <= corners, (number, lines[number], columns, sorted(corners))


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_wide_and_invisible_characters_keep_the_borders_in_place(
    tmp_path, make_app, ready, screen, size
) -> None:
    app = make_app(data_paths=[wide_dossier(tmp_path)])
    async with app.run_test(size=size) as pilot:
        await ready(app, pilot)
        assert "n0" in screen(app)
        # Each actor in the detail pane, then a disagreement, a position and an event.
        for _ in range(len(WIDE)):
            assert_aligned(screen(app), size[0])
            await pilot.press("down")
            await pilot.pause()
        for keys in (["tab", "down"], ["tab", "down"], ["tab", "down"]):
            await pilot.press(*keys)
            await pilot.pause()
            assert_aligned(screen(app), size[0])
        await pilot.press("enter")  # focus on the event: every pane shows what relates
        await pilot.pause()
        assert_aligned(screen(app), size[0])
        # The palette lists the names over the dashboard, with their kinds and roles.
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"n1")
        commands = app.screen.query_one("CommandList")
        await until(pilot, lambda: commands.option_count > 0, "the hits")
        await pilot.pause()
        assert "n1" in screen(app)
        assert_aligned(screen(app), size[0], panes=False)


def test_drawn_keeps_what_every_terminal_draws_alike() -> None:
    # Shown side by side, without the joiners, modifiers and selectors; Hangul composed.
    assert drawn(f"{FAMILY} {THUMBS} {HEART}") == "\U0001f468\U0001f469\U0001f467 \U0001f44d \u2764"
    assert drawn(JAMO) == "\uac01"  # 각
    assert drawn(LONE_JAMO) == "\u314f\u3131"  # ㅏ ㄱ: the wide compatibility letters
    assert drawn(INVISIBLE) == "abcde" and drawn(MARKS) == "rlmx"
    assert drawn("Lukašenka, Назарбаев, 中国, كازاخستان") == "Lukašenka, Назарбаев, 中国, كازاخستان"
    # Styled content keeps its styles on the same words.
    content = drawn_content(Content.assemble((f"{FAMILY}x", "bold"), " ", (f"{HEART}y", "red")))
    assert content.plain == "\U0001f468\U0001f469\U0001f467x \u2764y"
    assert [(content.plain[s.start : s.end], s.style) for s in content.spans] == [
        ("\U0001f468\U0001f469\U0001f467x", "bold"),
        ("\u2764y", "red"),
    ]


def test_every_format_character_is_hidden() -> None:
    # glyphs.FORMAT is written out (scanning Unicode at import is slow): check it whole.
    missing = [
        f"U+{code:04X}"
        for code in range(0x110000)
        if unicodedata.category(chr(code)) == "Cf" and drawn(f"a{chr(code)}") != "a"
    ]
    assert not missing


# -- other screen defects (item 15) -----------------------------------------------------------


async def test_year_headings_keep_four_digits(tmp_path, make_app, ready, screen) -> None:
    path = tmp_path / "early.json"
    document = {
        "format": "faultline/1",
        "events": [
            {"id": "e1", "title": "First year", "date": "0001-02-03"},
            {"id": "e2", "title": "Ninety-nine", "date": "0099"},
        ],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    app = make_app(data_paths=[path])
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        text = screen(app)
        assert "── 0001 ──" in text and "── 0099 ──" in text
        assert "── 1 ──" not in text


# Feeds against a real server on 127.0.0.1 (tests/feedserver.py).

LOCAL = 'format = "faultline/1"\n[[actors]]\nid = "kz"\nname = "Kazakhstan"\nkind = "state"\n'


@pytest.fixture
def feed_server(monkeypatch: pytest.MonkeyPatch):
    from feedserver import FeedServer

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    with FeedServer() as running:
        yield running


def feeds_app(tmp_path: Path, feeds: list):
    from tui.core.config import Config
    from tui.ui.app import FaultlineApp

    local = tmp_path / "local.toml"
    local.write_text(LOCAL, encoding="utf-8")
    config = Config(cache_dir=tmp_path / "cache", data_paths=(local,), feeds=tuple(feeds))
    return FaultlineApp(config)


def status_line(app) -> str:
    return str(app.dashboard.query_one("#status").render())


def toasts(app) -> list[str]:
    return [str(toast.render()) for toast in app.screen.query("Toast")]


async def test_many_failing_feeds_make_one_notice(tmp_path, feed_server, screen) -> None:
    from tui.core.config import FeedConfig
    from tui.core.feeds import FeedStatus

    feeds = [
        FeedConfig(name=f"team-{n}", url=feed_server.url(f"/missing-{n}.json"), interval=900.0)
        for n in range(7)
    ]
    app = feeds_app(tmp_path, feeds)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:

        def all_failed() -> bool:
            client = app.feed_client
            return client is not None and all(
                s.status is FeedStatus.FAILED and not s.fetching for s in client.states.values()
            )

        await until(pilot, all_failed, "every feed to fail")
        await until(pilot, lambda: bool(toasts(app)), "the notice")
        await pilot.pause()
        await pilot.pause()
        # One notice, with the count and the feeds it names; f for each one's reason.
        (notice,) = toasts(app)
        assert "7 feeds not refreshed" in notice
        # Three feeds named (the first to fail: any three of the seven), then the rest counted.
        named = [f"team-{i}" for i in range(7) if f"team-{i} (HTTP 404)" in notice]
        assert len(named) == 3 and "and 4 more" in notice
        assert "f shows" in notice
        assert "7 failed (HTTP 404)" in status_line(app)

        # r from the feeds screen: the table stays visible under a single notice.
        def requests() -> int:
            return sum(len(feed_server.requests_for(f"/missing-{n}.json")) for n in range(7))

        before = requests()
        await pilot.press("f", "r")
        await until(pilot, lambda: requests() == before + 7 and all_failed(), "the refresh")
        await pilot.pause()
        await pilot.pause()
        assert len(toasts(app)) <= 2  # the first notice may not have timed out yet
        assert sum("7 feeds not refreshed" in t for t in toasts(app)) == len(toasts(app))
        assert "team-6" in screen(app)


async def test_status_line_counts_a_refreshing_feed_once(tmp_path, feed_server) -> None:
    from feedserver import drip

    from tui.core.config import FeedConfig

    feed_server.route("/slow.json", drip(every=0.02))
    feed = FeedConfig(name="team", url=feed_server.url("/slow.json"), interval=900.0, timeout=60.0)
    app = feeds_app(tmp_path, [feed])
    async with app.run_test(size=(120, 36)) as pilot:
        await until(
            pilot,
            lambda: app.feed_client is not None and app.feed_client.state("team").fetching,
            "the fetch to start",
        )
        await until(pilot, lambda: "feed" in status_line(app), "the status line")
        text = status_line(app)
        assert "1 feed: refreshing" in text, text
        assert "pending" not in text, text  # a feed being refreshed is not also pending

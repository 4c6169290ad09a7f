"""Issue 9, the screen's part: input that hangs the palette, text whose width terminals
draw differently from what Rich computes, and screen defects a hostile review found.

The palette test runs under a watchdog (``signal.alarm``, with ``faulthandler`` as a
last resort) so that a matcher that explodes fails the test instead of hanging CI.
"""

from __future__ import annotations

import faulthandler
import json
import signal
from pathlib import Path

import pytest
from textual.command import CommandPalette

from tui.ui.commands import fuzzy_match

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


async def until(pilot, condition, what: str, tries: int = 500) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


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

"""Who sides with whom (a), the matrix ordered by camps (o), driven as an analyst would."""

from __future__ import annotations

import re
import threading
from dataclasses import replace

from helpers import move_to, until

from tests.conftest import screen_text
from tui.core.browse import Arranged, Ref
from tui.core.dates import EDate
from tui.core.merge import Dataset
from tui.core.model import Actor, Disagreement, Kind, Position
from tui.ui.alignment import AlignmentScreen
from tui.ui.app import FaultlineApp
from tui.ui.matrix import MatrixScreen, StanceMatrix

WIDE = (120, 40)
SMALL = (80, 24)


async def open_alignment(pilot, app: FaultlineApp) -> AlignmentScreen:
    await pilot.press("a")
    await until(pilot, lambda: isinstance(app.screen, AlignmentScreen), "the alignment view")
    screen = app.screen
    assert isinstance(screen, AlignmentScreen)
    await until(pilot, lambda: screen.alignment is not None, "the alignment to be computed")
    await pilot.pause()
    return screen


async def test_allies_and_opponents_of_the_selected_actor(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await move_to(pilot, app, Kind.ACTOR, "kz")
        await open_alignment(pilot, app)
        text = screen_text(app)
        # How the score is computed, said in the view.
        assert "S = 1 − Σ|xa − xb| / (2n)" in text
        assert "pairs with n < 2 are not scored" in text
        assert "Allies of Kazakhstan: most alike first" in text
        assert re.search(r"1\.00  n 2\s+Nursultan Nazarbayev", text)
        assert "Opponents of Kazakhstan: least alike first" in text
        assert re.search(r"0\.00  n 2\s+Russia", text)
        assert "3 pairs scored" in text
        # Every actor with a known stance, camps together: Kazakhstan beside Nazarbayev.
        lines = text.splitlines()
        start = next(i for i, line in enumerate(lines) if "camps together" in line)
        order = [line for line in lines[start + 1 :] if line.strip("│ ")]
        kz = next(i for i, line in enumerate(order) if "Kazakhstan " in line)
        assert "Nursultan Nazarbayev" in order[kz + 1]
        # Each with its stances, one glyph a disagreement, and its closest ally.
        assert re.search(r"Kazakhstan\s+▼▼▲\?\?\s+closest Nursultan Nazarbayev 1\.00 \(n 2\)", text)
        assert re.search(r"Russia\s+▲▲\?\?\?\s*│", text)  # no ally: S = 0 is no "closest"

        # Enter on Russia ranks Russia's allies and opponents instead.
        while app.screen.pairs.actor != "ru":
            await pilot.press("j")
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "Opponents of Russia" in text
        assert re.search(r"0\.00  n 2\s+Kazakhstan", text)

        # o goes back to the dashboard focused on the actor under the cursor.
        await pilot.press("o")
        await until(pilot, lambda: bool(app.dashboard.trail), "the focus")
        assert app.dashboard.focus_ref == Ref(Kind.ACTOR, app.dashboard.trail[-1].id)
        assert not isinstance(app.screen, AlignmentScreen)


async def test_with_no_actor_selected_only_the_camps_show(make_app, ready) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await ready(app, pilot)
        await pilot.press("2")  # the disagreements pane: no actor selected
        await open_alignment(pilot, app)
        text = screen_text(app)
        assert "Allies of" not in text
        assert "All 10 actors, camps together" in text
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, AlignmentScreen), "closing")


def camps() -> Dataset:
    """Six actors in two camps, their ids interleaved so that name order mixes them."""
    west = ("support", "support", "oppose")
    east = ("oppose", "oppose", "support")
    sides = {"a": west, "b": east, "c": west, "d": east, "e": west, "f": east}
    actors = {i: Actor(id=i, name=f"Actor {i.upper()}", kind="state") for i in sides}
    disagreements = {
        f"q{j}": Disagreement(
            id=f"q{j}",
            title=f"Question {j}",
            positions=tuple(
                Position(actor=i, stance=stance[j], as_of=EDate.parse("2013"))
                for i, stance in sides.items()
            ),
        )
        for j in range(3)
    }
    return Dataset(actors=actors, disagreements=disagreements)


async def test_the_matrix_orders_actors_by_camps_and_back(make_app, ready) -> None:
    app = make_app(dataset=camps())
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MatrixScreen), "the matrix")
        matrix = app.screen.query_one(StanceMatrix)
        assert matrix.actor_ids == ["a", "b", "c", "d", "e", "f"]
        await pilot.press("o")
        await until(pilot, lambda: matrix.actor_ids != list("abcdef"), "the camp order")
        assert matrix.actor_ids == ["a", "c", "e", "b", "d", "f"]
        assert "camps together" in screen_text(app)
        await pilot.press("o")
        await pilot.pause()
        assert matrix.actor_ids == ["a", "b", "c", "d", "e", "f"]
        assert "by name" in screen_text(app)


async def test_keys_work_while_the_alignment_is_computed(make_app, ready, monkeypatch) -> None:
    """The index is computed in a worker: until it arrives the view says so, and keys
    (here Esc) are handled at once."""
    from tui.ui import alignment as alignment_module

    gate = threading.Event()
    real = alignment_module.alignment_of

    def slow(columns):
        gate.wait(timeout=30)
        return real(columns)

    monkeypatch.setattr(alignment_module, "alignment_of", slow)
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await ready(app, pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AlignmentScreen), "the view")
        await pilot.pause()
        assert "computing…" in screen_text(app)
        assert "Computing the alignment…" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, AlignmentScreen), "closing")
        gate.set()
        await app.workers.wait_for_complete()


async def test_a_new_dossier_is_aligned_again(make_app, ready, default_dataset) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await ready(app, pilot)
        await move_to(pilot, app, Kind.ACTOR, "kz")
        screen = await open_alignment(pilot, app)
        assert re.search(r"0\.00  n 2\s+Russia", screen_text(app))
        # Russia comes round to Kazakhstan's stance on both questions (a save, a refresh).
        changed = {
            ident: replace(
                d,
                positions=tuple(
                    replace(p, stance="oppose") if p.actor == "ru" and p.stance == "support" else p
                    for p in d.positions
                ),
            )
            for ident, d in default_dataset.disagreements.items()
        }
        arranged = Arranged(replace(default_dataset, disagreements=changed))
        old = screen.alignment
        screen.show_arranged(arranged)
        await until(pilot, lambda: screen.alignment is not old, "the new alignment")
        await pilot.pause()
        text = screen_text(app)
        assert re.search(r"1\.00  n 2\s+Russia", text)
        assert "Opponents of Kazakhstan" not in text

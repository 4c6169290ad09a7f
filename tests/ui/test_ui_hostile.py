"""Untrusted text stays text: a dossier full of markup, escape sequences and bidi controls.

Nothing in it may run an action, crash the app, restyle the screen or reach the
terminal as a control sequence; every string is shown as typed (minus the control
characters the reader removes and counts).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette

from tui.core.browse import Ref
from tui.core.model import Kind
from tui.ui.detail import DetailPane
from tui.ui.matrix import MatrixScreen
from tui.ui.problems import ProblemsScreen

QUIT = "[@click=app.quit]Click me[/]"
CLOSE = "[/]"
LINK = "[link=https://evil.example]phish[/link]"
BOLD = "[bold red on white]loud[/]"
VARIABLE = "$accent [$accent]x[/] $name"

HOSTILE = r"""
format = "faultline/1"

[meta]
title = "[@click=app.quit]Dossier[/] \u001b]0;pwned\u0007"
summary = "[b]meta[/b]"
as_of = "2020"

[[sources]]
id = "src"
title = "[reverse]Source title[/] \u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\"
publisher = "[@click=app.bell]Publisher[/]"
reliability = "C"

[[actors]]
id = "evil"
name = "[@click=app.quit]Click me[/]"
kind = "person"
aliases = ["[/]", "[bold red on white]loud[/]"]
role = "\u001b[31mred role\u001b[0m [i]"
summary = "Reversed \u202eelbisivni\u202c text; clipboard \u001b]52;c;ZXZpbA==\u0007 gone"
tags = ["$accent [$accent]x[/] $name"]
x_note = "[@click=app.quit]ext[/]"

[[actors]]
id = "plain"
name = "Plain actor"
kind = "state"

[[disagreements]]
id = "d1"
title = "[link=https://evil.example]phish[/link]"
question = "[/] Is this [bold]safe[/bold]?"
summary = "\u001b[2J\u001b[H cleared?"
sources = [{ id = "src", locator = "[@click=app.quit]para[/]", credibility = 2 }]

[[disagreements.positions]]
actor = "evil"
stance = "oppose"
as_of = "2019"
summary = "[@click=app.quit]position[/]"
sources = ["src"]

[[disagreements.positions]]
actor = "ghost-[x]"
stance = "support"

[[disagreements]]
id = "d2"
title = "Quiet question"

[[disagreements.positions]]
actor = "plain"
stance = "neutral"
""".replace('actor = "ghost-[x]"', 'actor = "ghost"')

EVENTS = r"""
[[events]]
id = "e1"
title = "[/]"
date = "2019-05"
date_text = "[@click=screen.dismiss]when[/]"
summary = "\u202e[red]reversed[/red]"
actors = ["evil"]
disagreements = ["d1"]
location = "[blink]here[/blink]"
status = "planned"
likelihood = "likely"

[[events]]
id = "e2"
title = "$variable and [$primary]styled[/]"
date = "2018"
actors = ["plain"]
"""

BAD = 'format = "faultline/1"\n[[actors]]\nid = "[@click=app.quit]"\nname = "[/]"\nkind = "state"\n'


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "a.toml").write_text(HOSTILE + EVENTS, encoding="utf-8")
    (folder / "b-bad.toml").write_text(BAD, encoding="utf-8")
    return folder


def assert_clean(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text
    for bidi in (
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
    ):
        assert bidi not in text


async def test_hostile_text_is_shown_as_typed_and_runs_nothing(
    hostile, make_app, ready, screen
) -> None:
    app = make_app(data_paths=[hostile])
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await ready(app, pilot)
        text = screen(app)
        assert_clean(text)
        assert "[@click=app.quit]Dossier[/]" in text  # the header
        assert QUIT in text  # the actors pane
        assert LINK in text  # the disagreements pane
        assert "$variable and [$primary]styled[/]" in text  # the timeline
        assert "[@click=screen.dismiss]when[/]" in text  # date_text
        status = str(app.dashboard.query_one("#status").render())
        assert (
            "control chars removed" in status and "1 rejected" in status and "unresolved" in status
        )

        # The actor's detail: every hostile field, literally.
        assert app.dashboard.pane(Kind.ACTOR).ref == Ref(Kind.ACTOR, "evil")
        detail = "\n".join(str(b.content) for b in app.query_one(DetailPane).blocks)
        # (The reader removed the ESC characters; what is left of the sequences is text.)
        for typed in (
            QUIT,
            CLOSE,
            BOLD,
            VARIABLE,
            "x_note  [@click=app.quit]ext[/]",  # an x_ value, as typed (not quoted)
            "[31mred role[0m [i]",
        ):
            assert typed in detail, typed
        assert "Reversed elbisivni text; clipboard ]52;c;ZXZpbA== gone" in detail

        # Clicking the text that would be an action link does nothing but select.
        title = app.query_one(DetailPane).query("Static").first()
        await pilot.click(title)
        await pilot.click(app.dashboard.pane(Kind.ACTOR), offset=(3, 1))
        await pilot.pause()
        assert app.is_running
        assert_clean(screen(app))


async def test_hostile_text_through_focus_filter_palette_matrix_and_warnings(
    hostile, make_app, ready, screen
) -> None:
    app = make_app(data_paths=[hostile])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(app, pilot)
        # Focus: the breadcrumb quotes the name.
        await pilot.press("enter")
        await pilot.pause()
        assert f"Focus All › {QUIT}" in screen(app)
        await pilot.press("escape")

        # The filter prompt takes markup as text.
        await pilot.press("slash", *"[/]", "enter")
        await pilot.pause()
        assert "Filter “[/]”" in screen(app)
        assert app.dashboard.pane(Kind.ACTOR).shown == 1  # the alias "[/]"
        await pilot.press("slash", "ctrl+u", *"[@click=app.quit]zz", "enter")
        await pilot.pause()
        assert "No actors match “[@click=app.quit]zz”" in screen(app)
        await pilot.press("escape")

        # The palette lists hostile names as text.
        await pilot.press("ctrl+p")
        for _ in range(100):
            if isinstance(app.screen, CommandPalette):
                break
            await pilot.pause(0.02)
        await pilot.press(*"click")
        palette = app.screen
        for _ in range(200):
            options = palette.query_one("CommandList").options
            if options:
                break
            await pilot.pause(0.02)
        prompts = [str(o.prompt) for o in palette.query_one("CommandList").options]
        assert any(QUIT in p for p in prompts), prompts
        await pilot.press("escape")
        await pilot.pause()

        # The matrix: hostile column titles, and a notification naming one.
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MatrixScreen)
        assert_clean(screen(app))
        assert "[link=https" in screen(app)
        matrix = app.screen.matrix
        assert matrix.cell()[0] == "evil"
        await pilot.press("escape")

        # The warnings screen quotes the rejected document's values.
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        text = screen(app)
        assert "'[@click=app.quit]' is not a valid id" in text
        assert "no actor 'ghost' is defined" in text
        assert_clean(text)
        await pilot.press("escape")
        assert app.is_running


async def test_a_notification_quoting_data_is_not_markup(hostile, make_app, ready, screen) -> None:
    app = make_app(data_paths=[hostile])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        matrix = app.screen.matrix
        await pilot.press("j")  # Plain actor, on the hostile question: no position
        assert matrix.cell()[0] == "plain" and matrix.position() is None
        await pilot.press("enter")

        def toasts() -> str:
            return " ".join(str(toast.render()) for toast in app.screen.query("Toast"))

        for _ in range(100):
            if "holds no recorded" in toasts():
                break
            await pilot.pause(0.02)
        assert (
            "Plain actor holds no recorded position on [link=https://evil.example]phish[/link]."
            in toasts()
        )
        assert "[link=https://evil.example]" in screen(app)
        assert isinstance(app.screen, MatrixScreen) and app.is_running

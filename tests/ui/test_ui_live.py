"""Live reload: data files saved while the dashboard runs, as an analyst saves them (an
editor writing a temp file and renaming it over the old one), and what the dashboard
shows after each save. Waits are bounded polls (``helpers.until``); nothing sleeps."""

from __future__ import annotations

import datetime
import os
import re
import threading
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from tests.conftest import screen_text
from tests.helpers import burst, toasts, until
from tui.cli import main
from tui.core.config import Config
from tui.ui.app import FaultlineApp
from tui.ui.capture import EventForm, StanceForm
from tui.ui.changes import ChangesScreen
from tui.ui.matrix import MatrixScreen
from tui.ui.problems import ProblemsScreen, problem_lines

SIZE = (120, 40)

DOSSIER = """\
format = "faultline/1"

[meta]
title = "Live test"

[[actors]]
id = "kz"
name = "Kazakhstan"
kind = "state"

[[actors]]
id = "ru"
name = "Russia"
kind = "state"

[[disagreements]]
id = "union"
title = "Eurasian union"

[[disagreements.positions]]
actor = "kz"
stance = "oppose"
as_of = "2013-01"

[[events]]
id = "summit"
title = "Union summit in Moscow"
date = 2013-01-18
actors = ["kz", "ru"]
"""

ASTANA = """
[[events]]
id = "astana"
title = "Union summit in Astana"
date = "2014-05"
actors = ["kz"]
"""


def save(path: Path, text: str) -> None:
    """Save as editors do: write a temp file beside it, then rename it over the file."""
    temp = path.with_name(f".{path.name}.swp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def build(tmp_path: Path, paths: list[Path], **config) -> FaultlineApp:
    return FaultlineApp(Config(cache_dir=tmp_path / "cache", **config), data_paths=paths)


async def loaded(pilot, app: FaultlineApp) -> None:
    await until(pilot, lambda: app.arranged is not None, "the dossier")
    await until(
        pilot, lambda: app.reloader is not None and app.reloader.watcher.ready.is_set(), "watching"
    )


def status(app: FaultlineApp) -> str:
    return str(app.dashboard.query_one("#status").render())


def shows(app: FaultlineApp, pattern: str) -> bool:
    return re.search(pattern, screen_text(app)) is not None


def event_ids(app: FaultlineApp) -> set[str]:
    assert app.arranged is not None
    return set(app.arranged.dataset.events)


async def test_saves_are_shown_as_they_happen_keeping_focus_and_filter(
    tmp_path, empty_workdir
) -> None:
    data = tmp_path / "x.toml"
    data.write_text(DOSSIER, encoding="utf-8")
    app = build(tmp_path, [data])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        # Focused on Kazakhstan, filtered on "union".
        await pilot.press("1", "enter")
        await pilot.press("slash", *"union", "enter")
        await until(pilot, lambda: app.dashboard.filter_text == "union", "the filter")
        assert app.dashboard.focus_ref is not None and app.dashboard.focus_ref.id == "kz"

        # 1. An event appended: it shows, marked new, under the same focus and filter.
        save(data, DOSSIER + ASTANA)
        await until(pilot, lambda: "astana" in event_ids(app), "the new event")
        await pilot.pause()
        timeline = app.dashboard.pane("events")
        await until(pilot, lambda: shows(app, r"\+ • 2014-05 +Union summit in Astana"), "+")
        assert app.dashboard.filter_text == "union"
        assert app.dashboard.focus_ref.id == "kz"
        assert timeline.ref is not None
        await until(pilot, lambda: "x.toml: 1 added, 0 changed" in toasts(app), "the notice")

        # 2. A change of stance recorded with `faultline add` from another shell.
        assert main(["add", "position", str(data), "--disagreement", "union", "--actor", "kz",
                     "--stance", "support", "--as-of", "2013-02"]) == 0  # fmt: skip
        union = lambda: app.arranged.dataset.disagreements["union"]  # noqa: E731
        await until(pilot, lambda: union().current()["kz"].stance == "support", "the new stance")
        # Focused on Kazakhstan: its own stance (▲) stands before the tally.
        await until(pilot, lambda: shows(app, r"\* open +Eurasian union +▲ ┊ 1▲"), "the * mark")

        # 3. A save with a mistake: nothing shown changes, the status line says why.
        good = data.read_text(encoding="utf-8")
        save(data, good.replace('as_of = "2013-01"', "as_of = 2013-01"))
        await until(
            pilot,
            lambda: "x.toml: 1 problem, showing the last good version" in status(app),
            "the status line",
        )
        assert "astana" in event_ids(app)
        assert union().current()["kz"].stance == "support"
        assert app.dashboard.filter_text == "union" and app.dashboard.focus_ref.id == "kz"
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ProblemsScreen), "the warnings")
        shown = [text for _, text in problem_lines(app.arranged.dataset)]
        assert shown[0] == f"{data}: 1 problem, showing the last good version until they are fixed:"
        assert shown[1] == (  # the bare date's line, with first aid
            f"{data}:23: TOML syntax error: dates that are not a whole day are quoted: "
            'as_of = "2013-01"'
        )
        assert "last good version" in screen_text(app)
        await pilot.press("escape")

        # 4. Fixed: the status line clears, the fix shows.
        save(data, good.replace('as_of = "2013-01"', 'as_of = "2012-12"'))
        await until(pilot, lambda: "last good version" not in status(app), "the status to clear")
        assert [str(p.as_of) for p in union().history("kz")] == ["2012-12", "2013-02"]
        assert app.dashboard.filter_text == "union" and app.dashboard.focus_ref.id == "kz"

        # The changes view names the file the changes came from.
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ChangesScreen), "the changes view")
        await pilot.pause()
        assert f"from {data}" in screen_text(app)
        await pilot.press("escape")

        # 5. The file deleted: its layer goes, with a warning.
        data.unlink()
        await until(pilot, lambda: not event_ids(app), "the events to go")
        await until(pilot, lambda: "is gone from disk" in toasts(app), "the warning")
        assert not app.arranged.dataset.actors


async def test_a_new_file_in_a_data_directory_is_picked_up(tmp_path) -> None:
    folder = tmp_path / "dossier"
    folder.mkdir()
    (folder / "a.toml").write_text(DOSSIER, encoding="utf-8")
    app = build(tmp_path, [folder])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        (folder / "sub").mkdir()
        save(folder / "sub" / "b.toml", ASTANA)
        await until(pilot, lambda: "astana" in event_ids(app), "the new file's event")
        await until(
            pilot, lambda: "Union summit in Astana" in screen_text(app), "the event on screen"
        )
        assert "summit" in event_ids(app)


async def test_a_save_of_one_file_of_a_data_directory_reads_that_file_alone(tmp_path) -> None:
    """A dossier kept in parts: the reload of a saved part leaves the other parts'
    documents as they were read, unread (at a million events in ten parts, reading all
    ten again took a minute and 350 MB more)."""
    folder = tmp_path / "dossier"
    folder.mkdir()
    (folder / "a.toml").write_text(DOSSIER, encoding="utf-8")
    (folder / "b.toml").write_text(ASTANA, encoding="utf-8")
    app = build(tmp_path, [folder])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        (shown,) = app.arranged.dataset.layers
        save(folder / "b.toml", ASTANA.replace("Union summit in Astana", "Summit in Astana"))
        await until(pilot, lambda: shows(app, "Summit in Astana"), "the saved part")
        (layer,) = app.arranged.dataset.layers
        assert layer.documents[0] is shown.documents[0]  # a.toml, not read again
        assert layer.documents[1] is not shown.documents[1]
        assert "summit" in event_ids(app) and "astana" in event_ids(app)


@pytest.mark.parametrize("data_path", ["the link", "its directory"])
async def test_a_symlinked_data_file_is_reloaded_when_its_target_is_saved(
    tmp_path, data_path: str
) -> None:
    # The dossier kept in a repository, linked into the folder the analyst opens (or
    # into a data directory): a save happens in the target's directory, not the link's.
    real = tmp_path / "repo" / "x.toml"
    real.parent.mkdir()
    real.write_text(DOSSIER, encoding="utf-8")
    link = tmp_path / "work" / "x.toml"
    link.parent.mkdir()
    link.symlink_to(real)
    app = build(tmp_path, [link if data_path == "the link" else link.parent])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        assert app.reloader is not None and app.reloader.watcher.how == "notifications"
        save(real, DOSSIER + ASTANA)
        await until(pilot, lambda: "astana" in event_ids(app), "the target's save")


async def test_polling_where_notifications_do_not_arrive(tmp_path) -> None:
    """``[data] watch = "poll"`` (as on an NFS or sshfs mount): a stat every 1.5 s."""
    data = tmp_path / "x.toml"
    data.write_text(DOSSIER, encoding="utf-8")
    app = build(tmp_path, [data], data_watch="poll")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        assert app.reloader is not None and app.reloader.watcher.how == "polling every 1.5 s"
        with data.open("a", encoding="utf-8") as handle:  # written in place, in two bursts
            handle.write(ASTANA[:40])
            handle.flush()
            handle.write(ASTANA[40:])
        await until(pilot, lambda: "astana" in event_ids(app), "the polled change")


@pytest.mark.parametrize("how", ["flag", "config"])
async def test_watching_can_be_turned_off(tmp_path, how: str) -> None:
    data = tmp_path / "x.toml"
    data.write_text(DOSSIER, encoding="utf-8")
    if how == "flag":
        app = FaultlineApp(Config(cache_dir=tmp_path / "cache"), data_paths=[data], watch=False)
    else:
        app = build(tmp_path, [data], data_watch="off")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: app.arranged is not None, "the dossier")
        assert app.reloader is not None and app.reloader.watcher is None


# -- e: the editor ------------------------------------------------------------------------------

EDITOR_SCRIPT = """\
#!{python}
# A stand-in editor named vi: records its arguments, then appends an event to the file.
import json, sys
with open({log!r}, "a", encoding="utf-8") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
with open(sys.argv[-1], "a", encoding="utf-8") as edited:
    edited.write({added!r})
"""


def stand_in_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$EDITOR set to a script called ``vi``; returns the file it logs its arguments to."""
    import sys

    log = tmp_path / "editor-args.jsonl"
    script = tmp_path / "bin" / "vi"
    script.parent.mkdir()
    script.write_text(
        EDITOR_SCRIPT.format(python=sys.executable, log=str(log), added=ASTANA), encoding="utf-8"
    )
    script.chmod(0o755)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(script))
    return log


async def test_e_opens_the_editor_at_the_rows_line_and_the_save_shows(
    tmp_path, monkeypatch
) -> None:
    import json

    log = stand_in_editor(tmp_path, monkeypatch)
    data = tmp_path / "x.toml"
    data.write_text(DOSSIER, encoding="utf-8")
    app = build(tmp_path, [data])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await pilot.press("3")  # the timeline: the Moscow summit, its [[events]] table at line 25
        await until(pilot, lambda: app.dashboard.pane("events").ref is not None, "a row")
        await pilot.press("e")
        await until(pilot, log.exists, "the editor to run")
        assert json.loads(log.read_text(encoding="utf-8")) == ["+25", str(data)]
        await until(pilot, lambda: "astana" in event_ids(app), "the editor's save")
        await until(pilot, lambda: "Union summit in Astana" in screen_text(app), "the new row")

        # In the detail pane: the entity it shows (the disagreement, its table at line 16).
        await pilot.press("2", "4")
        await until(pilot, lambda: app.dashboard.detail.ref is not None, "the detail")
        log.unlink()
        await pilot.press("e")
        await until(pilot, log.exists, "the editor to run again")
        assert json.loads(log.read_text(encoding="utf-8")) == ["+16", str(data)]


async def test_e_on_an_entity_from_a_feed_says_which_feed(tmp_path, monkeypatch) -> None:
    from tui.core.loading import read_bytes, read_layer
    from tui.core.merge import check_layer, merge

    log = stand_in_editor(tmp_path, monkeypatch)
    data = tmp_path / "x.toml"
    data.write_text(DOSSIER, encoding="utf-8")
    body = b'format = "faultline/1"\n[[actors]]\nid = "by"\nname = "Belarus"\nkind = "state"\n'
    document = read_bytes(body, "https://team.example/d.toml", "toml", layer="team")
    feed = check_layer("team", [document], [], is_feed=True)
    app = FaultlineApp(
        Config(cache_dir=tmp_path / "cache"), dataset=merge([read_layer(data), feed])
    )
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: app.arranged is not None, "the dossier")
        await pilot.press("1")
        for _ in range(3):
            if app.dashboard.pane("actors").ref.id == "by":
                break
            await pilot.press("j")
        assert app.dashboard.pane("actors").ref.id == "by"
        await pilot.press("e")
        await until(pilot, lambda: "comes from the feed team" in toasts(app), "the notice")
        assert not log.exists()


async def test_e_in_the_matrix_opens_the_position_under_the_cursor(tmp_path, monkeypatch) -> None:
    import json

    log = stand_in_editor(tmp_path, monkeypatch)
    data = tmp_path / "x.toml"
    data.write_text(DOSSIER, encoding="utf-8")
    app = build(tmp_path, [data])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MatrixScreen), "the matrix")
        assert "1 actor × 1 disagreement  ·" in screen_text(app)  # one of each, in English
        await pilot.press("e")  # Kazakhstan on the union: written under its table, line 16
        await until(pilot, log.exists, "the editor to run")
        assert json.loads(log.read_text(encoding="utf-8")) == ["+16", str(data)]
        assert isinstance(app.screen, MatrixScreen)  # back where the analyst was


async def test_e_says_where_with_no_control_sequence_from_the_file_name(
    tmp_path, monkeypatch
) -> None:
    data = tmp_path / "x\x1b]0;pwned\x07.toml"  # a file name is untrusted text too
    data.write_text(DOSSIER, encoding="utf-8")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "false")  # exits with status 1: the notice says where
    app = build(tmp_path, [data])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await pilot.press("1", "e")
        await until(pilot, lambda: "exited with status 1" in toasts(app), "the notice")
        assert "x]0;pwned.toml:" in toasts(app)
        assert "\x1b" not in toasts(app) and "\x07" not in toasts(app)


# -- s and n: the capture forms -----------------------------------------------------------------


def field(app: FaultlineApp, key: str) -> str:
    return app.screen.query_one(f"#field-{key}", Input).value


def error_under(app: FaultlineApp, key: str) -> str:
    line = app.screen.query_one(f"#error-{key}", Static)
    return str(line.render()) if line.display else ""


async def test_s_records_a_stance_and_explains_a_bad_date_in_place(tmp_path) -> None:
    data = tmp_path / "x.toml"
    data.write_text(DOSSIER, encoding="utf-8")
    captured = tmp_path / "captured.toml"  # beside the first data path
    app = build(tmp_path, [data])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await pilot.press("2", "s")  # on the disagreement "Eurasian union"
        await until(pilot, lambda: isinstance(app.screen, StanceForm), "the form")
        assert "Record a stance on “Eurasian union”" in screen_text(app)
        assert field(app, "as_of") == datetime.date.today().isoformat()

        # Esc cancels: nothing is written.
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, StanceForm), "the form to close")
        assert not captured.exists()

        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, StanceForm), "the form again")
        await pilot.press(*"ru", "tab", *"support", "tab", *"2013-13", "enter")
        await until(pilot, lambda: error_under(app, "as_of") != "", "the date's problem")
        assert "'2013-13' is not a date" in error_under(app, "as_of")
        assert "there is no month 13" in screen_text(app)
        assert isinstance(app.screen, StanceForm) and not captured.exists()
        assert app.focused is app.screen.query_one("#field-as_of", Input)  # back at the field

        await pilot.press("ctrl+a", "ctrl+k", *"2013-02", "tab", *"Backs the union", "enter")
        await until(pilot, lambda: not isinstance(app.screen, StanceForm), "the form to close")
        text = captured.read_text(encoding="utf-8")
        assert text.startswith("# A faultline/1 document")
        assert '[[positions]]\ndisagreement = "union"\nactor = "ru"\nstance = "support"\n' in text
        await until(pilot, lambda: shows(app, r"\* open +Eurasian union +1▲ 1▼"), "the stance")
        assert str(captured) in [layer.name for layer in app.arranged.dataset.layers]


async def test_a_form_typed_fast_keeps_each_value_in_its_field(tmp_path) -> None:
    """Over a slow link keys arrive in bursts: the text typed right after s belongs to
    the form s opens, and the text right after Tab to the next field, not the one Tab
    left."""
    data = tmp_path / "x.toml"
    data.write_text(DOSSIER, encoding="utf-8")
    app = build(tmp_path, [data])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        burst(app, "2", "s", *"ru", "tab", *"support", "tab", "shift+tab", "tab", *"2013-02")
        await until(pilot, lambda: isinstance(app.screen, StanceForm), "the form")
        await until(pilot, lambda: field(app, "as_of").endswith("2013-02"), "the date typed")
        assert (field(app, "actor"), field(app, "stance")) == ("ru", "support")


def held_capture(
    tmp_path: Path,
) -> tuple[FaultlineApp, Path, threading.Event, list[threading.Thread]]:
    """The app on x.toml whose capture appends wait at a gate until the test opens it
    (``gate.set()``), so that the form can be looked at while it saves; the threads the
    appends ran in; the capture file."""
    data = tmp_path / "x.toml"
    data.write_text(DOSSIER, encoding="utf-8")
    app = build(tmp_path, [data])
    gate, threads = threading.Event(), []
    append = app.record

    def held(kind, values):
        threads.append(threading.current_thread())
        gate.wait(timeout=10)
        return append(kind, values)

    app.record = held  # type: ignore[method-assign]
    return app, tmp_path / "captured.toml", gate, threads


async def test_a_fact_is_written_off_the_ui_thread_while_the_form_says_saving(tmp_path) -> None:
    """Appending reads and checks the capture file whole, which for a large one takes
    seconds: it runs in a thread, the form says "Saving to …" with its fields read-only
    and Esc waits, and the dashboard keeps drawing. (The append is held at a gate so the
    test can look at the form meanwhile.)"""
    app, captured, gate, threads = held_capture(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await pilot.press("2", "s")
        await until(pilot, lambda: isinstance(app.screen, StanceForm), "the form")
        form = app.screen
        await pilot.press(*"ru", "tab", *"support", "enter")
        await until(pilot, lambda: "Saving to " in screen_text(app), "the form saying so")
        assert form.query_one("#field-actor", Input).disabled
        await pilot.press("escape")  # waits: the fact is being written
        await until(pilot, lambda: "Saving to " in screen_text(app), "still saving")
        assert app.screen is form and not captured.exists()
        gate.set()
        await until(pilot, lambda: app.screen is not form, "the form to close")
        assert threads and threads[0] is not threading.main_thread()
        assert 'actor = "ru"\nstance = "support"' in captured.read_text(encoding="utf-8")
        await until(pilot, lambda: shows(app, r"\* open +Eurasian union +1▲ 1▼"), "the stance")


async def test_a_fact_saved_while_the_palette_leaves_the_form_still_shows(tmp_path) -> None:
    """Ctrl+P opens the palette over a form that is saving, and its go-to takes every
    screen away, the form too: the fact is written and shown all the same."""
    from tui.core.browse import Ref
    from tui.core.model import Kind
    from tui.ui.commands import GoTo

    app, captured, gate, _ = held_capture(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await pilot.press("2", "s")
        await until(pilot, lambda: isinstance(app.screen, StanceForm), "the form")
        await pilot.press(*"ru", "tab", *"support", "enter")
        await until(pilot, lambda: "Saving to " in screen_text(app), "saving")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: type(app.screen).__name__ == "CommandPalette", "palette")
        app.post_message(GoTo(Ref(Kind.ACTOR, "ru")))  # the palette's go-to, chosen
        await until(pilot, lambda: len(app.screen_stack) == 1, "the dashboard alone")
        gate.set()
        await until(pilot, captured.exists, "the fact written")
        await until(pilot, lambda: shows(app, r"\* open +Eurasian union"), "the stance, marked")
        assert str(captured) in [layer.name for layer in app.arranged.dataset.layers]


async def test_keys_typed_after_enter_in_a_form_wait_for_its_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over a slow link keys arrive in bursts: the keys typed right after Enter in a form
    belong to what is shown once the fact is saved (written in a thread), the dashboard
    (they went to the saving form, and were lost) or, when it was not saved, the form."""
    from tui.core.model import Kind
    from tui.ui.keygate import KeyGate

    # Keys held for good would go on after SAFETY: what the test sees is not that timeout.
    monkeypatch.setattr(KeyGate, "SAFETY", 3600.0)
    app, captured, gate, _ = held_capture(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        burst(app, "2", "s", *"ru", "tab", *"support", "enter", "1")
        await until(pilot, lambda: "Saving to " in screen_text(app), "the form saving")
        gate.set()
        await until(pilot, captured.exists, "the fact written")
        actors = app.dashboard.pane(Kind.ACTOR)
        await until(pilot, lambda: app.focused is actors, "the actors pane (1) focused")
        assert not isinstance(app.screen, StanceForm)

        def refuse(kind: str, values: dict[str, object]) -> Path:
            raise OSError("disk full")

        app.record = refuse  # type: ignore[method-assign]
        burst(app, "2", "s", *"kz", "tab", *"oppose", "enter", "ctrl+a", "ctrl+k", *"ru")
        await until(pilot, lambda: "not saved: disk full" in screen_text(app), "the refusal")
        form = app.screen
        assert isinstance(form, StanceForm)
        await until(pilot, lambda: field(app, "actor") == "ru", "the actor typed again")


async def test_s_says_when_the_stance_replaces_one_of_the_same_date(tmp_path) -> None:
    data = tmp_path / "x.toml"
    data.write_text(DOSSIER, encoding="utf-8")
    app = build(tmp_path, [data])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await pilot.press("2", "s")
        await until(pilot, lambda: isinstance(app.screen, StanceForm), "the form")
        # Kazakhstan's oppose as of 2013-01 is in x.toml: the same date replaces it.
        await pilot.press(*"kz", "tab", *"mixed", "tab", "ctrl+a", "ctrl+k", *"2013-01", "enter")
        await until(pilot, lambda: "This replaces" in toasts(app), "the warning")
        assert (
            f"This replaces kz's oppose position as of 2013-01 written at {data}:16: a change "
            "of stance is a new position with a later as_of." in toasts(app)
        )


async def test_the_capture_notice_names_the_file_without_control_sequences(tmp_path) -> None:
    data = tmp_path / "x.toml"
    data.write_text(DOSSIER, encoding="utf-8")
    captured = tmp_path / "c\x1b]0;pwned\x07.toml"
    app = build(tmp_path, [data], capture=captured)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await pilot.press("2", "s")
        await until(pilot, lambda: isinstance(app.screen, StanceForm), "the form")
        await pilot.press(*"ru", "tab", *"support", "enter")
        await until(pilot, lambda: "Recorded in" in toasts(app), "the notice")
        assert captured.exists()
        assert "c]0;pwned.toml." in toasts(app) and "\x1b" not in toasts(app)


async def test_s_in_the_matrix_fills_in_the_actor(tmp_path) -> None:
    data = tmp_path / "x.toml"
    data.write_text(DOSSIER, encoding="utf-8")
    app = build(tmp_path, [data])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MatrixScreen), "the matrix")
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, StanceForm), "the form")
        assert field(app, "actor") == "kz"
        assert app.focused is app.screen.query_one("#field-stance", Input)  # the first empty
        await pilot.press(*"mixed", "enter")
        await until(pilot, lambda: isinstance(app.screen, MatrixScreen), "back in the matrix")
        union = lambda: app.arranged.dataset.disagreements["union"]  # noqa: E731
        await until(pilot, lambda: union().current()["kz"].stance == "mixed", "the new stance")
        # The matrix on screen follows, and its detail says where the change came from.
        await until(pilot, lambda: shows(app, r"Kazakhstan +◆"), "the matrix to follow")
        await until(pilot, lambda: "Changed by a save of" in screen_text(app), "the note")


async def test_n_in_the_timeline_records_an_event(tmp_path) -> None:
    data = tmp_path / "x.toml"
    data.write_text(DOSSIER, encoding="utf-8")
    app = build(tmp_path, [data])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        await pilot.press("1", "enter")  # focused on Kazakhstan
        await pilot.press("n")  # not in the timeline: says where
        await until(pilot, lambda: "press it in the timeline" in toasts(app), "the hint")
        await pilot.press("3", "n")
        await until(pilot, lambda: isinstance(app.screen, EventForm), "the form")
        assert field(app, "actors") == "kz"
        await pilot.press(*"Union summit in Astana", "tab", *"2014-05~", "tab", "end")
        await pilot.press(*", by", "enter")
        await until(pilot, lambda: "no actor 'by'" in error_under(app, "actors"), "the bad id")
        await pilot.press("backspace", "backspace", "backspace", "backspace", "enter")
        await until(pilot, lambda: not isinstance(app.screen, EventForm), "the form to close")
        ident = "union-summit-in-astana-2014-05"
        await until(pilot, lambda: ident in event_ids(app), "the new event")
        await until(pilot, lambda: shows(app, r"\+ • 2014-05~ +Union summit in Astana"), "+")
        assert app.dashboard.focus_ref.id == "kz"

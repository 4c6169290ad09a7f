"""Which changes raise an alert for the watchlist, and the channels an alert leaves by:
hostile text (ESC, OSC 52, bidi, markup) is inert in each."""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.core.alerts import Watchlist, alerts_for, clean, osc_sequence, run_command
from tui.core.changes import compare
from tui.core.config import ConfigError, parse_config
from tui.core.loading import read_layer
from tui.core.merge import Layer
from tui.core.model import Kind

HOSTILE = "Sum\x1b]52;c;aGk=\x07mit\u202e\u2066 \x1b[31m[b]red[/b]\x9b2J\nnext\tline"
SEEN = "Sum]52;c;aGk=mit [31m[b]red[/b]2J next line"


def layer(tmp_path: Path, name: str, body: dict) -> Layer:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"format": "faultline/1", **body}))
    return read_layer(path)


def watching(**ids: list[str]) -> Watchlist:
    return Watchlist({Kind(k): frozenset(v) for k, v in ids.items()})


ACTORS = [
    {"id": "kz", "name": "Kazakhstan", "kind": "state"},
    {"id": "ru", "name": "Russia", "kind": "state"},
]


def test_only_changes_touching_the_watchlist_raise_alerts(tmp_path: Path) -> None:
    before = layer(tmp_path, "a", {"actors": ACTORS})
    after = layer(
        tmp_path,
        "b",
        {
            "actors": [{**ACTORS[0], "name": "Qazaqstan"}, ACTORS[1]],
            "events": [
                {"id": "e1", "title": "Visit", "date": "2013", "targets": ["kz"]},
                {"id": "e2", "title": "Other", "date": "2013", "actors": ["ru"]},
                {"id": "e3", "title": "Vote", "date": "2013", "disagreements": ["union"]},
            ],
        },
    )
    changes = compare(before, after)
    texts = [a.text for a in alerts_for(changes, watching(actors=["kz"], disagreements=["union"]))]
    assert texts == [
        "+ event e1: Visit (involves watched actor kz)",
        "+ event e3: Vote (bears on watched disagreement union)",
        "* actor kz: Qazaqstan: name Kazakhstan → Qazaqstan",
    ]
    assert alerts_for(changes, Watchlist()) == []


def test_alert_text_has_no_control_character(tmp_path: Path) -> None:
    before = layer(tmp_path, "a", {"actors": ACTORS})
    after = layer(tmp_path, "b", {"actors": [{**ACTORS[0], "name": "Kaz\u202eakh"}, ACTORS[1]]})
    [alert] = alerts_for(compare(before, after), watching(actors=["kz"]))
    assert "\u202e" not in alert.text
    assert clean(HOSTILE) == SEEN


@pytest.mark.parametrize(("code", "tmux"), [("9", False), ("777", False), ("9", True)])
def test_an_osc_notification_carries_hostile_text_inert(code: str, tmux: bool) -> None:
    sequence = osc_sequence(HOSTILE, code, tmux=tmux)
    if tmux:  # DCS passthrough: ESC doubled inside, ST at the end
        assert sequence.startswith("\x1bPtmux;\x1b\x1b]") and sequence.endswith("\x07\x1b\\")
        inner = sequence[len("\x1bPtmux;") : -2].replace("\x1b\x1b", "\x1b")
    else:
        inner = sequence
    head = "\x1b]9;" if code == "9" else "\x1b]777;notify;Faultline;"
    assert inner == f"{head}{SEEN}\x07"  # one sequence: nothing inside ends or opens one


def test_the_command_gets_the_clean_text_as_its_last_argument(tmp_path: Path) -> None:
    record = tmp_path / "argv.json"
    script = tmp_path / "notify"
    script.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    assert run_command([str(script), "Faultline", "$(touch pwned)"], HOSTILE, timeout=30) is None
    assert json.loads(record.read_text()) == ["Faultline", "$(touch pwned)", SEEN]
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()  # no shell


def test_a_failing_or_missing_command_says_why(tmp_path: Path) -> None:
    script = tmp_path / "fails"
    script.write_text(f"#!{sys.executable}\nimport sys\nsys.stderr.write('no \\x1b[31mbus')\n"
                      "sys.exit(4)\n")  # fmt: skip
    script.chmod(0o700)
    said = run_command([str(script)], "x", timeout=30)
    assert said == f"alert command {script}: exit 4: no [31mbus"
    missing = run_command([str(tmp_path / "nothing-here")], "x", timeout=30)
    assert missing == f"alert command {tmp_path / 'nothing-here'}: not found"
    assert os.environ  # (the environment is passed through, as a notifier needs it)


def test_alerts_config_is_checked_and_a_found_config_runs_no_command(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    raw = {"alerts": {"bell": True, "osc": "777", "command": ["notify-send", "F"]}}
    config = parse_config(raw, path)
    assert (config.alerts.bell, config.alerts.osc) == (True, "777")
    assert config.alerts.command == ("notify-send", "F")
    found = parse_config(raw, path, source="cwd")
    assert found.alerts.command == () and found.alerts.bell
    assert any("alerts.command: ignored: an alert command is run only" in w for w in found.warnings)
    with pytest.raises(ConfigError, match=r'alerts\.osc: expected "9" or "777", got'):
        parse_config({"alerts": {"osc": 52}}, path)
    with pytest.raises(ConfigError, match=r"alerts\.command: expected an array"):
        parse_config({"alerts": {"command": "notify-send"}}, path)


def test_an_alert_waiting_unseen_is_not_added_or_sent_twice() -> None:
    from tui.core.alerts import Alert, add_alerts, alerts_seen, read_alerts

    state: dict = {}
    alert = Alert(Kind.ACTOR, "kz", "* actor kz: Kazakhstan: role a → b", at=1.0)
    assert add_alerts(state, [alert]) == [alert]
    assert add_alerts(state, [alert]) == []  # a cron fetch saw what the dashboard saw
    assert len(read_alerts(state)) == 1
    alerts_seen(state, Kind.ACTOR, "kz")
    assert add_alerts(state, [alert]) == [alert]  # seen, then moved the same way again
    assert [a.seen for a in read_alerts(state)] == [False, True]


def test_shared_marks_written_behind_in_order_and_taken_back_with_another_process_s() -> None:
    """The state writer writes each change in order; what it wrote comes back through
    ``post`` and is taken, with marks another process wrote meanwhile, unless more was
    changed here since (then the newer marks here stand until the next batch)."""
    from tui.core.alerts import SharedMarks
    from tui.core.changes import ADDED, Change, Changes
    from tui.core.userstate import StateStore

    with tempfile.TemporaryDirectory() as directory:
        posted: list[Callable[[], None]] = []
        adopted: list[bool] = []
        marks = SharedMarks(StateStore(directory), post=posted.append)
        marks.on_adopt = adopted.append
        added = Changes(added=tuple(Change(Kind.EVENT, f"e{n}", ADDED) for n in range(3)))
        marks.add(added)
        marks.seen(Kind.EVENT, "e1")
        assert marks.unseen() == [(Kind.EVENT, "e0"), (Kind.EVENT, "e2")]  # at once, here
        marks.flush()
        on_disk = StateStore(directory).read()["unseen"]
        assert on_disk == {"events": {"e0": "new", "e2": "new"}}
        # Another dashboard sees e0; then a change here before the writer's answer lands.
        StateStore(directory).update(lambda s: s["unseen"]["events"].pop("e0"))
        marks.add(Changes(added=(Change(Kind.ACTOR, "a", ADDED),)))
        marks.flush()
        for call in posted:
            call()
        # Only the last batch's state was taken: e0 seen elsewhere, a added here.
        assert marks.unseen() == [(Kind.ACTOR, "a"), (Kind.EVENT, "e2")]
        assert adopted == [True] and len(posted) >= 2
        marks.close()
        assert not marks.writing


def test_a_written_state_is_taken_even_when_its_message_is_handled_before_task_done() -> None:
    """The owner may handle the writer's message before the writer has marked its batch
    done (post returns at once; the writer thread may wait for a core): the state written,
    with another process's change in it, is taken all the same."""
    import queue
    import threading

    from tui.core.alerts import SharedMarks
    from tui.core.changes import ADDED, Change, Changes
    from tui.core.userstate import StateStore

    with tempfile.TemporaryDirectory() as directory:
        calls: queue.Queue[Callable[[], None]] = queue.Queue()
        handled = threading.Event()

        def post(call: Callable[[], None]) -> None:  # the owner handles it before we go on
            calls.put(call)
            handled.wait(5)

        marks = SharedMarks(StateStore(directory), post=post)
        marks.add(Changes(added=(Change(Kind.EVENT, "e0", ADDED),)))
        calls.get(timeout=5)()
        handled.set()
        marks.flush()
        handled.clear()
        StateStore(directory).update(lambda s: s["unseen"]["events"].pop("e0"))  # elsewhere
        marks.add(Changes(added=(Change(Kind.ACTOR, "a", ADDED),)))
        calls.get(timeout=5)()  # before the writer's task_done
        handled.set()
        marks.close()
        assert marks.unseen() == [(Kind.ACTOR, "a")]  # e0 seen elsewhere: taken


def test_a_written_state_older_than_one_read_since_is_not_taken() -> None:
    """The 20 s sync reads the file a cron fetch just changed while the writer's message
    for an earlier batch is still queued: that older state must not replace the newer."""
    from tui.core.alerts import SharedMarks, read_alerts
    from tui.core.changes import ADDED, Change, Changes
    from tui.core.userstate import StateStore

    with tempfile.TemporaryDirectory() as directory:
        posted: list[Callable[[], None]] = []
        loaded: list[dict] = []
        store = StateStore(directory)
        marks = SharedMarks(store, on_load=loaded.append, post=posted.append)
        marks.add(Changes(added=(Change(Kind.EVENT, "e0", ADDED),)))
        marks.flush()  # written; its message still queued

        def cron(state: dict) -> None:
            state["unseen"].setdefault("actors", {})["ru"] = "changed"
            alert = {"at": 1.0, "kind": "actors", "id": "ru", "text": "ru moved"}
            state.setdefault("alerts", []).append(alert)

        StateStore(directory).update(cron)
        marks.load(store.read())  # Watching.sync, before the queued message
        for call in posted:
            call()
        assert (Kind.ACTOR, "ru") in marks.unseen() and (Kind.EVENT, "e0") in marks.unseen()
        assert [a.id for a in read_alerts(loaded[-1])] == ["ru"]
        marks.close()

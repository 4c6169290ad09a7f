"""End to end: the installed ``faultline`` command in a real terminal (tmux, 80×24).

Keys go in with ``send-keys``; what a person would see comes back from
``capture-pane``, polled until a deadline rather than after fixed sleeps. A private
tmux server (``-L``) and a temporary config, cache and working directory keep the
user's own setup out of it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")

DEADLINE = 20.0  # seconds for any one thing to appear; generous for slow CI machines


def faultline_command() -> str:
    beside = Path(sys.executable).with_name("faultline")
    found = str(beside) if beside.exists() else shutil.which("faultline")
    if not found:
        pytest.skip("the faultline command is not installed (pip install -e .)")
    return found


class Terminal:
    def __init__(self, socket: str, session: str) -> None:
        self.socket = socket
        self.session = session

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [TMUX, "-L", self.socket, *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=10,
        )

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", self.session, *(["-l"] if literal else []), *keys)

    def screen(self, *, escapes: bool = False) -> str:
        flags = ["-p", "-e"] if escapes else ["-p"]
        result = self.tmux("capture-pane", *flags, "-t", self.session, check=False)
        return result.stdout

    def wait_for(self, text: str, *, gone: bool = False) -> str:
        end = time.monotonic() + DEADLINE
        screen = ""
        while time.monotonic() < end:
            screen = self.screen()
            if (text in screen) != gone:
                return screen
            time.sleep(0.05)
        state = "still shows" if gone else "never showed"
        raise AssertionError(f"the terminal {state} {text!r}; it shows:\n{screen}")

    def alive(self) -> bool:
        return self.tmux("has-session", "-t", self.session, check=False).returncode == 0


@contextlib.contextmanager
def open_terminal(tmp_path: Path, *args: str) -> Iterator[Terminal]:
    """The installed command, with ``args``, in a private tmux server at 80×24, run from
    ``tmp_path`` with a config, cache and home of its own."""
    command = faultline_command()
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)  # a restart in the same place finds it
    config = tmp_path / "config.toml"
    config.write_text("[ui]\nanimations = false\n", encoding="utf-8")
    socket = f"faultline-test-{uuid.uuid4().hex[:8]}"
    session = "dash"
    env = {
        "FAULTLINE_CONFIG": str(config),
        "FAULTLINE_CACHE_DIR": str(tmp_path / "cache"),
        "FAULTLINE_STATE_DIR": str(tmp_path / "state"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "TERM": "xterm-256color",  # and no COLORTERM: a 256-colour terminal
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }
    term = Terminal(socket, session)
    socket_path = ""
    # `exec` so the pane (and the session) ends when faultline does.
    env_args = " ".join(f"{k}={_quote(v)}" for k, v in env.items())
    unset = "-u COLORTERM -u NO_COLOR"
    argv = " ".join(_quote(a) for a in (command, *args))
    shell = f"cd {_quote(str(tmp_path))} && exec env {unset} {env_args} {argv}"
    try:
        term.tmux(
            "-f", os.devnull, "new-session", "-d", "-s", session, "-x", "80", "-y", "24", shell
        )
        term.tmux("set-option", "-t", session, "remain-on-exit", "off", check=False)
        socket_path = term.tmux(
            "display-message", "-p", "#{socket_path}", check=False
        ).stdout.strip()
        yield term
    finally:
        term.tmux("kill-session", "-t", session, check=False)
        term.tmux("kill-server", check=False)
        if socket_path:
            Path(socket_path).unlink(missing_ok=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    with open_terminal(tmp_path) as term:
        yield term


def _quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


def test_a_person_browses_the_default_dossier_at_80x24(terminal: Terminal) -> None:
    terminal.wait_for("Actors 16/16")
    screen = terminal.wait_for("Detail · actor")  # drawn a frame after the lists
    assert "Kazakhstan and Eurasian integration, January 2013" in screen
    assert "Alyaksandr Lukashenka" in screen and "Detail · actor" in screen
    assert "16 actors · 5 disagreements · 7 events · 1 source" in screen
    # Drawn with the 256-colour palette this terminal offers, not 24-bit colour.
    coloured = terminal.screen(escapes=True)
    assert "38;5;" in coloured and "38;2;" not in coloured

    # Find Nazarbayev with the filter, focus on him, see his disagreements.
    terminal.keys("/")
    terminal.keys("nursultan", literal=True)
    terminal.wait_for("Actors 1/16")
    terminal.keys("Enter")
    terminal.wait_for("⏎ Focus")  # the list has the keyboard again
    terminal.keys("Enter")
    screen = terminal.wait_for("Focus All › Nursultan Nazarbayev")
    assert "2 Disagreements 2/5" in screen
    terminal.keys("2")
    screen = terminal.wait_for("Political vs purely economic")
    # His own stance stands before each tally (▼ ┊ 1▲ 6▼), so a long title is cut at 80.
    assert "Establishing a Eurasian parl" in screen
    assert "▼ ┊ " in screen
    assert "Russian deliveries" not in screen

    # Back out (the filter that found him comes back), clear it, then help and matrix.
    terminal.keys("BSpace")
    screen = terminal.wait_for("Focus All  (Enter on a row focuses it)")
    assert "Filter “nursultan”" in screen
    terminal.keys("Escape")
    terminal.wait_for("Disagreements 5/5")
    terminal.keys("?")
    terminal.wait_for("Faultline keys")
    terminal.keys("Escape")
    terminal.wait_for("Faultline keys", gone=True)
    terminal.keys("m")
    screen = terminal.wait_for("Stance matrix")
    assert "▼" in screen and "▲" in screen
    terminal.keys("Escape")
    terminal.wait_for("Stance matrix", gone=True)

    # Typed in one go, as a slow link hands keys over: the date goes into time travel's
    # form, and the key after Enter to the dashboard (the timeline), not into the form.
    terminal.keys("t2020", "Enter", "3")
    terminal.wait_for("as of 2020 · time travel")
    terminal.wait_for("Detail · event")
    terminal.keys("Escape")  # back to now
    terminal.wait_for("time travel", gone=True)

    # q quits and gives the terminal back.
    terminal.keys("q")
    end = time.monotonic() + DEADLINE
    while terminal.alive() and time.monotonic() < end:
        time.sleep(0.05)
    assert not terminal.alive(), terminal.screen()


# -- live reload: the dashboard open in one pane, the data file edited from another ------------

DOSSIER = """\
format = "faultline/1"

[[actors]]
id = "kz"
name = "Kazakhstan"
kind = "state"

[[disagreements]]
id = "union"
title = "Eurasian union"

[[disagreements.positions]]
actor = "kz"
stance = "oppose"
as_of = "2013-01"

[[events]]
id = "moscow"
title = "Union summit in Moscow"
date = 2013-01-18
actors = ["kz"]
"""

ASTANA = """
[[events]]
id = "astana"
title = "Union summit in Astana"
date = "2014-05"
actors = ["kz"]
"""


def save(path: Path, text: str) -> None:
    """As an editor saves: a temp file beside it, renamed over it."""
    temp = path.with_name(f".{path.name}.swp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def test_saves_from_another_pane_show_in_the_running_dashboard(tmp_path: Path) -> None:
    data = tmp_path / "x.toml"
    data.write_text(DOSSIER, encoding="utf-8")
    with open_terminal(tmp_path, "--data", "x.toml") as terminal:
        terminal.wait_for("Actors 1/1")
        terminal.keys("/")  # filtered on "union", in the timeline
        terminal.keys("union", literal=True)
        terminal.keys("Enter")
        terminal.wait_for("Actors 0/1")
        terminal.keys("3")
        terminal.wait_for("Union summit in Moscow")

        # An event appended in the editor: shown at once, marked new, the filter kept.
        save(data, DOSSIER + ASTANA)
        screen = terminal.wait_for("Union summit in Astana")
        assert "+ • 2014-05" in screen and "Filter “union”" in screen
        assert "Timeline 2/2" in screen

        # A change of stance recorded with `faultline add` from another shell, the
        # disagreements pane shown first: its row is marked once the save is read (had the
        # save been read first, moving onto the row would have cleared the mark as seen).
        terminal.keys("2")
        terminal.wait_for("Detail · disagreement")
        added = subprocess.run(
            [faultline_command(), "add", "position", "x.toml", "--disagreement", "union",
             "--actor", "kz", "--stance", "support", "--as-of", "2013-02"],
            cwd=tmp_path, capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        screen = terminal.wait_for("1▲")
        assert "* open" in screen and "Filter “union”" in screen

        # A mistake saved: nothing shown changes, the status line says so.
        good = data.read_text(encoding="utf-8")
        save(data, good.replace('as_of = "2013-01"', "as_of = 2013-01"))
        screen = terminal.wait_for("x.toml: 1 problem, showing the last good version (w)")
        assert "1▲" in screen and "Filter “union”" in screen
        terminal.keys("w")
        terminal.wait_for("x.toml:15: TOML syntax error: dates that are not a whole day")
        terminal.keys("Escape")

        # Fixed: the line clears.
        save(data, good.replace('as_of = "2013-01"', 'as_of = "2012-12"'))
        screen = terminal.wait_for("showing the last good version", gone=True)
        assert "1▲" in screen and "Filter “union”" in screen
        terminal.keys("q")


# -- watching: pin an actor, a changed feed, r, the alert; still unseen after a restart ---------


def test_a_pinned_actor_changed_by_a_feed_raises_an_alert_that_survives_a_restart(
    tmp_path: Path,
) -> None:
    import json

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from feedserver import FeedServer, json_reply

    def document(role: str) -> dict:
        actor = {"id": "ru", "name": "Russia", "kind": "state", "role": role}
        return {"format": "faultline/1", "actors": [actor]}

    (tmp_path / "x.toml").write_text(DOSSIER, encoding="utf-8")
    with FeedServer() as server:
        server.route("/feed.json", json_reply(document("Federation")))
        config = tmp_path / "watch.toml"
        config.write_text(
            '[data]\npaths = ["x.toml"]\n[ui]\nanimations = false\n'
            f'[[feeds]]\nname = "team"\nurl = {json.dumps(server.url("/feed.json"))}\n'
        )
        with open_terminal(tmp_path, "--config", str(config)) as terminal:
            terminal.wait_for("Actors 2/2")  # the feed's Russia beside the file's Kazakhstan
            terminal.keys("1")
            terminal.keys("j")
            terminal.wait_for("Detail · actor")
            terminal.keys("p")
            terminal.wait_for("Pinned actor ru")
            server.route("/feed.json", json_reply(document("Kremlin")))
            terminal.keys("r")
            terminal.wait_for("! 1 alert (!)")
            terminal.keys("!")
            terminal.wait_for("Alerts, newest first")
            terminal.wait_for("! * actor ru: Russia: role")  # the start: toasts may cover the rest
            terminal.keys("Escape")
            terminal.wait_for("Alerts, newest first", gone=True)
            terminal.keys("q")
        with open_terminal(tmp_path, "--config", str(config)) as terminal:
            screen = terminal.wait_for("! 1 alert (!)")  # still unseen
            assert "⚑" in screen  # Russia's row still pinned
            terminal.keys("q")

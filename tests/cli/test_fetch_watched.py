"""``faultline fetch --watched`` as cron runs it: only the alerts for what is watched, one
line each, and exit 3 / 0 / 1, against a real server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from feedserver import FeedServer, closed_port, json_reply
from helpers import run_faultline

from tui.core.alerts import read_alerts, read_marks
from tui.core.model import Kind
from tui.core.userstate import StateStore


def document(stance: str = "oppose", *, title: str = "Summit", extra: bool = False) -> dict:
    events = [{"id": "summit", "title": title, "date": "2013-01", "actors": ["ru"]}]
    if extra:
        events.append({"id": "talks", "title": "Talks", "date": "2013-02", "actors": ["by"]})
    return {
        "format": "faultline/1",
        "actors": [
            {"id": "kz", "name": "Kazakhstan", "kind": "state"},
            {"id": "ru", "name": "Russia", "kind": "state"},
            {"id": "by", "name": "Belarus", "kind": "state"},
        ],
        "disagreements": [
            {
                "id": "union",
                "title": "A political union",
                "positions": [{"actor": "kz", "stance": stance, "as_of": "2013-01"}],
            }
        ],
        "events": events,
    }


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def configure(workdir: Path, url: str, watch: str) -> Path:
    path = workdir / "config.toml"
    path.write_text(
        f"[data]\npaths = []\n[watch]\n{watch}\n"
        f'[[feeds]]\nname = "team"\nurl = "{url}"\ntimeout = 2\n'
    )
    return path


def test_fetch_watched_prints_only_alerts_and_exits_3_then_0(
    server: FeedServer, tmp_path: Path
) -> None:
    server.route("/feed.json", json_reply(document()))
    config = configure(tmp_path, server.url("/feed.json"), 'actors = ["ru"]')
    first = run_faultline(tmp_path, "fetch", "--watched", "--config", str(config))
    assert first.returncode == 3, first.stderr
    # ru itself is new, and so is the summit it acts in; kz and the union are not watched.
    assert first.stdout.splitlines() == [
        "+ actor ru: Russia",
        "+ event summit: Summit (involves watched actor ru)",
    ]

    quiet = run_faultline(tmp_path, "fetch", "--watched", "--config", str(config))
    assert (quiet.returncode, quiet.stdout) == (0, "")

    # Changes that touch nothing watched: no alert, exit 0.
    server.route("/feed.json", json_reply(document(stance="support", extra=True)))
    untouched = run_faultline(tmp_path, "fetch", "--watched", "--config", str(config))
    assert (untouched.returncode, untouched.stdout) == (0, "")

    server.route("/feed.json", json_reply(document(stance="support", title="Summit moved")))
    moved = run_faultline(tmp_path, "fetch", "--watched", "--config", str(config))
    assert moved.returncode == 3
    assert moved.stdout.splitlines() == [
        "* event summit: Summit moved: title Summit → Summit moved (involves watched actor ru)"
    ]


def test_a_moved_stance_of_a_watched_actor_says_old_and_new(
    server: FeedServer, tmp_path: Path
) -> None:
    server.route("/feed.json", json_reply(document()))
    config = configure(tmp_path, server.url("/feed.json"), 'disagreements = ["union"]')
    assert run_faultline(tmp_path, "fetch", "--watched", "--config", str(config)).returncode == 3
    server.route("/feed.json", json_reply(document(stance="support")))
    moved = run_faultline(tmp_path, "fetch", "--watched", "--config", str(config))
    assert moved.returncode == 3
    [line] = moved.stdout.splitlines()
    assert line.startswith("* disagreement union: A political union: position * kz as_of 2013-01 ")
    assert "stance oppose → support" in line


def test_what_fetch_found_waits_in_the_shared_state(server: FeedServer, tmp_path: Path) -> None:
    server.route("/feed.json", json_reply(document()))
    config = configure(tmp_path, server.url("/feed.json"), 'actors = ["kz"]')
    assert run_faultline(tmp_path, "fetch", "--watched", "--config", str(config)).returncode == 3
    state = StateStore(tmp_path / "state").read()
    alerts = read_alerts(state)
    assert [(a.kind, a.id, a.seen) for a in alerts] == [
        (Kind.DISAGREEMENT, "union", False),  # newest first: the log's order
        (Kind.ACTOR, "kz", False),
    ]
    assert read_marks(state).mark(Kind.EVENT, "summit") == "new"  # the dashboard's + mark


def test_a_failed_feed_exits_1_and_says_so_on_stderr(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/feed.json"
    config = configure(tmp_path, url, 'actors = ["kz"]')
    failed = run_faultline(tmp_path, "fetch", "--watched", "--config", str(config))
    assert failed.returncode == 1
    assert failed.stdout == ""
    assert "team" in failed.stderr and "127.0.0.1" in failed.stderr


def test_hostile_text_in_an_alert_prints_inert(server: FeedServer, tmp_path: Path) -> None:
    hostile = "Sum\x1b]52;c;aGk=\x07mit\u202e \x1b[31m[b]red[/b]\x9b2J"
    server.route("/feed.json", json_reply(document(title=hostile)))
    config = configure(tmp_path, server.url("/feed.json"), 'actors = ["ru"]')
    run = run_faultline(tmp_path, "fetch", "--watched", "--config", str(config))
    assert run.returncode == 3
    assert not any((ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0 for c in run.stdout)
    assert "\u202e" not in run.stdout
    assert "+ event summit: Sum]52;c;aGk=mit [31m[b]red[/b]2J (involves watched actor ru)" in (
        run.stdout
    )


def test_watch_in_the_config_is_checked(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[watch]\nactors = "kz"\n')
    run = run_faultline(tmp_path, "fetch", "--watched", "--config", "config.toml")
    assert run.returncode == 2
    assert "config.toml: watch.actors: expected an array of ids, got string" in run.stderr

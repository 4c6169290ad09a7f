"""``faultline fetch`` and ``faultline export --feed`` as cron and scripts run them: a real
process against the test server, checked for exit codes, messages and the cache."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from feedserver import FeedServer, Reply, closed_port, conditional, json_reply
from helpers import run_faultline

V1 = {
    "format": "faultline/1",
    "actors": [{"id": "kz", "name": "Kazakhstan", "kind": "state"}],
    "events": [{"id": "summit", "title": "Summit", "date": "2013-01", "actors": ["ru"]}],
}
V2 = {
    "format": "faultline/1",
    "actors": [
        {"id": "kz", "name": "Kazakhstan", "kind": "state", "country": "KAZ"},
        {"id": "by", "name": "Belarus", "kind": "state"},
    ],
}
LOCAL = 'format = "faultline/1"\n[[actors]]\nid = "ru"\nname = "Russia"\nkind = "state"\n'
TOKEN = "tok-never-print-me"


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "local.toml").write_text(LOCAL)
    return tmp_path


def write_config(workdir: Path, *feeds: dict) -> Path:
    lines = ['[data]\npaths = ["local.toml"]\n']
    for feed in feeds:
        lines.append("[[feeds]]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in feed.items()))
    path = workdir / "config.toml"
    path.write_text("\n".join(lines))
    return path


def faultline(workdir: Path, *args: str, token: bool = False) -> subprocess.CompletedProcess[str]:
    return run_faultline(workdir, *args, env={"TEAM_TOKEN": TOKEN} if token else None)


def test_fetch_reports_changes_and_exit_codes(server: FeedServer, workdir: Path) -> None:
    server.route("/feed.json", conditional(json.dumps(V1).encode(), etag='"v1"'))
    url = server.url("/feed.json")
    config = write_config(workdir, {"name": "team", "url": url, "timeout": 2})

    first = faultline(workdir, "fetch", "--config", str(config))
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        f"team ({url}): fetched: 1 actor, 1 event",
        "  + actor kz: Kazakhstan",
        "  + event summit: Summit",
    ]
    assert first.stderr == ""

    again = faultline(workdir, "fetch", "--config", str(config))
    assert again.returncode == 0
    assert again.stdout.startswith(f"team ({url}): unchanged since ")
    assert server.requests[-1].header("if-none-match") == '"v1"'

    server.route("/feed.json", json_reply(V2, etag='"v2"'))
    changed = faultline(workdir, "fetch", "--config", str(config))
    assert changed.returncode == 0
    assert changed.stdout.splitlines() == [
        f"team ({url}): updated: 1 added, 1 changed, 1 removed",
        "  + actor by: Belarus",
        "  * actor kz: Kazakhstan (country)",
        "  - event summit: Summit",
    ]

    server.route("/feed.json", Reply(500))
    broken = faultline(workdir, "fetch", "--config", str(config))
    assert broken.returncode == 1
    assert broken.stdout == ""
    assert broken.stderr.startswith(
        f"team ({url}): the server failed (500 Internal Server Error); kept the copy from "
    )
    assert "Traceback" not in broken.stderr

    # the copy on disk is still V2: an offline export shows it, with the local layer
    offline_before = len(server.requests)
    exported = faultline(
        workdir, "--offline", "export", "--format", "json", "--config", str(config)
    )
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout)
    assert sorted(a["id"] for a in document["actors"]) == ["by", "kz", "ru"]
    assert (
        "warning: team (" in exported.stderr and "offline: using the copy from" in exported.stderr
    )
    assert len(server.requests) == offline_before  # --offline made no connection


def test_fetch_offline_makes_no_connection(server: FeedServer, workdir: Path) -> None:
    server.route("/feed.json", json_reply(V1))
    config = write_config(workdir, {"name": "team", "url": server.url("/feed.json"), "timeout": 2})
    assert faultline(workdir, "fetch", "--config", str(config)).returncode == 0
    connections = server.connections
    result = faultline(workdir, "fetch", "--offline", "--config", str(config))
    assert result.returncode == 0
    assert "offline: using the copy from" in result.stdout
    assert server.connections == connections


def test_fetch_given_feed_unreachable_names_the_url(workdir: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/dossier.json"
    config = write_config(workdir)
    result = faultline(workdir, "fetch", "--feed", url, "--config", str(config))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"127.0.0.1 ({url}): connection refused: nothing is listening there (is the server up?); "
        "no earlier copy, so this feed is left out"
    )


def test_fetch_without_feeds_is_a_usage_error(workdir: Path) -> None:
    result = faultline(workdir, "fetch", "--config", str(write_config(workdir)))
    assert result.returncode == 2
    assert "no feeds: add [[feeds]] to the configuration or give --feed URL" in result.stderr


def test_fetch_bad_feed_url_is_a_usage_error(workdir: Path) -> None:
    result = faultline(
        workdir,
        "fetch",
        "--feed",
        "ftp://user:pw@example.org/x",
        "--config",
        str(write_config(workdir)),
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "faultline: --feed ftp://example.org/x: is not an http or https URL"
    )


def test_one_failing_feed_fails_the_run(server: FeedServer, workdir: Path) -> None:
    server.route("/good.json", json_reply(V1))
    server.route("/login", Reply(200, [("Content-Type", "text/html")], b"<html>sign in</html>"))
    config = write_config(
        workdir,
        {"name": "good", "url": server.url("/good.json"), "timeout": 2},
        {"name": "portal", "url": server.url("/login"), "timeout": 2},
    )
    result = faultline(workdir, "fetch", "--config", str(config))
    assert result.returncode == 1
    assert result.stdout.startswith(f"good ({server.url('/good.json')}): fetched: 1 actor, 1 event")
    assert "portal (" in result.stderr and "the server sent a web page (text/html)" in result.stderr


def test_retry_after_is_remembered_between_runs(server: FeedServer, workdir: Path) -> None:
    server.route("/feed.json", json_reply(V1, etag='"v1"'), Reply(429, [("Retry-After", "3600")]))
    config = write_config(workdir, {"name": "team", "url": server.url("/feed.json"), "timeout": 2})
    assert faultline(workdir, "fetch", "--config", str(config)).returncode == 0
    limited = faultline(workdir, "fetch", "--config", str(config))
    assert limited.returncode == 1
    assert "too many requests (429 Too Many Requests) and asked to wait until" in limited.stderr
    count = len(server.requests)
    waiting = faultline(workdir, "fetch", "--config", str(config))
    assert waiting.returncode == 1
    assert "not fetched: the server asked to wait until" in waiting.stderr
    assert "; kept the copy from " in waiting.stderr
    assert len(server.requests) == count


def test_token_is_sent_but_never_printed(server: FeedServer, workdir: Path) -> None:
    server.route("/feed.json", Reply(401, [("WWW-Authenticate", "Bearer")]))
    config = write_config(
        workdir,
        {"name": "team", "url": server.url("/feed.json"), "timeout": 2, "token_env": "TEAM_TOKEN"},
    )
    result = faultline(workdir, "fetch", "--config", str(config), token=True)
    assert result.returncode == 1
    assert server.requests[0].header("authorization") == f"Bearer {TOKEN}"
    assert "check the token in TEAM_TOKEN" in result.stderr
    assert TOKEN not in result.stdout + result.stderr
    assert TOKEN not in "".join(
        p.read_text(errors="replace") for p in (workdir / "cache").rglob("*") if p.is_file()
    )


def test_export_uses_the_cached_copy_when_unreachable(workdir: Path) -> None:
    with FeedServer() as server:
        url = server.url("/feed.json")
        server.route("/feed.json", json_reply(V1))
        config = write_config(workdir)
        assert faultline(workdir, "fetch", "--feed", url, "--config", str(config)).returncode == 0
    # the server is gone now
    result = faultline(
        workdir, "export", "--format", "json", "--feed", url, "--config", str(config)
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"warning: 127.0.0.1 ({url}): connection refused")
    assert "; kept the copy from " in result.stderr
    document = json.loads(result.stdout)
    assert sorted(a["id"] for a in document["actors"]) == ["kz", "ru"]
    assert [e["id"] for e in document["events"]] == ["summit"]


def test_export_refuses_when_a_feed_has_no_copy_at_all(workdir: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/feed.json"
    out = workdir / "out.json"
    result = faultline(
        workdir,
        "export",
        "--format",
        "json",
        "--feed",
        url,
        "-o",
        str(out),
        "--config",
        str(write_config(workdir)),
    )
    assert result.returncode == 1
    assert (
        "faultline: not exported: no copy of feed 127.0.0.1 could be fetched or found in the cache"
        in result.stderr
    )
    assert not out.exists()


def test_a_title_cannot_forge_an_output_line(server: FeedServer, workdir: Path) -> None:
    forged = {
        "format": "faultline/1",
        "actors": [
            {"id": "kz", "name": "Kazakhstan\n  + actor evil: \u001b[31mForged", "kind": "state"}
        ],
    }
    server.route("/feed.json", json_reply(forged))
    config = write_config(workdir, {"name": "team", "url": server.url("/feed.json"), "timeout": 2})
    result = faultline(workdir, "fetch", "--config", str(config))
    assert result.returncode == 0
    assert result.stdout.splitlines()[1] == "  + actor kz: Kazakhstan\\n  + actor evil: [31mForged"
    assert len(result.stdout.splitlines()) == 2 and "\x1b" not in result.stdout


def test_export_allow_partial_names_a_feed_with_no_copy(workdir: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/feed.json"
    out = workdir / "out.json"
    config = str(write_config(workdir))
    args = ("export", "-f", "json", "--feed", url, "-o", str(out), "--config", config)
    result = faultline(workdir, *args, "--allow-partial")
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text())
    assert document["meta"]["x_missing_layers"] == ["127.0.0.1"]
    assert [a["id"] for a in document["actors"]] == ["ru"]


def test_a_feed_alone_is_not_merged_over_the_shipped_dossier(
    server: FeedServer, tmp_path: Path
) -> None:
    """The demo dossier is for a first run: ``--feed URL`` exports the feed alone, and
    ``--data @default`` names the demo when it is wanted."""
    url = server.url("/feed.json")
    server.route("/feed.json", json_reply(V1))
    result = faultline(tmp_path, "export", "-f", "json", "--feed", url)
    assert result.returncode == 0, result.stderr
    assert [a["id"] for a in json.loads(result.stdout)["actors"]] == ["kz"]
    result = faultline(tmp_path, "export", "-f", "json", "--feed", url, "--data", "@default")
    assert result.returncode == 0, result.stderr
    assert "nazarbayev" in {a["id"] for a in json.loads(result.stdout)["actors"]}


def _essequibo(*positions: dict) -> dict:
    return {
        "format": "faultline/1",
        "actors": [
            {"id": "us", "name": "United States", "kind": "state"},
            {"id": "ve", "name": "Venezuela", "kind": "state"},
        ],
        "disagreements": [
            {"id": "essequibo", "title": "Sovereignty over Essequibo", "positions": positions}
        ],
    }


def test_fetch_says_what_moved_old_to_new(server: FeedServer, workdir: Path) -> None:
    before = _essequibo(
        {"actor": "us", "stance": "support", "confidence": "moderate"},
        {"actor": "ve", "stance": "mixed", "as_of": "2015"},
    )
    after = _essequibo(
        {"actor": "us", "stance": "support", "confidence": "high"},
        {"actor": "ve", "stance": "mixed", "as_of": "2015"},
        {"actor": "ve", "stance": "oppose", "as_of": "2025-05-01"},
    )
    server.route("/feed.json", json_reply(before, etag='"v1"'))
    url = server.url("/feed.json")
    config = write_config(workdir, {"name": "team", "url": url, "timeout": 2})
    assert faultline(workdir, "fetch", "--config", str(config)).returncode == 0
    server.route("/feed.json", json_reply(after, etag='"v2"'))
    changed = faultline(workdir, "fetch", "--config", str(config))
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.splitlines() == [
        f"team ({url}): updated: 0 added, 1 changed, 0 removed",
        (
            "  * disagreement essequibo: Sovereignty over Essequibo (positions): United States "
            "on Sovereignty over Essequibo: confidence moderate → high; Venezuela: stance "
            "◆ mixed → ▼ oppose (as of 2025-05-01)"
        ),
    ]

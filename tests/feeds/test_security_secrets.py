"""Issue 9, secrets: which config may name a token, tokens and passwords never printed,
true reasons for odd input, and the config in use always named.

Feeds run against the real loopback server (tests/feedserver.py); the command line
through ``main()`` in a temporary directory; the dashboard through ``run_test``."""

from __future__ import annotations

import contextlib
import io
import json
import os
from importlib.util import find_spec
from pathlib import Path

import pytest
from feedserver import FeedServer, Raw, Reply, closed_port, json_reply
from helpers import toasts, until
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.cli import main
from tui.core.config import FeedConfig, load_config
from tui.core.feeds import FeedCache, FeedClient, FeedStatus, redact_url
from tui.core.paths import user_cache_dir

PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
GOOD = {"format": "faultline/1", "actors": [{"id": "kz", "name": "Kazakhstan", "kind": "state"}]}
TOKEN = "ghp-Sekr3tTokenValue"
MARK = "Q"  # interleaved with generated secrets: any two leaked characters include one


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current directory, no user config, a private cache, no proxies."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("FAULTLINE_CONFIG", raising=False)
    monkeypatch.setenv("FAULTLINE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return work


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def run(*args: str) -> tuple[int, str, str]:
    """``faultline ARGS`` in this process: exit code, standard output, standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as stop:  # --help
            code = int(stop.code or 0)
    return code, out.getvalue(), err.getvalue()


def feed_toml(url: str, **extra: str) -> str:
    lines = ["[[feeds]]", 'name = "team"', f"url = {json.dumps(url)}", "timeout = 2"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


async def fetch_once(feed: FeedConfig, cache_dir: Path):
    async with FeedClient([feed], FeedCache(cache_dir)) as client:
        return await client.refresh(feed)


# -- item 2: a ./config.toml cannot send a secret or move the cache -------------------------


def test_cwd_config_cannot_send_a_token_or_contact_its_server(
    server: FeedServer, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cloned dossier repository's config.toml names GITHUB_TOKEN for its author's server:
    neither the token nor even a request (which would tell the author who opened it) goes."""
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    server.route("/feed.json", json_reply(GOOD))
    (isolated / "config.toml").write_text(
        feed_toml(server.url("/feed.json"), token_env="GITHUB_TOKEN")
    )
    warning = (
        "faultline: warning: ./config.toml: feeds: ignored: feeds are fetched "
        "only from a config named with --config or $FAULTLINE_CONFIG, or from "
        f"{isolated.parent / 'xdg' / 'faultline' / 'config.toml'}"
    )
    code, out, err = run("fetch")
    assert code == 2  # nothing to fetch: the implicit config's feeds are not used
    assert err.splitlines()[0] == warning
    code, out, err = run("export", "-f", "json")
    assert code == 0, err
    assert err.splitlines()[0] == warning
    assert TOKEN not in out + err
    assert server.requests == []
    # The same file named with --config is the analyst's choice: its token is sent.
    code, _, err = run("fetch", "--config", str(isolated / "config.toml"))
    assert (code, err) == (0, "")
    assert [r.header("authorization") for r in server.requests] == [f"Bearer {TOKEN}"]


@pytest.mark.parametrize("how", ["--config", "FAULTLINE_CONFIG", "user config dir"])
def test_a_named_or_user_config_sends_the_token(
    how: str, server: FeedServer, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEAM_TOKEN", TOKEN)
    server.route("/feed.json", json_reply(GOOD))
    text = feed_toml(server.url("/feed.json"), token_env="TEAM_TOKEN")
    args = ["fetch"]
    if how == "user config dir":
        path = isolated.parent / "xdg" / "faultline" / "config.toml"
        path.parent.mkdir(parents=True)
    else:
        path = isolated.parent / "named.toml"
    path.write_text(text)
    if how == "--config":
        args += ["--config", str(path)]
    elif how == "FAULTLINE_CONFIG":
        monkeypatch.setenv("FAULTLINE_CONFIG", str(path))
    code, _, err = run(*args)
    assert (code, err) == (0, "")
    assert server.requests[0].header("authorization") == f"Bearer {TOKEN}"


def test_cwd_config_cannot_move_the_cache_dir(isolated: Path, tmp_path: Path) -> None:
    (isolated / "config.toml").write_text('[cache]\ndir = "/var/tmp/faultline-cache"\n')
    config = load_config()
    assert config.source == "cwd"
    assert config.cache_dir == user_cache_dir() == tmp_path / "cache"
    assert config.warnings == (
        (
            "./config.toml: cache.dir: ignored: the cache dir is set only from a config named "
            "with --config or $FAULTLINE_CONFIG, or from "
            f"{tmp_path / 'xdg' / 'faultline' / 'config.toml'}"
        ),
    )
    named = load_config(isolated / "config.toml")  # the same file, named: honoured
    assert (named.source, named.cache_dir, named.warnings) == (
        "explicit", Path("/var/tmp/faultline-cache"), (),
    )  # fmt: skip


def test_config_carries_how_it_was_found(
    isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (load_config().source, load_config().describe()) == (
        "defaults", "built-in defaults (no config file)",
    )  # fmt: skip
    user = tmp_path / "xdg" / "faultline" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text("")
    assert (load_config().source, load_config().path) == ("user", user)
    (isolated / "config.toml").write_text("")
    assert (load_config().source, load_config().name) == ("cwd", "./config.toml")
    monkeypatch.setenv("FAULTLINE_CONFIG", str(user))
    assert load_config().source == "env"
    assert load_config(isolated / "config.toml").source == "explicit"
    monkeypatch.delenv("FAULTLINE_CONFIG")
    monkeypatch.chdir(user.parent)  # started in the user config dir: that file is the user's
    assert (load_config().source, load_config().path) == ("user", user)


def test_the_config_in_use_is_always_named(isolated: Path, tmp_path: Path) -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert "\nConfiguration: built-in defaults (no config file).\n" in out
    code, out, _ = run("validate")
    assert out.splitlines()[0] == "config: built-in defaults (no config file)"

    (isolated / "config.toml").write_text('[ui]\ntheme = "nord"\n')
    _, out, _ = run("--help")
    assert (
        "\nConfiguration: ./config.toml (found in the current directory; its feeds and "
        "cache.dir are not used).\n" in out
    )
    _, out, _ = run("validate")
    assert out.splitlines()[0] == (
        "config: ./config.toml (found in the current directory; its feeds and cache.dir "
        "are not used)"
    )
    other = tmp_path / "other.toml"
    other.write_text("")
    _, out, _ = run("validate", "--config", str(other))
    assert out.splitlines()[0] == f"config: {other} (given with --config)"
    _, out, _ = run("--config", str(other), "--help")
    assert f"\nConfiguration: {other} (given with --config).\n" in out
    _, out, _ = run("--config", "x\x1b]0;pwned\x07\ny.toml", "--help")  # named, not obeyed
    assert "\nConfiguration: x]0;pwned\\ny.toml (given with --config).\n" in out


async def test_the_dashboard_names_the_config_in_its_status_line(
    isolated: Path, default_dataset, tmp_path: Path
) -> None:
    from tui.ui.app import FaultlineApp

    (isolated / "config.toml").write_text(
        '[cache]\ndir = "elsewhere"\n[ui]\ntheme = "textual-dark"\n'
    )
    app = FaultlineApp(load_config(), dataset=default_dataset)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await until(pilot, lambda: "cache.dir" in toasts(app), "the notice")
        status = str(app.screen.query_one("#status").render())
        assert status.endswith("config: ./config.toml")
        assert "./config.toml: cache.dir: ignored: " in toasts(app)


# -- item 3: tokens are checked before use and never printed ----------------------------------


async def test_token_with_windows_line_ending_is_sent_stripped(
    server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEAM_TOKEN", TOKEN + "\r\n")
    server.route("/feed.json", json_reply(GOOD))
    outcome = await fetch_once(
        FeedConfig("team", server.url("/feed.json"), token_env="TEAM_TOKEN"), tmp_path / "c"
    )
    assert outcome.status is FeedStatus.FRESH, outcome.describe()
    assert server.requests[0].header("authorization") == f"Bearer {TOKEN}"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("ghp-Sekr3t\x01TokenValue", "a control character (character 11 of the token)"),
        ("ghp-Sekr3t\rTokenValue", "a control character (character 11 of the token)"),
        ("ghp-Sekr3té-TokenValue", "a non-ASCII character (character 11 of the token)"),
    ],
)
async def test_token_with_a_bad_character_is_refused_without_quoting_it(
    value: str, kind: str, server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEAM_TOKEN", value)
    server.route("/feed.json", json_reply(GOOD))
    outcome = await fetch_once(
        FeedConfig("team", server.url("/feed.json"), token_env="TEAM_TOKEN"), tmp_path / "c"
    )
    assert outcome.status is FeedStatus.FAILED
    assert outcome.reason == (
        f"the token variable TEAM_TOKEN (token_env) holds {kind}, which a request header "
        "cannot carry; nothing was fetched: check the variable's value"
    )
    for piece in ("ghp", "Sekr3t", "TokenValue", "Bearer"):
        assert piece not in outcome.describe()
    assert server.requests == []  # nothing was sent with a broken header


# -- item 4: URL passwords and secret parameters never printed --------------------------------


def marked(text: str) -> str:
    """``text`` with MARK before each character and at the end: a leak of any two
    consecutive characters of the result shows a MARK."""
    return "".join(MARK + c for c in text) + MARK


printable = st.characters(blacklist_categories=("Cc", "Cs"))


@given(password=st.text(printable, max_size=12), user=st.sampled_from(["", "analyst"]))
def test_redact_url_never_shows_a_password(password: str, user: str) -> None:
    secret = marked(password)
    for url in (
        f"http://{user}:{secret}@feeds.example.org/x.json",
        f"https://{user}:{secret}@feeds.example.org:8443/a/b.json?page=2#top",
        f"{user}:{secret}@proxy.example.org:3128",  # a proxy variable without a scheme
    ):
        shown = redact_url(url)
        assert MARK not in shown, (url, shown)
        assert "example.org" in shown


@given(
    name=st.sampled_from(
        ["token", "%74oken", "%2574oken", "access_token", "X-Amz-Signature", "API_KEY"]
    ),
    value=st.text(printable.filter(lambda c: c not in "&;#?/"), min_size=1, max_size=12),
    where=st.sampled_from(["query", "path", "fragment"]),
)
def test_redact_url_never_shows_a_secret_parameter(name: str, value: str, where: str) -> None:
    secret = marked(value)
    url = {
        "query": f"https://feeds.example.org/x.json?page=2&{name}={secret}&x=1",
        "path": f"https://feeds.example.org/feeds;{name}={secret}/x.json",
        "fragment": f"https://feeds.example.org/x.json#{name}={secret}&state=1",
    }[where]
    shown = redact_url(url)
    assert MARK not in shown, (url, shown)
    assert f"{name}=REDACTED" in shown


def test_redact_url_examples_from_the_review() -> None:
    assert redact_url("http://user:S3C/RET@host/x.json") == "http://***@host/x.json"
    assert redact_url("http://h/x;token=abc/y.json") == "http://h/x;token=REDACTED/y.json"
    assert redact_url("http://h/x?%74oken=abc") == "http://h/x?%74oken=REDACTED"
    assert redact_url("http://h/x#token=abc") == "http://h/x#token=REDACTED"
    assert (
        redact_url("http://h/x?token=ab&cd&page=2") == "http://h/x?token=REDACTED&REDACTED&page=2"
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    password=st.text(st.sampled_from("/?#@:;%S3CRET é"), min_size=1, max_size=8),
    where=st.sampled_from(["--feed", "config", "HTTPS_PROXY"]),
)
def test_cli_never_prints_a_password(password: str, where: str, isolated: Path) -> None:
    """Whatever a password holds, in a --feed URL, a config URL or a proxy variable."""
    secret = marked(password)
    url = f"http://analyst:{secret}@127.0.0.1:{closed_port()}/x.json"
    (isolated / "config.toml").unlink(missing_ok=True)
    args = ["fetch", "--feed", url]
    if where == "config":
        (isolated / "config.toml").write_text(feed_toml(url))
        args = ["fetch", "--config", "config.toml"]
    elif where == "HTTPS_PROXY":
        args = ["fetch", "--feed", f"https://127.0.0.1:{closed_port()}/x.json"]
    with contextlib.ExitStack() as stack:
        if where == "HTTPS_PROXY":
            os.environ["HTTPS_PROXY"] = url
            stack.callback(os.environ.pop, "HTTPS_PROXY")
        code, out, err = run(*args)
    assert code in (1, 2) and err
    assert MARK not in out + err, err


def test_config_url_with_a_slash_in_its_password(isolated: Path) -> None:
    (isolated / "config.toml").write_text(feed_toml("http://user:S3C/RET@127.0.0.1:9/x.json"))
    code, _, err = run("fetch", "--config", "config.toml")
    assert code == 1
    assert err.strip() == (
        "team (http://***@127.0.0.1:9/x.json): the address cannot be used: its port is not a "
        "number from 1 to 65535; in a user name or password, write / ? # @ as %2F %3F %23 %40; "
        "no earlier copy, so this feed is left out"
    )


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "https_proxy", "ALL_PROXY"])
def test_proxy_password_is_never_printed(
    variable: str, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, "http://proxyuser:S3C/RET@127.0.0.1:3128")
    code, _, err = run("fetch", "--feed", server.url("/feed.json"))
    assert code == 1
    assert (
        f"the proxy cannot be used: {variable} (http://***@127.0.0.1:3128) "
        "is not a usable proxy URL" in err
    )
    assert "S3C" not in err and "RET" not in err and "proxyuser" not in err
    assert server.requests == []


def test_proxy_that_refuses_credentials_is_reported_without_them(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route("http://feeds.test/x.json", Reply(407, [("Proxy-Authenticate", "Basic")]))
    monkeypatch.setenv(
        "HTTP_PROXY", server.url("").replace("http://", "http://proxyuser:Pr0xyPassw0rd@")
    )
    code, _, err = run("fetch", "--feed", "http://feeds.test/x.json")
    assert code == 1
    assert "407" in err
    assert "Pr0xyPassw0rd" not in err and "proxyuser" not in err


# -- item 7: true reasons ---------------------------------------------------------------------


async def test_unreadable_retry_after_is_not_an_address_problem(
    server: FeedServer, tmp_path: Path
) -> None:
    server.route("/feed.json", Reply(503, [("Retry-After", "²")]))
    outcome = await fetch_once(FeedConfig("team", server.url("/feed.json")), tmp_path / "c")
    assert outcome.reason == (
        "the server failed (503 Service Unavailable); its Retry-After could not be read, so "
        "the usual wait applies"
    )


async def test_port_out_of_range_is_named(tmp_path: Path) -> None:
    outcome = await fetch_once(FeedConfig("team", "http://127.0.0.1:99999/x.json"), tmp_path / "c")
    assert (
        outcome.reason == "the address cannot be used: its port 99999 is out of range (1 to 65535)"
    )
    code, _, err = run("fetch", "--feed", "http://127.0.0.1:99999/x.json")
    assert code == 2
    assert err.strip() == (
        "faultline: --feed http://127.0.0.1:99999/x.json: is not a usable URL: its port 99999 "
        "is out of range (1 to 65535)"
    )


@pytest.mark.skipif(find_spec("socksio") is not None, reason="SOCKS support is installed here")
def test_socks_proxy_without_socks_support_is_named(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALL_PROXY", "socks5://proxyuser:Pr0xyPassw0rd@127.0.0.1:1080")
    code, _, err = run("fetch", "--feed", server.url("/feed.json"))
    assert code == 1
    assert (
        "the proxy cannot be used: ALL_PROXY (socks5://127.0.0.1:1080) names a SOCKS proxy, "
        "which this installation cannot use (the socksio package is not installed: "
        "pip install 'httpx[socks]'); or name an http:// proxy"
    ) in err
    assert "unexpected" not in err and "Pr0xyPassw0rd" not in err


# -- item 13: an unknown theme is an error ------------------------------------------------------


def test_unknown_theme_is_rejected_naming_file_key_and_themes(isolated: Path) -> None:
    (isolated / "config.toml").write_text('[ui]\ntheme = "solarised-dusk"\n')
    code, out, err = run()
    assert (code, out) == (2, "")
    line = err.strip()
    assert "\n" not in line
    assert line.startswith(
        "faultline: ./config.toml: ui.theme: unknown theme 'solarised-dusk' (available: "
    )
    assert "textual-dark" in line and "nord" in line


# -- review 2: a redirect's Location and an echoed token are the server's words -------------

BAD_LOCATIONS = [
    pytest.param(
        "http://alice:S3c/r3t@127.0.0.1:99999/x",
        "redirects to an address that cannot be used (http://***@127.0.0.1:99999/x): its "
        "Location header is not a valid URL: its port is not a number from 1 to 65535; in a "
        "user name or password, write / ? # @ as %2F %3F %23 %40",
        id="password with a slash",
    ),
    pytest.param(
        "http://[::1:bad/?password=S3cr3t",
        "redirects to an address that cannot be used (http://[::1:bad/?password=REDACTED): "
        "its Location header is not a valid URL: its port is not a number from 1 to 65535",
        id="malformed host",
    ),
    pytest.param(
        "//alice:S3c/r3t@127.0.0.1/x",
        "redirects to an address that cannot be used (//***@127.0.0.1/x): its Location "
        "header is not a valid URL: its port is not a number from 1 to 65535",
        id="scheme-relative with a password",
    ),
    pytest.param(
        "javascript:alert(1)",
        "redirects to a non-web address (javascript:); only http and https addresses are followed",
        id="javascript",
    ),
    pytest.param(
        "data:,x",
        "redirects to a non-web address (data:); only http and https addresses are followed",
        id="data",
    ),
]


@pytest.mark.parametrize(("location", "expected"), BAD_LOCATIONS)
def test_a_bad_redirect_location_is_named_without_its_secrets(
    location: str, expected: str, server: FeedServer
) -> None:
    server.route("/loc", Reply(302, [("Location", location)]))
    url = server.url("/loc")
    code, out, err = run("fetch", "--feed", url)
    assert code == 1
    assert err.strip() == (
        f"127.0.0.1 ({url}): {url} {expected}; no earlier copy, so this feed is left out"
    )
    assert "S3c" not in out + err and "alice" not in out + err
    assert "unexpected" not in err and "protocol" not in err


async def test_the_dashboard_names_a_bad_redirect_without_its_password(
    server: FeedServer, isolated: Path
) -> None:
    from helpers import toasts, until

    from tests.conftest import screen_text

    def state(app):
        return app.feed_client.state("team")

    from tui.core.config import Config
    from tui.ui.app import FaultlineApp
    from tui.ui.feeds import FeedsScreen

    server.route("/feed.json", Reply(302, [("Location", "http://alice:S3c/r3t@127.0.0.1:1/x")]))
    (isolated / "local.toml").write_text('format = "faultline/1"\n')
    feed = FeedConfig("team", server.url("/feed.json"), timeout=5)
    config = Config(
        cache_dir=isolated / "cache", data_paths=(isolated / "local.toml",), feeds=(feed,)
    )
    app = FaultlineApp(config)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await until(pilot, lambda: state(app).status is FeedStatus.FAILED, "the failure")
        await until(pilot, lambda: "S3c" in toasts(app) or "redirects to" in toasts(app), "notice")
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FeedsScreen), "the feeds screen")
        await pilot.pause()
        text = screen_text(app)
        assert "redirects to an address that cannot be used" in " ".join(text.split())
        assert "S3c" not in text + toasts(app) and "alice" not in text + toasts(app)


@pytest.mark.parametrize(
    ("token", "echo"),
    [
        pytest.param("abc", "bogus Bearer abc", id="a short token"),
        pytest.param("x", "bogus Bearer x", id="a one-character token"),
        pytest.param(TOKEN, f"bogus {TOKEN[:5]}\u202e{TOKEN[5:]}", id="with a bidi control"),
        pytest.param(TOKEN, f"bogus {TOKEN[:5]}\u200b{TOKEN[5:]}", id="with a zero-width space"),
        pytest.param(TOKEN, f"bogus {TOKEN}", id="lower-cased by the message"),
    ],
)
def test_a_token_echoed_by_the_server_is_never_printed(
    token: str, echo: str, server: FeedServer, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server echoes the token in its Content-Type, which the message quotes."""
    monkeypatch.setenv("TEAM_TOKEN", token)
    wire = echo.encode("utf-8").decode("latin-1")  # sent as UTF-8 bytes, read back as UTF-8
    server.route("/feed.json", Reply(200, [("Content-Type", wire)], b"{}"))
    (isolated / "config.toml").write_text(
        feed_toml(server.url("/feed.json"), token_env="TEAM_TOKEN")
    )
    code, out, err = run("fetch", "--config", "config.toml")
    assert code == 1
    assert "not a JSON or TOML document" in err
    shown = "".join(ch for ch in (out + err) if ch not in "\u202e\u200b").lower()
    assert token.lower() not in shown, err


def raw_answer(head: bytes) -> Raw:
    def write(handler, stop) -> None:
        handler.wfile.write(head)
        handler.wfile.flush()
        handler.close_connection = True

    return Raw(write)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        pytest.param(
            b"HTTP/1.1 200 OK\r\nX-Echo Bearer S3cr3tValue\r\nContent-Length: 2\r\n\r\n{}",
            "the server broke the HTTP protocol (illegal header line)",
            id="a header line without a colon",
        ),
        pytest.param(
            b"HTTP/1.1 S3cr3tValue\r\n\r\n",
            "the server broke the HTTP protocol (illegal status line)",
            id="a broken status line",
        ),
        pytest.param(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\nS3cr3tValue\r\n",
            "the body arrived broken (illegal chunk header)",
            id="a broken chunk header",
        ),
    ],
)
def test_a_broken_response_is_named_without_quoting_it(
    head: bytes, expected: str, server: FeedServer
) -> None:
    """h11 quotes the line it could not read ("illegal header line: bytearray(b'…')"):
    a header value, perhaps an echoed secret. Only the library's own words are kept."""
    server.route("/feed.json", raw_answer(head))
    url = server.url("/feed.json")
    code, out, err = run("fetch", "--feed", url)
    assert code == 1
    left_out = "no earlier copy, so this feed is left out"
    assert err.strip() == f"127.0.0.1 ({url}): {expected}; {left_out}"
    assert "S3cr3t" not in out + err

"""Configuration lookup order and strict, readable errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.config import ConfigError, load_config
from tui.core.paths import default_dossier

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FAULTLINE_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def test_defaults_without_any_file() -> None:
    config = load_config()
    assert config.path is None
    assert config.local_paths() == [default_dossier()]
    assert config.feeds == ()


def test_the_shipped_dossier_is_only_a_first_run_default(tmp_path: Path) -> None:
    """With nothing named, the demo dossier; with any feed or data path named (command line
    or config), only what is named: a team's feed is not merged over the demo."""
    url = "https://feeds.example.org/team.json"
    assert load_config().local_paths() == [default_dossier()]
    assert load_config().local_paths(feed_urls=[url]) == []
    assert load_config().local_paths(["@default", "x.toml"]) == [default_dossier(), Path("x.toml")]
    config = tmp_path / "team.toml"
    feeds = f'[[feeds]]\nname = "team"\nurl = "{url}"\n'
    config.write_text(feeds)
    assert load_config(config).local_paths() == []
    config.write_text('[data]\npaths = ["@default", "mine"]\n' + feeds)
    assert load_config(config).local_paths() == [default_dossier(), tmp_path / "mine"]
    config.write_text("[data]\npaths = []\n")
    assert load_config(config).local_paths() == []  # nothing, as written


def test_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "xdg" / "faultline" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text('[data]\npaths = ["from-user"]\n')
    assert load_config().path == user
    (tmp_path / "config.toml").write_text('[data]\npaths = ["from-cwd"]\n')
    assert load_config().data_paths == (tmp_path / "from-cwd",)
    env = tmp_path / "env.toml"
    env.write_text("")
    monkeypatch.setenv("FAULTLINE_CONFIG", str(env))
    assert load_config().path == env
    assert load_config(user).path == user  # --config wins over everything


def test_example_config_is_valid_and_points_at_the_dossier() -> None:
    config = load_config(ROOT / "config.toml")
    assert config.data_paths == (ROOT / "data",)
    assert config.feeds == ()  # the example contacts no server
    assert config.ui.animations is False
    assert config.ui.bandwidth == "normal"


def test_low_bandwidth_is_a_ui_setting(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[ui]\nbandwidth = "low"\n')
    assert load_config(path).ui.bandwidth == "low"


def test_feeds_are_read_with_defaults(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '[[feeds]]\nname = "team"\nurl = "https://x.example/d.json"\ntoken_env = "TEAM_TOKEN"\n'
    )
    (feed,) = load_config(path).feeds
    assert (feed.name, feed.interval, feed.timeout, feed.max_size, feed.token_env) == (
        "team",
        900.0,
        30.0,
        50_000_000,
        "TEAM_TOKEN",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[ui\n", "c.toml:1:4: TOML syntax error: Expected ']' at the end of a table declaration"),
        ('[[feeds]]\nname = "a"\n', "c.toml: feeds[0]: missing required key 'url'"),
        (
            '[[feeds]]\nname = "a"\nurl = "ftp://x"\n',
            "c.toml: feeds[0].url: is not an http or https URL",
        ),
        (
            '[[feeds]]\nname = "a"\nurl = "http://x"\ninterval = "5m"\n',
            "c.toml: feeds[0].interval: expected a number of seconds, got string",
        ),
        (
            '[[feeds]]\nname = "a"\nurl = "http://x"\ninterval = 1\n',
            "c.toml: feeds[0].interval: 1 is out of range (10 to 604800)",
        ),
        ('[data]\npaths = "data"\n', "c.toml: data.paths: expected an array of paths, got string"),
        (
            "[colours]\n",
            "c.toml: colours: unknown key (allowed: data, feeds, ui, cache, watch, alerts)",
        ),
        (
            '[ui]\nbandwidth = "slow"\n',
            'c.toml: ui.bandwidth: expected "normal" or "low", got \'slow\'',
        ),
    ],
)
def test_bad_config_names_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == message.replace("c.toml", str(path), 1)


# A real feed URL, then ones the old config rule (a prefix check) let through.
CANDIDATE_URLS = [
    "https://intel.example.org/dossier.json",
    "HTTP://127.0.0.1:8080/feed.toml?team=east#top",
    "https://example.org/feed.json and more",
    'https://example.org/"quoted".json',
    "https://example.org/<script>",
    "https://example.org/a`b",
    "https://example.org\\feed.json",
    "https://example.org/feed.json\n",
    "https:///feed.json",
    "ftp://example.org/feed.json",
]


@pytest.mark.parametrize("url", CANDIDATE_URLS)
def test_config_feeds_and_documents_agree_on_what_a_url_is(tmp_path: Path, url: str) -> None:
    import json

    from tui.core.config import Config
    from tui.core.feeds import feeds_from
    from tui.core.loading import read_bytes
    from tui.core.problems import DocumentError, FaultlineError

    path = tmp_path / "c.toml"
    path.write_text(f'[[feeds]]\nname = "team"\nurl = {json.dumps(url)}\n')
    try:
        load_config(path)
        in_config = True
    except ConfigError:
        in_config = False
    source = {"id": "s", "title": "S", "url": url}
    document = json.dumps({"format": "faultline/1", "sources": [source]}).encode()
    try:
        read_bytes(document, "d.json", "json")
        in_document = True
    except DocumentError:
        in_document = False
    try:
        feeds_from(Config(), [url])
        on_command_line = True
    except FaultlineError:
        on_command_line = False
    assert in_config == in_document == on_command_line
    assert in_config is (url in CANDIDATE_URLS[:2])


def test_data_watch_and_capture(tmp_path: Path) -> None:
    from tui.core.capture import capture_file

    config = tmp_path / "c.toml"
    config.write_text('[data]\npaths = ["dossier/x.toml"]\n')
    loaded = load_config(config)
    assert loaded.data_watch == "auto" and loaded.capture is None
    # By default the forms record beside the first data path.
    assert capture_file(loaded.capture, list(loaded.data_paths or ())) == (
        tmp_path / "dossier" / "captured.toml"
    )
    assert capture_file(None, [default_dossier()]) == Path("captured.toml")
    for value, expected in (("false", "off"), ("true", "auto"), ('"poll"', "poll")):
        config.write_text(f'[data]\nwatch = {value}\ncapture = "notes/mine.toml"\n')
        loaded = load_config(config)
        assert loaded.data_watch == expected
        assert loaded.capture == tmp_path / "notes" / "mine.toml"
    config.write_text('[data]\nwatch = "often"\n')
    with pytest.raises(ConfigError, match=r"data\.watch: expected true, false or \"poll\""):
        load_config(config)
    config.write_text('[data]\ncapture = "notes.txt"\n')
    with pytest.raises(ConfigError, match=r"data\.capture: expected a \.toml or \.json file"):
        load_config(config)

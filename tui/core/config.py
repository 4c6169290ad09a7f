"""The configuration file: data paths, feeds and UI options, checked strictly.

Looked up as ``--config PATH``, ``$FAULTLINE_CONFIG``, ``./config.toml``, the user
config dir, then built-in defaults. A bad file is a ``ConfigError`` naming the file
and the key, never a traceback. ``config.toml`` at the top of the repository
documents every key.

A ``./config.toml`` is found, not chosen: it may come with a dossier repository
someone else wrote. So it cannot make Faultline contact a server (``[[feeds]]``, and
with them ``token_env``) or move the cache dir (``cache.dir``); those keys are checked,
then ignored there with a warning, and taken only from a config named with
``--config`` or ``$FAULTLINE_CONFIG``, or from the user config dir.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import field
from pathlib import Path
from stat import S_ISREG
from typing import Any, Literal

import tomli

from .paths import default_dossier, user_cache_dir, user_config_file
from .problems import FaultlineError, key_path, shorten, type_name
from .records import record
from .schema import MAX_DOCUMENT_SIZE
from .text import sanitise
from .urls import is_web_url

DEFAULT_INTERVAL = 900.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_SIZE = 50_000_000
MIN_INTERVAL = 10.0
MAX_CONFIG_SIZE = 1024 * 1024  # a real one is a few KiB; refuse, unread, what is not
FEED_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}\Z")
ENV_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


# How the config file was found: --config, $FAULTLINE_CONFIG, ./config.toml, the user
# config dir, or none at all.
Source = Literal["explicit", "env", "cwd", "user", "defaults"]
SOURCE_WORDS: dict[str, str] = {
    "explicit": "given with --config",
    "env": "named by $FAULTLINE_CONFIG",
    "cwd": "found in the current directory; its feeds and cache.dir are not used",
    "user": "the user config",
    "defaults": "no config file",
}


class ConfigError(FaultlineError):
    pass


@record
class FeedConfig:
    """One ``[[feeds]]`` entry: a URL read as a layer on top of the local data."""

    name: str
    url: str
    interval: float = DEFAULT_INTERVAL  # seconds between automatic refreshes
    timeout: float = DEFAULT_TIMEOUT  # overall deadline for one fetch, in seconds
    max_size: int = DEFAULT_MAX_SIZE  # bytes, after decompression
    token_env: str | None = None  # name of an env var holding a bearer token


BANDWIDTHS = ("normal", "low")


@record
class UIConfig:
    """``[ui]``: the dashboard's theme, animations and bandwidth."""

    theme: str = "textual-dark"
    animations: bool = False
    # "low" for the slowest links (--low-bandwidth): no animation, the detail pane follows
    # the cursor once it rests, no scrollbars on the lists. "normal" otherwise.
    bandwidth: str = "normal"


@record
class AlertsConfig:
    """``[alerts]``: where an alert goes besides the dashboard's log (all off by default)."""

    bell: bool = False  # the terminal bell (tmux turns it into a window flag)
    osc: str | None = None  # "9" or "777": a desktop notification through the terminal
    command: tuple[str, ...] = ()  # run without a shell, the alert text as the last argument
    timeout: float = 10.0  # seconds the command may run


@record
class Config:
    """The configuration in use: the file it came from (``path``, ``source``) and every
    setting, defaults filled in."""

    path: Path | None = None
    # None: no data paths configured (see local_paths); "@default" is already resolved.
    data_paths: tuple[Path, ...] | None = None
    data_max_size: int = MAX_DOCUMENT_SIZE  # bytes: a larger local document is refused unread
    # Live reload of saved data files: "auto" (notifications, else polling), "poll", "off".
    data_watch: str = "auto"
    # Where the dashboard's forms (s, n) record facts; None: captured.toml beside the
    # first data path (see core/capture.py).
    capture: Path | None = None
    feeds: tuple[FeedConfig, ...] = ()
    ui: UIConfig = field(default_factory=UIConfig)
    # [watch]: ids watched for every analyst using this config, by kind ("actors"...).
    watch: tuple[tuple[str, tuple[str, ...]], ...] = ()
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    cache_dir: Path = field(default_factory=user_cache_dir)
    source: Source = "defaults"
    # Keys read but not honoured (from ./config.toml), one line each, for the user to see.
    warnings: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The file, as a person would write it: ``./config.toml``, ``~/.config/…``."""
        return config_name(self.path, self.source)

    def local_paths(
        self, given: Sequence[str | Path] | None = None, feed_urls: Sequence[str] = ()
    ) -> list[Path]:
        """The local data paths to read: those ``given`` (``--data``, which replace the
        configured ones), else the configured ones. The shipped dossier is a default for a
        first run only: when any data path or feed is named, on the command line or in the
        config, it is read only if named too (``@default``)."""
        if given:
            return [default_dossier() if str(p) == "@default" else Path(p) for p in given]
        if self.data_paths is not None:
            return list(self.data_paths)
        if self.feeds or feed_urls:
            return []
        return [default_dossier()]

    def describe(self) -> str:
        """Which configuration is in use and how it was found: ``./config.toml (found in
        the current directory; …)``, ``built-in defaults (no config file)``."""
        return describe_config(self.path, self.source)


def describe_config(path: Path | None, source: Source) -> str:
    if path is None:
        source = "defaults"
    elif source == "defaults":  # a Config built in code with a path: as if given
        source = "explicit"
    return f"{config_name(path, source)} ({SOURCE_WORDS[source]})"


def config_name(path: Path | None, source: Source) -> str:
    """The config file for messages, ``--help`` and the status line: one line, no control
    characters (a path given with ``--config`` is the user's text, shown as it is)."""
    if path is None:
        return "built-in defaults"
    if source == "cwd":
        return "./config.toml"
    name = _home_short(path) if source == "user" else str(path)
    return sanitise(name)[0].replace("\n", "\\n")


def _home_short(path: Path) -> str:
    """``~/.config/faultline/config.toml`` rather than the home directory spelled out."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except (ValueError, RuntimeError):  # outside the home directory, or no home at all
        return str(path)


def locate_config(explicit: str | os.PathLike[str] | None = None) -> tuple[Path | None, Source]:
    """The config file to use (None for built-in defaults) and how it was found."""
    if explicit:
        return Path(explicit), "explicit"
    env = os.environ.get("FAULTLINE_CONFIG")
    if env:
        return Path(env), "env"
    user = user_config_file()
    here = Path("config.toml")
    if here.is_file():
        # Started from the user config dir itself: that file is the user's, not a stranger's.
        return (user, "user") if _same_file(here, user) else (here, "cwd")
    if user.is_file():
        return user, "user"
    return None, "defaults"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


class _Reader:
    def __init__(self, path: Path, name: str | None = None) -> None:
        self.path = path
        self.name = name or str(path)
        self.warnings: list[str] = []

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.name}: {key}: {message}")

    def ignored(self, key: str, what: str) -> None:
        """A key of an implicitly found config that is read but not honoured."""
        self.warnings.append(
            f"{self.name}: {key}: ignored: {what} only from a config named with --config or "
            f"$FAULTLINE_CONFIG, or from {_home_short(user_config_file())}"
        )

    def table(self, raw: Any, key: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise self.error(key, f"expected a table, got {type_name(raw)}")
        for name in raw:
            if name not in allowed:
                raise self.error(
                    key_path(key, name),
                    "unknown key (allowed: " + ", ".join(allowed) + ")",
                )
        return raw

    def number(self, raw: Any, key: str, low: float, high: float) -> float:
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise self.error(key, f"expected a number of seconds, got {type_name(raw)}")
        if not low <= raw <= high:
            raise self.error(key, f"{shorten(raw)} is out of range ({low:g} to {high:g})")
        return float(raw)

    def string(self, raw: Any, key: str) -> str:
        if not isinstance(raw, str):
            raise self.error(key, f"expected a string, got {type_name(raw)}")
        return raw


def load_config(explicit: str | os.PathLike[str] | None = None) -> Config:
    path, source = locate_config(explicit)
    if path is None:
        return Config()
    name = config_name(path, source) if source == "cwd" else str(path)
    try:
        if not S_ISREG(path.stat().st_mode):  # a FIFO or device would block or never end
            raise ConfigError(f"{name}: is not a regular file")
        with open(path, "rb") as handle:
            # Read no more than the cap, whatever the size said: a file that grows (or a
            # link to a huge one) costs nothing.
            data = handle.read(MAX_CONFIG_SIZE + 1)
        if len(data) > MAX_CONFIG_SIZE:
            raise ConfigError(f"{name}: is larger than 1 MiB, the most a configuration file may be")
    except OSError as error:
        raise ConfigError(f"{name}: cannot be read: {error.strerror or error}") from None
    try:
        raw = tomli.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{name}: is not valid UTF-8 text") from None
    except tomli.TOMLDecodeError as error:
        where = f"{name}:{error.lineno}:{error.colno}" if getattr(error, "lineno", None) else name
        raise ConfigError(f"{where}: TOML syntax error: {getattr(error, 'msg', error)}") from None
    except (ValueError, RecursionError):  # a 5,000-digit number; nesting past tomli's limit
        raise ConfigError(
            f"{name}: TOML syntax error: a value is too large or too deeply nested"
        ) from None
    return parse_config(raw, path, source)


def parse_config(raw: dict[str, Any], path: Path, source: Source = "explicit") -> Config:
    """Check ``raw`` (the TOML read from ``path``) strictly. From an implicitly found
    ``./config.toml`` (``source="cwd"``), ``[[feeds]]`` and ``cache.dir`` are checked,
    then ignored with a warning: such a file cannot contact a server, send a secret or
    move the cache."""
    trusted = source != "cwd"
    r = _Reader(path, config_name(path, source) if source == "cwd" else None)
    r.table(raw, "", ("data", "feeds", "ui", "cache", "watch", "alerts"))
    base = path.resolve().parent

    data_paths: tuple[Path, ...] | None = None
    data_max_size = MAX_DOCUMENT_SIZE
    data_watch = "auto"
    capture: Path | None = None
    if "data" in raw:
        data = r.table(raw["data"], "data", ("paths", "max_size", "watch", "capture"))
        if "paths" in data:
            paths = data["paths"]
            if not isinstance(paths, list):
                raise r.error("data.paths", f"expected an array of paths, got {type_name(paths)}")
            data_paths = tuple(
                _data_path(r.string(p, f"data.paths[{i}]"), base) for i, p in enumerate(paths)
            )
        data_max_size = data.get("max_size", MAX_DOCUMENT_SIZE)
        if type(data_max_size) is not int or data_max_size < 1:  # bool is refused too
            raise r.error("data.max_size", "expected a positive whole number of bytes")
        watch = data.get("watch", True)
        if watch is True or watch is False or watch == "poll":
            data_watch = {True: "auto", False: "off"}.get(watch, "poll")
        else:
            raise r.error("data.watch", f'expected true, false or "poll", got {shorten(watch)}')
        if "capture" in data:
            value = r.string(data["capture"], "data.capture")
            capture = _data_path(value, base)
            if value == "@default" or capture.suffix.lower() not in (".toml", ".json"):
                raise r.error("data.capture", "expected a .toml or .json file")

    feeds: list[FeedConfig] = []
    raw_feeds = raw.get("feeds", [])
    if not isinstance(raw_feeds, list):
        raise r.error(
            "feeds", f"expected an array of tables ([[feeds]]), got {type_name(raw_feeds)}"
        )
    names: set[str] = set()
    for i, entry in enumerate(raw_feeds):
        key = f"feeds[{i}]"
        item = r.table(entry, key, ("name", "url", "interval", "timeout", "max_size", "token_env"))
        for required in ("name", "url"):
            if required not in item:
                raise r.error(key, f"missing required key '{required}'")
        name = r.string(item["name"], f"{key}.name")
        if not FEED_NAME_RE.match(name):
            raise r.error(
                f"{key}.name", f"{name!r} is not a usable feed name (letters, digits, space, . _ -)"
            )
        if name in names:
            raise r.error(f"{key}.name", f"another feed is already called {name!r}")
        names.add(name)
        url = r.string(item["url"], f"{key}.url")
        if not is_web_url(url):
            raise r.error(f"{key}.url", "is not an http or https URL")
        max_size = item.get("max_size", DEFAULT_MAX_SIZE)
        if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1:
            raise r.error(f"{key}.max_size", "expected a positive whole number of bytes")
        token_env = item.get("token_env")
        if token_env is not None and not ENV_RE.match(r.string(token_env, f"{key}.token_env")):
            raise r.error(f"{key}.token_env", f"{token_env!r} is not an environment variable name")
        feeds.append(
            FeedConfig(
                name=name,
                url=url,
                interval=r.number(
                    item.get("interval", DEFAULT_INTERVAL),
                    f"{key}.interval",
                    MIN_INTERVAL,
                    7 * 86400,
                ),
                timeout=r.number(item.get("timeout", DEFAULT_TIMEOUT), f"{key}.timeout", 0.1, 3600),
                max_size=max_size,
                token_env=token_env,
            )
        )

    if feeds and not trusted:
        # Not even without a token: a fetch tells the file's author who opened it, and when.
        r.ignored("feeds", "feeds are fetched")
        feeds = []

    ui = UIConfig()
    if "ui" in raw:
        table = r.table(raw["ui"], "ui", ("theme", "animations", "bandwidth"))
        theme = r.string(table.get("theme", ui.theme), "ui.theme")
        animations = table.get("animations", ui.animations)
        if not isinstance(animations, bool):
            raise r.error("ui.animations", f"expected true or false, got {type_name(animations)}")
        bandwidth = r.string(table.get("bandwidth", ui.bandwidth), "ui.bandwidth")
        if bandwidth not in BANDWIDTHS:
            raise r.error("ui.bandwidth", f'expected "normal" or "low", got {shorten(bandwidth)}')
        ui = UIConfig(theme=theme, animations=animations, bandwidth=bandwidth)

    watched: list[tuple[str, tuple[str, ...]]] = []
    if "watch" in raw:
        kinds = ("actors", "disagreements", "events")
        table = r.table(raw["watch"], "watch", kinds)
        for kind in kinds:
            ids = table.get(kind, [])
            if not isinstance(ids, list):
                raise r.error(f"watch.{kind}", f"expected an array of ids, got {type_name(ids)}")
            watched.append(
                (kind, tuple(r.string(v, f"watch.{kind}[{i}]") for i, v in enumerate(ids)))
            )
    alerts = AlertsConfig()
    if "alerts" in raw:
        table = r.table(raw["alerts"], "alerts", ("bell", "osc", "command", "timeout"))
        bell = table.get("bell", False)
        if not isinstance(bell, bool):
            raise r.error("alerts.bell", f"expected true or false, got {type_name(bell)}")
        osc = table.get("osc")
        if osc is not None and osc not in ("9", "777"):
            raise r.error("alerts.osc", f'expected "9" or "777", got {shorten(osc)}')
        command = table.get("command", [])
        if not isinstance(command, list):
            raise r.error(
                "alerts.command",
                f"expected an array (program and arguments), got {type_name(command)}",
            )
        argv = tuple(r.string(v, f"alerts.command[{i}]") for i, v in enumerate(command))
        if command and not argv[0]:
            raise r.error("alerts.command[0]", "expected the program to run, got an empty string")
        if argv and not trusted:
            # A command is code: a found file must not run one (as it cannot fetch a feed).
            r.ignored("alerts.command", "an alert command is run")
            argv = ()
        alerts = AlertsConfig(
            bell=bell,
            osc=osc,
            command=argv,
            timeout=r.number(table.get("timeout", 10.0), "alerts.timeout", 0.1, 600),
        )

    cache_dir = user_cache_dir()
    if "cache" in raw:
        table = r.table(raw["cache"], "cache", ("dir",))
        if "dir" in table:
            chosen = _data_path(r.string(table["dir"], "cache.dir"), base)
            if trusted:
                cache_dir = chosen
            else:
                r.ignored("cache.dir", "the cache dir is set")

    return Config(
        path=path,
        data_paths=data_paths,
        data_max_size=data_max_size,
        data_watch=data_watch,
        capture=capture,
        feeds=tuple(feeds),
        ui=ui,
        watch=tuple(watched),
        alerts=alerts,
        cache_dir=cache_dir,
        source=source,
        warnings=tuple(r.warnings),
    )


def _data_path(value: str, base: Path) -> Path:
    """Relative paths are relative to the config file; ``@default`` is the shipped dossier."""
    if value == "@default":
        return default_dossier()
    path = Path(os.path.expanduser(value))
    return path if path.is_absolute() else base / path

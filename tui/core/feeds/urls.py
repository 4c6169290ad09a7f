"""Feed addresses: the feed list (configured feeds and ``--feed URL``), whether an
address can be fetched, its origin (where a token may go), and redaction, so that no
message, status line or export shows a password, a token or a secret-looking parameter.
"""

from __future__ import annotations

import os
import re
import unicodedata
import urllib.parse
import urllib.request
from collections.abc import Iterable
from importlib.util import find_spec

import httpx

from ..config import Config, FeedConfig
from ..problems import FaultlineError
from ..text import sanitise
from ..urls import is_web_url

_SECRET_PARAM = re.compile(
    r"(?i)(token|key|secret|pass|pwd|auth|sig|signature|credential|session|code|jwt|bearer)"
)


def redact_url(url: str | httpx.URL) -> str:
    """A URL fit for messages: no user name or password, and hidden values for the query,
    path (``;token=…``) and fragment (``#access_token=…``) parameters whose names look
    like secrets, also when the name is percent-encoded (``%74oken``).

    Works on the raw text, before any parsing that could fail and quote a piece of it. A
    password holding an unescaped ``/``, ``?``, ``#`` or ``@`` ends a URL parser's
    authority early; so when an ``@`` comes after the authority and the authority holds a
    ``:`` or ``@``, everything up to the last ``@`` is hidden (``http://***@host/x``), even
    should that ``@`` belong to the path: showing too little beats showing a password.
    """
    text = str(url)
    scheme = re.match(r"(?i)\s*(?:[a-z][a-z0-9+.-]*:)?//", text)  # or "//host", as a Location
    head = scheme.group() if scheme else ""
    rest = text[len(head) :]
    at = rest.rfind("@")
    if at >= 0:
        end = _authority_end(rest)
        if at < end:
            rest = rest[at + 1 :]
        elif ":" in rest[:end] or "@" in rest[:end]:
            rest = "***@" + rest[at + 1 :]
    end = _authority_end(rest)
    authority, rest = rest[:end], rest[end:]
    rest, hash_sep, fragment = rest.partition("#")
    path, query_sep, query = rest.partition("?")
    path = "/".join(
        ";".join([segment[0], *_redact_pairs(segment[1:])])
        for segment in (part.split(";") for part in path.split("/"))
    )
    query = "".join(_redact_pairs(re.split(r"([&;])", query)))
    fragment = "".join(_redact_pairs(re.split(r"([&;?])", fragment)))
    return sanitise(head + authority + path + query_sep + query + hash_sep + fragment)[0]


def _authority_end(rest: str) -> int:
    return min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))


def _redact_pairs(pieces: list[str]) -> list[str]:
    """``name=value`` pieces (and the separators between them, which pass through) with
    secret-looking values hidden. A piece with no ``=`` right after a hidden value is
    hidden too: it may be the rest of a value that held an unescaped ``&``."""
    out: list[str] = []
    hiding = False
    for piece in pieces:
        if piece in ("&", ";", "?", ""):
            out.append(piece)
            continue
        name, eq, value = piece.partition("=")
        if eq and value and _secret_name(name):
            out.append(f"{name}=REDACTED")
            hiding = True
        elif (not eq and hiding) or (not eq and _secret_name(piece) and "=" in _unquote(piece)):
            out.append("REDACTED")
        else:
            out.append(piece)
            hiding = False
    return out


def _unquote(text: str) -> str:
    for _ in range(3):  # %2574oken is %74oken is token, to a server that decodes twice
        decoded = urllib.parse.unquote(text)
        if decoded == text:
            break
        text = decoded
    return text


def _secret_name(name: str) -> bool:
    return _SECRET_PARAM.search(_unquote(name)) is not None


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched, or None. The words quote no part of the URL: httpx's
    own message would ("Invalid port: 'S3C'", a piece of a password holding a ``/``)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as error:
        detail = str(error)
        if detail.startswith("Invalid port"):
            problem = "its port is not a number from 1 to 65535"
        elif detail.startswith(("Invalid IPv4", "Invalid IPv6", "Invalid IDNA")):
            problem = "its host name is not valid"
        elif "non-printable" in detail:
            problem = "it holds a control character"
        elif "too long" in detail:
            problem = "it is too long"
        else:
            problem = "it cannot be read as a URL"
        if "@" in url.partition("://")[2]:
            problem += "; in a user name or password, write / ? # @ as %2F %3F %23 %40"
        return problem
    port = parsed.port
    if port is not None and not 0 < port < 65536:
        # The number may be a piece of a password ("user:99999/x@host"): shown only
        # when the URL has no user part at all.
        shown = f"{port} " if "@" not in url else ""
        return f"its port {shown}is out of range (1 to 65535)"
    if not parsed.host:
        return "it names no host"
    return None


def origin_of(url: httpx.URL) -> tuple[str, str, int]:
    """scheme, host and port: a bearer token goes only where all three match the feed's."""
    scheme = url.scheme.lower()
    port = url.port or {"http": 80, "https": 443}.get(scheme, 0)
    return scheme, url.host.lower(), port


def feed_name_from(url: str) -> str:
    """A feed name for a ``--feed URL``: its host, cleaned to the characters names allow."""
    try:
        host = httpx.URL(url).host
    except (httpx.InvalidURL, ValueError):
        host = ""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", host.lower()).strip("-._")[:60]
    return name or "feed"


def feeds_from(config: Config, urls: Iterable[str] = ()) -> list[FeedConfig]:
    """The configured feeds, then each ``--feed URL`` not already configured, named from
    its host and made unique (``example.org``, ``example.org-2``)."""
    feeds = list(config.feeds)
    names = {feed.name for feed in feeds}
    known = {feed.url for feed in feeds}
    for url in urls:
        if not is_web_url(url):
            raise FaultlineError(f"--feed {redact_url(url)}: is not an http or https URL")
        problem = url_problem(url)
        if problem is not None:
            raise FaultlineError(f"--feed {redact_url(url)}: is not a usable URL: {problem}")
        if url in known:
            continue
        base = name = feed_name_from(url)
        number = 2
        while name in names:
            name = f"{base}-{number}"
            number += 1
        names.add(name)
        known.add(url)
        feeds.append(FeedConfig(name=name, url=url))
    return feeds


def scrub(feed: FeedConfig, text: str) -> str:
    """Text fit for people: the feed's token (should a server echo it) and control
    characters removed.

    Every occurrence of the token goes, whatever its length and in any letter case (a
    message may lower-case what it quotes), after format characters (U+200B, U+202E …)
    are removed: one inserted into an echoed token must not split it, only to be removed
    afterwards. A token of a few characters takes those characters out of the whole
    message: unreadable, but a token is never shown."""
    token = os.environ.get(feed.token_env) if feed.token_env else None
    secret = token.strip() if token else ""
    if secret:
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
        mask = "***" if "*" not in secret else "\u2022\u2022\u2022"  # never holds the token
        text = re.sub(re.escape(secret), mask, text, flags=re.IGNORECASE)
    return sanitise(text)[0]


def proxy_problem() -> str | None:
    """What is wrong with the proxy variables (``HTTPS_PROXY`` …) httpx will use, naming
    the variable and never its password; or None."""
    proxies = urllib.request.getproxies()
    if "*" in (host.strip() for host in proxies.get("no", "").split(",")):
        return None  # NO_PROXY=*: httpx uses no proxy at all
    for scheme in ("http", "https", "all"):
        value = proxies.get(scheme)
        if not value:
            continue
        names = (f"{scheme}_proxy", f"{scheme.upper()}_PROXY")
        name = next(
            (v for v in names if os.environ.get(v) == value), f"the system's {scheme} proxy setting"
        )
        url = value if "://" in value else f"http://{value}"
        shown = f"{name} ({redact_url(url)})"
        kind = url.partition("://")[0].strip().lower()
        if kind in ("socks5", "socks5h"):
            if find_spec("socksio") is None:
                return (
                    f"{shown} names a SOCKS proxy, which this installation cannot use (the "
                    "socksio package is not installed: pip install 'httpx[socks]'); "
                    "or name an http:// proxy"
                )
        elif kind not in ("http", "https"):
            return f"{shown} is not an http, https or socks5 proxy URL"
        problem = url_problem(url)
        if problem is not None:
            return f"{shown} is not a usable proxy URL: {problem}"
    return None

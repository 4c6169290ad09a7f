"""Why a fetch failed, in words for people: ``FetchError``, the messages for transport
failures and HTTP statuses, and a server's ``Retry-After``. No message quotes a header
value, a token or a password; the bottom of the feeds package, it imports none of it.
"""

from __future__ import annotations

import datetime as _dt
import email.utils
import re
import socket
import ssl

import httpx

from ..config import FeedConfig
from ..dates import local_time
from ..problems import Problem
from ..text import sanitise

MAX_RETRY_AFTER = 86_400.0  # a server cannot shut a feed off for longer than a day
CONNECT_SHARE = 0.5  # connecting may use at most this share of the deadline (and 10 s)


class FetchError(Exception):
    """One fetch failed; ``reason`` says why, for people."""

    def __init__(
        self,
        reason: str,
        *,
        retry_at: float | None = None,
        http_status: int | None = None,
        problems: tuple[Problem, ...] = (),
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_at = retry_at
        self.http_status = http_status
        self.problems = problems


def size_text(count: int) -> str:
    """``950 bytes``, ``5.1 kB``, ``50 MB``: decimal units, as max_size is written."""
    if count < 1000:
        return f"{count} bytes"
    value, unit = (count / 1000, "kB") if count < 1_000_000 else (count / 1_000_000, "MB")
    return f"{value:.1f}".rstrip("0").rstrip(".") + " " + unit


def parse_retry_after(value: str | None, now: float) -> float | None:
    """When a server's Retry-After (delta-seconds or HTTP-date) allows the next try."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]+", value):  # ASCII digits: "²".isdigit() holds, float("²") fails
        return now + min(float(value), MAX_RETRY_AFTER)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.UTC)
    return min(max(moment.timestamp(), now), now + MAX_RETRY_AFTER)


def _root(error: BaseException) -> BaseException | None:
    seen: set[int] = set()
    current: BaseException | None = error
    last = None
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        last = current
        current = current.__cause__ or current.__context__
    return last if last is not error else None


def clean(value: object, limit: int = 200) -> str:
    text = sanitise(str(value))[0].replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def library_words(error: BaseException) -> str:
    """What an HTTP library says went wrong, without what it quotes: h11 writes "illegal
    header line: bytearray(b'…')" and a proxy's reason follows its status, so only the
    words before the first colon are kept (a header value, a piece of a URL or an echoed
    secret comes after one)."""
    return clean(str(error).split(":", 1)[0].strip().rstrip("."), 100) or type(error).__name__


def transport_reason(feed: FeedConfig, error: httpx.HTTPError) -> str:
    connect = min(feed.timeout * CONNECT_SHARE, 10.0)
    if isinstance(error, httpx.ConnectTimeout):
        return f"could not connect within {connect:g} s (the server did not answer)"
    if isinstance(error, httpx.PoolTimeout):
        return "too many fetches at once: no connection became free in time"
    if isinstance(error, httpx.ReadTimeout):
        return f"the server stopped sending for {feed.timeout:g} s"
    if isinstance(error, httpx.TimeoutException):
        return f"the connection timed out ({type(error).__name__})"
    if isinstance(error, httpx.ProxyError):
        return f"the proxy failed ({library_words(error)})"
    if isinstance(error, httpx.UnsupportedProtocol):
        return "the address cannot be used: only http and https addresses are fetched"
    if isinstance(error, httpx.LocalProtocolError):
        # h11 quotes the header it refused ("Illegal header value b'Bearer …'"): never shown.
        return "the request could not be sent: the HTTP library refused one of its headers"
    cause = _root(error)
    if isinstance(cause, ssl.SSLCertVerificationError):
        detail = clean(cause.verify_message or cause)
        return (
            f"the server's TLS certificate was not accepted ({detail}); nothing was fetched. "
            "Verification is never turned off: for a private CA, point SSL_CERT_FILE at it"
        )
    if isinstance(cause, ssl.SSLError):
        return f"the secure (TLS) connection failed: {clean(cause)}"
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused: nothing is listening there (is the server up?)"
    if isinstance(cause, socket.gaierror):
        return "the host name could not be found"
    if isinstance(cause, ConnectionResetError):
        return "the server reset the connection"
    if isinstance(error, httpx.ConnectError):
        return f"could not connect: {clean(cause or error)}"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"the server broke the HTTP protocol ({library_words(error)})"
    return f"the connection failed: {clean(cause or error)}"


def status_error(feed: FeedConfig, response: httpx.Response, now: float) -> FetchError:
    """The error for a status other than 200, 203 and 304: what it means for this feed,
    and when a 429 or 503's Retry-After allows the next try."""
    status = response.status_code
    phrase = httpx.codes.get_reason_phrase(status) or "unknown status"
    code = f"{status} {phrase}"
    retry_at = None
    if status in (429, 503):
        retry_at = parse_retry_after(response.headers.get("retry-after"), now)
    if status == 401:
        hint = (
            f"check the token in {feed.token_env}" if feed.token_env
            else "this feed needs a token: set token_env in the configuration"
        )  # fmt: skip
        reason = f"the server refused the request as unauthorised ({code}): {hint}"
    elif status == 403:
        reason = f"the server denied access ({code})"
    elif status in (404, 410):
        reason = f"there is no feed at this address ({code}): check the URL"
    elif status == 429:
        reason = f"the server says there were too many requests ({code})"
    elif status >= 500:
        reason = f"the server failed ({code})"
    else:
        reason = f"the server answered {code}, not a document"
    if retry_at is not None:
        reason += f" and asked to wait until {local_time(retry_at)}"
    elif status in (429, 503) and response.headers.get("retry-after", "").strip():
        reason += "; its Retry-After could not be read, so the usual wait applies"
    return FetchError(reason, retry_at=retry_at, http_status=status)


def wrong_type(content_type: str | None) -> str:
    if not content_type:
        return (
            "the server did not say what it sent (no Content-Type) and the URL does not end "
            "in .json or .toml"
        )
    kind = clean(content_type.split(";", 1)[0].strip().lower(), 60)
    if kind in ("text/html", "application/xhtml+xml"):
        return (
            f"the server sent a web page ({kind}), not a faultline/1 document: "
            "perhaps a login page, or the URL is wrong"
        )
    return f"the server sent {kind}, not a JSON or TOML document"

"""A real HTTP server on 127.0.0.1 for feed tests, configured per path by each test.

Timeouts, drips, truncation and refused connections only happen on a real socket, so
the feed tests run against this rather than (only) a mock transport. A route answers
with a ``Reply``, a list of replies (served in turn, the last one repeated), a
function of the request, or a ``Raw`` handler that writes whatever bytes it likes to
the socket (a truncated body, a drip, silence). Nothing here contacts any address
but 127.0.0.1.

    with FeedServer() as server:
        server.route("/feed.json", json_reply(document, etag='"v1"'))
        url = server.url("/feed.json")
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self


@dataclass
class Reply:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    content_length: bool = True  # send Content-Length (the length of ``body``)


@dataclass
class Raw:
    """Write the whole response yourself: ``write(handler, stop)``; ``stop`` is set on shutdown."""

    write: Callable[[BaseHTTPRequestHandler, threading.Event], None]


@dataclass(frozen=True)
class Seen:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    client_port: int

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


Handler = Reply | Raw | list | Callable[[Seen], Reply | Raw]


def json_reply(
    document: dict,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    content_type: str = "application/json",
    headers: list[tuple[str, str]] | None = None,
    status: int = 200,
) -> Reply:
    extra = list(headers or [])
    if etag:
        extra.append(("ETag", etag))
    if last_modified:
        extra.append(("Last-Modified", last_modified))
    return Reply(status, [("Content-Type", content_type), *extra], json.dumps(document).encode())


def conditional(
    body: bytes,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    content_type: str = "application/json",
    not_modified_headers: list[tuple[str, str]] | None = None,
) -> Callable[[Seen], Reply]:
    """A route that answers 304 when the request's validators match, else 200 with ``body``."""

    def answer(request: Seen) -> Reply:
        inm, ims = request.header("if-none-match"), request.header("if-modified-since")
        if (etag and inm == etag) or (not inm and last_modified and ims == last_modified):
            headers = list(not_modified_headers or [])
            if not not_modified_headers:
                headers += [("ETag", etag)] if etag else []
                headers += [("Last-Modified", last_modified)] if last_modified else []
            return Reply(304, headers, b"", content_length=False)
        headers = [("Content-Type", content_type)]
        headers += [("ETag", etag)] if etag else []
        headers += [("Last-Modified", last_modified)] if last_modified else []
        return Reply(200, headers, body)

    return answer


def gzipped(data: bytes, times: int = 1) -> bytes:
    for _ in range(times):
        data = gzip.compress(data, compresslevel=9)
    return data


# -- raw behaviours -------------------------------------------------------------------------


def truncated(body: bytes, claimed: int, content_type: str = "application/json") -> Raw:
    """Promise ``claimed`` bytes, send ``body``, then close the connection."""

    def write(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {claimed}\r\nConnection: close\r\n\r\n"
        )
        handler.wfile.write(head.encode() + body)
        handler.wfile.flush()
        handler.close_connection = True

    return Raw(write)


def drip(every: float = 0.05, content_type: str = "application/json") -> Raw:
    """Send headers at once, then one byte of body every ``every`` seconds until shutdown:
    each read is quick, so only an overall deadline ends it."""

    def write(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: 100000\r\n\r\n"
        try:
            handler.wfile.write(head.encode() + b"{")
            handler.wfile.flush()
            while not stop.wait(every):
                handler.wfile.write(b" ")
                handler.wfile.flush()
        except OSError:
            pass  # the client gave up, as it should
        handler.close_connection = True

    return Raw(write)


def silent() -> Raw:
    """Accept the request and never answer."""

    def write(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        stop.wait()
        handler.close_connection = True

    return Raw(write)


# -- the server -----------------------------------------------------------------------------


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that give up mid-request are what these tests are about


class FeedServer:
    """A threaded HTTP/1.1 server on 127.0.0.1:<free port>; per-path behaviour set by tests.

    ``tls=(certfile, keyfile)`` serves HTTPS instead. Routes are matched on the request
    target exactly as sent (``/feed.json``, or ``http://feed.test/feed.json`` when the
    server is used as a proxy), falling back to the path without its query string.
    """

    def __init__(self, tls: tuple[Path, Path] | None = None) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Seen] = []
        self.connections = 0
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._open: set[socket.socket] = set()
        owner = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                with owner._lock:
                    owner.connections += 1
                    owner._open.add(self.connection)

            def finish(self) -> None:
                with owner._lock:
                    owner._open.discard(self.connection)
                with contextlib.suppress(OSError):
                    super().finish()

            def log_message(self, format: str, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                owner._handle(self)

            do_HEAD = do_GET  # noqa: N815 - the name http.server dispatches to

        self._server = _QuietServer(("127.0.0.1", 0), RequestHandler)
        self._server.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self._server.socket = context.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False
            )
            self.scheme = "https"
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True
        )

    # -- configuration --------------------------------------------------------------------

    def route(self, path: str, *handlers: Handler) -> None:
        """Answer ``path`` with these handlers in turn (the last one repeats)."""
        with self._lock:
            self.routes[path] = list(handlers) if len(handlers) != 1 else handlers[0]
            self._served[path] = 0

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def requests_for(self, path: str) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Bounded polling: return once ``predicate()`` holds, fail after ``timeout``."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("condition not reached before the deadline")
            time.sleep(0.005)

    # -- life -----------------------------------------------------------------------------

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and drop every open connection (kept-alive ones too)."""
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            open_now = list(self._open)
        for connection in open_now:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- serving --------------------------------------------------------------------------

    def _pick(self, target: str) -> Handler | None:
        with self._lock:
            key = target if target in self.routes else target.split("?", 1)[0]
            handler = self.routes.get(key)
            if isinstance(handler, list):
                index = min(self._served[key], len(handler) - 1)
                self._served[key] += 1
                handler = handler[index]
            return handler

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        seen = Seen(
            handler.command,
            handler.path,
            {k.lower(): v for k, v in handler.headers.items()},
            handler.client_address[1],
        )
        with self._lock:
            self.requests.append(seen)
        answer = self._pick(handler.path)
        if answer is None:
            answer = Reply(404, [("Content-Type", "text/plain")], b"no such route\n")
        elif callable(answer) and not isinstance(answer, (Reply, Raw)):
            answer = answer(seen)
        if isinstance(answer, Raw):
            answer.write(handler, self._stop)
            return
        try:
            handler.send_response(answer.status)
            for name, value in answer.headers:
                handler.send_header(name, value)
            if answer.content_length and answer.status not in (204, 304):
                handler.send_header("Content-Length", str(len(answer.body)))
            handler.end_headers()
            if handler.command != "HEAD" and answer.status not in (204, 304):
                handler.wfile.write(answer.body)
            handler.wfile.flush()
        except OSError:
            handler.close_connection = True


@contextlib.contextmanager
def backlogged_port(limit: int = 16) -> Iterator[int]:
    """A loopback port whose listen backlog is full, so a new connection hangs in SYN-SENT:
    a connect timeout without leaving 127.0.0.1."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers: list[socket.socket] = []
    try:
        for _ in range(limit):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.settimeout(0.1)
            fillers.append(filler)
            try:
                filler.connect(("127.0.0.1", port))
            except (TimeoutError, BlockingIOError, OSError):
                break  # the queue is full: the next connection will hang too
        else:
            raise RuntimeError("could not fill the listen backlog")
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def closed_port() -> int:
    """A loopback port with nothing listening (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed_cert(directory: Path, host: str = "127.0.0.1") -> tuple[Path, Path] | None:
    """A self-signed certificate for ``host`` made with the openssl command, or None."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    try:
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", f"/CN={host}", "-addext", f"subjectAltName=IP:{host}",
                "-keyout", str(key), "-out", str(cert),
            ],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return cert, key

"""Bounded decompression: a body is inflated here, a step at a time, and refused once it
would exceed the feed's limit (httpx would inflate a gzip bomb without limit).
"""

from __future__ import annotations

import zlib
from typing import Any

from ..text import sanitise
from .errors import FetchError

INFLATE_STEP = 1 << 20  # at most this much output per zlib call: memory stays near max_size


def content_coding(header: str | None) -> str:
    """The one content coding of a body: identity, gzip or deflate. Stacked codings
    (``gzip, gzip``) are refused: each layer multiplies what a small body can become."""
    codings = [c.strip().lower() for c in (header or "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if len(codings) > 1:
        raise FetchError(
            "the server compressed the body more than once "
            f"({sanitise(', '.join(codings))[0][:80]}); "
            "refused, as a stacked compression is how small downloads become huge"
        )
    if not codings:
        return "identity"
    coding = {"gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate"}.get(codings[0])
    if coding is None:
        raise FetchError(
            f"the server used a compression Faultline does not read "
            f"({sanitise(codings[0])[0][:40]!r}; it asked for gzip or deflate)"
        )
    return coding


class TooLarge(Exception):
    """The decoded body would be larger than the feed's limit."""


class BoundedDecoder:
    """Decodes a body chunk by chunk and refuses to produce more than ``limit`` bytes.

    zlib is asked for at most the room left, a step at a time (``max_length``), so a
    bomb never expands beyond the limit in memory, however small its input.
    ``finish`` returns the bytearray itself (bytes-like) rather than a copy.
    """

    def __init__(self, coding: str, limit: int) -> None:
        self.coding = coding
        self.limit = limit
        self.out = bytearray()
        self._inflater: Any = None
        self._head = b""  # deflate: the first bytes, to tell zlib-wrapped from raw
        self._ended = False  # the current compressed stream reached its end
        if coding == "gzip":
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def _append(self, data: bytes) -> None:
        if len(self.out) + len(data) > self.limit:
            raise TooLarge()
        self.out += data

    def write(self, data: bytes) -> None:
        if self.coding == "identity":
            self._append(data)
            return
        if self._inflater is None:  # deflate, still deciding
            self._head += data
            if len(self._head) < 2:
                return
            cmf, flg = self._head[0], self._head[1]
            wrapped = cmf & 0x0F == 8 and (cmf * 256 + flg) % 31 == 0
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
            data, self._head = self._head, b""
        self._inflate(data)

    def _inflate(self, data: bytes) -> None:
        pending = data
        try:
            while pending:
                if self._ended:
                    if self.coding == "gzip" and pending[:2] == b"\x1f\x8b":  # another member
                        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                        self._ended = False
                    else:
                        raise FetchError("the compressed body has data after its end")
                room = min(self.limit - len(self.out) + 1, INFLATE_STEP)
                self._append(self._inflater.decompress(pending, room))
                pending = self._inflater.unconsumed_tail
                if self._inflater.eof:
                    self._ended = True
                    pending = self._inflater.unused_data + pending
        except zlib.error as error:
            raise FetchError(f"the compressed body ({self.coding}) is damaged: {error}") from None

    def finish(self) -> bytes:
        if self.coding != "identity":
            if self._inflater is None:
                raise FetchError(f"the compressed body ({self.coding}) ends too early")
            try:
                while not self._ended:  # drain output zlib held back for lack of room
                    room = min(self.limit - len(self.out) + 1, INFLATE_STEP)
                    piece = self._inflater.decompress(self._inflater.unconsumed_tail, room)
                    if not piece:
                        break
                    self._append(piece)
                    self._ended = self._inflater.eof
            except zlib.error as error:
                raise FetchError(
                    f"the compressed body ({self.coding}) is damaged: {error}"
                ) from None
            if not self._ended:
                raise FetchError(
                    f"the compressed body ({self.coding}) ends too early: it was cut off"
                )
        return self.out  # type: ignore[return-value]  # bytes-like; a copy would double the peak

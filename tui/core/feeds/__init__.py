"""Feeds: faultline/1 documents fetched over HTTP(S), offline-first, never losing data.

The package's interface is what callers use; the modules below it, from the bottom up:
``errors`` (why a fetch failed, in words), ``urls`` (feed addresses, redaction, the feed
list), ``decoders`` (bounded decompression), ``cache`` (the last good copies on disk),
``state`` (where each feed stands, what a refresh did) and ``client`` (the fetching).
Each imports only those before it. Importing the package imports httpx: import it only
when feeds are configured (start-up speed).
"""

from __future__ import annotations

from .client import (
    FeedCache,
    FeedClient,
    FeedState,
    FeedStatus,
    FetchOutcome,
    feeds_from,
    fetch_all,
    redact_url,
    when,
)

__all__ = [
    "FeedCache",
    "FeedClient",
    "FeedState",
    "FeedStatus",
    "FetchOutcome",
    "feeds_from",
    "fetch_all",
    "redact_url",
    "when",
]

"""Feeds: faultline/1 documents fetched over HTTP(S), offline-first, never losing data.

What callers use is re-exported here. The modules, from the bottom up, each importing
only those before it: ``errors`` (why a fetch failed, in words for people), ``urls``
(feed addresses, the feed list, redaction), ``decoders`` (bounded decompression),
``cache`` (the last good copies on disk), ``state`` (where each feed stands, what a
refresh did) and ``client`` (the fetching). Importing the package imports httpx, so the
CLI and the dashboard import it only when feeds are configured (start-up speed).
"""

from __future__ import annotations

from .cache import FeedCache
from .client import FeedClient, download, fetch_all
from .state import FeedState, FeedStatus, FetchOutcome
from .urls import feeds_from, redact_url

__all__ = [
    "FeedCache",
    "FeedClient",
    "FeedState",
    "FeedStatus",
    "FetchOutcome",
    "download",
    "feeds_from",
    "fetch_all",
    "redact_url",
]

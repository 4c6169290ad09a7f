"""Where each feed stands (``FeedState``, read by the dashboard), what one refresh did
(``FetchOutcome``, for the feeds screen and ``faultline fetch``), and how long a feed
waits after failures.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from ..changes import Changes
from ..config import FeedConfig
from ..dates import local_time
from ..merge import Layer
from ..model import Kind
from ..problems import Problem
from .cache import CopyInfo
from .urls import redact_url, scrub

BACKOFF_CAP = 6 * 3600.0  # repeated failures wait at most this long (or the interval)


class FeedStatus(str, enum.Enum):  # noqa: UP042 - StrEnum would change str() of a member
    """Where a feed stands, as the feeds screen shows it."""

    PENDING = "pending"  # not fetched yet this session, and no cached copy
    CACHED = "cached"  # showing the cached copy; not refreshed yet (or offline)
    FRESH = "fresh"  # the last fetch brought new content
    UNCHANGED = "unchanged"  # the last fetch confirmed the copy in use (304 or same content)
    STALE = "stale"  # the last fetch failed; the previous copy is kept in use
    FAILED = "failed"  # the last fetch failed and there is no copy at all


@dataclass(frozen=True)
class FetchOutcome:
    """What one refresh of one feed did, for the feeds screen and ``faultline fetch``."""

    feed: FeedConfig
    status: FeedStatus
    reason: str  # what happened, for people; names no secret
    layer: Layer | None  # the layer to use now: the new copy, or the one kept
    copy_fetched_at: float | None = None  # when the copy in use was downloaded
    changes: Changes | None = None  # what the new copy changed against the previous one
    problems: tuple[Problem, ...] = ()  # why a downloaded document was rejected
    next_attempt_at: float | None = None
    http_status: int | None = None
    contacted: bool = False  # whether the network was used
    cache_error: str | None = None  # the new copy is in use but could not be saved
    saved_copy_at: float | None = None  # with cache_error: the copy the next start has, if any

    @property
    def failed(self) -> bool:
        """True when the feed is not as fresh as asked: ``fetch`` exits non-zero."""
        return self.status in (FeedStatus.STALE, FeedStatus.FAILED) or self.cache_error is not None

    @property
    def url(self) -> str:
        return redact_url(self.feed.url)

    @property
    def headline(self) -> str:
        """The one-line summary: the feed, its URL, what happened and what happens now."""
        return self.lines()[0]

    def lines(self, *, details: bool = False, limit: int = 50) -> list[str]:
        """The headline, then one indented line per problem and, with ``details``, per
        change. One message is one line: a newline inside one is shown as ``\\n``."""
        text = f"{self.feed.name} ({self.url}): {self.reason}"
        if self.status is FeedStatus.STALE:
            text += f"; kept the copy from {local_time(self.copy_fetched_at)}"
        elif self.status is FeedStatus.FAILED:
            text += "; no earlier copy, so this feed is left out"
        if self.cache_error:
            later = (
                f"so the next start uses the copy from {local_time(self.saved_copy_at)}"
                if self.saved_copy_at is not None
                else "so the next start has no copy of this feed unless a later fetch is saved"
            )
            text += f"; but the new copy could not be saved ({self.cache_error}), {later}"
        lines = [text]
        lines += ["  " + str(p) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  … and {len(self.problems) - limit} more problems")
        if details and self.changes:
            lines += ["  " + line for line in self.changes.lines(limit)]
        return [scrub(self.feed, line).replace("\n", "\\n") for line in lines]

    def describe(self, *, details: bool = False, limit: int = 50) -> str:
        """``lines()`` joined with newlines."""
        return "\n".join(self.lines(details=details, limit=limit))


@dataclass
class FeedState:
    """The live state of one feed, owned by its ``FeedClient`` and read by the UI."""

    feed: FeedConfig
    status: FeedStatus = FeedStatus.PENDING
    reason: str = "not fetched yet"
    layer: Layer | None = None  # the copy in use
    copy: CopyInfo | None = None  # the copy on disk whose validators are sent
    last_success_at: float | None = None  # when a server last confirmed the copy (200/304)
    last_attempt_at: float | None = None
    next_attempt_at: float | None = None
    failures: int = 0  # consecutive failed attempts
    retry_at: float | None = None  # a server's Retry-After, honoured even on a manual refresh
    fetching: bool = False
    problems: tuple[Problem, ...] = ()
    changes: Changes | None = None  # from the last refresh that changed something
    last_outcome: FetchOutcome | None = None
    copy_fetched_at: float | None = None  # when the body behind ``layer`` was downloaded
    layer_sha: str | None = field(default=None, repr=False)  # the body behind ``layer``

    @property
    def name(self) -> str:
        return self.feed.name

    @property
    def url(self) -> str:
        return redact_url(self.feed.url)

    @property
    def counts(self) -> dict[str, int]:
        """Entities in the copy in use, by kind (``{"actors": 12, ...}``)."""
        counts = dict.fromkeys((k.value for k in Kind), 0)
        for document in self.layer.documents if self.layer else ():
            for kind in Kind:
                counts[kind.value] += len(document.entities(kind))
        return counts


def backoff(feed: FeedConfig, failures: int) -> float:
    """The wait after ``failures`` failures in a row: the interval, doubling, capped."""
    if failures <= 1:
        return feed.interval
    # Capped before computing: 2 ** 1024 is beyond a float, and 64 doublings of the
    # shortest interval are already far beyond any cap.
    doublings = min(failures - 1, 64)
    return min(feed.interval * 2.0**doublings, max(feed.interval, BACKOFF_CAP))

"""The feeds screen (``f``): each feed's state and why, when it last worked, when it was
last tried and will next be, and what its copy holds; and the status line's summary.

Everything shown comes from the app's ``FeedClient`` states; URLs are the redacted ones
and every cell is a ``Text``/``Content``, never markup (a reason may quote a server).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ..core.dates import local_time
from ..core.feeds import FeedState, FeedStatus
from ..core.text import counted
from . import keys
from .legend import ROLE_STYLE, rich_role_style

MUTED = "$foreground-muted"
# Most worrying first in the status line.
_ORDER = (
    FeedStatus.FAILED,
    FeedStatus.STALE,
    FeedStatus.FRESH,
    FeedStatus.UNCHANGED,
    FeedStatus.CACHED,
    FeedStatus.PENDING,
)
# Each state's role (legend.ROLE_STYLE); a failed feed is bold as well.
STATUS_ROLE = {
    FeedStatus.FRESH: "good",
    FeedStatus.UNCHANGED: "",
    FeedStatus.CACHED: "dim",
    FeedStatus.PENDING: "dim",
    FeedStatus.STALE: "warn",
    FeedStatus.FAILED: "bad",
}


def status_style(status: FeedStatus) -> str:
    """How a feed's state is written in the feed's description (Content)."""
    style = ROLE_STYLE[STATUS_ROLE[status]]
    return f"bold {style}" if status is FeedStatus.FAILED or not style else style


COLUMNS = ("feed", "state", "reason", "success", "attempt", "next", "entities")
HEADINGS = ("Feed", "State", "Reason", "Last success", "Last attempt", "Next attempt", "Entities")
HOW_TO_ADD = (
    "No feeds are configured.\n\n"
    "A feed is a faultline/1 document (JSON or TOML) served over HTTP(S), layered after "
    "your local data. Add one to {where}:\n\n"
    "    [[feeds]]\n"
    '    name = "team"\n'
    '    url = "https://intel.example.org/dossier.json"\n'
    "    interval = 900   # seconds between automatic refreshes\n\n"
    "or start Faultline with --feed URL. config.toml in the repository documents every key."
)


def short_reason(state: FeedState) -> str:
    """A few words for the status line: ``HTTP 500``, ``connection refused``."""
    outcome = state.last_outcome
    status = outcome.http_status if outcome is not None else None
    if status is not None and status >= 400:
        return f"HTTP {status}"
    reason = state.reason
    for stop in (" (", ";", ":", ","):
        reason = reason.split(stop, 1)[0]
    reason = reason.strip() or state.status.value
    return reason if len(reason) <= 32 else reason[:31] + "…"


def feed_summary(
    states: Sequence[FeedState], *, offline: bool, fetching: Collection[str] = ()
) -> str:
    """The status line's words about feeds, such as
    ``2 feeds: 1 fresh, 1 stale (HTTP 500) · next 12:30``."""
    if not states:
        return ""
    busy = [s for s in states if s.fetching or s.name in fetching]
    # A feed being refreshed is counted as that alone, not also by its last state.
    idle = [s for s in states if not (s.fetching or s.name in fetching)]
    counts = Counter(s.status for s in idle)
    parts: list[str] = []
    if busy:
        parts.append("refreshing" if not idle else f"{len(busy)} refreshing")
    for status in _ORDER:
        n = counts.get(status, 0)
        if not n:
            continue
        text = f"{n} {status.value}"
        if status in (FeedStatus.STALE, FeedStatus.FAILED):
            reasons = list(dict.fromkeys(short_reason(s) for s in idle if s.status is status))
            text += " (" + ", ".join(reasons[:2]) + (", …" if len(reasons) > 2 else "") + ")"
        parts.append(text)
    text = f"{counted(len(states), 'feed')}: " + ", ".join(parts)
    if offline:
        return text + " · offline"
    upcoming = [s.next_attempt_at for s in states if s.next_attempt_at is not None]
    if upcoming and not busy:
        text += f" · next {local_time(min(upcoming), short=True)}"
    return text + " · f feeds"


def counts_text(state: FeedState) -> str:
    if state.layer is None:
        return "no copy"
    words = [counted(n, kind.removesuffix("s")) for kind, n in state.counts.items() if n]
    return ", ".join(words) or "no entities"


class FeedsScreen(Screen[None]):
    """A table of every feed; below it, the whole story of the one under the cursor."""

    BINDINGS = keys.FEEDS_SCREEN

    def __init__(
        self,
        states: Sequence[FeedState],
        *,
        offline: bool,
        config_path: Path | None = None,
    ) -> None:
        super().__init__(id="feeds-screen")
        self.states = list(states)
        self.offline = offline
        self.config_path = config_path
        self.fetching: Collection[str] = ()

    def compose(self) -> ComposeResult:
        yield Static(id="feeds-title", markup=False)
        if self.states:
            table: DataTable[Text] = DataTable(id="feeds", cursor_type="row", zebra_stripes=False)
            yield table
            yield Static(id="feed-detail", markup=False)
        else:
            where = str(self.config_path) if self.config_path else "config.toml"
            yield Static(Content(HOW_TO_ADD.format(where=where)), id="feeds-empty", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.states:
            table = self.query_one("#feeds", DataTable)
            table.border_title = "Feeds"
            for key, heading in zip(COLUMNS, HEADINGS, strict=True):
                table.add_column(heading, key=key)
            for state in self.states:
                table.add_row(*self._cells(state), key=state.name)
            table.focus()
        self.update_feeds()

    def update_feeds(self, fetching: Collection[str] = ()) -> None:
        """Redraw from the states (the app calls this whenever a feed's state changes)."""
        self.fetching = fetching
        title: list[tuple[str, str]] = [("Feeds", "bold $text-accent")]
        if self.states:
            summary = feed_summary(self.states, offline=self.offline, fetching=fetching)
            title.append(("   " + summary.removesuffix(" · f feeds"), MUTED))
        if self.offline:
            title.append(("   offline (--offline): nothing is fetched", "$text-warning"))
        self.query_one("#feeds-title", Static).update(Content.assemble(*title))
        if not self.states:
            return
        table = self.query_one("#feeds", DataTable)
        for state in self.states:
            for key, cell in zip(COLUMNS, self._cells(state), strict=True):
                table.update_cell(state.name, key, cell, update_width=True)
        self._describe()

    def _rich_style(self, status: FeedStatus) -> str:
        """The state's style in the table (a DataTable draws Rich text: no theme variables)."""
        style = rich_role_style(STATUS_ROLE[status], self.app.get_css_variables())
        return f"bold {style}" if status is FeedStatus.FAILED else style

    def _cells(self, state: FeedState) -> list[Text]:
        busy = state.fetching or state.name in self.fetching
        status = (
            Text("refreshing…", style="bold")
            if busy
            else Text(state.status.value, style=self._rich_style(state.status))
        )
        reason = state.reason if len(state.reason) <= 60 else state.reason[:59] + "…"
        return [
            Text(state.name, style="bold"),
            status,
            Text(reason),
            Text(local_time(state.last_success_at, short=True)),
            Text(local_time(state.last_attempt_at, short=True)),
            Text("—" if self.offline else local_time(state.next_attempt_at, short=True)),
            Text(counts_text(state)),
        ]

    def on_data_table_row_highlighted(self, message: DataTable.RowHighlighted) -> None:
        self._describe()

    def _describe(self) -> None:
        table = self.query_one("#feeds", DataTable)
        row = table.cursor_row
        if not 0 <= row < len(self.states):
            return
        state = self.states[row]
        lines: list[Content] = [
            Content.assemble((state.name, "bold $text-accent"), ("  " + state.url, MUTED)),
            Content.assemble(
                (state.status.value, status_style(state.status)),
                ": ",
                state.reason,
            ),
        ]
        outcome = state.last_outcome
        if outcome is not None:
            # The headline and its problems, as `faultline fetch` prints them.
            lines += [Content(line) for line in outcome.lines(limit=20)[1:]]
        if state.failures:
            lines.append(
                Content.styled(
                    f"{counted(state.failures, 'failed attempt')} in a row;"
                    " the next waits longer (backoff)",
                    MUTED,
                )
            )
        copy = (
            f"copy in use: downloaded {local_time(state.copy_fetched_at)}, {counts_text(state)}"
            if state.layer is not None
            else "no copy in use"
        )
        lines.append(Content.styled(copy, MUTED))
        next_attempt = "never (offline)" if self.offline else local_time(state.next_attempt_at)
        lines.append(
            Content.styled(
                f"last success {local_time(state.last_success_at)} · last attempt "
                f"{local_time(state.last_attempt_at)} · next attempt {next_attempt}",
                MUTED,
            )
        )
        detail = self.query_one("#feed-detail", Static)
        detail.update(Content("\n").join(lines))
        detail.border_title = state.name

    def action_close(self) -> None:
        self.dismiss(None)

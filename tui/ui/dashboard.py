"""The dashboard screen: actors, disagreements and timeline panes linked to a detail pane.

Browsing state is two things: a trail of focused references (the breadcrumb; the top
one narrows the other panes to what relates to it) and a filter query (narrows every
pane). Both only change which row numbers each pane shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from textual import events, on
from textual.app import ComposeResult
from textual.cache import LRUCache
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from ..core.activity import Activity
from ..core.browse import PANES, Arranged, Ref, TimelineRows
from ..core.changes import CHANGED_MARK, NEW_MARK, UnseenChanges
from ..core.model import Kind
from ..core.notes import NOTE_KINDS, View
from ..core.period import Period
from ..core.search import SearchIndex, SearchStopped, terms
from ..core.text import counted
from ..core.watch import kept_text
from . import keys
from .activity import ActivityStrip
from .actors import ActorsPane
from .detail import DetailPane
from .disagreements import DisagreementsPane
from .glyphs import drawn
from .movement import travel_refusal
from .pane import EntityPane
from .rowlist import RowList
from .timeline import TimelinePane
from .watching import ALERT_MARK, SaveView, TogglePin, WriteNote
from .widgets import Breadcrumb, Tabs

# A pane's name: its Kind for the three lists (their widget ids too), DETAIL for the detail.
DETAIL = "detail"
ORDER: tuple[str, ...] = (*PANES, DETAIL)
TAB_LABELS = {
    Kind.ACTOR: "Actors",
    Kind.DISAGREEMENT: "Disagreements",
    Kind.EVENT: "Timeline",
    DETAIL: "Detail",
}

# Below these sizes the layout changes: one list at a time beside the detail (narrow),
# or one pane at a time (tiny).
NARROW_WIDTH = 100
TINY_WIDTH = 60
TINY_HEIGHT = 14

MUTED = "$foreground-muted"

# From this many entities (all panes together) a filter key shows only the first rows
# of each pane in its own frame, and the whole answer (the counts, the scrollbar, the
# timeline's activity) follows in the next frame; below it the panes change in the key's
# own frame. Measured at 100,000 events (bench/README.md, "Issue 15: filter"): one frame
# shows the whole answer at p95 28 ms, while first rows then the rest took 25 ms and 66 ms,
# so only the largest dossiers below BACKGROUND_FILTER_SIZE show the first rows first.
PROGRESSIVE_FILTER_SIZE = 200_000
# From this many the whole answer is worked out in a worker thread, so that typing never
# waits for a search of every row.
BACKGROUND_FILTER_SIZE = 250_000
# How many rows a key looks at (about 5 ms): below BACKGROUND_FILTER_SIZE, the whole
# answer when that is enough; else (and from that size on) its first rows, and up to
# twice as many more while fewer than FIRST_ROWS are found.
FIRST_BUDGET = 50_000
# More than a screen, and all that ``Arranged.best_row`` looks at, so the cursor lands
# where the whole answer would put it.
FIRST_ROWS = 500

# With ``ui.bandwidth = "low"``, how long the cursor must rest before the detail follows it.
DETAIL_REST = 0.15


def layout_for(width: int, height: int) -> str:
    """The layout for a terminal of this size: "tiny", "narrow" or "wide"."""
    if width < TINY_WIDTH or height < TINY_HEIGHT:
        return "tiny"
    if width < NARROW_WIDTH:
        return "narrow"
    return "wide"


class ReturnToNow(Message):
    """Esc with no focus or filter left to clear while travelling in time: back to now."""


class FilterInput(Input):
    """The ``/`` prompt: filters every pane as you type."""

    BINDINGS = keys.FILTER_PROMPT

    # The prompt's scrollable width is its text's (Input sets it at every key): a plain
    # reactive here, as the prompt's own size is the CSS's. As Textual's, it laid out the
    # whole screen at every key (several milliseconds at 100,000 events).
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def on_mount(self) -> None:
        # A steady cursor: a blinking one repaints twice a second, which costs over SSH.
        self.cursor_blink = False

    def action_leave(self) -> None:
        # A priority binding, not the Submitted message: the keyboard moves before the
        # next key is routed, so a key typed right after Enter reaches the list.
        self.screen.action_filter_done()  # type: ignore[attr-defined]


class DashboardScreen(Screen[None]):
    """Three linked lists, a detail pane, a breadcrumb, a filter and a status line."""

    BINDINGS = keys.DASHBOARD
    # Above this many events the detail waits for the arranged view's indexes (built by
    # the app's indexing worker after the first frame) rather than build the relation
    # indexes over the whole timeline on the UI thread: 60 ms at 100,000 events, up to
    # 390 ms with the worker running. Below, they take a few milliseconds.
    DETAIL_WAITS_FOR_INDEXES = 10_000

    # Browsing state. Each is drawn by its watcher, whoever changes it: the breadcrumb
    # shows the trail, the filter and a background search; the tabs and which panes
    # show follow the active pane, the layout and the zoom. A new list is assigned to
    # ``trail`` (never changed in place), so that its watcher runs. The screen itself
    # draws nothing, so these never repaint it (a repaint of the screen is a repaint of
    # every widget on it: at 100,000 events, several milliseconds of each filter key).
    trail: reactive[list[Ref]] = reactive(list, init=False, repaint=False)  # outermost first
    filter_text: reactive[str] = reactive("", init=False, repaint=False)
    searching: reactive[str | None] = reactive(None, init=False, repaint=False)  # in a worker
    # The pane shown in narrow layouts and that feeds the detail; and the layout, which
    # follows the terminal's size. Drawn at every assignment, as focus and resizes come.
    active: reactive[str] = reactive(Kind.ACTOR, init=False, always_update=True)
    layout_mode: reactive[str] = reactive("wide", init=False, always_update=True)
    zoomed: reactive[bool] = reactive(False, init=False)  # the detail alone, full width (z)

    def watch_trail(self) -> None:
        self._render_crumbs()

    def watch_filter_text(self) -> None:
        self._render_crumbs()

    def watch_searching(self) -> None:
        self._render_crumbs()

    def watch_active(self) -> None:
        self._apply_visibility()
        self._render_tabs()

    def watch_zoomed(self) -> None:
        self._apply_visibility()

    def watch_layout_mode(self, mode: str) -> None:
        for name in ("wide", "narrow", "tiny"):
            self.set_class(name == mode, f"-{name}")
        if mode != "tiny" and self.active == DETAIL:
            self.active = Kind.ACTOR  # its watcher draws
            return
        self._apply_visibility()
        self._render_tabs()

    def __init__(
        self,
        config_label: str = "",
        unseen: UnseenChanges | None = None,
        alerts: Callable[[], int] | None = None,
        *,
        low_bandwidth: bool = False,
        ready: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(id="dashboard", classes="-low-bandwidth" if low_bandwidth else None)
        # Called once the screen is mounted, before its first frame: the app reads the
        # dossier then (a small one at once, so that the first frame shows it).
        self.ready = ready
        # How many alerts wait unseen (the app's alerts log), first on the status line.
        self.alerts = alerts
        # The slowest links (``ui.bandwidth = "low"``): the detail follows the cursor only
        # once it rests (DETAIL_REST), and the lists have no scrollbars (app.tcss).
        self.low_bandwidth = low_bandwidth
        self._detail_timer: Timer | None = None
        # Which config file is in use (``config: ./config.toml``), last on the status line.
        self.config_label = config_label
        # The session's unseen changes (the app's), and the feeds' part of the status line.
        self.unseen = unseen if unseen is not None else UnseenChanges()
        self.feed_state = ""
        self.arranged: Arranged | None = None
        # The filter in force when each trail entry was pushed: focusing clears the filter
        # (it was how the analyst found the entity), Backspace brings it back.
        self.trail_filters: list[str] = []
        # The filter the panes' rows are for (while a background search runs, the one
        # before), and where the cursors were when filtering progressively began: the
        # whole answer keeps them there, as a search done at once would have.
        self.rows_filter = ""
        self._filter_keep: dict[Kind, Ref | None] | None = None
        self._detail_due = False  # a detail redraw waits for the next frame
        self._focus_given = False  # the next focus is the app's, not the analyst's
        # The timeline's date range ([ and ]), and the activity sparklines counted for
        # (focus, filter, range) in the arranged view they were counted in.
        self.period = Period()
        self._activity: LRUCache[tuple[Ref | None, str, Period], Activity] = LRUCache(32)
        self._activity_of: Arranged | None = None
        self._resumed = False  # shown at least once (_on_screen_resume)
        self._filter: FilterInput | None = None  # mounted after the first frame
        self._later_mounted = False  # the filter and footer, after the first frame (_mount_later)

    # -- building -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The layout's class before the widgets mount, so that they are styled once: set
        # by on_mount's _apply_layout, it would restyle every one of them before the
        # first frame.
        self.add_class(f"-{layout_for(*self.app.size)}")
        with Horizontal(id="header"):
            yield Static("Faultline", id="brand", markup=False)
            yield Static(id="dossier-title", markup=False)
            yield Static(id="as-of", markup=False)
        yield Breadcrumb(id="crumbs")
        yield Tabs(id="tabs")
        yield Static(Content.styled("Loading…", MUTED), id="loading")
        with Horizontal(id="body"):
            with Vertical(id="lists"):
                yield ActorsPane(id=Kind.ACTOR)
                yield DisagreementsPane(id=Kind.DISAGREEMENT)
                yield ActivityStrip(id="activity")
                yield TimelinePane(id=Kind.EVENT)
            yield DetailPane(id=DETAIL)
        # The filter prompt (hidden until /) is mounted just after the first frame.
        yield Static(id="status", markup=False)
        # The footer, too: its keys are shown once the bindings are known, after the first
        # frame, which has an empty footer line (this one) in their place (_mount_footer).
        yield Static(id="footer-line")

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Screen's own handler, which restyles the screen and every widget
        # whenever it is shown again (something may have changed meanwhile). The first
        # time, at start-up, each widget was styled as it mounted, moments before and
        # with the same stylesheet: a second pass over them all before the first frame
        # (3-5 ms) would change nothing. A theme set since restyles them all anyway.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def on_mount(self) -> None:
        self.query_one("#body").display = False
        self._focus_given = True  # Textual's first focus comes after this
        self._apply_layout(self.size.width, self.size.height)
        self._render_crumbs()
        if self.ready is not None:
            self.ready()
        if self.arranged is not None or self.ready is None:
            self._mount_later()  # shown at once (a small dossier), or nothing to wait for
        # Else once the frame showing the dossier (or why it could not be read) is drawn:
        # mounted behind "Loading…", the footer's keys took the interpreter from the
        # reading thread (about 40 ms of CPU of a warm 100,000-event start).

    def _mount_later(self) -> None:
        """The filter prompt and the footer, after the next frame (once)."""
        if not self._later_mounted:
            self._later_mounted = True
            self.call_after_refresh(self._mount_filter)
            self.call_after_refresh(self._mount_footer)

    def pane(self, name: str) -> EntityPane:
        return self.query_one(f"#{name}", EntityPane)

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    @property
    def filter_input(self) -> FilterInput:
        return self._mount_filter()

    def _mount_filter(self) -> FilterInput:
        """The filter prompt, hidden until ``/``: mounted just after the first frame that
        shows the dossier, which does not show it (an Input and its styles, 2 ms of the
        start), or as soon as it is asked for, if that is sooner."""
        if self._filter is None:
            self._filter = FilterInput(
                placeholder="filter: names, aliases, titles, summaries, ids",
                select_on_focus=False,
                id="filter",
            )
            self._filter.display = False
            self.mount(self._filter, before="#status")
        return self._filter

    async def _mount_footer(self) -> None:
        """Textual's footer in place of the empty line of the first frames (until the
        dossier is shown): the footer and its widget classes cost that frame 20 M
        instructions of 1,280 (3 ms), and it shows no keys before the first frame anyway."""
        from textual.widgets import Footer

        with self.app.batch_update():
            self.query_one("#footer-line").remove()
            mounted = self.mount(Footer(compact=True))
        await mounted
        self.refresh_bindings()  # the footer listens from its mount on: its keys, now

    @property
    def focus_ref(self) -> Ref | None:
        return self.trail[-1] if self.trail else None

    # -- data -----------------------------------------------------------------------------------

    def show_loading(self, text: str) -> None:
        loading = self.query_one("#loading", Static)
        loading.update(Content.styled(text, MUTED))
        loading.display = True

    def show_load_error(self, where: str, reason: str) -> None:
        """Nothing could be loaded: say what failed (``reason``) while doing what
        (``where``: "reading data/x.toml (1 of 2)"), and what still works."""
        loading = self.query_one("#loading", Static)
        loading.update(
            Content.assemble(
                ("Could not load the dossier", "bold $text-error"),
                f"\nwhile {where}:\n",
                (reason, "$text-error"),
                "\n\n",
                ("w lists what failed · q quits", MUTED),
            )
        )
        loading.add_class("-error")
        loading.display = True
        self._mount_later()

    def show_arranged(self, arranged: Arranged) -> None:
        """Show a (new) arranged view, keeping the trail, filter and cursors where they apply."""
        keep = {name: self.pane(name).ref for name in PANES} if self.arranged else {}
        self.arranged = arranged
        kept = [
            (ref, f)
            for ref, f in zip(self.trail, self.trail_filters, strict=True)
            if arranged.exists(ref)
        ]
        self.trail_filters = [f for _, f in kept]
        self.trail = [ref for ref, _ in kept]
        self.query_one("#loading").display = False
        self.query_one("#body").display = True
        meta = arranged.dataset.meta
        title = drawn(" ".join((meta.title or "Untitled dossier").split()))
        self.query_one("#dossier-title", Static).update(Content(title))
        self._render_as_of()
        # The activity strip and the detail are drawn after the frame that shows the
        # panes, each in its own turn of the event loop: done in this one, at a million
        # events they held the UI thread 40-50 ms more, on top of the panes (the longest
        # stall of a feed refresh; bench/README.md, "Issue 15: stalls, second round").
        self._refresh_panes(keep, activity=False)
        self.call_after_refresh(self._show_activity_of, arranged)
        self._render_crumbs()  # the trail's labels, from the new dossier
        self._render_status()
        self._mount_later()
        if self.app.focused is None or not isinstance(
            self.app.focused, (RowList, DetailPane, Input)
        ):
            self._focus_given = True  # see on_descendant_focus
            self.action_pane(self.active, show_detail=False)
        # The detail keeps what the analyst was reading (redrawn: it may have changed) and
        # where; a swap selects nothing, so nothing is "seen" by it.
        reading = self.detail.ref
        if reading is not None and arranged.exists(reading):
            self.call_after_refresh(self._redraw_detail, arranged, reading, self.detail.scroll_y)
        else:
            # After the frame that shows the panes: at 100,000 events that frame comes a
            # tenth of a second sooner without the detail's relation lookups before it.
            self.call_after_refresh(self._show_detail_for_active, force=True, see=False)

    def _show_activity_of(self, arranged: Arranged) -> None:
        """The activity strip of ``arranged``, unless another view was shown meanwhile
        (which drew its own)."""
        if self.arranged is arranged:
            self.show_activity()

    def _redraw_detail(self, arranged: Arranged, reading: Ref, y: float) -> None:
        """The detail of ``reading`` drawn again from ``arranged`` (just shown), at the
        same scroll position; unless the analyst or another view moved it meanwhile."""
        if self.arranged is not arranged or self.detail.ref != reading:
            return
        self.detail.show(arranged, reading, force=True)
        self.detail.call_after_refresh(self.detail.scroll_to, y=y, animate=False)

    def _render_as_of(self) -> None:
        """The header's date: the dossier's own, muted; while travelling in time, the date
        travelled to, reversed and bold, so the past is never taken for the present."""
        assert self.arranged is not None
        as_of, since = self.arranged.as_of, self.arranged.since
        header = self.query_one("#header")
        header.set_class(as_of is not None, "-travel")
        pieces: list[tuple[str, str]] = []
        if as_of is not None:
            pieces.append((f" as of {as_of.text} · time travel ", "bold reverse"))
            pieces.append((" Esc: now", "bold"))
        elif self.arranged.dataset.meta.as_of is not None:
            pieces.append((f"as of {self.arranged.dataset.meta.as_of.text}", MUTED))
        if since is not None:
            moved = counted(len(self.arranged.moved), "move")
            pieces.append((f"  since {since.text}: {moved} (M)", "bold"))
        self.query_one("#as-of", Static).update(Content.assemble(*pieces))

    def redraw_panes(self) -> None:
        """Draw every pane's rows again (after the unseen marks changed)."""
        for name in PANES:
            self.pane(name).redraw()

    def see(self, ref: Ref) -> None:
        """The analyst selected ``ref``: it is no longer new or changed to them."""
        unseen = self.unseen
        if (ref.kind, ref.id) not in unseen:
            return
        unseen.seen(ref.kind, ref.id)
        if self.arranged is not None:
            pane = self.arranged.unmark(ref)
            if pane is not None:
                self.pane(pane).redraw()
        self._render_status()

    def _refresh_panes(
        self,
        keep: dict[Kind, Ref | None] | None = None,
        *,
        rows: dict[Kind, Sequence[int]] | None = None,
        partial: bool = False,
        activity: bool = True,
    ) -> None:
        """Show each pane's rows under the focus and filter (``rows``: worked out already;
        ``partial``: only their first rows, the whole answer is being worked out), and the
        activity strip for them unless not ``activity`` (the caller draws it later)."""
        arranged = self.arranged
        if arranged is None:
            return
        if rows is None:
            # Drawn now, for the state as it is: a background filter still running is moot.
            self.searching = None
            self.workers.cancel_group(self, "filter")
            self._filter_keep = None
        keep = keep or {}
        focus = self.focus_ref
        words = terms(self.filter_text)
        self.rows_filter = self.filter_text
        for name in PANES:
            pane = self.pane(name)
            pane.focus_ref = focus
            # (The rows are drawn once, with the filter's words highlighted.)
            if rows is not None:
                pane.show_rows(
                    arranged, rows[name], keep=keep.get(name), words=words, partial=partial
                )
            else:
                shown = arranged.visible(name, focus, self.filter_text)
                if name is Kind.EVENT:
                    shown = arranged.in_period(shown, self.period)
                pane.show(arranged, shown, keep=keep.get(name), words=words)
            marked = pane.value_of(focus) if focus is not None else None
            pane.set_marked(marked)
            pane.empty_text = self._empty_text(pane)
        self._render_tabs()  # the counts in the tabs
        if activity:
            self.show_activity()

    def _indexes_awaited(self) -> bool:
        """Whether the detail waits for the indexes (``DETAIL_WAITS_FOR_INDEXES``)."""
        arranged = self.arranged
        return (
            arranged is not None
            and not arranged.completed
            and len(arranged.events) > self.DETAIL_WAITS_FOR_INDEXES
        )

    def indexes_ready(self) -> None:
        """The arranged view's indexes are built: the activity strip, and the detail if it
        waited for them."""
        self.show_activity()
        if self.detail.ref is None and self.arranged is not None:
            self._show_detail_for_active(force=True, see=False)

    def show_activity(self) -> None:
        """The sparkline over the timeline, for the events it shows (counted once per
        arranged view, focus, filter and range; not before the view's indexes exist,
        which at 100,000 events are built after the first frame)."""
        arranged = self.arranged
        # By id: Textual remembers the answer while no widget is added or removed (a
        # query by type walks every widget, a millisecond of each filter key).
        strip = self.query_one_optional("#activity", ActivityStrip)
        if arranged is None or strip is None:
            # No strip: the app is closing, its widgets already gone, when the indexing
            # worker's message comes in (seen in the bench: a crash on quit).
            return
        timeline = self.pane(Kind.EVENT)
        if arranged is not self._activity_of:
            self._activity.clear()
            self._activity_of = arranged
        focus = self.focus_ref
        scope = [arranged.label(focus)] if focus is not None else []
        if self.filter_text:
            scope.append(f"filter “{self.filter_text}”")
        if not self.period.is_open:
            scope.append(self.period.label())
        timeline.note = "" if self.period.is_open else self.period.label()
        timeline.border_title = timeline.title_text()
        if not arranged.completed:
            strip.show(None, "")
            return
        if timeline.partial:
            return  # counted when the whole answer is in; till then the strip stays
        key = (focus, self.filter_text, self.period)
        activity = self._activity.get(key)
        if activity is None:
            rows = timeline.rows
            events = rows.events if isinstance(rows, TimelineRows) else None
            whole = events is not None and len(events) == len(arranged.events)
            activity = arranged.months.activity(None if whole else events)
            self._activity[key] = activity
        strip.show(activity, " · ".join(scope) or "whole dossier")

    def action_date_range(self, end: str) -> None:
        """``[`` / ``]``: a form for the start or end of the timeline's date range."""
        if self.arranged is None:
            return

        def chosen(period: Period | None) -> None:
            if period is None or period == self.period:
                return
            self.period = period
            keep = {name: self.pane(name).ref for name in PANES}
            self._refresh_panes(keep)
            self._show_detail_soon()
            what = "all dates" if period.is_open else period.label()
            shown = self.pane(Kind.EVENT).shown
            self.notify(
                f"Timeline: {what} · {counted(shown, 'event')} shown", markup=False, timeout=4
            )

        from .timescreens import DateRangeForm  # imported when first opened

        self.app.push_screen(DateRangeForm(self.period, end), chosen)

    def _empty_text(self, pane: EntityPane) -> str:
        if self.filter_text and self.focus_ref:
            return f"No {pane.noun} match “{self.filter_text}” here"
        if self.filter_text:
            return f"No {pane.noun} match “{self.filter_text}”"
        if self.focus_ref:
            return f"No related {pane.noun}"
        return f"No {pane.noun} in this dossier"

    # -- focus trail ------------------------------------------------------------------------------

    def push_focus(self, ref: Ref, *, show_in_pane: bool = True) -> None:
        """Focus the dashboard on ``ref``: the breadcrumb grows, the other panes narrow."""
        if self.arranged is None:
            return
        if not self.arranged.exists(ref):
            # A link or palette entry from before a refresh that removed its entity.
            self.app.notify(
                drawn(
                    f"{self.arranged.label(ref)} is no longer in the dossier (a refresh removed it)"
                ),
                severity="warning",
                markup=False,
            )
            return
        if not self.trail or self.trail[-1] != ref:
            self.trail_filters.append(self.filter_text)
            self.trail = [*self.trail, ref]
            self._quietly_set_filter("")
        keep = {name: self.pane(name).ref for name in PANES}
        home = self.arranged.pane_of(ref)
        if home is not None and show_in_pane:
            keep[home] = ref
        self._refresh_panes(keep)
        self.detail.show(self.arranged, ref)
        self.see(ref)

    def go_to(self, ref: Ref) -> None:
        """Jump to an entity from anywhere (the command palette): focus it and put the
        keyboard in its pane."""
        self.push_focus(ref)
        home = self.arranged.pane_of(ref) if self.arranged else None
        self.action_pane(home or DETAIL, show_detail=False)

    def action_back(self) -> None:
        if not self.trail:
            self.app.bell()
            return
        left = self.trail[-1]
        self.trail = self.trail[:-1]
        self._quietly_set_filter(self.trail_filters.pop())
        keep = {name: self.pane(name).ref for name in PANES}
        home = self.arranged.pane_of(left) if self.arranged else None
        if home is not None:
            keep[home] = left
        self._refresh_panes(keep)
        if self.trail and self.arranged is not None:
            self.detail.show(self.arranged, self.trail[-1])
        else:
            self._show_detail_for_active(force=True)

    def action_clear(self) -> None:
        """Escape: close the filter prompt, else clear the focus, else clear the filter,
        else return from time travel to now."""
        if self.filter_input.display and self._in_prompt():
            self._set_query("")
            self._close_filter()
            return
        if self.trail:
            keep = {name: self.pane(name).ref for name in PANES}
            self.trail = []
            self.trail_filters.clear()
            self._refresh_panes(keep)
            self._show_detail_for_active(force=True)
        elif self.filter_text:
            self._set_query("")
        elif self.arranged is not None and self.arranged.as_of is not None:
            self.post_message(ReturnToNow())

    # -- events from panes ------------------------------------------------------------------------

    @on(RowList.Highlighted)
    def _row_highlighted(self, message: RowList.Highlighted) -> None:
        # The detail follows the cursor of the pane the analyst is in; rows moving under
        # other panes (a new focus or filter) leave it alone.
        pane = message.row_list
        if isinstance(pane, EntityPane) and pane.has_focus and self.arranged is not None:
            self._show_detail_soon()

    @on(RowList.Chosen)
    def _row_chosen(self, message: RowList.Chosen) -> None:
        pane = message.row_list
        if isinstance(pane, EntityPane) and pane.ref is not None:
            self.push_focus(pane.ref)

    @on(DetailPane.Follow)
    def _follow(self, message: DetailPane.Follow) -> None:
        self.push_focus(message.ref)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        widget = event.widget
        # Focus the analyst did not move (Textual's first, which comes after a small
        # dossier is shown, or the app's) selects nothing: nothing is seen by it.
        given, self._focus_given = self._focus_given, False
        if isinstance(widget, EntityPane):
            self.active = widget.pane
            self._show_detail_for_active(see=not given)
        elif isinstance(widget, DetailPane) and self.layout_mode == "tiny":
            self.active = DETAIL

    def _show_detail_soon(self) -> None:
        """Show the active pane's row in the detail once the frame in hand is drawn.

        Rebuilding the detail mounts dozens of widgets; done at once it would hold back
        the frame that shows the key's own effect (the moved cursor, the filtered rows).
        Several requests before that frame make one rebuild, for the row current then.
        """
        if self.low_bandwidth:
            # A held key or a quick run of moves sends the cursor's rows only; the detail
            # is drawn once, for the row the cursor rests on. A timer, restarted by each
            # move: nothing sleeps, and nothing runs once the detail is shown.
            self._detail_due = True
            if self._detail_timer is not None:
                self._detail_timer.stop()
            self._detail_timer = self.set_timer(DETAIL_REST, self._show_detail_due)
            return
        if not self._detail_due:
            self._detail_due = True
            self.call_after_refresh(self._show_detail_due)

    def _show_detail_due(self) -> None:
        if self._detail_due:
            self._detail_due = False
            self._show_detail_for_active()

    def _show_detail_for_active(self, *, force: bool = False, see: bool = True) -> None:
        self._detail_due = False
        if self.arranged is None:
            return
        if self._indexes_awaited():
            self.detail.show_message("Indexing the dossier…")
            return
        ref = self.pane(self.active).ref if self.active in PANES else self.detail.ref
        if ref is None:
            self.detail.show_message(
                "Nothing selected." if not self.filter_text else "Nothing matches the filter here."
            )
        else:
            self.detail.show(self.arranged, ref, force=force)
            if see:
                self.see(ref)

    # -- moving between panes -------------------------------------------------------------------

    def selected(self) -> Ref | None:
        """What the keys act on: the active list's row, or the detail pane's entity."""
        in_detail = self.active == DETAIL or isinstance(self.app.focused, DetailPane)
        return self.detail.ref if in_detail else self.pane(self.active).ref

    def action_record_stance(self) -> None:
        """``s``: a form to record a stance on the disagreement selected (in its pane, or
        the detail of a disagreement or of one actor's position)."""
        if self.arranged is None:
            return
        ref = self.selected()
        if ref is None or ref.kind is not Kind.DISAGREEMENT:
            self.notify(
                "s records a stance on a disagreement: select one in the disagreements pane "
                "(2), a cell of the stance matrix (m), or a position in the detail.",
                markup=False,
            )
            return
        from .capture import RecordStance  # the forms load when first asked for

        self.app.post_message(RecordStance(ref.id, ref.actor))

    def action_record_event(self) -> None:
        """``n`` in the timeline: a form to record an event, with the actor or
        disagreement the dashboard is focused on already filled in."""
        if self.arranged is None:
            return
        if self.active != Kind.EVENT or isinstance(self.app.focused, DetailPane):
            self.notify("n records an event: press it in the timeline (3).", markup=False)
            return
        focus = self.focus_ref
        actors = [focus.id] if focus is not None and focus.kind is Kind.ACTOR else []
        disagreements = [focus.id] if focus is not None and focus.kind is Kind.DISAGREEMENT else []
        from .capture import RecordEvent

        self.app.post_message(RecordEvent(actors, disagreements))

    def action_edit(self) -> None:
        """Open the file defining the selected row, or the detail's entity, in the editor."""
        from .editing import edit

        if self.arranged is None:
            return
        if self.arranged.as_of is not None:
            refusal = travel_refusal(self.arranged.as_of, "files are edited")
            self.notify(refusal, severity="warning", markup=False)
            return
        ref = self.selected()
        edit(self.app, self.arranged.dataset, ref)

    def action_pin(self) -> None:
        """``p``: pin the selected row (or the detail's entity), or unpin it."""
        if self.arranged is None:
            return
        ref = self.selected()
        if ref is None:
            self.notify("Nothing selected to pin.", markup=False)
            return
        self.app.post_message(TogglePin(Ref(ref.kind, ref.id)))

    def action_note(self) -> None:
        """``N``: write a private note on the selected row (or the detail's entity)."""
        if self.arranged is None:
            return
        ref = self.selected()
        if ref is None or ref.kind not in NOTE_KINDS:
            self.notify("N notes an actor, a disagreement or an event: select one.", markup=False)
            return
        self.app.post_message(WriteNote(Ref(ref.kind, ref.id)))

    def action_save_view(self) -> None:
        """``v``: save what is shown (focus, filter, dates, pane, rows) under a name."""
        if self.arranged is not None:
            self.app.post_message(SaveView(self.snapshot()))

    def snapshot(self) -> View:
        """What is shown now, as a view that ``restore`` brings back."""
        cursors = []
        for name in PANES:
            ref = self.pane(name).ref
            if ref is not None:
                cursors.append((str(name), ref.id))
        return View(
            tuple((str(r.kind), r.id, r.actor) for r in self.trail),
            self.filter_text,
            str(self.active),
            tuple(cursors),
            self.period,
            self.arranged.as_of if self.arranged is not None else None,
        )

    def restore(self, view: View) -> list[str]:
        """Show ``view``: its focus, filter, date range, pane and rows, as far as the data
        shown still holds them; what could not be found, in words. (Its time-travel date
        is the app's to restore: every view follows it.)"""
        arranged = self.arranged
        if arranged is None:
            return []
        missing = []
        trail = []
        for kind, ident, actor in view.trail:
            ref = Ref(Kind(kind), ident, actor) if kind in set(Kind) else None
            if ref is not None and arranged.exists(ref):
                trail.append(ref)
            else:
                missing.append(f"{Kind(kind).singular if kind in set(Kind) else kind} {ident}")
        self.trail_filters = [""] * len(trail)
        self.trail = trail
        self._quietly_set_filter(view.filter)
        self.period = view.period
        keep: dict[Kind, Ref | None] = {
            Kind(name): Ref(Kind(name), ident) for name, ident in view.cursors if name in PANES
        }
        self._refresh_panes(keep)
        pane = view.pane if view.pane in (*PANES, DETAIL) else Kind.ACTOR
        # The rows a view selects are shown, not seen: their marks and alerts stay until
        # the analyst moves onto them (the last state restored at a start must not clear
        # the alert that brought them back).
        self.action_pane(pane, show_detail=False)
        if pane in PANES:
            self._show_detail_for_active(see=False)
        return missing

    def action_zoom(self) -> None:
        """The detail pane alone at the full width, or the panes back as they were."""
        self.zoomed = not self.zoomed
        self.set_focus(self.detail, scroll_visible=False)

    def action_pane(self, name: str, show_detail: bool = True) -> None:
        if name in PANES:
            self.zoomed = False  # a list was asked for: it must be seen
        if self.filter_input.display and not self.filter_text:
            self._close_filter(refocus=False)
        if name in PANES:
            self.active = Kind(name)
        elif self.layout_mode == "tiny":
            self.active = DETAIL
        widget = self.detail if name == DETAIL else self.pane(name)
        # At once, not deferred: keys typed right after (or pasted) must land here.
        self.set_focus(widget, scroll_visible=False)
        if show_detail and name in PANES:
            self._show_detail_for_active()

    def _current(self) -> str:
        focused = self.app.focused
        if isinstance(focused, DetailPane):
            return DETAIL
        if isinstance(focused, EntityPane):
            return focused.pane
        return self.active

    def action_next_pane(self) -> None:
        self._cycle(1)

    def action_previous_pane(self) -> None:
        self._cycle(-1)

    def _cycle(self, step: int) -> None:
        if self._in_prompt():
            self._close_filter(refocus=False)
        current = self._current()
        name = ORDER[(ORDER.index(current) + step) % len(ORDER)]
        self.action_pane(name)

    # -- filter ---------------------------------------------------------------------------------

    def action_filter(self) -> None:
        field = self.filter_input
        if self._in_prompt():
            field.insert_text_at_cursor("/")
            return
        field.display = True
        field.value = self.filter_text
        field.cursor_position = len(self.filter_text)
        self.set_focus(field)

    def _in_prompt(self) -> bool:
        # The screen's focus, not ``has_focus``: that is set when the widget handles its
        # Focus event, after keys that arrived with the one that focused it.
        return self.focused is self.filter_input

    def action_filter_done(self) -> None:
        self._close_filter()

    def _close_filter(self, *, refocus: bool = True) -> None:
        field = self.filter_input
        field.display = False
        if refocus:
            self.action_pane(self.active if self.active in PANES else DETAIL, show_detail=False)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, message: Input.Changed) -> None:
        # The prompt's current value, not the message's: when keys arrive faster than
        # messages are handled (a paste, a fast typist over SSH) older messages are stale,
        # and writing them back into the prompt would scramble what was typed.
        self._set_query(self.filter_input.value)

    def _quietly_set_filter(self, query: str) -> None:
        """Change the filter without redrawing (the caller redraws)."""
        self.filter_text = query
        if self.filter_input.value != query:
            self.filter_input.value = query

    def _set_query(self, query: str) -> None:
        if query == self.filter_text:
            return
        self.filter_text = query
        if self.filter_input.value != query:
            self.filter_input.value = query
        arranged = self.arranged
        if arranged is not None and arranged.size >= PROGRESSIVE_FILTER_SIZE and arranged.completed:
            self._filter_progressively()
            return
        # (While the search indexes are still being built, in a worker, wait there.)
        if arranged is not None and arranged.size >= BACKGROUND_FILTER_SIZE:
            self._filter_in_background()
            return
        self._refresh_panes()
        self._cursor_to_best_matches()
        self._show_detail_soon()
        self._ready_for_next_key()

    def _ready_for_next_key(self) -> None:
        """Once this key's rows are drawn, a worker readies the events' search index for
        the next key (``SearchIndex.prepare``: where the word being typed is in the text,
        so that the letter typed on it is checked there, not by a scan of the text)."""
        arranged, query = self.arranged, self.filter_text
        if arranged is not None and arranged.completed:
            index = arranged.index[Kind.EVENT]
            if index.ready_for(query):
                self.call_after_refresh(self._prepare_index, index, query)

    def _prepare_index(self, index: SearchIndex, query: str) -> None:
        if query == self.filter_text:  # (else the analyst has typed on already)
            self.run_worker(
                partial(index.prepare, query),
                thread=True,
                exclusive=True,
                group="filter-next",
                description=f"ready for the key after {query!r}",
                exit_on_error=False,
            )

    def _filter_progressively(self) -> None:
        """Show each pane's first rows for the filter now, the whole answer when a worker
        has it.

        A key looks at ``FIRST_BUDGET`` rows, which is the whole answer when it narrows
        a small one; else a screenful of matches for a common word is found in the first
        few hundred rows, so the key's own frame shows the top of every pane, as the
        whole answer will. The counts (``500+``), the
        scrollbar and the timeline's activity follow once the search has gone on from
        where it stopped to the last row: right after this frame is drawn, or in a
        worker for a dossier of ``BACKGROUND_FILTER_SIZE`` or more. The detail follows
        the cursor then (the first rows put it where the whole answer does), rebuilt
        once rather than twice.
        """
        arranged, focus, query = self.arranged, self.focus_ref, self.filter_text
        assert arranged is not None
        if self._filter_keep is None:  # where the cursors were before this filtering
            self._filter_keep = {name: self.pane(name).ref for name in PANES}
        rows: dict[Kind, Sequence[int]] = {}
        complete = True
        # The whole answer if the budget allows, unless a worker is to find it anyway.
        want = FIRST_ROWS if arranged.size >= BACKGROUND_FILTER_SIZE else arranged.size
        for name in PANES:
            period = self.period if name is Kind.EVENT else None
            shown, done = arranged.visible_start(
                name, focus, query, period, want, FIRST_BUDGET, FIRST_ROWS
            )
            rows[name] = arranged.timeline_rows(shown) if name is Kind.EVENT else shown
            complete = complete and done
        self.workers.cancel_group(self, "filter")  # an older query's whole answer is moot
        self.searching = None
        keep = self._filter_keep
        self._refresh_panes(keep, rows=rows, partial=not complete)
        self._cursor_to_best_matches()
        self._ready_for_next_key()
        if complete:
            self._filter_keep = None
            self._show_detail_soon()
        elif arranged.size >= BACKGROUND_FILTER_SIZE:
            self._filter_in_background()
        else:  # (the counts' "+" says the answer is not whole; no "searching…" flicker)
            self.call_after_refresh(self._filter_now, arranged, focus, query)

    def _filter_now(self, arranged: Arranged, focus: Ref | None, query: str) -> None:
        """The whole answer for the first rows shown, unless the analyst has moved on."""
        if arranged is self.arranged and focus == self.focus_ref and query == self.filter_text:
            self._filtered(arranged, focus, query, self._whole_answer(arranged, focus, query))

    def _filter_in_background(self) -> None:
        """Filter in a worker thread; the newest query wins.

        At a million events one search takes a fifth of a second: done on the UI thread
        it would swallow keys. The prompt echoes each key at once, the panes keep their
        rows until the answer for the newest query arrives, and an older query still
        being searched gives up at its next chunk of rows.
        """
        arranged, focus, query = self.arranged, self.focus_ref, self.filter_text
        assert arranged is not None
        self.searching = query
        # The arranged view in a list the worker empties: a finished worker can outlive the
        # view (the thread that ran it keeps it as its current worker).
        self.run_worker(
            partial(self._filter_rows, [arranged], focus, query),
            thread=True,
            exclusive=True,
            group="filter",
            description=f"filter for {query!r}",
            exit_on_error=False,
        )

    def _filter_rows(self, box: list[Arranged], focus: Ref | None, query: str) -> None:
        """In a worker: each pane's rows for this filter, handed to the UI thread."""
        arranged = box.pop()
        worker = get_current_worker()
        stop = lambda: worker.is_cancelled  # noqa: E731
        try:
            rows = self._whole_answer(arranged, focus, query, stop)
        except SearchStopped:
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._filtered, arranged, focus, query, rows)

    def _whole_answer(
        self,
        arranged: Arranged,
        focus: Ref | None,
        query: str,
        stop: Callable[[], bool] | None = None,
    ) -> dict[Kind, Sequence[int]]:
        """Each pane's rows for this filter, the timeline's in its date range and with
        its headings."""
        rows = {name: arranged.visible(name, focus, query, stop) for name in PANES}
        rows[Kind.EVENT] = arranged.timeline_rows(arranged.in_period(rows[Kind.EVENT], self.period))
        return rows

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group in ("filter", "filter-next") and event.state == WorkerState.ERROR:
            # A bug, not the analyst's doing: say so, and keep what the panes show.
            self.searching = None
            self.notify(
                f"Filtering failed unexpectedly: {worker.error!r}. Please report this.",
                severity="error",
                markup=False,
            )

    def _filtered(
        self, arranged: Arranged, focus: Ref | None, query: str, rows: dict[Kind, Sequence[int]]
    ) -> None:
        if arranged is not self.arranged or focus != self.focus_ref or query != self.filter_text:
            return  # the analyst has moved on; a newer answer is coming or was drawn
        self.searching = None
        keep, self._filter_keep = self._filter_keep, None
        self._refresh_panes(keep, rows=rows)
        self._cursor_to_best_matches()
        self._show_detail_soon()

    def _cursor_to_best_matches(self) -> None:
        """In each pane, put the cursor on the first row whose name the filter matches,
        unless it is on such a row already."""
        arranged = self.arranged
        if arranged is None or not self.filter_text:
            return
        for name in PANES:
            pane = self.pane(name)
            value = pane.value
            if (
                value is not None
                and value >= 0
                and arranged.best_row(name, [value], self.filter_text) is not None
            ):
                continue
            best = arranged.best_row(name, pane.rows, self.filter_text)
            if best is not None:
                pane.move_to_value(best)

    # -- other views ----------------------------------------------------------------------------

    def action_matrix(self) -> None:
        if self.arranged is None:
            return
        from .matrix import MatrixScreen

        actors = self.arranged.visible(Kind.ACTOR, self.focus_ref, self.filter_text)
        disagreements = self.arranged.visible(Kind.DISAGREEMENT, self.focus_ref, self.filter_text)

        def opened(ref: Ref | None) -> None:
            # After the dashboard has taken its keyboard focus back.
            if ref is not None:
                self.call_after_refresh(self._open_position, ref)

        self.app.push_screen(MatrixScreen(self.arranged, actors, disagreements), opened)

    def action_alignment(self) -> None:
        """``a``: who sides with whom over the disagreements shown, ranked for the actor
        selected (the actors pane's row, else the focus, else the detail's actor)."""
        if self.arranged is None:
            return
        from .alignment import AlignmentScreen

        disagreements = self.arranged.visible(Kind.DISAGREEMENT, self.focus_ref, self.filter_text)
        columns = [self.arranged.disagreements[i] for i in disagreements]

        def opened(ref: Ref | None) -> None:
            if ref is not None:
                self.call_after_refresh(self.go_to, ref)

        self.app.push_screen(
            AlignmentScreen(self.arranged, columns, self._selected_actor()), opened
        )

    def _selected_actor(self) -> str | None:
        current = self._current()
        if current == Kind.ACTOR:
            ref = self.pane(Kind.ACTOR).ref
            if ref is not None:
                return ref.id
        for ref in (self.focus_ref, self.detail.ref):
            if ref is not None and ref.is_position:
                return ref.actor
            if ref is not None and ref.kind is Kind.ACTOR:
                return ref.id
        return None

    def _open_position(self, ref: Ref) -> None:
        self.push_focus(ref)
        self.action_pane(DETAIL, show_detail=False)

    # -- layout ---------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._apply_layout(event.size.width, event.size.height)

    def _apply_layout(self, width: int, height: int) -> None:
        # Not Textual's HORIZONTAL_BREAKPOINTS: the tiny layout depends on the height as
        # well (below 60 columns or 14 rows), which breakpoints would give as two classes
        # (one by width, one by height) to recombine, and the layout is state the screen
        # reads (what Tab and 4 reach, the tabs' labels, whether the detail is a tab), not
        # only a class for the stylesheet. So the mode is worked out here, and set.
        self.layout_mode = layout_for(width, height)  # its watcher sets the classes, draws

    def _apply_visibility(self) -> None:
        mode = self.layout_mode
        for name in PANES:
            self.pane(name).set_class(mode != "wide" and name != self.active, "-hidden")
        self.query_one(ActivityStrip).set_class(
            mode != "wide" and self.active != Kind.EVENT, "-hidden"
        )
        zoomed = self.zoomed
        self.detail.set_class(mode == "tiny" and self.active != DETAIL and not zoomed, "-hidden")
        lists_hidden = zoomed or (mode == "tiny" and self.active == DETAIL)
        self.query_one("#lists").set_class(lists_hidden, "-hidden")

    def _render_tabs(self) -> None:
        tabs: list[tuple[str, str]] = []
        tiny = self.layout_mode == "tiny"
        for name in ORDER if tiny else PANES:
            label = TAB_LABELS[name]
            if tiny:  # room for four tabs: the pane's own title has the counts
                label = label if len(label) < 10 else label[:6] + "."
            elif isinstance(name, Kind) and self.arranged is not None:
                label += f" {self.pane(name).counts}"
            tabs.append((name, label))
        self.query_one("#tabs", Tabs).show_tabs(tabs, self.active)

    def on_tabs_chosen(self, message: Tabs.Chosen) -> None:
        self.action_pane(message.name)

    def _render_crumbs(self) -> None:
        arranged = self.arranged
        labels = [arranged.label(ref) if arranged else ref.id for ref in self.trail]
        self.query_one("#crumbs", Breadcrumb).show_trail(
            labels, self.filter_text, self.searching is not None
        )

    def on_breadcrumb_chosen(self, message: Breadcrumb.Chosen) -> None:
        self._crumb(message.depth)

    def _crumb(self, depth: int) -> None:
        """Go back to breadcrumb entry ``depth`` (-1: no focus)."""
        while len(self.trail) > depth + 1:
            self.action_back()

    def _render_status(self) -> None:
        """Counts, warnings, unseen changes, feed state and the config file in use. At 80
        columns not everything fits, so the line is ordered by what the analyst must not
        miss: feed trouble and unseen changes first, then warnings, the counts, the config."""
        if self.arranged is None:
            return
        parts: list[tuple[str, str]] = []
        alerts = self.alerts() if self.alerts is not None else 0
        if alerts:
            parts.append((f"{ALERT_MARK} {counted(alerts, 'alert')} (!)", "bold $text-warning"))
        if self.feed_state:
            parts.append((self.feed_state, MUTED))
        # Marks are shared with other dashboards (the state file), which may show other
        # data: only what this one shows is counted.
        data = self.arranged.dataset
        # (Drawn at every swap and every mark seen: unsorted, one lookup each.)
        tables = {kind: data.table(kind) for kind in Kind}
        unseen = sum(1 for kind, i in self.unseen if i in tables[kind])
        if unseen:
            marks = NEW_MARK + CHANGED_MARK
            parts.append((f"{marks} {unseen:,} new or changed (c)", "bold $text-accent"))
        # A data file saved with mistakes: its last good version stays in use until fixed.
        stale = {doc: 0 for layer in data.layers for doc in layer.kept}
        rejected = 0
        for problem in data.problems:
            if problem.document in stale:
                stale[problem.document] += 1
            else:
                rejected += 1
        for document, count in stale.items():
            parts.insert(0, (kept_text(document, count) + " (w)", "bold $text-error"))
        warnings = []
        if rejected:
            warnings.append(f"{rejected} rejected")
        if data.notes:
            warnings.append(f"{len(data.notes)} to check")
        if data.unresolved:
            warnings.append(f"{len(data.unresolved)} unresolved")
        if data.sanitised:
            warnings.append(f"{data.sanitised} control chars removed")
        if warnings:
            parts.append(("⚠ " + ", ".join(warnings) + " (w)", "$text-warning"))
        counts = self.arranged.counts()
        parts.append(
            (
                " · ".join(
                    counted(counts[kind], kind.singular)
                    for kind in (Kind.ACTOR, Kind.DISAGREEMENT, Kind.EVENT, Kind.SOURCE)
                ),
                "",
            )
        )
        if self.config_label:
            parts.append((self.config_label, MUTED))
        spaced: list[tuple[str, str]] = []
        for text, style in parts:
            if spaced:
                spaced.append(("   ", ""))
            spaced.append((text, style))
        self.query_one("#status", Static).update(Content.assemble(*spaced))

    def render_status(self) -> None:
        """Redraw the status line (the app calls this when feed state changes)."""
        self._render_status()

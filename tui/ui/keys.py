"""Every key binding, by where it works: the one source for the widgets' ``BINDINGS``,
the help screen (``?``) and the README's key table (``python -m tui.ui.help
--markdown``), so the three cannot disagree.

Each list is a class's ``BINDINGS``; ``key_groups`` arranges them (and a few keys that
Textual handles itself, and the mouse) in the sections the help shows.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from ..core.alerts import PIN_MARK
from ..core.model import Kind

# Everywhere (the app).
APP: list[BindingType] = [
    Binding("question_mark", "help", "Help", tooltip="This list of keys"),
    Binding("r", "refresh", "Refresh", tooltip="Fetch every feed now"),
    Binding(
        "f",
        "feeds",
        "Feeds",
        tooltip="Feeds: state and reason, last success, last and next attempt, entities",
    ),
    # Not in the footer (no room at 80 columns): the status line offers "(c)" whenever
    # there are unseen changes, which is when the key matters.
    Binding(
        "c",
        "changes",
        "Changes",
        show=False,
        tooltip="What feed refreshes and saved data files added, changed (which fields) and "
        "removed; go to one",
    ),
    Binding(
        "w",
        "problems",
        "Warnings",
        show=False,
        tooltip="Rejected documents, unresolved references, removed characters",
    ),
    Binding(
        "exclamation_mark",
        "alerts",
        "Alerts",
        show=False,
        tooltip="The alerts log: changes to what is watched, newest first; go to one",
    ),
    Binding(
        "W",
        "watch",
        "Watching",
        show=False,
        tooltip="What is watched (pinned or configured): latest change and activity of each",
    ),
    Binding(
        "ctrl+l",
        "redraw",
        "Redraw",
        show=False,
        tooltip="Write the whole screen again (after line noise garbled the terminal)",
    ),
    Binding("q", "quit", "Quit", tooltip="Quit Faultline"),
    Binding(
        "t",
        "time_travel",
        "Time travel",
        show=False,
        tooltip="Time travel: every view as of a date (any form: 2013, 2013-05~); "
        "Esc on the dashboard, or t with an empty date, returns to now",
    ),
    Binding(
        "T",
        "since",
        "Since",
        show=False,
        tooltip="Since a date: the matrix and panes show each stance that moved since then "
        "(▼→◆); remembered across restarts",
    ),
    Binding(
        "M",
        "moved",
        "Moved",
        show=False,
        tooltip="Moved since: every stance that moved since the since date (T), both "
        "positions with their citations; go to one",
    ),
]


# Actions that move only within their widget (a cursor, a link, a scroll), never the
# keyboard's focus or the screen: the keys typed after one bound to them go on at once
# (keygate.py), so that a held or repeated j costs no more than Textual's routing.
IN_PLACE = frozenset({
    "cursor_up", "cursor_down", "cursor_first", "cursor_last", "page_up", "page_down",
    "link", "top", "bottom", "move", "first", "last", "page",
})  # fmt: skip


# The ``/`` prompt.
# Priority, as ``/`` is: each runs before the keys after it are routed. A key reaches
# the focused widget through its own queue and comes back to the screen's bindings later;
# any other key that may move the focus holds the keys typed right after it until then
# (keygate.py: over a slow link keys arrive in bursts), these act at once.
FILTER_PROMPT: list[BindingType] = [
    Binding(
        "enter,down",
        "leave",
        "Done",
        show=False,
        tooltip="Keep the filter, back to the list",
        priority=True,
    ),
    Binding(
        "escape",
        "screen.clear",
        show=False,
        tooltip="Clear the filter and close the prompt",
        priority=True,
    ),
    Binding(
        "tab",
        "screen.next_pane",
        show=False,
        tooltip="Keep the filter and move to the next pane",
        priority=True,
    ),
    Binding(
        "shift+tab",
        "screen.previous_pane",
        show=False,
        tooltip="Keep the filter and move to the previous pane",
        priority=True,
    ),
]


# The dashboard screen.
DASHBOARD: list[BindingType] = [
    Binding(
        "tab", "next_pane", "Pane", tooltip="Next pane: actors, disagreements, timeline, detail"
    ),
    Binding("shift+tab", "previous_pane", "Previous pane", show=False, tooltip="Previous pane"),
    Binding("1", f"pane('{Kind.ACTOR}')", "Actors", show=False, tooltip="Go to the actors pane"),
    Binding(
        "2",
        f"pane('{Kind.DISAGREEMENT}')",
        "Disagreements",
        show=False,
        tooltip="Go to the disagreements pane",
    ),
    Binding(
        "3", f"pane('{Kind.EVENT}')", "Timeline", show=False, tooltip="Go to the timeline pane"
    ),
    Binding("4", "pane('detail')", "Detail", show=False, tooltip="Go to the detail pane"),
    # Priority: handled before the keys after it are routed, so "/nur" typed fast (or
    # pasted) all lands in the prompt. In the prompt, "/" is typed as text.
    Binding("slash", "filter", "Filter", tooltip="Filter every pane as you type", priority=True),
    # Not in the footer: the breadcrumb line shows both whenever there is a focus.
    Binding("backspace", "back", "Back", show=False, tooltip="Step back along the breadcrumb"),
    Binding(
        "escape",
        "clear",
        "Clear",
        show=False,
        tooltip="Clear the focus (then the filter); in the filter prompt, clear it",
    ),
    Binding("m", "matrix", "Matrix", tooltip="Stance matrix: actors × disagreements"),
    Binding(
        "a",
        "alignment",
        "Alignment",
        show=False,
        tooltip="Who sides with whom: the selected actor's allies and opponents, and every "
        "actor with camps together",
    ),
    Binding(
        "left_square_bracket",
        "date_range('start')",
        "From",
        show=False,
        tooltip="Timeline from a date (any EDTF form; empty for no limit)",
    ),
    Binding(
        "right_square_bracket",
        "date_range('end')",
        "Until",
        show=False,
        tooltip="Timeline until a date (any EDTF form; empty for no limit)",
    ),
    Binding(
        "z", "zoom", "Zoom", show=False, tooltip="Zoom the detail pane to the full width, and back"
    ),
    Binding(
        "s",
        "record_stance",
        "Stance",
        show=False,
        tooltip="Record a stance on the selected disagreement (in its pane, or the detail of "
        "a disagreement or position): a form, saved to the capture file",
    ),
    Binding(
        "n",
        "record_event",
        "New event",
        show=False,
        tooltip="In the timeline: record an event (a form, saved to the capture file)",
    ),
    Binding(
        "p",
        "pin",
        "Pin",
        show=False,
        tooltip="Pin or unpin the selected actor, disagreement or event: watch it for "
        f"changes (alerts), marked {PIN_MARK} in every pane",
    ),
    Binding(
        "N",
        "note",
        "Note",
        show=False,
        tooltip="Write a private note on the selected actor, disagreement or event (kept in "
        'your state dir, shown under "My notes", found by the filter)',
    ),
    Binding(
        "v",
        "save_view",
        "Save view",
        show=False,
        tooltip="Save the focus, filter, pane and rows under a name (Ctrl+P lists the views; "
        "faultline --view NAME opens one)",
    ),
    Binding(
        "e",
        "edit",
        "Edit",
        show=False,
        tooltip="Open the file defining the selected row (or the detail's entity) in "
        "$VISUAL or $EDITOR at its line",
    ),
]


# The actors, disagreements and timeline lists (and every row list).
ROW_LIST: list[BindingType] = [
    Binding("up,k", "cursor_up", "Up", show=False, tooltip="Previous row"),
    Binding("down,j", "cursor_down", "Down", show=False, tooltip="Next row"),
    Binding("home,g", "cursor_first", "First", show=False, tooltip="First row"),
    Binding("end,G", "cursor_last", "Last", show=False, tooltip="Last row"),
    Binding("pageup,ctrl+b", "page_up", "Page up", show=False, tooltip="Up one page"),
    Binding("pagedown,ctrl+f,space", "page_down", "Page down", show=False, tooltip="Down one page"),
    Binding(
        "enter",
        "choose",
        "Focus",
        tooltip="Focus the dashboard on this row: the other panes show what relates to it",
    ),
]


# The detail pane.
DETAIL: list[BindingType] = [
    Binding(
        "up,k",
        "link(-1)",
        "Previous link",
        show=False,
        tooltip="Previous link (scrolls when there is none)",
    ),
    Binding(
        "down,j",
        "link(1)",
        "Next link",
        show=False,
        tooltip="Next link (scrolls when there is none)",
    ),
    Binding(
        "enter", "follow", "Follow", tooltip="Follow the highlighted link: focus what it names"
    ),
    Binding("home,g", "top", "Top", show=False, tooltip="Scroll to the top"),
    Binding("end,G", "bottom", "Bottom", show=False, tooltip="Scroll to the bottom"),
    Binding("pageup,ctrl+b", "page_up", "Page up", show=False, tooltip="Scroll up one page"),
    Binding(
        "pagedown,ctrl+f,space",
        "page_down",
        "Page down",
        show=False,
        tooltip="Scroll down one page",
    ),
]


# The stance matrix's cells.
MATRIX: list[BindingType] = [
    Binding("up,k", "move(0,-1)", "Up", show=False, tooltip="Previous actor"),
    Binding("down,j", "move(0,1)", "Down", show=False, tooltip="Next actor"),
    Binding("left,h", "move(-1,0)", "Left", show=False, tooltip="Previous disagreement"),
    Binding("right,l", "move(1,0)", "Right", show=False, tooltip="Next disagreement"),
    Binding("home,g", "first", "First actor", show=False, tooltip="First actor"),
    Binding("end,G", "last", "Last actor", show=False, tooltip="Last actor"),
    Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, tooltip="Up one page"),
    Binding("pagedown,ctrl+f,space", "page(1)", "Page down", show=False, tooltip="Down one page"),
    Binding(
        "enter",
        "choose",
        "Open position",
        tooltip="Open the position: back to the dashboard, focused on it",
    ),
]


# The stance matrix screen.
MATRIX_SCREEN: list[BindingType] = [
    Binding("escape,backspace,m", "close", "Back", tooltip="Back to the dashboard"),
    Binding(
        "s",
        "record_stance",
        "Stance",
        show=False,
        tooltip="Record a stance of this actor on this disagreement (a form)",
    ),
    Binding(
        "o",
        "order",
        "Order",
        tooltip="Order the actors by name, or with camps together (as the alignment view)",
    ),
    Binding(
        "e",
        "edit",
        "Edit",
        show=False,
        tooltip="Open the file defining this actor's position (or, where it holds none, "
        "the disagreement) in $VISUAL or $EDITOR at its line",
    ),
]


# The alignment view's list (a).
ALIGNMENT_LIST: list[BindingType] = [
    *ROW_LIST[:-1],
    Binding("enter", "choose", "Rank", tooltip="Rank the allies and opponents of this actor"),
]


# The alignment view (a).
ALIGNMENT_SCREEN: list[BindingType] = [
    Binding("escape,backspace,a", "close", "Back", tooltip="Back to the dashboard"),
    Binding("o", "open", "Open", tooltip="Back to the dashboard, focused on this actor"),
]


# The date range form ([ and ]).
DATE_RANGE_FORM: list[BindingType] = [
    Binding("escape", "cancel", "Cancel", tooltip="Close the form; the range stays as it was"),
]


# The capture forms (s, n).
CAPTURE_FORM: list[BindingType] = [
    Binding("escape", "cancel", "Cancel", tooltip="Close the form; nothing is recorded"),
    # Priority (Textual's own Tab is not): the focus moves before the keys typed after
    # it are routed, so that over a slow link, where keys arrive in bursts, they land in
    # the next field rather than the one Tab left.
    Binding("tab", "app.focus_next", show=False, tooltip="Next field", priority=True),
    Binding("shift+tab", "app.focus_previous", show=False, tooltip="Previous field", priority=True),
]


# The "moved since" list (M).
MOVED_LIST: list[BindingType] = [
    Binding(
        "enter",
        "choose",
        "Go to",
        tooltip="Go to the position: back to the dashboard, focused on it",
    ),
]
MOVED_SCREEN: list[BindingType] = [
    Binding("escape,backspace,M", "close", "Back", tooltip="Back to the dashboard"),
]


# The feeds screen.
FEEDS_SCREEN: list[BindingType] = [
    Binding("escape,backspace,f", "close", "Back", tooltip="Back to the dashboard"),
]


# The list of changes.
CHANGE_LIST: list[BindingType] = [
    Binding(
        "enter",
        "choose",
        "Go to",
        tooltip="Go to the entity: back to the dashboard, focused on it",
    ),
]


# The changes screen.
CHANGES_SCREEN: list[BindingType] = [
    Binding("escape,backspace,c", "close", "Back", tooltip="Back to the dashboard"),
    Binding("a", "seen_all", "All seen", tooltip="Mark every change as seen (clears the marks)"),
]


# The alerts log (!) and its list.
ALERT_LIST: list[BindingType] = [
    Binding("enter", "choose", "Go to", tooltip="Go to the alert's entity; the alert is seen"),
]
ALERTS_SCREEN: list[BindingType] = [
    Binding("escape,backspace,exclamation_mark", "close", "Back", tooltip="Back to the dashboard"),
    Binding("a", "seen_all", "All seen", tooltip="Mark every alert as seen"),
]


# The watch view (W) and its list.
WATCH_LIST: list[BindingType] = [
    Binding("enter", "choose", "Go to", tooltip="Go to the watched entity"),
]
WATCH_SCREEN: list[BindingType] = [
    Binding("escape,backspace,W", "close", "Back", tooltip="Back to the dashboard"),
    Binding("p", "unpin", "Unpin", tooltip="Stop watching the entity under the cursor"),
]


# A one-line prompt (a note, a view's name).
PROMPT: list[BindingType] = [
    Binding("escape", "cancel", "Cancel", tooltip="Close the prompt; nothing is saved"),
]


# The help screen.
HELP_SCREEN: list[BindingType] = [
    Binding("escape,backspace,q,question_mark", "close", "Close", tooltip="Close the help"),
]


# The warnings screen.
PROBLEMS_SCREEN: list[BindingType] = [
    Binding("escape,backspace,q,w", "close", "Close", tooltip="Close the warnings")
]


_KEY_NAMES = {
    "up": "↑", "down": "↓", "left": "←", "right": "→",
    "pageup": "PgUp", "pagedown": "PgDn", "home": "Home", "end": "End",
    "enter": "Enter", "escape": "Esc", "backspace": "Backspace", "tab": "Tab",
    "shift+tab": "Shift+Tab", "question_mark": "?", "slash": "/", "space": "Space",
    "left_square_bracket": "[", "right_square_bracket": "]",
    "exclamation_mark": "!",
}  # fmt: skip


def key_label(key: str) -> str:
    """A key as the help names it: ``escape`` -> ``Esc``, ``ctrl+b`` -> ``Ctrl+B``."""
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    if key.startswith("ctrl+"):
        return "Ctrl+" + key[5:].upper()
    return key


def _rows(*lists: list[BindingType]) -> list[tuple[str, str]]:
    """(keys, what they do) for each binding, as the help shows them."""
    out: list[tuple[str, str]] = []
    for bindings in lists:
        for item in bindings:
            binding = item if isinstance(item, Binding) else Binding(*item)
            keys = " ".join(key_label(k.strip()) for k in binding.key.split(","))
            out.append((keys, binding.tooltip or binding.description or binding.action))
    return out


def key_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """(section, [(keys, what they do)]) for every key of the dashboard, and the mouse."""
    return [
        ("Everywhere", [
            *_rows(APP),
            ("Ctrl+P", "Command palette: go to any actor, disagreement or event; run a command"),
        ]),
        ("Dashboard", _rows(DASHBOARD)),
        ("Actors, disagreements and timeline lists", _rows(ROW_LIST)),
        ("Detail pane", _rows(DETAIL)),
        ("Filter prompt (/)", [
            ("type", ("Filter every pane: names, aliases, titles, summaries, ids, any case, "
                      "every word must match")),
            *_rows(FILTER_PROMPT),
        ]),
        ("Stance matrix (m)", [
            *_rows(MATRIX, MATRIX_SCREEN),
            ("Tab", "Between the matrix and the detail of the position under the cursor"),
        ]),
        ("Alignment view (a)", [
            *_rows(ALIGNMENT_SCREEN),
            ("↑ ↓ PgUp PgDn", "Move through the allies, opponents and actors"),
            *_rows(ALIGNMENT_LIST[-1:]),
        ]),
        ("Date range form ([ ])", [
            ("Enter", "Set the date (empty: no limit at that end); a bad date is explained"),
            *_rows(DATE_RANGE_FORM),
        ]),
        ("Feeds screen (f)", [
            *_rows(FEEDS_SCREEN),
            ("↑ ↓", "Choose a feed: its whole reason, URL and problems show below the table"),
            ("r", "Fetch every feed now (as everywhere)"),
        ]),
        ("Moved since (M)", [
            *_rows(MOVED_LIST, MOVED_SCREEN),
            ("↑ ↓ PgUp PgDn", "Move through the moves; the detail below shows its history"),
        ]),
        ("Changes screen (c)", [
            *_rows(CHANGE_LIST, CHANGES_SCREEN),
            ("↑ ↓ PgUp PgDn", "Move through the changes, grouped by feed"),
        ]),
        ("Alerts log (!)", [
            *_rows(ALERT_LIST, ALERTS_SCREEN),
            ("↑ ↓ PgUp PgDn", "Move through the alerts, newest first"),
        ]),
        ("Watch view (W)", _rows(WATCH_LIST, WATCH_SCREEN)),
        ("Note and view prompts (N, v)", [
            ("Enter", "Save the note, or the view under the name typed"),
            *_rows(PROMPT),
        ]),
        ("Capture forms (s, n)", [
            *_rows(CAPTURE_FORM[1:]),
            ("→", "Take the suggested id or stance"),
            ("Enter", "Save: appended to the capture file, shown at once, marked +"),
            *_rows(CAPTURE_FORM[:1]),
        ]),
        ("Help (?) and warnings (w) screens", _rows(HELP_SCREEN, PROBLEMS_SCREEN)),
        ("Mouse", [
            ("click", "Select a row, cell, tab, breadcrumb entry or link"),
            ("double-click", "Focus the row (as Enter)"),
            ("wheel", "Scroll"),
        ]),
    ]  # fmt: skip

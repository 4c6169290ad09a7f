"""Who sides with whom (``a``): the selected actor's allies and opponents ranked by the
agreement index, and every actor in an order that keeps camps together.

The index and the order come from ``core.alignment`` and are computed in a worker (the
newest request wins), so a large dossier never holds up a key press; the screen says
"Computing…" until they arrive. Enter on an actor ranks that actor's allies instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual import work
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from ..core.alignment import EXPLANATION, Agreement, Alignment, alignment_of
from ..core.browse import Arranged, Ref
from ..core.model import STANCES, Disagreement, Kind
from ..core.text import counted
from . import keys
from .glyphs import drawn
from .legend import NO_POSITION, STANCE_GLYPH
from .rowlist import Piece, RowList, fit, one_line

MUTED = "$foreground-muted"


class AlignmentComputed(Message):
    """The worker's answer: the alignment over ``columns``, its camp order, and each
    actor's stances as glyphs, one per column (for the camps to be seen)."""

    def __init__(self, alignment: Alignment, order: list[str], glyphs: dict[str, str]) -> None:
        super().__init__()
        self.alignment = alignment
        self.order = order
        self.glyphs = glyphs


# A row of the list: ("head", its text, None), ("pair", the other actor, their agreement)
# or ("actor", the actor, its closest ally or None).
Row = tuple[str, str, Agreement | None]


class AlignmentList(RowList):
    """The ranked pairs and the clustered actors, under headings."""

    BINDINGS = keys.ALIGNMENT_LIST

    def __init__(self, arranged: Arranged, *, id: str | None = None) -> None:
        super().__init__(empty_text="Computing the alignment…", id=id)
        self.arranged = arranged
        self.entries: list[Row] = []
        self.glyphs: dict[str, str] = {}
        self.name_width = 12

    def show(self, entries: list[Row], glyphs: dict[str, str], keep: str | None = None) -> None:
        self.entries, self.glyphs = entries, glyphs
        self.name_width = max(
            (
                cell_len(drawn(one_line(self.arranged.actor_name(ident))))
                for kind, ident, _ in entries
                if kind != "head"
            ),
            default=12,
        )
        at = next(
            (i for i, (kind, ident, _) in enumerate(entries) if kind != "head" and ident == keep),
            None,
        )
        self.set_rows(range(len(entries)), keep=at)
        self.redraw()

    def is_selectable(self, value: int) -> bool:
        return self.entries[value][0] != "head"

    @property
    def actor(self) -> str | None:
        value = self.value
        if value is None or not self.entries or self.entries[value][0] == "head":
            return None
        return self.entries[value][1]

    def render_row(self, value: int, width: int) -> list[Piece]:
        kind, text, pair = self.entries[value]
        if kind == "head":
            head = f"── {text} "
            return [(fit(head + "─" * max(0, width - cell_len(head)), width), "header")]
        name = one_line(self.arranged.actor_name(text))
        if kind == "pair":
            assert pair is not None
            score = f" {pair.score:4.2f}  n {pair.shared:<3} "
            return [(score, "accent"), (fit(name, width - cell_len(score)), "")]
        # An actor of the clustered order: its stances, one glyph a disagreement, and
        # its closest ally (only an ally: S above 0.5).
        stances = self.glyphs.get(text, "")
        closest = ""
        if pair is not None and pair.score > 0.5:
            other = one_line(self.arranged.actor_name(pair.other))
            closest = f"  closest {other} {pair.score:4.2f} (n {pair.shared})"
        name_w = min(self.name_width + 2, max(12, width // 3))
        stance_w = min(cell_len(stances), max(0, width - 1 - name_w - 10))
        return [
            (" ", ""),
            (fit(name, name_w - 1) + " ", ""),
            (fit(stances, stance_w), "accent"),
            (fit(closest, width - 1 - name_w - stance_w), "dim"),
        ]


class AlignmentScreen(Screen[Ref | None]):
    """Allies and opponents of one actor, then every actor with camps together."""

    BINDINGS = keys.ALIGNMENT_SCREEN

    def __init__(
        self, arranged: Arranged, disagreements: Sequence[Disagreement], actor: str | None
    ) -> None:
        super().__init__(id="alignment-screen")
        self.arranged = arranged
        self.columns = list(disagreements)
        self.actor = actor
        self.alignment: Alignment | None = None
        self.order: list[str] = []
        self.glyphs: dict[str, str] = {}
        self.pairs = AlignmentList(arranged, id="alignment")

    def compose(self) -> ComposeResult:
        yield Static(id="alignment-title", markup=False)
        yield Static(Content.styled(EXPLANATION, MUTED), id="alignment-how", markup=False)
        yield self.pairs
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.pairs.border_title = "Who sides with whom"
        self.pairs.focus()
        self._describe()
        self.compute(self.columns)

    def show_arranged(self, arranged: Arranged) -> None:
        """A new dossier is shown (the app calls this): compute again over it."""
        self.arranged = self.pairs.arranged = arranged
        data = arranged.dataset
        self.columns = [
            data.disagreements[d.id] for d in self.columns if d.id in data.disagreements
        ]
        self.compute(self.columns)

    @work(thread=True, exclusive=True, exit_on_error=False, group="alignment")
    def compute(self, columns: list[Disagreement]) -> None:
        """The index and the order, off the UI thread; a newer request replaces this one."""
        alignment = alignment_of(columns)
        order = alignment.order()
        current = [d.current() for d in columns]
        glyphs = {
            actor: "".join(
                STANCE_GLYPH[held[actor].stance] if actor in held else NO_POSITION
                for held in current
            )
            for actor in order
        }
        if not get_current_worker().is_cancelled:
            self.post_message(AlignmentComputed(alignment, order, glyphs))

    def on_alignment_computed(self, message: AlignmentComputed) -> None:
        self.alignment, self.order, self.glyphs = message.alignment, message.order, message.glyphs
        self._fill(keep=self.pairs.actor or self.actor)

    def _fill(self, keep: str | None = None) -> None:
        alignment = self.alignment
        if alignment is None:
            return
        entries: list[Row] = []
        actor = self.actor
        if actor is not None:
            name = one_line(self.arranged.actor_name(actor))
            allies, opponents = alignment.ranked(actor)
            if not allies and not opponents:
                entries.append(
                    ("head", f"{name}: no pair scored (too few shared known stances)", None)
                )
            if allies:
                entries.append(("head", f"Allies of {name}: most alike first", None))
                entries += [("pair", p.other, p) for p in allies]
            if opponents:
                entries.append(("head", f"Opponents of {name}: least alike first", None))
                entries += [("pair", p.other, p) for p in opponents]
        nearest = dict(zip(alignment.actors, alignment.nearest(), strict=True))
        legend = " ".join(f"{STANCE_GLYPH[s]} {s}" for s in STANCES)
        heading = (
            f"All {counted(len(self.order), 'actor')}, camps together · stances, one per "
            f"disagreement: {legend} {NO_POSITION} none"
        )
        entries.append(("head", heading, None))
        entries += [("actor", a, nearest.get(a)) for a in self.order]
        self.pairs.show(entries, self.glyphs, keep)
        self._describe()

    def _describe(self) -> None:
        parts: list[tuple[str, str]] = [("Who sides with whom", "bold $text-accent")]
        alignment = self.alignment
        if alignment is None:
            parts.append(("   computing…", MUTED))
        else:
            tally = (
                f"   {counted(len(alignment.actors), 'actor')} over "
                f"{counted(len(self.columns), 'disagreement')} · "
                f"{counted(alignment.scored_pairs(), 'pair')} scored"
            )
            parts.append((tally, MUTED))
        if self.actor is not None:
            name = drawn(one_line(self.arranged.actor_name(self.actor)))
            parts.append(("   · " + name, "bold"))
        self.query_one("#alignment-title", Static).update(Content.assemble(*parts))

    def on_row_list_chosen(self, message: RowList.Chosen) -> None:
        """Enter: rank the allies and opponents of the actor under the cursor."""
        message.stop()
        actor = self.pairs.actor
        if actor is not None and actor != self.actor:
            self.actor = actor
            self._fill(keep=actor)
            self.pairs.action_cursor_first()

    def action_open(self) -> None:
        """``o``: back to the dashboard, focused on the actor under the cursor."""
        actor = self.pairs.actor
        if actor is not None:
            self.dismiss(Ref(Kind.ACTOR, actor))

    def action_close(self) -> None:
        self.dismiss(None)

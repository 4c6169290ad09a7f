"""What the actors, disagreements and timeline panes share: an arranged view, a title with
counts, the reference under the cursor, and the marks in front of each row.

The change marks (``+`` new, ``*`` changed) live on the arranged dataset
(``core.browse.Arranged``: row -> glyph, per pane) with the pins, and are drawn in front
of each row only while a pane has any: a dossier with nothing new looks exactly as
before."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from ..core.alerts import PIN_MARK
from ..core.browse import Arranged, Ref
from ..core.model import Kind
from .rowlist import Piece, RowList


def marked(
    arranged: Arranged, pane: Kind, value: int, width: int, draw: Callable[[int, int], list[Piece]]
) -> list[Piece]:
    """A pane row with its change mark in front (``+`` new, ``*`` changed, blank when seen)
    and its pin (``PIN_MARK``: watched) whenever the pane has any marks or pins; headings
    (negative values) are left as they are."""
    marks, pins = arranged.marks[pane], arranged.pins[pane]
    if not (marks or pins) or value < 0 or width < 6:
        return draw(value, width)
    glyph = marks.get(value)
    lead: list[Piece] = [(glyph, "mark") if glyph else (" ", "")]
    lead.append((PIN_MARK, "info") if value in pins else (" ", ""))
    return [*lead, *draw(value, width - 2)]


class EntityPane(RowList):
    """A ``RowList`` of one kind of entity from the arranged view."""

    pane: ClassVar[Kind]
    label: ClassVar[str]
    noun: ClassVar[str]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(empty_text=f"No {self.noun}", id=id, classes=classes)
        self.arranged: Arranged | None = None
        # The dashboard's focus: a pane may show rows in its light (an actor's stance).
        self.focus_ref: Ref | None = None
        self.shown = 0
        self.total = 0
        # The rows are the start of the filter's answer; the rest (and the count) follow.
        self.partial = False
        self.note = ""  # after the counts in the title: the timeline's date range
        self.border_title = self.label

    def show(
        self,
        arranged: Arranged,
        entity_rows: Sequence[int],
        *,
        keep: Ref | None = None,
        words: Sequence[str] | None = None,
    ) -> None:
        """Show these entity rows (indices into the arranged view's list for this pane);
        ``words``: the filter's, highlighted."""
        self.arranged = arranged
        self.partial = False
        self._show(arranged, self.rows_for(entity_rows), keep, words)

    def show_rows(
        self,
        arranged: Arranged,
        rows: Sequence[int],
        *,
        keep: Ref | None = None,
        words: Sequence[str] | None = None,
        partial: bool = False,
    ) -> None:
        """Show rows already arranged for this pane (``rows_for`` applied); ``partial``:
        only the first rows of the answer, the count shown as ``500+``."""
        self.arranged = arranged
        self.partial = partial
        self._show(arranged, rows, keep, words)

    def _show(
        self,
        arranged: Arranged,
        rows: Sequence[int],
        keep: Ref | None,
        words: Sequence[str] | None = None,
    ) -> None:
        self.shown = self.count(rows)
        self.total = arranged.total(self.pane)
        title = self.title_text()
        if self.border_title != title:  # setting it redraws the whole pane, even unchanged
            self.border_title = title
        keep_value = self.value_of(keep) if keep is not None else None
        # Every row is drawn again from the new arranged view (set_rows empties the row
        # cache) and the lines whose drawing changed are refreshed.
        self.set_rows(rows, keep=keep_value, words=words)

    def title_text(self) -> str:
        """``Timeline 3/7``, and the note (``2013 → 2014``) when there is one."""
        counts = f"{self.label} {self.counts}"
        return f"{counts} · {self.note}" if self.note else counts

    @property
    def counts(self) -> str:
        """``3/7``; ``500+/100000`` while only the first rows of the answer are known."""
        return f"{self.shown}{'+' if self.partial else ''}/{self.total}"

    def count(self, rows: Sequence[int]) -> int:
        """How many entities ``rows`` shows (headings are not entities)."""
        return len(rows)

    def rows_for(self, entity_rows: Sequence[int]) -> Sequence[int]:
        return entity_rows

    def value_of(self, ref: Ref) -> int | None:
        if self.arranged is None or self.arranged.pane_of(ref) != self.pane:
            return None
        return self.arranged.row[self.pane].get(ref.id)

    @property
    def ref(self) -> Ref | None:
        """The entity under the cursor."""
        value = self.value
        if value is None or value < 0 or self.arranged is None:
            return None
        return self.arranged.ref_at(self.pane, value)

    def is_selectable(self, value: int) -> bool:
        return value >= 0

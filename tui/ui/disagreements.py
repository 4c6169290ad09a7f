"""The disagreements pane: title, status and a compact tally of current stances; focused
on an actor, that actor's own stance (or its move since the since date) before the tally."""

from __future__ import annotations

from rich.cells import cell_len

from ..core.model import Kind
from .legend import STATUS_ROLE, tally_pieces
from .movement import held_pieces
from .pane import EntityPane, marked
from .rowlist import Piece, fit, one_line

# Narrow panes: four letters, the arrow showing which way it is going.
SHORT_STATUS = {
    "escalating": "esc↑",
    "easing": "eas↓",
    "open": "open",
    "resolved": "done",
    "dormant": "dorm",
}


class DisagreementsPane(EntityPane):
    pane = Kind.DISAGREEMENT
    label = "Disagreements"
    noun = "disagreements"

    def render_row(self, value: int, width: int) -> list[Piece]:
        assert self.arranged is not None
        return marked(self.arranged, self.pane, value, width, self._draw_row)

    def _draw_row(self, value: int, width: int) -> list[Piece]:
        assert self.arranged is not None
        disagreement = self.arranged.disagreements[value]
        tally = held_pieces(self.arranged, self.focus_ref, disagreement) + tally_pieces(
            disagreement.tally()
        )
        tally_w = sum(cell_len(text) for text, _ in tally)
        status = disagreement.state
        status_w = 10 if width >= 48 else 4
        if status_w == 4:
            status = SHORT_STATUS.get(status, status[:4])
        title_w = width - tally_w - (1 if tally_w else 0) - (status_w + 1 if status_w else 0)
        if title_w < 8:  # too narrow for everything: the title matters most
            tally, tally_w, title_w = [], 0, width - (status_w + 1 if status_w else 0)
        pieces: list[Piece] = []
        if status_w:
            pieces += [(fit(status, status_w), STATUS_ROLE.get(disagreement.state, "")), (" ", "")]
        pieces.append((fit(one_line(disagreement.title), title_w), ""))
        if tally:
            pieces.append((" ", ""))
            pieces += tally
        return pieces

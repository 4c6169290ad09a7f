"""The warnings screen (``w``): rejected documents (local, or sent by a feed), unresolved
references and removed control characters, each naming its file or URL, line and key path."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ..core.merge import Dataset
from ..core.text import sanitise
from ..core.watch import kept_text
from . import keys

if TYPE_CHECKING:
    from ..core.feeds import FeedState


def problem_lines(dataset: Dataset, feeds: Sequence[FeedState] = ()) -> list[tuple[str, str]]:
    """(severity, message) for everything worth telling the analyst about this dataset and
    the ``feeds`` behind it: a feed whose last document was rejected is not in the dataset's
    problems (the copy in use, if any, was read cleanly), so its outcome is listed here."""
    # The severity is shown as its own coloured word, so the text goes without one.
    lines: list[tuple[str, str]] = []
    for layer in dataset.layers:  # saved with mistakes: say what is shown meanwhile
        for document in layer.kept:
            count = sum(p.document == document for p in dataset.problems)
            lines.append(("error", f"{kept_text(document, count)} until they are fixed:"))
    lines += [("error", str(p)) for p in dataset.problems]
    for state in feeds:
        if state.problems and state.last_outcome is not None:
            # The headline (the feed, its URL, which copy stays in use), then each problem.
            lines += [("error", line.strip()) for line in state.last_outcome.lines()]
    lines += [("warning", str(replace(p, warning=False))) for p in dataset.warnings]
    for layer in dataset.layers:
        if layer.sanitised:
            name, _ = sanitise(layer.name)
            lines.append(
                ("warning", f"{name}: {layer.sanitised} control or bidi character(s) removed")
            )
    return lines


class ProblemsScreen(ModalScreen[None]):
    BINDINGS = keys.PROBLEMS_SCREEN

    def __init__(
        self,
        dataset: Dataset | None,
        feeds: Sequence[FeedState] = (),
        *,
        failure: str | None = None,
    ) -> None:
        """``failure``: why no dossier could be loaded at all (``dataset`` is then None)."""
        super().__init__()
        self.dataset = dataset
        self.feeds = feeds
        self.failure = failure

    def compose(self) -> ComposeResult:
        lines = [("error", self.failure)] if self.failure else []
        if self.dataset is not None:
            lines += problem_lines(self.dataset, self.feeds)
        with VerticalScroll(id="problems-body") as body:
            body.border_title = f"Warnings ({len(lines)})"
            body.border_subtitle = "Esc to close"
            if not lines:
                yield Static(Content.styled("Nothing to report: every document was read cleanly.",
                                            "$foreground-muted"))  # fmt: skip
            for severity, text in lines:
                style = "bold $text-error" if severity == "error" else "bold $text-warning"
                yield Static(Content.assemble((f"{severity}: ", style), text), classes="problem")

    def on_mount(self) -> None:
        self.query_one("#problems-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)

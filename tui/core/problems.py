"""Problems found in input, phrased for people: which file or URL, where, and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass

from .text import sanitise


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or worth a warning) in a document, a layer or a config file."""

    document: str  # file path or URL (credentials removed)
    message: str
    path: str = ""  # key path such as events[3].date
    line: int | None = None
    column: int | None = None
    warning: bool = False

    def __str__(self) -> str:
        where = self.document
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.path:
            parts.append(self.path)
        text = ": ".join(parts) + ": " + self.message
        # File names and URLs are untrusted too (a file may be named with an escape
        # sequence): the text a person reads has nothing a terminal would act on.
        text, _ = sanitise(text)
        return ("warning: " + text) if self.warning else text


class FaultlineError(Exception):
    """Base for every error Faultline reports to a person rather than as a traceback."""


class DocumentError(FaultlineError):
    """A document was rejected whole; ``problems`` says why, each naming its place."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

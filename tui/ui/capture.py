"""The capture forms: ``s`` records an actor's stance on a disagreement, ``n`` an event on
the timeline. Keyboard only: Tab and Shift+Tab move between fields, Enter saves, Esc
cancels. What is wrong with a value is said under its field, in the reader's words, and
nothing is written until everything is right; what is saved appears at once (the app
reads the capture file again, as after any save).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static
from textual.worker import Worker, WorkerState

from ..core.authoring import AppendRefused
from ..core.browse import Arranged
from ..core.capture import event_id
from ..core.model import STANCES
from ..core.text import sanitise
from . import keys
from .keygate import gate

MUTED = "$foreground-muted"


@dataclass(frozen=True)
class Field:
    key: str  # the format's key
    label: str
    hint: str = ""
    value: str = ""
    suggestions: Sequence[str] = ()


class RecordStance(Message):
    """``s`` was pressed on a disagreement (and maybe an actor): the app opens the form."""

    def __init__(self, disagreement: str, actor: str | None = None) -> None:
        super().__init__()
        self.disagreement = disagreement
        self.actor = actor


class RecordEvent(Message):
    """``n`` was pressed in the timeline: the app opens the form, these ids filled in."""

    def __init__(self, actors: Sequence[str] = (), disagreements: Sequence[str] = ()) -> None:
        super().__init__()
        self.actors = list(actors)
        self.disagreements = list(disagreements)


# Record a fact: (kind, values) -> nothing, or raises AppendRefused. Called in a thread:
# a capture file may be large, and appending reads and checks it whole.
Record = Callable[[str, dict[str, Any]], None]


class CaptureWritten(Message):
    """A fact was appended to the capture file (``path``): the app reads it again."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path


class CaptureForm(ModalScreen[bool]):
    """A small form over the dashboard; dismissed with True once the fact is recorded."""

    BINDINGS = keys.CAPTURE_FORM
    kind = ""

    def __init__(self, title: str, fields: Sequence[Field], record: Record, target: str) -> None:
        super().__init__(classes="capture-form")
        self.form_title = title
        self.fields = list(fields)
        self.record = record
        self.target = target  # the capture file, for the hint line
        self.saving = False  # the fact is being written: Enter and Esc wait

    def compose(self) -> ComposeResult:
        with Vertical(id="capture-body") as body:
            body.border_title = sanitise(self.form_title)[0]
            body.border_subtitle = "Enter saves · Tab next · Esc cancels"
            for field in self.fields:
                with Horizontal(classes="capture-row"):
                    yield Label(field.label, classes="capture-label", markup=False)
                    yield Input(
                        field.value,
                        placeholder=field.hint,
                        id=f"field-{field.key}",
                        compact=True,
                        suggester=SuggestFromList(field.suggestions, case_sensitive=False)
                        if field.suggestions
                        else None,
                    )
                yield Static("", id=f"error-{field.key}", classes="capture-error", markup=False)
            yield Static("", id="capture-error", classes="capture-error", markup=False)
            yield Static(self._hint(), id="capture-hint")

    def on_mount(self) -> None:
        for widget in self.query(".capture-error"):
            widget.display = False
        first_empty = next((f for f in self.fields if not f.value), self.fields[0])
        self.query_one(f"#field-{first_empty.key}", Input).focus()

    def values(self) -> dict[str, str]:
        return {f.key: self.query_one(f"#field-{f.key}", Input).value.strip() for f in self.fields}

    def show_errors(self, errors: dict[str, str], general: str = "") -> None:
        """Each field's problem under it (blank: none), and one for the whole form."""
        first: Input | None = None
        for field in self.fields:
            message = errors.get(field.key, "")
            line = self.query_one(f"#error-{field.key}", Static)
            line.update(sanitise(message)[0])
            line.display = bool(message)
            if message and first is None:
                first = self.query_one(f"#field-{field.key}", Input)
        overall = self.query_one("#capture-error", Static)
        overall.update(sanitise(general)[0])
        overall.display = bool(general)
        if first is not None:
            first.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def check(self, values: dict[str, str]) -> dict[str, str]:
        """Problems the reader cannot see (ids no layer defines), by key."""
        return {}

    def entity(self, values: dict[str, str]) -> dict[str, Any]:
        """The values as the format's keys hold them."""
        return dict(values)

    def action_save(self) -> None:
        if self.saving:
            return
        values = self.values()
        errors = self.check(values)
        if errors:
            self.show_errors(errors)
            return
        entity = self.entity(values)
        self.show_saving(True)
        # Keys typed ahead of Enter belong to what is shown once it is saved (keygate.py).
        if (keys_gate := gate(self.app)) is not None:
            keys_gate.hold(self)
        self.run_worker(
            lambda: self.record(self.kind, entity),
            name="capture", group="capture", thread=True, exit_on_error=False,
        )  # fmt: skip

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "capture" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.show_saving(False)
        if event.state is WorkerState.SUCCESS:  # the app reads the file again
            replaced = self.replaced(self.values())
            if replaced:
                self.app.notify(sanitise(replaced)[0], severity="warning", timeout=12, markup=False)
            self.dismiss(True)
            return
        if (keys_gate := gate(self.app)) is not None:
            keys_gate.go_on(self)  # not saved: the keys held go to the form
        refused = worker.error
        if not isinstance(refused, AppendRefused):
            self.show_errors({}, f"not saved: {refused}")
            return
        # The reader's words, under the field they are about ("sources" is the stance
        # form's one source); anything else under the form.
        keys = {f.key for f in self.fields}
        placed = {("source" if k == "sources" else k): m for k, m in refused.fields.items()}
        placed = {k: m for k, m in placed.items() if k in keys}
        general = "" if placed else "; ".join(str(p) for p in refused.problems[:3])
        self.show_errors(placed, general)

    def show_saving(self, saving: bool) -> None:
        """While the fact is written the fields are read-only and the hint says so."""
        self.saving = saving
        for field in self.fields:
            self.query_one(f"#field-{field.key}", Input).disabled = saving
        hint = f"Saving to {sanitise(self.target)[0]}…" if saving else self._hint()
        self.query_one("#capture-hint", Static).update(hint)
        if not saving and self.focused is None:  # the disabled field lost the focus
            self.query_one(f"#field-{self.fields[0].key}", Input).focus()

    def _hint(self) -> Content:
        return Content.styled(f"Saved to {sanitise(self.target)[0]}", MUTED)

    def replaced(self, values: dict[str, str]) -> str:
        """What the recorded fact replaces elsewhere (same identity), to say so; "" none."""
        return ""

    def action_cancel(self) -> None:
        if not self.saving:  # a fact half written is not abandoned: it is checked, then saved
            self.dismiss(False)


class StanceForm(CaptureForm):
    """An actor's stance on one disagreement, as of a date (today unless changed)."""

    kind = "position"

    def __init__(
        self, arranged: Arranged, disagreement: str, actor: str | None, record: Record, target: str
    ) -> None:
        self.arranged = arranged
        self.disagreement = disagreement
        found = arranged.dataset.disagreements.get(disagreement)
        title = found.title if found is not None else disagreement
        stances = ", ".join(STANCES)
        fields = [
            Field("actor", "Actor", "an actor id: kz, ru…", actor or "",
                  sorted(arranged.dataset.actors)),
            Field("stance", "Stance", stances, "", STANCES),
            Field("as_of", "As of", "2013-01-18, 2013-01, 2013, 2013~, ../2025",
                  datetime.date.today().isoformat()),
            Field("summary", "Summary", "optional: in your words"),
            Field("quote", "Quote", "optional: verbatim, as the source says it"),
            Field("source", "Source", "optional: a source id",
                  suggestions=sorted(arranged.dataset.sources)),
        ]  # fmt: skip
        super().__init__(f"Record a stance on “{title}”", fields, record, target)

    def check(self, values: dict[str, str]) -> dict[str, str]:
        data = self.arranged.dataset
        errors = {}
        actor = values["actor"]
        if not actor:
            errors["actor"] = "whose stance? an actor id is required"
        elif actor not in data.actors:
            errors["actor"] = f"no actor '{actor}' in the dossier"
        if not values["stance"]:
            errors["stance"] = f"required: one of {', '.join(STANCES)}"
        if values["source"] and values["source"] not in data.sources:
            errors["source"] = f"no source '{values['source']}' in the dossier"
        return errors

    def replaced(self, values: dict[str, str]) -> str:
        # Same disagreement, actor and as_of: the new position replaces that one (the
        # default as_of is today, so a second stance today replaces the first).
        found = self.arranged.dataset.disagreements.get(self.disagreement)
        if found is None:
            return ""
        held = (values["actor"], values["as_of"] or None)
        old = next((p for p in found.positions if p.held == held), None)
        if old is None:
            return ""
        where = old.origin or found.origin
        return (
            f"This replaces {values['actor']}'s {old.stance} position as of "
            f"{values['as_of']}{f' written at {where}' if where else ''}: a change of "
            "stance is a new position with a later as_of."
        )

    def entity(self, values: dict[str, str]) -> dict[str, Any]:
        source = values.pop("source")
        return {
            "disagreement": self.disagreement,
            **values,
            "sources": [source] if source else [],
        }


class EventForm(CaptureForm):
    """An event on the timeline: title, date in any EDTF form, actors, disagreements."""

    kind = "event"

    def __init__(
        self,
        arranged: Arranged,
        actors: Sequence[str],
        disagreements: Sequence[str],
        record: Record,
        target: str,
    ) -> None:
        self.arranged = arranged
        fields = [
            Field("title", "Title", "what happened"),
            Field("date", "Date", "2013-01-18, 2013-01, 2013, 2013-05?, 2013-01/2025, ../2025",
                  datetime.date.today().isoformat()),
            Field("actors", "Actors", "ids, separated by commas: kz, ru", ", ".join(actors)),
            Field("disagreements", "Disagreements", "ids, separated by commas",
                  ", ".join(disagreements)),
        ]  # fmt: skip
        super().__init__("Record an event", fields, record, target)

    def check(self, values: dict[str, str]) -> dict[str, str]:
        data = self.arranged.dataset
        errors = {}
        if not values["title"]:
            errors["title"] = "required: what happened"
        for key, known in (("actors", data.actors), ("disagreements", data.disagreements)):
            unknown = [i for i in _ids(values[key]) if i not in known]
            if unknown:
                noun = key[:-1]
                errors[key] = f"no {noun} {', '.join(repr(i) for i in unknown)} in the dossier"
        return errors

    def entity(self, values: dict[str, str]) -> dict[str, Any]:
        ident = event_id(values["title"], values["date"], self.arranged.dataset.events)
        return {
            "id": ident,
            "title": values["title"],
            "date": values["date"],
            "actors": _ids(values["actors"]),
            "disagreements": _ids(values["disagreements"]),
        }


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]

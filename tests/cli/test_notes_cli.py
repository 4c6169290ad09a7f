"""``faultline notes export`` (a JSON backup) and ``export --format md --notes`` (the
brief with the analyst's notes at the end, as literal text)."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run_faultline

from tui.core.model import Kind
from tui.core.notes import add_note
from tui.core.userstate import StateStore

DOSSIER = 'format = "faultline/1"\n[[actors]]\nid = "kz"\nname = "Kazakhstan"\nkind = "state"\n'


def noted(tmp_path: Path, text: str) -> None:
    (tmp_path / "x.toml").write_text(DOSSIER)
    StateStore(tmp_path / "state").update(lambda s: add_note(s, Kind.ACTOR, "kz", text))


def test_notes_export_writes_every_note_as_json(tmp_path: Path) -> None:
    noted(tmp_path, "ask about the grain deal")
    run = run_faultline(tmp_path, "notes", "export")
    assert run.returncode == 0, run.stderr
    body = json.loads(run.stdout)
    assert body["format"] == "faultline-notes"
    [entity] = body["entities"]
    assert (entity["kind"], entity["id"]) == ("actors", "kz")
    assert entity["notes"][0]["text"] == "ask about the grain deal"


def test_the_brief_has_the_notes_only_when_asked_and_as_literal_text(tmp_path: Path) -> None:
    noted(tmp_path, "see <b>this</b> *now* [link](http://x)")
    plain = run_faultline(tmp_path, "export", "--format", "md", "--data", "x.toml")
    assert plain.returncode == 0 and "My notes" not in plain.stdout
    brief = run_faultline(tmp_path, "export", "--format", "md", "--notes", "--data", "x.toml")
    assert brief.returncode == 0, brief.stderr
    section = brief.stdout.split("## My notes", 1)[1]
    assert "- Actor Kazakhstan (kz):" in section
    assert r"see \<b\>this\</b\> \*now\* \[link\](http://x)" in section
    refused = run_faultline(tmp_path, "export", "--format", "json", "--notes", "--data", "x.toml")
    assert refused.returncode == 2 and "--notes is for the md brief" in refused.stderr

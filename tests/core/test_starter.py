"""``faultline new``: a starter dossier that validates as written, shows what every
optional key takes, points editors at the schema, and never overwrites a file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui.cli import main
from tui.core.formatschema import FILE_NAME, schema_text
from tui.core.loading import load

pytestmark = pytest.mark.usefixtures("empty_workdir")


def test_the_starter_validates_strictly_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "belarus.toml"
    assert main(["new", str(path), "--title", 'Belarus and the "Union"\x1b[2J\nnext']) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"wrote {path} and {tmp_path / FILE_NAME}"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"#:schema ./{FILE_NAME}"
    assert (tmp_path / FILE_NAME).read_text(encoding="utf-8") == schema_text()
    assert main(["validate", "--strict", str(path)]) == 0
    dataset = load([path])
    assert dataset.meta.title == 'Belarus and the "Union"[2J next'
    assert dataset.counts() == {
        "sources": 1, "actors": 2, "disagreements": 1, "events": 1,
    }  # fmt: skip
    assert len(dataset.disagreements["example-question"].positions) == 1


def test_every_key_commented_out_is_a_real_key_with_a_valid_example(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    assert main(["new", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    optional = re.findall(r"^# ([a-z_]+) = ", text, re.MULTILINE)
    assert len(optional) >= 25
    path.write_text(re.sub(r"^# ([a-z_]+ = )", r"\1", text, flags=re.MULTILINE))
    dataset = load([path])
    assert not dataset.problems  # every key known and every example value valid
    unresolved = {w.message.split("'")[1] for w in dataset.warnings}
    assert unresolved == {"another-actor-id"}  # the placeholders, and nothing else


def test_new_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mine.toml"
    path.write_text("# my work\n", encoding="utf-8")
    assert main(["new", str(path)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"faultline: new: {path} exists; nothing was overwritten"
    )
    assert path.read_text(encoding="utf-8") == "# my work\n"
    assert not (tmp_path / FILE_NAME).exists()
    assert main(["new", str(tmp_path / "x.json")]) == 2


def test_an_existing_schema_beside_it_is_kept(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text("{}", encoding="utf-8")
    assert main(["new", str(tmp_path / "second.toml")]) == 0
    assert (tmp_path / FILE_NAME).read_text(encoding="utf-8") == "{}"


@pytest.mark.parametrize(
    ("name", "shown"), [("my dossier.toml", "'my dossier.toml'"), ("-x.toml", "./-x.toml")]
)
def test_the_next_steps_are_commands_that_paste_into_a_shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, name: str, shown: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "--", name]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        f"next: edit {shown}, check it with: faultline validate {shown}; "
        f"open it with: faultline --data {shown}"
    )
    assert main(["validate", shown.strip("'")]) == 0  # as pasted, once the shell unquotes it


def test_an_older_schema_beside_it_is_kept_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / FILE_NAME).write_text('{"title": "an older faultline/1 schema"}\n')
    assert main(["new", "d.toml"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        f"note: {FILE_NAME} was kept and differs from this version's schema; update it "
        f"with: faultline schema -o {FILE_NAME}"
    )
    assert (tmp_path / FILE_NAME).read_text() == '{"title": "an older faultline/1 schema"}\n'
    assert main(["schema", "-o", FILE_NAME]) == 0  # updated as the note says
    capsys.readouterr()
    assert main(["new", "e.toml"]) == 0  # the same schema: nothing to say
    assert "note:" not in capsys.readouterr().out

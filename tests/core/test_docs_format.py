"""docs/format.md, the data format in our words: its examples are checked by the reader,
and it names every value of every enumeration the schema checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import FORMAT_TEXT, INVALID, VALID, doc_blocks, doc_examples

from tui.cli import main
from tui.core import model, schema
from tui.core.loading import read_file
from tui.core.problems import DocumentError

# No user config or cache leaks in: each test runs from an empty directory.
pytestmark = pytest.mark.usefixtures("empty_workdir")


def validate_strict(body: str, path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path.write_text(body, encoding="utf-8")
    code = main(["validate", "--strict", str(path)])
    out = capsys.readouterr()
    assert code == 0, f"{path.name} should be valid:\n{out.out}{out.err}"


def test_the_doc_has_examples_of_each_kind() -> None:
    assert len(doc_examples(VALID)) >= 5
    assert len(doc_examples(INVALID)) >= 3
    assert doc_blocks("json")
    # every TOML block says what it is, so none escapes the checks below
    for line, body in doc_blocks("toml"):
        first = body.splitlines()[0].strip()
        assert first in (VALID, INVALID), f"format.md:{line}: unmarked TOML block"


@pytest.mark.parametrize("body", doc_examples(VALID))
def test_valid_examples_validate_without_warnings(
    body: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    validate_strict(body, tmp_path / "example.toml", capsys)


@pytest.mark.parametrize("body", doc_examples(INVALID))
def test_invalid_examples_are_rejected(body: str, tmp_path: Path) -> None:
    path = tmp_path / "example.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(DocumentError):
        read_file(path)


def test_json_examples_are_valid_feeds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for line, body in doc_blocks("json"):
        assert json.loads(body)["format"] == model.FORMAT, f"format.md:{line}: a feed needs format"
        validate_strict(body, tmp_path / f"example-{line}.json", capsys)


def schema_enumerations() -> dict[str, tuple[str, ...]]:
    """Each enumeration the schema checks, by the key path that uses it (``actors.kind``).

    schema.py checks an enumerated key with ``one_of(choices)``, a converter closing over
    the tuple of allowed values (the tuples themselves live in model.py); the record
    specs are the module's ``*_FIELDS`` dicts."""
    found: dict[str, tuple[str, ...]] = {}
    for spec_name, spec in vars(schema).items():
        if not spec_name.endswith("_FIELDS"):
            continue
        for key, convert in spec.items():
            if convert.__qualname__.startswith("one_of."):
                (choices,) = [
                    cell.cell_contents
                    for cell in convert.__closure__ or ()
                    if isinstance(cell.cell_contents, tuple)
                ]
                found[f"{spec_name.removesuffix('_FIELDS').lower()}.{key}"] = choices
    return found


ENUMERATIONS = schema_enumerations()


def test_the_schemas_enumerations_are_found() -> None:
    """Actor kinds, stances, event types and statuses, disagreement statuses,
    likelihoods, confidence, source kinds and reliability: all nine."""
    assert set(ENUMERATIONS.values()) == {
        model.ACTOR_KINDS, model.STANCES, model.EVENT_TYPES, model.EVENT_STATUSES,
        model.DISAGREEMENT_STATUSES, model.LIKELIHOOD, model.CONFIDENCE,
        model.SOURCE_KINDS, model.RELIABILITY,
    }  # fmt: skip


@pytest.mark.parametrize("name", ENUMERATIONS)
def test_every_enumeration_value_is_documented(name: str) -> None:
    missing = [v for v in ENUMERATIONS[name] if f"`{v}`" not in FORMAT_TEXT]
    assert not missing, f"{name} values missing from docs/format.md: {missing}"

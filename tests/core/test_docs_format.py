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

    schema.py checks an enumerated key with ``one_of(choices)``, which registers the
    allowed values in ``schema.SHAPES`` (the tuples themselves live in model.py); the
    record specs are the module's ``*_FIELDS`` dicts."""
    found: dict[str, tuple[str, ...]] = {}
    for spec_name, spec in vars(schema).items():
        if not spec_name.endswith("_FIELDS"):
            continue
        for key, convert in spec.items():
            choices = schema.SHAPES.get(convert, {}).get("enum")
            if choices:
                found[f"{spec_name.removesuffix('_FIELDS').lower()}.{key}"] = tuple(choices)
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
def test_every_enumeration_value_is_documented_with_its_meaning(name: str) -> None:
    """Each value has a row of its own in a table that says what it means."""
    missing = [v for v in ENUMERATIONS[name] if f"\n| `{v}` | " not in FORMAT_TEXT]
    assert not missing, f"{name} values without a row of their own in docs/format.md: {missing}"


def section(heading: str) -> str:
    """The text of docs/format.md under ``heading`` (a whole line), up to the next
    heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = FORMAT_TEXT.index(f"\n{heading}\n")
    ends = [FORMAT_TEXT.find(f"\n{'#' * n} ", start + 1) for n in range(1, len(level) + 1)]
    end = min((e for e in ends if e != -1), default=len(FORMAT_TEXT))
    return FORMAT_TEXT[start:end]


# Where each kind of table is described, and the keys the reader accepts in it.
SECTIONS = [
    pytest.param("## The document", schema.TOP_KEYS, id="top level"),
    pytest.param("## The document", (*schema.META_FIELDS, "$schema"), id="meta"),
    pytest.param(
        "## sources and citations", (*schema.SOURCE_FIELDS, *schema.CITATION_FIELDS), id="sources"
    ),
    pytest.param("## actors", tuple(schema.ACTOR_FIELDS), id="actors"),
    pytest.param("## disagreements", tuple(schema.DISAGREEMENT_FIELDS), id="disagreements"),
    pytest.param("## positions", tuple(schema.POSITION_FIELDS), id="positions"),
    pytest.param(
        "### Positions at the top level", tuple(schema.TOP_POSITION_FIELDS), id="top positions"
    ),
    pytest.param("## events", tuple(schema.EVENT_FIELDS), id="events"),
]


@pytest.mark.parametrize(("heading", "keys"), SECTIONS)
def test_every_key_the_reader_accepts_is_described_where_its_table_is(
    heading: str, keys: tuple[str, ...]
) -> None:
    text = section(heading)
    if heading == "### Positions at the top level":
        text += section("## positions")  # "and otherwise the keys of the table above"
    missing = [key for key in keys if f"`{key}`" not in text]
    assert not missing, f"{heading}: keys missing from docs/format.md: {missing}"


def test_the_keys_of_each_table_are_rows_with_type_and_whether_required() -> None:
    rows = {
        "## sources and citations": schema.SOURCE_FIELDS,
        "## actors": schema.ACTOR_FIELDS,
        "## disagreements": schema.DISAGREEMENT_FIELDS,
        "## positions": schema.POSITION_FIELDS,
        "## events": schema.EVENT_FIELDS,
    }
    required = {cls.__name__.lower(): need for _, cls, _, need in schema.KINDS}
    required["position"] = ("actor", "stance")
    for heading, spec in rows.items():
        kind = heading.split()[1].removesuffix("s")
        text = section(heading)
        for key in spec:
            row = next((r for r in text.splitlines() if r.startswith(f"| `{key}` |")), None)
            assert row is not None, f"{heading}: no row for {key}"
            cells = [c.strip() for c in row.split("|")[1:-1]]
            assert cells[1], f"{heading}: {key} has no type"
            want = "yes" if key in required[kind] else "no"
            assert cells[2] == want, f"{heading}: {key} required should say {want}"

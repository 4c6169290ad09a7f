"""The JSON Schema of faultline/1 (for editors) agrees with the reader: it accepts the
shipped dossier and every valid example, and rejects each structural error the reader
rejects. It is made from schema.py; the shipped copy is that, exactly."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import tomli
from helpers import VALID, doc_blocks, doc_examples

from tui.cli import main
from tui.core.export import to_json
from tui.core.formatschema import SHIPPED, json_schema, schema_text
from tui.core.loading import document_files, load, read_file
from tui.core.paths import default_dossier
from tui.core.problems import DocumentError

VALIDATOR = jsonschema.Draft202012Validator(json_schema())


def as_instance(toml_text: str) -> Any:
    """A TOML document as an editor's schema check sees it: TOML dates as strings."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if type(value) is datetime.date:
            return value.isoformat()
        return value

    return plain(tomli.loads(toml_text))


def errors(instance: Any) -> list[str]:
    return [error.message for error in VALIDATOR.iter_errors(instance)]


def test_the_schema_is_a_valid_draft_2020_12_schema_and_the_shipped_copy_is_current() -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema())
    assert json_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SHIPPED.read_text(encoding="utf-8") == schema_text(), (
        "regenerate: python -c 'from tui.core.formatschema import *; "
        "SHIPPED.write_text(schema_text())'"
    )


def test_faultline_schema_prints_it_and_writes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], empty_workdir: Path
) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == schema_text()
    out = tmp_path / "faultline.schema.json"
    assert main(["schema", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == schema_text()


def test_accepts_the_shipped_dossier_and_its_exports(tmp_path: Path) -> None:
    files = document_files(default_dossier())
    assert files
    for file in files:
        assert errors(as_instance(file.read_text(encoding="utf-8"))) == []
    dataset = load([default_dossier()])
    for form in ("nested", "top"):
        assert errors(json.loads(to_json(dataset, form))) == []


@pytest.mark.parametrize("body", doc_examples(VALID))
def test_accepts_every_valid_example_of_the_format_page(body: str) -> None:
    assert errors(as_instance(body)) == []


def test_accepts_the_json_examples_top_level_positions_and_a_schema_key(tmp_path: Path) -> None:
    for _, body in doc_blocks("json"):
        assert errors(json.loads(body)) == []
    assert errors(as_instance(ACTOR + DISAGREEMENT + POSITION)) == []
    document = {"$schema": "./faultline-1.schema.json", "format": "faultline/1", "actors": []}
    assert errors(document) == []
    path = tmp_path / "with-schema.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    read_file(path)  # the reader takes $schema too


ACTOR = '[[actors]]\nid = "kz"\nname = "Kazakhstan"\nkind = "state"\n'
DISAGREEMENT = '[[disagreements]]\nid = "d"\ntitle = "D?"\n'
POSITION = '[[positions]]\ndisagreement = "d"\nactor = "kz"\nstance = "oppose"\n'
EVENT = '[[events]]\nid = "e"\ntitle = "Talks"\ndate = 2013-01-18\n'

# One structural error each, in a document otherwise valid.
STRUCTURAL = {
    "unknown top-level key": 'settings = "x"\n',
    "wrong format": 'format = "faultline/2"\n',
    "unknown key in a table": ACTOR + 'summery = "typo"\n',
    "missing required key": '[[actors]]\nid = "kz"\nname = "Kazakhstan"\n',
    "missing disagreement of a top-level position": POSITION.replace('disagreement = "d"\n', ""),
    "id pattern": ACTOR.replace('"kz"', '"KZ"'),
    "id too long": ACTOR.replace('"kz"', '"' + "k" * 65 + '"'),
    "empty name": ACTOR.replace('"Kazakhstan"', '""'),
    "name too long": ACTOR.replace('"Kazakhstan"', '"' + "n" * 301 + '"'),
    "text too long": ACTOR + 'summary = "' + "s" * 20_001 + '"\n',
    "enumeration": ACTOR.replace('"state"', '"nation"'),
    "stance": POSITION.replace("oppose", "against"),
    "PLOVER type in lower case": EVENT + 'type = "reject"\n',
    "likelihood": EVENT + 'status = "expected"\nlikelihood = "probable"\n',
    "reliability": '[[sources]]\nid = "s"\ntitle = "S"\nreliability = "G"\n',
    "country": ACTOR + 'country = "KZ"\n',
    "wikidata": ACTOR + 'wikidata = "232"\n',
    "url scheme": '[[sources]]\nid = "s"\ntitle = "S"\nurl = "ftp://example.org/x"\n',
    "url with a space": '[[sources]]\nid = "s"\ntitle = "S"\nurl = "https://example.org/a b"\n',
    "score out of range": POSITION + "score = 4\n",
    "salience as a string": POSITION + 'salience = "5"\n',
    "credibility out of range": POSITION + 'sources = [{ id = "s", credibility = 7 }]\n',
    "unknown key in a citation": POSITION + 'sources = [{ id = "s", page = 3 }]\n',
    "citation not a string or table": POSITION + "sources = [3]\n",
    "unquoted year (an integer)": EVENT.replace("2013-01-18", "2025"),
    "date form": EVENT.replace("2013-01-18", '"18/01/2013"'),
    "month 13": EVENT.replace("2013-01-18", '"2013-13"'),
    "open at both ends": EVENT.replace("2013-01-18", '"../.."'),
    "date with a time": EVENT.replace("2013-01-18", "2013-01-18T10:00:00"),
    "array expected": ACTOR + 'aliases = "Astana"\n',
    "id list item": EVENT + "actors = [1]\n",
    "positions not an array": 'positions = "none"\n',
    "meta title wrong type": "[meta]\ntitle = 3\n",
    "$schema not a string": '"$schema" = 1\n',
}


@pytest.mark.parametrize("body", STRUCTURAL.values(), ids=STRUCTURAL.keys())
def test_rejects_each_structural_error_the_reader_rejects(body: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(DocumentError):
        read_file(path)
    assert errors(as_instance(body)), "the schema accepted what the reader refuses"

"""Exports: faultline/1 JSON and TOML read back to the same dataset; md and csv are for people."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from tui.core.export import export, to_markdown
from tui.core.loading import load
from tui.core.paths import default_dossier

HOSTILE = """\
format = "faultline/1"

[meta]
title = "Hostile [b]dossier[/b]"
x_team = "red"

[[sources]]
id = "s"
title = "<script>alert(1)</script>"
url = "https://example.org/x?a=1&b=2"

[[actors]]
id = "a"
name = "=HYPERLINK(\\"http://evil\\")"
kind = "other"
aliases = ["[@click=app.quit]"]

[[disagreements]]
id = "d"
title = "d"

[[disagreements.positions]]
actor = "a"
stance = "mixed"
as_of = "2012?"
sources = [{ id = "s", locator = "p. 3", credibility = 3, x_quote = "q" }]

[[events]]
id = "e"
title = "+1 then -1"
date = "2013-01/.."
summary = "line one\\nline two"
actors = ["a"]
sources = ["s"]
x_raw = { nested = [1, 2] }
"""


@pytest.fixture(params=["default", "hostile"])
def dataset(request, tmp_path: Path):
    if request.param == "default":
        return load([default_dossier()])
    path = tmp_path / "hostile.toml"
    path.write_text(HOSTILE, encoding="utf-8")
    return load([path])


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_export_reads_back_to_the_same_dataset(dataset, fmt: str, tmp_path: Path) -> None:
    assert dataset.events, "the fixture must hold data"
    out = tmp_path / f"export.{fmt}"
    out.write_text(export(dataset, fmt), encoding="utf-8")
    again = load([out])
    assert not again.problems
    assert again.content() == dataset.content()
    # extensions survive too (they are not part of equality, so check them directly)
    for kind_table, again_table in zip(
        (dataset.sources, dataset.actors, dataset.disagreements, dataset.events),
        (again.sources, again.actors, again.disagreements, again.events),
        strict=True,
    ):
        for ident, entity in kind_table.items():
            assert again_table[ident].extra == entity.extra


def test_markdown_brief_shows_positions_timeline_and_neutralises_markup(tmp_path: Path) -> None:
    path = tmp_path / "hostile.toml"
    path.write_text(HOSTILE, encoding="utf-8")
    brief = to_markdown(load([path]))
    assert brief.startswith("# Hostile \\[b\\]dossier\\[/b\\]\n")
    assert "Source: [1] p. 3 (F3)." in brief
    assert "\n1. \\<script\\>alert(1)\\</script\\>. Reliability F." in brief
    # A leading = or + is escaped: harmless mid-line, a block marker at the start of one.
    assert '- ◆ **\\=HYPERLINK("http://evil")** is mixed (as of 2012?).' in brief
    assert '- **\\=HYPERLINK("http://evil")** (other; also \\[@click=app.quit\\]).' in brief
    assert "- **2013-01/..**: \\+1 then -1. By \\=HYPERLINK" in brief
    assert "line one line two. Source: [1] (F)." in brief


def test_markdown_brief_of_default_dossier_is_the_golden_brief() -> None:
    """The brief of the shipped dossier, compared exactly with tests/golden/.

    After a deliberate change to the brief (read the diff as an analyst would), regenerate:
    ``python -m tui export -f md --data @default -o tests/golden/brief-kazakhstan-2013.md``
    """
    golden = Path(__file__).parents[1] / "golden" / "brief-kazakhstan-2013.md"
    assert to_markdown(load([default_dossier()])) == golden.read_text(encoding="utf-8")


def test_markdown_brief_reads_as_a_brief() -> None:
    """What an analyst would send: each heading stands apart; a sentence ends before
    "Sources:"; an earlier position is said as such; actors have their summaries; events
    say who acted; a source's long title is written once, under Sources."""
    brief = to_markdown(load([default_dossier()]))
    lines = brief.splitlines()
    for n, line in enumerate(lines[1:], 1):
        if line.startswith("#"):
            assert lines[n - 1] == "" and lines[n + 1] == "", line
    assert not re.search(r"[^.!?] Sources?:", brief)
    assert ") (earlier)" not in brief
    assert "  - Earlier, as of 2012-09: oppose (moderate confidence). Objections" in brief
    assert (
        "- **Kazakh public** (group; also Public opinion in Kazakhstan, Kazakh consumers). "
        "Unhappy that groceries" in brief
    )
    assert (
        "By Nursultan Nazarbayev and Kazakhstan, towards Eurasian Union and Russia, in "
        "Astana." in brief
    )
    assert brief.count("Kazakhstan distances itself from Moscow’s integration projects") == 1
    assert "16 actors, 5 disagreements, 7 events, 1 source.\n" in brief


def test_csv_is_the_timeline_one_event_a_row_without_live_formulas(tmp_path: Path) -> None:
    path = tmp_path / "hostile.toml"
    path.write_text(HOSTILE.replace('title = "+1 then -1"', 'title = "=1+1"'), encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(export(load([path]), "csv"))))
    assert len(rows) == 1
    assert rows[0]["title"] == "'=1+1"
    assert rows[0]["date"] == "2013-01/.."
    assert rows[0]["summary"] == "line one\nline two"


def test_csv_of_default_dossier_lists_events_in_timeline_order() -> None:
    dataset = load([default_dossier()])
    rows = list(csv.DictReader(io.StringIO(export(dataset, "csv"))))
    assert [r["id"] for r in rows] == [e.id for e in dataset.timeline]
    assert rows[-1]["id"] == "latin-alphabet-target" and rows[-1]["status"] == "planned"


def test_csv_neutralises_tab_led_formulas(tmp_path: Path) -> None:
    path = tmp_path / "tab.toml"
    path.write_text('[[events]]\nid = "e"\ntitle = "t"\ndate = "2013"\nlocation = "\\t@SUM(1)"\n')
    (row,) = csv.DictReader(io.StringIO(export(load([path]), "csv")))
    assert row["location"] == "'\t@SUM(1)"


def test_toml_dates_in_extensions_export_to_json_as_text(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text('[[events]]\nid = "e"\ntitle = "t"\ndate = "2013"\nx_when = 2013-01-18\n')
    document = json.loads(export(load([path]), "json"))
    assert document["events"][0]["x_when"] == "2013-01-18"


def test_the_brief_shows_only_the_grade_that_was_given(tmp_path: Path) -> None:
    """A bare citation of a source graded B is B, not B6; B6 when credibility 6 was written."""
    doc = tmp_path / "graded.toml"
    doc.write_text(
        '[[sources]]\nid = "wire"\ntitle = "Wire report"\nreliability = "B"\n'
        '[[events]]\nid = "bare"\ntitle = "Bare"\ndate = "2020"\nsources = ["wire"]\n'
        '[[events]]\nid = "six"\ntitle = "Six"\ndate = "2021"\n'
        'sources = [{ id = "wire", credibility = 6 }]\n'
    )
    brief = to_markdown(load([doc]))
    assert "Bare. Source: [1] (B).\n" in brief
    assert "Six. Source: [1] (B6).\n" in brief


def test_the_brief_gains_an_alignment_table_when_asked() -> None:
    dataset = load([default_dossier()])
    brief = to_markdown(dataset, alignment=True)
    plain = to_markdown(dataset)
    assert "Who sides with whom" not in plain
    section = brief[brief.index("## Who sides with whom") : brief.index("## Timeline")]
    assert "S = 1 − Σ\\|xa − xb\\| / (2n)" in section  # how it is computed, escaped
    assert "| Actor | Closest ally | S | n | Furthest opponent | S | n |" in section
    assert "| Kazakhstan | Nursultan Nazarbayev | 1.00 | 2 | Russia | 0.00 | 2 |" in section
    assert "| Russia | none | |  | Kazakhstan | 0.00 | 2 |" in section
    assert "No pair scored (too few shared known stances): Belarus," in section
    # Everything else is the brief as it was.
    assert brief.replace(section, "") == plain


def test_a_name_in_the_alignment_table_cannot_break_it(tmp_path: Path) -> None:
    doc = tmp_path / "d.toml"
    positions = "\n".join(
        f'[[positions]]\ndisagreement = "q{j}"\nactor = "{a}"\nstance = "{s}"\n'
        for j in range(2)
        for a, s in (("a", "support"), ("b", "oppose"))
    )
    doc.write_text(
        '[[actors]]\nid = "a"\nname = "A | B"\nkind = "other"\n'
        '[[actors]]\nid = "b"\nname = "C"\nkind = "other"\n'
        + "".join(f'[[disagreements]]\nid = "q{j}"\ntitle = "Q{j}"\n' for j in range(2))
        + positions
    )
    brief = to_markdown(load([doc]), alignment=True)
    row = next(line for line in brief.splitlines() if line.startswith("| A "))
    assert row == "| A \\| B | none | |  | C | 0.00 | 2 |"

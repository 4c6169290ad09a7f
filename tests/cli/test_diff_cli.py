"""``faultline diff`` and ``export --as-of / --since``: movement for scripts and briefs."""

from __future__ import annotations

import json

import pytest
from helpers import MOVEMENT

from tui.cli import main

pytestmark = pytest.mark.usefixtures("empty_workdir")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--data", str(MOVEMENT), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_diff_text_names_both_positions_and_their_citations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "diff", "--since", "2025")
    assert code == 0
    assert out.splitlines() == [
        "Moved since 2025: 1 stance",
        (
            "◆→▼ Venezuela on Sovereignty over Essequibo: mixed (as of 2015) → oppose "
            "(as of 2025-05-01)"
        ),
        "    before: osw para 2 (B2)",
        "    after: reuters (A)",
    ]


def test_diff_until_and_first_stances(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", "--since", "2024", "--until", "2024-12")
    assert code == 0
    assert "·→▲ Guyana on Sovereignty over Essequibo: no position → support (as of 2024-06)" in out
    assert "Venezuela" not in out  # its move came in 2025
    code, out, _ = run(capsys, "diff", "--since", "2025", "--until", "2025-04")
    assert out.splitlines() == ["Moved since 2025 until 2025-04: 0 stances"]


def test_diff_json_gives_both_positions_as_records(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", "--since", "2025", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["since"] == "2025" and document["until"] is None
    (move,) = document["moves"]
    assert (move["actor"], move["disagreement"], move["move"]) == ("ve", "essequibo", "◆→▼")
    assert move["before"]["stance"] == "mixed"
    assert move["before"]["sources"] == [{"id": "osw", "locator": "para 2", "credibility": 2}]
    assert move["after"]["as_of"] == "2025-05-01" and move["after"]["sources"] == ["reuters"]


def test_diff_md_is_the_briefs_section_with_its_sources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "diff", "--since", "2025", "-f", "md")
    assert code == 0
    assert out.splitlines() == [
        "## Moved since 2025",
        "",
        (
            "- ◆→▼ **Venezuela** on *Sovereignty over Essequibo*: ◆ mixed (as of 2015; source: "
            "[1] para 2 (B2)) → ▼ oppose (as of 2025-05-01; high confidence; source: [2] (A))."
        ),
        "",
        "## Sources",
        "",
        "1. OSW commentary. Reliability B.",
        "2. Reuters report. Reliability A.",
    ]


def test_diff_refuses_a_bad_date_or_an_until_before_since(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "diff", "--since", "2025-13")
    assert exit_.value.code == 2
    assert "argument --since: '2025-13' is not a date (there is no month 13)" in (
        capsys.readouterr().err
    )
    code, _, err = run(capsys, "diff", "--since", "2025", "--until", "2024")
    assert code == 2
    assert "--until 2024 is before --since 2025" in err


def test_export_as_of_is_the_brief_of_that_day(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "export", "--format", "md", "--as-of", "2025-05")
    assert code == 0
    assert "As of 2025-05." in out
    assert "▼ **Venezuela** opposes" in out
    assert "Court ruling" not in out  # 3 June 2025 had not happened
    assert "Vote expected" in out  # expected then as now
    code, out, _ = run(capsys, "export", "--format", "md", "--as-of", "2020")
    assert "◆ **Venezuela** is mixed" in out and "Guyana" not in out.split("## Timeline")[0]


def test_export_md_since_adds_moved_since(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "export", "--format", "md", "--since", "2025")
    assert code == 0
    assert out.index("## Moved since 2025") < out.index("## Disagreements")
    assert "◆→▼ **Venezuela**" in out
    code, _, err = run(capsys, "export", "--format", "json", "--since", "2025")
    assert code == 2 and "use --format md" in err


def test_export_as_of_json_reads_back_with_the_positions_of_then(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "export", "--format", "json", "--as-of", "2020")
    assert code == 0
    document = json.loads(out)
    assert document["meta"]["as_of"] == "2020"
    (essequibo,) = document["disagreements"]
    assert [p["actor"] for p in essequibo["positions"]] == ["ve", "us"]
    assert [e["id"] for e in document["events"]] == ["vote"]

"""``faultline import``: as a person runs it, in a subprocess, from an empty directory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import IMPORT_FIXTURES, run_faultline

EXPORT = IMPORT_FIXTURES / "20130118160000.export.CSV"
MAP = IMPORT_FIXTURES / "kz-map.toml"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    for name in (EXPORT, MAP):
        shutil.copy(name, tmp_path / name.name)
    return tmp_path


def test_import_writes_a_document_validate_accepts_as_a_layer(work: Path) -> None:
    done = run_faultline(work, "import", "gdelt", EXPORT.name, "-o", "day.json", "--map", MAP.name)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"{EXPORT.name}: read 9 rows: kept 6, filtered out 0, skipped 3 bad",
        "wrote day.json: 6 events, 3 actors, 5 sources",
    ]
    assert done.stderr.splitlines() == [
        f"{EXPORT.name}:4: 30 columns, not 61",
        f"{EXPORT.name}:6: SQLDATE '20131345' is not a date YYYYMMDD",
        f"{EXPORT.name}:9: GoldsteinScale 'high' is not a number",
    ]
    checked = run_faultline(work, "validate", "--strict", "day.json", "@default")
    assert checked.returncode == 0, checked.stdout
    assert "2 document(s) valid, 0 error(s), 0 warning(s)" in checked.stdout
    events = json.loads((work / "day.json").read_text())["events"]
    assert events[0]["actors"] == ["nazarbayev"]


def test_toml_by_the_extension(work: Path) -> None:
    done = run_faultline(work, "import", "gdelt", EXPORT.name, "-o", "day.toml")
    assert done.returncode == 0, done.stderr
    assert 'id = "gdelt-1000000001"' in (work / "day.toml").read_text()
    assert run_faultline(work, "validate", "day.toml").returncode == 0


def test_strict_writes_nothing_and_keeps_the_old_output(work: Path) -> None:
    assert run_faultline(work, "import", "gdelt", EXPORT.name, "-o", "day.json").returncode == 0
    old = (work / "day.json").read_text()
    done = run_faultline(work, "import", "gdelt", EXPORT.name, "-o", "day.json", "--strict")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"faultline: import gdelt: {EXPORT.name}:4: 30 columns, not 61 (--strict)",
        "faultline: nothing written; read 4 rows: kept 3, filtered out 0, skipped 0 bad",
    ]
    assert (work / "day.json").read_text() == old


@pytest.mark.parametrize("name", ["mine.toml", "mine.json"])
def test_out_naming_the_analysts_own_dossier_is_refused(work: Path, name: str) -> None:
    # -o with a typo, or the wrong tab completed: the hand-written dossier must survive.
    mine = work / name
    mine.write_text('# my notes, by hand\nformat = "faultline/1"\n', encoding="utf-8")
    done = run_faultline(work, "import", "gdelt", EXPORT.name, "-o", name)
    assert done.returncode == 2
    assert done.stderr == (
        f"faultline: {name}: exists and is not the output of an earlier faultline import: "
        "nothing read or written (give -o a new file, or one an import wrote; remove this "
        "one first if it is to be replaced)\n"
    )
    assert mine.read_text(encoding="utf-8") == '# my notes, by hand\nformat = "faultline/1"\n'
    # An earlier import's output is replaced, as importing again is meant to.
    done = run_faultline(work, "import", "gdelt", EXPORT.name, "-o", "day.toml")
    again = run_faultline(work, "import", "gdelt", EXPORT.name, "-o", "day.toml")
    assert done.returncode == again.returncode == 0, again.stderr


def test_a_wrong_kind_of_file_is_refused_in_one_line(work: Path) -> None:
    (work / "acled.csv").write_text("event_id_cnty,event_date\nKAZ1,2022-01-05\n")
    done = run_faultline(work, "import", "gdelt", "acled.csv", "-o", "out.json")
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        "faultline: import gdelt: acled.csv: this is an ACLED export (its header names "
        "event_id_cnty), not GDELT: use faultline import acled"
    )
    assert not (work / "out.json").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "out.csv"], "out.csv: the output must end in .json or .toml"),
        (["-o", "o.json", "--since", "yesterday"], "--since 'yesterday': expected a date"),
        (["-o", "o.json", "--map", "missing.toml"], "missing.toml: cannot read the map file"),
    ],
)
def test_usage_mistakes_exit_two(work: Path, args: list[str], message: str) -> None:
    done = run_faultline(work, "import", "gdelt", EXPORT.name, *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bad_map_names_the_key(work: Path) -> None:
    (work / "bad.toml").write_text('[actors]\nKAZ = "Kazakhstan"\n')
    done = run_faultline(work, "import", "gdelt", EXPORT.name, "-o", "o.json", "--map", "bad.toml")
    assert done.returncode == 2
    assert "bad.toml: actors.KAZ: must be an actor id of the dossier" in done.stderr


def test_a_missing_input_is_named(work: Path) -> None:
    done = run_faultline(work, "import", "gdelt", "nope.CSV", "-o", "o.json")
    assert done.returncode == 1
    assert "faultline: import gdelt: nope.CSV: cannot be read: No such file or directory" in (
        done.stderr
    )


ACLED = IMPORT_FIXTURES / "acled-kazakhstan-2022.csv"


def test_acled_import_and_the_warnings_when_it_would_be_redistributed(work: Path) -> None:
    from feedserver import FeedServer, Reply

    shutil.copy(ACLED, work / ACLED.name)
    done = run_faultline(work, "import", "acled", ACLED.name, "-o", "acled.json")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        f"{ACLED.name}: read 6 rows: kept 4, filtered out 0, skipped 2 bad"
    )
    exported = run_faultline(work, "export", "-f", "json", "--data", "acled.json", "-o", "x.json")
    assert exported.returncode == 0
    assert (
        "faultline: warning: this dossier holds ACLED-derived events (source 'acled'): "
        "ACLED's terms require attribution and forbid redistributing its rows; keep this "
        "export local, do not publish it as a feed"
    ) in exported.stderr.splitlines()
    plain = run_faultline(work, "export", "-f", "json", "--data", "@default")
    assert "ACLED" not in plain.stderr
    with FeedServer() as server:
        body = (work / "acled.json").read_bytes()
        server.route("/acled.json", Reply(200, [("Content-Type", "application/json")], body))
        fetched = run_faultline(work, "fetch", "--feed", server.url("/acled.json"))
    assert fetched.returncode == 0, fetched.stderr
    assert "warning: feed 127.0.0.1 serves ACLED-derived events (source 'acled')" in (
        fetched.stderr
    )


def test_gdelt_options_are_refused_for_other_sources(work: Path) -> None:
    shutil.copy(ACLED, work / ACLED.name)
    done = run_faultline(work, "import", "acled", ACLED.name, "-o", "a.json", "--root-only")
    assert done.returncode == 2
    assert "--root-only and --min-mentions are for gdelt" in done.stderr


def test_plover_import_to_toml(work: Path) -> None:
    plover = IMPORT_FIXTURES / "plover-kazakhstan.jsonl"
    shutil.copy(plover, work / plover.name)
    done = run_faultline(work, "import", "plover", plover.name, "-o", "p.toml", "--map", MAP.name)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"{plover.name}: read 6 rows: kept 4, filtered out 0, skipped 2 bad",
        "wrote p.toml: 4 events, 1 actor, 1 source",
    ]
    assert run_faultline(work, "validate", "--strict", "@default", "p.toml").returncode == 0

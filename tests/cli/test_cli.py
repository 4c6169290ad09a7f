"""The faultline command: validate and export as scripts and other tools call them."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest
import tomli

from tui.cli import main
from tui.core.loading import load
from tui.core.paths import default_dossier

# No user config or cache leaks in: each test runs from an empty directory.
pytestmark = pytest.mark.usefixtures("empty_workdir")


def test_validate_default_dossier_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(default_dossier())]) == 0
    assert "1 document(s) valid, 0 error(s), 0 warning(s)" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--help"], ["--he"], ["-h"], ["--fresh", "--help"]])
def test_help_lists_the_commands_however_it_is_asked_for(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # The dashboard's start builds no command parser (cli._may_name_a_command); help does.
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert all(command in out for command in ("validate", "export", "add", "import"))


def test_the_collector_runs_again_after_any_command_even_a_refused_one() -> None:
    """``faultline`` pauses the cyclic collector while the dashboard starts
    (gcpause.pause_start); every other command, and whatever runs after ``main``, has it
    running, also when the arguments are refused."""
    import gc

    assert main(["validate", str(default_dossier())]) == 0
    assert gc.isenabled()
    with pytest.raises(SystemExit):
        main(["--no-such-option"])
    assert gc.isenabled()


def test_validate_without_paths_uses_the_configured_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate"]) == 0  # built-in default: the shipped dossier
    assert "1 document(s) valid" in capsys.readouterr().out


def test_validate_reports_each_problem_naming_the_file_and_exits_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[actors]]\nid = "KZ"\nname = "x"\nkind = "nation"\n')
    assert main(["validate", str(bad), str(default_dossier())]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "config: built-in defaults (no config file)",
        (
            f"{bad}:2: actors[0].id: 'KZ' is not a valid id (lower-case letters, digits, '.', '_' "
            "and '-', starting with a letter or digit, at most 64 characters)"
        ),
        (
            f"{bad}:4: actors[0].kind: 'nation' is not one of: state, person, party, organisation, "
            "company, bloc, group, other"
        ),
    ]
    assert out.err.strip() == "2 error(s), 0 warning(s); 1 document(s) valid"


def test_warnings_pass_unless_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "refs.toml"
    doc.write_text(
        '[[events]]\nid = "e"\ntitle = "t\\u001b[2J"\ndate = "2013"\nactors = ["ghost"]\n'
    )
    assert main(["validate", str(doc)]) == 0
    out = capsys.readouterr().out
    assert f"warning: {doc}:1: event 'e' actors[0]: unresolved reference: no actor 'ghost'" in out
    assert f"warning: {doc}: 1 control or bidi character(s) removed" in out
    assert main(["validate", "--strict", str(doc)]) == 1


def test_export_json_to_file_is_a_feed_ready_document(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert (
        main(["export", "--format", "json", "-o", str(out), "--data", str(default_dossier())]) == 0
    )
    document = json.loads(out.read_text())
    assert document["format"] == "faultline/1"
    assert {"kz", "ru", "by", "cn", "eu"} <= {a["id"] for a in document["actors"]}


def test_export_accepts_json_data_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.json"
    main(["export", "-f", "json", "-o", str(out)])
    assert main(["export", "-f", "csv", "--data", str(out)]) == 0
    assert capsys.readouterr().out.startswith("id,date,date_text,status,")


def test_bad_config_is_a_message_naming_file_and_key(tmp_path: Path, capsys) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[ui]\ntheme = "nord"\nanimation = true\n')
    assert main(["--config", str(config), "validate"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"faultline: {config}: ui.animation: unknown key (allowed: theme, animations, bandwidth)"
    )


def test_python_dash_m_and_console_script_agree(tmp_path: Path) -> None:
    runs = [
        subprocess.run(
            [sys.executable, "-m", "tui", "validate", str(default_dossier())],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=False,
        ),
        subprocess.run(
            [str(Path(sys.executable).parent / "faultline"), "validate", str(default_dossier())],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=False,
        ),
    ]
    assert [r.returncode for r in runs] == [0, 0]
    assert runs[0].stdout == runs[1].stdout
    assert "Traceback" not in runs[0].stderr + runs[1].stderr


def test_export_refuses_when_a_local_layer_is_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cron job must not publish a dossier with a layer silently missing: exit 1, nothing
    written (neither the file nor standard output), and the message names the file."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "faultline/1", "actors": [{"id": "KZ"}]}')
    out = tmp_path / "out.json"
    argv = ["export", "-f", "json", "--data", str(default_dossier()), "--data", str(bad)]
    assert main([*argv, "-o", str(out)]) == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert f"{bad}:1: actors[0].id: 'KZ' is not a valid id" in err
    assert f"faultline: not exported: 1 document could not be read ({bad})" in err
    assert "--allow-partial" in err
    assert main(argv) == 1
    assert capsys.readouterr().out == ""


def test_export_allow_partial_says_in_meta_which_layers_are_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = "gone.toml"  # relative: the test runs in tmp_path
    out = tmp_path / "out.json"
    argv = ["export", "-f", "json", "-o", str(out), "--allow-partial"]
    assert main([*argv, "--data", str(default_dossier()), "--data", missing]) == 0
    assert f"{missing}: no such file or directory" in capsys.readouterr().err
    document = json.loads(out.read_text())
    assert document["meta"]["x_missing_layers"] == [missing]
    assert document["meta"]["title"]  # the rest of meta is kept
    assert main(["validate", str(out)]) == 0  # still a faultline/1 document
    brief = tmp_path / "brief.md"
    assert main(["export", "-f", "md", "-o", str(brief), "--allow-partial",
                 "--data", str(default_dossier()), "--data", missing]) == 0  # fmt: skip
    assert f"Not included (could not be read): {missing}." in brief.read_text()


def test_export_allow_partial_is_not_needed_when_everything_was_read(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    argv = ["export", "-f", "json", "-o", str(out), "--allow-partial"]
    assert main([*argv, "--data", str(default_dossier())]) == 0
    assert "x_missing_layers" not in json.loads(out.read_text())["meta"]


# -- add ---------------------------------------------------------------------------------------

KZ = """\
# kept by hand
[[actors]]
id = "kz"
name = "Kazakhstan"
kind = "state"

[[disagreements]]
id = "union"
title = "Political union?"

[[disagreements]]
id = "oil"
title = "Oil supplies"
"""


def test_add_position_records_a_stance_as_of_today(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kz.toml"
    path.write_text(KZ, encoding="utf-8")
    today = datetime.date.today().isoformat()
    code = main(
        ["add", "position", str(path), "--disagreement", "union", "--actor", "kz",
         "--stance", "oppose", "--quote", "a political union no", "--source", "osw"]
    )  # fmt: skip
    out = capsys.readouterr()
    assert code == 0, out.err
    assert out.out.splitlines() == [
        f"{path}: added position of kz on union: oppose as of {today}",
        # same warnings as validate: the source is defined nowhere
        (
            f"warning: {path}:15: position of 'kz' on 'union' sources[0]: unresolved reference: "
            "no source "
            "'osw' is defined in any layer; a citation names a [[sources]] table: add one with "
            'id = "osw"'
        ),
    ]
    text = path.read_text(encoding="utf-8")
    assert text.startswith(KZ)
    assert main(["validate", str(path)]) == 0


def test_add_refuses_with_the_messages_of_validate_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kz.toml"
    path.write_text(KZ, encoding="utf-8")
    code = main(
        ["add", "event", str(path), "--id", "talks", "--title", "Talks", "--date", "2013-02-30",
         "--actor", "kz,Ru"]
    )  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{path}: events[0].date: '2013-02-30' is not a date (Feb 2013 has 28 days, not 30)",
        (
            f"{path}: events[0].actors[1]: 'Ru' is not a valid id (lower-case letters, digits, "
            "'.', '_' and '-', starting with a letter or digit, at most 64 characters)"
        ),
        f"{path}: not changed: the event was not added",
    ]
    assert path.read_text(encoding="utf-8") == KZ


def test_add_needs_a_known_kind(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["add", "disagreement", "x.toml"])
    assert exited.value.code == 2
    assert "invalid choice: 'disagreement'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["add", "--help"])
    helped = capsys.readouterr().out
    assert "append an actor" in helped and "append an event" in helped
    assert "append a source" in helped


def test_export_positions_at_the_top_level_reads_back_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kz.toml"
    path.write_text(KZ + '\n[[disagreements.positions]]\nactor = "kz"\nstance = "mixed"\n')
    out = tmp_path / "top.toml"
    assert (
        main(["export", "--data", str(path), "-f", "toml", "--positions", "top", "-o", str(out)])
        == 0
    )
    document = tomli.loads(out.read_text(encoding="utf-8"))
    assert document["positions"] == [{"disagreement": "oil", "actor": "kz", "stance": "mixed"}]
    assert not any("positions" in d for d in document["disagreements"])
    assert load([out]).content() == load([path]).content()


def test_export_alignment_is_for_the_md_brief(tmp_path: Path, capsys) -> None:
    assert main(["export", "-f", "md", "--alignment", "--data", str(default_dossier())]) == 0
    assert "## Who sides with whom" in capsys.readouterr().out
    assert main(["export", "-f", "json", "--alignment", "--data", str(default_dossier())]) == 2
    assert capsys.readouterr().err.strip() == (
        "faultline: export: --alignment adds a table to the md brief; --format json has no "
        "place for it"
    )

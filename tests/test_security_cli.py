"""The command line against hostile input (issue 9): what it prints and where it writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# Every byte a terminal may act on: C0 (ESC, BEL, CR...), DEL and C1 (U+009B is a CSI) in UTF-8.
CONTROL_BYTES = [bytes([c]) for c in range(0x20) if c not in (0x09, 0x0A)] + [b"\x7f"]
C1_UTF8 = [chr(c).encode() for c in range(0x80, 0xA0)]


def faultline(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m tui`` as a person would, capturing the raw bytes it writes."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(cwd),
        "XDG_CONFIG_HOME": str(cwd / "xdg"),
        "FAULTLINE_CACHE_DIR": str(cwd / "cache"),
    }
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        check=False,
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=60,
    )


def assert_no_control_bytes(output: bytes) -> None:
    for byte in CONTROL_BYTES + C1_UTF8:
        assert byte not in output, f"{byte!r} reached the terminal: {output!r}"


# -- item 12: argparse's own messages quote the command line -----------------------------------


@pytest.mark.parametrize(
    "args, names",
    [
        (["--bogus", "\x1b]0;pwned\x07"], "argument COMMAND: invalid choice:"),
        (["--bogus=\x1b]0;pwned\x07"], "unrecognized arguments: --bogus=]0;pwned"),
        (["--bogus\x1b[2J\x9b31m"], "unrecognized arguments: --bogus[2J31m"),
        (["export", "-f", "md", "--x\x1b]52;c;cHduZWQ=\x07"], "unrecognized arguments: --x]52;c;cHduZWQ="),
        (["export", "-f", "m\x1b[31md"], "argument --format/-f: invalid choice:"),
        (["\x1b[31mvalidate"], "argument COMMAND: invalid choice:"),
        (["--conf\x07"], "unrecognized arguments: --conf"),
    ],
)  # fmt: skip
def test_usage_errors_quote_the_command_line_without_control_characters(
    tmp_path: Path, args: list[str], names: str
) -> None:
    run = faultline(*args, cwd=tmp_path)
    assert run.returncode == 2
    assert run.stdout == b""
    assert_no_control_bytes(run.stderr)
    error = run.stderr.decode().splitlines()[-1]
    assert error.startswith("faultline")
    assert names in error


def test_a_newline_in_an_argument_cannot_forge_a_second_error_line(tmp_path: Path) -> None:
    run = faultline("--bogus=x\nfaultline:forged", cwd=tmp_path)
    assert run.returncode == 2
    lines = run.stderr.decode().splitlines()
    assert lines[-1] == "faultline: error: unrecognized arguments: --bogus=x\\nfaultline:forged"
    assert not any(line.startswith("faultline:forged") for line in lines)


@pytest.mark.parametrize("args", [["--help"], ["export", "--help"], ["--version"]])
def test_help_and_version_keep_their_lines(tmp_path: Path, args: list[str]) -> None:
    run = faultline(*args, cwd=tmp_path)
    assert run.returncode == 0
    assert_no_control_bytes(run.stdout + run.stderr)
    out = run.stdout.decode()
    if args[-1] == "--help":
        assert out.startswith("usage: faultline")
        assert "\n\noptions:\n" in out  # help is a multi-line page, not one flattened line
    else:
        assert out.startswith("faultline ")


def test_messages_about_given_paths_and_urls_have_no_control_characters(tmp_path: Path) -> None:
    hostile = "\x1b]0;pwned\x07\x9b2J"
    runs = [
        faultline("validate", f"missing{hostile}.toml", cwd=tmp_path),
        faultline("--config", f"missing{hostile}.toml", "validate", cwd=tmp_path),
        faultline("export", "-f", "md", "--data", f"missing{hostile}.toml", cwd=tmp_path),
        faultline(
            "fetch", "--offline", "--feed", f"http://127.0.0.1:9/{hostile}.json", cwd=tmp_path
        ),
    ]
    for run in runs:
        assert_no_control_bytes(run.stdout + run.stderr)
        assert b"pwned" in run.stdout + run.stderr  # the thing is still named
        assert b"Traceback" not in run.stderr

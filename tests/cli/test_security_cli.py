"""The command line against hostile input (issue 9): what it prints and where it writes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from feedserver import FeedServer, json_reply
from markdown_it import MarkdownIt

from tui.cli import main
from tui.core.export import to_markdown
from tui.core.loading import load
from tui.core.paths import default_dossier

# Every byte a terminal may act on: C0 (ESC, BEL, CR...), DEL and C1 (U+009B is a CSI) in UTF-8.
CONTROL_BYTES = [bytes([c]) for c in range(0x20) if c not in (0x09, 0x0A)] + [b"\x7f"]
C1_UTF8 = [chr(c).encode() for c in range(0x80, 0xA0)]


def faultline(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m tui`` as a person would, capturing the raw bytes it writes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAULTLINE_")}
    env |= {
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
        (
            ["export", "-f", "md", "--x\x1b]52;c;cHduZWQ=\x07"],
            "unrecognized arguments: --x]52;c;cHduZWQ=",
        ),
        (["export", "-f", "m\x1b[31md"], "argument --format/-f: invalid choice:"),
        (["\x1b[31mvalidate"], "argument COMMAND: invalid choice:"),
        (["--conf\x07"], "unrecognized arguments: --conf"),
    ],
)
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
        faultline("export", "-f", "md", "-o", f"no{hostile}/brief.md", cwd=tmp_path),
    ]
    for run in runs:
        assert_no_control_bytes(run.stdout + run.stderr)
        assert b"pwned" in run.stdout + run.stderr  # the thing is still named
        assert b"Traceback" not in run.stderr


# -- item 14: export -o writes where it is asked, as the umask says, through symlinks --------


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No user config or cache leaks in; umask 022 as on most systems."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FAULTLINE_CONFIG", raising=False)
    monkeypatch.setenv("FAULTLINE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    old = os.umask(0o022)
    yield tmp_path
    os.umask(old)


def export_md(output: str) -> int:
    return main(["export", "-f", "md", "-o", output, "--data", str(default_dossier())])


def test_export_to_a_missing_directory_is_an_error_naming_the_path(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export_md("out/a/b/c/brief.md") == 2
    err = capsys.readouterr().err
    assert err.startswith("out/a/b/c/brief.md: cannot write: ")
    assert f"{isolated / 'out/a/b/c'} does not exist" in err
    assert len(err.splitlines()) == 1
    assert not (isolated / "out").exists()  # nothing was created on the way


def test_export_file_gets_the_umask_mode_and_an_existing_file_keeps_its_own(isolated: Path) -> None:
    assert export_md("brief.md") == 0
    assert stat.S_IMODE((isolated / "brief.md").stat().st_mode) == 0o644
    shared = isolated / "shared.md"
    shared.write_text("old")
    shared.chmod(0o664)
    assert export_md("shared.md") == 0
    assert shared.read_text().startswith("# ")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664


def test_export_writes_through_a_symlink_and_keeps_the_link(isolated: Path) -> None:
    (isolated / "real").mkdir()
    target = isolated / "real" / "brief.md"
    target.write_text("old")
    link = isolated / "brief.md"
    link.symlink_to("real/brief.md")
    assert export_md("brief.md") == 0
    assert link.is_symlink() and os.readlink(link) == "real/brief.md"
    assert target.read_text().startswith("# ")
    assert sorted(p.name for p in (isolated / "real").iterdir()) == ["brief.md"]  # no temp left
    # a link to a file not made yet: the file is made where the link points
    dangling = isolated / "next.md"
    dangling.symlink_to("real/next.md")
    assert export_md("next.md") == 0
    assert dangling.is_symlink() and (isolated / "real" / "next.md").read_text().startswith("# ")


def test_export_to_a_link_to_standard_output_writes_to_it(tmp_path: Path) -> None:
    (tmp_path / "out.md").symlink_to("/dev/stdout")
    run = faultline("export", "-f", "md", "-o", "out.md", cwd=tmp_path)
    assert run.returncode == 0
    assert run.stdout.startswith(b"# ")  # the pipe got the brief
    assert (tmp_path / "out.md").is_symlink()


def test_export_to_a_directory_is_an_error(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (isolated / "dir").mkdir()
    assert export_md("dir") == 2
    assert capsys.readouterr().err.startswith("dir: cannot write: ")
    assert list((isolated / "dir").iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in any directory")
def test_export_overwrites_a_writable_file_in_a_read_only_directory(isolated: Path) -> None:
    locked = isolated / "locked"
    locked.mkdir()
    (locked / "brief.md").write_text("old")
    locked.chmod(0o555)
    try:
        assert export_md("locked/brief.md") == 0
        assert (locked / "brief.md").read_text().startswith("# ")
    finally:
        locked.chmod(0o755)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_export_refuses_a_read_only_file(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = isolated / "kept.md"
    kept.write_text("old")
    kept.chmod(0o444)
    assert export_md("kept.md") == 2
    assert capsys.readouterr().err == "kept.md: cannot write: the file is read-only\n"
    assert kept.read_text() == "old"


# -- item 15 (export): data text in the Markdown brief is text, whatever renders it ----------

PAYLOADS = [
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62; AT&T &amp;",
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "<!-- hidden --> <http://evil.example/a> <mailto:x@evil.example>",
    "[x](javascript:alert(1)) ![p](http://evil.example/p.png) [y][ref]",
    "[ref]: http://evil.example/ref",
    "# heading",
    "> quoted",
    "- item",
    "+ item",
    "1. item",
    "1986) item",
    "    indented code",
    "\tcode",
    "```js\ncode\n```",
    "~~~\ncode",
    "`code` **bold** _em_ ~~strike~~ ~s~",
    "| a | b |\n|---|---|\n| c | d |",
    "---",
    "***",
    "===",
    "text  \nafter a hard break",
    "ends with a backslash\\",
]


def hostile_dossier(text: str) -> dict:
    """Every free-text field a brief shows holds ``text``; ids, dates and URLs are fixed."""
    return {
        "format": "faultline/1",
        "meta": {"title": text, "summary": text},
        "sources": [
            {"id": "s", "title": text, "publisher": text, "url": "https://example.org/x?a=1&b=2"}
        ],
        "actors": [{"id": "a", "name": text, "kind": "other", "role": text, "aliases": [text]}],
        "disagreements": [
            {
                "id": "d",
                "title": text,
                "question": text,
                "summary": text,
                "sources": [{"id": "s", "locator": text}],
                "positions": [{"actor": "a", "stance": "mixed", "summary": text}],
            }
        ],
        "events": [
            {
                "id": "e",
                "title": text,
                "date": "2013",
                "date_text": text,
                "summary": text,
                "actors": ["a"],
                "sources": ["s"],
            },
            {"id": "p", "title": text, "date": "2030", "status": "planned", "summary": text},
        ],
    }


class HTMLShape(HTMLParser):
    """The tags and attributes of rendered HTML, and its text as a reader sees it."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(("/" + tag, []))

    def handle_data(self, data: str) -> None:
        self.text += data

    def handle_comment(self, data: str) -> None:
        self.tags.append(("<!--", [("", data)]))


def render(text: str, tmp_path: Path) -> HTMLShape:
    tmp_path.mkdir()
    path = tmp_path / "dossier.json"
    path.write_text(json.dumps(hostile_dossier(text)), encoding="utf-8")
    dataset = load([path])
    assert not dataset.problems, dataset.problems
    brief = to_markdown(dataset)
    # CommonMark with GitHub's tables and strikethrough: the structure Markdown viewers build.
    renderer = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return HTMLShape(renderer.render(brief))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_brief_renders_data_as_text_never_as_html_links_or_structure(
    payload: str, tmp_path: Path
) -> None:
    hostile = render(payload, tmp_path / "hostile")
    plain = render("plain words", tmp_path / "plain")
    # The same tags, attributes and links as a brief of harmless words: none came from data.
    assert hostile.tags == plain.tags
    # And the data is shown as typed (a newline reads as a space, ends trimmed).
    shown = " ".join(payload.split())
    assert shown in " ".join(hostile.text.split())


def test_feed_outcome_lines_carry_no_control_characters(tmp_path: Path) -> None:
    """What a hostile feed server says (names, changes, problems) is printed as text."""
    hostile = "\x1b]0;pwned\x07\x9b2J"
    good = {
        "format": "faultline/1",
        "actors": [{"id": "kz", "name": f"Kazakhstan{hostile}", "kind": "state"}],
    }
    bad = {
        "format": "faultline/1",
        "events": [{"id": "e", "title": "t", "date": f"2013-13{hostile}"}],
    }
    with FeedServer() as server:
        server.route("/feed.json", [json_reply(good), json_reply(bad)])
        url = server.url("/feed.json")
        first = faultline("fetch", "--feed", url, cwd=tmp_path)
        second = faultline("fetch", "--feed", url, cwd=tmp_path)
    assert first.returncode == 0 and second.returncode == 1
    assert "+ actor kz: Kazakhstan]0;pwned2J" in first.stdout.decode()
    assert "events[0].date" in second.stderr.decode()
    for run in (first, second):
        assert_no_control_bytes(run.stdout + run.stderr)


# -- found by the second hostile review ---------------------------------------------------------


def test_a_path_too_long_for_the_system_is_a_message_and_the_rest_still_loads(
    tmp_path: Path,
) -> None:
    """A dossier repository's ./config.toml (or a typo) names a 300-character file."""
    long_name = "a" * 300 + ".toml"
    run = faultline("validate", long_name, cwd=tmp_path)
    err = (run.stdout + run.stderr).decode()
    assert run.returncode == 1
    assert "Traceback" not in err
    assert f"{long_name}: cannot be read: File name too long" in err
    dataset = load([tmp_path / long_name, default_dossier()])
    assert [p.message for p in dataset.problems] == ["cannot be read: File name too long"]
    assert dataset.counts()["actors"] > 0  # the shipped dossier beside it still loads


def test_a_huge_config_is_refused_unread(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.touch()
    os.truncate(config, 3 * 1024**3)  # sparse: costs no disk, and nothing if left unread
    run = faultline("validate", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.decode() == (
        "faultline: ./config.toml: is larger than 1 MiB, the most a configuration file may be\n"
    )


def test_export_to_an_empty_file_name_is_a_usage_error(tmp_path: Path) -> None:
    run = faultline("export", "-f", "json", "-o", "", cwd=tmp_path)
    assert (run.returncode, run.stdout) == (2, b"")
    assert b"-o needs a file name" in run.stderr


def test_validate_checks_the_config_theme_as_the_dashboard_does(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[ui]\ntheme = "bogus"\n')
    run = faultline("validate", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.decode().startswith(
        "faultline: ./config.toml: ui.theme: unknown theme 'bogus' (available: "
    )

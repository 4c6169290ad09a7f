"""The benchmark script runs end to end on a tiny dossier and reports every figure.

A functional check only: benchmarks are never timing assertions (bench/README.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_bench_runs_at_1k_events_and_writes_every_figure(tmp_path: Path) -> None:
    command = [
        sys.executable, str(REPO / "bench" / "run.py"),
        "--sizes", "1k", "--quick", "--idle", "0.2", "--feed-events", "200",
        "--results", str(tmp_path), "--startup-repeats", "1",
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((tmp_path / "bench-latest.json").read_text())
    size = results["sizes"]["1k"]
    assert size["parse"]["tomli"] > 0
    for run in (*size["cold"], *size["warm"]):
        assert run["launch_to_frame"] > 0 and run["peak_rss_mb"] > 0
    interactive = size["interactive"]
    for figure in ("keystroke", "keystroke_compute", "search", "bare_scan", "focus", "cursor_move"):
        assert interactive[figure]["n"] > 0, figure
    assert interactive["refresh"]["runs"] and "idle_cpu_percent" in interactive
    assert size["datatable"]["data_to_frame"] > 0 and size["faultline_panes"]["data_to_frame"] > 0
    assert size["reload"]["runs"] and size["reload"]["total"] > 0  # saves reloaded live
    memory = size["memory"]  # RSS after each refresh and each reload
    assert all(run["rss_mb"] > 0 for run in (*memory["refresh"]["runs"], *memory["reload"]["runs"]))
    assert len(memory["refresh"]["runs"]) == len(memory["reload"]["runs"]) == 2
    startup = results["startup"]  # launch → first frame, small dossier (issue 15)
    for name in ("minimal", "cold", "warm"):
        assert startup[name]["best"] > 0, name
    assert startup["cold_ratio"]["best"] > 0 and startup["warm_ratio"]["median"] > 0
    table = done.stdout
    assert "minimal Textual app (one Static)" in table
    assert "cold start → first frame" in table and "stock DataTable" in table
    assert "–" not in table.split("cold start")[1].split("\n")[0]  # the cold figure is filled in


def test_bench_has_no_feed_server_of_its_own() -> None:
    """One loopback feed server, tests/feedserver.py, serves the tests and the bench: a
    fix to it (keep-alive, shutdown) reaches both."""
    own = [p.name for p in (REPO / "bench").glob("*.py") if "http.server" in p.read_text()]
    assert own == []


def test_the_import_bench_runs_on_a_few_rows_and_reports_the_ratio() -> None:
    command = [sys.executable, str(REPO / "bench" / "import_gdelt.py"), "--rows", "300"]
    done = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["rows"] == 300 and result["events"] > 250
    assert result["ratio"] > 0 and result["import_peak_rss_mb"] > 0


def test_bandwidth_bench_runs_and_reports_every_figure(tmp_path: Path) -> None:
    command = [
        sys.executable, str(REPO / "bench" / "bandwidth.py"),
        "--sizes", "80x24", "--modes", "low", "--quiet", "0.3", "--idle", "0.2",
        "--results", str(tmp_path),
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    size = json.loads((tmp_path / "bandwidth-latest.json").read_text())["sizes"]["80x24"]
    assert size["datatable"]["cursor_move"]["median"] > 0  # the baseline, same terminal
    low = size["low"]
    for figure in ("cursor_move", "filter_keystroke", "pane_switch", "detail_link_move"):
        assert low[figure]["median"] > 0, figure
    for figure in ("focus", "screen_switch", "held_move"):
        assert low[figure]["bytes"] > 0, figure
    assert "stock DataTable cursor move" in done.stdout

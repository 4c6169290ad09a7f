"""``faultline validate --watch``: the analyst keeps it in one pane and the editor in
another; every save prints a timestamped result, and Ctrl-C ends it with status 0."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

GOOD = '[[actors]]\nid = "kz"\nname = "Kazakhstan"\nkind = "state"\n'
STAMP = r"\[\d\d:\d\d:\d\d\] "


class Lines:
    """A process's standard output, line by line, waited for with a bound."""

    def __init__(self, stream) -> None:
        self.queue: queue.SimpleQueue[str] = queue.SimpleQueue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self.queue.put(line.rstrip("\n"))

    def until(self, pattern: str, timeout: float = 15.0) -> list[str]:
        """Lines read up to and including the first matching ``pattern``."""
        seen: list[str] = []
        while True:
            try:
                line = self.queue.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r} after {seen}") from None
            seen.append(line)
            if re.search(pattern, line):
                return seen


def save(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def test_validate_watch_checks_every_save_and_ctrl_c_exits_zero(empty_workdir: Path) -> None:
    data = empty_workdir / "x.toml"
    data.write_text(GOOD, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "validate", "--watch", "x.toml"],
        cwd=empty_workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = Lines(process.stdout)
        assert re.fullmatch(STAMP + r"1 document\(s\) valid, 0 error\(s\), 0 warning\(s\)",
                            lines.until("valid")[-1])  # fmt: skip
        lines.until("^watching 1 path")

        save(data, GOOD.replace('id = "kz"\n', "id = 2013-09\n"))  # a mistake
        seen = lines.until(STAMP + "1 error")
        assert re.fullmatch(STAMP + "saved: x.toml", seen[0])
        assert any(line.startswith("x.toml:2:") for line in seen)
        assert re.fullmatch(
            STAMP + r"1 error\(s\), 0 warning\(s\); 0 document\(s\) valid", seen[-1]
        )

        save(data, GOOD)  # fixed
        assert lines.until(STAMP + "1 document")[-1].endswith("0 error(s), 0 warning(s)")

        process.send_signal(signal.SIGINT)  # Ctrl-C
        assert process.wait(timeout=15) == 0
        assert lines.until("^stopped watching")
        assert process.stderr is not None and process.stderr.read() == ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

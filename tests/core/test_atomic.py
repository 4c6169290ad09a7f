"""One atomic-write helper for every cache: a write is whole or not there at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.core.atomic import write_atomic
from tui.core.loading import load
from tui.core.parsecache import ParsedCache

DOC = 'format = "faultline/1"\n[[actors]]\nid = "kz"\nname = "Kazakhstan"\nkind = "state"\n'


@pytest.fixture
def fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The descriptors flushed to disk (each still flushed, really)."""
    calls: list[int] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return calls


def test_parts_are_written_whole_and_fsync_is_a_choice(tmp_path: Path, fsyncs: list[int]) -> None:
    target = tmp_path / "entry"
    write_atomic(target, (b"head", b"", b"payload"), fsync=False)
    assert target.read_bytes() == b"headpayload"
    assert fsyncs == []  # the parse cache's speed choice: nothing flushed
    write_atomic(target, b"whole")
    assert target.read_bytes() == b"whole"
    assert len(fsyncs) == 2  # the default: the file, then the directory holding the rename
    assert [p.name for p in tmp_path.iterdir()] == ["entry"]  # no temporary file left


def test_a_write_that_fails_part_way_leaves_the_old_copy(tmp_path: Path) -> None:
    target = tmp_path / "entry"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_atomic(target, (b"new", "not bytes"), fsync=False)  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["entry"]


def test_the_parse_cache_writes_its_entries_through_it_unflushed(
    tmp_path: Path, fsyncs: list[int]
) -> None:
    doc = tmp_path / "a.toml"
    doc.write_text(DOC)
    cache = ParsedCache(tmp_path / "cache", min_size=0)
    first = load([doc], cache=cache)
    entries = list((tmp_path / "cache" / "parsed").iterdir())
    assert [e.suffix for e in entries] == [".parsed"]  # one entry, no temporary file
    assert fsyncs == []
    again = load([doc], cache=ParsedCache(tmp_path / "cache", min_size=0))
    assert again.content() == first.content()  # and it reads back

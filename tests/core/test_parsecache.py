"""The parsed-data cache: reopening an unchanged dossier skips parsing; any change or
damage to the cache only costs time, never correctness."""

from __future__ import annotations

import os
from pathlib import Path

from tui.core.loading import load
from tui.core.parsecache import ParsedCache

DOC = '[[actors]]\nid = "kz"\nname = "Kazakhstan"\nkind = "state"\n'


def test_unchanged_file_is_served_from_cache_and_an_edit_is_reread(tmp_path: Path) -> None:
    cache = ParsedCache(tmp_path / "cache", min_size=0)
    doc = tmp_path / "a.toml"
    doc.write_text(DOC)
    layer = str(doc)
    assert cache.get(doc, layer, doc.stat()) is None
    first = load([doc], cache=cache)
    cached = cache.get(doc, layer, doc.stat())
    assert cached is not None and cached.actors == tuple(first.actors.values())
    # An edit that keeps the size and even the mtime still changes ctime: re-read.
    stat = doc.stat()
    doc.write_text(DOC.replace("Kazakhstan", "Kazakhstax"))
    os.utime(doc, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert cache.get(doc, layer, doc.stat()) is None
    assert load([doc], cache=cache).actors["kz"].name == "Kazakhstax"
    assert cache.get(doc, layer, doc.stat()).actors[0].name == "Kazakhstax"


def test_small_files_are_not_worth_an_entry(tmp_path: Path) -> None:
    cache = ParsedCache(tmp_path / "cache")
    doc = tmp_path / "a.toml"
    doc.write_text(DOC)
    load([doc], cache=cache)
    assert not (tmp_path / "cache" / "parsed").exists()


def test_damaged_or_deleted_cache_entries_are_ignored(tmp_path: Path) -> None:
    cache = ParsedCache(tmp_path / "cache", min_size=0)
    doc = tmp_path / "a.toml"
    doc.write_text(DOC)
    load([doc], cache=cache)
    (entry,) = (tmp_path / "cache" / "parsed").iterdir()
    entry.write_bytes(b"\x80\x05garbage")
    assert load([doc], cache=cache).actors["kz"].name == "Kazakhstan"
    entry.unlink()
    assert load([doc], cache=cache).actors["kz"].name == "Kazakhstan"


def test_invalid_documents_are_not_cached(tmp_path: Path) -> None:
    cache = ParsedCache(tmp_path / "cache", min_size=0)
    doc = tmp_path / "a.toml"
    doc.write_text(DOC.replace('"state"', '"nation"'))
    assert load([doc], cache=cache).problems
    assert not (tmp_path / "cache" / "parsed").exists()


def test_cached_documents_keep_their_origin_and_extensions(tmp_path: Path) -> None:
    cache = ParsedCache(tmp_path / "cache", min_size=0)
    doc = tmp_path / "a.toml"
    doc.write_text(DOC + 'x_note = "kept"\n')
    load([doc], cache=cache)
    again = load([doc], cache=cache).actors["kz"]
    assert again.extra == {"x_note": "kept"}
    assert again.origin is not None and again.origin.line == 1


def test_deferred_entries_are_written_by_flush_unless_the_file_changed(tmp_path: Path) -> None:
    cache = ParsedCache(tmp_path / "cache", min_size=0, defer=True)
    kept, edited = tmp_path / "a.toml", tmp_path / "b.toml"
    kept.write_text(DOC)
    edited.write_text(DOC)
    load([kept, edited], cache=cache)
    assert cache.get(kept, str(kept), kept.stat()) is None  # nothing written yet
    edited.write_text(DOC.replace("Kazakhstan", "Kazakh SSR"))
    cache.flush()
    assert cache.get(kept, str(kept), kept.stat()).actors[0].name == "Kazakhstan"
    # Changed since it was read: what was read is not stored as the new file's.
    assert cache.get(edited, str(edited), edited.stat()) is None
    assert not cache.pending

"""The core of live reload: reading a data path again after a save, and telling a
network mount (where notifications do not arrive) from a local disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.loading import read_layer
from tui.core.watch import file_system_type, needs_polling, reread, signature

GOOD = '[[actors]]\nid = "{id}"\nname = "{name}"\nkind = "state"\n'


def test_a_bad_save_keeps_that_documents_last_good_version_and_its_problems(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "dossier"
    folder.mkdir()
    (folder / "a.toml").write_text(GOOD.format(id="kz", name="Kazakhstan"), encoding="utf-8")
    (folder / "b.toml").write_text(GOOD.format(id="ru", name="Russia"), encoding="utf-8")
    before = read_layer(folder)

    (folder / "a.toml").write_text(GOOD.format(id="kz", name="Qazaqstan"), encoding="utf-8")
    (folder / "b.toml").write_text('[[actors]]\nid = "ru"\nname = ', encoding="utf-8")
    layer, gone = reread(folder, before)
    names = {a.id: a.name for d in layer.documents for a in d.actors}
    assert names == {"kz": "Qazaqstan", "ru": "Russia"}  # a.toml's new, b.toml's last good
    assert layer.kept == (str(folder / "b.toml"),)
    assert [p.document for p in layer.problems] == [str(folder / "b.toml")]
    assert gone == []

    (folder / "b.toml").write_text(GOOD.format(id="ru", name="Rossiya"), encoding="utf-8")
    fixed, _ = reread(folder, layer)
    assert fixed.kept == () and fixed.ok

    (folder / "b.toml").unlink()
    smaller, gone = reread(folder, fixed)
    assert gone == [str(folder / "b.toml")]
    assert [a.id for d in smaller.documents for a in d.actors] == ["kz"]


def test_a_save_of_one_part_of_a_data_directory_reads_that_part_alone(tmp_path: Path) -> None:
    """A dossier kept in parts (a million events in ten files): a save of one part reads
    that part again and keeps the others' documents as read before, unread, unless one
    had problems then (read again, so that they are still shown); the result is what
    reading the whole directory afresh gives."""
    folder = tmp_path / "dossier"
    folder.mkdir()
    for part, (ident, name) in enumerate((("kz", "Kazakhstan"), ("ru", "Russia"), ("cn", "China"))):
        (folder / f"part-{part}.toml").write_text(GOOD.format(id=ident, name=name), "utf-8")
    read_as = signature(folder)  # taken before reading, as the dashboard's reloader does
    before = read_layer(folder)

    (folder / "part-1.toml").write_text(GOOD.format(id="ru", name="Rossiya"), encoding="utf-8")
    layer, gone = reread(folder, before, read_as=read_as)
    assert [d.name for d in layer.documents] == [d.name for d in before.documents]
    assert layer.documents[0] is before.documents[0]
    assert layer.documents[2] is before.documents[2]
    assert layer.documents[1] is not before.documents[1]
    assert layer.documents == read_layer(folder).documents and gone == []

    # A part saved with a mistake keeps its last good version and its problems; read
    # again while unchanged, it still does (its problems are not forgotten).
    read_as = signature(folder)
    (folder / "part-2.toml").write_text('[[actors]]\nid = "cn"\nname = ', encoding="utf-8")
    troubled, _ = reread(folder, layer, read_as=read_as)
    assert troubled.kept == (str(folder / "part-2.toml"),)
    read_as = signature(folder)
    (folder / "part-0.toml").write_text(GOOD.format(id="kz", name="Qazaqstan"), "utf-8")
    again, _ = reread(folder, troubled, read_as=read_as)
    assert again.kept == (str(folder / "part-2.toml"),)
    assert [p.document for p in again.problems] == [str(folder / "part-2.toml")]
    assert again.documents[1] is troubled.documents[1]
    names = {a.id: a.name for d in again.documents for a in d.actors}
    assert names == {"kz": "Qazaqstan", "ru": "Rossiya", "cn": "China"}


def test_a_deleted_data_file_leaves_an_empty_layer_and_names_what_went(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text(GOOD.format(id="kz", name="Kazakhstan"), encoding="utf-8")
    before = read_layer(path)
    path.unlink()
    layer, gone = reread(path, before)
    assert layer.name == str(path) and not layer.documents and layer.ok
    assert gone == [str(path)]


def test_network_mounts_are_polled(tmp_path: Path) -> None:
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
        "40 22 0:40 / /home/analyst rw,relatime shared:2 - nfs4 server:/home rw\n"
        "41 40 0:41 / /home/analyst/my\\040files rw - fuse.sshfs host: rw\n",
        encoding="utf-8",
    )
    assert file_system_type(Path("/etc"), str(mountinfo)) == "ext4"
    assert file_system_type(Path("/home/analyst/x.toml"), str(mountinfo)) == "nfs4"
    assert file_system_type(Path("/home/analyst/my files/x"), str(mountinfo)) == "fuse.sshfs"
    assert file_system_type(Path("/etc"), str(tmp_path / "missing")) is None
    assert needs_polling(tmp_path) is False  # pytest's temporary directory is local


def test_a_large_document_read_again_is_parsed_in_a_child_process_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read again while the dashboard runs, a large document is parsed in a child process
    (tomli, compiled, would hold this one's interpreter and freeze the screen): the
    records are the same as read here, and a document with problems gets the same
    located messages (read here, for them)."""
    from tui.core import splitparse
    from tui.core.loading import ISOLATE_MIN_SIZE

    events = "".join(
        f'[[events]]\nid = "e{i}"\ntitle = "Event number {i} of a long dossier"\n'
        f'date = "20{10 + i % 9}-0{1 + i % 9}"\nactors = ["kz"]\n\n'
        for i in range(ISOLATE_MIN_SIZE // 90)
    )
    path = tmp_path / "big.toml"
    path.write_text(GOOD.format(id="kz", name="Kazakhstan") + "\n" + events, encoding="utf-8")
    assert path.stat().st_size >= ISOLATE_MIN_SIZE
    started: list[list[str]] = []
    real = splitparse.command

    def noting() -> list[str]:  # the real child, noted when started
        started.append(real())
        return started[-1]

    monkeypatch.setattr(splitparse, "command", noting)
    here = read_layer(path)
    assert not started  # a start-up read is not isolated (and is under 8 MB: one piece)
    there = read_layer(path, isolate=True)
    assert started, "no child process was started"
    assert there.documents == here.documents and there.ok
    assert len(there.documents[0].events) == ISOLATE_MIN_SIZE // 90
    assert there.documents[0].events[5].origin == here.documents[0].events[5].origin

    from tui.core import reader

    good = path.read_text(encoding="utf-8")
    # A TOML syntax error, and a document that parses but does not validate.
    for slip in ("date = 2013-13\n", '[[events]]\nid = "e1"\ntitle = "Again"\ndate = 2013\n'):
        path.write_text(good + slip, encoding="utf-8")
        expected = [str(p) for p in read_layer(path).problems]
        assert expected
        # The child's located messages come back with it: nothing is parsed again in
        # this process (2 s at 100,000 events, the dashboard frozen meanwhile).
        with monkeypatch.context() as patched:
            patched.setattr(reader, "read_toml", _not_here)  # (loading's, imported when read)
            with_problems = read_layer(path, isolate=True)
        assert with_problems.problems and not with_problems.documents
        assert [str(p) for p in with_problems.problems] == expected


def _not_here(*args: object, **kwargs: object) -> None:
    raise AssertionError("a document read in isolation was parsed in this process too")


def test_a_large_file_read_again_keeps_what_a_save_left_part_by_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large data file saved with one event more is read again in a child process,
    whose answer comes in parts: each part's unchanged entities are replaced by the
    objects shown as soon as it is decoded, before the next part is, so the file read
    again never exists as a second whole copy of the dossier. The result is the very
    objects read before, and the new event, as a fresh read gives them. The file's
    bytes are read by the child alone."""
    from tui.core import loading, splitparse

    events = "".join(
        f'[[events]]\nid = "e{i}"\ntitle = "Event number {i} of a long dossier"\n'
        f'date = "20{10 + i % 9}-0{1 + i % 9}"\nactors = ["kz"]\n\n'
        for i in range(loading.ISOLATE_MIN_SIZE // 90)
    )
    path = tmp_path / "big.toml"
    text = GOOD.format(id="kz", name="Kazakhstan") + "\n" + events
    path.write_text(text, encoding="utf-8")
    before = read_layer(path)
    path.write_text(text + '[[events]]\nid = "saved"\ntitle = "Saved"\ndate = "2020"\n')
    expected = read_layer(path).documents[0]

    steps: list[str] = []
    decode, keep = splitparse.decode_document, loading.Unchanged.__call__

    def decoding(*args: object) -> object:
        steps.append("decoded")
        return decode(*args)  # type: ignore[arg-type]

    def keeping(self: loading.Unchanged, fresh: object) -> object:
        steps.append("kept")
        return keep(self, fresh)  # type: ignore[arg-type]

    monkeypatch.setattr(splitparse, "CHUNK_EVENTS", 4000)
    monkeypatch.setattr(splitparse, "decode_document", decoding)
    monkeypatch.setattr(loading.Unchanged, "__call__", keeping)
    # The child reads the file itself: its bytes are never read into this process.
    monkeypatch.setattr(loading, "_read_at_most", _not_here)
    again, gone = reread(path, before)

    parts = -(-(len(before.documents[0].events) + 1) // 4000)
    assert parts > 1 and steps == ["decoded", "kept"] * parts
    assert not gone and again.ok
    ((old,), (new,)) = (before.documents, again.documents)
    assert new == expected
    assert all(a is b for a, b in zip(old.events, new.events[:-1], strict=True))
    assert old.actors[0] is new.actors[0] and new.events[-1].id == "saved"

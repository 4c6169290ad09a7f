"""The core of live reload: reading a data path again after a save, and telling a
network mount (where notifications do not arrive) from a local disk."""

from __future__ import annotations

from pathlib import Path

from tui.core.loading import read_layer
from tui.core.watch import file_system_type, needs_polling, reread

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

"""``faultline import`` of a URL: fetched as a feed is (deadline, size cap, redirects),
from a real server on 127.0.0.1."""

from __future__ import annotations

import io
import zipfile

import pytest
from feedserver import FeedServer, Reply, closed_port, gzipped
from helpers import IMPORT_FIXTURES, import_rows

from tui.core.importers import ImportFailure

EXPORT = IMPORT_FIXTURES / "20130118160000.export.CSV"


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(EXPORT, EXPORT.name)
    return out.getvalue()


@pytest.fixture(scope="module")
def server():
    with FeedServer() as running:
        yield running


def test_a_zipped_export_from_a_url_reads_as_the_file(server):
    server.route("/gdeltv2/20130118160000.export.CSV.zip", Reply(200, [], _zip()))
    server.route("/moved", Reply(302, [("Location", "/gdeltv2/20130118160000.export.CSV.zip")]))
    plain, _, _ = import_rows("gdelt", EXPORT)
    for path in ("/gdeltv2/20130118160000.export.CSV.zip", "/moved"):
        imported, _, reported = import_rows("gdelt", server.url(path))
        assert imported.events == plain.events
        assert reported[0].startswith(f"{server.url(path)}:{EXPORT.name}:4: ")


def test_a_gzip_content_encoding_is_undone_as_for_feeds(server):
    body = gzipped(EXPORT.read_bytes())
    server.route("/day.csv", Reply(200, [("Content-Encoding", "gzip")], body))
    imported, _, _ = import_rows("gdelt", server.url("/day.csv"))
    assert len(imported.events) == 6


def test_a_web_page_is_refused_in_one_line(server):
    page = b"<!DOCTYPE html><html><body>Sign in</body></html>"
    server.route("/login", Reply(200, [("Content-Type", "text/html; charset=utf-8")], page))
    with pytest.raises(ImportFailure) as caught:
        import_rows("gdelt", server.url("/login"))
    assert str(caught.value) == (
        f"{server.url('/login')}: the server sent a web page, not a GDELT 2.0 events export: "
        "perhaps a login page, or the URL is wrong"
    )


def test_a_missing_file_and_a_dead_server_say_why(server):
    server.route("/gone", Reply(404, [], b"no"))
    with pytest.raises(ImportFailure, match=r"/gone: not downloaded: there is no feed at this"):
        import_rows("gdelt", server.url("/gone"))
    url = f"http://127.0.0.1:{closed_port()}/day.zip"
    with pytest.raises(ImportFailure, match="not downloaded: connection refused"):
        import_rows("gdelt", url)


def test_a_password_in_the_url_is_never_shown(server):
    server.route("/login", Reply(200, [("Content-Type", "text/html")], b"<html></html>"))
    url = server.url("/login").replace("http://", "http://analyst:S3cret@")
    with pytest.raises(ImportFailure) as caught:
        import_rows("gdelt", url)
    assert "S3cret" not in str(caught.value)
    server.route("/day.zip", Reply(200, [], _zip()))
    url = server.url("/day.zip").replace("http://", "http://analyst:S3cret@")
    imported, _, reported = import_rows("gdelt", url)
    assert reported and not any("S3cret" in line for line in reported)
    assert "S3cret" not in imported.meta["summary"]


def test_the_size_cap_holds_for_what_a_small_download_unzips_to(server):
    rows = EXPORT.read_text().splitlines(keepends=True)[:2] * 2000  # about 1.4 MB
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.export.CSV", "".join(rows))
    assert len(out.getvalue()) < 100_000
    server.route("/big.zip", Reply(200, [], out.getvalue()))
    with pytest.raises(ImportFailure, match=r"holds more than 100,000 characters once decompr"):
        import_rows("gdelt", server.url("/big.zip"), max_size=100_000)
    imported, _, _ = import_rows("gdelt", server.url("/big.zip"), max_size=2_000_000)
    assert len(imported.events) == 2

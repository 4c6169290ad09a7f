"""No input makes an importer raise anything but its own ``ImportFailure``: a message
for a person, never a traceback."""

from __future__ import annotations

import gzip
import io
import tempfile
import zipfile
from pathlib import Path

from helpers import IMPORT_FIXTURES, import_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.importers import ImportFailure
from tui.core.loading import read_bytes

SEEDS = [
    (IMPORT_FIXTURES / "20130118160000.export.CSV").read_bytes(),
    (IMPORT_FIXTURES / "gdelt-bigquery.csv").read_bytes(),
    (IMPORT_FIXTURES / "acled-kazakhstan-2022.csv").read_bytes(),
    (IMPORT_FIXTURES / "plover-kazakhstan.jsonl").read_bytes(),
]


def _zipped(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("x.export.CSV", data)
    return out.getvalue()


@st.composite
def inputs(draw: st.DrawFn) -> bytes:
    """Random bytes, a fixture with bytes changed, cut short, zipped or gzipped (whole or
    damaged): what a bad download or a wrong file looks like."""
    kind = draw(st.sampled_from(["bytes", "mutated", "zip", "gzip", "text"]))
    if kind == "bytes":
        return draw(st.binary(max_size=400))
    if kind == "text":
        alphabet = st.sampled_from(list('\t,"\r\n[]{}:0123456789-KAZGOVé\x00\ufeff'))
        return draw(st.text(alphabet, max_size=400)).encode("utf-8", "surrogatepass")
    seed = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(seed) - 1))
        seed[at] = draw(st.integers(0, 255))
    data = bytes(seed[: draw(st.integers(0, len(seed)))])
    if kind == "zip":
        data = _zipped(data)
    elif kind == "gzip":
        data = gzip.compress(data)
    if kind in ("zip", "gzip") and draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=inputs(), source=st.sampled_from(["gdelt", "acled", "plover"]), strict=st.booleans())
def test_no_bytes_make_an_importer_raise_anything_but_its_own_error(
    data: bytes, source: str, strict: bool
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "input"
        path.write_bytes(data)
        try:
            imported, _, _ = import_rows(source, path, strict=strict)
        except ImportFailure as error:
            assert str(error).startswith(str(path))
            assert "\n" not in str(error)  # one line
            return
        # Whatever was kept makes a document the reader accepts, in either format.
        for fmt in ("json", "toml"):
            document = read_bytes(imported.text(fmt).encode(), f"out.{fmt}", fmt)
            assert len(document.events) == len(imported.events)

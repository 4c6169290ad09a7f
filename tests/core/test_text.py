"""tui.core.text: exactly the characters the spec removes are removed (and counted), and
every neighbour of them is kept, so no name loses a letter and no control reaches a screen."""

from __future__ import annotations

import json

import pytest

from tui.core.loading import read_bytes
from tui.core.text import find_unsafe, invisible_codes, is_blank, sanitise

# Spec, "Text safety and limits": C0 controls other than newline and tab, DEL, C1
# controls, every bidi control; and lone surrogates (text.py's compatible addition).
C0 = [c for c in range(0x20) if c not in (0x09, 0x0A)]
C1 = list(range(0x80, 0xA0))
BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
SURROGATES = [0xD800, 0xDBFF, 0xDC00, 0xDFFF]
REMOVED = {
    "NUL": [0x00],
    "CR": [0x0D],
    "ESC": [0x1B],
    "other C0": C0,
    "DEL": [0x7F],
    "C1": C1,
    "bidi embeddings and overrides": list(range(0x202A, 0x202F)),
    "bidi isolates": list(range(0x2066, 0x206A)),
    "bidi marks": [0x061C, 0x200E, 0x200F],
    "lone surrogates": SURROGATES,
}
# Each removed range's neighbours, and what scripts and layout need.
KEPT = {
    "tab and newline": [0x09, 0x0A],
    "space and printable ASCII": list(range(0x20, 0x7F)),
    "no-break space (after C1)": [0xA0],
    "Arabic around the letter mark": [0x061B, 0x061D, 0x0627],
    "joiners": [0x200C, 0x200D],
    "hyphen after the marks": [0x2010],
    "separators and NNBSP around the embeddings": [0x2028, 0x2029, 0x202F],
    "invisible operators around the isolates": [0x2065, 0x206A],
    "around the surrogates": [0xD7FF, 0xE000],
    "BOM, emoji, Cyrillic, Amharic": [0xFEFF, 0x1F600, 0x0416, 0x12A0],
}


@pytest.mark.parametrize("codes", REMOVED.values(), ids=REMOVED.keys())
def test_every_character_the_spec_removes_is_removed_and_counted(codes: list[int]) -> None:
    text = "Kaz" + "".join(map(chr, codes)) + "akhstan"
    assert sanitise(text) == ("Kazakhstan", len(codes))
    for code in codes:
        assert find_unsafe(f"a{chr(code)}b") is not None, hex(code)


@pytest.mark.parametrize("codes", KEPT.values(), ids=KEPT.keys())
def test_every_character_the_spec_keeps_is_kept(codes: list[int]) -> None:
    text = "Kaz" + "".join(map(chr, codes)) + "akhstan"
    assert sanitise(text) == (text, 0)
    assert find_unsafe(text) is None


def test_a_document_loses_only_the_removed_characters_and_says_how_many() -> None:
    removed = [c for codes in REMOVED.values() for c in codes if not 0xD800 <= c <= 0xDFFF]
    kept = "".join(chr(c) for codes in KEPT.values() for c in codes)
    name = "N" + "".join(map(chr, removed)) + kept
    body = {"format": "faultline/1", "actors": [{"id": "a", "name": name, "kind": "other"}]}
    document = read_bytes(json.dumps(body).encode(), "feed.json", "json")
    assert document.actors[0].name == "N" + kept
    assert document.sanitised == len(removed)


@pytest.mark.parametrize(
    ("text", "blank"),
    [
        ("", True),
        (" \t\n", True),
        ("\u200b\ufeff\u00ad", True),  # zero width space, BOM, soft hyphen
        ("\u3164\u115f\u2800", True),  # Hangul filler, choseong filler, braille blank
        ("\U000e0041\ufe0f", True),  # a tag character, a variation selector
        ("\U000e0000\U000e0fff", True),  # the ends of the tags and selectors block
        ("\u0301", True),  # a combining accent alone
        ("\u200bK", False),
        ("ዐ", False),
        ("\u3164x", False),
    ],
)
def test_a_name_of_only_invisible_characters_is_blank(text: str, blank: bool) -> None:
    assert is_blank(text) is blank


def test_invisible_codes_name_what_to_look_for() -> None:
    assert invisible_codes(" \u200b\t\u3164\u200b\n\r") == "U+200B, U+3164"
    many = "".join(map(chr, range(0x2060, 0x2066)))
    assert invisible_codes(many) == "U+2060, U+2061, U+2062, U+2063, U+2064, …"
    assert invisible_codes(many, limit=6) == "U+2060, U+2061, U+2062, U+2063, U+2064, U+2065"

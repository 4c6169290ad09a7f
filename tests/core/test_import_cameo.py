"""The CAMEO to PLOVER table against the published lines it is built from."""

from __future__ import annotations

import pytest

from tui.core.importers import cameo

# Quoted from CAMEO2PLOVER-2021.txt (github.com/openeventdata/PLOVER, commit 5e0c24f):
# "code: TYPE, mode, context # description". These are the lines the importers rely on:
# the fixtures' codes, each section's first code (a root falls back to it), and the ones
# filed outside their CAMEO root.
CAMEO2PLOVER = """\
030: AGREE,  , diplomatic # Express intent to cooperate
036: AGREE,  , diplomatic # Express intent to meet or negotiate
040: CONSULT, ,  # Consult
043: CONSULT, visit,   # Host a visit
050: SUPPORT,   ,   diplomatic # Engage in diplomatic cooperation
060: COOPERATE,   ,  # Engage in material cooperation
070: AID,   ,  # Provide aid
080: CONCEDE,   ,  # Yield
084: RETREAT,   ,  # Return, release
0813: RETREAT, ,   legal # Ease curfew  21.09.17: "ease" is no longer a mode
090: ACCUSE, investigate,  # Investigate
100: REQUEST,  ,  # REQUEST
1056: REQUEST, yield, military # Demand de-escalation of military engagement
110: ACCUSE, disapprove,    # Disapprove
120: REJECT,  ,    # Reject
130: THREATEN,   ,  # Threaten
140: PROTEST,   ,  # Engage in political dissent
145: PROTEST, riot ,      # Protest violently, riot
150: MOBILIZE, ,  # Demonstrate military or police power
160: SANCTION,   ,  # Reduce relations
163: COERCE, restrict,   diplomatic # Impose embargo, boycott, or sanctions
170: COERCE, ,    # Coerce
1712: ASSAULT, seize, human_security  # Destroy property
173: COERCE, arrest, legal            # Arrest, detain, or charge with legal action
175: ASSAULT, pro_autocracy , military # Use violent repression
180: ASSAULT, ,    # Use unconventional violence
190: ASSAULT, , military # Use conventional military force
191: COERCE, restrict, military       # Impose blockade, restrict movement
201: ASSAULT, cleansing, religion_ethnicity # Engage in mass expulsion
2042: ASSAULT, unconventional, cbrn # Detonate nuclear weapons
"""

PLOVER_TYPES = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}  # fmt: skip


def _published() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in CAMEO2PLOVER.splitlines():
        head, _, _ = line.partition("#")
        code, _, rest = head.partition(":")
        kind, mode, context = (part.strip() for part in rest.split(","))
        rows.append((code, kind, mode, context))
    return rows


@pytest.mark.parametrize(("code", "kind", "mode", "context"), _published())
def test_the_table_says_what_cameo2plover_says(code, kind, mode, context):
    assert cameo.plover(code) == (kind, mode, context)


def test_every_type_is_one_of_the_sixteen_of_plover_2():
    assert {row[0] for row in cameo.PLOVER.values()} <= PLOVER_TYPES
    assert all(ident.isdigit() and 3 <= len(ident) <= 4 for ident in cameo.PLOVER)


def test_roots_01_and_02_and_unknown_codes_have_no_type():
    assert cameo.plover("010") is None
    assert cameo.plover("0211") is None
    assert cameo.plover("99") is None
    assert cameo.describe("0211") == "Appeal for economic cooperation"


def test_a_code_the_table_lacks_takes_its_base_then_its_root():
    assert cameo.plover("0435") == cameo.plover("043")  # not in CAMEO: its base code's
    assert cameo.plover("08") == ("CONCEDE", "", "")  # a root: its x0 line (080)
    assert cameo.plover("18") == ("ASSAULT", "", "")


@pytest.mark.parametrize(
    ("written", "code"), [("43", "043"), ("431", "0431"), ("4", "04"), ("143", "143"), ("20", "20")]
)
def test_a_lost_leading_zero_is_restored(written, code):
    assert cameo.restore_zero(written) == code


@pytest.mark.parametrize(
    ("description", "verb"),
    [
        ("Host a visit", "hosts a visit"),
        ("Arrest, detain, or charge", "arrests, detains, or charges"),
        ("Accede to requests or demands for", "accedes to requests or demands for"),
        ("Deny responsibility", "denies responsibility"),
        ("Veto", "vetoes"),
    ],
)  # fmt: skip
def test_a_description_becomes_the_verb_of_a_title(description, verb):
    assert cameo.third_person(description) == verb

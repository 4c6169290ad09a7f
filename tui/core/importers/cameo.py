"""CAMEO event codes: what each means (for titles) and its PLOVER event type.

The PLOVER type, mode and context of each code come from the PLOVER project's
``CAMEO2PLOVER-2021.txt`` (github.com/openeventdata/PLOVER, commit 5e0c24f of 2024-02-04,
which writes REQUEST where the 2021 draft wrote DEMAND; the PLOVER 2.0 manual's sixteen
types are the ones faultline/1 uses). Its descriptions are CAMEO's (Gerner, Schrodt et
al., CAMEO Event Data Codebook 1.1b3), with its typing slips corrected ("Apolgize").

CAMEO2PLOVER gives roots 01 (make public statement) and 02 (appeal) no PLOVER type:
PLOVER dropped them. An event with such a code, or a code the table does not know, gets
no ``type`` (the format makes it optional); its CAMEO code is kept in the event's
``x_gdelt.cameo`` either way, so nothing is lost and an analyst can still filter on it.
"""

from __future__ import annotations

# code: (PLOVER type, mode, context, CAMEO description). Modes and contexts as published
# (several contexts are separated by ";").
PLOVER: dict[str, tuple[str, str, str, str]] = {
    "030": ("AGREE", "", "diplomatic", "Express intent to cooperate"),
    "031": ("AGREE", "", "diplomatic", "Agree to engage in material cooperation"),
    "0311": ("AGREE", "", "economic", "Express intent to cooperate economically"),
    "0312": ("AGREE", "", "military", "Express intent to cooperate militarily"),
    "0313": ("AGREE", "", "legal", "Express intent to cooperate on judicial matters"),
    "0314": ("AGREE", "", "intelligence", "Express intent to cooperate on intelligence"),
    "032": (
        "AGREE",
        "",
        "diplomatic",
        "Express intent to engage in diplomatic cooperation (such as policy support)",
    ),
    "033": ("AGREE", "", "diplomatic", "Express intent to provide material aid"),
    "0331": ("AGREE", "", "economic", "Express intent to provide economic aid"),
    "0332": ("AGREE", "", "military", "Express intent to provide military aid"),
    "0333": ("AGREE", "", "humanitarian", "Express intent to provide humanitarian aid"),
    "0334": (
        "AGREE",
        "",
        "peacekeeping",
        "Express intent to provide military protection or peacekeeping",
    ),
    "034": ("AGREE", "", "political_institutions", "Express intent to bring political reform"),
    "0341": ("AGREE", "", "political_institutions", "Express intent to change leadership"),
    "0342": ("AGREE", "", "executive", "Express intent to change policy"),
    "0343": ("AGREE", "", "rights_freedoms", "Express intent to provide rights"),
    "0344": (
        "AGREE",
        "",
        "political_institutions",
        "Express intent to change institutions, regime",
    ),
    "035": ("AGREE", "", "", "Express intent to yield"),
    "0351": ("AGREE", "", "rights_freedoms", "Express intent to ease administrative sanctions"),
    "0352": ("AGREE", "", "", "Express intent to ease popular dissent"),
    "0353": ("AGREE", "", "rights_freedoms", "Express intent to release persons or property"),
    "0354": (
        "AGREE",
        "",
        "economic",
        "Express intent to ease economic sanctions, boycott, embargo",
    ),
    "0355": (
        "AGREE",
        "",
        "diplomatic",
        "Express intent to allow international involvement (non-mediation)",
    ),
    "0356": ("AGREE", "", "military", "Express intent to de-escalate military engagement"),
    "036": ("AGREE", "", "diplomatic", "Express intent to meet or negotiate"),
    "037": ("AGREE", "", "diplomatic", "Express intent to settle dispute"),
    "038": ("AGREE", "", "diplomatic", "Express intent to accept mediation"),
    "039": ("AGREE", "", "diplomatic", "Express intent to mediate"),
    "040": ("CONSULT", "", "", "Consult"),
    "041": ("CONSULT", "phone", "", "Discuss by telephone"),
    "042": ("CONSULT", "visit", "", "Make a visit"),
    "043": ("CONSULT", "visit", "", "Host a visit"),
    "044": ("CONSULT", "third-party", "", "Meet at a 'third' location"),
    "045": ("CONSULT", "", "diplomatic", "Engage in mediation"),
    "046": ("CONSULT", "", "diplomatic", "Engage in negotiation"),
    "050": ("SUPPORT", "", "diplomatic", "Engage in diplomatic cooperation"),
    "051": ("SUPPORT", "", "diplomatic", "Praise or endorse"),
    "052": ("SUPPORT", "", "diplomatic", "Defend verbally"),
    "053": ("SUPPORT", "", "diplomatic", "Rally support on behalf of"),
    "054": ("SUPPORT", "", "diplomatic", "Grant diplomatic recognition"),
    "055": ("SUPPORT", "", "diplomatic", "Apologize"),
    "056": ("SUPPORT", "", "diplomatic", "Forgive"),
    "057": ("SUPPORT", "", "diplomatic", "Sign formal agreement"),
    "060": ("COOPERATE", "", "", "Engage in material cooperation"),
    "061": ("COOPERATE", "", "economic", "Cooperate economically"),
    "062": ("COOPERATE", "", "military", "Cooperate militarily"),
    "063": ("COOPERATE", "", "legal", "Engage in judicial cooperation"),
    "064": ("COOPERATE", "", "intelligence", "Share intelligence or information"),
    "070": ("AID", "", "", "Provide aid"),
    "071": ("AID", "", "economic", "Provide economic aid"),
    "072": ("AID", "", "military", "Provide military aid"),
    "073": ("AID", "", "humanitarian", "Provide humanitarian aid"),
    "074": ("AID", "", "peacekeeping", "Provide military protection or peacekeeping"),
    "075": ("AID", "", "asylum", "Grant asylum"),
    "080": ("CONCEDE", "", "", "Yield"),
    "081": ("CONCEDE", "", "legal", "Ease administrative sanctions"),
    "0811": ("CONCEDE", "", "democracy", "Ease restrictions on political freedoms"),
    "0812": ("CONCEDE", "", "democracy", "Ease ban on political parties or politicians"),
    "0813": ("RETREAT", "", "legal", "Ease curfew"),
    "0814": ("RETREAT", "", "legal", "Ease state of emergency or martial law"),
    "082": ("CONCEDE", "", "democracy", "Ease political dissent"),
    "083": (
        "CONCEDE",
        "",
        "political_institutions",
        "Accede to requests or demands for political reform",
    ),
    "0831": ("CONCEDE", "", "political_institutions", "Accede to demands for change in leadership"),
    "0832": ("CONCEDE", "", "executive", "Accede to demands for change in policy"),
    "0833": ("CONCEDE", "", "rights_freedoms", "Accede to demands for rights"),
    "0834": (
        "CONCEDE",
        "",
        "political_institutions",
        "Accede to demands for change in institutions, regime",
    ),
    "084": ("RETREAT", "", "", "Return, release"),
    "0841": ("RETREAT", "release", "legal", "Return, release person(s)"),
    "0842": ("RETREAT", "return", "legal", "Return, release property"),
    "085": ("RETREAT", "ease", "economic", "Ease economic sanctions, boycott, embargo"),
    "086": ("RETREAT", "access", "diplomatic", "Allow international involvement"),
    "0861": ("RETREAT", "access", "peacekeeping", "Receive deployment of peacekeepers"),
    "0862": ("RETREAT", "access", "diplomatic", "Receive inspectors"),
    "0863": ("RETREAT", "access", "humanitarian", "Allow delivery of humanitarian aid"),
    "087": ("RETREAT", "disarm", "military", "De-escalate military engagement"),
    "0871": ("RETREAT", "ceasefire", "military", "Declare truce, ceasefire"),
    "0872": ("RETREAT", "withdraw", "military", "Ease military blockade"),
    "0873": ("RETREAT", "disarm", "military", "Demobilize armed forces"),
    "0874": ("RETREAT", "disarm", "military", "Retreat or surrender militarily"),
    "090": ("ACCUSE", "investigate", "", "Investigate"),
    "091": ("ACCUSE", "investigate", "crime;corruption", "Investigate crime, corruption"),
    "092": ("ACCUSE", "investigate", "human_rights", "Investigate human rights abuses"),
    "093": ("ACCUSE", "investigate", "military", "Investigate military action"),
    "094": ("ACCUSE", "investigate", "military;legal", "Investigate war crimes"),
    "100": ("REQUEST", "", "", "Demand"),
    "101": ("REQUEST", "assist", "", "Demand material cooperation"),
    "1011": ("REQUEST", "assist", "economic", "Demand economic cooperation"),
    "1012": ("REQUEST", "assist", "military", "Demand military cooperation"),
    "1013": ("REQUEST", "assist", "legal", "Demand judicial cooperation"),
    "1014": ("REQUEST", "assist", "intelligence", "Demand intelligence cooperation"),
    "102": (
        "REQUEST",
        "assist",
        "diplomatic",
        "Demand diplomatic cooperation (such as policy support)",
    ),
    "103": ("REQUEST", "assist", "", "Demand aid"),
    "1031": ("REQUEST", "assist", "economic", "Demand economic aid"),
    "1032": ("REQUEST", "assist", "military", "Demand military aid"),
    "1033": ("REQUEST", "assist", "humanitarian", "Demand humanitarian aid"),
    "1034": ("REQUEST", "assist", "peacekeeping", "Demand military protection or peacekeeping"),
    "104": ("REQUEST", "change", "political_institutions", "Demand political reform"),
    "1041": ("REQUEST", "change", "executive", "Demand change in leadership"),
    "1042": ("REQUEST", "change", "executive", "Demand policy change"),
    "1043": ("REQUEST", "change", "rights_freedoms", "Demand rights"),
    "1044": (
        "REQUEST",
        "change",
        "political_institutions",
        "Demand change in institutions, regime",
    ),
    "105": ("REQUEST", "change", "legal", "Demand that target yields"),
    "1051": ("REQUEST", "yield", "legal", "Demand easing of administrative sanctions"),
    "1052": ("REQUEST", "yield", "legal", "Demand easing of popular dissent"),
    "1053": ("REQUEST", "yield", "legal", "Demand release of persons or property"),
    "1054": (
        "REQUEST",
        "yield",
        "economic",
        "Demand easing of economic sanctions, boycott, or embargo",
    ),
    "1055": (
        "REQUEST",
        "yield",
        "diplomatic",
        "Demand that target allows international involvement (non-mediation)",
    ),
    "1056": ("REQUEST", "yield", "military", "Demand de-escalation of military engagement"),
    "106": ("REQUEST", "meet", "diplomatic", "Demand meeting, negotiation"),
    "107": ("REQUEST", "meet", "diplomatic", "Demand settling of dispute"),
    "108": ("REQUEST", "meet", "diplomatic", "Demand mediation"),
    "110": ("ACCUSE", "disapprove", "", "Disapprove"),
    "111": ("ACCUSE", "disapprove", "", "Criticize or denounce"),
    "112": ("ACCUSE", "disapprove", "", "Accuse"),
    "1121": ("ACCUSE", "allege", "crime;corruption", "Accuse of crime, corruption"),
    "1122": ("ACCUSE", "allege", "human_rights", "Accuse of human rights abuses"),
    "1123": ("ACCUSE", "allege", "military", "Accuse of aggression"),
    "1124": ("ACCUSE", "allege", "military;legal", "Accuse of war crimes"),
    "1125": ("ACCUSE", "allege", "legal", "Accuse of espionage, treason"),
    "113": ("ACCUSE", "disapprove", "", "Rally opposition against"),
    "114": ("ACCUSE", "allege", "diplomatic", "Complain officially"),
    "115": ("ACCUSE", "allege", "legal", "Bring lawsuit against"),
    "116": ("ACCUSE", "disapprove", "legal", "Find guilty or liable (legally)"),
    "120": ("REJECT", "", "", "Reject"),
    "121": ("REJECT", "assist", "", "Reject material cooperation"),
    "1211": ("REJECT", "assist", "economic", "Reject economic cooperation"),
    "1212": ("REJECT", "assist", "military", "Reject military cooperation"),
    "1213": ("REJECT", "assist", "legal", "Reject judicial cooperation"),
    "1214": ("REJECT", "assist", "intelligence", "Reject intelligence cooperation"),
    "122": ("REJECT", "assist", "", "Reject request or demand for material aid"),
    "1221": ("REJECT", "assist", "economic", "Reject demand for economic aid"),
    "1222": ("REJECT", "assist", "military", "Reject demand for military aid"),
    "1223": ("REJECT", "assist", "humanitarian", "Reject demand for humanitarian aid"),
    "1224": (
        "REJECT",
        "assist",
        "peacekeeping",
        "Reject demand for military protection or peacekeeping",
    ),
    "123": (
        "REJECT",
        "change",
        "political_institutions",
        "Reject request or demand for political reform",
    ),
    "1231": ("REJECT", "change", "executive", "Reject demand for change in leadership"),
    "1232": ("REJECT", "change", "executive", "Reject demand for policy change"),
    "1233": ("REJECT", "change", "rights_freedoms", "Reject demand for rights"),
    "1234": (
        "REJECT",
        "change",
        "political_institutions",
        "Reject demand for change in institutions, regime",
    ),
    "124": ("REJECT", "change", "", "Decline to yield"),
    "1241": ("REJECT", "change", "executive", "Decline to ease administrative sanctions"),
    "1242": ("REJECT", "change", "", "Decline to ease popular dissent"),
    "1243": ("REJECT", "yield", "legal", "Decline to release persons or property"),
    "1244": (
        "REJECT",
        "yield",
        "economic",
        "Decline to ease economic sanctions, boycott, or embargo",
    ),
    "1245": (
        "REJECT",
        "yield",
        "diplomatic",
        "Decline to allow international involvement (non-mediation)",
    ),
    "1246": ("REJECT", "yield", "military", "Decline to de-escalate military engagement"),
    "125": ("REJECT", "meet", "diplomatic", "Reject proposal to meet, discuss, negotiate"),
    "126": ("REJECT", "meet", "diplomatic", "Reject mediation"),
    "127": ("REJECT", "meet", "diplomatic", "Reject plan, agreement to settle dispute"),
    "128": ("REJECT", "yield", "legal", "Defy norms, law"),
    "129": ("REJECT", "yield", "diplomatic", "Veto"),
    "130": ("THREATEN", "", "", "Threaten"),
    "131": ("THREATEN", "", "", "Threaten non-force"),
    "1311": ("THREATEN", "relations", "", "Threaten to reduce or stop aid"),
    "1312": ("THREATEN", "restrict", "economic", "Threaten to boycott, embargo, or sanction"),
    "1313": ("THREATEN", "relations", "diplomatic", "Threaten to reduce or break relations"),
    "132": ("THREATEN", "ban", "executive", "Threaten with administrative sanctions"),
    "1321": (
        "THREATEN",
        "political",
        "human_rights",
        "Threaten to impose restrictions on freedoms of speech and expression",
    ),
    "1322": (
        "THREATEN",
        "ban",
        "pro_autocracy",
        "Threaten to ban political parties or politicians",
    ),
    "1323": ("THREATEN", "restrict", "pro_autocracy", "Threaten to impose curfew"),
    "1324": (
        "THREATEN",
        "restrict",
        "pro_autocracy",
        "Threaten to impose state of emergency or martial law",
    ),
    "133": ("THREATEN", "relations", "", "Threaten with political dissent, protest"),
    "134": ("THREATEN", "relations", "diplomatic", "Threaten to halt negotiations"),
    "135": ("THREATEN", "relations", "diplomatic", "Threaten to halt mediation"),
    "136": (
        "THREATEN",
        "expel",
        "diplomatic",
        "Threaten to halt (expel or withdraw) international involvement (non-mediation)",
    ),
    "137": ("THREATEN", "violence", "pro_autocracy", "Threaten with violent repression"),
    "138": ("THREATEN", "violence", "military", "Threaten with military force"),
    "1381": ("THREATEN", "restrict", "military", "Threaten blockade"),
    "1382": ("THREATEN", "territory", "military", "Threaten occupation"),
    "1383": ("THREATEN", "violence", "military", "Threaten unconventional violence"),
    "1384": ("THREATEN", "violence", "military", "Threaten conventional attack"),
    "1385": ("THREATEN", "violence", "cbrn", "Threaten attack with WMD"),
    "139": ("THREATEN", "relations", "diplomatic", "Give ultimatum"),
    "140": ("PROTEST", "", "", "Engage in political dissent"),
    "141": ("PROTEST", "demo", "", "Demonstrate or rally"),
    "1411": ("PROTEST", "demo", "executive", "Demonstrate for leadership change"),
    "1412": ("PROTEST", "demo", "executive", "Demonstrate for policy change"),
    "1413": ("PROTEST", "demo", "rights_freedoms", "Demonstrate for rights"),
    "1414": (
        "PROTEST",
        "demo",
        "political_institutions",
        "Demonstrate for change in institutions, regime",
    ),
    "142": ("PROTEST", "hunger", "", "Conduct hunger strike"),
    "1421": ("PROTEST", "hunger", "executive", "Conduct hunger strike for leadership change"),
    "1422": ("PROTEST", "hunger", "executive", "Conduct hunger strike for policy change"),
    "1423": ("PROTEST", "hunger", "rights_freedoms", "Conduct hunger strike for rights"),
    "1424": (
        "PROTEST",
        "hunger",
        "political_institutions",
        "Conduct hunger strike for change in institutions, regime",
    ),
    "143": ("PROTEST", "boycott", "", "Conduct strike or boycott"),
    "1431": (
        "PROTEST",
        "boycott",
        "executive",
        "Conduct strike or boycott for change in leadership",
    ),
    "1432": ("PROTEST", "boycott", "executive", "Conduct strike or boycott for policy change"),
    "1433": ("PROTEST", "boycott", "rights_freedoms", "Conduct strike or boycott for rights"),
    "1434": (
        "PROTEST",
        "boycott",
        "political_institutions",
        "Conduct strike or boycott for change in institutions, regime",
    ),
    "144": ("PROTEST", "obstruct", "", "Obstruct passage, block"),
    "1441": ("PROTEST", "obstruct", "executive", "Obstruct passage to demand change in leadership"),
    "1442": ("PROTEST", "obstruct", "executive", "Obstruct passage to demand policy change"),
    "1443": ("PROTEST", "obstruct", "rights_freedoms", "Obstruct passage to demand rights"),
    "1444": (
        "PROTEST",
        "obstruct",
        "political_institutions",
        "Obstruct passage to demand change in institutions, regime",
    ),
    "145": ("PROTEST", "riot", "", "Protest violently, riot"),
    "1451": ("PROTEST", "riot", "executive", "Engage in violent protest for change in leadership"),
    "1452": ("PROTEST", "riot", "executive", "Engage in violent protest for policy change"),
    "1453": ("PROTEST", "riot", "rights_freedoms", "Engage in violent protest for rights"),
    "1454": (
        "PROTEST",
        "riot",
        "political_institutions",
        "Engage in violent protest for change in institutions, regime",
    ),
    "150": ("MOBILIZE", "", "", "Demonstrate military or police power"),
    "151": ("MOBILIZE", "police", "", "Increase police alert status"),
    "152": ("MOBILIZE", "troops", "military", "Increase military alert status"),
    "153": ("MOBILIZE", "police", "", "Mobilize or increase police power"),
    "154": ("MOBILIZE", "troops", "military", "Mobilize or increase armed forces"),
    "160": ("SANCTION", "", "", "Reduce relations"),
    "161": ("SANCTION", "withdraw", "diplomatic", "Reduce or break diplomatic relations"),
    "162": ("SANCTION", "discontinue", "human_security", "Reduce or stop aid"),
    "1621": ("SANCTION", "discontinue", "economic", "Reduce or stop economic assistance"),
    "1622": ("SANCTION", "discontinue", "military", "Reduce or stop military assistance"),
    "1623": ("SANCTION", "discontinue", "humanitarian", "Reduce or stop humanitarian assistance"),
    "163": ("COERCE", "restrict", "diplomatic", "Impose embargo, boycott, or sanctions"),
    "164": ("SANCTION", "withdraw", "diplomatic", "Halt negotiations"),
    "165": ("SANCTION", "withdraw", "diplomatic", "Halt mediation"),
    "166": ("SANCTION", "expel", "diplomatic", "Expel or withdraw"),
    "1661": ("SANCTION", "expel", "military", "Expel or withdraw peacekeepers"),
    "1662": ("SANCTION", "expel", "diplomatic", "Expel or withdraw inspectors, observers"),
    "1663": ("SANCTION", "expel", "human_security", "Expel or withdraw aid agencies"),
    "170": ("COERCE", "", "", "Coerce"),
    "171": ("COERCE", "seize", "human_security", "Seize or damage property"),
    "1711": ("COERCE", "seize", "human_security", "Confiscate property"),
    "1712": ("ASSAULT", "seize", "human_security", "Destroy property"),
    "172": ("COERCE", "restrict", "executive", "Impose administrative sanctions"),
    "1721": (
        "COERCE",
        "restrict",
        "rights_freedoms",
        "Impose restrictions on freedoms of speech and expression",
    ),
    "1722": ("COERCE", "ban", "pro_autocracy", "Ban political parties or politicians"),
    "1723": ("COERCE", "curfew", "pro_autocracy", "Impose curfew"),
    "1724": ("COERCE", "martial-law", "pro_autocracy", "Impose state of emergency or martial law"),
    "173": ("COERCE", "arrest", "legal", "Arrest, detain, or charge with legal action"),
    "174": ("COERCE", "deport", "legal", "Expel or deport individuals"),
    "175": ("ASSAULT", "pro_autocracy", "military", "Use violent repression"),
    "180": ("ASSAULT", "", "", "Use unconventional violence"),
    "181": ("ASSAULT", "abduct", "", "Abduct, hijack"),
    "182": ("ASSAULT", "beat", "", "Physically assault"),
    "1821": ("ASSAULT", "sexual", "", "Sexually assault"),
    "1822": ("ASSAULT", "torture", "", "Torture"),
    "1823": ("ASSAULT", "", "", "Kill by physical assault"),
    "183": ("ASSAULT", "suicide-attack", "", "Conduct suicide, car, or other non-military bombing"),
    "1831": ("ASSAULT", "suicide-attack", "", "Carry out suicide bombing"),
    "1832": ("ASSAULT", "explosives", "", "Carry out car bombing"),
    "1833": ("ASSAULT", "explosives", "", "Carry out roadside bombing"),
    "184": ("ASSAULT", "abduct", "", "Use as human shield"),
    "185": ("ASSAULT", "assassinate", "", "Attempt to assassinate"),
    "186": ("ASSAULT", "assassinate", "", "Assassinate"),
    "190": ("ASSAULT", "", "military", "Use conventional military force"),
    "191": ("COERCE", "restrict", "military", "Impose blockade, restrict movement"),
    "192": ("COERCE", "seize", "military", "Occupy territory"),
    "193": ("ASSAULT", "firearms", "military", "Fight with small arms and light weapons"),
    "194": ("ASSAULT", "heavy-weapons", "military", "Fight with artillery and tanks"),
    "195": ("ASSAULT", "heavy-weapons", "military", "Employ aerial weapons"),
    "196": ("ASSAULT", "", "legal;military", "Violate ceasefire"),
    "200": ("ASSAULT", "massacre", "military", "Use unconventional mass violence"),
    "201": ("ASSAULT", "cleansing", "religion_ethnicity", "Engage in mass expulsion"),
    "202": ("ASSAULT", "massacre", "religion_ethnicity", "Engage in mass killings"),
    "203": ("ASSAULT", "cleansing", "religion_ethnicity", "Engage in ethnic cleansing"),
    "204": ("ASSAULT", "unconventional", "cbrn", "Use weapons of mass destruction"),
    "2041": (
        "ASSAULT",
        "unconventional",
        "cbrn",
        "Use chemical, biological, or radiological weapons",
    ),
    "2042": ("ASSAULT", "unconventional", "cbrn", "Detonate nuclear weapons"),
}

# Roots 01 and 02, which CAMEO2PLOVER leaves out, and the root codes themselves:
# descriptions only (CAMEO codebook), no PLOVER type.
DESCRIPTIONS: dict[str, str] = {
    "01": "Make public statement",
    "010": "Make statement",
    "011": "Decline comment",
    "012": "Make pessimistic comment",
    "013": "Make optimistic comment",
    "014": "Consider policy option",
    "015": "Acknowledge or claim responsibility",
    "016": "Deny responsibility",
    "017": "Engage in symbolic act",
    "018": "Make empathetic comment",
    "019": "Express accord",
    "02": "Appeal",
    "020": "Make an appeal or request",
    "021": "Appeal for material cooperation",
    "0211": "Appeal for economic cooperation",
    "0212": "Appeal for military cooperation",
    "0213": "Appeal for judicial cooperation",
    "0214": "Appeal for intelligence",
    "022": "Appeal for diplomatic cooperation",
    "023": "Appeal for aid",
    "0231": "Appeal for economic aid",
    "0232": "Appeal for military aid",
    "0233": "Appeal for humanitarian aid",
    "0234": "Appeal for military protection or peacekeeping",
    "024": "Appeal for political reform",
    "0241": "Appeal for change in leadership",
    "0242": "Appeal for policy change",
    "0243": "Appeal for rights",
    "0244": "Appeal for change in institutions, regime",
    "025": "Appeal to yield",
    "0251": "Appeal for easing of administrative sanctions",
    "0252": "Appeal for easing of popular dissent",
    "0253": "Appeal for release of persons or property",
    "0254": "Appeal for easing of economic sanctions, boycott, or embargo",
    "0255": "Appeal for target to allow international involvement",
    "0256": "Appeal for de-escalation of military engagement",
    "026": "Appeal to others to meet or negotiate",
    "027": "Appeal to others to settle dispute",
    "028": "Appeal to others to engage in or accept mediation",
    "03": "Express intent to cooperate",
    "04": "Consult",
    "05": "Engage in diplomatic cooperation",
    "06": "Engage in material cooperation",
    "07": "Provide aid",
    "08": "Yield",
    "09": "Investigate",
    "10": "Demand",
    "11": "Disapprove",
    "12": "Reject",
    "13": "Threaten",
    "14": "Protest",
    "15": "Exhibit force posture",
    "16": "Reduce relations",
    "17": "Coerce",
    "18": "Assault",
    "19": "Fight",
    "20": "Use unconventional mass violence",
}

# CAMEO actor role ("type") codes, the third letters of a composite code (``KAZGOV``):
# what the role is called, and the actor kind when the role alone makes it clear. GOV
# and its kin stay "other": GDELT codes a president and the state itself both KAZGOV.
ROLES: dict[str, tuple[str, str]] = {
    "GOV": ("government", "other"),
    "MIL": ("military", "other"),
    "COP": ("police", "other"),
    "JUD": ("judiciary", "other"),
    "LEG": ("legislature", "other"),
    "SPY": ("intelligence", "other"),
    "PTY": ("political party", "party"),
    "OPP": ("political opposition", "party"),
    "REB": ("rebels", "group"),
    "INS": ("insurgents", "group"),
    "SEP": ("separatists", "group"),
    "UAF": ("unidentified armed forces", "group"),
    "CRM": ("criminals", "group"),
    "RAD": ("radicals", "group"),
    "MOD": ("moderates", "group"),
    "CVL": ("civilians", "group"),
    "REF": ("refugees", "group"),
    "ELI": ("elites", "group"),
    "LAB": ("labour", "group"),
    "AGR": ("agriculture", "group"),
    "SET": ("settlers", "group"),
    "IGO": ("intergovernmental organisation", "organisation"),
    "NGO": ("non-governmental organisation", "organisation"),
    "NGM": ("non-governmental movement", "group"),
    "BUS": ("business", "organisation"),
    "MED": ("media", "organisation"),
    "EDU": ("education", "organisation"),
    "HLH": ("health", "organisation"),
    "HRI": ("human rights", "organisation"),
    "REL": ("religious", "organisation"),
    "ENV": ("environment", "organisation"),
    "DEV": ("development", "organisation"),
}

QUAD_CLASSES = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}


def restore_zero(code: str) -> str:
    """A CAMEO event code whose leading zero a spreadsheet or an integer column dropped
    gets it back: roots run 01 to 20, so ``43`` or ``431`` can only be ``043``, ``0431``."""
    if code and code[0] != "0" and code.isdigit() and (len(code) == 1 or int(code[:2]) > 20):
        return "0" + code
    return code


def plover(code: str) -> tuple[str, str, str] | None:
    """The PLOVER (type, mode, context) of a CAMEO event code: its own line in
    CAMEO2PLOVER, else its base code's (``0431`` → ``043``), else its root's (``04`` →
    ``040``); None for roots 01 and 02 and for codes outside CAMEO."""
    for key in (code, code[:3], code[:2] + "0"):
        row = PLOVER.get(key)
        if row is not None:
            return row[0], row[1], row[2]
    return None


def describe(code: str) -> str | None:
    """CAMEO's words for an event code (or its base or root code); None if unknown."""
    for key in (code, code[:3], code[:2]):
        if key in PLOVER:
            return PLOVER[key][3]
        if key in DESCRIPTIONS:
            return DESCRIPTIONS[key]
    return None


# The verbs CAMEO descriptions use after the first word, in lists ("Seize or damage
# property", "Arrest, detain, or charge"): put in the third person too.
_VERB_LIST = (
    "abduct accede allow announce apologize arrest assassinate attempt break carry charge "
    "confiscate damage de-escalate declare decline defy deny denounce detain demand destroy "
    "discuss ease engage expel express hijack impose increase make mobilize obstruct occupy "
    "protest receive reduce reject release restrict retreat return seize stop surrender "
    "threaten use violate withdraw yield"
)
_VERBS = frozenset(_VERB_LIST.split())


def _third(verb: str) -> str:
    lower = verb.lower()
    if lower.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if lower.endswith("y") and lower[-2:-1] not in ("a", "e", "i", "o", "u"):
        return verb[:-1] + "ies"
    return verb + "s"


def third_person(description: str) -> str:
    """``Host a visit`` → ``hosts a visit``; ``Seize or damage property`` → ``seizes or
    damages property``: a CAMEO description as the verb of a title."""
    out: list[str] = []
    verb_next = True  # the first word, and a listed verb after "," "or" "and"
    for word in description.split(" "):
        bare = word.rstrip(",")
        shown = word
        if verb_next and (not out or bare.lower() in _VERBS):
            shown = _third(bare.lower() if not out else bare) + word[len(bare) :]
        out.append(shown)
        verb_next = word in ("or", "and") or word.endswith(",")
    return " ".join(out)

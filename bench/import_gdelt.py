"""How fast ``faultline import gdelt`` turns a GDELT day (100,000 rows) into a JSON
document, as a ratio to the floor any importer pays: a bare ``csv.reader`` pass over the
same decompressed rows plus ``json.dumps`` of them as lists. Each is run in its own
process (best of three), which also reports its peak RSS.

    python bench/import_gdelt.py              # 100,000 rows
    python bench/import_gdelt.py --rows 10000

The rows are generated here, deterministically (seed 1), in the shape of a GDELT 2.0
export (61 tab-separated columns; a few thousand actors, CAMEO codes with leading zeros,
most rows with their own article URL), into a temporary directory. Nothing here asserts
a timing; bench/README.md records the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

COUNTRIES = ["KAZ", "RUS", "BLR", "CHN", "USA", "UKR", "KGZ", "UZB", "TUR", "DEU"]
ROLES = ["", "GOV", "MIL", "OPP", "BUS", "MED", "CVL", "REB", "JUD", "LEG"]
CODES = ["010", "0211", "036", "040", "042", "043", "046", "051", "057", "061", "071",
         "0831", "090", "1041", "111", "112", "120", "130", "138", "141", "145", "163",
         "173", "180", "190", "193", "195"]  # fmt: skip


def generate(path: Path, rows: int) -> None:
    from tui.core.importers.gdelt import INDEX

    rng = random.Random(1)
    # A few thousand actors, as in a real day: each person keeps one code.
    people = [
        (f"PERSON {i:04d}", rng.choice(COUNTRIES), rng.choice(ROLES[1:])) for i in range(3000)
    ]
    with path.open("w", encoding="utf-8") as out:
        for n in range(rows):
            f = [""] * 61
            f[INDEX["GLOBALEVENTID"]] = str(1_100_000_000 + rng.randrange(10**8))
            f[INDEX["SQLDATE"]] = f"2024{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            for side in ("Actor1", "Actor2"):
                if rng.random() < 0.1:
                    continue  # a blank actor
                if rng.random() < 0.3:
                    name, country, role = rng.choice(COUNTRIES), "", ""
                    country = name
                else:
                    name, country, role = rng.choice(people)
                f[INDEX[f"{side}Code"]] = country + role
                f[INDEX[f"{side}Name"]] = name
                f[INDEX[f"{side}CountryCode"]] = country
                f[INDEX[f"{side}Type1Code"]] = role
            code = rng.choice(CODES)
            f[INDEX["EventCode"]], f[INDEX["EventBaseCode"]] = code, code[:3]
            f[INDEX["EventRootCode"]] = code[:2]
            f[INDEX["IsRootEvent"]] = rng.choice("01")
            f[INDEX["QuadClass"]] = rng.choice("1234")
            f[INDEX["GoldsteinScale"]] = f"{rng.uniform(-10, 10):.1f}"
            f[INDEX["NumMentions"]] = str(rng.randint(1, 50))
            f[INDEX["NumSources"]] = str(rng.randint(1, 5))
            f[INDEX["NumArticles"]] = str(rng.randint(1, 50))
            f[INDEX["AvgTone"]] = f"{rng.uniform(-10, 10):.6f}"
            f[INDEX["ActionGeo_Type"]] = "4"
            f[INDEX["ActionGeo_FullName"]] = f"City {rng.randrange(500)}, Region, Country"
            f[INDEX["ActionGeo_CountryCode"]] = "KZ"
            f[INDEX["ActionGeo_Lat"]] = f"{rng.uniform(-90, 90):.4f}"
            f[INDEX["ActionGeo_Long"]] = f"{rng.uniform(-180, 180):.4f}"
            f[INDEX["DATEADDED"]] = "20240101000000"
            f[INDEX["SOURCEURL"]] = f"https://news{rng.randrange(300)}.example.com/a/{n // 2}"
            out.write("\t".join(f) + "\n")


FLOOR = """
import csv, json, resource, sys, time
start = time.perf_counter()
with open(sys.argv[1], encoding="utf-8", newline="") as handle:
    rows = list(csv.reader(handle, delimiter="\\t", quoting=csv.QUOTE_NONE))
text = json.dumps(rows)
seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

IMPORT = """
import resource, sys, time
sys.path.insert(0, sys.argv[2])
from tui.core.importers import Options, Tally, import_files
start = time.perf_counter()
dossier = import_files("gdelt", [sys.argv[1]], Options(), Tally(), max_size=1, timeout=1)
text = dossier.text("json")
seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, len(dossier.events))
"""


def measure(script: str, data: Path) -> tuple[float, float, list[str]]:
    """Best of three runs, each in a fresh process: seconds, peak RSS (MB), extra output."""
    best: tuple[float, float, list[str]] | None = None
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", script, str(data), str(REPO)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        seconds, rss, *rest = done.stdout.split()
        figure = (float(seconds), int(rss) / 1024, rest)
        if best is None or figure[0] < best[0]:
            best = figure
    assert best is not None
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        data = Path(directory) / "day.export.CSV"
        started = time.perf_counter()
        generate(data, args.rows)
        size = data.stat().st_size / 1e6
        print(
            f"{args.rows:,} rows, {size:.1f} MB generated in {time.perf_counter() - started:.1f} s"
        )
        floor = measure(FLOOR, data)
        imported = measure(IMPORT, data)
    result = {
        "rows": args.rows,
        "floor_s": round(floor[0], 3),
        "floor_peak_rss_mb": round(floor[1], 1),
        "import_s": round(imported[0], 3),
        "import_peak_rss_mb": round(imported[1], 1),
        "events": int(imported[2][0]),
        "ratio": round(imported[0] / floor[0], 2),
    }
    print(
        f"floor (csv.reader + json.dumps): {floor[0]:.2f} s, peak RSS {floor[1]:.0f} MB\n"
        f"faultline import gdelt -> JSON:  {imported[0]:.2f} s, peak RSS {imported[1]:.0f} MB "
        f"({result['events']:,} events)\n"
        f"ratio: {result['ratio']:.2f}x the floor (target: 3x or less)"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()

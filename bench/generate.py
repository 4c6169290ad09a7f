"""Deterministic synthetic dossiers for benchmarks: N events, with actors, disagreements
and positions in proportion, as faultline/1 TOML (and optionally JSON).

    python bench/generate.py 100000 -o bench/results/events-100k.toml
    python bench/generate.py 1000000 -o bench/results/events-1m --parts 10

A document holds at most 1,000,000 entities (spec), so a million events are written as
a data directory of ``--parts`` documents: the first holds the sources, actors,
disagreements and meta, every part a consecutive slice of the events.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import tomli_w

WORDS = [
    "oil",
    "gas",
    "border",
    "treaty",
    "customs",
    "tariff",
    "union",
    "parliament",
    "sanctions",
    "pipeline",
    "election",
    "alphabet",
    "cosmodrome",
    "grain",
    "water",
    "dam",
    "railway",
    "port",
    "summit",
    "envoy",
    "protest",
    "veto",
    "quota",
]
TYPES = ("AGREE", "CONSULT", "SUPPORT", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION")
STANCES = ("support", "oppose", "mixed", "neutral", "unknown")


def arranged(events: int, seed: int = 1) -> dict:
    rng = random.Random(seed)
    n_actors = max(20, min(2000, events // 50))
    n_disagreements = max(5, min(500, events // 200))
    actors = [
        {
            "id": f"actor-{i}",
            "name": f"Actor {i} {rng.choice(WORDS).title()}",
            "kind": rng.choice(("state", "person", "party", "organisation", "group")),
            "aliases": [f"A{i}", f"{rng.choice(WORDS)}-{i}"],
            "role": f"{rng.choice(WORDS).title()} minister",
        }
        for i in range(n_actors)
    ]
    disagreements = []
    for i in range(n_disagreements):
        positions = []
        for actor in rng.sample(range(n_actors), k=min(8, n_actors)):
            for year in sorted(rng.sample(range(2005, 2025), k=2)):
                positions.append(
                    {"actor": f"actor-{actor}", "stance": rng.choice(STANCES), "as_of": str(year)}
                )
        disagreements.append(
            {
                "id": f"dispute-{i}",
                "title": f"Dispute over {rng.choice(WORDS)} and {rng.choice(WORDS)} #{i}",
                "status": rng.choice(("open", "escalating", "easing", "dormant")),
                "positions": positions,
                "sources": ["gen"],
            }
        )
    timeline = []
    for i in range(events):
        year = rng.randrange(1990, 2026)
        precision = rng.random()
        if precision < 0.6:
            date = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        elif precision < 0.9:
            date = f"{year}-{rng.randrange(1, 13):02d}"
        else:
            date = str(year)
        timeline.append(
            {
                "id": f"event-{i}",
                "title": f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} talks, round {i}",
                "date": date,
                "summary": " ".join(rng.choices(WORDS, k=12)),
                "actors": [f"actor-{rng.randrange(n_actors)}" for _ in range(2)],
                "disagreements": [f"dispute-{rng.randrange(n_disagreements)}"],
                "type": rng.choice(TYPES),
                "sources": ["gen"],
            }
        )
    return {
        "format": "faultline/1",
        "meta": {"title": f"Synthetic dossier, {events:,} events", "as_of": "2026-01-01"},
        "sources": [{"id": "gen", "title": "Generated for benchmarks", "kind": "dataset"}],
        "actors": actors,
        "disagreements": disagreements,
        "events": timeline,
    }


def write(events: int, path: Path, seed: int = 1) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = arranged(events, seed)
    if path.suffix == ".json":
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def write_parts(events: int, directory: Path, parts: int, seed: int = 1) -> Path:
    """The same dossier as ``write``, split into ``parts`` TOML documents in a directory."""
    directory.mkdir(parents=True, exist_ok=True)
    data = arranged(events, seed)
    timeline = data.pop("events")
    step = -(-len(timeline) // parts)
    for part in range(parts):
        document: dict = {"format": data["format"]} if part else dict(data)
        document["events"] = timeline[part * step : (part + 1) * step]
        (directory / f"part-{part:02d}.toml").write_text(tomli_w.dumps(document), encoding="utf-8")
    return directory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--parts", type=int, default=1, help="write a directory of N documents")
    args = parser.parse_args()
    if args.parts > 1:
        write_parts(args.events, args.output, args.parts, args.seed)
    else:
        write(args.events, args.output, args.seed)


if __name__ == "__main__":
    main()

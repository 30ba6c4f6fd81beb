"""Write a synthetic cohort of any size in peermatch's data contract, deterministic by seed.

    python benchmarks/generate.py --profiles 20000 --topics 200 --seed 1 --out /tmp/cohort

writes ``/tmp/cohort/systems.yaml`` and ``/tmp/cohort/challenges.yaml``. The cohort looks
like the real thing at scale: mostly PCNs, trusts and councils across the four nations,
each with 3-8 strengths (with evidence, often a source) and 3-8 challenges (some with a
note), some populations, tags, capacities, symmetric partners and a few exclusions. Topic
popularity is mildly skewed, some references use an alias rather than the id, and every
topic has 0-2 related topics in its own area. The files are valid: ``peermatch validate``
passes (without --strict warnings, except perhaps for unused topics in tiny cohorts).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

AREAS: dict[str, list[str]] = {
    "urgent-and-emergency-care": [
        "ambulance handover",
        "emergency department flow",
        "urgent community response",
        "same day emergency care",
        "NHS 111 triage",
    ],
    "flow-and-discharge": ["hospital discharge", "virtual wards", "intermediate care", "bed flow"],
    "planned-care": ["elective recovery", "diagnostics", "outpatient follow-up", "cancer pathways"],
    "mental-health": [
        "CAMHS waiting times",
        "crisis care",
        "out of area placements",
        "talking therapies",
    ],
    "primary-care": ["GP access", "care navigation", "long-term conditions", "pharmacy first"],
    "population-health": [
        "health inequalities",
        "smoking cessation",
        "childhood obesity",
        "population health data",
    ],
    "workforce": ["staff retention", "international recruitment", "sickness absence", "rotas"],
    "social-care": ["home care capacity", "care home quality", "reablement", "carers support"],
    "digital-and-data": ["shared care records", "remote monitoring", "data linkage", "cyber"],
    "governance": ["place-based partnerships", "provider collaboratives", "finance recovery"],
    "maternity-and-children": ["maternity safety", "neonatal care", "special educational needs"],
    "community-services": ["community nursing", "falls prevention", "frailty", "end of life care"],
}
ASPECTS = [
    "",
    "data and measurement",
    "workforce",
    "digital tools",
    "patient experience",
    "rural access",
    "quality improvement",
    "funding models",
    "leadership",
    "commissioning",
]
KINDS = [
    ("pcn", 40),
    ("trust", 14),
    ("council", 20),
    ("place", 10),
    ("ics", 4),
    ("provider-collaborative", 5),
    ("national-body", 2),
    ("international", 5),
]
COUNTRIES = [("England", 84), ("Scotland", 7), ("Wales", 5), ("Northern Ireland", 3), (None, 1)]
ABROAD = ["New Zealand", "Sweden", "Canada", "Denmark", "Netherlands", "United States"]
PLACES = [
    "Ashby",
    "Barford",
    "Calder",
    "Dunmore",
    "Eastleigh",
    "Farnham",
    "Glenrock",
    "Harwell",
    "Ingleby",
    "Jarrow",
    "Kelso",
    "Lydney",
    "Marsden",
    "Northam",
    "Oakridge",
    "Penrith",
    "Quarry",
    "Redcar",
    "Selby",
    "Thirsk",
    "Ulverston",
    "Ventnor",
    "Wexcombe",
    "Yarm",
    "Zennor",
    "Alston",
    "Bodmin",
    "Corbridge",
    "Dalton",
    "Epping",
]
TAGS = [
    "urban",
    "rural",
    "coastal",
    "dispersed",
    "large",
    "small",
    "high-deprivation",
    "low-deprivation",
    "teaching",
    "integrated",
    "mature-ics",
    "new-partnership",
    "island",
    "ageing-population",
    "young-population",
]
ACTIONS = [
    "cut waits by {n} per cent in {m} months",
    "reduced delays from {n} to {m} days",
    "met the {n} per cent standard for {m} months running",
    "saved {n} bed days a month over {m} months",
    "raised uptake to {n} per cent within {m} months",
]
MEANS = [
    "with a single point of access",
    "by moving staff into multidisciplinary teams",
    "through daily huddles and shared dashboards",
    "by redesigning the pathway with patients",
    "with a joint post across health and social care",
    "using a shared care record",
]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def scalar(text: str) -> str:
    """Text as a YAML scalar: plain when unambiguous, else JSON-style double quotes."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9 ,.()'/-]*[A-Za-z0-9.)]", text) and text.lower() not in (
        "yes",
        "no",
        "true",
        "false",
        "null",
        "on",
        "off",
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


@dataclass
class Topic:
    id: str
    name: str
    area: str
    aliases: list[str]
    related: list[str]


def make_topics(rng: random.Random, count: int) -> list[Topic]:
    subjects = [(area, s) for area, items in AREAS.items() for s in items]
    topics: list[Topic] = []
    seen: set[str] = set()
    i = 0
    while len(topics) < count:
        area, subject = subjects[i % len(subjects)]
        aspect = ASPECTS[(i // len(subjects)) % len(ASPECTS)]
        round_ = i // (len(subjects) * len(ASPECTS))
        name = f"{subject} {aspect}".strip() + (f" {round_ + 1}" if round_ else "")
        name = name[0].upper() + name[1:]
        tid = slug(name)
        i += 1
        if tid in seen:
            continue
        seen.add(tid)
        aliases = [f"{name} (topic {len(topics) + 1})"] if rng.random() < 0.3 else []
        topics.append(Topic(tid, name, area, aliases, []))
    by_area: dict[str, list[Topic]] = {}
    for t in topics:
        by_area.setdefault(t.area, []).append(t)
    for t in topics:
        peers = [p for p in by_area[t.area] if p.id != t.id]
        if peers and rng.random() < 0.6:
            for p in rng.sample(peers, min(len(peers), rng.choice((1, 1, 2)))):
                if p.id not in t.related and t.id not in p.related:
                    t.related.append(p.id)
    return topics


def write_challenges(topics: list[Topic]) -> str:
    out = ["challenges:"]
    for t in topics:
        out.append(f"  - id: {t.id}")
        out.append(f"    name: {scalar(t.name)}")
        out.append(f"    area: {t.area}")
        if t.aliases:
            out.append("    aliases: [" + ", ".join(scalar(a) for a in t.aliases) + "]")
        if t.related:
            out.append("    related: [" + ", ".join(t.related) + "]")
        out.append(f"    description: {scalar('Improving ' + t.name.lower() + '.')}")
    return "\n".join(out) + "\n"


def pick(rng: random.Random, weighted: list[tuple[str | None, int]]) -> str | None:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def write_systems(rng: random.Random, profiles: int, topics: list[Topic]) -> str:
    # mildly skewed topic popularity: weight 1/(rank+20)
    order = list(range(len(topics)))
    rng.shuffle(order)
    weights = [0.0] * len(topics)
    for rank, ti in enumerate(order):
        weights[ti] = 1.0 / (rank + 20)
    width = max(5, len(str(profiles)))
    kinds = [str(pick(rng, KINDS)) for _ in range(profiles)]
    ids = [f"{k.split('-')[0]}-{i:0{width}d}" for i, k in enumerate(kinds, start=1)]
    partners: list[set[int]] = [set() for _ in range(profiles)]
    for i in range(profiles):
        if profiles > 1 and rng.random() < 0.15:
            j = rng.randrange(profiles)
            if j != i:
                partners[i].add(j)
                partners[j].add(i)
    out = ["systems:"]
    for i in range(profiles):
        kind = kinds[i]
        place = PLACES[i % len(PLACES)]
        out.append(f"  - id: {ids[i]}")
        kind_name = kind.replace("-", " ")
        out.append(f"    name: {scalar(f'{place} {kind_name} {i + 1}')}")
        out.append(f"    kind: {kind}")
        country = rng.choice(ABROAD) if kind == "international" else pick(rng, COUNTRIES)
        if country:
            out.append(f"    country: {scalar(country)}")
        if rng.random() < 0.8:
            out.append(f"    population: {int(rng.lognormvariate(11.5, 1.0))}")
        if rng.random() < 0.7:
            out.append("    tags: [" + ", ".join(rng.sample(TAGS, rng.randint(1, 3))) + "]")
        if rng.random() < 0.3:
            out.append(f"    capacity: {{teach: {rng.randint(1, 4)}, learn: {rng.randint(1, 3)}}}")
        if partners[i]:
            out.append("    partners: [" + ", ".join(ids[j] for j in sorted(partners[i])) + "]")
        if profiles > 1 and rng.random() < 0.01:
            j = rng.randrange(profiles)
            if j != i and j not in partners[i]:
                out.append(f"    exclude: [{ids[j]}]")
        n_strengths, n_needs = rng.randint(3, 8), rng.randint(3, 8)
        chosen: set[int] = set()
        while len(chosen) < min(n_strengths + n_needs, len(topics)):
            chosen.add(rng.choices(range(len(topics)), weights)[0])
        picked = sorted(chosen, key=lambda _: rng.random())
        strengths, needs = picked[:n_strengths], picked[n_strengths:]
        if strengths:
            out.append("    strengths:")
        for ti in strengths:
            t = topics[ti]
            level = rng.choice((1, 2, 2, 3, 3))
            ref = t.aliases[0] if t.aliases and rng.random() < 0.3 else t.id
            action = rng.choice(ACTIONS).format(n=rng.randint(5, 60), m=rng.randint(2, 24))
            evidence = f"{t.name} {action} {rng.choice(MEANS)}."
            out.append(f"      - challenge: {scalar(ref)}")
            out.append(f"        level: {level}")
            out.append(f"        evidence: {scalar(evidence)}")
            if rng.random() < 0.5:
                out.append(f'        source: "Report section: {place} / {t.name}"')
        if needs:
            out.append("    challenges:")
        for ti in needs:
            t = topics[ti]
            ref = t.aliases[0] if t.aliases and rng.random() < 0.3 else t.id
            out.append(f"      - challenge: {scalar(ref)}")
            if rng.random() < 0.85:
                out.append(f"        priority: {rng.choice((1, 2, 2, 3))}")
            if rng.random() < 0.3:
                out.append(f"        note: {scalar(f'Waiting lists for {t.name.lower()} grew.')}")
    return "\n".join(out) + "\n"


def generate(out: Path, profiles: int, topics: int = 200, seed: int = 1) -> Path:
    """Write ``systems.yaml`` and ``challenges.yaml`` into ``out``; return ``out``."""
    rng = random.Random(seed)
    catalogue = make_topics(rng, topics)
    out.mkdir(parents=True, exist_ok=True)
    (out / "challenges.yaml").write_text(write_challenges(catalogue), encoding="utf-8")
    (out / "systems.yaml").write_text(write_systems(rng, profiles, catalogue), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", "-n", type=int, required=True, help="number of systems")
    parser.add_argument("--topics", "-t", type=int, default=200, help="catalogue size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", "-o", type=Path, required=True, help="folder to write")
    args = parser.parse_args(argv)
    generate(args.out, args.profiles, args.topics, args.seed)
    print(args.out)


if __name__ == "__main__":
    main()

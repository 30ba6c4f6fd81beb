"""Checks on the shipped dataset in data/, independent of the peermatch package.

The profiles are built from Ham C, *Learning from the experience of systems*, NHS
Confederation and the Health Foundation, 2023. These tests read the YAML with
``yaml.safe_load`` and plain Python only, so they hold whatever the library does. They
check provenance, never outcomes: every strength and every need names a section that
exists in the report, no text copies ten words of it, every unit's ``part_of`` names a
system in the file, and the shorthand people type resolves to one topic each. No test
asserts that a chosen pair ranks high: tuning the data until expected pairs come out on
top is how needs the report never states crept in (issue 13).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
README = REPO / "README.md"
REPORT_NAME = "learning-from-the-experience-of-systems.txt"


def _main_checkout(repo: Path) -> Path | None:
    """The main checkout when ``repo`` is a linked git worktree (its .git is a file)."""
    git = repo / ".git"
    try:
        if not git.is_file():
            return None
        gitdir = Path(git.read_text(encoding="utf-8").split("gitdir:", 1)[1].strip())
        common = (gitdir / (gitdir / "commondir").read_text(encoding="utf-8").strip()).resolve()
    except (OSError, IndexError):
        return None
    return common.parent


# CI clones the repo with shared/ beside it: the repo root's parent holds shared/seed/. A
# linked worktree looks beside its main checkout too.
REPORT_CANDIDATES = tuple(
    root / "shared" / "seed" / REPORT_NAME
    for root in (REPO.parent, REPO, *[main.parent for main in [_main_checkout(REPO)] if main])
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KINDS = {
    "ics",
    "trust",
    "provider-collaborative",
    "place",
    "pcn",
    "council",
    "national-body",
    "international",
    "partnership",
    "vcse",
}
TOPIC_KEYS = {"id", "name", "area", "aliases", "related", "description"}
SYSTEM_KEYS = {
    "id",
    "name",
    "kind",
    "part_of",
    "country",
    "population",
    "tags",
    "capacity",
    "partners",
    "exclude",
    "strengths",
    "challenges",
}
STRENGTH_KEYS = {"challenge", "level", "evidence", "source"}
NEED_KEYS = {"challenge", "priority", "note", "source"}
TEXT_FIELDS = {"description", "evidence", "note", "name"}
RUN = 10  # longest run of consecutive words allowed to match the report

# Every system the report studies, by the id it has in data/systems.yaml.
STUDIED = {
    "nenc": "North East and North Cumbria",
    "west-yorkshire": "West Yorkshire",
    "lsc": "Lancashire and South Cumbria",
    "gloucestershire": "Gloucestershire",
    "cambridgeshire-peterborough": "Cambridgeshire and Peterborough",
    "thames-valley-surrey": "Thames Valley and Surrey",
    "surrey-heartlands": "Surrey Heartlands",
    "dorset": "Dorset",
    "healthcare-improvement-scotland": "Healthcare Improvement Scotland",
    "lga-sector-led-improvement": "Local Government Association",
    "impact-adult-care": "Improving Adult Care Together",
    "veterans-health-administration": "Veterans Health Administration",
    "canterbury": "Canterbury District Health Board",
    "jonkoping": "Jönköping County Council",
}


def _load(name: str) -> Any:
    with (DATA / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def topics() -> list[dict[str, Any]]:
    data = _load("challenges.yaml")
    assert isinstance(data, dict)
    assert set(data) == {"challenges"}
    assert isinstance(data["challenges"], list)
    return data["challenges"]


@pytest.fixture(scope="module")
def systems() -> list[dict[str, Any]]:
    data = _load("systems.yaml")
    assert isinstance(data, dict)
    assert set(data) == {"systems"}
    assert isinstance(data["systems"], list)
    return data["systems"]


def _words(text: str) -> list[str]:
    """Lower-case words with punctuation stripped (curly quotes and dashes included)."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[^\w\s]", " ", text).split()


def _text_fields(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}"
            if key in TEXT_FIELDS and isinstance(value, str):
                yield where, value
            else:
                yield from _text_fields(value, where)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _text_fields(value, f"{path}[{index}]")


def _find_report() -> Path | None:
    return next((path for path in REPORT_CANDIDATES if path.is_file()), None)


@pytest.fixture(scope="module")
def report_lines() -> list[str]:
    report = _find_report()
    if report is None:
        pytest.skip(
            f"report {REPORT_NAME} not found beside the repo (looked in "
            + ", ".join(str(path.parent) for path in REPORT_CANDIDATES)
            + "); the provenance checks need shared/seed/ next to the checkout"
        )
    return report.read_text(encoding="utf-8").splitlines()


# (a) our own words -------------------------------------------------------------------


def test_no_text_repeats_ten_words_of_the_report(report_lines: list[str]) -> None:
    words = _words("\n".join(report_lines))
    runs = {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}
    copied = []
    for name in ("challenges.yaml", "systems.yaml"):
        for where, text in _text_fields(_load(name)):
            ours = _words(text)
            for i in range(len(ours) - RUN + 1):
                if tuple(ours[i : i + RUN]) in runs:
                    copied.append(f"{name}{where}: '{' '.join(ours[i : i + RUN])}'")
                    break
    assert not copied, "text copied from the report:\n" + "\n".join(copied)


# (b) every studied system is profiled ------------------------------------------------


def test_every_studied_system_is_profiled(systems: list[dict[str, Any]]) -> None:
    by_id = {system["id"]: system for system in systems}
    missing = sorted(set(STUDIED) - set(by_id))
    assert not missing, f"systems from the report missing: {missing}"
    for system_id, words in STUDIED.items():
        assert words.lower() in by_id[system_id]["name"].lower(), system_id


def test_enough_systems_for_a_cohort(systems: list[dict[str, Any]]) -> None:
    assert len(systems) >= 20


# (c) the catalogue is broad ----------------------------------------------------------


def test_catalogue_has_35_topics_in_10_areas(topics: list[dict[str, Any]]) -> None:
    assert len(topics) >= 35
    assert len({topic["area"] for topic in topics}) >= 10


# (d) structure and references --------------------------------------------------------


def test_files_are_plain_yaml() -> None:
    for name in ("challenges.yaml", "systems.yaml"):
        text = (DATA / name).read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=../schemas/"), name
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            assert not isinstance(event, yaml.AliasEvent), f"{name}: alias used"
            assert getattr(event, "anchor", None) is None, f"{name}: anchor used"
            tag = getattr(event, "tag", None)
            assert tag is None or tag.startswith("tag:yaml.org,2002:"), f"{name}: tag {tag}"


def test_topics_are_well_formed(topics: list[dict[str, Any]]) -> None:
    ids = [topic["id"] for topic in topics]
    assert len(ids) == len(set(ids)), "duplicate topic ids"
    known = set(ids)
    names: dict[str, str] = {}
    for topic in topics:
        assert set(topic) <= TOPIC_KEYS, topic["id"]
        assert SLUG.match(topic["id"]), topic["id"]
        assert SLUG.match(topic["area"]), topic["area"]
        assert isinstance(topic["name"], str) and topic["name"].strip()
        assert isinstance(topic.get("description"), str) and topic["description"].strip()
        related = topic.get("related", [])
        assert len(related) == len(set(related)), topic["id"]
        assert topic["id"] not in related, topic["id"]
        assert set(related) <= known, (topic["id"], sorted(set(related) - known))
        for term in [topic["id"], topic["name"], *topic.get("aliases", [])]:
            assert isinstance(term, str) and term.strip(), topic["id"]
            owner = names.setdefault(term.lower(), topic["id"])
            assert owner == topic["id"], f"'{term}' names both {owner} and {topic['id']}"


def test_related_topics_are_symmetric(topics: list[dict[str, Any]]) -> None:
    related = {topic["id"]: set(topic.get("related", [])) for topic in topics}
    one_sided = sorted(
        (a, b) for a, near in related.items() for b in near if a not in related.get(b, set())
    )
    assert not one_sided, f"related listed on one side only: {one_sided}"


def test_systems_are_well_formed(
    systems: list[dict[str, Any]], topics: list[dict[str, Any]]
) -> None:
    known_topics = {topic["id"] for topic in topics}
    ids = [system["id"] for system in systems]
    assert len(ids) == len(set(ids)), "duplicate system ids"
    for system in systems:
        sid = system["id"]
        assert set(system) <= SYSTEM_KEYS, (sid, sorted(set(system) - SYSTEM_KEYS))
        assert SLUG.match(sid), sid
        assert system["kind"] in KINDS, sid
        assert isinstance(system["name"], str) and system["name"].strip(), sid
        assert isinstance(system.get("country"), str), sid
        population = system.get("population")
        assert population is None or (isinstance(population, int) and population > 0), sid
        tags = system.get("tags", [])
        assert all(SLUG.match(tag) for tag in tags) and len(tags) == len(set(tags)), sid
        for key, allowed, score in (
            ("strengths", STRENGTH_KEYS, "level"),
            ("challenges", NEED_KEYS, "priority"),
        ):
            entries = system.get(key, [])
            refs = [entry["challenge"] for entry in entries]
            assert len(refs) == len(set(refs)), f"{sid}: a topic twice in {key}"
            for entry in entries:
                assert set(entry) <= allowed, (sid, key, sorted(set(entry) - allowed))
                assert entry["challenge"] in known_topics, (sid, entry["challenge"])
                assert entry[score] in (1, 2, 3), (sid, entry["challenge"], score)
        for strength in system.get("strengths", []):
            assert isinstance(strength["evidence"], str) and strength["evidence"].strip()
        for need in system.get("challenges", []):
            note = need.get("note")
            assert note is None or (isinstance(note, str) and note.strip()), sid


def test_partners_exist_and_are_symmetric(systems: list[dict[str, Any]]) -> None:
    partners = {system["id"]: set(system.get("partners", [])) for system in systems}
    for system in systems:
        sid = system["id"]
        listed = system.get("partners", [])
        assert len(listed) == len(set(listed)), sid
        assert sid not in listed, sid
        assert set(listed) <= set(partners), (sid, sorted(set(listed) - set(partners)))
        assert set(system.get("exclude", [])) <= set(partners), sid
    one_sided = sorted((a, b) for a, near in partners.items() for b in near if a not in partners[b])
    assert not one_sided, f"partners listed on one side only: {one_sided}"


# (e) and (f) evidence and provenance ---------------------------------------------------

#: A figure in exemplar evidence: a digit, or the report's own word for a measured ratio.
FIGURE = re.compile(r"\d|\b(?:halved|doubled|tripled|trebled|quadrupled|quartered)\b", re.I)
SOURCE = re.compile(r"^Report section: (?P<heading>[^/]+?)(?: / (?P<sub>.+))?$")


def test_level_three_evidence_states_figures(systems: list[dict[str, Any]]) -> None:
    vague = [
        (system["id"], strength["challenge"])
        for system in systems
        for strength in system.get("strengths", [])
        if strength["level"] == 3 and not FIGURE.search(strength["evidence"])
    ]
    assert not vague, f"level 3 without figures: {vague}"


def test_every_strength_and_need_has_a_source(systems: list[dict[str, Any]]) -> None:
    unsourced = [
        (system["id"], key, entry["challenge"])
        for system in systems
        for key in ("strengths", "challenges")
        for entry in system.get(key, [])
        if not SOURCE.match(str(entry.get("source", "")))
    ]
    assert not unsourced, f"without 'Report section: <heading> / <sub-heading>': {unsourced}"


def _norm(line: str) -> str:
    """A heading line compared loosely: case, spacing and a leading '4. ' ignored."""
    return " ".join(re.sub(r"^\d+\.\s+", "", line.strip()).casefold().split())


def _sections(lines: list[str]) -> dict[str, tuple[int, int, str]]:
    """Each top heading of the report -> (its line, the line its section ends, subtitle).

    Top headings are the entries of the contents page (e.g. "Where next?") and the case
    studies, whose title lines read "<system> – <subtitle>" (the systems are the column
    heads of the case-study tables). A heading's section runs to the next top heading.
    """
    start = lines.index("Contents")
    end = lines.index("Foreword", start)
    contents = [m.group(1).strip() for line in lines[start:end] if (m := TOC.match(line))]
    found: dict[str, tuple[int, str]] = {title: (lines.index(title, end), "") for title in contents}
    names = {cell.strip() for line in lines if line.startswith("\t") for cell in line.split("\t")}
    for number, line in enumerate(lines):
        m = CASE_STUDY.match(line)
        if m and m.group("name") in names:
            found[m.group("name")] = (number, m.group("subtitle"))
    starts = sorted(first for first, _ in found.values())
    return {
        heading: (first, next((s for s in starts if s > first), len(lines)), subtitle)
        for heading, (first, subtitle) in found.items()
    }


TOC = re.compile(r"^\d+\t(.+)$")
CASE_STUDY = re.compile(r"^(?P<name>[^–(]+?)(?: \([A-Z]+\))? – (?P<subtitle>.+)$")


def _is_sub_heading(sub: str, subtitle: str, body: list[str]) -> bool:
    """``sub`` is the case study's subtitle, a whole line of the section, or a table row's
    label (its first tab-separated cell)."""
    want = _norm(sub)
    return want == _norm(subtitle) or any(
        want in (_norm(line), _norm(line.split("\t")[0])) for line in body
    )


def test_every_source_names_a_section_of_the_report(
    systems: list[dict[str, Any]], report_lines: list[str]
) -> None:
    sections = _sections(report_lines)
    assert {"Where next?", "Annex", "West Yorkshire", "Surrey Heartlands"} <= set(sections)
    wrong = []
    for system in systems:
        for key in ("strengths", "challenges"):
            for entry in system.get(key, []):
                m = SOURCE.match(str(entry.get("source", "")))
                if m is None:
                    continue  # reported by test_every_strength_and_need_has_a_source
                heading, sub = m.group("heading"), m.group("sub")
                where = f"{system['id']}.{key}.{entry['challenge']}: {entry['source']}"
                if heading not in sections:
                    wrong.append(f"{where} (no such heading)")
                    continue
                first, end, subtitle = sections[heading]
                if sub is not None and not _is_sub_heading(
                    sub, subtitle, report_lines[first + 1 : end]
                ):
                    wrong.append(f"{where} (no such sub-heading under {heading})")
    assert not wrong, "sources naming no section of the report:\n" + "\n".join(wrong)


# (g) units and the words people type ---------------------------------------------------


def test_part_of_names_another_system_without_cycles(systems: list[dict[str, Any]]) -> None:
    parent = {s["id"]: s["part_of"] for s in systems if s.get("part_of") is not None}
    known = {s["id"] for s in systems}
    for sid, up in parent.items():
        assert up in known and up != sid, (sid, up)
        seen = {sid}
        while up in parent:
            assert up not in seen, f"part_of cycle through {sid}"
            seen.add(up)
            up = parent[up]


#: Shorthand people type (a real form failed on the first six), each naming one topic.
SHORTHAND = [
    "DTOC",
    "A&E",
    "QI",
    "workforce",
    "carers",
    "flow",
    "peer learning",
    "anticipatory care",
]


def test_shorthand_resolves_to_one_topic(topics: list[dict[str, Any]]) -> None:
    for term in SHORTHAND:
        owners = {
            topic["id"]
            for topic in topics
            for name in [topic["id"], *topic.get("aliases", [])]
            if name.casefold() == term.casefold()
        }
        assert len(owners) == 1, f"{term!r} names {sorted(owners) or 'no topic'}"


# the docs section stays true to the files --------------------------------------------


def test_docs_section_matches_the_data(
    systems: list[dict[str, Any]], topics: list[dict[str, Any]]
) -> None:
    readme = README.read_text(encoding="utf-8")
    start = readme.index("\n## The data\n") + 1
    end = readme.index("\n## ", start)
    text = readme[start:end]
    assert "Learning from the experience of systems" in text
    rows = {
        cells[0].strip("` "): cells
        for line in text.splitlines()
        if line.startswith("| ")
        for cells in [[cell.strip() for cell in line.strip().strip("|").split("|")]]
    }
    for system in systems:
        cells = rows.get(system["id"])
        assert cells is not None, f"{system['id']} missing from {README.name}"
        part_of = system.get("part_of")
        assert cells[1:6] == [
            system["name"],
            system["kind"],
            f"`{part_of}`" if part_of else "",
            str(len(system.get("strengths", []))),
            str(len(system.get("challenges", []))),
        ], system["id"]
    for area, count in Counter(topic["area"] for topic in topics).items():
        cells = rows.get(area)
        assert cells is not None, f"area {area} missing from {README.name}"
        assert cells[1] == str(count), area

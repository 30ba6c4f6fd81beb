"""Checks on the shipped dataset in data/, independent of the peermatch package.

The profiles are built from Ham C, *Learning from the experience of systems*, NHS
Confederation and the Health Foundation, 2023. These tests read the YAML with
``yaml.safe_load`` and plain Python only, so they hold whatever the library does; the one
exception, ``test_report_pairings_rank_near_the_top``, asks the library's own ranking
whether the learning the report describes comes out of ``peermatch suggest``.
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
# CI clones the repo with shared/ beside it: the repo root's parent holds shared/seed/.
REPORT_CANDIDATES = (
    REPO.parent / "shared" / "seed" / REPORT_NAME,
    REPO / "shared" / "seed" / REPORT_NAME,
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
}
TOPIC_KEYS = {"id", "name", "area", "aliases", "related", "description"}
SYSTEM_KEYS = {
    "id",
    "name",
    "kind",
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
NEED_KEYS = {"challenge", "priority", "note"}
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


# (a) our own words -------------------------------------------------------------------


def test_no_text_repeats_ten_words_of_the_report() -> None:
    report = _find_report()
    if report is None:
        pytest.skip(
            f"report {REPORT_NAME} not found beside the repo (looked in "
            + ", ".join(str(path.parent) for path in REPORT_CANDIDATES)
            + "); the paraphrase check needs shared/seed/ next to the checkout"
        )
    words = _words(report.read_text(encoding="utf-8"))
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


def test_every_system_has_three_strengths_and_two_challenges(
    systems: list[dict[str, Any]],
) -> None:
    thin = [
        system["id"]
        for system in systems
        if len(system.get("strengths", [])) < 3 or len(system.get("challenges", [])) < 2
    ]
    assert not thin, f"fewer than 3 strengths or 2 challenges: {thin}"


def test_enough_systems_for_a_cohort(systems: list[dict[str, Any]]) -> None:
    assert 20 <= len(systems) <= 30


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


# (e) and (f) evidence ----------------------------------------------------------------


def test_level_three_evidence_states_figures(systems: list[dict[str, Any]]) -> None:
    vague = [
        (system["id"], strength["challenge"])
        for system in systems
        for strength in system.get("strengths", [])
        if strength["level"] == 3 and not re.search(r"\d", strength["evidence"])
    ]
    assert not vague, f"level 3 without figures: {vague}"


def test_every_strength_names_its_report_section(systems: list[dict[str, Any]]) -> None:
    unsourced = [
        (system["id"], strength["challenge"])
        for system in systems
        for strength in system.get("strengths", [])
        if not str(strength.get("source", "")).startswith("Report section: ")
    ]
    assert not unsourced, f"strengths without a report section: {unsourced}"


# (g) all teach and all learn ---------------------------------------------------------


def test_all_teach_and_all_learn(systems: list[dict[str, Any]]) -> None:
    teachers: dict[str, set[str]] = {}
    learners: dict[str, set[str]] = {}
    for system in systems:
        for strength in system.get("strengths", []):
            teachers.setdefault(strength["challenge"], set()).add(system["id"])
        for need in system.get("challenges", []):
            learners.setdefault(need["challenge"], set()).add(system["id"])
    cannot_learn, cannot_teach = [], []
    for system in systems:
        sid = system["id"]
        needs = {need["challenge"] for need in system.get("challenges", [])}
        offers = {strength["challenge"] for strength in system.get("strengths", [])}
        if not any(teachers.get(topic, set()) - {sid} for topic in needs):
            cannot_learn.append(sid)
        if not any(learners.get(topic, set()) - {sid} for topic in offers):
            cannot_teach.append(sid)
    assert not cannot_learn, f"no other system teaches any of their challenges: {cannot_learn}"
    assert not cannot_teach, f"no other system needs any of their strengths: {cannot_teach}"


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
        assert cells[1:5] == [
            system["name"],
            system["kind"],
            str(len(system["strengths"])),
            str(len(system["challenges"])),
        ], system["id"]
    for area, count in Counter(topic["area"] for topic in topics).items():
        cells = rows.get(area)
        assert cells is not None, f"area {area} missing from {README.name}"
        assert cells[1] == str(count), area


# the report's own pairings come out near the top ---------------------------------------

# (learner, teacher, where the report shows the learner learning from the teacher). Line
# numbers are those of shared/seed/learning-from-the-experience-of-systems.txt.
REPORT_PAIRINGS = [
    (
        "gloucestershire",
        "canterbury",
        "line 740 and the External help row (line 304): Canterbury's experience informed the"
        " early stages of Gloucestershire's work",
    ),
    (
        "gloucestershire",
        "lga-sector-led-improvement",
        "lines 1024-1046 and 1162: a Leading Integration Peer Support review (March 2022)"
        " reshaped Gloucestershire's clinical and care professional leadership",
    ),
    (
        "wakefield",
        "canterbury",
        "line 498: alliance contracts and 'one system, one budget' learned from Canterbury",
    ),
    (
        "west-yorkshire",
        "canterbury",
        "External help row (line 304): West Yorkshire has drawn on learning from Canterbury",
    ),
    (
        "west-yorkshire",
        "lga-sector-led-improvement",
        "line 468: West Yorkshire adapts local government's sector-led improvement to how it"
        " oversees and assures partners",
    ),
    (
        "nenc",
        "jonkoping",
        "External help row (line 304): NENC has involved leaders from Jönköping",
    ),
]

# Learning the report shows as finished: the learner adopted what it learned and now teaches
# it at least as well, so neither side still needs it from the other and no ranking is
# asserted. Both list the topic as a strength and each other as partners.
FINISHED_LEARNING = [
    (
        "cambridgeshire-peterborough",
        "bob",
        "ambulance-conveyance",
        "lines 322 and 822: call before you convey drew on experience in Oxford; it has since"
        " supported 4,241 people",
    ),
]


def test_report_pairings_rank_near_the_top() -> None:
    import peermatch

    data = peermatch.load()
    ranked: dict[str, list[str]] = {}
    for match in peermatch.suggest(data, top=0):
        ranked.setdefault(match.learner, []).append(match.teacher)
    low = [
        f"{learner} <- {teacher}: rank "
        + (
            str(ranked[learner].index(teacher) + 1)
            if teacher in ranked.get(learner, [])
            else "none"
        )
        + f" ({reason})"
        for learner, teacher, reason in REPORT_PAIRINGS
        if teacher not in ranked.get(learner, [])[:3]
    ]
    assert not low, "report pairings outside the learner's top 3:\n" + "\n".join(low)

    by_id = {system.id: system for system in data.systems}
    for learner, teacher, topic, reason in FINISHED_LEARNING:
        was, now = by_id[teacher], by_id[learner]
        assert teacher in now.partners and learner in was.partners, reason
        assert topic in was.strengths and topic in now.strengths, reason
        assert now.strengths[topic].level >= was.strengths[topic].level, reason

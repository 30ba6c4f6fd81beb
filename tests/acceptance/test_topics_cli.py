"""``who``, ``resolve`` and ``suggest --topic/--as`` through the real door: exact outputs and
exit codes on tests/data/valid/topics (five shipped topics, four systems), JSON equal to the
library's result, and one real subprocess."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import TEST_DATA, invoke, run

import peermatch
from peermatch.analysis.who import who
from peermatch.scoring.ranking import suggest
from peermatch.scoring.reference import score_pair

TOPICS = str(TEST_DATA / "valid" / "topics")


def test_who_by_meaning_lists_teachers_related_marked() -> None:
    result = invoke("who", "bed blocking", "--data", TOPICS, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "teacher,level,related,evidence,source,via,score\n"
        "riverside,exemplar,no,Discharge to assess cut waits over 7 days by a quarter.,"
        "Board paper 2024,discharge,\n"
        "lakeside,exemplar,yes,30 beds closed as stays shortened.,,length-of-stay,\n"
        "hillside,established,yes,Two-hour response across the county.,,"
        "urgent-community-response,\n"
    )


def test_who_table_says_what_it_understood() -> None:
    result = invoke("who", "frail older people", "--data", TOPICS, "--learners")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Frailty (frailty), by meaning, score 33.5: who needs it\n"
        "learner    priority\n"
        "riverside  high\n"
        "lakeside   low\n"
        "\n"
        "also near: length-of-stay (2.9), urgent-community-response (2.9), discharge (2.6)\n"
    )


def test_who_for_ranks_by_the_pairs_score() -> None:
    result = invoke("who", "discharge", "--data", TOPICS, "--for", "Hillside ICS", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    data = peermatch.load(TOPICS)
    lines = result.stdout.splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["riverside", "lakeside"]
    for line in lines[1:]:
        teacher, score = line.split(",")[0], float(line.split(",")[-1])
        assert score == round(score_pair(data, teacher, "hillside").score, 1)


def test_who_json_equals_the_library() -> None:
    result = invoke("who", "two hour crisis response", "--data", TOPICS, "-f", "json")
    assert result.exit_code == 0, result.stderr
    got = json.loads(result.stdout)
    lib = who(peermatch.load(TOPICS), "two hour crisis response")
    assert got["version"] == 1
    assert got["query"] == lib.query
    assert got["topic"] == lib.topic.as_dict()
    assert got["alternatives"] == [a.as_dict() for a in lib.alternatives]
    assert [
        (t["teacher"], t["level"], t["related"], t["evidence"], t["source"], t["via"])
        for t in got["teachers"]
    ] == [(r.system, r.level, r.related, r.evidence, r.source, r.via) for r in lib.rows]
    assert got["topic"]["id"] == "urgent-community-response"


def test_who_with_no_topic_that_fits_exits_1_naming_the_nearest() -> None:
    result = invoke("who", "car park charges", "--data", TOPICS)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: no topic matches 'car park charges' well enough; nearest: discharge (7.1), "
        "frailty (3.9), urgent-community-response (3.5); ask with a topic id, or in other "
        "words\n"
    )


def test_who_for_an_unknown_system_is_usage_with_did_you_mean() -> None:
    result = invoke("who", "frailty", "--data", TOPICS, "--for", "rivers trust")
    assert result.exit_code == 2
    assert result.stderr == (
        "usage error: --for: unknown system 'rivers trust'; did you mean riverside?\n"
    )


def test_resolve_rows_and_null_when_nothing_fits(tmp_path: Path) -> None:
    result = invoke(
        "resolve", "bed blocking", "car park charges", "UCR", "--data", TOPICS, "-f", "csv"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "text,topic,score,alternatives\n"
        "bed blocking,discharge,34.6,length-of-stay; agency-staffing; frailty\n"
        "car park charges,,7.1,discharge; frailty; urgent-community-response\n"
        "UCR,urgent-community-response,100.0,\n"
    )
    phrases = tmp_path / "phrases.txt"
    phrases.write_text("bed blocking\n\n  car park charges  \nUCR\n", encoding="utf-8")
    as_json = invoke("resolve", "--file", str(phrases), "--data", TOPICS, "-f", "json")
    got = json.loads(as_json.stdout)
    lib = (
        peermatch.load(TOPICS)
        .catalogue.resolver()
        .resolve_many(["bed blocking", "car park charges", "UCR"])
    )
    assert got == {
        "version": 1,
        "resolutions": [
            {
                "text": r.text,
                "topic": r.topic,
                "score": r.score,
                "alternatives": [t for t, _ in r.alternatives],
            }
            for r in lib
        ],
    }
    assert got["resolutions"][1]["topic"] is None


def test_resolve_needs_text_or_a_file_and_reads_it_checked(tmp_path: Path) -> None:
    for args in ((), ("x", "--file", str(tmp_path / "p.txt"))):
        result = invoke("resolve", *args, "--data", TOPICS)
        assert result.exit_code == 2
        assert result.stderr == (
            "usage error: give phrases to resolve, or --file FILE: one of the two\n"
        )
    missing = invoke("resolve", "--file", str(tmp_path / "p.txt"), "--data", TOPICS)
    assert missing.exit_code == 1
    assert missing.stderr == f"{tmp_path / 'p.txt'}: no such file; check the path given to --file\n"


def test_suggest_topic_restricts_the_needs_and_as_picks_a_side() -> None:
    result = invoke(
        "suggest", "--data", TOPICS, "--for", "hillside", "--topic", "discharge",
        "--as", "learner", "-f", "csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "rank,learner,teacher,score,topics,two_way,related_topics,partner,reason\n"
        "1,hillside,riverside,95.0,discharge,no,,no,exemplar on discharge (high need); "
        "meets 1 of 1 needs\n"
        "2,hillside,lakeside,47.5,,yes,discharge<-length-of-stay,no,related: length-of-stay "
        "for discharge; meets 1 of 1 needs; two-way\n"
    )
    data = peermatch.load(TOPICS)
    lib = suggest(data, system="hillside", topics=["discharge"], role="learner")
    assert [(m.teacher, round(m.score, 1)) for m in lib] == [
        ("riverside", 95.0),
        ("lakeside", 47.5),
    ]


def test_suggest_topic_in_own_words_notes_the_reading() -> None:
    result = invoke("suggest", "--data", TOPICS, "--topic", "temporary staff", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "note: taking 'temporary staff' to mean agency-staffing "
        "(Agency and temporary staffing, score 55.9)\n"
    )
    assert [line.split(",")[1:3] for line in result.stdout.splitlines()[1:]] == [
        ["hillside", "riverside"],
        ["moorside", "riverside"],
    ]


def test_suggest_usage_errors_for_topic_and_as() -> None:
    unknown = invoke("suggest", "--data", TOPICS, "--topic", "parking")
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("usage error: --topic: unknown topic 'parking'")
    alone = invoke("suggest", "--data", TOPICS, "--as", "teacher")
    assert alone.exit_code == 2
    assert alone.stderr == "usage error: --as needs --for SYSTEM: whose side to show\n"
    bad = invoke("suggest", "--data", TOPICS, "--for", "hillside", "--as", "mentor")
    assert bad.exit_code == 2


def test_who_in_a_real_subprocess() -> None:
    proc = run("who", "DTOC", "--data", TOPICS, "-f", "json")
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert got["topic"] == {"id": "discharge", "name": "Discharge and safe transfer of care",
                            "score": 100.0}  # fmt: skip
    assert [t["teacher"] for t in got["teachers"]] == ["riverside", "lakeside", "hillside"]

"""The one document translator: every YAML document (systems, challenges, peers, history,
weights) checked against its model, each problem a finding at file:line:column with a
code of the closed enum and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SMALL, examples
from hypothesis import given, settings
from hypothesis import strategies as st

import peermatch
from peermatch.core.errors import DataError
from peermatch.core.findings import CODES, Finding
from peermatch.core.weights import DEFAULT_WEIGHTS, Weights
from peermatch.files import documents, history, weights
from peermatch.files.documents import SYSTEMS, check_shape, read_document
from peermatch.files.yaml_read import parse_yaml


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]
    return peermatch.load(SMALL)


def findings_of(path: Path, text: str, doc_type: documents.DocType) -> list[str]:
    path.write_text(text, encoding="utf-8")
    found: list[Finding] = []
    assert read_document(path, doc_type, found) is None
    return [f"{f.code} {str(f).removeprefix(str(path))}" for f in found]


def test_history_and_weights_go_through_the_translator(monkeypatch, tmp_path, data) -> None:  # type: ignore[no-untyped-def]
    """Both readers call read_document with their DocType (no parsing of their own)."""
    seen: list[object] = []
    real = documents.read_document

    def spy(path, doc_type, findings, rejected=None, *, hint=None):  # type: ignore[no-untyped-def]
        seen.append(doc_type.model)
        return real(path, doc_type, findings, rejected, hint=hint)

    monkeypatch.setattr(documents, "read_document", spy)
    monkeypatch.setattr(history, "read_document", spy)
    (tmp_path / "h.yaml").write_text("links: []\n")
    (tmp_path / "w.yaml").write_text("related_factor: 0.25\n")
    assert history.load_history(tmp_path / "h.yaml", data).links == []
    assert weights.load_weights(tmp_path / "w.yaml").related_factor == 0.25
    assert [m.__name__ for m in seen] == ["_HistoryModel", "Weights"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a list at the top is placed where it starts, after the comment (was 1:1)
        ("# past links\n- a\n", "missing-key :2:1: there is no top-level 'links:' list; a"),
        ("links: 3\n", "wrong-type :1:8: links: must be a list of links ('- teacher: ...'), got"),
        ("links:\n  - 3\n", "wrong-type :2:5: links[0]: each link must be a mapping (teacher:, "),
        ("links: []\nnote: x\n", "unknown-field :2:1: note: unknown field 'note'; allowed: links"),
        (
            "links:\n  - {teacher: a, learner: b, topic: c, year: '2024'}\n",
            "invalid-value :2:46: links[0].year: must be a year from 1900 to 2200, e.g. 2024; "
            "got '2024': remove the quotes",
        ),
        (
            "links:\n  - {teacher: '', learner: b, topic: c, year: 2024}\n",
            "invalid-value :2:15: links[0].teacher: must not be empty",
        ),
    ],
)
def test_a_bad_history_file_in_the_translators_words(tmp_path, text, expected) -> None:  # type: ignore[no-untyped-def]
    assert findings_of(tmp_path / "h.yaml", text, history.HISTORY)[0].startswith(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# weights\n- 1\n", "top-level :2:1: a weights file is a mapping, e.g."),
        ("priority: {lo: 1}\n", "invalid-weight :1:12: priority.lo: unknown weight 'lo'; did you"),
        ("context_weight: 1\n", "invalid-weight :1:17: context_weight: must be a number at least"),
        ("history_lift: null\n", "invalid-weight :1:15: history_lift: must be a number at least"),
        ("priority: 3\n", "invalid-weight :1:11: priority: must be a mapping (key: value), got"),
        (
            "level_shortfall: {emerging: 1.5}\n",
            "invalid-weight :1:1: level_shortfall.emerging must be below priority.low",
        ),
    ],
)
def test_a_bad_weights_file_in_the_translators_words(tmp_path, text, expected) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "w.yaml"
    path.write_text(text)
    with pytest.raises(DataError) as info:
        weights.load_weights(path)
    (first,) = info.value.findings
    assert f"{first.code} {str(first).removeprefix(str(path))}".startswith(expected)


def test_an_empty_weights_file_is_the_defaults_through_the_rules(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "w.yaml"
    path.write_text("")
    assert weights.load_weights(path) == DEFAULT_WEIGHTS == Weights.model_validate({})


def test_the_data_files_keep_their_words() -> None:
    """The systems file's top-level messages, as before the translator took other files."""
    found: list[Finding] = []
    raw, positions = parse_yaml("challenges: []\n", "s.yaml")
    assert check_shape(raw, positions, "s.yaml", SYSTEMS, found) is None
    assert [str(f) for f in found] == [
        "s.yaml:1:1: expected a top-level 'systems:' list; this looks like the challenges "
        "file: are --systems and --challenges swapped?"
    ]
    assert found[0].code == "missing-key"


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 2000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet="ab0.5 -", max_size=5),
    st.lists(st.integers(0, 3), max_size=2),
)
_KEYS = st.sampled_from([*DEFAULT_WEIGHTS.model_dump(), "low", "tags", "colour", "related_facter"])
_WEIGHTS = st.dictionaries(
    _KEYS, st.one_of(_VALUES, st.dictionaries(_KEYS, _VALUES, max_size=3)), max_size=4
)


@settings(max_examples=examples(150), deadline=None)
@given(doc=_WEIGHTS)
def test_any_weights_mapping_is_the_weights_or_one_line_findings_with_a_code(doc) -> None:  # type: ignore[no-untyped-def]
    """Whatever a weights file holds: the weights, or findings, each one line at a real
    place, with the weights code, never a traceback."""
    import yaml

    text = yaml.safe_dump(doc, sort_keys=False)
    raw, positions = parse_yaml(text, "w.yaml")
    found: list[Finding] = []
    checked = check_shape(raw, positions, "w.yaml", weights.weights_doc_type(), found)
    if checked is not None:
        assert found == []
        assert Weights.from_rules(checked.model) == Weights.model_validate(doc or {})
        return
    lines = text.count("\n") or 1
    assert found
    for f in found:
        assert f.code in CODES and f.code == "invalid-weight"
        assert 1 <= f.line <= lines and f.column >= 1
        assert "\n" not in str(f) and "Input should" not in f.message

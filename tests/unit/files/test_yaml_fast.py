"""The YAML writer's fast path writes exactly what PyYAML's dumper writes."""

from __future__ import annotations

import yaml
from cohorts import doc_cohorts
from conftest import REPO, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from peermatch.files import yaml_write
from peermatch.files.yaml_write import FlowList, flow

_text = st.one_of(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff"
        )
        | st.sampled_from(["\n", ":", "#", " ", "'", '"', "-", "&", "*", "!"]),
        max_size=20,
    ),
    st.sampled_from(["yes", "1e3", "null", "~", "0o17", "a b ", "x: y", "1_000", "<<", "="]),
)
_scalars = st.one_of(st.none(), st.booleans(), st.integers(), _text)
_values = st.recursive(
    _scalars | st.lists(_text, max_size=3).map(flow),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=12,
)


def both(doc: dict) -> tuple[str | None, str]:  # type: ignore[type-arg]
    return yaml_write._fast_dump(doc), yaml_write._dump(doc)


@settings(max_examples=examples(300), deadline=None)
@given(st.dictionaries(_text, _values, min_size=1, max_size=4))
def test_the_fast_path_writes_the_dumpers_bytes(doc: dict) -> None:  # type: ignore[type-arg]
    fast, slow = both(doc)
    assert fast is None or fast == slow


@settings(max_examples=examples(50), deadline=None)
@given(doc_cohorts())
def test_generated_profiles_take_the_fast_path(docs) -> None:  # type: ignore[no-untyped-def]
    for doc in docs:
        fast, slow = both(doc)
        assert fast == slow


def test_the_shipped_files_take_the_fast_path() -> None:
    for name in ("systems.yaml", "challenges.yaml"):
        doc = yaml.safe_load((REPO / "data" / name).read_text(encoding="utf-8"))
        fast, slow = both(doc)
        assert fast == slow


def test_a_flow_list_and_empties() -> None:
    doc = {"a": [{"t": FlowList(["x", "y"]), "e": [], "d": {}}], "n": None}
    assert yaml_write._fast_dump(doc) == 'a:\n  - t: [x, "y"]\n    e: []\n    d: {}\n"n": null\n'

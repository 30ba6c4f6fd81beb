"""The output renderers alone: one listing as a plain table, CSV, JSON and Markdown."""

from __future__ import annotations

import json
from enum import StrEnum

from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from peermatch.present.listing import (
    Format,
    Listing,
    _csv_cell,
    cell,
    neutralise,
    render,
    render_csv,
    render_json,
    render_markdown,
    render_plain,
)


def listing() -> Listing:
    return Listing(
        key="rows",
        rows=[
            {"id": "a", "score": 12.345, "tags": ["x", "y"], "ok": True, "note": "=SUM(A1)"},
            {"id": "b|c", "score": 7.0, "tags": [], "ok": False, "note": None},
        ],
        columns=("id", "score", "tags", "ok", "note"),
        extra={"total": 19.345},
        title="Two rows",
        footer="the end",
        table_hidden=("note",),
    )


def test_cell_text() -> None:
    assert [cell(None), cell(True), cell(False), cell(2.0), cell(["a", 1.25])] == [
        "",
        "yes",
        "no",
        "2.0",
        "a; 1.2",
    ]


def test_csv_is_every_column_with_formulas_neutralised() -> None:
    assert render_csv(listing()) == (
        "id,score,tags,ok,note\na,12.3,x; y,yes,'=SUM(A1)\nb|c,7.0,,no,\n"
    )
    assert neutralise("+1") == "'+1" and neutralise("plain") == "plain"


def test_json_is_versioned_with_the_rows_under_their_key_and_the_extra_fields() -> None:
    doc = json.loads(render_json(listing()))
    assert doc["version"] == 1
    assert doc["rows"][0]["score"] == 12.345 and doc["rows"][1]["tags"] == []
    assert doc["total"] == 19.345


def test_markdown_escapes_pipes_and_right_aligns_numbers() -> None:
    text = render_markdown(listing())
    lines = text.splitlines()
    assert lines[0] == "| id | score | tags | ok | note |"
    assert lines[1] == "| --- | ---: | --- | --- | --- |"
    assert lines[3] == "| b\\|c | 7.0 |  | no |  |"


def test_plain_table_has_title_hidden_columns_and_footer() -> None:
    text = render_plain(listing())
    assert text.splitlines()[0] == "Two rows"
    assert "note" not in text.splitlines()[1]
    assert text.splitlines()[2].startswith("a  ") and text.endswith("\nthe end\n")
    empty = Listing(key="rows", rows=[], columns=("id",))
    assert render_plain(empty) == "id\n(none)\n"


def test_render_dispatches_on_the_format() -> None:
    lst = listing()
    assert render(lst, Format.csv) == render_csv(lst)
    assert render(lst, Format.markdown) == render_markdown(lst)
    assert render(lst, Format.json) == render_json(lst)
    assert render(lst, Format.table) == render_plain(lst)


def test_a_tree_indents_the_first_column_in_tables_only() -> None:
    import io

    from peermatch.present.listing import render_rich

    tree = Listing(
        key="systems",
        rows=[{"id": "west", "kind": "ics"}, {"id": "unit", "kind": "place"}, {"id": "leaf"}],
        columns=("id", "kind"),
        depths=[0, 1, 2],
    )
    assert render_plain(tree).splitlines() == [
        "id        kind",
        "west      ics",
        "  unit    place",
        "    leaf",
    ]
    stream = io.StringIO()
    render_rich(tree, stream)
    cells = [line.split("│")[1] for line in stream.getvalue().splitlines() if "│" in line]
    assert [c.rstrip() for c in cells] == [" west", "   unit", "     leaf"]
    assert render_csv(tree).splitlines()[1:] == ["west,ics", "unit,place", "leaf,"]


def test_every_kind_has_its_own_colour_in_the_report() -> None:
    from peermatch.files.models import KINDS
    from peermatch.present.report.layout import KIND_COLOURS

    assert set(KINDS) == set(KIND_COLOURS)
    assert len(set(KIND_COLOURS.values())) == len(KIND_COLOURS)


_CELL_TEXT = st.text(alphabet=st.sampled_from("=+-@'\t\r a;\u00a0é1."), max_size=6)


class _Kind(StrEnum):
    TRUST = "trust"


@settings(max_examples=examples(300))
@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        _CELL_TEXT,
        st.lists(_CELL_TEXT, max_size=3),
        st.lists(st.one_of(_CELL_TEXT, st.integers(), st.floats()), max_size=3),
        st.tuples(_CELL_TEXT, _CELL_TEXT),
        st.just(_Kind.TRUST),
    ),
    st.sampled_from(["", ".2f", ".0f"]),
)
def test_a_csv_cell_is_the_text_of_its_value_neutralised(value: object, spec: str) -> None:
    """The CSV writer's own fast path gives what ``neutralise(listing.text(...))`` gives,
    for every kind of value a row holds."""
    listing = Listing(key="rows", rows=[], columns=("c",))
    if spec:
        listing.float_formats["c"] = spec
    row = {"c": value}
    assert _csv_cell(listing, row, "c") == neutralise(listing.text(row, "c"))

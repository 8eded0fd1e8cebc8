"""The Issues sheet's column-wise (Arrow) rendering equals the cell-by-cell reference exactly."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from sheetsync.a1 import column_letter
from sheetsync.edits import OwnedColumn, ReplaceSheet
from sheetsync.io.ooxml import owned_sheet
from sheetsync.io.ooxml.xml_text import escape_attr

TRICKY = st.text(
    alphabet=st.sampled_from(list("ab =+-@&<>\"' \t\n\u00a0\u2003\x0b\x1f_x0041é中\ufffe")), max_size=12
)
VALUES = st.one_of(st.none(), TRICKY, st.floats(allow_nan=False, allow_infinity=False), st.integers(-5, 5))


def reference_rows(edit: ReplaceSheet, link_xf: int) -> str:
    """Cell by cell, as the renderer wrote rows before it went column-wise."""
    out = []
    for n, values in enumerate(edit.rows):
        r = n + 2
        cells = []
        for i, v in enumerate(values):
            if v is None:
                continue
            style = f' s="{link_xf}"' if (n, i) in edit.links else ""
            cells.append(owned_sheet.cell_xml(f"{column_letter(i)}{r}", v, style))
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(out)


def data_part(xml: bytes) -> str:
    body = xml.decode("utf-8").split("<sheetData>", 1)[1].split("</sheetData>", 1)[0]
    return re.sub(r'^<row r="1">.*?</row>', "", body, count=1)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(VALUES, TRICKY | st.none(), TRICKY, VALUES), min_size=1, max_size=8),
    st.sets(st.tuples(st.integers(0, 7), st.integers(0, 3)), max_size=4),
)
def test_column_wise_rows_equal_cell_by_cell(
    rows: list[tuple[object, ...]], links: set[tuple[int, int]]
) -> None:
    columns = tuple(OwnedColumn(f"C{i}", 10) for i in range(4))
    edit = ReplaceSheet("Issues", columns, tuple(rows), {k: "'Orders'!A1" for k in links if k[0] < len(rows)})
    rendered = owned_sheet.render(edit, header_xf=3, link_xf=5)
    assert data_part(rendered) == reference_rows(edit, link_xf=5)


def test_long_text_is_cut_to_excels_limit_and_spaces_are_kept() -> None:
    edit = ReplaceSheet("Issues", (OwnedColumn("A", 10),), (("x" * 40000,), (" lead",), ("<b>",)))
    rows = data_part(owned_sheet.render(edit, header_xf=3, link_xf=5))
    assert rows == reference_rows(edit, link_xf=5)
    assert f"<t>{'x' * 32767}</t>" in rows
    assert '<t xml:space="preserve"> lead</t>' in rows
    assert "<t>&lt;b&gt;</t>" in rows


LINK_TARGETS = st.text(alphabet=st.sampled_from(list("ab'!&<>\"\t\n_x0041é")), max_size=10)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.tuples(st.integers(0, 30), st.integers(0, 3)), LINK_TARGETS, max_size=12))
def test_hyperlinks_are_sorted_by_row_then_column_and_escaped(links: dict[tuple[int, int], str]) -> None:
    columns = tuple(OwnedColumn(f"C{i}", 10) for i in range(4))
    edit = ReplaceSheet("Issues", columns, tuple(("x", None, None, None) for _ in range(31)), links)
    xml = owned_sheet.render(edit, header_xf=3, link_xf=5).decode("utf-8")
    expected = "".join(
        f'<hyperlink ref="{column_letter(i)}{n + 2}" location="{escape_attr(target)}"/>'
        for (n, i), target in sorted(links.items())
    )
    shown = xml.split("<hyperlinks>", 1)[1].split("</hyperlinks>", 1)[0] if links else ""
    assert shown == expected
    assert ("<hyperlinks>" in xml) == bool(links)

"""The speed paths give what the plain ones give: the bulk finding builder equals `finding()`
row by row, the cheap sort equals the plain sort, the vectorised container check equals the
per-number judge."""

from __future__ import annotations

import random
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetsync.book import ColumnRef, SheetData
from sheetsync.contract import ORDERS
from sheetsync.findings import Finding, finding
from sheetsync.rules.codes import judge_containers, sound_containers
from sheetsync.rules.emit import findings_for, positional
from sheetsync.rules.judge import sort_findings
from sheetsync.rules.schema_refs import key_text


def orders_sheet() -> SheetData:
    """An Orders sheet whose ETD Plan sits in column AB with a user's header; ETD Actual absent."""
    columns = {
        "etd_plan": ColumnRef("etd_plan", "etd plan", 27),
        "insurance_pct": ColumnRef("insurance_pct", "Insured %", 3),
    }
    return SheetData("Orders", ORDERS, 1, columns, pd.DataFrame())


def one_by_one(
    code: str, sheet: SheetData, rows: list[int], keys: list[str | None], **per_row: Any
) -> list[Finding]:
    """`finding()` for each row: the reference the bulk builder must match."""
    out = []
    for i, (row, key) in enumerate(zip(rows, keys, strict=True)):
        fields = {name: column[i] for name, column in per_row.items()}
        order, value = fields.pop("orders"), fields.pop("values")
        header = None if key is None else sheet.header(key)
        cell = None if key is None else sheet.cell(row, key)
        out.append(finding(code, sheet.name, row, header, cell, order, value, **fields))
    return out


def test_done_late_with_a_key_per_row_equals_finding() -> None:
    sheet = orders_sheet()
    rows, keys = [2, 2, 7], ["etd_plan", "etd_actual", "etd_plan"]
    orders, values = ["PO-1", "PO-1", None], ["2026-01-02", None, "2026-03-04"]
    m, n = ["ETD", "ETD", "ETA"], [3, 0, 12]
    bulk = findings_for(
        "milestone-done-late", sheet, np.array(rows), keys, np.array(orders, dtype=object), values, m=m, n=n
    )
    expected = one_by_one(
        "milestone-done-late", sheet, rows, list(keys), orders=orders, values=values, m=m, n=n
    )
    assert bulk == expected
    assert [(f.column, f.cell) for f in bulk] == [
        ("etd plan", "AB2"),
        ("ETD Actual", None),
        ("etd plan", "AB7"),
    ]
    assert bulk[2].message == "ETA done 12 days late."


def test_one_key_for_all_rows_with_column_value_and_constant_fields() -> None:
    sheet = orders_sheet()
    rows = [5, 9]
    values: list[object] = [104.5, 90.0]
    bulk = findings_for("schema-range", sheet, rows, "insurance_pct", ["PO-5", "PO-9"], values, range="≥ 110")
    expected = one_by_one(
        "schema-range", sheet, rows, ["insurance_pct"] * 2, orders=["PO-5", "PO-9"], values=values,
        range=["≥ 110"] * 2,
    )  # fmt: skip
    assert bulk == expected
    assert [f.value for f in bulk] == ["104.5", "90.0"]
    implausible = findings_for("schema-date-implausible", sheet, rows, "insurance_pct", None, values)
    assert implausible == one_by_one(
        "schema-date-implausible", sheet, rows, ["insurance_pct"] * 2, orders=[None, None], values=values
    )


def test_fixed_message_no_key_and_message_override() -> None:
    sheet = orders_sheet()
    fixed = findings_for("lc-expired", sheet, pd.Series([3]), None, ["PO-3"], [None])
    assert fixed == [finding("lc-expired", "Orders", 3, None, None, "PO-3", None)]
    told = findings_for("code-container", sheet, [4], "etd_plan", ["PO-4"], ["ABC"], message="Bad shape.")
    assert told == [
        finding("code-container", "Orders", 4, "etd plan", "AB4", "PO-4", "ABC", message="Bad shape.")
    ]


def test_missing_template_field_fails_like_finding() -> None:
    with pytest.raises(KeyError, match="'n'"):
        findings_for("milestone-done-late", orders_sheet(), [2], "etd_plan", ["PO-1"], ["x"], m=["ETD"])
    with pytest.raises(ValueError, match="1 entries for 2 rows"):
        findings_for("milestone-done-late", orders_sheet(), [2, 3], "etd_plan", ["PO-1"], None, m="ETD", n=1)


def test_positional_template_keeps_braces_specs_and_conversions() -> None:
    template, names = positional("{a!r:>6} {{x}} {b:.1f} {a}")
    assert names == ("a", "b", "a")
    assert template.format("q", 2.25, "q") == "{a!r:>6} {{x}} {b:.1f} {a}".format(a="q", b=2.25)


def test_sort_findings_equals_sorted_fromkeys_with_repeats_and_ties() -> None:
    base = [
        finding("milestone-done-late", "Orders", row, "ETD", cell, "PO", None, m=m, n=n)
        for row in (2, 10, 3)
        for cell in ("AB2", "AB10", None)
        for m, n in (("ETD", 1), ("ETA", 2))
    ]
    extra = [
        finding("schema-range", "Lines", 4, "Qty", "F4", None, -1, range="> 0"),
        finding("lc-expired", "Orders", 2),
    ]
    found = base + extra + base[::3] + extra
    random.Random(7).shuffle(found)
    expected = sorted(dict.fromkeys(found), key=Finding.sort_key)
    assert sort_findings(found) == expected
    assert len(expected) == len(base) + len(extra)


CONTAINER_LIKE = st.one_of(
    st.from_regex(r"[A-Z]{3}[UJZ][0-9]{7}", fullmatch=True),
    st.from_regex(r"[A-Za-z]{3}[UJZX][0-9]{6,7}[0-9 \-;]{0,3}", fullmatch=True),
    st.text(max_size=12),
    st.lists(st.from_regex(r"[A-Z]{3}[UJZ][0-9]{7}", fullmatch=True), min_size=1, max_size=3).map(";".join),
)


@given(st.lists(CONTAINER_LIKE, max_size=20))
def test_sound_containers_are_exactly_those_the_judge_passes(texts: list[str]) -> None:
    """Sound = one clean number that the judge passes; anything else goes on to the judge."""
    clean = [re.fullmatch("[A-Z]{3}[UJZ][0-9]{7}(;[A-Z]{3}[UJZ][0-9]{7})*", t) is not None for t in texts]
    passes = [judge_containers(t) == [] for t in texts]
    assert sound_containers(texts).tolist() == [c and p for c, p in zip(clean, passes, strict=True)]


def test_sound_containers_on_worked_examples() -> None:
    texts = ["CSQU3054383", "CSQU3054384", "csqu3054383", "CSQU 305438-3", "MWCU6059784", ""]
    texts += [
        "CSQU3054383;MWCU6059784",
        "CSQU3054383;MWCU6059785",
        "CSQU3054383;",
        "CSQU3054383; MWCU6059784",
    ]
    assert sound_containers(texts).tolist() == [
        True,
        False,
        False,
        False,
        True,
        False,
        True,
        False,
        False,
        False,
    ]


@given(
    st.lists(st.one_of(st.floats(), st.integers(-(10**7), 10**7).map(float), st.sampled_from([-0.0, 1e6])))
)
def test_number_keys_in_bulk_equal_g_format(numbers: list[float]) -> None:
    values = pd.Series(numbers, index=range(2, len(numbers) + 2), dtype=float)
    expected = [None if v != v else f"{v:g}" for v in numbers]
    assert key_text(values).tolist() == expected

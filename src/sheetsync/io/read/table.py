"""Read one contract table (Orders, Lines, Shipments, Documents) from raw rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from sheetsync.a1 import column_letter
from sheetsync.book import ColumnRef, SheetData
from sheetsync.contract import Column, Kind, Sheet, When, header_key
from sheetsync.contract.codelists import NOT_APPLICABLE_MILESTONES
from sheetsync.contract.sheets import milestone_key
from sheetsync.findings import Finding, finding
from sheetsync.io.read import coerce

HEADER_SCAN_ROWS = 30
NA_KEYS = frozenset(milestone_key(m, part) for m in NOT_APPLICABLE_MILESTONES for part in ("plan", "actual"))

_PROBLEM_CODES = {
    coerce.TYPE: "schema-type",
    coerce.AMBIGUOUS_DATE: "schema-date-ambiguous",
    coerce.PLACEHOLDER: "schema-date-placeholder",
    coerce.AMBIGUOUS_NUMBER: "schema-number-ambiguous",
}


_DTYPES: dict[Kind, Any] = {
    Kind.TEXT: "str",
    Kind.CODE: "str",
    Kind.DECIMAL: "float64",
    Kind.INT: "float64",
    Kind.DATE: "datetime64[us]",
    Kind.TIMESTAMP: "datetime64[us]",
}


def _alias_map(sheet: Sheet) -> dict[str, str]:
    return {k: c.key for c in sheet.columns for k in c.match_keys()}


def find_header(rows: list[list[Any]], sheet: Sheet) -> int | None:
    """Index (in `rows`) of the row matching the most contract headers, if convincing."""
    aliases = _alias_map(sheet)
    best, best_score = None, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        keys = {aliases.get(header_key(str(v))) for v in row if isinstance(v, str) and v.strip()}
        score = len(keys - {None})
        if score > best_score:
            best, best_score = i, score
    needed = min(3, sum(c.required is When.ALWAYS for c in sheet.columns))
    return best if best_score >= needed else None


def map_headers(
    name: str, sheet: Sheet, header: list[Any], excel_row: int, col0: int, findings: list[Finding]
) -> tuple[dict[str, ColumnRef], list[str]]:
    """Contract key -> where it sits; unknown headers kept aside; duplicates reported."""
    aliases = _alias_map(sheet)
    columns: dict[str, ColumnRef] = {}
    extra: list[str] = []
    for j, value in enumerate(header):
        if value is None or value == "":
            continue
        text = coerce.clean_text(value) if isinstance(value, str) else coerce.coerce_text([value]).values[0]
        key = aliases.get(header_key(text))
        if key is None:
            extra.append(text)
        elif key in columns:
            findings.append(
                finding(
                    "schema-header-duplicate", name, excel_row, text, f"{column_letter(col0 + j)}{excel_row}"
                )
            )
        else:
            columns[key] = ColumnRef(key, text, col0 + j)
    for column in sheet.columns:
        if column.required is When.ALWAYS and column.key not in columns:
            findings.append(finding("schema-header-missing", name, excel_row, column.header))
    return columns, extra


def _coerce(column: Column, raw: list[Any], date_order: str | None, date1904: bool) -> coerce.Coerced:
    if column.kind in (Kind.TEXT, Kind.CODE):
        return coerce.coerce_text(raw)
    if column.kind in (Kind.DECIMAL, Kind.INT):
        return coerce.coerce_number(raw, integer=column.kind is Kind.INT)
    return coerce.coerce_date(raw, date_order, date1904, allow_not_applicable=column.key in NA_KEYS)


def _empty(column: Column, n: int) -> Any:
    if column.kind in (Kind.TEXT, Kind.CODE):
        return np.full(n, None, dtype=object)
    if column.kind in (Kind.DECIMAL, Kind.INT):
        return np.full(n, np.nan)
    return np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")


def read_table(
    name: str,
    sheet: Sheet,
    rows: list[list[Any]],
    start: tuple[int, int],
    date_order: str | None,
    date1904: bool,
    findings: list[Finding],
) -> SheetData | None:
    """Typed SheetData for one sheet, or None (with a finding) when no header row is found."""
    h = find_header(rows, sheet)
    if h is None:
        findings.append(
            finding(
                "schema-header-missing",
                name,
                None,
                message=f"No header row found in the first {HEADER_SCAN_ROWS} rows: "
                f"add the column headers ({', '.join(c.header for c in sheet.columns[:4])}, ...).",
            )
        )
        return None
    header_row = start[0] + h + 1
    columns, extra = map_headers(name, sheet, rows[h], header_row, start[1], findings)
    body = rows[h + 1 :]
    # A row is blank when every contract cell is empty, zero or FALSE: that also skips rows
    # holding only a dragged-down formula's 0. Unknown columns never make a row count.
    indices = [ref.index - start[1] for ref in columns.values()]
    cells = itemgetter(*indices, indices[0])  # always a tuple, even for one column
    keep = np.fromiter((any(cells(r)) for r in body), dtype=bool, count=len(body))
    excel_rows = np.flatnonzero(keep) + header_row + 1
    if not keep.all():
        body = [r for r, k in zip(body, keep, strict=True) if k]
    transposed = list(zip(*body, strict=True)) if body else [() for _ in rows[h]]
    raw = {key: list(transposed[ref.index - start[1]]) for key, ref in columns.items()}
    coerced = {key: _coerce(sheet.column(key), values, date_order, date1904) for key, values in raw.items()}
    return assemble(name, sheet, header_row, columns, extra, excel_rows, coerced, raw.__getitem__, findings)


def assemble(
    name: str,
    sheet: Sheet,
    header_row: int,
    columns: dict[str, ColumnRef],
    extra: list[str],
    excel_rows: Any,
    coerced: dict[str, coerce.Coerced],
    raw_of: Callable[[str], Sequence[Any]],
    findings: list[Finding],
) -> SheetData:
    """The SheetData from coerced kept rows; problems located, `raw_of(key)[i]` as their value."""
    data = SheetData(name, sheet, header_row, columns, pd.DataFrame(), extra)
    frame: dict[str, Any] = {}
    located: list[tuple[int, str, str, Any]] = []
    for column in sheet.columns:
        result = coerced.get(column.key)
        if result is None:
            frame[column.key] = _empty(column, len(excel_rows))
            continue
        frame[column.key] = result.values
        if result.numeric:
            data.numeric_text[column.key] = {int(excel_rows[i]) for i in result.numeric}
        if result.problems:
            raw = raw_of(column.key)
            for i, problem in result.problems:
                located.append((int(excel_rows[i]), column.key, problem, raw[i]))
    index = pd.Index(excel_rows, name="row")
    data.frame = pd.DataFrame(
        {k: pd.Series(v, index=index, dtype=_DTYPES[sheet.column(k).kind]) for k, v in frame.items()}
    )
    _report(data, located, findings)
    return data


def _report(data: SheetData, located: list[tuple[int, str, str, Any]], findings: list[Finding]) -> None:
    orders = data.frame.get("order_no")
    for row, key, problem, raw in located:
        if problem == coerce.NOT_APPLICABLE_CELL:
            data.not_applicable.add((row, key))
            continue
        if problem in (coerce.TYPE, coerce.AMBIGUOUS_DATE):
            data.bad_cells.add((row, key))
        value = orders.at[row] if orders is not None else None
        order = value if isinstance(value, str) else None
        findings.append(
            finding(
                _PROBLEM_CODES[problem],
                data.name,
                row,
                data.header(key),
                data.cell(row, key),
                order,
                raw,
                type=data.contract.column(key).type_name,
            )
        )

"""Read one contract table (Orders, Lines, Shipments, Documents) from raw rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from sheetsync.a1 import column_letter
from sheetsync.book import ColumnRef, SheetData
from sheetsync.contract import Column, Kind, Sheet, When
from sheetsync.contract.codelists import NOT_APPLICABLE_MILESTONES
from sheetsync.contract.headers import HeaderMatcher
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


class NeedsCells(Exception):
    """An ambiguous header (`Item`) is decided by its cells, which the caller did not give."""


Sample = Callable[[int], Sequence[Any]]  # the body cells of a header column (0-based in the row)


def _score(row: list[Any], matcher: HeaderMatcher) -> int:
    found: set[str] = set()
    for v in row:
        if isinstance(v, str) and v.strip():
            match = matcher.match(v)
            found.update(match.keys[:1])
            if match.wrong_unit is not None:
                found.add(match.wrong_unit.key)
    return len(found)


def find_header(rows: list[list[Any]], matcher: HeaderMatcher) -> int | None:
    """Index (in `rows`) of the row matching the most contract headers, if convincing."""
    best, best_score = None, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = _score(row, matcher)
        if score > best_score:
            best, best_score = i, score
    needed = min(3, sum(c.required is When.ALWAYS for c in matcher.sheet.columns))
    return best if best_score >= needed else None


def header_text(value: Any) -> str:
    """A header cell as text (numbers as typed)."""
    text: str = coerce.clean_text(value) if isinstance(value, str) else coerce.coerce_text([value]).values[0]
    return text


def _numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and value.strip().replace(".", "", 1).isdigit()


def decide(sheet: Sheet, candidates: tuple[str, ...], cells: Sequence[Any]) -> str:
    """The column an ambiguous header names, by its cells: mostly numbers -> the numeric column."""
    filled = [v for v in cells if v is not None and v != ""]
    numbers = sum(_numeric(v) for v in filled)
    want_number = bool(filled) and numbers * 2 > len(filled)
    for key in candidates:
        if (sheet.column(key).kind in (Kind.INT, Kind.DECIMAL)) == want_number:
            return key
    return candidates[0]


def map_headers(
    name: str,
    matcher: HeaderMatcher,
    header: list[Any],
    excel_row: int,
    col0: int,
    findings: list[Finding],
    sample: Sample | None = None,
) -> tuple[dict[str, ColumnRef], list[str]]:
    """Contract key -> where it sits; unknown headers kept aside; duplicates and units reported.

    An ambiguous alias takes the candidate column still free, else the one its cells fit
    (`sample(j)`); without `sample` it raises NeedsCells.
    """
    sheet = matcher.sheet
    columns: dict[str, ColumnRef] = {}
    extra: list[str] = []
    wrong_units: set[str] = set()
    ambiguous: list[tuple[int, str, tuple[str, ...]]] = []

    def place(j: int, text: str, key: str) -> None:
        cell = f"{column_letter(col0 + j)}{excel_row}"
        if key in columns:
            findings.append(finding("schema-header-duplicate", name, excel_row, text, cell))
        else:
            columns[key] = ColumnRef(key, text, col0 + j)

    for j, value in enumerate(header):
        if value is None or value == "":
            continue
        text = header_text(value)
        match = matcher.match(text)
        if match.wrong_unit is not None:
            column = match.wrong_unit
            wrong_units.add(column.key)
            findings.append(
                finding(
                    "schema-header-unit", name, excel_row, text, f"{column_letter(col0 + j)}{excel_row}",
                    value=text, unit=match.unit, contract=column.header, expected=column.unit,
                )
            )  # fmt: skip
            extra.append(text)
        elif not match.keys:
            extra.append(text)
        elif len(match.keys) == 1:
            place(j, text, match.keys[0])
        else:
            ambiguous.append((j, text, match.keys))
    for j, text, candidates in ambiguous:
        free = tuple(k for k in candidates if k not in columns)
        if not free:
            extra.append(text)
            continue
        if len(free) == 1:
            place(j, text, free[0])
            continue
        if sample is None:
            raise NeedsCells(text)
        place(j, text, decide(sheet, free, sample(j)))
    for column in sheet.columns:
        if column.required is When.ALWAYS and column.key not in columns and column.key not in wrong_units:
            findings.append(finding("schema-header-missing", name, excel_row, column.header))
    return columns, extra


def most_header_like(rows: list[list[Any]]) -> int | None:
    """The row among the first ones with the most short text cells: where a header would be."""
    best, best_count = None, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        count = sum(isinstance(v, str) and 0 < len(v.strip()) <= 40 for v in row)
        if count > best_count:
            best, best_count = i, count
    return best


def no_header_message(rows: list[list[Any]], start: tuple[int, int], matcher: HeaderMatcher) -> str:
    """Why no header row was found, naming the likeliest row, what it lacks and what is near."""
    sheet = matcher.sheet
    wanted = ", ".join(c.header for c in sheet.columns if c.required is When.ALWAYS)
    text = f"No header row found in the first {HEADER_SCAN_ROWS} rows (sheetsync needs 3 of: {wanted})."
    i = most_header_like(rows)
    if i is None:
        return text + " Add the column headers."
    headers = [header_text(v) for v in rows[i] if isinstance(v, str) and v.strip()]
    known = [h for h in headers if matcher.match(h).keys]
    unknown = [h for h in headers if not matcher.match(h).keys]
    hints = [f"{h} (nearest: {' or '.join(near)})" for h in unknown if (near := matcher.nearest(h))]
    text += f" Row {start[0] + i + 1} looks most like one"
    text += f"; it has {', '.join(known)}" if known else ""
    shown = hints or unknown
    if shown:
        text += f"; not contract columns: {', '.join(shown[:12])}{', ...' if len(shown) > 12 else ''}"
    return text + ". Rename them, or map them in the Column Map table on the Lists sheet."


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
    matcher: HeaderMatcher,
    rows: list[list[Any]],
    start: tuple[int, int],
    date_order: str | None,
    date1904: bool,
    findings: list[Finding],
) -> SheetData | None:
    """Typed SheetData for one sheet, or None (with a finding) when no header row is found."""
    sheet = matcher.sheet
    h = find_header(rows, matcher)
    if h is None:
        message = no_header_message(rows, start, matcher)
        findings.append(finding("schema-header-missing", name, None, message=message))
        return None
    header_row = start[0] + h + 1
    body = rows[h + 1 :]

    def sample(j: int) -> list[Any]:
        return [r[j] for r in body[:200] if j < len(r)]

    columns, extra = map_headers(name, matcher, rows[h], header_row, start[1], findings, sample)
    if not columns:
        return None
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

"""A column nobody fills is one finding on its header cell, not one per row (WORKBOOK.md).

When every cell of a column is blank and a rule found it required on several rows, the
per-cell findings of that code become one finding with the same code on the header cell and
the count of rows in its message. Its `value` is empty: a blank column has no offending value
(the text face would print a count there as "(was 3)"). Cell findings stay when only some rows are blank.
A conditionally required column that is absent altogether gets one finding on the header row.
"""

from __future__ import annotations

from dataclasses import replace

from sheetsync.book import Book, SheetData
from sheetsync.findings import Finding

COLLAPSIBLE = frozenset({"schema-required", "milestone-actual-missing", "milestone-plan-missing"})


def _key(sheet: SheetData, header: str) -> str | None:
    return next((ref.key for ref in sheet.columns.values() if ref.header == header), None)


def column_blank(sheet: SheetData, key: str) -> bool:
    """Every cell of the column is empty (no value, nothing unreadable, no `N/A`)."""
    if any(k == key for _, k in sheet.bad_cells) or any(k == key for _, k in sheet.not_applicable):
        return False
    return bool(sheet.frame[key].isna().all())


def collapse_blank_columns(book: Book, found: list[Finding]) -> list[Finding]:
    """`found` with the per-cell findings of each wholly blank column replaced by one on its header."""
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i, f in enumerate(found):
        if f.code in COLLAPSIBLE and f.row is not None and f.column is not None:
            groups.setdefault((f.code, f.sheet, f.column), []).append(i)
    sheets = {sd.name: sd for sd in book.sheets.values()}
    dropped: set[int] = set()
    headers: list[Finding] = []
    for (_, name, header), where in groups.items():
        sheet = sheets.get(name)
        if len(where) < 2 or sheet is None:
            continue
        key = _key(sheet, header)
        if key is not None and not column_blank(sheet, key):
            continue
        first, count = found[where[0]], len(where)
        how = f"blank on all {count:,} rows" if key is not None else f"the column is absent; {count:,} rows"
        message = f"{first.message.rstrip('.')}: {how} that need it."
        cell = None if key is None else f"{sheet.columns[key].letter}{sheet.header_row}"
        headers.append(
            replace(first, row=sheet.header_row, cell=cell, order=None, message=message, value=None)
        )
        dropped.update(where)
    if not dropped:
        return found
    return [f for i, f in enumerate(found) if i not in dropped] + headers

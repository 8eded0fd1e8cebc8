"""What a newer contract has that a book lacks, as edits (`sheetsync upgrade`).

Everything comes from the contract, never from a hand list, so a column, a Settings key or a
Lists table added to the contract later is upgraded for free:

- every optional contract column (`When.NEVER`) a contract sheet lacks is added to the right
  of its columns, in the header row the reader found — an Excel Table grows to take it in. A
  milestone's Actual column is added only where its Plan column is there, and never for a
  milestone the book lists under `Milestones Not Tracked`. A required column stays a
  `schema-header-missing` finding: upgrade does not invent columns a team must fill;
- every Settings key the Settings sheet lacks is added below its last row, with its default
  value and explanation;
- every table on the Lists sheet of a fresh template (`sheetsync new`: the Column Map, and
  any later one) whose headers the book's Lists sheet lacks is added to the right of it,
  one blank column apart, as headers only: an example row would change how the book reads.

Where the new cells would land on a cell that holds a value (a user's column right of the
Table), that part is left out with a note saying why; the rest goes ahead.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sheetsync.a1 import column_letter
from sheetsync.book import Book, SheetData
from sheetsync.contract import SETTINGS, SETTINGS_SHEET, TABLE_SHEETS, Column, When, header_key
from sheetsync.contract.codelists import MILESTONES
from sheetsync.contract.sheets import LISTS_SHEET, milestone_key
from sheetsync.edits import AddColumns, AddRows, Edit
from sheetsync.excel_limits import MAX_COLUMNS
from sheetsync.io.ooxml.grow import TablePart, sheet_tables
from sheetsync.io.ooxml.package import Package
from sheetsync.io.read.reader import find_sheet, open_workbook, sheet_rows
from sheetsync.workbook.lists import list_columns

Rows = list[list[Any]]


@dataclass
class Upgrade:
    """The edits that bring a book to the contract, what they add (one line each), and what not."""

    edits: list[Edit] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)


def plan_upgrade(book: Book, path: Path) -> Upgrade:
    """The upgrade of the book read as `book` from `path` (see the module)."""
    plan = Upgrade()
    wb = open_workbook(path)
    package = Package(path)
    try:
        for contract in TABLE_SHEETS:
            data = book.get(contract.name)
            if data is not None:
                rows, start = sheet_rows(wb, data.name)
                _columns(plan, book, data, _Grid(rows, start), package)
        names = list(wb.sheet_names)
        settings = next((n for n in names if header_key(n) == header_key(SETTINGS_SHEET)), None)
        if settings is None:
            plan.left.append(
                f"No {SETTINGS_SHEET} sheet: its keys were not added (`sheetsync new` lays one out)."
            )
        else:
            _settings(plan, settings, _Grid(*sheet_rows(wb, settings)))
        lists = find_sheet(names, LISTS_SHEET)
        wanted = template_lists_tables()
        if lists is None:
            if wanted:
                tables = ", ".join(" / ".join(t) for t in wanted)
                plan.left.append(f"No {LISTS_SHEET} sheet: its tables ({tables}) were not added.")
        else:
            _lists(plan, lists, _Grid(*sheet_rows(wb, lists)), wanted)
    finally:
        package.close()
        wb.close()
    return plan


class _Grid:
    """A sheet's values by Excel row and 0-based column (calamine's rows and their offset)."""

    def __init__(self, rows: Rows, start: tuple[int, int]) -> None:
        self.rows, (self.row0, self.col0) = rows, start

    def value(self, row: int, column: int) -> Any:
        r, c = row - 1 - self.row0, column - self.col0
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    def filled(self, row: int, column: int) -> bool:
        value = self.value(row, column)
        return value is not None and not (isinstance(value, str) and not value.strip())

    def last_row(self) -> int:
        """The last Excel row holding a value (0 for an empty sheet)."""
        for r in range(len(self.rows) - 1, -1, -1):
            if any(v not in (None, "") for v in self.rows[r]):
                return self.row0 + r + 1
        return 0

    def last_column(self, row: int | None = None) -> int:
        """The last 0-based column holding a value, on `row` or on any row (-1 when none)."""
        if row is None:
            rows = self.rows
        else:
            at = row - 1 - self.row0
            rows = [self.rows[at]] if 0 <= at < len(self.rows) else []
        last = -1
        for cells in rows:
            for c in range(len(cells) - 1, -1, -1):
                if cells[c] not in (None, ""):
                    last = max(last, self.col0 + c)
                    break
        return last

    def first_value(self, rows: range, columns: range) -> str | None:
        """The A1 address of the first cell holding a value in `rows` x `columns`."""
        for row in rows:
            for column in columns:
                if self.filled(row, column):
                    return f"{column_letter(column)}{row}"
        return None


def _wanted(column: Column, data: SheetData, book: Book) -> bool:
    """An optional contract column the sheet lacks and the team would want (see the module)."""
    if column.required is not When.NEVER or data.has(column.key):
        return False
    for milestone in MILESTONES:
        if column.key == milestone_key(milestone, "actual"):
            tracked = milestone not in book.settings.milestones_not_tracked
            return tracked and data.has(milestone_key(milestone, "plan"))
    return True


def _columns(plan: Upgrade, book: Book, data: SheetData, grid: _Grid, package: Package) -> None:
    missing = [c for c in data.contract.columns if _wanted(c, data, book)]
    if not missing:
        return
    sheet = package.sheet(data.name)
    tables = sheet_tables(package, sheet) if sheet is not None else []
    table = _table_at(tables, data.header_row)
    headers = tuple(c.header for c in missing)
    if table is not None and (table.has_rels or table.header_rows != 1):
        plan.left.append(f"{data.name}: its Table {table.name} is bound to a query; "
                         f"not grown ({', '.join(headers)} not added).")  # fmt: skip
        return
    first = table.last_column + 1 if table else grid.last_column(data.header_row) + 1
    last = first + len(missing) - 1
    below = range(data.header_row, (table.last_row if table else max(grid.last_row(), data.header_row)) + 1)
    taken = grid.first_value(below, range(first, last + 1))
    where = f"{column_letter(first)}{data.header_row}:{column_letter(last)}{data.header_row}"
    if last >= MAX_COLUMNS or taken is not None:
        why = f"{taken} holds a value" if taken else "past Excel's last column"
        plan.left.append(f"{data.name}: {', '.join(headers)} not added: {where} is where they go, and {why}.")
        return
    like = tuple(_sibling(c, data) for c in missing)
    plan.edits.append(AddColumns(data.name, data.header_row, first, headers, tuple(c.width for c in missing),
                                 like, table.name if table else None))  # fmt: skip
    plan.added.append(f"{data.name} {where}: {', '.join(headers)}")


def _table_at(tables: Sequence[TablePart], header_row: int) -> TablePart | None:
    """The Excel Table whose header row is the one the reader found."""
    return next((t for t in tables if t.first_row == header_row), None)


def _sibling(column: Column, data: SheetData) -> int | None:
    """A column of the sheet with the same number format (its format is the new column's)."""
    if column.number_format is None:
        return None
    for other in data.contract.columns:
        if other.number_format == column.number_format and data.has(other.key):
            return data.columns[other.key].index
    return None


def _settings(plan: Upgrade, sheet: str, grid: _Grid) -> None:
    """Missing Settings keys as rows below the last one, in the column where the keys are."""
    keys = {header_key(k): k for k, _, _ in SETTINGS}
    found: dict[str, int] = {}  # key -> its 0-based column
    explained = False
    for r in range(grid.row0 + 1, grid.last_row() + 1):
        for c in range(grid.col0, grid.last_column() + 1):
            value = grid.value(r, c)
            if grid.filled(r, c):
                if isinstance(value, str) and header_key(value) in keys:
                    found[keys[header_key(value)]] = c
                    explained = explained or grid.filled(r, c + 2)
                break
    missing = [(k, default, text) for k, default, text in SETTINGS if k not in found]
    if not missing:
        return
    column = max(set(found.values()), key=list(found.values()).count) if found else grid.col0
    first = grid.last_row() + 1
    rows = tuple(
        (key, _setting_value(default), *((text,) if explained else ())) for key, default, text in missing
    )
    plan.edits.append(AddRows(sheet, first, column, rows))
    where = (
        f"{column_letter(column)}{first}:{column_letter(column + len(rows[0]) - 1)}{first + len(rows) - 1}"
    )
    plan.added.append(f"{sheet} {where}: {', '.join(k for k, _, _ in missing)}")


def _setting_value(default: object) -> str | float | None:
    """A Settings default as the cell gets it: text, a number, or blank."""
    if isinstance(default, str):
        return default or None
    if isinstance(default, (int, float)) and not isinstance(default, bool):
        return float(default)
    return None


def template_lists_tables() -> list[tuple[str, ...]]:
    """The header blocks of a fresh template's Lists sheet other than the code lists (Column Map, ...)."""
    from sheetsync.workbook.template import build_template

    with tempfile.TemporaryDirectory(prefix="sheetsync-upgrade-") as folder:
        path = build_template(Path(folder) / "template.xlsx")
        wb = open_workbook(path)
        try:
            rows, _ = sheet_rows(wb, LISTS_SHEET)
        finally:
            wb.close()
    codes = {header_key(h) for h in list_columns()}
    blocks: list[tuple[str, ...]] = []
    current: list[str] = []
    for value in [*(rows[0] if rows else []), None]:
        if isinstance(value, str) and value.strip() and header_key(value) not in codes:
            current.append(value.strip())
        elif current:
            blocks.append(tuple(current))
            current = []
    return blocks


def _lists(plan: Upgrade, sheet: str, grid: _Grid, wanted: Sequence[tuple[str, ...]]) -> None:
    """Each wanted table whose headers the Lists sheet lacks, right of it, one blank column apart."""
    present = {
        r: {header_key(v) for v in row if isinstance(v, str) and v.strip()}
        for r, row in enumerate(grid.rows, start=grid.row0 + 1)
    }
    known = {header_key(h) for h in list_columns()} | {header_key(h) for block in wanted for h in block}
    header_row = max(present, key=lambda r: (len(present[r] & known), -r), default=grid.row0 + 1)
    first = grid.last_column() + 2
    for block in wanted:
        keys = {header_key(h) for h in block}
        if any(keys <= found for found in present.values()):
            continue
        last = first + len(block) - 1
        where = f"{column_letter(first)}{header_row}:{column_letter(last)}{header_row}"
        if last >= MAX_COLUMNS:
            plan.left.append(f"{sheet}: {', '.join(block)} not added: past Excel's last column.")
            continue
        plan.edits.append(AddColumns(sheet, header_row, first, block, tuple(20.0 for _ in block)))
        plan.added.append(f"{sheet} {where}: {', '.join(block)}")
        first = last + 2

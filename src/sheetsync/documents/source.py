"""The order rows as the user laid them out: where each column sits, and each cell as stored.

A document's formulas point at the cells where the reader found the columns (title rows,
aliases, shuffled and extra columns included), and its cached values must be what those
formulas compute — so values come from the cells as stored (text untrimmed, a number typed
into a text column still a number), not from the reader's cleaned frames.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sheetsync.a1 import column_letter
from sheetsync.book import Book, SheetData
from sheetsync.contract import SETTINGS_SHEET, header_key
from sheetsync.excel_limits import MAX_ROWS
from sheetsync.io.read.reader import open_workbook, sheet_rows

RowsOf = Callable[[str], tuple[list[list[Any]], tuple[int, int]]]  # a sheet's rows, 0-based offset
EPOCH = dt.datetime(1899, 12, 30)
EPOCH_1904 = dt.datetime(1904, 1, 1)


def bound(last_row: int) -> int:
    """The last row a lookup range reaches: room for the sheet to double, or 1,000 more rows."""
    return min(max(2 * last_row, last_row + 1000), MAX_ROWS)


def quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


@dataclass
class Table:
    """One contract sheet: its reader map and its rows as stored."""

    data: SheetData
    rows: list[list[Any]]
    start: tuple[int, int]
    date1904: bool

    @property
    def last(self) -> int:
        """The range's last row (see `bound`)."""
        return bound(
            max(int(self.data.frame.index.max()) if len(self.data.frame) else 0, self.data.header_row)
        )

    def has(self, key: str) -> bool:
        return self.data.has(key)

    def column(self, key: str) -> str:
        """`'Lines'!$G$2:$G$5000`: the bounded range of a column's data cells."""
        letter = self.data.columns[key].letter
        first = self.data.header_row + 1
        return f"{quoted(self.data.name)}!${letter}${first}:${letter}${self.last}"

    def first_cell(self, key: str) -> str:
        letter = self.data.columns[key].letter
        return f"{quoted(self.data.name)}!${letter}${self.data.header_row + 1}"

    def position(self, excel_row: int) -> int:
        """1-based position of an Excel row within the column ranges."""
        return excel_row - self.data.header_row

    def raw(self, excel_row: int, key: str) -> Any:
        """The cell as stored (None when blank or the column is absent); dates as serial numbers."""
        ref = self.data.columns.get(key)
        if ref is None:
            return None
        i, j = excel_row - 1 - self.start[0], ref.index - self.start[1]
        if not (0 <= i < len(self.rows)) or not (0 <= j < len(self.rows[i])):
            return None
        return stored(self.rows[i][j], self.date1904)


def stored(value: Any, date1904: bool = False) -> str | float | bool | None:
    """A calamine value as the cell stores it: text, number (dates as serials), bool, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool | str):
        return value
    if isinstance(value, dt.datetime | dt.date):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        return (moment - (EPOCH_1904 if date1904 else EPOCH)) / dt.timedelta(days=1)
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, dt.timedelta):
        return value / dt.timedelta(days=1)
    return float(value)


def as_text(value: str | float | bool | None) -> str:
    """What `""&cell` gives in a spreadsheet: blank -> "", 1001.0 -> "1001", TRUE -> "TRUE"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}"
    return value


@dataclass
class SettingsCells:
    """The Settings sheet's key/value cells, for formulas that print a setting."""

    sheet: str
    key_column: str
    value_column: str
    last: int
    values: dict[str, str | float | bool | None]  # header_key(key) -> stored value

    def range(self, column: str) -> str:
        return f"{quoted(self.sheet)}!${column}$1:${column}${self.last}"


@dataclass
class Source:
    """The book as generation needs it: the reader's Book plus each contract sheet as stored."""

    book: Book
    tables: dict[str, Table]
    settings: SettingsCells | None
    _groups: dict[tuple[str, str], dict[str, list[int]]] = field(default_factory=dict)
    stamps: dict[tuple[int, ...], dict[str, float]] = field(default_factory=dict)  # totals by line rows

    def rows_by(self, sheet: str, column: str) -> dict[str, list[int]]:
        """Excel rows of `sheet` by the compared key of `column` (text, trimmed, case-folded), once."""
        found = self._groups.get((sheet, column))
        if found is None:
            data = self.book.get(sheet)
            found = {}
            if data is not None:
                for row, value in data.frame[column].items():
                    found.setdefault(key_of(value), []).append(int(str(row)))
            self._groups[(sheet, column)] = found
        return found


def key_of(value: object) -> str:
    """An Order / Shipment No as compared: text, trimmed, case-folded."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return as_text(value if isinstance(value, str | float | bool) else str(value)).strip().casefold()


def load(book: Book, rows_of: RowsOf | None = None, date1904: bool | None = None) -> Source:
    """Read Orders, Lines, Shipments and Settings cells as stored (one calamine pass).

    `rows_of(sheet)` gives a sheet's rows and 0-based offset instead of the file (the live
    workbook of the Excel face: unsaved edits included); `date1904` its date system.
    """
    from sheetsync.io.read.reader import uses_1904_dates

    if rows_of is not None:
        return _load(book, rows_of, bool(date1904))
    wb = open_workbook(book.path)
    try:
        return _load(book, lambda name: sheet_rows(wb, name), uses_1904_dates(book.path))
    finally:
        wb.close()


def _load(book: Book, rows_of: RowsOf, date1904: bool) -> Source:
    tables = {}
    for name in ("Orders", "Lines", "Shipments"):
        data = book.get(name)
        if data is not None:
            rows, start = rows_of(data.name)
            tables[name] = Table(data, rows, start, date1904)
    return Source(book, tables, _settings(rows_of, book.sheet_names, date1904))


def _settings(rows_of: RowsOf, names: list[str], date1904: bool) -> SettingsCells | None:
    sheet = next((n for n in names if header_key(n) == header_key(SETTINGS_SHEET)), None)
    if sheet is None:
        return None
    rows, (row0, col0) = rows_of(sheet)
    values: dict[str, str | float | bool | None] = {}
    key_index = None
    for row in rows:
        cells = [(j, v) for j, v in enumerate(row) if v not in ("", None)]
        if cells and isinstance(cells[0][1], str):
            j = cells[0][0]
            key_index = j if key_index is None else key_index
            if j == key_index:
                values[header_key(cells[0][1])] = stored(row[j + 1], date1904) if j + 1 < len(row) else None
    if key_index is None:
        return None
    return SettingsCells(
        sheet,
        column_letter(col0 + key_index),
        column_letter(col0 + key_index + 1),
        row0 + len(rows) + 50,
        values,
    )

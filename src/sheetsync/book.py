"""The small workbook model the core works on: typed sheet frames, settings, reader findings.

The reader (`sheetsync.io`) builds a `Book`; rules read it and return findings. Nothing
here touches a file or Excel.

Frame conventions (`SheetData.frame`):
- the index is the Excel row number (1-based) of each data row; blank rows are dropped;
- one column per contract column key, present or not (a missing column is all null);
- TEXT and CODE: pandas `str` dtype, missing = NaN (test with `.isna()`, never `is None`);
  trimmed, NFKC; numbers as their plain text, `1001.0` -> `"1001"`;
- DATE: `datetime64[us]` at midnight (NaT when blank or not a date); TIMESTAMP keeps the time;
- DECIMAL and INT: `float64` (NaN when blank or not a number).
A cell that could not be coerced is null in the frame and listed in `SheetData.bad_cells`,
with a `schema-type` finding in `Book.findings`; later rules must not report it again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sheetsync.a1 import column_letter
from sheetsync.contract import Sheet
from sheetsync.findings import Finding


@dataclass(frozen=True, slots=True)
class ColumnRef:
    """Where a contract column sits in the user's sheet."""

    key: str
    header: str  # as the user wrote it
    index: int  # 0-based sheet column index

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class SheetData:
    """One contract sheet as read: typed frame plus the map back to Excel cells."""

    name: str  # the sheet's name in the workbook
    contract: Sheet
    header_row: int  # Excel row number of the header
    columns: dict[str, ColumnRef]  # contract key -> where it was found
    frame: pd.DataFrame
    extra_headers: list[str] = field(default_factory=list)  # unknown columns, kept and ignored
    bad_cells: set[tuple[int, str]] = field(default_factory=set)  # (excel row, key) not coerced
    numeric_text: dict[str, set[int]] = field(default_factory=dict)  # key -> rows typed as numbers
    not_applicable: set[tuple[int, str]] = field(default_factory=set)  # (excel row, key) read `N/A`
    fast_path: bool = False  # read by the typed fastexcel path (io/fast.py), not cell by cell

    def header(self, key: str) -> str:
        """The header as written in the sheet, else the contract header."""
        ref = self.columns.get(key)
        return ref.header if ref else self.contract.column(key).header

    def cell(self, row: int, key: str) -> str | None:
        """A1 address of (Excel row, contract key), or None when the column is absent."""
        ref = self.columns.get(key)
        return f"{ref.letter}{row}" if ref else None

    def has(self, key: str) -> bool:
        return key in self.columns


@dataclass(frozen=True)
class Rate:
    """One row of the Lists sheet's Rates table: 1 `currency` = `rate` base currency, as of a date.

    `rate` is the cell's text as a Decimal string (exact), `row` its Excel row on Lists.
    """

    currency: str
    rate: str
    as_of: dt.date | None
    row: int


@dataclass(frozen=True)
class Settings:
    """The Settings sheet, with the documented defaults (RULES.md §1)."""

    exporter_name: str = ""
    exporter_address: str = ""
    today: dt.date | None = None
    due_soon_days: int = 7
    date_order: str | None = None  # "DMY" | "MDY" | None
    amount_tolerance: float | None = None  # None = one minor unit of the order's currency
    weight_tolerance_pct: float = 1.0
    grace_days: int = 0
    milestones_not_tracked: frozenset[str] = frozenset()  # milestone names left out of rules and KPIs
    exporter_bank: str = ""
    signatory: str = ""
    doc_no_series: str = ""
    base_currency: str = ""
    store_view: str = ""  # set by `sheetsync pull`: the book is a view of the store


@dataclass(frozen=True)
class Tab:
    """A document tab as read: each cell's cached value (A1 -> value) and which cells are formulas."""

    cells: dict[str, str | float | bool | None]
    formulas: frozenset[str]

    def value(self, ref: str | None) -> str | float | bool | None:
        return self.cells.get(ref) if ref else None


@dataclass
class Book:
    """A workbook as the core sees it."""

    path: Path
    sheets: dict[str, SheetData]  # by contract sheet name ("Orders", "Lines", ...)
    settings: Settings = field(default_factory=Settings)
    findings: list[Finding] = field(default_factory=list)  # found while reading
    port_aliases: dict[str, str] = field(default_factory=dict)  # normalised name -> LOCODE
    sheet_names: list[str] = field(default_factory=list)  # every sheet in the workbook
    tabs: dict[str, Tab] = field(default_factory=dict)  # registered document tabs, by name
    rates: list[Rate] = field(default_factory=list)  # the Lists sheet's Rates table

    def get(self, name: str) -> SheetData | None:
        return self.sheets.get(name)

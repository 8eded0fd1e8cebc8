"""The tolerant reader: a workbook file -> `Book` (typed frames + located reader findings).

Bulk reads go through python-calamine (no pandas+openpyxl). The header row is found, not
assumed; headers are matched by alias, case- and space-insensitively; unknown columns are
kept aside; messy cells are coerced when unambiguous and reported when not.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from sheetsync.a1 import column_letter
from sheetsync.book import Book, SheetData
from sheetsync.contract import LISTS_SHEET, TABLE_SHEETS, header_key
from sheetsync.findings import FileError, Finding, finding
from sheetsync.io.ooxml import workbook_xml as wx
from sheetsync.io.read.fast import TypedReader
from sheetsync.io.read.settings import read_port_aliases, read_rates, read_settings
from sheetsync.io.read.table import read_table


def find_sheet(names: list[str], wanted: str, aliases: tuple[str, ...] = ()) -> str | None:
    """The workbook's sheet matching `wanted` (or an alias), ignoring case and spaces."""
    keys = {header_key(n): n for n in names}
    for candidate in (wanted, *aliases):
        if found := keys.get(header_key(candidate)):
            return found
    return None


def uses_1904_dates(path: Path) -> bool:
    """True when the workbook counts serial dates from 1904 (old Mac workbooks)."""
    with zipfile.ZipFile(path) as zf, zf.open("xl/workbook.xml") as fh:
        head = fh.read(64 * 1024)
    return bool(wx.DATE1904.search(head))


def open_workbook(path: Path) -> CalamineWorkbook:
    """Open with calamine, turning its failures into a FileError naming the file."""
    try:
        return CalamineWorkbook.from_path(str(path))
    except (CalamineError, ValueError, OSError) as exc:
        raise FileError("file-corrupt", f"{path}: cannot be read as a workbook ({exc}).") from exc


def sheet_rows(wb: CalamineWorkbook, name: str) -> tuple[list[list[Any]], tuple[int, int]]:
    """All rows of a sheet and the (row, column) 0-based offset of the first one."""
    ws = wb.get_sheet_by_name(name)
    rows: list[list[Any]] = ws.to_python()
    start = ws.start or (0, 0)
    return rows, (int(start[0]), int(start[1]))


def read_book(path: Path | str, fast: bool = True) -> Book:
    """Read every contract sheet of a workbook. Raises FileError for files it cannot read.

    With `fast`, each contract sheet is first tried on the typed fastexcel path (`io.fast`),
    which gives the same SheetData or declines; `fast=False` reads every sheet cell by cell.
    """
    path = Path(path)
    from sheetsync.io.guard.safety import precheck

    precheck(path)
    wb = open_workbook(path)
    typed = TypedReader(path) if fast else None
    try:
        names: list[str] = list(wb.sheet_names)
        date1904 = uses_1904_dates(path)
        findings: list[Finding] = []
        settings = read_settings(wb, names, findings)
        lists = find_sheet(names, LISTS_SHEET)
        port_aliases, rates = {}, []
        if lists:
            list_rows, (list_row0, _) = sheet_rows(wb, lists)
            port_aliases = read_port_aliases(list_rows)
            rates = read_rates(list_rows, list_row0, lists, findings)
        sheets: dict[str, SheetData] = {}
        for contract in TABLE_SHEETS:
            name = find_sheet(names, contract.name, contract.aliases)
            if name is None:
                if contract.required:
                    findings.append(finding("schema-sheet-missing", contract.name, None))
                continue
            data = typed.read(name, contract, settings.date_order, date1904, findings) if typed else None
            if data is None:
                rows, start = sheet_rows(wb, name)
                data = read_table(name, contract, rows, start, settings.date_order, date1904, findings)
            if data is not None:
                sheets[contract.name] = data
    except CalamineError as exc:
        raise FileError("file-corrupt", f"{path}: a sheet cannot be read ({exc}).") from exc
    finally:
        wb.close()
        if typed:
            typed.close()
    return Book(path, sheets, settings, findings, port_aliases, names, rates=rates)


__all__ = ["column_letter", "find_sheet", "read_book"]

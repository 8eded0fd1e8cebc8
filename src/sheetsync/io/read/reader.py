"""The tolerant reader: a workbook file -> `Book` (typed frames + located reader findings).

Bulk reads go through python-calamine (no pandas+openpyxl). Sheets are found by name, allowing
for a year or suffix (`Orders 2024`); every other sheet is listed as skipped, with why. The header
row is found, not assumed; headers are matched by alias or the Lists sheet's Column Map, ignoring
case, spaces and punctuation (contract/headers.py); unknown columns are kept aside; messy cells
are coerced when unambiguous and reported when not.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from sheetsync.a1 import column_letter
from sheetsync.book import Book, Settings, SheetData
from sheetsync.contract import ISSUES_SHEET, LISTS_SHEET, SETTINGS_SHEET, TABLE_SHEETS, Sheet
from sheetsync.contract.doc_layout import BY_TYPE, DocKind
from sheetsync.contract.headers import HeaderMatcher, sheet_fit, sheet_key
from sheetsync.findings import FileError, Finding, finding
from sheetsync.io.ooxml import workbook_xml as wx
from sheetsync.io.read.fast import TypedReader
from sheetsync.io.read.settings import (
    read_column_map,
    read_port_aliases,
    read_rates,
    read_settings,
    settings_from_rows,
    settings_sheet,
)
from sheetsync.io.read.table import read_table
from sheetsync.io.read.tabs import read_tabs

# A sheet name's comparison key, kept: a book with hundreds of document tabs has each name
# compared with every contract sheet and alias.
_sheet_key = lru_cache(maxsize=1 << 14)(sheet_key)


def sheet_candidates(names: list[str], wanted: str, aliases: tuple[str, ...] = ()) -> list[str]:
    """The sheets that fit `wanted` (or an alias), best first: exact, then with a year or suffix."""
    # a name fits a contract name only if it holds its key, or the key less a plural `s`
    stems = [(c, key.removesuffix("s") or key) for c in (wanted, *aliases) if (key := _sheet_key(c))]
    fits = []
    for position, name in enumerate(names):
        have = _sheet_key(name)
        ranks = [r for c, stem in stems if stem in have and (r := sheet_fit(name, c)) is not None]
        if ranks:
            fits.append((min(ranks), position, name))
    return [name for _, _, name in sorted(fits)]


def find_sheet(names: list[str], wanted: str, aliases: tuple[str, ...] = ()) -> str | None:
    """The workbook's sheet matching `wanted` (or an alias), ignoring case, spaces, punctuation, a year."""
    found = sheet_candidates(names, wanted, aliases)
    return found[0] if found else None


def _skipped(names: list[str], used: dict[str, str], also: dict[str, str], tabs: set[str]) -> list[Finding]:
    """A `sheet-skipped` note for every sheet sheetsync did not read, saying why."""
    own = {_sheet_key(n) for n in (SETTINGS_SHEET, LISTS_SHEET, ISSUES_SHEET)}
    read = set(used)
    notes = []
    for name in names:
        if name in read or _sheet_key(name) in own or name.strip().casefold() in tabs:
            continue
        if name in also:
            first = also[name]
            notes.append(finding("sheet-duplicate", name, None, read=first, contract=used[first]))
        else:
            wanted = ", ".join(s.name for s in TABLE_SHEETS)
            why = f"Not a sheet sheetsync reads ({wanted}, Settings, Lists); skipped."
            notes.append(finding("sheet-skipped", name, None, message=why))
    return notes


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

        def read_one(name: str, matcher: HeaderMatcher) -> SheetData | None:
            data = typed.read(name, matcher, settings.date_order, date1904, findings) if typed else None
            if data is None:
                rows, start = sheet_rows(wb, name)
                data = read_table(name, matcher, rows, start, settings.date_order, date1904, findings)
            return data

        book = _assemble(path, names, settings, lambda name: sheet_rows(wb, name), read_one, findings)
        register = book.sheets.get("Documents")
        if register is not None:  # the registered document tabs: cached values and formula cells
            opened = typed.package if typed else None  # the package the fast path opened, if any
            book.tabs = read_tabs(
                opened or path, register.frame["sheet"].dropna().unique(), _layouts(register)
            )
    except CalamineError as exc:
        raise FileError("file-corrupt", f"{path}: a sheet cannot be read ({exc}).") from exc
    finally:
        wb.close()
        if typed:
            typed.close()
    return book


RowsOf = Callable[[str], tuple[list[list[Any]], tuple[int, int]]]
ReadOne = Callable[[str, HeaderMatcher], SheetData | None]


def _assemble(
    path: Path,
    names: list[str],
    settings: Settings,
    rows_of: RowsOf,
    read_one: ReadOne,
    findings: list[Finding],
) -> Book:
    """The Book from a workbook's sheet names: Lists (port aliases, Column Map), each contract
    table found (read by `read_one`), a missing required one and every skipped sheet reported."""
    lists = find_sheet(names, LISTS_SHEET)
    lists_rows, lists_start = rows_of(lists) if lists else ([], (0, 0))
    port_aliases = read_port_aliases(lists_rows)
    column_map = read_column_map(lists_rows, lists_start, lists, findings) if lists else {}
    rates = read_rates(lists_rows, lists_start[0], lists, findings) if lists else []
    sheets: dict[str, SheetData] = {}
    used: dict[str, str] = {}  # workbook sheet -> the contract sheet it was read as
    also: dict[str, str] = {}  # a second fitting sheet -> the one read instead
    for contract in TABLE_SHEETS:
        fitting = [n for n in sheet_candidates(names, contract.name, contract.aliases) if n not in used]
        if not fitting:
            if contract.required:
                findings.append(finding("schema-sheet-missing", contract.name, None))
            continue
        name = fitting[0]
        used[name] = contract.name
        also.update(dict.fromkeys(fitting[1:], name))
        data = read_one(name, HeaderMatcher(contract, column_map.get(contract.name)))
        if data is not None:
            sheets[contract.name] = data
    findings.extend(_skipped(names, used, also, _document_tabs(sheets)))
    return Book(path, sheets, settings, findings, port_aliases, names, rates=rates)


def book_from_rows(path: Path | str, names: list[str], rows_of: RowsOf, date1904: bool = False) -> Book:
    """A Book from each sheet's raw rows, as `rows_of(name)` gives them (rows, 0-based offset).

    The live workbook of the Excel face comes in this way: the same tolerant reading, aliases
    and located findings as `read_book`'s cell-by-cell path, with no file involved. `rows_of`
    is called once per sheet it needs (Settings, Lists and the contract tables found).
    """
    findings: list[Finding] = []
    settings_name = settings_sheet(names)
    settings = (
        settings_from_rows(settings_name, *rows_of(settings_name), findings) if settings_name else Settings()
    )

    def read_one(name: str, matcher: HeaderMatcher) -> SheetData | None:
        rows, start = rows_of(name)
        return read_table(name, matcher, rows, start, settings.date_order, date1904, findings)

    return _assemble(Path(path), names, settings, rows_of, read_one, findings)


def _layouts(register: SheetData) -> dict[str, DocKind]:
    """Each registered tab's document kind, by the register's Type (a tab registered as two
    kinds, or as a type sheetsync does not lay out, is read whole)."""
    frame = register.frame
    if "type" not in frame:
        return {}
    kinds: dict[str, DocKind | None] = {}
    for sheet, kind in zip(frame["sheet"].tolist(), frame["type"].tolist(), strict=True):
        if isinstance(sheet, str):
            found = BY_TYPE.get(kind) if isinstance(kind, str) else None
            kinds[sheet] = found if kinds.get(sheet, found) is found else None
    return {sheet: kind for sheet, kind in kinds.items() if kind is not None}


def _document_tabs(sheets: dict[str, SheetData]) -> set[str]:
    """The document tabs named in the Documents register (sheetsync's own; not skipped)."""
    register = sheets.get("Documents")
    if register is None:
        return set()
    return {str(tab).strip().casefold() for tab in register.frame["sheet"].dropna().tolist()}


__all__ = ["Sheet", "book_from_rows", "column_letter", "find_sheet", "read_book"]

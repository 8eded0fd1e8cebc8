"""The workbook port: the live Excel workbook, read as a `Book` and changed by `Edit`s, in blocks.

Reading: one bulk read of each sheet's used range (values, dates as datetimes), fed to the
reader's rows path (`book_from_rows` -> `read_table`), so the findings are exactly those the
file path gives. Nothing is read cell by cell, and a sheet is read at most once per port.

Writing: each edit is applied in a few block calls, never cell by cell. Marks are the same
marks the file writer makes: the Issues sheet, and one conditional-format rule per block of
cells whose formula is the signature `"sheetsync"="sheetsync"`, so `clear` from the ribbon or
the CLI removes either's. Excel refuses range addresses over 255 characters, so a sheet's
marked cells go in as many rules as their addresses need (the file writer splits big sheets
into blocks too); links on the Issues sheet are HYPERLINK formulas written with the values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import xlwings as xw

from sheetsync.a1 import column_letter
from sheetsync.book import Book, Tab
from sheetsync.contract import DOCUMENTS, LISTS_SHEET, TABLE_SHEETS, header_key
from sheetsync.contract.headers import HeaderMatcher
from sheetsync.edits import (
    AddRegister,
    ClearMarks,
    DocumentSheet,
    Edit,
    FreezeSheet,
    Highlight,
    RegisterDocument,
    RemoveDocuments,
    ReplaceSheet,
)
from sheetsync.excel import doc_tabs
from sheetsync.excel.port_cells import address_chunks, cell_value, hyperlink
from sheetsync.excel_dates import excel_serial
from sheetsync.findings import WRITE_ERRORS, FileError
from sheetsync.io.ooxml.highlights import SIGNATURE
from sheetsync.io.read.reader import book_from_rows, find_sheet
from sheetsync.io.read.settings import settings_sheet
from sheetsync.io.read.table import find_header

RULE = "=" + SIGNATURE  # the conditional format's formula as Excel's object model shows it
MARK_FILL = "#FFD8C4"  # the file writer's highlight (io/ooxml/highlights.py MARK_DXF)
MARK_FONT = "#9C2A00"
# edits.NUMBER_FORMATS as Range.NumberFormat codes (English codes, as the object model takes them;
# "m/d/yyyy" is Excel's built-in 14, shown in the user's own short-date style, as the file writer's)
FORMAT_CODES = {"integer": "0", "decimal": "0.00", "thousands": "#,##0", "amount": "#,##0.00",
                "percent": "0%", "date": "m/d/yyyy", "text": "@"}  # fmt: skip

Rows = list[list[Any]]


class LiveBook:
    """One open workbook, read and changed through xlwings."""

    def __init__(self, book: xw.Book) -> None:
        self.book = book
        self._rows: dict[str, tuple[Rows, tuple[int, int]]] = {}
        self._tabs: dict[str, Tab] = {}

    @property
    def path(self) -> Path:
        """The book's full name as a path (a new, unsaved book has just its name)."""
        return Path(self.book.fullname)

    def names(self) -> list[str]:
        """The tab names, in order."""
        return [s.name for s in self.book.sheets]

    def rows(self, name: str) -> tuple[Rows, tuple[int, int]]:
        """All rows of a sheet's used range and its 0-based (row, column) offset: one read."""
        if name not in self._rows:
            used = self.book.sheets[name].used_range
            values: Rows = used.options(ndim=2, dates=dt.datetime, empty=None).value
            self._rows[name] = (values, (used.row - 1, used.column - 1))
        return self._rows[name]

    def contract_sheets(self) -> list[str]:
        """The sheets the reader reads: Settings, Lists and the contract tables found."""
        names = self.names()
        found = [settings_sheet(names), find_sheet(names, LISTS_SHEET)]
        found += [find_sheet(names, s.name, s.aliases) for s in TABLE_SHEETS]
        return [n for n in found if n is not None]

    def snapshot(self) -> tuple[object, ...]:
        """What the reader would read, as read (one read per sheet): equal snapshots give equal books.

        The document tabs are those whose names the Documents sheet holds (read as the reader
        reads them: values and formulas)."""
        frozen: list[tuple[object, ...]] = []
        for name in self.contract_sheets():
            rows, start = self.rows(name)
            frozen.append((name, start, tuple(map(tuple, rows))))
        for name, tab in self.tabs(self._named_in_register()).items():
            frozen.append((name, tuple(sorted(tab.cells.items())), tab.formulas))
        return tuple(frozen)

    def read(self) -> Book:
        """The book as the core sees it, from the live values (unsaved edits included)."""
        book = book_from_rows(self.path, self.names(), self.rows)
        register = book.get("Documents")
        if register is not None:  # the registered document tabs, as `read_book` reads them
            book.tabs = self.tabs(register.frame["sheet"].dropna().unique())
        return book

    def _named_in_register(self) -> list[str]:
        """The book's tabs whose names appear in the Documents sheet (a superset of those registered)."""
        register = find_sheet(self.names(), DOCUMENTS.name, DOCUMENTS.aliases)
        if register is None:
            return []
        texts = {
            str(v).strip().casefold() for row in self.rows(register)[0] for v in row if isinstance(v, str)
        }
        return [n for n in self.names() if n.casefold() in texts and n != register]

    def tabs(self, names: Iterable[object]) -> dict[str, Tab]:
        """The document tabs of `names` the book has (compared as Excel does), by the name asked for:
        each one's values read once and its formulas read once."""
        present = {n.casefold(): n for n in self.names()}
        found: dict[str, Tab] = {}
        for asked in names:
            name = present.get(str(asked).strip().casefold())
            if name is not None and str(asked).strip():
                found[str(asked)] = self._tab(name)
        return found

    def _tab(self, name: str) -> Tab:
        if name not in self._tabs:
            rows, (row0, col0) = self.rows(name)
            read = self.book.sheets[name].used_range.formula
            formulas = read if isinstance(read, tuple | list) else ((read,),)
            cells: dict[str, str | float | bool | None] = {}
            with_formula = set()
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    ref = f"{column_letter(col0 + j)}{row0 + i + 1}"
                    text = formulas[i][j] if i < len(formulas) and j < len(formulas[i]) else None
                    if isinstance(text, str) and text.startswith("="):
                        with_formula.add(ref)
                    if value is not None or ref in with_formula:
                        cells[ref] = _tab_value(value)
            self._tabs[name] = Tab(cells, frozenset(with_formula))
        return self._tabs[name]

    def forget(self) -> None:
        """Drop the rows read so far (after the book changed)."""
        self._rows.clear()
        self._tabs.clear()

    # -- applying edits -------------------------------------------------------------------------

    def apply(self, edits: Sequence[Edit]) -> None:
        """Apply edits in order (a batch's register rows together, where the first stands); the
        rows read before are forgotten."""
        registered = [e for e in edits if isinstance(e, RegisterDocument)]
        for edit in edits:
            if isinstance(edit, ClearMarks):
                self.clear_marks(edit)
            elif isinstance(edit, ReplaceSheet):
                self.replace_sheet(edit)
            elif isinstance(edit, Highlight):
                self.highlight(edit)
            elif isinstance(edit, RegisterDocument) and edit is registered[0]:
                self.register(registered)
            elif isinstance(edit, DocumentSheet):
                doc_tabs.add_document(self.book, edit)
            elif isinstance(edit, AddRegister):
                doc_tabs.add_register(self.book, edit)
                self.forget()
            elif isinstance(edit, FreezeSheet):
                doc_tabs.freeze(self.book, edit, *self._tab_rows(edit.name))
            elif isinstance(edit, RemoveDocuments):
                self.remove_documents(edit)
        self.forget()

    def _tab_rows(self, name: str) -> tuple[Rows, tuple[int, int]]:
        found = doc_tabs.find_sheet(self.book, name)
        if found is None:
            raise FileError("file-no-register", f"The book has no tab {name!r} to freeze.")
        return self.rows(found.name)

    def _sheet(self, name: str) -> xw.Sheet | None:
        wanted = name.casefold()
        return next((s for s in self.book.sheets if s.name.casefold() == wanted), None)

    def _check_owned(self, sheet: xw.Sheet, headers: tuple[str, ...]) -> None:
        """Refuse to touch a user's own sheet that merely has an owned sheet's name."""
        first = sheet.range((1, 1), (1, len(headers))).options(ndim=1).value
        if tuple(str(v or "").strip() for v in first) != headers:
            raise FileError(
                "file-sheet-taken",
                f"The book has its own sheet named {sheet.name!r}; rename it so sheetsync can write its own.",
            )

    def clear_marks(self, edit: ClearMarks) -> None:
        """Remove sheetsync's highlight rules from every sheet and the sheets it owns."""
        for sheet in self.book.sheets:
            if sheet.name in edit.owned:
                continue
            rules = [r for r in sheet.cells.conditional_formats if _is_mark(r)]
            for rule in rules:
                rule.delete()
        for name, headers in edit.owned.items():
            found = self._sheet(name)
            if found is not None:
                self._check_owned(found, headers)
                found.delete()

    def replace_sheet(self, edit: ReplaceSheet) -> None:
        """Write an owned sheet: values, formulas and links in one block, then its formats."""
        headers = tuple(c.header for c in edit.columns)
        existing = self._sheet(edit.name)
        if existing is not None:
            self._check_owned(existing, headers)
            existing.delete()
        active = self.book.sheets.active
        sheets = list(self.book.sheets)
        sheet = self.book.sheets.add(edit.name, after=sheets[-1])
        block: list[list[Any]] = [[cell_value(h) for h in headers]]
        for i, row in enumerate(edit.rows):
            block.append(
                [
                    hyperlink(edit.links[(i, j)], v) if (i, j) in edit.links else cell_value(v)
                    for j, v in enumerate(row)
                ]
            )
        width = len(headers)
        last = column_letter(width - 1)
        sheet.range(f"A1:{last}{len(block)}").value = block
        sheet.range(f"A1:{last}1").font.bold = True
        for j, column in enumerate(edit.columns):
            letter = column_letter(j)
            sheet.range(f"{letter}:{letter}").column_width = column.width
            if column.number_format and len(block) > 1:
                sheet.range(f"{letter}2:{letter}{len(block)}").number_format = FORMAT_CODES[
                    column.number_format
                ]
        if edit.freeze_header:
            sheet.freeze_panes.freeze_at("A2")
        active.activate()

    def highlight(self, edit: Highlight) -> None:
        """Mark cells with sheetsync's conditional-format rule, one rule per address chunk."""
        sheet = self._sheet(edit.sheet)
        if sheet is None or not edit.cells:
            return
        for address in address_chunks(edit.cells):
            sheet.range(address).conditional_formats.add_custom(
                RULE, fill_color=MARK_FILL, font_color=MARK_FONT
            )

    def _register(self) -> tuple[str, Rows, tuple[int, int], int, dict[str, int]]:
        """The Documents sheet: name, rows, offset, header row index, contract key -> column index."""
        contract = DOCUMENTS
        name = find_sheet(self.names(), contract.name, contract.aliases)
        if name is None:
            raise _no_register("Add a Documents sheet (as `sheetsync new` lays it out).")
        rows, start = self.rows(name)
        h = find_header(rows, HeaderMatcher(contract))
        keys = {header_key(c.header): c.key for c in contract.columns}
        where = {} if h is None else {
            keys[header_key(str(v))]: j
            for j, v in enumerate(rows[h])
            if isinstance(v, str) and header_key(v) in keys
        }  # fmt: skip
        if h is None or "doc_no" not in where:
            raise _no_register("Its header row has no Doc No column.")
        return name, rows, start, h, where

    def register(self, edits: Sequence[RegisterDocument]) -> None:
        """Record documents in the Documents register: each one's row updated (the row of `match`
        when it renumbers), else one added below the last; one read, one write per run of rows."""
        name, read, (row0, col0), h, where = self._register()
        rows = [list(r) for r in read]
        doc = where["doc_no"]
        at = {_doc_key(r[doc]): i for i, r in enumerate(rows[h + 1 :], h + 1) if _doc_key(r[doc])}
        last = max((i for i, r in enumerate(rows) if any(v not in (None, "") for v in r)), default=h)
        changed: set[int] = set()
        for edit in edits:
            target = at.get(_doc_key(edit.match or edit.values["doc_no"]))
            if target is None:
                last = target = max(last, h) + 1
                rows += [[None] * len(rows[h]) for _ in range(target + 1 - len(rows))]
            for key, value in edit.values.items():
                if key in where:
                    rows[target][where[key]] = value
            at[_doc_key(rows[target][doc])] = target
            changed.add(target)
        sheet = self.book.sheets[name]
        for first, stop in _runs(sorted(changed)):
            block = [[cell_value(v) if isinstance(v, str) else v for v in r] for r in rows[first:stop]]
            sheet.range((row0 + first + 1, col0 + 1)).value = block
        self.forget()

    def remove_documents(self, edit: RemoveDocuments) -> None:
        """Delete the tabs (each proven sheetsync's by its title) and their register rows: the rows
        kept move up in one write, the freed rows at the end are cleared."""
        for tab, title in edit.tabs.items():
            found = doc_tabs.find_sheet(self.book, tab)
            if found is not None:
                doc_tabs.check_title(found, title)
        if edit.doc_nos:
            name, rows, (row0, col0), h, where = self._register()
            gone = {_doc_key(d) for d in edit.doc_nos}
            body = rows[h + 1 :]
            kept = [r for r in body if _doc_key(r[where["doc_no"]]) not in gone]
            if len(kept) < len(body):
                sheet = self.book.sheets[name]
                first = row0 + h + 2
                if kept:
                    block = [[cell_value(v) if isinstance(v, str) else v for v in r] for r in kept]
                    sheet.range((first, col0 + 1)).value = block
                width = len(rows[h])
                sheet.range(
                    (first + len(kept), col0 + 1), (first + len(body) - 1, col0 + width)
                ).clear_contents()
        for tab in edit.tabs:
            found = doc_tabs.find_sheet(self.book, tab)
            if found is not None:
                found.delete()
        self.forget()


def _tab_value(value: Any) -> str | float | bool | None:
    """A tab cell as the file reader gives it: dates as serial numbers, numbers as floats."""
    if isinstance(value, dt.datetime):
        return float(excel_serial(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value  # type: ignore[no-any-return]


def _doc_key(value: object) -> str:
    return str(value or "").strip().casefold()


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """[3, 4, 5, 9] -> [(3, 6), (9, 10)]: consecutive indices as (first, stop) runs."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


def _no_register(detail: str) -> FileError:
    """The file writer's error for a book without a usable Documents register."""
    return FileError("file-no-register", f"{WRITE_ERRORS['file-no-register']} {detail}")


def _is_mark(rule: Any) -> bool:
    """True for sheetsync's rule, however Excel wrote the quotes."""
    formula = rule.formula  # None for the rule types that have no formula
    return isinstance(formula, str) and formula.replace(" ", "") == RULE

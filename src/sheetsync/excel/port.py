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
from sheetsync.book import Book
from sheetsync.contract import DOCUMENTS, LISTS_SHEET, TABLE_SHEETS, header_key
from sheetsync.contract.headers import HeaderMatcher
from sheetsync.edits import ClearMarks, Edit, Formula, Highlight, RegisterDocument, ReplaceSheet, Value
from sheetsync.findings import WRITE_ERRORS, FileError
from sheetsync.io.ooxml.highlights import SIGNATURE, areas
from sheetsync.io.read.reader import book_from_rows, find_sheet
from sheetsync.io.read.settings import settings_sheet
from sheetsync.io.read.table import find_header

MAX_ADDRESS = 255  # characters Excel accepts in a Range address
RULE = "=" + SIGNATURE  # the conditional format's formula as Excel's object model shows it
MARK_FILL = "#FFD8C4"  # the file writer's highlight (io/ooxml/highlights.py MARK_DXF)
MARK_FONT = "#9C2A00"
# edits.NUMBER_FORMATS as Range.NumberFormat codes (English codes, as the object model takes them;
# "m/d/yyyy" is Excel's built-in 14, shown in the user's own short-date style, as the file writer's)
FORMAT_CODES = {"integer": "0", "decimal": "0.00", "thousands": "#,##0", "amount": "#,##0.00",
                "percent": "0%", "date": "m/d/yyyy", "text": "@"}  # fmt: skip

Rows = list[list[Any]]


def address_chunks(cells: Iterable[str], limit: int = MAX_ADDRESS) -> list[str]:
    """Comma-joined range addresses of at most `limit` characters covering `cells` (compact areas)."""
    chunks: list[str] = []
    current = ""
    for area in areas(tuple(cells)):
        candidate = f"{current},{area}" if current else area
        if len(candidate) > limit and current:
            chunks.append(current)
            candidate = area
        current = candidate
    if current:
        chunks.append(current)
    return chunks


def cell_value(value: Value) -> Any:
    """A value as written into Excel: text always stays text (an apostrophe keeps `=cmd` and
    `1001` from being read as a formula or a number); a `Formula` is written as its expression."""
    if isinstance(value, Formula):
        return value.expression
    if isinstance(value, str):
        return "'" + value if value else None
    return value


def hyperlink(target: str, shown: Value) -> str:
    """A HYPERLINK formula to an in-book location such as `'Orders'!B12`."""
    text = "" if shown is None else str(shown.expression if isinstance(shown, Formula) else shown)
    quote = '"'
    return f'=HYPERLINK("#{target.replace(quote, quote * 2)}","{text.replace(quote, quote * 2)}")'


class LiveBook:
    """One open workbook, read and changed through xlwings."""

    def __init__(self, book: xw.Book) -> None:
        self.book = book
        self._rows: dict[str, tuple[Rows, tuple[int, int]]] = {}

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
        """What the reader would read, as read (one read per sheet): equal snapshots give equal books."""
        frozen = []
        for name in self.contract_sheets():
            rows, start = self.rows(name)
            frozen.append((name, start, tuple(map(tuple, rows))))
        return tuple(frozen)

    def read(self) -> Book:
        """The book as the core sees it, from the live values (unsaved edits included)."""
        return book_from_rows(self.path, self.names(), self.rows)

    def forget(self) -> None:
        """Drop the rows read so far (after the book changed)."""
        self._rows.clear()

    # -- applying edits -------------------------------------------------------------------------

    def apply(self, edits: Sequence[Edit]) -> None:
        """Apply edits in order; the rows read before are forgotten."""
        for edit in edits:
            if isinstance(edit, ClearMarks):
                self.clear_marks(edit)
            elif isinstance(edit, ReplaceSheet):
                self.replace_sheet(edit)
            elif isinstance(edit, Highlight):
                self.highlight(edit)
            elif isinstance(edit, RegisterDocument):
                self.register(edit)
        self.forget()

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

    def register(self, edit: RegisterDocument) -> None:
        """Record a document in the Documents register: its row updated, else one added below."""
        contract = DOCUMENTS
        name = find_sheet(self.names(), contract.name, contract.aliases)
        if name is None:
            raise _no_register("Add a Documents sheet (as `sheetsync new` lays it out).")
        rows, (row0, col0) = self.rows(name)
        h = find_header(rows, HeaderMatcher(contract))
        if h is None:
            raise _no_register("Its header row has no Doc No column.")
        keys = {header_key(c.header): c.key for c in contract.columns}
        where = {
            keys[header_key(str(v))]: j
            for j, v in enumerate(rows[h])
            if isinstance(v, str) and header_key(v) in keys
        }
        doc_col = where.get("doc_no")
        if doc_col is None:
            raise _no_register("Its header row has no Doc No column.")
        wanted = str(edit.values["doc_no"]).strip().casefold()
        target = next(
            (
                i
                for i, r in enumerate(rows[h + 1 :], h + 1)
                if str(r[doc_col] or "").strip().casefold() == wanted
            ),
            None,
        )
        if target is None:
            filled = [i for i, r in enumerate(rows) if any(v not in (None, "") for v in r)]
            target = max(filled) + 1
        line = list(rows[target]) if target < len(rows) else [None] * len(rows[h])
        for key, value in edit.values.items():
            if key in where:
                line[where[key]] = cell_value(value) if isinstance(value, str) else value
        first = f"{column_letter(col0)}{row0 + target + 1}"
        self.book.sheets[name].range(first).value = [line]
        self.forget()


def _no_register(detail: str) -> FileError:
    """The file writer's error for a book without a usable Documents register."""
    return FileError("file-no-register", f"{WRITE_ERRORS['file-no-register']} {detail}")


def _is_mark(rule: Any) -> bool:
    """True for sheetsync's rule, however Excel wrote the quotes."""
    formula = rule.formula  # None for the rule types that have no formula
    return isinstance(formula, str) and formula.replace(" ", "") == RULE

"""The mark and clear actions: findings -> the Issues sheet and highlights, and back.

Both return edits (`sheetsync.edits`); a face applies them (files: `io.apply_edits.write_edits`).
`mark` always starts by clearing, so marking twice replaces and never stacks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sheetsync.contract import ISSUES_SHEET
from sheetsync.edits import ClearMarks, Edit, Highlight, OwnedColumn, ReplaceSheet
from sheetsync.findings import Finding
from sheetsync.io.apply_edits import write_edits
from sheetsync.io.package import Package
from sheetsync.io.safe_write import snapshot

ISSUES_COLUMNS = (
    OwnedColumn("Severity", 10),
    OwnedColumn("Code", 28),
    OwnedColumn("Sheet", 14),
    OwnedColumn("Cell", 9),
    OwnedColumn("Order No", 14),
    OwnedColumn("Column", 22),
    OwnedColumn("Message", 60),
    OwnedColumn("Value", 30),
)
ISSUES_HEADERS = tuple(c.header for c in ISSUES_COLUMNS)
CELL_COLUMN = ISSUES_HEADERS.index("Cell")
_A1 = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}")


def location(sheet: str, cell: str) -> str:
    """An in-book hyperlink target: `'Sheet'!B12` (quotes doubled inside the name)."""
    return "'" + sheet.replace("'", "''") + "'!" + cell


def sheet_names(book_path: Path) -> list[str]:
    """The book's tab names, read from workbook.xml only."""
    package = Package(book_path)
    try:
        return [s.name for s in package.sheets()]
    finally:
        package.close()


def _tab(names: Sequence[str], sheet: str) -> str | None:
    """The tab a finding's sheet names, compared as Excel does (case-insensitively)."""
    return next((n for n in names if n.casefold() == sheet.casefold() != ISSUES_SHEET.casefold()), None)


def issues_sheet(findings: Iterable[Finding], names: Sequence[str]) -> ReplaceSheet:
    """One row per finding, by severity, then sheet and row; Cell links to the cell."""
    rows: list[tuple[str | float | None, ...]] = []
    links: dict[tuple[int, int], str] = {}
    for n, f in enumerate(sorted(findings, key=Finding.sort_key)):
        tab = _tab(names, f.sheet)
        cell = f.cell if f.cell and _A1.fullmatch(f.cell) else None
        shown = cell or (f"row {f.row}" if f.row else None)
        if tab and (cell or f.row):
            links[(n, CELL_COLUMN)] = location(tab, cell or f"A{f.row}")
        rows.append((f.severity.value, f.code, f.sheet, shown, f.order, f.column, f.message, f.value))
    return ReplaceSheet(ISSUES_SHEET, ISSUES_COLUMNS, tuple(rows), links)


def highlights(findings: Iterable[Finding], names: Sequence[str]) -> list[Highlight]:
    """One highlight per user sheet, marking every cell a finding points at."""
    cells: dict[str, set[str]] = {}
    for f in findings:
        tab = _tab(names, f.sheet)
        if tab and f.cell and _A1.fullmatch(f.cell):
            cells.setdefault(tab, set()).add(f.cell)
    return [Highlight(tab, tuple(sorted(cells[tab]))) for tab in names if tab in cells]


def clear(book_path: Path) -> list[Edit]:
    """Remove everything mark added: highlights, the Issues sheet and sheetsync's styles."""
    return [ClearMarks(owned={ISSUES_SHEET: ISSUES_HEADERS})]


def mark(book_path: Path, findings: Sequence[Finding]) -> list[Edit]:
    """Write findings back: clear the previous marks, then the Issues sheet and highlights."""
    names = sheet_names(book_path)
    return [*clear(book_path), issues_sheet(findings, names), *highlights(findings, names)]


@dataclass(frozen=True, slots=True)
class Marked:
    """What `mark_file` wrote: findings listed, cells highlighted on how many sheets, the backup."""

    findings: int
    cells: int
    sheets: int
    backup: Path | None


def mark_file(
    book: Path, today: dt.date | None = None, out: Path | None = None, backup: bool = True
) -> Marked:
    """Check `book` and write its findings into it (or into `out`); raises `FileError`.

    The entry point of `sheetsync mark` and of the benchmark. The book is snapshotted before it
    is read, so a save by someone else in between is refused rather than overwritten.
    """
    from sheetsync.check import check_path  # the rules load only when a book is really checked

    read_as = snapshot(book) if book.is_file() else None
    report = check_path(book, today)
    if report.error:
        raise report.error
    edits = mark(book, report.findings)
    kept = write_edits(book, edits, out, read_as, backup)
    marks = [e for e in edits if isinstance(e, Highlight)]
    return Marked(len(report.findings), sum(len(e.cells) for e in marks), len(marks), kept)

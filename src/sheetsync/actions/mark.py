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

from sheetsync.contract import ISSUES_SHEET, SETTINGS_SHEET, TABLE_SHEETS
from sheetsync.edits import ClearMarks, Edit, Highlight, OwnedColumn, ReplaceSheet
from sheetsync.excel_limits import MAX_HYPERLINKS, MAX_ROWS, rows_listed
from sheetsync.findings import Finding, Severity, sort_keys
from sheetsync.io.ooxml.apply_edits import write_edits
from sheetsync.io.ooxml.package import Package
from sheetsync.io.ooxml.safe_write import snapshot

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
CONTRACT_SHEETS = {s.name.casefold() for s in TABLE_SHEETS} | {SETTINGS_SHEET.casefold()}
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


class _Tabs:
    """The tab a finding's sheet names, compared as Excel does (case-insensitively), once per name."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = names
        self.known: dict[str, str | None] = {}

    def __call__(self, sheet: str) -> str | None:
        if sheet not in self.known:
            wanted = sheet.casefold()
            self.known[sheet] = next(
                (n for n in self.names if n.casefold() == wanted != ISSUES_SHEET.casefold()), None
            )
        return self.known[sheet]


def _ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Findings by severity, then sheet, row, cell and code (`Finding.sort_key`)."""
    found = list(findings)
    keys = sort_keys(found)
    return [found[i] for i in sorted(range(len(found)), key=keys.__getitem__)]


def marks(findings: Iterable[Finding], names: Sequence[str]) -> tuple[ReplaceSheet, list[Highlight]]:
    """The Issues sheet and the highlights for `findings` on a book with tabs `names`.

    Issues: one row per finding, by severity, then sheet and row; Cell links to the cell — the
    first 65,530 of them, Excel's limit of links per sheet (errors come first). Past Excel's
    1,048,576 rows a last row says how many findings were left out. Highlights: one per user
    sheet, marking every cell a finding points at (all of them).
    """
    tab_of = _Tabs(names)
    ordered = _ordered(findings)
    room = rows_listed(len(ordered))
    rows: list[tuple[str | float | None, ...]] = []
    links: dict[tuple[int, int], str] = {}
    cells: dict[str, dict[str, None]] = {}  # tab -> its marked cells, in order, once each
    severity = {s: s.value for s in Severity}  # plain text, not the enum
    for n, f in enumerate(ordered):
        tab = tab_of(f.sheet)
        cell = f.cell if f.cell and _A1.fullmatch(f.cell) else None
        if tab and cell:
            cells.setdefault(tab, {})[cell] = None
        if n >= room:
            continue
        if tab and (cell or f.row) and len(links) < MAX_HYPERLINKS:
            links[(n, CELL_COLUMN)] = location(tab, cell or f"A{f.row}")
        shown = cell or (f"row {f.row}" if f.row else None)
        rows.append((severity[f.severity], f.code, f.sheet, shown, f.order, f.column, f.message, f.value))
    if len(ordered) > room:
        note = (
            f"{len(ordered) - room:,} more findings are not listed: an Excel sheet holds {MAX_ROWS:,} rows."
        )
        rows.append(
            ("info", None, None, None, None, None, f"{note} `sheetsync check --format json` lists all.", None)
        )
    issues = ReplaceSheet(ISSUES_SHEET, ISSUES_COLUMNS, tuple(rows), links)
    return issues, [Highlight(tab, tuple(cells[tab])) for tab in names if tab in cells]


def clear(book_path: Path) -> list[Edit]:
    """Remove everything mark added: highlights, the Issues sheet and sheetsync's styles."""
    return [ClearMarks(owned={ISSUES_SHEET: ISSUES_HEADERS})]


def mark(book_path: Path, findings: Sequence[Finding], names: Sequence[str] | None = None) -> list[Edit]:
    """Write findings back: clear the previous marks, then the Issues sheet and highlights.

    `names` are the book's tabs when the caller has them (the live workbook); else they are
    read from the file.
    """
    issues, marked = marks(findings, sheet_names(book_path) if names is None else names)
    return [*clear(book_path), issues, *marked]


@dataclass(frozen=True, slots=True)
class Marked:
    """What `mark_file` wrote: findings (listed, linked), cells highlighted on how many sheets, the backup."""

    findings: int
    listed: int
    linked: int
    cells: int
    sheets: int
    backup: Path | None
    nothing: str | None = None  # why nothing was written (a book with none of the contract's sheets)


def mark_file(
    book: Path, today: dt.date | None = None, out: Path | None = None, backup: bool = True
) -> Marked:
    """Check `book` and write its findings into it (or into `out`); raises `FileError`.

    The entry point of `sheetsync mark` and of the benchmark. The book is snapshotted before it
    is read, so a save by someone else in between is refused rather than overwritten.
    """
    from sheetsync.actions.check import check_path  # the rules load only when a book is really checked

    read_as = snapshot(book) if book.is_file() else None
    report = check_path(book, today)
    if report.error:
        raise report.error
    names = sheet_names(book)
    if not any(name.casefold() in CONTRACT_SHEETS for name in names):
        wanted = ", ".join(s.name for s in TABLE_SHEETS) + f" or {SETTINGS_SHEET}"
        why = f"{book.name} has none of the order book's sheets ({wanted}); the book was not changed."
        return Marked(len(report.findings), 0, 0, 0, 0, None, nothing=why)
    found = len(report.findings)
    edits = mark(book, report.findings, names)
    del report  # the edits hold what is written; a million Finding objects need not outlive them
    kept = write_edits(book, edits, out, read_as, backup)
    issues = next(e for e in edits if isinstance(e, ReplaceSheet))
    highlighted = [e for e in edits if isinstance(e, Highlight)]
    return Marked(
        findings=found,
        listed=rows_listed(found),
        linked=len(issues.links),
        cells=sum(len(e.cells) for e in highlighted),
        sheets=len(highlighted),
        backup=kept,
    )


def clear_file(book: Path, out: Path | None = None, backup: bool = True) -> Path | None:
    """Take everything mark added out of `book` (or write the result to `out`); the backup kept.

    The entry point of `sheetsync clear`; raises `FileError`.
    """
    return write_edits(book, clear(book), out, backup=backup)

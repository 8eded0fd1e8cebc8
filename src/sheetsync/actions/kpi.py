"""The kpi action: the coordinator's KPIs over one or many order books.

`kpis` computes them on books already read (the ribbon's live book, or the CLI's files);
`read_kpi_books` reads the files for it, each in its own child (`actions.runner`), so a book
that crashes the reader costs that book, not the folder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sheetsync.actions.runner import run_isolated
from sheetsync.book import Book
from sheetsync.reporting.kpi import GroupBy, KpiReport, compute_kpis

NEEDED = ("Orders", "Lines")


def kpis(books: Sequence[Book], today: dt.date | None = None, by: GroupBy | None = None) -> KpiReport:
    """On-time delivery, OTIF, cycle times, fill rate and document accuracy over `books`."""
    return compute_kpis(books, today, by)


def not_an_order_book(book: Book) -> str | None:
    """Why the KPIs cannot use `book` (which of Orders and Lines it lacks), or None."""
    missing = [name for name in NEEDED if book.get(name) is None]
    if not missing:
        return None
    sheets = ", ".join(book.sheet_names) or "none"
    return f"not an order book: no {' and no '.join(missing)} sheet (its sheets: {sheets})"


def read_kpi_book(path: Path) -> Book | str:
    """Run in a child: the book as the KPIs need it, or why it is left out."""
    from sheetsync.actions.book import read_order_book

    book = read_order_book(path)
    why = not_an_order_book(book)
    if why:
        return why
    book.tabs.clear()  # the document tabs' cells: not used by the KPIs, and costly to send back
    return book


@dataclass
class KpiBooks:
    """The books read for the KPIs, and the files left out with why."""

    books: list[Book] = field(default_factory=list)
    left_out: dict[Path, str] = field(default_factory=dict)


def read_kpi_books(paths: Sequence[Path], jobs: int = 1) -> KpiBooks:
    """Read every file in a child; order books kept, the others with why (`code: message`)."""
    found = KpiBooks()
    for outcome in run_isolated(paths, read_kpi_book, jobs=jobs):
        if outcome.error is not None:
            found.left_out[outcome.path] = f"{outcome.error.code}: {outcome.error.message}"
        elif isinstance(outcome.result, str):
            found.left_out[outcome.path] = outcome.result
        elif outcome.result is not None:
            found.books.append(outcome.result)
    return found


__all__ = ["KpiBooks", "kpis", "not_an_order_book", "read_kpi_book", "read_kpi_books"]

"""The generate action: linked document tabs for orders, registered in Documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sheetsync.book import Book
from sheetsync.documents.plan import Plan, PlanError, key, plan
from sheetsync.documents.source import RowsOf, load
from sheetsync.findings import FileError
from sheetsync.io.ooxml.apply_edits import write_edits
from sheetsync.io.ooxml.safe_write import snapshot
from sheetsync.io.read.reader import read_book, uses_1904_dates

SHIPPED = ("Shipped", "Closed")

__all__ = [
    "Generated",
    "PlanError",
    "generate_file",
    "generate_plan",
    "orders_in",
    "shipped_without_documents",
]


@dataclass(frozen=True, slots=True)
class Generated:
    plan: Plan
    written: Path
    backup: Path | None


def generate_file(
    book_path: Path,
    order_nos: Sequence[str] = (),
    slugs: Sequence[str] = (),
    shipment_no: str | None = None,
    out: Path | None = None,
    today: dt.date | None = None,
    backup: bool = True,
    all_shipped: bool = False,
    now: dt.datetime | None = None,
    dated: Mapping[str, dt.datetime] | None = None,
) -> Generated:
    """Generate and register the documents; raises FileError (the book) or PlanError (the request)."""
    if not book_path.is_file():
        raise FileError("file-not-found", f"{book_path}: no such file.")
    read_as = snapshot(book_path)
    book = read_book(book_path)
    made = generate_plan(book, order_nos, slugs, shipment_no, today, all_shipped, now, dated)
    kept = write_edits(book_path, made.edits, out, read_as, backup) if made.documents else None
    return Generated(made, out or book_path, kept)


def generate_plan(
    book: Book,
    order_nos: Sequence[str] = (),
    slugs: Sequence[str] = (),
    shipment_no: str | None = None,
    today: dt.date | None = None,
    all_shipped: bool = False,
    now: dt.datetime | None = None,
    dated: Mapping[str, dt.datetime] | None = None,
    rows_of: RowsOf | None = None,
) -> Plan:
    """The edits that generate and register the documents of a book read by either face.

    `rows_of` gives the sheets' cells as stored when the book is not a file (the live workbook).
    """
    if book.get("Orders") is None or book.get("Lines") is None:
        raise PlanError("The book needs its Orders and Lines sheets to generate documents.")
    wanted = list(order_nos) + (shipped_without_documents(book) if all_shipped else [])
    if not wanted:
        raise PlanError("No order to document: name one with --order (or every shipped one is documented).")
    now = now or dt.datetime.now().replace(microsecond=0)
    date = today or book.settings.today or now.date()  # printed on the documents
    date1904 = uses_1904_dates(book.path) if rows_of is not None and book.path.is_file() else None
    src = load(book, rows_of, date1904)
    return plan(src, wanted, slugs, shipment_no, None if dated else date, now, all_shipped, dated)


def orders_in(book: Book, sheet: str | None, rows: Sequence[int]) -> list[str]:
    """The Order Nos on `rows` (Excel rows) of `sheet`, when it is Orders, Lines, Shipments or
    Documents (compared as Excel compares tab names); first seen first, each once."""
    if sheet is None:
        return []
    found = next(
        (d for name in ("Orders", "Lines", "Shipments", "Documents")
         if (d := book.get(name)) is not None and d.name.casefold() == sheet.casefold()),
        None,
    )  # fmt: skip
    if found is None or "order_no" not in found.frame:
        return []
    column = found.frame["order_no"]
    picked = column.loc[column.index.intersection(list(rows))].dropna()
    return list(dict.fromkeys(str(v).strip() for v in picked if str(v).strip()))


def shipped_without_documents(book: object) -> list[str]:
    """Order Nos of Shipped or Closed orders that have no registered Commercial Invoice."""
    from sheetsync.book import Book

    assert isinstance(book, Book)
    orders = book.sheets["Orders"].frame
    register = book.get("Documents")
    documented = set()
    if register is not None:
        invoices = register.frame[register.frame["type"] == "Commercial Invoice"]
        documented = {key(v) for v in invoices["order_no"]}
    shipped = orders[orders["status"].isin(SHIPPED)]
    return list(dict.fromkeys(str(o) for o in shipped["order_no"].dropna() if key(o) not in documented))

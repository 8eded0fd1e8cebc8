"""The status action: a separate workbook per buyer, fit to send outside the company."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import xlsxwriter

from sheetsync.book import Book
from sheetsync.documents.pdf import convert_pdf
from sheetsync.documents.status import HEADERS, StatusRow, buyers, status_rows
from sheetsync.io.read.reader import read_book
from sheetsync.rules.judge import judge_date

WIDTHS = (14, 12, 18, 18, 12, 18, 12, 48, 12, 12, 22, 16, 26, 30)


@dataclass(frozen=True)
class StatusFile:
    buyer: str
    path: Path
    orders: int
    pdf: Path | None = None


def file_name(buyer: str) -> str:
    return "Status " + (re.sub(r'[\\/:*?"<>|]+', "-", buyer).strip(" .") or "buyer") + ".xlsx"


def write_status(path: Path, buyer: str, exporter: str, today: dt.date, rows: list[StatusRow]) -> None:
    """The status workbook: a title, one row per order, values only (no formulas, no links)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(handle)
    workbook = xlsxwriter.Workbook(temp, {"remove_timezone": True})
    workbook.set_properties({"title": f"Order status for {buyer}", "author": exporter, "company": exporter})
    ws = workbook.add_worksheet("Status")
    title = workbook.add_format({"bold": True, "font_size": 14})
    head = workbook.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True})
    cell = workbook.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    date = workbook.add_format({"border": 1, "num_format": "dd mmm yyyy", "valign": "top"})
    ws.write(0, 0, f"Order status for {buyer}", title)
    ws.write(1, 0, f"{exporter + ', ' if exporter else ''}as of {today:%d %B %Y}")
    for j, (header, width) in enumerate(zip(HEADERS, WIDTHS, strict=True)):
        ws.write(3, j, header, head)
        ws.set_column(j, j, width)
    for i, row in enumerate(rows, start=4):
        for j, value in enumerate(row.values):
            if isinstance(value, dt.date):
                ws.write_datetime(i, j, dt.datetime.combine(value, dt.time()), date)
            else:
                ws.write_string(i, j, value or "", cell)
    ws.freeze_panes(4, 1)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(3)
    workbook.close()
    Path(temp).replace(path)


def status_files(
    book_path: Path, buyer: str | None, out: Path, today: dt.date | None = None, pdf_dir: Path | None = None
) -> list[StatusFile]:
    """One workbook for `buyer` at `out`, or (buyer None) one per buyer with open orders in folder `out`."""
    book = read_book(book_path)
    names = [buyer] if buyer is not None else buyers(book)
    made = []
    for name in names:
        made.append(status_book(book, name, out if buyer is not None else out / file_name(name), today))
        if pdf_dir:
            made[-1] = replace(made[-1], pdf=convert_pdf(made[-1].path, pdf_dir))
    return made


def status_book(book: Book, buyer: str, path: Path, today: dt.date | None = None) -> StatusFile:
    """`buyer`'s status workbook at `path`, from a book read by either face."""
    judged = judge_date(book, today)
    rows = status_rows(book, buyer, judged)
    write_status(path, buyer, book.settings.exporter_name, judged, rows)
    return StatusFile(buyer, path, len(rows))


def buyers_of(book: Book, order_nos: list[str]) -> list[str]:
    """The buyers of these orders (Order Nos compared trimmed, ignoring case), first seen first."""
    orders = book.sheets["Orders"].frame if book.get("Orders") is not None else None
    if orders is None or not order_nos:
        return []
    wanted = {o.strip().casefold() for o in order_nos}
    mine = orders[orders["order_no"].map(lambda o: str(o).strip().casefold() in wanted)]
    return list(dict.fromkeys(str(b).strip() for b in mine["buyer"].dropna() if str(b).strip()))

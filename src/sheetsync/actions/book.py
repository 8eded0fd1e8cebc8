"""Read a user's book for an action: the reader, then the guards every action needs.

Every action that reads a file (check, mark, kpi, and next generate, status, sync) reads it
here, so a book that the reader accepts cannot crash one action and pass another.

Dates: the reader keeps dates to the microsecond, but pandas computes on nanoseconds, which
hold only 1677-09-21 .. 2262-04-11. A date outside that (a typo like 3012) is taken out of the
frame, like any cell that cannot be read, with a located `schema-date-implausible` finding.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sheetsync.book import Book, SheetData
from sheetsync.findings import Finding, finding

# Whole days inside what datetime64[ns] holds.
FIRST_DAY = np.datetime64("1677-09-22", "us")
LAST_DAY = np.datetime64("2262-04-10", "us")


def read_order_book(path: Path) -> Book:
    """`io.read.read_book`, with dates pandas cannot compute on taken out (see above)."""
    from sheetsync.io.read.reader import read_book

    book = read_book(path)
    for sheet in book.sheets.values():
        book.findings.extend(_blank_far_dates(sheet))
    return book


def _blank_far_dates(sheet: SheetData) -> list[Finding]:
    """Blank the dates outside datetime64[ns] in `sheet`'s frame; a finding for each."""
    found: list[Finding] = []
    frame = sheet.frame
    for key in frame.columns:
        values = frame[key]
        if values.dtype.kind != "M":
            continue
        days = values.to_numpy(dtype="datetime64[us]")
        far = ~np.isnat(days) & ((days < FIRST_DAY) | (days > LAST_DAY))
        if not far.any():
            continue
        rows = frame.index[far].tolist()
        texts = np.datetime_as_string(days[far], unit="D").tolist()
        orders = frame["order_no"][far].tolist() if "order_no" in frame else [None] * len(rows)
        frame.loc[far, key] = np.datetime64("NaT")
        for row, text, order in zip(rows, texts, orders, strict=True):
            sheet.bad_cells.add((row, key))
            found.append(
                finding(
                    "schema-date-implausible",
                    sheet.name,
                    row,
                    sheet.header(key),
                    sheet.cell(row, key),
                    order if isinstance(order, str) else None,
                    value=text,
                )
            )
    return found

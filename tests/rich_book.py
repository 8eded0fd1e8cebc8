"""A real-world order book for write-back tests, built with xlsxwriter.

It holds what openpyxl would drop or damage on a load-and-save: a chart, an image, data
validation, conditional formats with icon sets and data bars (x14 extensions), sparklines,
comments, defined names, tables, print settings, cached formula values and (for .xlsm) a VBA
project. Its order data carries three mistakes so that `check` has something to mark.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
import xlwings

from helpers import TODAY, line, order
from sheetsync.contract import LINES, ORDERS

XLWINGS_XLSM = Path(xlwings.__file__).parent / "quickstart.xlsm"  # an Excel-made macro book


def tiny_png() -> bytes:
    """A valid 2x2 red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def vba_project() -> bytes:
    """A real vbaProject.bin, taken from the quickstart.xlsm that ships with xlwings."""
    with zipfile.ZipFile(XLWINGS_XLSM) as book:
        return book.read("xl/vbaProject.bin")


def _table(ws: Any, name: str, headers: Sequence[str], rows: Sequence[Mapping[str, Any]], date: Any) -> None:
    for r, row in enumerate(rows, start=1):
        for c, header in enumerate(headers):
            value = row.get(header)
            if isinstance(value, dt.datetime):
                ws.write_datetime(r, c, value, date)
            elif value is not None:
                ws.write(r, c, value)
    ws.add_table(
        0, 0, len(rows), len(headers) - 1, {"name": name, "columns": [{"header": h} for h in headers]}
    )


def _dashboard(wb: Any, ws: Any, folder: Path) -> None:
    for r, value in enumerate([5, 8, 2, 9, 4, 7]):
        ws.write_number(r, 0, value)
        ws.write_number(r, 1, value * 10)
    ws.conditional_format("A1:A6", {"type": "icon_set", "icon_style": "3_traffic_lights"})
    ws.conditional_format("B1:B6", {"type": "data_bar", "data_bar_2010": True, "bar_solid": True})
    ws.add_sparkline("C1", {"range": "Dashboard!A1:A6", "markers": True})
    ws.write_comment("A1", "Checked by Lin Wei")
    ws.data_validation("D1:D6", {"validate": "list", "source": ["Open", "Shipped", "Closed"]})
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "=Dashboard!$A$1:$A$6", "name": "Orders"})
    ws.insert_chart("F2", chart)
    png = folder / "logo.png"
    png.write_bytes(tiny_png())
    ws.insert_image("F20", str(png))
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.print_area("A1:N30")
    ws.repeat_rows(0)
    ws.set_header("&LOrder book&RPage &P of &N")


def build(path: Path, vba: bool = False) -> Path:
    """Write the book to `path` (.xlsx, or .xlsm when `vba`)."""
    wb = xlsxwriter.Workbook(str(path))
    if vba:
        wb.add_vba_project(io.BytesIO(vba_project()), is_stream=True)  # type: ignore[arg-type]
        wb.set_vba_name("ThisWorkbook")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    bad = order(**{"Order No": "PO-1002", "Incoterm": "DDU", "Buyer Country": "XX"})
    orders = wb.add_worksheet("Orders")
    _table(orders, "Orders", [c.header for c in ORDERS.columns], [order(), bad], date)
    lines = wb.add_worksheet("Lines")
    headers = [c.header for c in LINES.columns]
    _table(lines, "Lines", headers, [line(), line(**{"Order No": "PO-1002", "Amount": 5})], date)
    amount = headers.index("Amount")
    lines.write_formula(1, amount, "=G2*I2", None, 4200)  # a cached value LibreOffice/Excel wrote
    settings = wb.add_worksheet("Settings")
    settings.write_row(0, 0, ["Setting", "Value"])
    settings.write_row(1, 0, ["Today", TODAY.isoformat()])
    _dashboard(wb, wb.add_worksheet("Dashboard"), path.parent)
    wb.define_name("OrderCount", "=COUNTA(Orders!$A:$A)-1")
    wb.define_name("Orders!LocalName", "=Orders!$A$2")
    wb.close()
    return path

"""Splice data rows into a workbook skeleton written by xlsxwriter.

The skeleton holds everything but the data: tables sized for one row, formats, dropdowns, names,
Lists and Settings. Here each table sheet's rows are streamed into its `<sheetData>`, and the table
and sheet ranges are stretched to the real row count. Zip entries get a fixed date, so that the same
input always gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_TABLE_NAME = re.compile(rb'<table [^>]*\bname="([^"]+)"')
_REF = re.compile(rb'ref="A1:([A-Z]+)\d+"')
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')


@dataclass
class SheetRows:
    """Rows for one table sheet: its zip part, table name, width and row XML chunks."""

    part: str  # e.g. "xl/worksheets/sheet2.xml"
    table: str
    last_col: str  # column letters of the table's last column
    data_rows: int  # rows in the table below the header (at least 1)
    chunks: Iterable[str]


def splice(skeleton: bytes, target: Path, sheets: list[SheetRows]) -> None:
    """Write `target`: the skeleton's parts, with each sheet's rows streamed into it."""
    by_part = {s.part: s for s in sheets}
    by_table = {s.table.encode(): s for s in sheets}
    with (
        zipfile.ZipFile(io.BytesIO(skeleton)) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        missing = set(by_part) - set(source.namelist())
        if missing:
            raise ValueError(f"The skeleton has no part {', '.join(sorted(missing))}")
        for info in source.infolist():
            body = source.read(info.filename)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            if info.filename in by_part:
                _write_sheet(out, entry, body, by_part[info.filename])
                continue
            if info.filename.startswith("xl/tables/"):
                body = _stretch_table(body, by_table)
            out.writestr(entry, body)


def _write_sheet(out: zipfile.ZipFile, entry: zipfile.ZipInfo, body: bytes, rows: SheetRows) -> None:
    """The sheet part with only its header row kept and the data rows streamed after it."""
    last_row = rows.data_rows + 1
    body = _DIMENSION.sub(f'<dimension ref="A1:{rows.last_col}{last_row}"/>'.encode(), body, count=1)
    end = body.index(b"</sheetData>")
    header_end = body.index(b"</row>") + len(b"</row>")
    if header_end > end:
        raise ValueError(f"{rows.part}: the skeleton has no header row")
    with out.open(entry, "w") as stream:
        stream.write(body[:header_end])
        for chunk in rows.chunks:
            stream.write(chunk.encode("utf-8"))
        stream.write(body[end:])


def _stretch_table(body: bytes, by_table: Mapping[bytes, SheetRows]) -> bytes:
    """Set a table's (and its autofilter's) range to the real number of rows."""
    match = _TABLE_NAME.search(body)
    if match is None or match.group(1) not in by_table:
        return body
    last_row = by_table[match.group(1)].data_rows + 1
    return _REF.sub(lambda m: b'ref="A1:' + m.group(1) + str(last_row).encode() + b'"', body)

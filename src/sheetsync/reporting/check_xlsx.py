"""The check report as a separate workbook: one row per finding, each linked to its cell.

Never writes to the checked books. The frame (headers, widths, filter, colours, the first
65,530 links, the Files sheet) is written with XlsxWriter (`io.new_workbook.OPTIONS`: text
stays text); the finding rows, which can number half a million, are rendered in Arrow as
inline strings (`io.ooxml.owned_sheet`) and spliced in (`workbook.splice`), then the file is
moved into place atomically (`io.atomic`). 500,000 findings take seconds, not minutes.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from sheetsync.edits import OwnedColumn, ReplaceSheet
from sheetsync.excel_limits import MAX_HYPERLINKS, MAX_ROWS, rows_listed
from sheetsync.finding_table import FindingTable
from sheetsync.findings import FileReport
from sheetsync.io.atomic import atomic_output
from sheetsync.io.new_workbook import OPTIONS
from sheetsync.io.ooxml.owned_sheet import data_rows_xml
from sheetsync.reporting.check_json import summarise
from sheetsync.rules.judge import collector_paused
from sheetsync.workbook.splice import SheetRows, splice

FINDING_COLUMNS: tuple[tuple[str, float], ...] = (
    ("File", 28),
    ("Severity", 9),
    ("Code", 26),
    ("Sheet", 11),
    ("Cell", 7),
    ("Order No", 12),
    ("Column", 18),
    ("Message", 60),
    ("Value", 18),
)
CELL = 4  # the Cell column, linked to the cell
_SEVERITY_COLOURS = {"error": "#F8CBAD", "warning": "#FFE699", "info": "#DDEBF7"}
Row = tuple[str | None, ...]


def _relative(book: Path, report: Path) -> str:
    """The book's path relative to the report's folder (as Excel resolves a link)."""
    return os.path.relpath(book.resolve(), report.resolve().parent)


def _link(target: str, sheet: str, cell: str) -> str:
    """A link to the cell of the book at `target` (see `_relative`)."""
    return f"external:{target}#'{sheet.replace(chr(39), chr(39) * 2)}'!{cell}"


def _finding_rows(reports: Sequence[FileReport]) -> Iterator[tuple[Path, Row]]:
    """Each finding as the report's row, in the order of the reports and their findings."""
    for report in reports:
        path = str(report.path)
        for code, severity, sheet, _row, column, cell, order, message, value in FindingTable.of(
            report.findings
        ).records():
            yield report.path, (path, severity, code, sheet, cell, order, column, message, value)


def write_report(reports: Sequence[FileReport], out: Path) -> Path:
    """Write the findings of `reports` to the workbook `out`; returns `out`."""
    with collector_paused():  # a tuple per finding would set off collections that free nothing
        return _write_report(reports, Path(out))


def _write_report(reports: Sequence[FileReport], out: Path) -> Path:
    total = sum(len(r.findings) for r in reports)
    room = rows_listed(total)
    rows: list[Row] = []
    links: dict[tuple[int, int], str] = {}
    targets: dict[Path, str] = {}
    for n, (book, row) in enumerate(_finding_rows(reports)):
        if n == room:
            break
        rows.append(row)
        if row[CELL] and len(links) < MAX_HYPERLINKS:  # past Excel's limit the Cell column stays text
            target = targets.get(book) or targets.setdefault(book, _relative(book, out))
            links[(n, CELL)] = _link(target, str(row[3]), str(row[CELL]))
    if total > room:
        note = f"{total - room:,} more findings are not listed: an Excel sheet holds {MAX_ROWS:,} rows."
        rows.append((None,) * 7 + (f"{note} `sheetsync check --format json` lists all.", None))
    skeleton = io.BytesIO()
    wb = xlsxwriter.Workbook(skeleton, {"in_memory": True, **OPTIONS})
    link_format = _findings_frame(wb, rows, links)
    _files_sheet(wb, reports)
    wb.close()
    edit = ReplaceSheet("Findings", tuple(OwnedColumn(h, w) for h, w in FINDING_COLUMNS), tuple(rows), links)
    chunks = (chunk.decode() for chunk in data_rows_xml(edit, int(link_format.xf_index)))
    findings = SheetRows("xl/worksheets/sheet1.xml", "", "I", max(len(rows), 1), chunks)
    with atomic_output(out) as tmp:
        splice(skeleton.getvalue(), tmp, [findings])
    return out


def _findings_frame(wb: xlsxwriter.Workbook, rows: Sequence[Row], links: dict[tuple[int, int], str]) -> Any:
    """The Findings sheet without its rows: header, widths, filter, colours, the links. The link format."""
    ws = wb.add_worksheet("Findings")
    bold = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    link = wb.add_format({"font_color": "#0563C1", "underline": 1})
    for j, (title, width) in enumerate(FINDING_COLUMNS):
        ws.write_string(0, j, title, bold)
        ws.set_column(j, j, width)
    for (n, col), target in links.items():  # the cells are replaced by the spliced rows; the links stay
        ws.write_url(n + 1, col, target, link, str(rows[n][col]))
    last = max(len(rows), 1)
    ws.autofilter(0, 0, last, len(FINDING_COLUMNS) - 1)
    ws.freeze_panes(1, 0)
    for severity, colour in _SEVERITY_COLOURS.items():
        ws.conditional_format(
            1,
            1,
            last,
            1,
            {
                "type": "cell",
                "criteria": "==",
                "value": f'"{severity}"',
                "format": wb.add_format({"bg_color": colour}),
            },
        )
    return link


def _files_sheet(wb: xlsxwriter.Workbook, reports: Sequence[FileReport]) -> None:
    ws = wb.add_worksheet("Files")
    bold = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    headers = ("File", "Status", "Error", "Message", "Errors", "Warnings", "Infos")
    for j, title in enumerate(headers):
        ws.write_string(0, j, title, bold)
    ws.set_column(0, 0, 40)
    ws.set_column(3, 3, 60)
    for i, report in enumerate(reports, start=1):
        s = summarise([report])
        ws.write_string(i, 0, str(report.path))
        ws.write_string(i, 1, report.status)
        ws.write_string(i, 2, report.error.code if report.error else "")
        ws.write_string(i, 3, report.error.message if report.error else "")
        ws.write_row(i, 4, (s.errors, s.warnings, s.infos))
    ws.autofilter(0, 0, max(len(reports), 1), len(headers) - 1)
    ws.freeze_panes(1, 0)

"""The check report as a separate workbook: one row per finding, each linked to its cell.

Never writes to the checked books. Written through `io.new_workbook` (atomically, text as text).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from sheetsync.excel_limits import MAX_HYPERLINKS, MAX_ROWS, rows_listed
from sheetsync.findings import FileReport
from sheetsync.io.new_workbook import new_workbook
from sheetsync.reporting.check_json import summarise

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
_SEVERITY_COLOURS = {"error": "#F8CBAD", "warning": "#FFE699", "info": "#DDEBF7"}


def _link(book: Path, report: Path, sheet: str, cell: str) -> str:
    """A link relative to the report's folder (as Excel resolves it), to the cell."""
    target = os.path.relpath(book.resolve(), report.resolve().parent)
    return f"external:{target}#'{sheet.replace(chr(39), chr(39) * 2)}'!{cell}"


def write_report(reports: Sequence[FileReport], out: Path) -> Path:
    """Write the findings of `reports` to the workbook `out`; returns `out`."""
    out = Path(out)
    with new_workbook(out) as wb:
        _findings_sheet(wb, reports, out)
        _files_sheet(wb, reports)
    return out


def _findings_sheet(wb: xlsxwriter.Workbook, reports: Sequence[FileReport], out: Path) -> None:
    ws = wb.add_worksheet("Findings")
    bold = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    link = wb.add_format({"font_color": "#0563C1", "underline": 1})
    for j, (title, width) in enumerate(FINDING_COLUMNS):
        ws.write_string(0, j, title, bold)
        ws.set_column(j, j, width)
    row = links = 0
    total = sum(len(r.findings) for r in reports)
    room = rows_listed(total)
    for report in reports:
        for f in report.findings:
            if row == room:
                break
            row += 1
            values = (
                str(report.path),
                f.severity.value,
                f.code,
                f.sheet,
                f.cell or "",
                f.order or "",
                f.column or "",
                f.message,
                f.value or "",
            )
            for j, value in enumerate(values):
                ws.write_string(row, j, value)
            if f.cell and links < MAX_HYPERLINKS:  # past Excel's limit the Cell column stays text
                links += 1
                ws.write_url(row, 4, _link(report.path, out, f.sheet, f.cell), link, f.cell)
    if total > room:
        row += 1
        ws.write_string(row, 7, f"{total - room:,} more findings are not listed: an Excel sheet holds "
                        f"{MAX_ROWS:,} rows. `sheetsync check --format json` lists all.")  # fmt: skip
    last = max(row, 1)
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

"""The dashboard workbook for the weekly meeting: KPIs, native charts and the milestones to chase.

A separate .xlsx written with xlsxwriter through `io.new_workbook` (atomically, user text as
text); the source books are only linked to, never written.
Sheets: Dashboard (KPI table, three charts from dashboard_charts.py), Attention (overdue and
due-soon milestones, most urgent first, each linked to its order row), KPIs by group (when
grouped), Chart data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sheetsync.book import Book
from sheetsync.excel_limits import MAX_HYPERLINKS
from sheetsync.io.new_workbook import new_workbook
from sheetsync.reporting.dashboard_charts import insert_charts, write_chart_data
from sheetsync.reporting.kpi import ALL, HIGHER_IS_WORSE, RATIOS, GroupBy, KpiReport, Metric, compute_kpis
from sheetsync.reporting.links import cell_link, relative_target
from sheetsync.reporting.watchlist import Item, stage_counts, watchlist

ATTENTION_HEADERS = ("Urgency", "Days late", "Order No", "Milestone", "Plan", "Coordinator", "Buyer", "Book")


def _formats(wb: Any) -> dict[str, Any]:
    add = wb.add_format
    return {
        "title": add({"bold": True, "font_size": 16}),
        "head": add({"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "border": 1}),
        "pct": add({"num_format": "0.0%"}),
        "num": add({"num_format": "#,##0.0"}),
        "int": add({"num_format": "#,##0"}),
        "date": add({"num_format": "yyyy-mm-dd"}),
        "link": add({"font_color": "#0563C1", "underline": 1}),
        "red": add({"bg_color": "#F8CBAD", "font_color": "#9C0006"}),
        "amber": add({"bg_color": "#FFE699", "font_color": "#7F6000"}),
        "green": add({"bg_color": "#C6EFCE", "font_color": "#006100"}),
        "dim": add({"italic": True, "font_color": "#595959"}),
    }


def _print_setup(ws: Any, header_rows: int) -> None:
    """Landscape A4, one page wide, header rows repeated on every page."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, header_rows - 1)
    ws.set_footer("&L&F&RPage &P of &N")


def _colour_rule(ws: Any, row: int, col: int, criteria: str, value: float, fmt: Any) -> None:
    ws.conditional_format(
        row, col, row, col, {"type": "cell", "criteria": criteria, "value": value, "format": fmt}
    )


def _colour(ws: Any, fmt: dict[str, Any], row: int, col: int, m: Metric) -> None:
    """Red when a share is poor, green when it is good; blanks and day counts stay plain."""
    if m.value is None or m.name not in RATIOS:
        return
    if m.name in HIGHER_IS_WORSE:
        _colour_rule(ws, row, col, ">", 0.1, fmt["red"])
        return
    _colour_rule(ws, row, col, "<", 0.8, fmt["red"])
    _colour_rule(ws, row, col, ">=", 0.95, fmt["green"])


def _metric_rows(ws: Any, fmt: dict[str, Any], row: int, metrics: Sequence[Metric], group: str | None) -> int:
    """Write metrics as rows from `row`; colour ratios by how good they are. Returns the next row."""
    for m in metrics:
        cells = ([group] if group is not None else []) + [m.name, m.numerator, m.denominator]
        ws.write_row(row, 0, cells)
        col = len(cells)
        ws.write(row, col, m.value, fmt["pct"] if m.name in RATIOS else fmt["num"])
        ws.write(row, col + 1, m.note, fmt["dim"])
        _colour(ws, fmt, row, col, m)
        row += 1
    return row


def _attention(wb: Any, fmt: dict[str, Any], items: Sequence[Item], out: Path) -> None:
    ws = wb.add_worksheet("Attention")
    ws.write_row(0, 0, ATTENTION_HEADERS, fmt["head"])
    targets = {book: relative_target(book, out) for book in {item.book for item in items}}  # once a book
    for r, item in enumerate(items, start=1):
        ws.write(r, 0, "Overdue" if item.overdue else "Due soon")
        ws.write_number(r, 1, item.days)
        if r <= MAX_HYPERLINKS:
            ws.write_url(
                r,
                2,
                cell_link(targets[item.book], item.sheet, item.cell),
                fmt["link"],
                item.order_no,
            )
        else:
            ws.write_string(r, 2, item.order_no)
        ws.write_string(r, 3, item.milestone)
        ws.write_datetime(r, 4, dt.datetime.combine(item.plan, dt.time()), fmt["date"])
        ws.write_row(r, 5, (item.coordinator, item.buyer, item.book.name))
    last = max(len(items), 1)
    whole = (1, 0, last, len(ATTENTION_HEADERS) - 1)
    ws.conditional_format(*whole, {"type": "formula", "criteria": '=$A2="Overdue"', "format": fmt["red"]})
    ws.conditional_format(*whole, {"type": "formula", "criteria": '=$A2="Due soon"', "format": fmt["amber"]})
    ws.conditional_format(1, 1, last, 1, {"type": "data_bar", "bar_color": "#C00000", "bar_solid": True})
    ws.autofilter(0, 0, last, len(ATTENTION_HEADERS) - 1)
    ws.freeze_panes(1, 0)
    ws.set_column(0, 1, 10)
    ws.set_column(2, 3, 18)
    ws.set_column(4, 4, 11)
    ws.set_column(5, 7, 22)
    _print_setup(ws, 1)
    ws.print_area(0, 0, last, len(ATTENTION_HEADERS) - 1)
    if not items:
        ws.write(1, 0, "Nothing overdue or due soon.", fmt["dim"])


def _summary(wb: Any, fmt: dict[str, Any], report: KpiReport, books: Sequence[Book]) -> Any:
    ws = wb.add_worksheet("Dashboard")
    ws.write(0, 0, f"Order dashboard — as of {report.today.isoformat()}", fmt["title"])
    ws.write(1, 0, f"{len(books)} book(s): " + ", ".join(b.path.name for b in books), fmt["dim"])
    left_out = ", ".join(f"{why} {n}" for why, n in report.excluded.items() if n)
    ws.write(2, 0, f"Left out: {left_out or 'none'}.", fmt["dim"])
    ws.write(3, 0, "; ".join(report.notes) + ".", fmt["dim"])
    headers = ("Metric", "Numerator", "Denominator", "Value", "Note")
    ws.write_row(4, 0, headers, fmt["head"])
    _metric_rows(ws, fmt, 5, report.groups[ALL], None)
    ws.set_column(0, 0, 36)
    ws.set_column(1, 3, 12)
    ws.set_column(4, 4, 16)
    _print_setup(ws, 5)
    ws.print_area(0, 0, 34, 15)
    return ws


def _by_group(wb: Any, fmt: dict[str, Any], report: KpiReport) -> None:
    ws = wb.add_worksheet(f"KPIs by {report.by}")
    ws.write_row(0, 0, (str(report.by).capitalize(), "Metric", "Numerator", "Denominator", "Value", "Note"),
                 fmt["head"])  # fmt: skip
    row = 1
    for group, metrics in report.groups.items():
        if group != ALL:
            row = _metric_rows(ws, fmt, row, metrics, group)
    ws.autofilter(0, 0, max(row - 1, 1), 5)
    ws.freeze_panes(1, 0)
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 36)
    ws.set_column(2, 5, 12)
    _print_setup(ws, 1)


def write_dashboard(out: Path, books: Sequence[Book], report: KpiReport, monthly: KpiReport,
                    items: Sequence[Item], stages: dict[str, int]) -> Path:  # fmt: skip
    """Write the dashboard workbook to `out` (never one of the source books)."""
    if any(out.resolve() == b.path.resolve() for b in books):
        raise ValueError(f"{out} is a source book; the dashboard is always a separate file.")
    with new_workbook(out) as wb:
        fmt = _formats(wb)
        dashboard = _summary(wb, fmt, report, books)
        _attention(wb, fmt, items, out)
        if report.by is not None:
            _by_group(wb, fmt, report)
        insert_charts(wb, dashboard, write_chart_data(wb, fmt, monthly, items, stages))
        dashboard.activate()
    return out


def build_dashboard(out: Path, books: Sequence[Book], today: dt.date | None = None,
                    by: GroupBy | None = None) -> KpiReport:  # fmt: skip
    """Compute KPIs (as asked and by month), the watchlist and the stage counts; write `out`."""
    monthly = compute_kpis(books, today, "month")
    if by is None:  # the month groups' "All" is the ungrouped report: not computed twice
        report = replace(monthly, by=None, groups={ALL: monthly.groups[ALL]})
    else:
        report = monthly if by == "month" else compute_kpis(books, today, by)
    write_dashboard(out, books, report, monthly, watchlist(books, report.today), stage_counts(books))
    return report

"""KPIs on a delivery history (issue 11 §8, RULES.md §11): only some milestones are recorded.

The book is shaped like a real one: a PO register whose team records the scheduled and the
delivered-to-client date (mapped to ETA Plan / ETA Actual through the Column Map), whose
Incoterm cell sometimes says `N/A - From RDC`, and which tracks no production milestones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from helpers import TODAY, d
from sheetsync.book import Book
from sheetsync.cli import app
from sheetsync.findings import Finding
from sheetsync.io.read.reader import read_book
from sheetsync.reporting import kpi as kpi_module
from sheetsync.reporting.kpi import compute_kpis
from sheetsync.reporting.kpi_facts import AT_POINT, LATER, LATEST
from sheetsync.rules import engine
from sheetsync.rules.engine import REGISTRY, Context, Rule

HEADERS = ["PO Num", "Order Date", "Customer", "Incoterm", "Status", "Scheduled Delivery", "Delivered",
           "Production Start Plan", "Production Start Actual"]  # fmt: skip
# PO, ordered, Incoterm, scheduled, delivered (days: delivered - ordered)
ROWS: list[tuple[str, str, str, str, str | None]] = [
    ("PO-1", "2026-04-01", "FOB", "2026-05-10", "2026-05-08"),  # FOB, no ETD recorded: arrival, on time
    ("PO-2", "2026-04-01", "N/A - From RDC", "2026-05-10", "2026-05-15"),  # no Incoterm rule: latest, late
    ("PO-3", "2026-04-01", "N/A - From RDC", "2026-05-10", None),  # nothing recorded: not yet delivered
    ("PO-4", "2026-04-10", "DAP", "2026-05-01", "2026-05-01"),  # D term, arrival recorded: on time
    ("PO-5", "2026-04-10", "FCA", "2026-05-01", "2026-05-03"),  # FCA, arrival only: late
]


def history_book(path: Path, settings: dict[str, Any] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Orders"
    ws.append(HEADERS)
    for po, ordered, incoterm, scheduled, delivered in ROWS:
        ws.append([po, d(ordered), "Nordic Home AB", incoterm, "Closed", d(scheduled),
                   d(delivered) if delivered else None, d("2026-04-05"), d("2026-04-09")])  # fmt: skip
    lines = wb.create_sheet("Lines")
    lines.append(["PO Num", "Item #", "Item", "Qty"])
    for po, *_ in ROWS:
        lines.append([po, 1, "Cotton cushion cover", 100])
    lists = wb.create_sheet("Lists")
    lists.append(["Map Sheet", "Header as Written", "Contract Column"])
    lists.append(["Orders", "Scheduled Delivery", "ETA Plan"])
    lists.append(["Orders", "Delivered", "ETA Actual"])
    config = wb.create_sheet("Settings")
    for key, value in {"Today": d(TODAY.isoformat()), **(settings or {})}.items():
        config.append([key, value])
    wb.save(path)
    return path


def test_orders_are_judged_on_the_latest_movement_recorded(tmp_path: Path) -> None:
    report = compute_kpis([read_book(history_book(tmp_path / "h.xlsx"))], today=TODAY)
    metrics = {m.name: (m.numerator, m.denominator, m.value) for m in report.groups["All"]}
    assert metrics["On-time delivery (OTD)"] == (2, 4, 0.5)  # PO-1, PO-4 of PO-1, 2, 4, 5
    # Cycle times follow the same delivery date: 37 + 44 + 21 + 23 days.
    assert metrics["Order cycle time, mean days"] == (125.0, 4, 31.25)
    assert report.judged == {AT_POINT: 1, LATER: 2, LATEST: 1}
    assert report.excluded["not yet delivered"] == 1
    assert "Delivery judged on a later movement (delivery point not recorded): 2 orders" in report.notes


def test_milestones_not_tracked_leave_the_milestone_kpi(tmp_path: Path) -> None:
    path = history_book(tmp_path / "a.xlsx")
    report = compute_kpis([read_book(path)], today=TODAY)
    rate = next(m for m in report.groups["All"] if m.name == "Milestone on-time rate")
    # Production Start (5 × late) and ETA (PO-1, PO-4 on time; PO-2, PO-5 late).
    assert (rate.numerator, rate.denominator) == (2, 9)
    path = history_book(tmp_path / "b.xlsx", {"Milestones Not Tracked": "Production Start"})
    report = compute_kpis([read_book(path)], today=TODAY)
    rate = next(m for m in report.groups["All"] if m.name == "Milestone on-time rate")
    assert (rate.numerator, rate.denominator) == (2, 4)


def test_kpi_says_which_sheet_is_missing(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Lines"
    ws.append(["Order No", "Line", "SKU"])
    wb.save(tmp_path / "lines_only.xlsx")
    result = CliRunner().invoke(app, ["kpi", str(tmp_path / "lines_only.xlsx")])
    assert result.exit_code == 2
    assert "not an order book: no Orders sheet (its sheets: Lines)" in " ".join(result.output.split())


def test_a_failing_lc_rule_is_said_in_the_kpi_notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(book: Book, ctx: Context) -> list[Finding]:
        raise ValueError("a bug in an lc rule")

    rules = [Rule("broken", ("lc-expired",), ("Orders",), broken), *REGISTRY]
    monkeypatch.setattr(engine, "REGISTRY", rules)
    monkeypatch.setattr(kpi_module, "REGISTRY", rules)
    monkeypatch.setenv("SHEETSYNC_LOG_DIR", str(tmp_path / "logs"))
    report = compute_kpis([read_book(history_book(tmp_path / "h.xlsx"))], today=TODAY)
    (note,) = [n for n in report.notes if n.startswith("Perfect order incomplete")]
    assert "(broken) checks failed (ValueError)" in note

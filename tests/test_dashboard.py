"""The dashboard workbook: charts, the Attention table with links, print setup, LibreOffice."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from helpers import TODAY, d, line, order, shipment, write_book
from sheetsync.cli import app

# openpyxl (used here only to inspect the result) drops the x14 data-bar extension it cannot read.
pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")


def meeting_book(tmp_path: Path) -> Path:
    """Two overdue milestones, one due soon, one order delivered late."""
    orders = [
        order(**{"Order No": "PO-1", "Production End Plan": d("2026-11-15")}),  # 10 days overdue
        order(**{"Order No": "PO-2", "Coordinator": "Ana Ruiz", "Production End Plan": d("2026-11-20")}),
        order(**{"Order No": "PO-3", "Coordinator": "Ana Ruiz", "Production End Plan": d("2026-11-27")}),
        order(
            **{
                "Order No": "PO-4",
                "Status": "Shipped",
                "Production End Actual": d("2026-10-20"),
                "ETD Plan": d("2026-10-30"),
                "ETD Actual": d("2026-11-02"),
                "Booking Confirmed Actual": d("2026-10-20"),
                "Cargo Ready Actual": d("2026-10-28"),
                "Inspection Actual": d("2026-10-25"),
            }
        ),
    ]
    lines = [line(**{"Order No": o["Order No"]}) for o in orders]
    shipments = [shipment(**{"Order No": "PO-4", "ATD": d("2026-11-02"), "B/L or AWB No": "MAEU1"})]
    return write_book(tmp_path / "orders.xlsx", orders, lines, shipments=shipments)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(book, dashboard, book digest before) — made once through the CLI."""
    folder = tmp_path_factory.mktemp("dash")
    book = meeting_book(folder)
    before = digest(book)
    out = folder / "out" / "monday.xlsx"
    out.parent.mkdir()
    result = CliRunner().invoke(
        app, ["kpi", str(book), "--format", "xlsx", "--out", str(out), "--today", TODAY.isoformat()]
    )
    assert result.exit_code == 0, result.output
    assert "Dashboard written to" in result.output
    return book, out, before


def test_native_charts_and_sheets_are_in_the_file(dashboard: tuple[Path, Path, str]) -> None:
    _, out, _ = dashboard
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        charts = sorted(n for n in names if n.startswith("xl/charts/chart"))
        titles = [zf.read(n).decode() for n in charts]
    assert charts == ["xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/charts/chart3.xml"]
    assert "xl/drawings/drawing1.xml" in names
    assert ["Deliveries on time by month" in t for t in titles] == [True, False, False]
    assert "<c:barChart>" in titles[1] and "Overdue milestones by coordinator" in titles[1]
    wb = load_workbook(out)
    assert wb.sheetnames == ["Dashboard", "Attention", "Chart data"]
    data = [[c.value for c in row] for row in wb["Chart data"].iter_rows(min_row=2)]
    assert [r[:3] for r in data if r[0]] == [["2026-11", 0, 1]]  # PO-4 left late
    assert [r[5:7] for r in data if r[5]] == [["Ana Ruiz", 1], ["Lin Wei", 1]]  # overdue by coordinator
    stages = {r[8]: r[9] for r in data if r[8]}
    assert {k: v for k, v in stages.items() if v} == {"Production Start": 3, "ETD": 1}


def test_attention_table_sorted_by_urgency_with_links_into_the_book(
    dashboard: tuple[Path, Path, str],
) -> None:
    book, out, before = dashboard
    ws = load_workbook(out)["Attention"]
    rows = [[c.value for c in r][:6] for r in ws.iter_rows(min_row=2)]
    assert [[*r[:4], r[5]] for r in rows] == [
        ["Overdue", 10, "PO-1", "Production End", "Lin Wei"],
        ["Overdue", 5, "PO-2", "Production End", "Ana Ruiz"],
        ["Due soon", -2, "PO-3", "Production End", "Ana Ruiz"],
    ]
    links = [ws.cell(r, 3).hyperlink for r in (2, 3, 4)]
    assert [(h.target, h.location) for h in links] == [  # xlsxwriter writes Windows separators
        ("..\\orders.xlsx", "'Orders'!A2"),
        ("..\\orders.xlsx", "'Orders'!A3"),
        ("..\\orders.xlsx", "'Orders'!A4"),
    ]
    assert ws.auto_filter.ref == "A1:H4"
    assert ws.freeze_panes == "A2"
    assert digest(book) == before  # the source book is only linked to


def test_print_setup_and_conditional_formats(dashboard: tuple[Path, Path, str]) -> None:
    _, out, _ = dashboard
    wb = load_workbook(out)
    with zipfile.ZipFile(out) as zf:
        for part in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"):  # Dashboard, Attention
            xml = zf.read(part).decode()
            assert '<pageSetUpPr fitToPage="1"/>' in xml
            assert 'orientation="landscape"' in xml and 'fitToHeight="0"' in xml  # one page wide
    assert wb["Attention"].print_title_rows == "$1:$1"
    assert wb["Dashboard"].print_title_rows == "$1:$5"
    rules = {str(r.sqref): [x.formula for x in r.rules] for r in wb["Attention"].conditional_formatting}
    assert rules["A2:H4"] == [['$A2="Overdue"'], ['$A2="Due soon"']]
    dash = wb["Dashboard"]
    values = {dash.cell(r, 1).value: dash.cell(r, 4).value for r in range(6, 18)}
    assert values["On-time delivery (OTD)"] == 0.0  # PO-4 left on 11-02, planned 10-30


def test_refuses_to_write_over_a_source_book(tmp_path: Path) -> None:
    book = meeting_book(tmp_path)
    before = digest(book)
    result = CliRunner().invoke(app, ["kpi", str(book), "--format", "xlsx", "--out", str(book)])
    assert result.exit_code == 2
    assert digest(book) == before


@pytest.mark.libreoffice
def test_libreoffice_prints_it_to_pdf(
    dashboard: tuple[Path, Path, str], soffice: str, tmp_path: Path
) -> None:
    _, out, _ = dashboard
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    done = subprocess.run(
        [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    pdf = tmp_path / "monday.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm") is None and os.environ.get("SHEETSYNC_REQUIRE_ALL") == "1":
        pytest.fail("pdftoppm (poppler-utils) is missing and SHEETSYNC_REQUIRE_ALL=1")
    if shutil.which("pdftoppm"):
        first_page = ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")]
        subprocess.run(first_page, check=True, timeout=60)
        assert next(tmp_path.glob("page*.png")).stat().st_size > 5_000

"""User text never becomes a formula, a link or "nan" in a workbook sheetsync writes (issue 11 §6).

Formula-like text (`=`, `+`, `-`, `@`, a DDE payload) and blanks go through every output: the
check report, the dashboard and the Issues sheet; each must come out as the same text, and a
blank as an empty cell.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from helpers import line, order, write_book
from sheetsync.cli import app

HOSTILE = (
    '=HYPERLINK("http://evil.example","click")',
    "+1 555 0100",
    "-Lin Wei",
    "@SUM(A1:A9)",
    "=cmd|' /C calc'!A0",
)
LATE = "2027-03-01"  # every order of the baseline has an overdue milestone by then


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One order per hostile text (as Coordinator, Buyer and Incoterm Place), one blank Coordinator."""
    folder = tmp_path_factory.mktemp("user_text")
    orders = [
        order(**{"Order No": f"PO-{i}", "Coordinator": text, "Buyer": text, "Incoterm": text})
        for i, text in enumerate(HOSTILE)
    ]
    orders.append(order(**{"Order No": "PO-blank", "Coordinator": None}))
    lines = [line(**{"Order No": o["Order No"]}) for o in orders]
    path = write_book(folder / "book.xlsx", orders, lines, shipments=[])
    wb = load_workbook(path)  # openpyxl wrote `=...` as formulas: make them the text cells users have
    for row in wb["Orders"].iter_rows():
        for cell in row:
            if cell.value in HOSTILE:
                cell.data_type = "s"
    wb.save(path)
    return path


def cells(path: Path) -> list[tuple[str, str, object, str]]:
    """(sheet, coordinate, value, data_type) of every cell holding something, in every sheet."""
    wb = load_workbook(path)
    return [
        (ws.title, cell.coordinate, cell.value, cell.data_type)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def assert_text_only(path: Path, expected: set[str]) -> list[tuple[str, str, object, str]]:
    found = cells(path)
    assert [c for c in found if c[3] == "f"] == []
    assert [c for c in found if isinstance(c[2], str) and c[2].strip().lower() == "nan"] == []
    assert expected <= {c[2] for c in found}
    return found


def test_the_check_report_writes_user_text_as_text(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    result = CliRunner().invoke(
        app, ["check", str(book), "--format", "xlsx", "--out", str(out), "--today", LATE]
    )
    assert result.exit_code == 1, result.output
    assert_text_only(out, set(HOSTILE))


@pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")  # openpyxl on the dashboard
def test_the_dashboard_writes_user_text_as_text_and_blanks_as_empty(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "dashboard.xlsx"
    args = ["kpi", str(book), "--format", "xlsx", "--out", str(out), "--by", "coordinator", "--today", LATE]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    found = assert_text_only(out, set(HOSTILE))
    attention = load_workbook(out)["Attention"]
    headers = [c.value for c in attention[1]]
    rows = [dict(zip(headers, (c.value for c in row), strict=True)) for row in attention.iter_rows(min_row=2)]
    coordinators = {r["Order No"]: r["Coordinator"] for r in rows}
    assert coordinators["PO-blank"] is None
    assert {coordinators[f"PO-{i}"] for i in range(len(HOSTILE))} == set(HOSTILE)
    chart_data = {c[2] for c in found if c[0] == "Chart data"}
    assert set(HOSTILE) <= chart_data


def test_the_issues_sheet_writes_user_text_as_text(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "marked.xlsx"
    result = CliRunner().invoke(app, ["mark", str(book), "--out", str(out), "--today", LATE])
    assert result.exit_code == 0, result.output
    issues = load_workbook(out)["Issues"]
    found = [
        (c.value, c.data_type) for row in issues.iter_rows(min_row=2) for c in row if c.value is not None
    ]
    assert [f for f in found if f[1] == "f"] == []
    values = {v for v, _ in found}
    assert set(HOSTILE) <= values and "nan" not in values

"""`sheetsync check` through the command line: JSON contract, text, xlsx report, exit status."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from helpers import line, order, write_book
from sheetsync import excel_limits
from sheetsync.cli import app
from sheetsync.reporting import check_xlsx as report_xlsx

runner = CliRunner()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def bad_book(path: Path) -> Path:
    return write_book(path, [order(**{"Deposit %": "thirty"})], [line()])


def test_json_is_the_documented_shape(tmp_path: Path) -> None:
    book = bad_book(tmp_path / "orders.xlsx")
    result = runner.invoke(app, ["check", str(book), "--format", "json", "--today", "2026-11-25"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data == {
        "files": [
            {
                "path": str(book),
                "status": "ok",
                "error": None,
                "findings": [
                    {
                        "code": "schema-type",
                        "severity": "error",
                        "sheet": "Orders",
                        "row": 2,
                        "column": "Deposit %",
                        "cell": "N2",
                        "order": "PO-1001",
                        "message": "Enter a number.",
                        "value": "thirty",
                    }
                ],
            }
        ],
        "summary": {"files": 1, "errors": 1, "warnings": 0, "infos": 0},
    }


def test_clean_book_exits_zero_and_says_so(tmp_path: Path) -> None:
    book = write_book(tmp_path / "orders.xlsx", [order()], [line()])
    result = runner.invoke(app, ["check", str(book)])
    assert result.exit_code == 0, result.output
    assert "no findings" in result.stdout
    assert "1 file, 0 errors, 0 warnings, 0 infos" in result.stdout


def test_text_groups_by_file_and_sheet_with_cells(tmp_path: Path) -> None:
    book = bad_book(tmp_path / "orders.xlsx")
    result = runner.invoke(app, ["check", str(book), "--today", "2026-11-25"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == str(book)
    assert lines[1] == "  Orders"
    assert lines[2].split() == [
        "E",
        "N2",
        "schema-type",
        "PO-1001",
        "Deposit",
        "%:",
        "Enter",
        "a",
        "number.",
        "(was",
        "thirty)",
    ]


def test_folder_batch_reports_every_file_and_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    (folder / "sub").mkdir(parents=True)
    good = write_book(folder / "a.xlsx", [order()], [line()])
    broken = folder / "sub" / "b.xlsx"
    broken.write_text("this is not a workbook")
    (folder / "~$a.xlsx").write_bytes(b"lock")
    (folder / "notes.txt").write_text("ignored")
    result = runner.invoke(app, ["check", str(folder), "--format", "json"])
    assert result.exit_code == 2, result.output
    files = json.loads(result.stdout)["files"]
    assert [(f["path"], f["status"]) for f in files] == [(str(good), "ok"), (str(broken), "error")]
    assert files[1]["error"]["code"] == "file-not-xlsx"
    assert str(broken) in files[1]["error"]["message"]


def test_xlsx_report_links_to_cells_and_leaves_books_alone(tmp_path: Path) -> None:
    book = bad_book(tmp_path / "orders.xlsx")
    before = sha(book)
    out = tmp_path / "report.xlsx"
    result = runner.invoke(app, ["check", str(book), "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert sha(book) == before
    ws = load_workbook(out)["Findings"]
    assert [c.value for c in ws[1]] == [
        "File",
        "Severity",
        "Code",
        "Sheet",
        "Cell",
        "Order No",
        "Column",
        "Message",
        "Value",
    ]
    assert [c.value for c in ws[2]][1:] == [
        "error",
        "schema-type",
        "Orders",
        "N2",
        "PO-1001",
        "Deposit %",
        "Enter a number.",
        "thirty",
    ]
    link = ws["E2"].hyperlink
    assert (link.target, link.location) == ("orders.xlsx", "'Orders'!N2")
    assert ws.auto_filter.ref == "A1:I2"
    assert ws.freeze_panes == "A2"


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    book = write_book(tmp_path / "orders.xlsx", [order()], [line()])
    assert runner.invoke(app, ["check", str(book), "--today", "25/11/2026"]).exit_code == 2
    assert runner.invoke(app, ["check", str(tmp_path / "empty-folder-that-is-missing")]).exit_code == 2
    out = runner.invoke(app, ["check", str(book), "--format", "xlsx", "--out", str(book)])
    assert out.exit_code == 2
    assert "never writes" in out.output


def test_xlsx_report_stops_at_excels_limits_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excel holds 1,048,576 rows and 65,530 links per sheet; shrunk here to 4 rows and 1 link."""
    monkeypatch.setattr(excel_limits, "MAX_ROWS", 4)
    monkeypatch.setattr(report_xlsx, "MAX_ROWS", 4)
    monkeypatch.setattr(report_xlsx, "MAX_HYPERLINKS", 1)
    bad = order(**{"Deposit %": "thirty", "Incoterm": "DDU", "Buyer Country": "XX"})
    book = write_book(tmp_path / "orders.xlsx", [bad], [line(**{"Amount": 5})])
    out = tmp_path / "report.xlsx"
    result = runner.invoke(app, ["check", str(book), "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 1, result.output
    ws = load_workbook(out)["Findings"]
    rows = [[c.value for c in row][2:] for row in ws.iter_rows(min_row=2)]
    note = (
        "2 more findings are not listed: an Excel sheet holds 4 rows. "
        "`sheetsync check --format json` lists all."
    )
    assert rows == [
        [
            "calc-line-amount",
            "Lines",
            "J2",
            "PO-1001",
            "Amount",
            "Should be USD 4,200.00; restore the formula.",
            "5",
        ],
        [
            "code-country",
            "Orders",
            "D2",
            "PO-1001",
            "Buyer Country",
            "Use the ISO code (2 letters, e.g. CN).",
            "XX",
        ],
        [None, None, None, None, None, note, None],
    ]
    assert (ws["E2"].hyperlink.location, ws["E3"].hyperlink) == ("'Lines'!J2", None)

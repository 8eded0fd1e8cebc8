"""Every command that reads a user's book reads it in an isolated child (`actions.runner`).

A book that crashes the reader (a lying `<dimension>`: calamine aborts), a book whose rule
raises, a date no datetime64[ns] holds: each costs that book, reported by path, and the
command goes on with the rest (issue 10 step 2).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from helpers import TODAY, line, order, shipment, write_book
from hostile_books import ooxml_book, sheet_xml
from sheetsync.actions.kpi import read_kpi_books
from sheetsync.actions.runner import run_isolated
from sheetsync.book import Book
from sheetsync.cli import app
from sheetsync.findings import Finding
from sheetsync.rules.engine import REGISTRY, Context, Rule

FAR = dt.datetime(3012, 1, 5)
FAR_TEXT = "3012-01-05"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lying_book(path: Path) -> Path:
    """A1:B2 declared, a cell at XFD1048576: calamine allocates for the whole sheet and aborts."""
    return ooxml_book(path, sheet_xml([("A1", "Order No"), ("XFD1048576", "x")], "A1:B2"))


def good_book(path: Path) -> Path:
    return write_book(path, [order()], [line()], shipments=[])


def far_date_book(path: Path) -> Path:
    """An order shipped in 3012 (ETD Actual) and a shipment that left then: a typo for 2026."""
    shipped = order(Incoterm="FCA", Status="Shipped", **{"ETD Actual": FAR})
    return write_book(path, [shipped], [line()], shipments=[shipment(ATD=FAR)])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shared = tmp_path / "shared"
    shared.mkdir()
    good_book(shared / "a_good.xlsx")
    lying_book(shared / "b_lying.xlsx")
    far_date_book(shared / "c_year_3012.xlsx")
    return shared


def test_kpi_over_a_folder_reports_the_crashing_book_and_measures_the_rest(folder: Path) -> None:
    result = CliRunner().invoke(app, ["kpi", str(folder), "--format", "json", "--today", TODAY.isoformat()])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert [(Path(f["path"]).name, f["status"]) for f in data["files"]] == [
        ("a_good.xlsx", "ok"),
        ("c_year_3012.xlsx", "ok"),
        ("b_lying.xlsx", "error"),
    ]
    assert data["files"][2]["error"].startswith("file-too-large: ")
    assert data["groups"]["All"][0]["name"] == "On-time delivery (OTD)"
    text = CliRunner().invoke(app, ["kpi", str(folder)])
    assert text.exit_code == 2
    assert f"cannot use {folder / 'b_lying.xlsx'}: file-too-large" in text.stderr
    assert "On-time delivery (OTD)" in text.stdout
    assert "panicked" not in result.output and "Traceback" not in result.output


def test_mark_reports_a_book_that_crashes_the_reader(tmp_path: Path) -> None:
    """(clear never reads cells, so the lying dimension is nothing to it: it runs in a child too.)"""
    book = lying_book(tmp_path / "lying.xlsx")
    before = digest(book)
    result = CliRunner().invoke(app, ["mark", str(book)])
    assert result.exit_code == 2
    assert f"error: {book}: " in result.stderr and "(file-too-large)" in result.stderr
    assert "panicked" not in result.output and "backtrace" not in result.output
    assert digest(book) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lying.xlsx"]


def test_a_date_beyond_datetime64_is_a_located_finding_in_every_action(tmp_path: Path) -> None:
    book = far_date_book(tmp_path / "far.xlsx")
    runner = CliRunner()
    check = runner.invoke(app, ["check", str(book), "--format", "json", "--today", TODAY.isoformat()])
    found = json.loads(check.stdout)["files"][0]["findings"]
    far = [
        (f["code"], f["sheet"], f["row"], f["column"], f["value"]) for f in found if f["value"] == FAR_TEXT
    ]
    far_cells = {(f["cell"], f["code"]) for f in found if f["value"] == FAR_TEXT}
    assert far == [
        ("schema-date-implausible", "Orders", 2, "ETD Actual", "3012-01-05"),
        ("schema-date-implausible", "Shipments", 2, "ATD", "3012-01-05"),
    ]
    kpi = runner.invoke(app, ["kpi", str(book), "--format", "json", "--today", TODAY.isoformat()])
    assert kpi.exit_code == 0, kpi.output
    assert json.loads(kpi.stdout)["files"] == [{"path": str(book), "status": "ok", "error": None}]
    marked = runner.invoke(app, ["mark", str(book), "--out", str(tmp_path / "marked.xlsx")])
    assert marked.exit_code == 0, marked.output
    issues = load_workbook(tmp_path / "marked.xlsx", read_only=True)["Issues"]
    cells = {(row[3], row[1]) for row in issues.iter_rows(min_row=2, values_only=True)}
    assert len(far_cells) == 2 and far_cells <= cells


def test_kpi_says_which_sheet_an_order_book_lacks(tmp_path: Path) -> None:
    no_lines = write_book(tmp_path / "no_lines.xlsx", [order()], [], shipments=[])
    from openpyxl import load_workbook as load

    wb = load(no_lines)
    del wb["Lines"]
    wb.save(no_lines)
    sheets = ", ".join(load(no_lines).sheetnames)
    found = read_kpi_books([no_lines])
    assert found.books == []
    assert found.left_out == {no_lines: f"not an order book: no Lines sheet (its sheets: {sheets})"}


def _raises_on_marked_books(book: Book, ctx: Context) -> list[Finding]:
    if "raises" in book.path.name:
        raise RuntimeError("a rule that fails on this book")
    return []


@pytest.fixture
def raising_rule() -> Iterator[None]:
    """A rule that raises on books named *raises*; children fork from this process and have it."""
    if sys.platform != "linux":
        pytest.skip("the children see a rule registered in the test only when they fork (Linux)")
    REGISTRY.append(Rule("raises_on_marked_books", ("schema-required",), (), _raises_on_marked_books))
    yield
    REGISTRY.pop()


@pytest.mark.usefixtures("raising_rule")
def test_a_rule_that_raises_costs_its_book_only(tmp_path: Path) -> None:
    good = good_book(tmp_path / "a_good.xlsx")
    bad = good_book(tmp_path / "b_raises.xlsx")
    shutil.copy(good, tmp_path / "c_good.xlsx")
    args = ["check", str(tmp_path), "--format", "json", "--today", TODAY.isoformat()]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    files = json.loads(result.stdout)["files"]
    assert [(Path(f["path"]).name, f["findings"]) for f in files if f["path"] != str(bad)] == [
        ("a_good.xlsx", []),
        ("c_good.xlsx", []),
    ]
    (judged,) = [f for f in files if f["path"] == str(bad)]
    said = json.dumps(judged)
    assert judged["status"] == "error" or "internal-error" in said
    assert "RuntimeError" in said
    before = digest(bad)
    out = tmp_path / "marked" / "b_raises.xlsx"
    out.parent.mkdir()
    marked = CliRunner().invoke(app, ["mark", str(bad), "--out", str(out)])
    assert digest(bad) == before
    if marked.exit_code == 2:  # the failure is the file's
        assert str(bad) in marked.output
    else:  # or one internal-error finding, listed with the rest
        issues = load_workbook(out, read_only=True)["Issues"]
        codes = [row[1] for row in issues.iter_rows(min_row=2, values_only=True)]
        assert codes == ["internal-error"]


def _double(path: Path, factor: int) -> int:
    return len(path.name) * factor


def test_run_isolated_is_generic_and_keeps_the_input_order(tmp_path: Path) -> None:
    paths = [good_book(tmp_path / name) for name in ("bb.xlsx", "a.xlsx", "cccc.xlsx")]
    missing = tmp_path / "missing.xlsx"
    outcomes = run_isolated([*paths, missing], _double, (10,), jobs=2)
    assert [(o.path.name, o.result, o.error.code if o.error else None) for o in outcomes] == [
        ("bb.xlsx", 70, None),
        ("a.xlsx", 60, None),
        ("cccc.xlsx", 90, None),
        ("missing.xlsx", None, "file-not-found"),
    ]


def test_findings_cross_the_process_boundary_intact(tmp_path: Path) -> None:
    """What a child sends back (columns) is exactly what an in-process check finds, in order."""
    from sheetsync.actions.check import check_path, check_paths
    from sheetsync.demo import demo_rows, write_demo
    from sheetsync.reporting.check_json import to_json, write_json

    book = write_demo(tmp_path / "demo.xlsx", demo_rows(40, seed=3, today=TODAY))
    (isolated,) = check_paths([book], TODAY)
    here = check_path(book, TODAY)
    assert len(here.findings) > 20
    assert list(isolated.findings) == list(here.findings)
    streamed = tmp_path / "out.json"
    with streamed.open("wb") as out:
        write_json([isolated], out)
    assert json.loads(streamed.read_text()) == to_json([here])


def test_a_reader_dying_on_a_signal_is_reported_as_damaged_or_a_bug_to_report(tmp_path: Path) -> None:
    import signal

    from sheetsync.actions.crash import crash_error

    book = tmp_path / "odd.xlsx"
    segv = crash_error(book, "Fatal Python error: Segmentation fault\n", None, -signal.SIGSEGV)
    assert segv.code == "file-corrupt"
    assert segv.message == (
        f"{book}: the reader crashed on it (signal SIGSEGV: Fatal Python error: Segmentation fault); "
        "the file is damaged or unusual: open it in Excel and save it again; if it still fails, "
        "please report it as a sheetsync bug with this message."
    )
    died = crash_error(book, "", None, 1)
    assert died.message == (
        f"{book}: the reader crashed on it (exit 1); "
        "the file is probably damaged: open it in Excel and save it again."
    )
    assert crash_error(book, "", 1 << 30, -signal.SIGKILL).code == "file-too-large"


def test_upgrade_reports_a_book_that_crashes_the_reader_and_leaves_it_untouched(tmp_path: Path) -> None:
    book = lying_book(tmp_path / "lying.xlsx")
    before = digest(book)
    result = CliRunner().invoke(app, ["upgrade", str(book)])
    assert result.exit_code == 2
    assert f"error: {book}: " in result.stderr and "(file-too-large)" in result.stderr
    assert "panicked" not in result.output and "Traceback" not in result.output
    assert digest(book) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lying.xlsx"]

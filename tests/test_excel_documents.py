"""The document buttons (Generate, Issue, Remove generated tabs, Buyer status update), clicked on
the demo book in the test Excel: the same tabs, register rows and files as the CLI, in blocks."""

# ruff: noqa: F811  (the fixtures are imported from excel_helpers and named as parameters)

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings as xw

import xlwings_engine as engine
from excel_helpers import TODAY, click, demo_file, excel, open_copy  # noqa: F401  (fixtures)
from sheetsync.actions.check import check_book, check_path
from sheetsync.actions.demo_documents import document_demo
from sheetsync.actions.generate import generate_file
from sheetsync.actions.issue import issue_file
from sheetsync.actions.mark import clear, mark_file
from sheetsync.actions.status import status_files
from sheetsync.contract.doc_layout import KINDS
from sheetsync.demo import demo_rows, write_demo
from sheetsync.excel.port import RULE, LiveBook
from sheetsync.excel_dates import excel_serial
from sheetsync.io.ooxml.apply_edits import write_edits

Excel = tuple[engine.Engine, xw.App]
ORDERS = ["KL001000", "NH-01001"]  # Orders rows 4 and 5 of the demo book: Closed, four documents each
NOW = dt.datetime(2026, 11, 25, 9, 0)


@pytest.fixture(scope="session")
def documented_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CLI's demo book: every shipped order documented, three documents spoiled on purpose."""
    path = tmp_path_factory.mktemp("documented") / "orders.xlsx"
    data = demo_rows(60, 7, TODAY)
    write_demo(path, data)
    document_demo(path, data)
    return path


def state(
    book: engine.BookModel,
) -> list[tuple[str, dict[tuple[int, int], Any], dict[tuple[int, int], str], int]]:
    return [(s.name, {k: v for k, v in s.values.items() if v is not None}, dict(s.formulas), len(s.rules))
            for s in book.sheet_list]  # fmt: skip


def cli_copy(source: Path, folder: Path, name: str = "orders.xlsx") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(source, folder / name))


def cells(ws: Any) -> dict[tuple[int, int], Any]:
    """An openpyxl sheet's non-blank cells (formulas as their text)."""
    return {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value not in (None, "")}


def serials(found: dict[tuple[int, int], Any]) -> dict[tuple[int, int], Any]:
    """Dates as the serial numbers a document tab stores (openpyxl shows date-formatted numbers as dates)."""
    return {k: float(excel_serial(v)) if isinstance(v, dt.datetime) else v for k, v in found.items()}


def register_rows(values: dict[tuple[int, int], Any], width: int = 14) -> list[list[Any]]:
    last = max((r for (r, _), v in values.items() if v is not None), default=1)
    return [[values.get((r, c)) for c in range(1, width + 1)] for r in range(2, last + 1)]


def per_sheet(impl: engine.Engine, kind: str) -> dict[str, int]:
    return {k.split(":", 1)[1]: n for k, n in impl.calls.items() if k.startswith(f"{kind}:")}


def test_generate_adds_the_clis_tabs_for_the_selected_orders_in_blocks(
    excel: Excel, demo_file: Path, tmp_path: Path
) -> None:
    impl, app = excel
    book = open_copy(app, demo_file, tmp_path)
    own = [s.name for s in book.sheet_list]
    app.books.active.sheets["Orders"].range("B4:C5").select()
    impl.reset_calls()
    click(app, "generate")
    assert "Remove generated tabs takes these changes out again" in app.impl.alerts[0].prompt
    generated = book.sheet("Documents").values[(2, 6)]
    assert isinstance(generated, dt.datetime)
    cli = cli_copy(demo_file, tmp_path / "cli")
    generate_file(cli, ORDERS, now=generated, backup=False)
    wb = openpyxl.load_workbook(cli)
    added = [s.name for s in book.sheet_list][len(own) :]
    assert added == wb.sheetnames[len(own) :] and len(added) == 8  # the same tabs, after the book's own
    assert app.impl.status_history[-1] == f"Generated 8 document tab(s): {', '.join(added)}."
    for name in added:
        ws, tab = wb[name], book.sheet(name)
        assert {**{k: v for k, v in tab.values.items() if v is not None}, **tab.formulas} == serials(
            cells(ws)
        )
        formats = {k: ws.cell(*k).number_format for k in cells(ws)}
        assert {k: f for k, f in formats.items() if f != "General"} == {
            k: tab.number_formats[k] for k in cells(ws) if k in tab.number_formats
        }
        assert {k for k in cells(ws) if ws.cell(*k).font.b} == {k for k in cells(ws) if k in tab.bold}
        assert {str(m) for m in ws.merged_cells.ranges} == {
            engine.area_address(m, absolute=False) for m in tab.merges
        }
        assert tab.hidden_columns == {10} and ws.column_dimensions["J"].hidden
        assert tab.row_heights == {r: d.height for r, d in ws.row_dimensions.items() if d.customHeight}
        assert f"'{name}'!{tab.print_area}" == ws.print_area
        # A one-page tab repeats no header row (the CLI writes none either); a long one does.
        titles = tab.names.get("Print_Titles")
        assert titles == (f"='{name}'!{ws.print_title_rows}" if ws.print_title_rows else None)
        assert tab.gridlines is False
    docs = openpyxl.load_workbook(cli)["Documents"]
    assert register_rows(book.sheet("Documents").values) == [
        [c.value for c in row] for row in docs.iter_rows(min_row=2, max_col=14)
    ]
    # blocks, never cell by cell: each sheet read once, one write per tab and one for the register
    assert per_sheet(impl, "read_values") == dict.fromkeys(own, 1)
    assert impl.calls["read_formulas"] == 0 and impl.calls["sheet_add"] == 8
    assert impl.calls["write_values"] == 8 + 1


def test_generate_without_order_rows_selected_says_what_to_select(
    excel: Excel, demo_file: Path, tmp_path: Path
) -> None:
    _, app = excel
    book = open_copy(app, demo_file, tmp_path)
    before = state(book)
    app.books.active.sheets["Settings"].range("A1").select()
    click(app, "generate")
    assert app.impl.alerts[-1].prompt.startswith("Select the rows of the orders first")
    assert state(book) == before


def test_remove_takes_out_the_selected_orders_tabs_then_all_and_the_book_is_as_before(
    excel: Excel, demo_file: Path, tmp_path: Path
) -> None:
    impl, app = excel
    book = open_copy(app, demo_file, tmp_path)
    before = state(book)
    wb = app.books.active
    wb.sheets["Orders"].range("A4:A5").select()
    click(app, "generate")
    wb.sheets["Orders"].range("C4").select()  # KL001000's row only
    impl.reset_calls()
    click(app, "remove")
    assert "Generate documents puts them back" in app.impl.alerts[-1].prompt
    assert [s.name for s in book.sheet_list][6:] == [
        "CI NH-01001",
        "PL NH-01001",
        "SI NH-01001",
        "CO NH-01001",
    ]
    rows = register_rows(book.sheet("Documents").values)
    assert [r[0] for r in rows] == ["CI NH-01001 R1", "PL NH-01001 R1", "SI NH-01001 R1", "CO NH-01001 R1"]
    assert app.impl.status_history[-1] == "Removed 4 tab(s) and 4 register row(s)."
    assert per_sheet(impl, "read_values")["Documents"] == 1
    assert impl.calls["write_values"] == 1 and impl.calls["clear_contents"] == 1

    wb.sheets["Settings"].range("A1").select()  # nothing selected to remove: all, once asked
    app.impl.answers = ["cancel"]
    click(app, "remove")
    assert app.impl.alerts[-1].prompt == (
        "No order rows or document tab selected: remove all 4 generated tabs?"
    )
    assert len(book.sheet_list) == 10
    click(app, "remove")
    assert state(book) == before


def test_issue_freezes_the_active_tab_as_the_cli_does_and_remove_keeps_it(
    excel: Excel, demo_file: Path, tmp_path: Path
) -> None:
    impl, app = excel
    ribbon_copy = cli_copy(demo_file, tmp_path / "ribbon")
    generate_file(ribbon_copy, ORDERS[:1], now=NOW, backup=False)  # cached values, as Excel would have
    cli = cli_copy(ribbon_copy, tmp_path / "cli")
    book = engine.load_book(app.impl, ribbon_copy)
    tab = "CI KL001000"
    app.books.active.sheets[tab].range("B5").select()
    impl.reset_calls()
    click(app, "issue")
    issue_file(cli, "CI KL001000 R1", backup=False, now=NOW, pdf=False)
    wb = openpyxl.load_workbook(cli)
    frozen = book.sheet(tab)
    assert frozen.formulas == {}
    assert {k: v for k, v in frozen.values.items() if v is not None} == cells(wb[tab])
    box = KINDS["invoice"].box_cell("Document No")
    assert box is not None
    assert frozen.values[engine.parse_area(box)[:2]] == "CI-00001" == wb[tab][box].value
    ribbon_rows = register_rows(book.sheet("Documents").values)
    cli_rows = [[c.value for c in row] for row in wb["Documents"].iter_rows(min_row=2, max_col=14)]
    assert [r[:12] for r in ribbon_rows] == [r[:12] for r in cli_rows]  # all but the issue time
    assert ribbon_rows[0][0] == "CI-00001" and isinstance(ribbon_rows[0][12], dt.datetime)
    pdf = tmp_path / "ribbon" / f"{tab}.pdf"
    assert app.impl.status_history[-1] == (
        f"Issued CI KL001000 R1 as CI-00001: tab {tab} now holds values; PDF {pdf}."
    )
    assert book.pdfs == [(str(pdf), [tab])] and pdf.is_file()  # Excel exported the tab alone
    assert all(s.visible for s in book.sheet_list)  # and every sheet is shown again
    assert max(per_sheet(impl, "read_values").values()) == 1
    assert max(per_sheet(impl, "read_formulas").values()) == 1  # each registered tab, once
    assert per_sheet(impl, "read_values")[tab] == 1

    click(app, "remove")  # the selection is on the issued tab: it stays as sent
    assert app.impl.alerts[-1].prompt == "Kept:\nCI KL001000 holds CI-00001, issued: it stays as sent."
    assert tab in [s.name for s in book.sheet_list]


def test_buyer_status_update_is_the_clis_workbook_for_the_selected_orders_buyer(
    excel: Excel, demo_file: Path, tmp_path: Path
) -> None:
    _, app = excel
    book = open_copy(app, demo_file, tmp_path)
    before = state(book)
    app.books.active.sheets["Orders"].range("D5").select()  # NH-01001, Nordic Home AB
    impl, _ = excel
    impl.reset_calls()
    click(app, "status")
    assert per_sheet(impl, "read_values") == dict.fromkeys([s.name for s in book.sheet_list], 1)
    assert impl.calls["write_values"] == 0
    made = tmp_path / "Status Nordic Home AB.xlsx"
    assert app.impl.opened == [str(made)]
    assert app.impl.alerts == []  # writes no change to the book: no undo warning
    assert state(book) == before
    cli = tmp_path / "cli.xlsx"
    status_files(demo_file, "Nordic Home AB", cli)
    ours, theirs = openpyxl.load_workbook(made)["Status"], openpyxl.load_workbook(cli)["Status"]
    assert cells(ours) == cells(theirs) and len(cells(ours)) > 20
    assert not [c for row in ours.iter_rows() for c in row if c.data_type == "f"]  # values only


def test_the_live_book_reads_the_document_tabs_like_the_file_reader(
    excel: Excel, documented_demo: Path, tmp_path: Path
) -> None:
    impl, app = excel
    model = open_copy(app, documented_demo, tmp_path)
    impl.reset_calls()
    with engine.run_python(app.impl):
        found = check_book(LiveBook(xw.Book.caller()).read())
    expected = check_path(documented_demo).findings
    assert found == expected
    assert {f.code for f in found} >= {"doc-totals-mismatch", "doc-party-mismatch"}
    tabs = [s.name for s in model.sheet_list][6:]
    assert len(tabs) > 20
    assert per_sheet(impl, "read_values") == dict.fromkeys([s.name for s in model.sheet_list], 1)
    assert per_sheet(impl, "read_formulas") == dict.fromkeys(tabs, 1)


def _tab_marks(book: engine.BookModel) -> dict[str, int]:
    return {
        s.name: sum(r.formula == RULE for r in s.rules)
        for s in book.sheet_list
        if s.name[:3] in ("CI ", "PL ")
    }


def test_marks_on_document_tabs_are_cleared_by_the_cli_and_the_clis_by_the_ribbon(
    excel: Excel, documented_demo: Path, tmp_path: Path
) -> None:
    _, app = excel
    book = open_copy(app, documented_demo, tmp_path / "ribbon")
    click(app, "mark")
    assert sum(_tab_marks(book).values()) >= 2  # the typed-over total and consignee are marked
    saved = tmp_path / "ribbon" / "saved.xlsx"
    book.save(str(saved))
    write_edits(saved, clear(saved), backup=False)
    wb = openpyxl.load_workbook(saved)
    assert "Issues" not in wb.sheetnames
    assert all(not list(ws.conditional_formatting) for ws in wb.worksheets)

    cli = cli_copy(documented_demo, tmp_path / "cli", "cli-marked.xlsx")
    mark_file(cli, backup=False)
    marked = engine.load_book(app.impl, cli)
    assert sum(_tab_marks(marked).values()) >= 2
    click(app, "clear")
    assert all(not s.rules for s in marked.sheet_list)
    assert "Issues" not in [s.name for s in marked.sheet_list]


def _book_cells(path: Path) -> dict[str, dict[tuple[int, int], Any]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: cells(ws) for ws in wb.worksheets}


def test_the_cli_twin_removes_what_generate_added_and_the_book_is_as_before(
    demo_file: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from sheetsync.cli import app as cli

    book = cli_copy(demo_file, tmp_path)
    generate_file(book, ORDERS, now=NOW, backup=False)
    runner = CliRunner()
    done = runner.invoke(cli, ["remove", str(book), "--order", ORDERS[0], "--no-backup"])
    assert done.exit_code == 0, done.output
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames[6:] == ["CI NH-01001", "PL NH-01001", "SI NH-01001", "CO NH-01001"]
    assert [r[0].value for r in wb["Documents"].iter_rows(min_row=2)] == [
        "CI NH-01001 R1", "PL NH-01001 R1", "SI NH-01001 R1", "CO NH-01001 R1"
    ]  # fmt: skip
    assert wb["Documents"].tables["Documents"].ref == "A1:N5"
    assert runner.invoke(cli, ["remove", str(book), "--all", "--no-backup"]).exit_code == 0
    assert _book_cells(book) == _book_cells(demo_file)
    assert check_path(book).findings == check_path(demo_file).findings


def test_ribbon_and_cli_removal_leave_the_same_book(excel: Excel, demo_file: Path, tmp_path: Path) -> None:
    from sheetsync.actions.remove import remove_file

    _, app = excel
    book = open_copy(app, demo_file, tmp_path / "ribbon")
    app.books.active.sheets["Orders"].range("A4:A5").select()
    click(app, "generate")
    app.books.active.sheets["Orders"].range("A5").select()
    click(app, "remove")
    generated = book.sheet("Documents").values[(2, 6)]
    cli = cli_copy(demo_file, tmp_path / "cli", "cli.xlsx")
    generate_file(cli, ORDERS, now=generated, backup=False)
    remove_file(cli, [ORDERS[1]], backup=False)
    wb = openpyxl.load_workbook(cli)
    assert [s.name for s in book.sheet_list] == wb.sheetnames
    assert register_rows(book.sheet("Documents").values) == [
        [c.value for c in row] for row in wb["Documents"].iter_rows(min_row=2, max_col=14)
    ]


def test_a_users_own_sheet_with_a_registered_tabs_name_is_never_removed(
    demo_file: Path, tmp_path: Path
) -> None:
    from sheetsync.actions.remove import remove_file
    from sheetsync.findings import FileError

    book = cli_copy(demo_file, tmp_path)
    generate_file(book, ORDERS[:1], now=NOW, backup=False)
    wb = openpyxl.load_workbook(book)
    wb["PL KL001000"]["A1"] = "My packing notes"
    wb.save(book)
    before = book.read_bytes()
    with pytest.raises(FileError) as raised:
        remove_file(book, ORDERS[:1], backup=False)
    assert raised.value.code == "file-sheet-taken" and book.read_bytes() == before

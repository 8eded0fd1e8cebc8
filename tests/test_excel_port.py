"""The workbook port through xlwings' own API on the test engine: one read per sheet, the file
path's findings exactly, and the same marks as the CLI (each side clears the other's)."""

# ruff: noqa: F811  (the fixtures are imported from excel_helpers and named as parameters)

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import xlwings as xw

import xlwings_engine as engine
from excel_helpers import click, demo_file, excel, open_copy  # noqa: F401  (fixtures)
from sheetsync.actions.check import check_book, check_path
from sheetsync.actions.mark import ISSUES_HEADERS, clear, mark, mark_file, marks
from sheetsync.excel.port import RULE, LiveBook, address_chunks, cell_value, hyperlink
from sheetsync.findings import FileError
from sheetsync.io.ooxml.apply_edits import write_edits
from sheetsync.io.ooxml.highlights import areas

Excel = tuple[engine.Engine, xw.App]


def caller(app: xw.App) -> xw.Book:
    with engine.run_python(app.impl):
        return xw.Book.caller()


def marked(book: engine.BookModel) -> dict[str, set[tuple[int, int]]]:
    """sheet -> the cells sheetsync's rules cover."""
    found: dict[str, set[tuple[int, int]]] = {}
    for sheet in book.sheet_list:
        for rule in sheet.rules:
            if rule.formula == RULE:
                cells = found.setdefault(sheet.name, set())
                for r1, c1, r2, c2 in rule.areas:
                    cells |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    return found


def expected_marks(book_path: Path) -> dict[str, set[tuple[int, int]]]:
    findings = check_path(book_path).findings
    _, highlights = marks(findings, [s for s in openpyxl.load_workbook(book_path, read_only=True).sheetnames])
    return {h.sheet: {(r, c) for a in areas(h.cells) for r, c in _cells(a)} for h in highlights}


def _cells(area: str) -> list[tuple[int, int]]:
    r1, c1, r2, c2 = engine.parse_area(area)
    return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def test_the_live_book_gives_exactly_the_file_paths_findings_with_one_read_per_sheet(
    excel: Excel, demo_file: Path, tmp_path: Path
) -> None:
    impl, app = excel
    model = open_copy(app, demo_file, tmp_path)
    impl.reset_calls()
    live = LiveBook(caller(app))
    found = check_book(live.read())
    assert found == check_path(demo_file).findings
    assert len(found) > 50
    assert impl.calls["read_values"] == len(model.sheet_list) == 6  # Orders ... Settings, once each
    live.read()
    assert impl.calls["read_values"] == 6  # a port reads a sheet once


def test_unsaved_edits_are_checked(excel: Excel, demo_file: Path, tmp_path: Path) -> None:
    _, app = excel
    model = open_copy(app, demo_file, tmp_path)
    orders = model.sheet("Orders")
    header = next(r for (r, c), v in sorted(orders.values.items()) if v == "Incoterm")
    column = next(c for (r, c), v in orders.values.items() if r == header and v == "Incoterm")
    orders.values[(header + 1, column)] = "DDU"  # typed in Excel, not saved
    found = check_book(LiveBook(caller(app)).read())
    cell = f"{engine.get_column_letter(column)}{header + 1}"
    assert ("trade-incoterm-retired", "Orders", header + 1, cell) in {
        (f.code, f.sheet, f.row, f.cell) for f in found
    }
    assert ("trade-incoterm-retired", "Orders", header + 1) not in {
        (f.code, f.sheet, f.row) for f in check_path(demo_file).findings
    }


def test_marks_from_the_ribbon_are_the_files_marks(excel: Excel, demo_file: Path, tmp_path: Path) -> None:
    impl, app = excel
    model = open_copy(app, demo_file, tmp_path)
    impl.reset_calls()
    live = LiveBook(caller(app))
    findings = check_book(live.read())
    live.apply(mark(live.path, findings, live.names()))
    assert marked(model) == expected_marks(demo_file)
    issues = model.sheet("Issues")
    assert [s.name for s in model.sheet_list][-1] == "Issues"
    assert tuple(issues.values[(1, c)] for c in range(1, 9)) == ISSUES_HEADERS
    assert max(r for r, _ in issues.values) == len(findings) + 1
    links = [f for (r, c), f in issues.formulas.items() if c == 4]
    assert len(links) == len(findings) and all(f.startswith("=HYPERLINK(\"#'") for f in links)
    assert (1, 1) in issues.bold and issues.frozen == "A2"
    # blocks, never cell by cell: 1 value write for the Issues sheet, a few rules per sheet
    assert impl.calls["write_values"] == 1
    assert impl.calls["read_values"] <= 6
    assert impl.calls["cf_add"] == sum(len(address_chunks(_addresses(model, s))) for s in marked(model))


def _addresses(model: engine.BookModel, sheet: str) -> list[str]:
    return [
        f"{engine.get_column_letter(c)}{r}"
        for r, c in sorted(marked(model)[sheet], key=lambda rc: (rc[1], rc[0]))
    ]


def test_ribbon_clear_removes_the_clis_marks(excel: Excel, demo_file: Path, tmp_path: Path) -> None:
    _, app = excel
    cli_marked = tmp_path / "cli" / "orders.xlsx"
    cli_marked.parent.mkdir()
    cli_marked.write_bytes(demo_file.read_bytes())
    mark_file(cli_marked, backup=False)
    model = engine.load_book(app.impl, cli_marked)
    assert marked(model) == expected_marks(demo_file)  # the file writer's rules, read back
    live = LiveBook(caller(app))
    live.apply(clear(live.path))
    assert marked(model) == {}
    assert "Issues" not in [s.name for s in model.sheet_list]


def test_cli_clear_removes_the_ribbons_marks(excel: Excel, demo_file: Path, tmp_path: Path) -> None:
    _, app = excel
    model = open_copy(app, demo_file, tmp_path)
    click(app, "mark")
    saved = tmp_path / "saved.xlsx"
    model.save(str(saved))
    assert openpyxl.load_workbook(saved)["Orders"].conditional_formatting
    write_edits(saved, clear(saved), backup=False)
    wb = openpyxl.load_workbook(saved)
    assert "Issues" not in wb.sheetnames
    assert all(not list(ws.conditional_formatting) for ws in wb.worksheets)


def test_a_users_own_issues_sheet_is_never_replaced(excel: Excel, demo_file: Path, tmp_path: Path) -> None:
    _, app = excel
    model = open_copy(app, demo_file, tmp_path)
    own = engine.SheetModel("Issues", "Sheet9", values={(1, 1): "My own notes"})
    model.sheet_list.append(own)
    live = LiveBook(caller(app))
    with pytest.raises(FileError, match="its own sheet named 'Issues'"):
        live.apply(clear(live.path))
    assert model.sheet("Issues") is own and own.values == {(1, 1): "My own notes"}


def test_addresses_stay_within_excels_255_characters() -> None:
    cells = tuple(f"{col}{row}" for col in ("B", "D", "F", "XFD") for row in range(2, 400, 2))
    chunks = address_chunks(cells)
    assert all(len(c) <= 255 for c in chunks)
    covered = {a for c in chunks for a in c.split(",")}
    assert covered == set(areas(cells))
    assert address_chunks(("B2", "B3", "B4")) == ["B2:B4"]


def test_text_stays_text_and_links_are_formulas() -> None:
    assert cell_value("=cmd|'/c calc'!A1") == "'=cmd|'/c calc'!A1"
    assert cell_value("1001") == "'1001"
    assert cell_value(12.5) == 12.5 and cell_value(None) is None and cell_value("") is None
    assert hyperlink("'Orders'!B12", "B12") == '=HYPERLINK("#\'Orders\'!B12","B12")'
    assert hyperlink("'My \"q\"'!A1", 'say "hi"') == '=HYPERLINK("#\'My ""q""\'!A1","say ""hi""")'


def test_a_document_is_registered_in_one_row_block_and_updated_in_place(
    excel: Excel, demo_file: Path, tmp_path: Path
) -> None:
    import datetime as dt

    from sheetsync.edits import RegisterDocument

    impl, app = excel
    model = open_copy(app, demo_file, tmp_path)
    live = LiveBook(caller(app))
    invoice = {"doc_no": "CI-0001", "type": "Commercial Invoice", "order_no": "KL001000",
               "sheet": "CI-0001", "generated": dt.date(2026, 11, 25), "amount": 1250.5}  # fmt: skip
    impl.reset_calls()
    live.apply([RegisterDocument(invoice)])
    live.apply([RegisterDocument({**invoice, "amount": 1300.0})])  # the same Doc No: its row is updated
    live.apply([RegisterDocument({**invoice, "doc_no": "PL-0001", "type": "Packing List"})])
    docs = model.sheet("Documents")
    rows = {r: [docs.values.get((r, c)) for c in range(1, 8)] for r in (2, 3, 4)}
    assert rows[2] == [
        "CI-0001",
        "Commercial Invoice",
        "KL001000",
        None,
        "CI-0001",
        dt.datetime(2026, 11, 25),
        1300.0,
    ]
    assert rows[3][:2] == ["PL-0001", "Packing List"]
    assert rows[4] == [None] * 7
    assert impl.calls["write_values"] == 3  # one row block per document


def test_a_big_issues_sheet_is_written_in_xlwings_chunks_not_cells(excel: Excel, tmp_path: Path) -> None:
    from sheetsync.edits import OwnedColumn, ReplaceSheet

    impl, app = excel
    model = engine.BookModel(app.impl, "big.xlsx", str(tmp_path / "big.xlsx"))
    model.sheet_list.append(engine.SheetModel("Orders", "Sheet1", values={(1, 1): "Order No"}))
    app.impl.book_list.append(model)
    app.impl.active_book = model
    rows = tuple((f"text {i}", float(i)) for i in range(60_000))  # 120,002 cells: above xlwings' 100,000
    sheet = ReplaceSheet("Issues", (OwnedColumn("Message", 40), OwnedColumn("Value", 10)), rows)
    impl.reset_calls()
    LiveBook(caller(app)).apply([sheet])
    written = model.sheet("Issues")
    assert written.values[(60_001, 1)] == "text 59999" and written.values[(60_001, 2)] == 59_999.0
    assert impl.calls["write_values"] == 2  # xlwings' own chunking of one block, never cell by cell


def test_every_number_format_of_the_edit_model_has_its_code() -> None:
    from sheetsync.edits import NUMBER_FORMATS
    from sheetsync.excel.port import FORMAT_CODES

    assert set(FORMAT_CODES) == set(NUMBER_FORMATS)


def test_no_documents_register_is_the_file_writers_error(
    excel: Excel, demo_file: Path, tmp_path: Path
) -> None:
    from sheetsync.edits import RegisterDocument

    _, app = excel
    model = open_copy(app, demo_file, tmp_path)
    model.sheet_list.remove(model.sheet("Documents"))
    before = [(s.name, dict(s.values)) for s in model.sheet_list]
    live = LiveBook(caller(app))
    with pytest.raises(FileError) as raised:
        live.apply([RegisterDocument({"doc_no": "CI-0001"})])
    assert raised.value.code == "file-no-register"
    assert [(s.name, dict(s.values)) for s in model.sheet_list] == before

"""`sheetsync mark` / `clear`: the Issues sheet, the highlights, and the safety of the write."""

from __future__ import annotations

import errno
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from helpers import TODAY, line, order, write_book
from sheetsync import excel_limits
from sheetsync.actions import mark as mark_module
from sheetsync.actions.check import check_path
from sheetsync.actions.mark import ISSUES_HEADERS, mark
from sheetsync.cli import app
from sheetsync.cli import mark as cli_mark
from sheetsync.findings import FileError, finding
from sheetsync.io.ooxml import package as package_module
from sheetsync.io.ooxml import parts as parts_module
from sheetsync.io.ooxml.apply_edits import write_edits
from sheetsync.io.ooxml.safe_write import snapshot

runner = CliRunner()
BAD_ORDER = order(**{"Order No": "PO-1002", "Incoterm": "DDU", "Buyer Country": "XX"})
BAD_LINE = line(**{"Order No": "PO-1002", "Amount": 5})


def bad_book(tmp_path: Path, name: str = "orders.xlsx") -> Path:
    return write_book(tmp_path / name, [order(), BAD_ORDER], [line(), BAD_LINE])


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def issues_of(path: Path) -> list[tuple[object, ...]]:
    ws = openpyxl.load_workbook(path)["Issues"]
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


def marked_cells(path: Path) -> dict[str, str]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: " ".join(str(cf.sqref) for cf in ws.conditional_formatting) for ws in wb}


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".sheetsync-tmp")]


def test_mark_writes_the_issues_sheet_sorted_and_linked(tmp_path: Path) -> None:
    book = bad_book(tmp_path)
    output = invoke("mark", str(book), "--today", TODAY.isoformat())
    assert "3 findings in the Issues sheet; 3 cells highlighted on 2 sheets" in output
    assert issues_of(book) == [
        ISSUES_HEADERS,
        ("error", "calc-line-amount", "Lines", "J3", "PO-1002", "Amount",
         "Should be USD 4,200.00; restore the formula.", "5"),
        ("error", "code-country", "Orders", "D3", "PO-1002", "Buyer Country",
         "Use the ISO code (2 letters, e.g. CN).", "XX"),
        ("error", "trade-incoterm-retired", "Orders", "G3", "PO-1002", "Incoterm", "Use DAP.", "DDU"),
    ]  # fmt: skip
    ws = openpyxl.load_workbook(book)["Issues"]
    assert [ws[f"D{r}"].hyperlink.location for r in (2, 3, 4)] == ["'Lines'!J3", "'Orders'!D3", "'Orders'!G3"]
    assert (ws.auto_filter.ref, ws.freeze_panes, ws["A1"].font.b) == ("A1:H4", "A2", True)
    assert ws.column_dimensions["G"].width == 60


def test_mark_highlights_exactly_the_cells_of_the_findings(tmp_path: Path) -> None:
    book = bad_book(tmp_path)
    invoke("mark", str(book), "--today", TODAY.isoformat())
    assert marked_cells(book) == {"Orders": "D3 G3", "Lines": "J3", "Settings": "", "Issues": ""}


def test_a_clean_book_gets_an_empty_issues_sheet_and_no_highlight(tmp_path: Path) -> None:
    book = write_book(tmp_path / "clean.xlsx", [order(**{"Buyer": "  Nordic Home AB "})], [line()])
    output = invoke("mark", str(book), "--today", TODAY.isoformat())
    assert "0 findings in the Issues sheet; 0 cells highlighted on 0 sheets" in output
    assert issues_of(book) == [ISSUES_HEADERS]
    assert marked_cells(book) == {"Orders": "", "Lines": "", "Settings": "", "Issues": ""}


def test_formula_like_text_stays_text(tmp_path: Path) -> None:
    book = write_book(tmp_path / "orders.xlsx", [order()], [line()])
    evil = "=cmd|' /C calc'!A0"
    found = [
        finding("schema-type", "Orders", 2, "Buyer", "C2", "PO-1001", value=evil, type="text"),
        finding("schema-type", "Orders", 2, "Consignee", "E2", "PO-1001", value="+1-2", type="text"),
    ]
    write_edits(book, mark(book, found), backup=False)
    with zipfile.ZipFile(book) as z:
        issues = z.read("xl/worksheets/sheet4.xml")
    assert b"<f>" not in issues and b"<f " not in issues
    ws = openpyxl.load_workbook(book)["Issues"]
    assert (ws["H2"].value, ws["H2"].data_type, ws["H3"].value) == (evil, "s", "+1-2")


def test_mark_in_place_keeps_a_backup_and_clear_restores_the_book(tmp_path: Path) -> None:
    book = bad_book(tmp_path)
    original = book.read_bytes()
    output = invoke("mark", str(book), "--today", TODAY.isoformat())
    assert "orders.bak.xlsx" in output.replace("\n", "")
    assert (tmp_path / "orders.bak.xlsx").read_bytes() == original
    invoke("clear", str(book), "--no-backup")
    assert book.read_bytes() == original  # same parts, same compression: the very same file
    assert no_temp_files(tmp_path)


def test_out_writes_elsewhere_and_leaves_the_book_alone(tmp_path: Path) -> None:
    book = bad_book(tmp_path)
    original = book.read_bytes()
    invoke("mark", str(book), "--out", str(tmp_path / "marked.xlsx"), "--today", TODAY.isoformat())
    assert book.read_bytes() == original
    assert len(issues_of(tmp_path / "marked.xlsx")) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["marked.xlsx", "orders.xlsx"]


def test_a_book_open_in_excel_is_refused(tmp_path: Path) -> None:
    book = bad_book(tmp_path)
    (tmp_path / "~$orders.xlsx").write_bytes(b"\x00lock")
    original = book.read_bytes()
    result = runner.invoke(app, ["mark", str(book), "--today", TODAY.isoformat()])
    assert result.exit_code == 2 and "file-locked" in result.output
    assert book.read_bytes() == original and no_temp_files(tmp_path)


def test_a_book_changed_since_it_was_read_is_refused(tmp_path: Path) -> None:
    book = bad_book(tmp_path)
    read_as = snapshot(book)
    write_book(book, [order()], [line()])  # a colleague saved it meanwhile
    theirs = book.read_bytes()
    with pytest.raises(FileError) as error:
        write_edits(book, mark(book, []), read_as=read_as)
    assert error.value.code == "file-changed"
    assert book.read_bytes() == theirs and no_temp_files(tmp_path)


def test_a_read_only_book_is_refused(tmp_path: Path) -> None:
    book = bad_book(tmp_path)
    book.chmod(0o444)
    original = book.read_bytes()
    result = runner.invoke(app, ["mark", str(book), "--today", TODAY.isoformat()])
    assert result.exit_code == 2 and "file-read-only" in result.output
    assert book.read_bytes() == original and no_temp_files(tmp_path)


def test_a_full_disk_leaves_the_book_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = bad_book(tmp_path)
    original = book.read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(FileError) as error:
        write_edits(book, mark(book, []))
    assert error.value.code == "file-disk-full"
    assert book.read_bytes() == original and no_temp_files(tmp_path)


def test_a_book_that_disappears_mid_write_gets_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = bad_book(tmp_path)
    save = package_module.Package.save

    def save_then_vanish(self: package_module.Package, out: object) -> None:
        save(self, out)  # type: ignore[arg-type]
        book.unlink()  # someone moved the book away while we wrote

    monkeypatch.setattr(package_module.Package, "save", save_then_vanish)
    with pytest.raises(FileError) as error:
        write_edits(book, mark(book, []))
    assert error.value.code == "file-vanished"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_clear_on_a_book_never_marked_changes_nothing(tmp_path: Path) -> None:
    book = bad_book(tmp_path)
    original = book.read_bytes()
    invoke("clear", str(book), "--no-backup")
    assert book.read_bytes() == original


def test_a_file_that_is_no_workbook_gets_a_clear_error_and_stays_as_it_was(tmp_path: Path) -> None:
    book = tmp_path / "notes.xlsx"
    book.write_text("not a workbook")
    for command in ("mark", "clear"):
        result = runner.invoke(app, [command, str(book)])
        assert result.exit_code == 2 and "file-not-xlsx" in result.output, result.output
    missing = runner.invoke(app, ["clear", str(tmp_path / "missing.xlsx")])
    assert missing.exit_code == 2 and "file-not-found" in missing.output
    assert book.read_text() == "not a workbook" and sorted(p.name for p in tmp_path.iterdir()) == [
        "notes.xlsx"
    ]


def test_text_xml_cannot_hold_comes_back_exactly(tmp_path: Path) -> None:
    """Control characters and `_x0041_`-like text use Excel's escape; a reader that knows it
    (python-calamine, Excel) gets the user's text back exactly."""
    book = write_book(tmp_path / "orders.xlsx", [order()], [line()])
    value = 'a\x01b _x0041_ <&> "q"  '
    found = [finding("schema-type", "Orders", 2, "Buyer", "C2", "PO-1001", value=value, type="text")]
    write_edits(book, mark(book, found), backup=False)
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Issues").to_python()
    assert rows[1][7] == value


def test_past_excels_limits_the_issues_sheet_says_what_it_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excel holds 1,048,576 rows and 65,530 links per sheet; shrunk here to 3 rows and 1 link."""
    monkeypatch.setattr(excel_limits, "MAX_ROWS", 3)
    monkeypatch.setattr(mark_module, "MAX_ROWS", 3)
    monkeypatch.setattr(mark_module, "MAX_HYPERLINKS", 1)
    monkeypatch.setattr(cli_mark, "MAX_HYPERLINKS", 1)
    book = bad_book(tmp_path)
    output = invoke("mark", str(book), "--today", TODAY.isoformat())
    assert "1 findings in the Issues sheet; 3 cells highlighted on 2 sheets" in output
    assert "2 more findings did not fit (Excel's row limit)." in output
    assert "Cell links go on the first 1 rows" in output
    note = (
        "2 more findings are not listed: an Excel sheet holds 3 rows. "
        "`sheetsync check --format json` lists all."
    )
    assert issues_of(book)[1:] == [
        ("error", "calc-line-amount", "Lines", "J3", "PO-1002", "Amount",
         "Should be USD 4,200.00; restore the formula.", "5"),
        ("info", None, None, None, None, None, note, None),
    ]  # fmt: skip
    ws = openpyxl.load_workbook(book)["Issues"]
    assert ws["D2"].hyperlink.location == "'Lines'!J3"
    assert ws["D3"].hyperlink is None
    assert marked_cells(book)["Orders"] == "D3 G3"  # highlights are not capped


def test_only_the_first_links_fit_when_there_are_more_than_excel_allows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mark_module, "MAX_HYPERLINKS", 2)
    book = bad_book(tmp_path)
    invoke("mark", str(book), "--today", TODAY.isoformat())
    ws = openpyxl.load_workbook(book)["Issues"]
    links = [ws[f"D{r}"].hyperlink for r in (2, 3, 4)]
    assert [link.location if link else None for link in links] == ["'Lines'!J3", "'Orders'!D3", None]
    assert [ws[f"D{r}"].value for r in (2, 3, 4)] == ["J3", "D3", "G3"]


def test_a_disk_that_fills_while_a_part_is_compressed_leaves_the_book_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Big parts are deflated on worker threads; their failure reaches the caller like any other."""
    book = bad_book(tmp_path)
    original = book.read_bytes()

    def full(chunks: object, level: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(parts_module, "deflate", full)
    with pytest.raises(FileError) as error:
        write_edits(book, mark(book, check_path(book, TODAY).findings))
    assert error.value.code == "file-disk-full"
    assert book.read_bytes() == original and no_temp_files(tmp_path)


def test_one_marked_sheet_is_said_in_the_singular(tmp_path: Path) -> None:
    book = write_book(
        tmp_path / "orders.xlsx", [order(), BAD_ORDER], [line(), line(**{"Order No": "PO-1002"})]
    )
    output = invoke("mark", str(book), "--today", TODAY.isoformat())
    assert "2 findings in the Issues sheet; 2 cells highlighted on 1 sheet. Wrote" in output


def test_a_book_with_none_of_the_contract_sheets_has_nothing_to_mark(tmp_path: Path) -> None:
    """An invoice form is not an order book: no Issues sheet is added to it."""
    wb = openpyxl.Workbook()
    wb.active.title = "Invoice"
    wb.active["A1"] = "COMMERCIAL INVOICE"
    book = tmp_path / "invoice.xlsx"
    wb.save(book)
    before = book.read_bytes()
    output = invoke("mark", str(book), "--today", TODAY.isoformat())
    assert "Nothing to mark: invoice.xlsx has none of the order book's sheets" in " ".join(output.split())
    assert book.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["invoice.xlsx"]

"""RegisterDocument: a generated document's row in the Documents register, at the package level."""

from __future__ import annotations

import datetime as dt
import shutil
import warnings
from pathlib import Path

import openpyxl
import pytest

from helpers import TODAY, line, order
from sheetsync.actions.check import check_path
from sheetsync.edits import RegisterDocument
from sheetsync.findings import FileError
from sheetsync.io.ooxml.apply_edits import write_edits
from sheetsync.io.ooxml.register import value_xml
from sheetsync.workbook.template import build_template
from test_package_writer import libreoffice_copy, parts

TEMPLATE = Path(__file__).parent.parent / "workbook_templates" / "order_tracker.xlsx"
DOCUMENTS, TABLE = "xl/worksheets/sheet4.xml", "xl/tables/table4.xml"
INVOICE = {
    "doc_no": "CI-1001",
    "type": "Commercial Invoice",
    "order_no": "PO-1001",
    "shipment_no": "S1",
    "sheet": "CI PO-1001",
    "generated": dt.datetime(2026, 11, 25, 9, 30),
    "amount": 4200.0,
    "packages": 12.0,
}
PACKING = {"doc_no": "PL-1001", "type": "Packing List", "order_no": "PO-1001", "sheet": "PL PO-1001",
           "generated": dt.datetime(2026, 11, 25, 9, 31), "net_kg": 1800.0, "gross_kg": 1950.5}  # fmt: skip


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return build_template(tmp_path / "book.xlsx", {"Orders": [order()], "Lines": [line()]})


def register(book: Path, *documents: dict[str, object]) -> Path:
    write_edits(book, [RegisterDocument(d) for d in documents], backup=False)  # type: ignore[arg-type]
    return book


def register_rows(book: Path) -> tuple[str, list[list[object]]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(book)["Documents"]
    return ws.tables["Documents"].ref, [[c.value for c in row] for row in ws.iter_rows(min_row=2)]


def test_the_first_document_fills_the_tables_empty_row(book: Path) -> None:
    before = parts(book)
    register(book, INVOICE)
    ref, rows = register_rows(book)
    assert ref == "A1:N2"
    assert rows == [["CI-1001", "Commercial Invoice", "PO-1001", "S1", "CI PO-1001",
                     dt.datetime(2026, 11, 25, 9, 30), 4200, None, 12, None, None, *[None] * 3]]  # fmt: skip
    changed = {name for name, data in parts(book).items() if before.get(name) != data}
    assert changed == {DOCUMENTS}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(book)["Documents"]
    assert (ws["F2"].number_format, ws["G2"].number_format) == ("yyyy-mm-dd hh:mm", "#,##0.00")


def test_a_new_document_grows_the_table_and_a_regenerated_one_keeps_its_row(book: Path) -> None:
    register(book, INVOICE, PACKING)
    assert register_rows(book)[0] == "A1:N3"
    assert b'<autoFilter ref="A1:N3"/>' in parts(book)[TABLE]
    assert b'<dimension ref="A1:N3"/>' in parts(book)[DOCUMENTS]
    regenerated = {**INVOICE, "amount": 4410.0, "generated": dt.datetime(2026, 11, 26, 8, 0)}
    del regenerated["shipment_no"]
    register(book, regenerated)
    ref, rows = register_rows(book)
    assert ref == "A1:N3"
    assert rows[0] == ["CI-1001", "Commercial Invoice", "PO-1001", "S1", "CI PO-1001",
                       dt.datetime(2026, 11, 26, 8, 0), 4410, None, 12, None, None, *[None] * 3]  # fmt: skip
    assert rows[1] == ["PL-1001", "Packing List", "PO-1001", None, "PL PO-1001",
                       dt.datetime(2026, 11, 25, 9, 31), None, None, None, 1800, 1950.5,
                       *[None] * 3]  # fmt: skip


def test_the_register_reads_back_with_exactly_its_dangling_references(book: Path) -> None:
    """Every value reads back typed; only the tabs and shipment that were never made are flagged."""
    register(book, INVOICE, PACKING)
    report = check_path(book, TODAY)
    assert report.error is None
    found = [(f.code, f.row, f.column, f.cell, f.value) for f in report.findings if f.sheet == "Documents"]
    assert found == [
        ("schema-unknown-ref", 2, "Shipment No", "D2", "S1"),
        ("schema-unknown-ref", 2, "Sheet", "E2", "CI PO-1001"),
        ("schema-unknown-ref", 3, "Sheet", "E3", "PL PO-1001"),
    ]


@pytest.mark.libreoffice
def test_libreoffice_opens_the_register(book: Path, tmp_path: Path, soffice: Path) -> None:
    register(book, INVOICE, PACKING)
    ref, rows = register_rows(libreoffice_copy(soffice, book, tmp_path / "lo"))
    assert ref == "A1:N3"
    assert [row[:3] for row in rows] == [["CI-1001", "Commercial Invoice", "PO-1001"],
                                         ["PL-1001", "Packing List", "PO-1001"]]  # fmt: skip


def test_a_book_without_a_register_is_refused_untouched(tmp_path: Path) -> None:
    book = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Orders"
    wb.save(book)
    original = book.read_bytes()
    with pytest.raises(FileError) as error:
        register(book, INVOICE)
    assert error.value.code == "file-no-register"
    assert book.read_bytes() == original


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    shutil.copyfile(TEMPLATE, book)
    register(book, {**INVOICE, "sheet": '=HYPERLINK("http://x")'})
    assert b"<f>" not in parts(book)[DOCUMENTS]
    assert register_rows(book)[1][0][4] == '=HYPERLINK("http://x")'


def test_dates_count_from_the_books_epoch() -> None:
    assert value_xml(dt.datetime(2026, 11, 25, 12, 0), False) == (b"", b"<v>46351.5</v>")
    assert value_xml(dt.date(2026, 11, 25), True) == (b"", b"<v>44889.0</v>")
    assert value_xml(None, False) is None


@pytest.mark.libreoffice
def test_a_register_another_program_saved_is_found_and_updated(
    book: Path, tmp_path: Path, soffice: Path
) -> None:
    """LibreOffice writes shared strings, spans and its own ids; the header and Doc No row are found."""
    register(book, INVOICE)
    resaved = libreoffice_copy(soffice, book, tmp_path / "lo")
    register(resaved, {**INVOICE, "amount": 4410.0}, PACKING)
    ref, rows = register_rows(resaved)
    assert ref == "A1:N3"
    assert [(row[0], row[6]) for row in rows] == [("CI-1001", 4410), ("PL-1001", None)]


def test_a_register_write_that_would_damage_the_sheet_is_refused(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RegisterDocument goes through the same check as mark: a part that would not parse is never written."""
    from sheetsync.io.ooxml import register as register_module

    before = book.read_bytes()
    monkeypatch.setattr(register_module, "inline_string", lambda text: f"<is><q:t>{text}</q:t></is>")
    with pytest.raises(FileError) as caught:
        register(book, INVOICE)
    assert caught.value.code == "file-write-failed"
    assert f"{DOCUMENTS}: not well-formed XML (unbound prefix" in caught.value.message
    assert book.read_bytes() == before

"""Reading the document tabs: the fast path reads what the cell-by-cell path reads, and a tab
that is hostile (an entity, a part that inflates past what the zip declares, a wrong CRC)
is a file-level error of that book, never read.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest

from helpers import TODAY, departed_shipment, line, shipped_order
from hostile_books import bomb_stream, deflated, raw_zip
from sheetsync.actions.check import check_path
from sheetsync.actions.generate import generate_file
from sheetsync.contract.doc_layout import CHECKED_BOXES, KINDS, LETTERS
from sheetsync.io.ooxml.package import Package
from sheetsync.io.read.reader import read_book
from sheetsync.io.read.tabs import read_tabs
from sheetsync.workbook.template import build_template

NOW = dt.datetime(2026, 11, 25, 9, 30)
TAB = "CI PO-1001"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tabs") / "book.xlsx"
    lines = [line(), line(**{"Line": 2, "Description": "Linen throw & cushion", "Quantity": 300,
                             "Unit Price": 12.25, "Amount": 3675.0, "Cartons": 25})]  # fmt: skip
    rows = {"Orders": [shipped_order(lc=True)], "Lines": lines, "Shipments": [departed_shipment()]}
    build_template(path, rows, {"Exporter Name": "Sunrise Textiles Ltd", "Today": TODAY})
    generate_file(path, ["PO-1001"], ["invoice", "packing-list"], now=NOW, backup=False)
    return path


def tab_part(path: Path) -> str:
    package = Package(path)
    try:
        return package.sheet(TAB).part  # type: ignore[union-attr]
    finally:
        package.close()


def rebuilt(path: Path, out: Path, part: str, member: tuple[bytes, int, int]) -> Path:
    """A copy of the book with `part` stored as the given (deflated bytes, declared size, crc)."""
    with zipfile.ZipFile(path) as z:
        members = [(n, *deflated(z.read(n))) for n in z.namelist()]
    return raw_zip(out, [(n, *member) if n == part else (n, p, s, c) for n, p, s, c in members])


def with_tab_xml(path: Path, out: Path, change: re.Pattern[str] | None, to: str, prolog: str = "") -> Path:
    part = tab_part(path)
    with zipfile.ZipFile(path) as z:
        xml = z.read(part).decode()
    if change is not None:
        xml = change.sub(to, xml)
    if prolog:
        xml = xml.replace("?>", "?>" + prolog, 1)
    return rebuilt(path, out, part, deflated(xml))


def test_the_check_reads_the_tabs_values_and_formulas(book: Path) -> None:
    tab = read_book(book).tabs[TAB]
    assert tab.cells["A1"] == "COMMERCIAL INVOICE"
    assert tab.cells["F5"] == "PO-1001"  # the key cell: a value
    assert "F5" not in tab.formulas and "B3" in tab.formulas
    assert tab.cells["B3"] == "Sunrise Textiles Ltd"  # a formula's cached text
    description = next(v for v in tab.cells.values() if isinstance(v, str) and "Linen" in v)
    assert description == "Linen throw & cushion"  # &amp; unescaped


@pytest.mark.parametrize(
    ("pattern", "to"),
    [
        (r"<(/?)(?!\?)(\w)", r"<\1x:\2"),  # every element prefixed (the main namespace bound to x:)
        (r'<c r="([A-Z]+\d+)" s="(\d+)"', r'<c s="\2" r="\1"'),  # attributes in another order
        (r"<c ", "<c\n"),  # other whitespace after the element name
    ],
)
def test_unusual_xml_reads_as_the_usual(book: Path, tmp_path: Path, pattern: str, to: str) -> None:
    xml_changed = with_tab_xml(book, tmp_path / "odd.xlsx", re.compile(pattern), to)
    if "x:" in to:  # declare the prefix the elements now carry
        declared = f'<x:worksheet xmlns:x="{MAIN}" '
        root = re.compile(r"<x:worksheet ")
        xml_changed = with_tab_xml(xml_changed, tmp_path / "odd2.xlsx", root, declared)
    usual, odd = read_tabs(book, [TAB])[TAB], read_tabs(xml_changed, [TAB])[TAB]
    assert odd.cells == usual.cells
    assert odd.formulas == usual.formulas


def test_a_tab_declaring_an_entity_is_unsafe(book: Path, tmp_path: Path) -> None:
    path = with_tab_xml(book, tmp_path / "xxe.xlsx", None, "", prolog=XXE)
    report = check_path(path, TODAY)
    assert report.error is not None and report.error.code == "file-unsafe"
    assert "declares a DTD" in str(report.error)


def test_a_tab_inflating_past_its_declared_size_is_damaged(book: Path, tmp_path: Path) -> None:
    part = tab_part(book)
    with zipfile.ZipFile(book) as z:
        xml = z.read(part)
    head, tail = xml.split(b"</sheetData>")
    packed, _, crc = bomb_stream(head, b" " * (1 << 20), 256, b"</sheetData>" + tail)  # 256 MiB
    path = rebuilt(book, tmp_path / "bomb.xlsx", part, (packed, len(xml), crc))  # declares the tab's size
    report = check_path(path, TODAY)
    assert report.error is not None and report.error.code == "file-corrupt"


def test_a_tab_with_a_wrong_crc_is_damaged(book: Path, tmp_path: Path) -> None:
    part = tab_part(book)
    with zipfile.ZipFile(book) as z:
        packed, size, crc = deflated(z.read(part))
    path = rebuilt(book, tmp_path / "crc.xlsx", part, (packed, size, crc ^ 1))
    report = check_path(path, TODAY)
    assert report.error is not None and report.error.code == "file-corrupt"


def _split(ref: str) -> tuple[str, int]:
    found = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    assert found is not None
    return found.group(1), int(found.group(2))


def test_a_laid_out_tab_reads_the_cells_the_rules_look_at(book: Path) -> None:
    """With its kind known, a tab is read for the title, the box values and the line table."""
    kind = KINDS["invoice"]
    whole = read_tabs(book, [TAB])[TAB]
    laid = read_tabs(book, [TAB], {TAB: kind})[TAB]
    boxes = {kind.box_cell(label) for label in CHECKED_BOXES}
    wanted = {
        ref
        for ref in whole.cells
        if ref == "A1" or ref in boxes or (_split(ref)[1] > kind.table_row and _split(ref)[0] in LETTERS)
    }
    assert wanted > {"A1", "B3", "B5", "F5", f"A{kind.table_row + 1}"}
    assert "B4" in whole.cells and "B4" not in wanted  # the exporter's address: no rule reads it
    assert laid.cells == {ref: whole.cells[ref] for ref in wanted}
    assert laid.formulas == whole.formulas & wanted


def test_a_laid_out_tab_of_unusual_shape_is_read_whole(book: Path, tmp_path: Path) -> None:
    odd = with_tab_xml(book, tmp_path / "odd.xlsx", re.compile(r'<c r="(B5)" s="(\d+)"'), r'<c s="\2" r="\1"')
    laid = read_tabs(odd, [TAB], {TAB: KINDS["invoice"]})[TAB]
    assert laid.cells == read_tabs(book, [TAB])[TAB].cells  # B5 read all the same


def test_a_rule_reading_an_unchecked_box_fails_loudly(book: Path) -> None:
    """The reader reads only CHECKED_BOXES; a rule asking for another box is told so."""
    from sheetsync.rules.doc_tabs import documents
    from sheetsync.rules.engine import Context

    views = documents(read_book(book), Context(today=TODAY))
    assert views and views[0].box("Consignee") == "B5"
    with pytest.raises(KeyError, match="CHECKED_BOXES"):
        views[0].box("Vessel / Flight")

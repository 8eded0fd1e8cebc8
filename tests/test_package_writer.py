"""The package-level writer on books that hold what openpyxl would lose (see rich_book.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import handmade
import rich_book
from helpers import TODAY
from sheetsync.a1 import column_letter
from sheetsync.actions.check import check_path
from sheetsync.actions.mark import clear, mark
from sheetsync.edits import OwnedColumn, ReplaceSheet
from sheetsync.findings import FileError
from sheetsync.io.guard.xml_guard import column_number
from sheetsync.io.ooxml import owned_sheet, styles_xml
from sheetsync.io.ooxml import package as package_module
from sheetsync.io.ooxml.apply_edits import write_edits
from sheetsync.io.ooxml.highlights import add_highlight, areas, remove_highlights, sqref
from sheetsync.io.ooxml.parts import CHUNK, Parts
from sheetsync.io.ooxml.styles_xml import add_styles, records, remove_styles

# The parts mark must change in the rich book, and the one it adds.
MARKED = {
    "[Content_Types].xml",
    "xl/_rels/workbook.xml.rels",
    "xl/workbook.xml",
    "xl/styles.xml",
    "xl/worksheets/sheet1.xml",  # Orders: its highlight
    "xl/worksheets/sheet2.xml",  # Lines: its highlight
}
ADDED = {"xl/worksheets/sheet5.xml"}  # Issues


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist()}


def compressions(path: Path) -> dict[str, int]:
    with zipfile.ZipFile(path) as book:
        return {info.filename: info.compress_type for info in book.infolist()}


def do_mark(book: Path, out: Path) -> Path:
    report = check_path(book, TODAY)
    assert report.error is None
    write_edits(book, mark(book, report.findings), out=out, backup=False)
    return out


def do_clear(book: Path, out: Path) -> Path:
    write_edits(book, clear(book), out=out, backup=False)
    return out


@pytest.fixture(params=["xlsx", "xlsm"])
def rich(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return rich_book.build(tmp_path / f"book.{request.param}", vba=request.param == "xlsm")


def test_mark_changes_only_the_parts_it_must(rich: Path, tmp_path: Path) -> None:
    before, after = parts(rich), parts(do_mark(rich, tmp_path / "marked.xlsx"))
    changed = {name for name in after if before.get(name) != after[name]}
    assert changed == MARKED | ADDED
    assert set(before) <= set(after)
    kinds = {"chart", "drawing", "vmlDrawing", "comments", "table", "media", "theme", "sharedStrings",
             "sheet3.xml", "sheet4.xml", "docProps"}  # fmt: skip
    kept = [name for name in before if any(kind in name for kind in kinds)]
    assert len(kept) >= 12 and all(before[name] == after[name] for name in kept)
    assert compressions(tmp_path / "marked.xlsx").items() >= compressions(rich).items()


def test_x14_extensions_sparklines_and_validation_survive(rich: Path, tmp_path: Path) -> None:
    dashboard = parts(do_mark(rich, tmp_path / "marked.xlsx"))["xl/worksheets/sheet4.xml"]
    for piece in (b"x14:dataBar", b"x14:sparklineGroup", b"iconSet", b"dataValidation", b"pageSetup"):
        assert piece in dashboard


def test_xlsm_keeps_its_vba_project_and_macro_content_type(tmp_path: Path) -> None:
    book = rich_book.build(tmp_path / "book.xlsm", vba=True)
    after = parts(do_mark(book, tmp_path / "marked.xlsm"))
    assert after["xl/vbaProject.bin"] == rich_book.vba_project()
    assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in after["[Content_Types].xml"]
    assert b"vbaProject" in after["xl/_rels/workbook.xml.rels"]


def test_cached_formula_values_survive(rich: Path, tmp_path: Path) -> None:
    marked = do_mark(rich, tmp_path / "marked.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lines = openpyxl.load_workbook(marked, data_only=True)["Lines"]
        formulas = openpyxl.load_workbook(marked)["Lines"]
    assert (lines["J2"].value, lines["J3"].value) == (4200, 5)
    assert formulas["J2"].value == "=G2*I2"


def test_clear_gives_back_the_original_parts_byte_for_byte(rich: Path, tmp_path: Path) -> None:
    marked = do_mark(rich, tmp_path / "marked.xlsx")
    assert parts(do_clear(marked, tmp_path / "cleared.xlsx")) == parts(rich)


def test_mark_twice_replaces_and_does_not_stack(rich: Path, tmp_path: Path) -> None:
    once = do_mark(rich, tmp_path / "once.xlsx")
    twice = do_mark(once, tmp_path / "twice.xlsx")
    assert parts(twice) == parts(once)
    assert parts(twice)["xl/workbook.xml"].count(b'name="Issues"') == 1


def test_an_excel_made_macro_book_round_trips(tmp_path: Path) -> None:
    """xlwings' quickstart.xlsm was saved by Excel: shared strings, its own ids and layout."""
    book = tmp_path / "quickstart.xlsm"
    shutil.copyfile(rich_book.XLWINGS_XLSM, book)
    marked = do_mark(book, tmp_path / "marked.xlsm")
    changed = {n for n, data in parts(marked).items() if parts(book).get(n) != data}
    assert changed == {"[Content_Types].xml", "xl/_rels/workbook.xml.rels", "xl/workbook.xml",
                       "xl/styles.xml", "xl/worksheets/sheet3.xml"}  # fmt: skip
    assert parts(do_clear(marked, tmp_path / "cleared.xlsm")) == parts(book)


def test_a_users_own_issues_sheet_is_never_replaced(tmp_path: Path) -> None:
    book = tmp_path / "own.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Orders"
    wb.create_sheet("Issues").append(["Ticket", "Owner"])
    wb.save(book)
    original = book.read_bytes()
    with pytest.raises(FileError) as error:
        write_edits(book, mark(book, []), backup=False)
    assert error.value.code == "file-sheet-taken"
    assert book.read_bytes() == original


@pytest.mark.libreoffice
def test_libreoffice_opens_the_marked_book(rich: Path, tmp_path: Path, soffice: Path) -> None:
    marked = do_mark(rich, tmp_path / f"marked{rich.suffix}")
    converted = libreoffice_copy(soffice, marked, tmp_path / "lo")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(converted, data_only=True)
    assert wb.sheetnames == ["Orders", "Lines", "Settings", "Dashboard", "Issues"]
    issues = [[c.value for c in row] for row in wb["Issues"].iter_rows()]
    assert [row[1:4] for row in issues[1:]] == [
        ["calc-line-amount", "Lines", "J3"],
        ["code-country", "Orders", "D3"],
        ["trade-incoterm-retired", "Orders", "G3"],
        ["sheet-skipped", "Dashboard", None],
    ]
    assert wb["Issues"]["D3"].hyperlink.location == "'Orders'!D3"
    assert [str(cf.sqref) for cf in wb["Orders"].conditional_formatting] == ["D3 G3"]
    assert wb["Lines"]["J2"].value == 4200
    assert wb["Orders"]["A3"].value == "PO-1002"


@pytest.mark.libreoffice
def test_clear_finds_the_marks_after_another_program_resaved_the_book(tmp_path: Path, soffice: Path) -> None:
    """LibreOffice rewrites every part (shared strings, its own ids); clear must still find its marks."""
    book = rich_book.build(tmp_path / "book.xlsx")
    marked = do_mark(book, tmp_path / "marked.xlsx")
    resaved = libreoffice_copy(soffice, marked, tmp_path / "lo")
    assert b"sheetsync" in parts(resaved)["xl/worksheets/sheet1.xml"]
    cleared = do_clear(resaved, tmp_path / "cleared.xlsx")
    after = parts(cleared)
    assert not any(b"sheetsync" in data for name, data in after.items() if name.startswith("xl/worksheets/"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(cleared)
    assert wb.sheetnames == ["Orders", "Lines", "Settings", "Dashboard"]
    assert (wb["Orders"]["G3"].value, wb["Lines"]["J2"].value) == ("DDU", "=G2*I2")
    assert sorted(wb.defined_names) == ["OrderCount"]


RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def libreoffice_copy(soffice: Path, book: Path, outdir: Path, recalc: bool = False) -> Path:
    """`book` opened and saved again as .xlsx by LibreOffice headless.

    `recalc`: recalculate every formula on load (LibreOffice's default for .xlsx is to keep the
    cached values, computing only cells that have none).
    """
    profile = outdir.parent / ("profile-recalc" if recalc else "profile")
    if recalc:
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS)
    command = [
        str(soffice),
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(outdir),
        str(book),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    return outdir / (book.stem + ".xlsx")


# Unit level: the textual edits are exact inverses, also with a prefixed namespace.
PREFIXED_SHEET = (
    b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row></x:sheetData>'
    b'<x:conditionalFormatting sqref="A1"><x:cfRule type="cellIs" dxfId="0" priority="3" operator="equal">'
    b"<x:formula>1</x:formula></x:cfRule></x:conditionalFormatting>"
    b'<x:pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    b"</x:worksheet>"
)
PREFIXED_STYLES = (
    b'<x:styleSheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<x:fonts count="1"><x:font><x:sz val="11"/></x:font></x:fonts><x:cellXfs count="1"><x:xf/></x:cellXfs>'
    b'<x:dxfs count="0"/></x:styleSheet>'
)


def test_highlight_is_inserted_before_the_users_rules_and_removed_exactly() -> None:
    marked = add_highlight(PREFIXED_SHEET, ("B2", "B3", "B4", "AA7"), dxf=1)
    assert (
        b'<x:conditionalFormatting sqref="B2:B4 AA7"><x:cfRule type="expression" dxfId="1" priority="4">'
        in marked
    )
    assert marked.index(b'priority="4"') < marked.index(b'priority="3"')
    assert remove_highlights(marked) == PREFIXED_SHEET


def test_many_cells_go_in_blocks_of_500_areas_and_come_out_exactly() -> None:
    cells = tuple(f"B{row}" for row in range(2, 2004, 2))  # 1,001 separate areas
    marked = add_highlight(PREFIXED_SHEET, cells, dxf=1)
    assert marked.count(b"<x:conditionalFormatting sqref=") == 4  # 3 of ours + the user's
    assert [marked.count(b'priority="%d"' % n) for n in (3, 4, 5, 6)] == [1, 1, 1, 1]
    assert b'sqref="B2002"><x:cfRule type="expression" dxfId="1" priority="6">' in marked
    assert remove_highlights(marked) == PREFIXED_SHEET


def test_styles_are_appended_and_removed_exactly() -> None:
    styles, ids, added = add_styles(PREFIXED_STYLES)
    assert (ids.header_xf, ids.link_xf, ids.mark_dxf) == (1, 2, 0)
    assert b'<x:fonts count="3">' in styles and b'<x:dxfs count="1">' in styles
    assert remove_styles(styles, added, lambda name, indices: set())[0] == PREFIXED_STYLES


def test_sqref_joins_runs_of_rows() -> None:
    assert sqref(("C5", "B2", "B3", "B5", "AA1")) == "B2:B3 B5 C5 AA1"
    with pytest.raises(ValueError):
        sqref(("B0",))


@pytest.mark.parametrize("shift", [-20, -12, -6, 0, 5])
def test_sheet_tail_finds_the_end_of_sheet_data_across_chunks(tmp_path: Path, shift: int) -> None:
    head = b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
    padding = b"x" * (CHUNK - len(head) - len(b"</t></is></c></row>") + shift)
    tail = b'</sheetData><pageMargins left="0.7"/></worksheet>'
    body = head + padding + b"</t></is></c></row>" + tail
    path = tmp_path / "parts.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("sheet.xml", body)
    parts_of = Parts(path)
    try:
        assert parts_of.sheet_tail("sheet.xml") == (len(body) - len(tail), tail)
        parts_of.write_tail("sheet.xml", len(body) - len(tail), b"</sheetData><new/></worksheet>")
        assert parts_of.read("sheet.xml") == body[: len(body) - len(tail)] + b"</sheetData><new/></worksheet>"
    finally:
        parts_of.close()


CELLS = st.lists(
    st.tuples(st.sampled_from([0, 1, 2, 25, 26, 701, 702, 16383]), st.integers(1, 40) | st.just(1_048_576)),
    min_size=1,
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(CELLS)
def test_areas_cover_exactly_the_cells_in_column_then_row_order(cells: list[tuple[int, int]]) -> None:
    addresses = tuple(f"{column_letter(c)}{r}" for c, r in cells)
    found = areas(addresses)
    covered: list[tuple[int, int]] = []
    for area in found:
        first, _, last = area.partition(":")
        column, start = re.fullmatch(r"([A-Z]+)(\d+)", first).groups()  # type: ignore[union-attr]
        end = int(last[len(column) :]) if last else int(start)
        assert not last or (last.startswith(column) and end > int(start))
        if covered and covered[-1][0] == column_number(column) - 1:
            assert int(start) > covered[-1][1] + 1  # runs are as long as they can be
        covered += [(column_number(column) - 1, row) for row in range(int(start), end + 1)]
    assert covered == sorted(set(cells))
    assert len(found) == len(set(found))


# Books other producers made: the two shapes that broke `mark` (issue 9), checked part by part.
def styles_records(path: Path, container: bytes) -> list[bytes]:
    return records(parts(path)["xl/styles.xml"], container)


def test_an_excel_styles_part_keeps_every_record_of_the_user(tmp_path: Path) -> None:
    """One font, mc:Ignorable, a custom date format on cell format 1: the shapes sheetsync once
    took for its own. Mark appends after them; clear takes out only what the record names."""
    book = handmade.write_package(tmp_path / "excel.xlsx", handmade.contract_grid())
    marked = do_mark(book, tmp_path / "marked.xlsx")
    for container in (b"numFmts", b"fonts", b"cellXfs", b"cellStyleXfs", b"fills", b"borders", b"dxfs"):
        before = styles_records(book, container)
        assert styles_records(marked, container)[: len(before)] == before
    styles = parts(marked)["xl/styles.xml"]
    assert (
        b'mc:Ignorable="x14ac x16r2 xr xr9"' in styles and b'<fonts count="3" x14ac:knownFonts="1">' in styles
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        orders = openpyxl.load_workbook(marked)["Orders"]
    assert (orders["B2"].number_format, orders["B2"].font.b, orders["A1"].font.name) == (
        "m/d/yyyy",
        False,
        "Aptos Narrow",
    )
    cleared = do_clear(marked, tmp_path / "cleared.xlsx")
    assert parts(cleared) == parts(book)
    assert b'<fonts count="0"' not in parts(cleared)["xl/styles.xml"]


def test_a_mark_without_its_record_is_cleared_without_touching_any_style(tmp_path: Path) -> None:
    """A book marked by an older version has no record: clear takes out the Issues sheet and the
    highlights, and leaves every style record (an unused style harms nothing)."""
    book = handmade.write_package(tmp_path / "excel.xlsx", handmade.contract_grid())
    marked = do_mark(book, tmp_path / "marked.xlsx")
    content = parts(marked)
    workbook = re.sub(
        rb"<definedName name=\"_sheetsync_marks\"[^>]*>[^<]*</definedName>", b"", content["xl/workbook.xml"]
    )
    unrecorded = tmp_path / "unrecorded.xlsx"
    with zipfile.ZipFile(unrecorded, "w") as out:
        for name, data in content.items():
            out.writestr(name, workbook if name == "xl/workbook.xml" else data)
    cleared = do_clear(unrecorded, tmp_path / "cleared.xlsx")
    assert parts(cleared)["xl/styles.xml"] == content["xl/styles.xml"]
    assert parts(cleared)["xl/workbook.xml"] == parts(book)["xl/workbook.xml"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert openpyxl.load_workbook(cleared).sheetnames == ["Orders", "Lines", "Settings"]


def test_clear_leaves_sheetsyncs_styles_that_a_users_cell_took_up(tmp_path: Path) -> None:
    """A user who copied the Issues header's format onto a cell uses sheetsync's cell format: it stays."""
    book = handmade.write_package(tmp_path / "excel.xlsx", handmade.contract_grid())
    marked = do_mark(book, tmp_path / "marked.xlsx")
    content = parts(marked)
    header_xf = len(styles_records(book, b"cellXfs"))  # sheetsync's first cell format
    content["xl/worksheets/sheet1.xml"] = content["xl/worksheets/sheet1.xml"].replace(
        b'<c r="A1" t="s">', b'<c r="A1" s="%d" t="s">' % header_xf
    )
    used = tmp_path / "used.xlsx"
    with zipfile.ZipFile(used, "w") as out:
        for name, data in content.items():
            out.writestr(name, data)
    cleared = do_clear(used, tmp_path / "cleared.xlsx")
    assert len(styles_records(cleared, b"cellXfs")) == header_xf + 1
    assert len(styles_records(cleared, b"fonts")) == len(styles_records(book, b"fonts")) + 1  # its bold font
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert openpyxl.load_workbook(cleared)["Orders"]["A1"].font.b is True


@pytest.mark.parametrize("shape", ["rel-per-sheet", "prefixed"])
def test_the_new_tab_binds_its_prefix_and_names_go_in_the_one_defined_names(
    tmp_path: Path, shape: str
) -> None:
    book = handmade.write_package(tmp_path / "book.xlsx", handmade.contract_grid(), workbook=shape)
    marked = do_mark(book, tmp_path / "marked.xlsx")
    workbook = parts(marked)["xl/workbook.xml"]
    root = ElementTree.fromstring(workbook)  # raises on an unbound prefix
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    assert [len(root.findall(main + "definedNames"))] == [1]
    issues = root.findall(f"{main}sheets/{main}sheet")[-1]
    assert (issues.get("name"), issues.get(rel)) == ("Issues", "rId6")
    names = [(n.get("name"), n.get("localSheetId")) for n in root.iter(main + "definedName")]
    assert names == [("_xlnm._FilterDatabase", "3"), ("_sheetsync_marks", None)]
    assert parts(do_clear(marked, tmp_path / "cleared.xlsx")) == parts(book)


def test_a_write_that_would_leave_a_prefix_unbound_is_refused_and_the_book_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = handmade.write_package(tmp_path / "book.xlsx", handmade.contract_grid())
    before = book.read_bytes()
    monkeypatch.setattr(styles_xml, "BOLD_FONT", b"<{p}font><q:b/></{p}font>")
    with pytest.raises(FileError) as caught:
        do_mark(book, book)
    assert caught.value.code == "file-write-failed"
    assert "xl/styles.xml: not well-formed XML (unbound prefix" in caught.value.message
    assert book.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]


def test_a_write_that_would_put_its_tab_before_the_users_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = handmade.write_package(tmp_path / "book.xlsx", handmade.contract_grid())
    before = book.read_bytes()
    first = re.compile(rb"<sheet ")

    def first_tab(workbook: bytes, name: str, sheet_id: int, rid: str) -> bytes:
        entry = b'<sheet name="%s" sheetId="%d" r:id="%s"/>' % (name.encode(), sheet_id, rid.encode())
        return first.sub(entry + b"<sheet ", workbook, count=1)

    monkeypatch.setattr(package_module.wx, "add_sheet_entry", first_tab)
    with pytest.raises(
        FileError, match=re.escape("xl/workbook.xml: sheetsync's tab would come before the book's own")
    ):
        do_mark(book, book)
    assert book.read_bytes() == before


def test_a_write_that_would_change_a_users_style_record_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = handmade.write_package(tmp_path / "book.xlsx", handmade.contract_grid())
    real = styles_xml.add_styles

    def overwrite_font_0(styles: bytes, formats: tuple[int, ...] = ()) -> tuple[bytes, Any, Any]:
        xml, ids, added = real(styles, formats)
        return xml.replace(b'<name val="Aptos Narrow"/>', b'<name val="Calibri"/>', 1), ids, added

    monkeypatch.setattr(styles_xml, "add_styles", overwrite_font_0)
    with pytest.raises(
        FileError, match=re.escape("xl/styles.xml: the book's own fonts record 0 would change")
    ):
        do_mark(book, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_the_owned_sheet_renders_the_same_in_small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows are rendered a batch at a time (memory); batch edges change nothing in the part."""
    columns = (OwnedColumn("Code", 10), OwnedColumn("Cell", 8), OwnedColumn("Amount", 9, "amount"))
    rows = tuple((f"code-{n}", f"B{n + 2}", float(n) if n % 3 else None) for n in range(10))
    links = {(n, 1): f"'Orders'!B{n + 2}" for n in range(0, 10, 2)}
    edit = ReplaceSheet("Issues", columns, rows, links)
    whole = owned_sheet.render(edit, 1, 2, {4: 3})
    monkeypatch.setattr(owned_sheet, "ROWS_PER_BATCH", 3)
    assert owned_sheet.render(edit, 1, 2, {4: 3}) == whole
    assert whole.count(b"<row ") == 11 and b'<c r="B10" s="2" t="inlineStr"><is><t>B10</t></is></c>' in whole

"""generate: linked document tabs on the template and on a hand-made book, checked by LibreOffice.

LibreOffice recalculates every formula on load (a profile forces it), so a document value
that disagrees with the order rows, or a cached value that disagrees with the formula, fails.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

import rich_book
from helpers import departed_shipment, line, shipped_order, write_book
from sheetsync.actions.check import check_path
from sheetsync.actions.generate import PlanError, generate_file
from sheetsync.actions.issue import issue_file
from sheetsync.cli import app
from sheetsync.documents.pdf import export_pdf
from sheetsync.documents.plan import tab_name
from sheetsync.io.ooxml.styles_xml import CHILD, records
from sheetsync.io.read.reader import read_book
from sheetsync.workbook.template import build_template
from test_package_writer import libreoffice_copy, parts

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
NOW = dt.datetime(2026, 11, 25, 9, 30)
SETTINGS = {"Exporter Name": "Sunrise Textiles Ltd", "Exporter Address": "88 Canton Road, Shanghai",
            "Signatory": "Chen Jie", "Exporter Bank": "Bank of China, SWIFT BKCHCNBJ"}  # fmt: skip
LINES = [
    line(),
    line(**{"Line": 2, "SKU": "NH-THROW-02", "Description": "Linen throw 130x170 cm", "HS Code": "6301.90",
            "Quantity": 300, "Unit Price": 12.25, "Amount": 3675.0, "Cartons": 25, "Net Weight kg": 330.0,
            "Gross Weight kg": 362.5, "Volume m3": 1.9}),
]  # fmt: skip
ORDER = shipped_order(
    **{"Consignee Address": "Box 12, 411 05 Gothenburg", "Shipping Marks": "NORDIC/PO-1001"}
)
SHIPMENT = departed_shipment(**{"Packages": 75, "Gross Weight kg": 962.5, "Volume m3": 5.1})
# Hand-made: two title rows, aliased headers, shuffled columns and extra columns the contract lacks.
ALIASES = {"Order No": "PO #", "Quantity": "Qty", "Unit Price": "U/Price", "Gross Weight kg": "G.W.",
           "Net Weight kg": "N.W.", "Port of Discharge": "POD", "Consignee": "Cnee"}  # fmt: skip


def _aliased(rows: list[dict[str, Any]], extra: str) -> tuple[list[dict[str, Any]], list[str]]:
    renamed = [{ALIASES.get(k, k): v for k, v in r.items()} | {extra: "internal note"} for r in rows]
    headers = list(renamed[0])
    headers = [extra, *reversed([h for h in headers if h != extra])]  # shuffled, extra column first
    return renamed, headers


def template_book(path: Path) -> Path:
    return build_template(path, {"Orders": [ORDER], "Lines": LINES, "Shipments": [SHIPMENT]}, SETTINGS)


def handmade_book(path: Path) -> Path:
    orders, order_headers = _aliased([ORDER], "Margin %")
    lines, line_headers = _aliased(LINES, "Supplier")
    ships, ship_headers = _aliased([SHIPMENT], "Forwarder Ref")
    return write_book(
        path, orders, lines, ships, settings=SETTINGS, title_rows=2,
        headers={"Orders": order_headers, "Lines": line_headers, "Shipments": ship_headers},
    )  # fmt: skip


BOOKS = {"template": template_book, "handmade": handmade_book}


def values(path: Path, sheet: str) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(path, data_only=True)[sheet]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value not in (None, "")}


# What the order rows say, at the cells the layout puts them (contract/doc_layout.py).
INVOICE = {
    "A1": "COMMERCIAL INVOICE", "B3": "Sunrise Textiles Ltd", "B4": "88 Canton Road, Shanghai",
    "B5": "Nordic Home AB", "B6": "Box 12, 411 05 Gothenburg", "B7": "Scan Logistics AB",
    "B9": "MAERSK EDMONTON 447W", "B10": "CNSHA", "B11": "SEGOT", "B12": "Sea", "B13": "MAEU260458812",
    "B14": "CSQU3054383", "B15": "NORDIC/PO-1001", "F3": "CI PO-1001 R1", "F4": dt.datetime(2026, 11, 25),
    "F5": "PO-1001", "F6": dt.datetime(2026, 9, 1), "F7": "Nordic Home AB", "F12": "FOB", "F13": "Shanghai",
    "F14": "T/T", "F15": "USD", "F16": "SH-1001-1",
    "A19": 1, "B19": "Cotton cushion cover 45x45 cm", "C19": "6304.92", "D19": "CN", "E19": 1200,
    "F19": "H87", "G19": 3.5, "H19": 4200, "A20": 2, "B20": "Linen throw 130x170 cm", "C20": "6301.90",
    "E20": 300,
    "G20": 12.25, "H20": 3675, "A21": "Total", "E21": 1500, "H21": 7875,
    "B23": "SAY US DOLLAR SEVEN THOUSAND EIGHT HUNDRED AND SEVENTY FIVE ONLY",
    "B24": "Bank of China, SWIFT BKCHCNBJ", "F26": "Sunrise Textiles Ltd", "F28": "Chen Jie",
}  # fmt: skip
PACKING = {"A1": "PACKING LIST", "F5": "PO-1001", "F9": "SH-1001-1", "B14": "CSQU3054383", "A18": 1,
           "C18": 50, "E18": 1200, "F18": 540, "G18": 600, "H18": 3.2, "A19": 2, "C19": 25, "E19": 300,
           "F19": 330, "G19": 362.5, "H19": 1.9, "A20": "Total", "C20": 75, "E20": 1500, "F20": 870,
           "G20": 962.5, "H20": 5.1}  # fmt: skip


def _shown(found: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    """The found values at the expected cells; numbers within float noise."""
    out = {}
    for ref, want in expected.items():
        got = found.get(ref)
        if isinstance(want, int | float) and isinstance(got, int | float):
            got = want if abs(got - want) < 1e-9 else got
        out[ref] = got
    return out


@pytest.fixture(params=list(BOOKS))
def generated(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    book = BOOKS[request.param](tmp_path / f"{request.param}.xlsx")
    out = tmp_path / "docs.xlsx"
    generate_file(book, ["PO-1001"], ["invoice", "packing-list"], out=out, now=NOW, backup=False)
    return out


def test_cached_values_say_what_the_order_rows_say(generated: Path) -> None:
    assert _shown(values(generated, "CI PO-1001"), INVOICE) == INVOICE
    assert _shown(values(generated, "PL PO-1001"), PACKING) == PACKING


@pytest.mark.libreoffice
def test_libreoffice_computes_the_same_values_as_cached(
    generated: Path, tmp_path: Path, soffice: Path
) -> None:
    recalculated = libreoffice_copy(soffice, generated, tmp_path / "lo", recalc=True)
    for tab, expected in (("CI PO-1001", INVOICE), ("PL PO-1001", PACKING)):
        cached, computed = values(generated, tab), values(recalculated, tab)
        assert _shown(computed, expected) == expected
        assert _shown(computed, cached) == cached  # every cached value is what the formula computes


def _edit_lines(path: Path, out: Path, quantity: float | None = None, sort: bool = False) -> None:
    """Change line 1's quantity, or reverse the Lines rows (a sort), as a user would in Excel."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Lines"]
    header = next(r for r in range(1, 10) if any(c.value in ("Qty", "Quantity") for c in ws[r]))
    columns = {c.value: c.column for c in ws[header]}
    first, last = header + 1, ws.max_row
    if quantity is not None:
        ws.cell(first, columns.get("Qty") or columns["Quantity"]).value = quantity
    if sort:
        rows = [[ws.cell(r, c).value for c in range(1, ws.max_column + 1)] for r in range(first, last + 1)]
        for r, data in zip(range(first, last + 1), reversed(rows), strict=True):
            for c, value in enumerate(data, start=1):
                ws.cell(r, c).value = value
    wb.save(out)


@pytest.mark.libreoffice
def test_the_invoice_follows_a_changed_quantity_and_survives_a_sort(
    generated: Path, tmp_path: Path, soffice: Path
) -> None:
    changed = tmp_path / "changed.xlsx"
    _edit_lines(generated, changed, quantity=1000)
    ci = values(libreoffice_copy(soffice, changed, tmp_path / "lo1", recalc=True), "CI PO-1001")
    assert _shown(ci, {"E19": 1000, "H19": 3500, "E21": 1300, "H21": 7175}) == {
        "E19": 1000, "H19": 3500, "E21": 1300, "H21": 7175,
    }  # fmt: skip
    assert ci["B23"] == "Amount changed: generate this document again"
    sorted_book = tmp_path / "sorted.xlsx"
    _edit_lines(generated, sorted_book, sort=True)
    ci = values(libreoffice_copy(soffice, sorted_book, tmp_path / "lo2", recalc=True), "CI PO-1001")
    assert _shown(ci, INVOICE) == INVOICE


LO_EDIT = Path(__file__).with_name("lo_edit_book.py")


def libreoffice_edit(uno_python: str, book: Path, out: Path, steps: list[dict[str, Any]]) -> Path:
    """`book` edited in LibreOffice as a user would (`lo_edit_book.py`), recalculated, saved as `out`."""
    done = subprocess.run(
        [uno_python, str(LO_EDIT), str(out.parent / "lo-profile"), str(book), str(out), json.dumps(steps)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.libreoffice
def test_documents_survive_columns_inserted_in_orders_and_lines_and_a_sort_in_libreoffice(
    generated: Path, tmp_path: Path, soffice: Path, uno_python: str
) -> None:
    """In LibreOffice: a column inserted before every referenced column of Orders and of Lines,
    Lines sorted on Line, descending; recalculated and saved. Every document value is unchanged."""
    read = read_book(generated)
    orders, lines = read.sheets["Orders"], read.sheets["Lines"]
    steps = [
        {"insert_column": orders.name, "at": 0},
        {"insert_column": lines.name, "at": 0},
        {"sort": lines.name, "header_row": lines.header_row, "by": lines.columns["line"].index + 1,
         "descending": True},
    ]  # fmt: skip
    edited = libreoffice_edit(uno_python, generated, tmp_path / "edited.xlsx", steps)
    after = read_book(edited)
    assert after.sheets["Orders"].columns["order_no"].index == orders.columns["order_no"].index + 1
    assert after.sheets["Lines"].frame["line"].tolist() == [2.0, 1.0]  # sorted: line 2 first
    assert _shown(values(edited, "CI PO-1001"), INVOICE) == INVOICE
    assert _shown(values(edited, "PL PO-1001"), PACKING) == PACKING
    assert set(after.tabs) == {"CI PO-1001", "PL PO-1001"}  # the register still finds both tabs
    assert [f for f in check_path(edited).findings if f.code.startswith("doc-")] == []


def test_the_register_keeps_a_row_per_revision_and_the_tab_is_replaced(tmp_path: Path) -> None:
    book = template_book(tmp_path / "book.xlsx")
    generate_file(book, ["PO-1001"], ["invoice"], now=NOW, backup=False)
    later = NOW + dt.timedelta(days=1)
    done = generate_file(book, ["PO-1001"], ["invoice"], now=later, backup=False)
    made = [(d.tab, d.doc_no, d.revision) for d in done.plan.documents]
    assert made == [("CI PO-1001", "CI PO-1001 R2", 2)]
    read = read_book(book)
    assert [n for n in read.sheet_names if n.startswith("CI")] == ["CI PO-1001"]
    register = values(book, "Documents")
    assert [register.get(f"{c}2") for c in "AEFLN"] == ["CI PO-1001 R1", "CI PO-1001", NOW, 1, later]
    assert [register.get(f"{c}3") for c in "AEFLN"] == ["CI PO-1001 R2", "CI PO-1001", later, 2, None]
    assert [register[f"{c}3"] for c in "GHIJK"] == [7875, 1500, 75, 870, 962.5]
    assert values(book, "CI PO-1001")["F3"] == "CI PO-1001 R2"


def test_a_book_without_a_register_gets_one(tmp_path: Path) -> None:
    book = handmade_book(tmp_path / "book.xlsx")
    assert "Documents" not in read_book(book).sheet_names
    generate_file(book, ["PO-1001"], ["proforma"], now=NOW, backup=False)
    read = read_book(book)
    register = read.sheets["Documents"].frame
    assert register[["doc_no", "type", "order_no", "sheet"]].to_dict("records") == [
        {"doc_no": "PI PO-1001 R1", "type": "Proforma", "order_no": "PO-1001", "sheet": "PI PO-1001"}
    ]
    assert [f.code for f in read.findings] == []


def test_partial_shipments_get_an_invoice_and_packing_list_each(tmp_path: Path) -> None:
    lines = [LINES[0] | {"Shipment No": "SH-1001-1"}, LINES[1] | {"Shipment No": "SH-1001-2"}]
    ships = [departed_shipment(**{"Packages": 50}), departed_shipment(**{"Shipment No": "SH-1001-2",
             "Packages": 25, "Gross Weight kg": 362.5, "Container No": "MWCU6059784"})]  # fmt: skip
    book = build_template(tmp_path / "book.xlsx", {"Orders": [ORDER], "Lines": lines, "Shipments": ships})
    done = generate_file(book, ["PO-1001"], ["invoice", "packing-list", "proforma"], now=NOW, backup=False)
    assert [(d.tab, d.shipment_no, d.totals["packages"]) for d in done.plan.documents] == [
        ("CI PO-1001-S1", "SH-1001-1", 50), ("CI PO-1001-S2", "SH-1001-2", 25),
        ("PL PO-1001-S1", "SH-1001-1", 50), ("PL PO-1001-S2", "SH-1001-2", 25),
        ("PI PO-1001", None, 75),
    ]  # fmt: skip
    second = values(book, "PL PO-1001-S2")
    assert (second["B14"], second["A18"], second["C18"], second["A19"]) == ("MWCU6059784", 2, 25, "Total")


def test_tab_names_are_predictable_and_never_collide() -> None:
    assert tab_name("CI", "PO-1001", "", []) == "CI PO-1001"
    assert tab_name("PL", "PO/1001:A*", "-S2", []) == "PL PO-1001-A--S2"
    assert tab_name("CI", "X" * 40, "-S1", []) == "CI " + "X" * 25 + "-S1"
    assert tab_name("CI", "PO-1001", "", ["ci po-1001"]) == "CI PO-1001 (2)"
    assert len(tab_name("CI", "X" * 40, "", ["CI " + "X" * 28])) == 31


def test_a_users_own_sheet_of_that_name_is_left_alone(tmp_path: Path) -> None:
    book = template_book(tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(book)
    wb.create_sheet("CI PO-1001")["A1"] = "my own notes"
    wb.save(book)
    done = generate_file(book, ["PO-1001"], ["invoice"], now=NOW, backup=False)
    assert done.plan.documents[0].tab == "CI PO-1001 (2)"
    assert values(book, "CI PO-1001") == {"A1": "my own notes"}


def test_bad_requests_get_a_clear_error_and_the_book_is_untouched(tmp_path: Path) -> None:
    book = template_book(tmp_path / "book.xlsx")
    before = book.read_bytes()
    with pytest.raises(PlanError, match="No order 'PO-9'"):
        generate_file(book, ["PO-9"], now=NOW)
    with pytest.raises(PlanError, match="no shipment 'SH-X'"):
        generate_file(book, ["PO-1001"], ["invoice"], shipment_no="SH-X", now=NOW)
    assert book.read_bytes() == before


LISTING = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"}


def _changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {n for n in before if before[n] != after.get(n)}


def _keeps_what_the_book_had(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    """The parts a document write must change still carry what the book had in them."""
    for container in CHILD:  # every style record of the book, at its index
        old = records(before["xl/styles.xml"], container)
        assert records(after["xl/styles.xml"], container)[: len(old)] == old
    names = re.compile(rb"<(?:\w+:)?(?:definedName|sheet|pivotCache)\b.*?(?:/>|</(?:\w+:)?definedName>)",
                       re.S)  # fmt: skip
    found = names.findall(before["xl/workbook.xml"])
    assert len(found) >= 6 and all(piece in after["xl/workbook.xml"] for piece in found)  # names, tabs
    for name, data in before.items():
        if name.endswith(".rels") or name == "[Content_Types].xml":  # every relationship and type kept
            for tag in re.findall(rb"<(?:Relationship|Override|Default)\b[^>]*>", data):
                assert tag in after[name]


@pytest.mark.parametrize("suffix", ["xlsx", "xlsm"])
def test_generate_and_issue_keep_every_part_of_a_rich_book(tmp_path: Path, suffix: str) -> None:
    """Chart, image, comments, x14 data bars and sparklines, validation, Tables, defined names,
    cached formula values and the VBA project: what `mark` keeps, `generate` and `issue` keep."""
    book = rich_book.build(tmp_path / f"rich.{suffix}", vba=suffix == "xlsm")
    out = tmp_path / f"out.{suffix}"
    done = generate_file(book, ["PO-1001"], ["invoice"], out=out, now=NOW, backup=False)
    before, after = parts(book), parts(out)
    assert _changed(before, after) == LISTING | {"xl/styles.xml"}  # every other part byte for byte
    _keeps_what_the_book_had(before, after)
    dashboard = after["xl/worksheets/sheet4.xml"]
    for piece in (b"x14:dataBar", b"x14:sparklineGroup", b"iconSet", b"dataValidation", b"legacyDrawing"):
        assert piece in dashboard
    if suffix == "xlsm":
        assert after["xl/vbaProject.bin"] == rich_book.vba_project()
        assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in after["[Content_Types].xml"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cached = openpyxl.load_workbook(out, data_only=True)["Lines"]
    assert (cached["J2"].value, cached["J3"].value) == (4200, 5)  # the book's cached values
    issued = tmp_path / f"issued.{suffix}"
    issue_file(out, done.plan.documents[0].doc_no, out=issued, backup=False, pdf=False, now=NOW)
    tab, register = "xl/worksheets/sheet6.xml", "xl/worksheets/sheet5.xml"  # the invoice, Documents
    assert _changed(after, parts(issued)) == {tab, register}
    assert b"<f>" not in parts(issued)[tab] and b"<f>" in after[tab]


@pytest.mark.libreoffice
def test_generate_keeps_a_pivot_table_and_its_cache(tmp_path: Path, soffice: Path, uno_python: str) -> None:
    """A pivot table LibreOffice made (Orders by Buyer): its table, cache and records stay byte for byte."""
    rich = rich_book.build(tmp_path / "rich.xlsx")
    steps = [{"pivot": "Orders", "rows": 2, "count": 0, "to": "Pivot"}]
    book = libreoffice_edit(uno_python, rich, tmp_path / "pivot.xlsx", steps)
    out = tmp_path / "out.xlsx"
    generate_file(book, ["PO-1001"], ["invoice"], out=out, now=NOW, backup=False)
    before, after = parts(book), parts(out)
    pivots = [n for n in before if n.startswith(("xl/pivotTables/", "xl/pivotCache/"))]
    assert len(pivots) >= 3 and all(after[n] == before[n] for n in pivots)
    assert _changed(before, after) == LISTING | {"xl/styles.xml"}
    assert b"<pivotCaches>" in after["xl/workbook.xml"] or b"<x:pivotCaches>" in after["xl/workbook.xml"]
    _keeps_what_the_book_had(before, after)


def test_the_cli_prints_what_it_generated(tmp_path: Path) -> None:
    book = template_book(tmp_path / "book.xlsx")
    result = CliRunner().invoke(app, ["generate", str(book), "--order", "PO-1001", "--no-backup"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == [
        "CI", "PO-1001", "Commercial", "Invoice", "CI", "PO-1001", "R1", "(revision", "1):", "amount",
        "7,875.00,", "1,500", "units,", "75", "packages,", "962.50", "kg", "gross",
    ]  # fmt: skip
    assert [line.split()[0:2] for line in result.output.splitlines()[1:4]] == [
        ["PL", "PO-1001"], ["SI", "PO-1001"], ["CO", "PO-1001"],
    ]  # fmt: skip
    bad = CliRunner().invoke(app, ["generate", str(book), "--order", "PO-1001", "--doc", "bill"])
    assert bad.exit_code == 2


@pytest.mark.libreoffice
def test_an_invoice_and_a_packing_list_print_on_one_a4_page(
    generated: Path, tmp_path: Path, soffice: Path
) -> None:
    for tab in ("CI PO-1001", "PL PO-1001"):
        pdf = export_pdf(generated, tab, tmp_path / "pdf")
        text = pdf.read_bytes()
        assert text.startswith(b"%PDF") and text.count(b"/Type /Page\n") + text.count(b"/Type/Page>") <= 1
        if shutil.which("pdftoppm") is None and os.environ.get("SHEETSYNC_REQUIRE_ALL") == "1":
            pytest.fail("pdftoppm (poppler-utils) is missing and SHEETSYNC_REQUIRE_ALL=1")
        if shutil.which("pdftoppm"):
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
            assert re.search(r"Pages:\s+1\n", info) and "(A4)" in info  # one A4 page
            stem = tmp_path / tab.replace(" ", "-")
            page = ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(stem)]
            subprocess.run(page, check=True)
            assert stem.with_name(stem.name + "-1.png").stat().st_size > 5000
    with zipfile.ZipFile(generated) as z:
        workbook = z.read("xl/workbook.xml").decode()
    # a one-page tab has its print area, and no rows to repeat (LibreOffice opens a book with
    # hundreds of whole-row print titles in minutes: see test_a_long_document_repeats_its_header_row)
    assert "_xlnm.Print_Area" in workbook and "_xlnm.Print_Titles" not in workbook


def _names(path: Path) -> list[tuple[str, str]]:
    with zipfile.ZipFile(path) as z:
        workbook = z.read("xl/workbook.xml").decode()
    return re.findall(r'<definedName name="(_xlnm\.Print_\w+)"[^>]*>([^<]*)</definedName>', workbook)


@pytest.fixture(scope="module")
def long_invoice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A book with the invoice of a 150-line order: its line table runs past one page."""
    book = tmp_path_factory.mktemp("long") / "long.xlsx"
    lines = [line(**{"Line": n, "Quantity": 10 + n, "Amount": 3.5 * (10 + n)}) for n in range(1, 151)]
    rows = {"Orders": [shipped_order(lc=True)], "Lines": lines, "Shipments": [departed_shipment()]}
    build_template(book, rows, {"Today": dt.date(2026, 11, 25)})
    generate_file(book, ["PO-1001"], ["invoice"], now=NOW, backup=False)
    return book


def test_a_long_document_repeats_its_header_row(long_invoice: Path) -> None:
    """A line table past one page repeats its header row (row 18) on every page."""
    assert dict(_names(long_invoice)) == {
        "_xlnm.Print_Area": "'CI PO-1001'!$A$1:$H$176",
        "_xlnm.Print_Titles": "'CI PO-1001'!$18:$18",
    }


@pytest.mark.libreoffice
def test_libreoffice_prints_the_header_row_again_on_page_two(
    long_invoice: Path, tmp_path: Path, soffice: Path
) -> None:
    pdf = export_pdf(long_invoice, "CI PO-1001", tmp_path / "pdf")
    if shutil.which("pdftotext") is None:
        if os.environ.get("SHEETSYNC_REQUIRE_ALL") == "1":
            pytest.fail("pdftotext (poppler-utils) is missing and SHEETSYNC_REQUIRE_ALL=1")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    second = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"], capture_output=True, text=True
    )
    assert "Description" in second.stdout and "Unit Price" in second.stdout  # the header row, again

"""doc-* rules and trade-freight-term: exact findings on generated books, and silence on clean ones.

Each case starts from one clean L/C order with its four shipping documents generated, then
changes what a user would change — a cell of the order, or a document cell typed over — by
editing the cell in the file, as Excel would store it.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from helpers import TODAY, departed_shipment, line, shipped_order
from sheetsync.actions.check import check_path
from sheetsync.actions.generate import PlanError, generate_file
from sheetsync.actions.issue import issue_file
from sheetsync.documents.issue import series_number
from sheetsync.io.ooxml.package import Package
from sheetsync.io.read.reader import read_book
from sheetsync.io.read.tabs import read_tabs
from sheetsync.workbook.template import build_template
from test_package_writer import libreoffice_copy

NOW = dt.datetime(2026, 11, 25, 9, 30)
DOCS = ["invoice", "packing-list", "shipping-instruction", "origin"]
SETTINGS = {"Exporter Name": "Sunrise Textiles Ltd", "Today": TODAY}
CODES = ("doc-", "trade-freight-term")
Found = list[tuple[str, str, int | None, str | None, str | None]]


def set_cell(path: Path, sheet: str, ref: str, value: str | float) -> None:
    """Store `value` in `sheet!ref` as a typed value (a formula there is gone), as Excel would."""
    package = Package(path)
    try:
        part = package.sheet(sheet).part  # type: ignore[union-attr]
        xml = package.read(part).decode()
    finally:
        package.close()
    body = f"<v>{value!r}</v>" if isinstance(value, float) else f"<is><t>{value}</t></is>"
    kind = "" if isinstance(value, float) else ' t="inlineStr"'

    def typed(m: re.Match[str]) -> str:
        style = re.search(r'\ss="\d+"', m.group(1))
        return f'<c r="{ref}"{style.group() if style else ""}{kind}>{body}</c>'

    pattern = rf'<c r="{ref}"([^>]*?)(?:/>|>.*?</c>)'
    new, count = re.subn(pattern, typed, xml, count=1, flags=re.S)
    assert count == 1, f"{sheet}!{ref} not found"
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members[part] = new.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def set_cached(path: Path, sheet: str, ref: str, value: str) -> None:
    """Give the formula cell `sheet!ref` another cached text, its formula kept (a value the
    formula showed when the book was last calculated)."""
    package = Package(path)
    try:
        part = package.sheet(sheet).part  # type: ignore[union-attr]
        xml = package.read(part).decode()
    finally:
        package.close()
    pattern = rf'(<c r="{ref}"[^>]*? t="str"[^>]*><f>[^<]*</f>)<v>[^<]*</v>'
    new, count = re.subn(pattern, lambda m: f"{m.group(1)}<v>{value}</v>", xml, count=1)
    assert count == 1, f"{sheet}!{ref} holds no text formula"
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members[part] = new.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docs") / "clean.xlsx"
    lines = [line(), line(**{"Line": 2, "Description": "Linen throw", "HS Code": "6301.90", "Quantity": 300,
                             "Unit Price": 12.25, "Amount": 3675.0, "Cartons": 25})]  # fmt: skip
    ship = departed_shipment(**{"Packages": 75, "Gross Weight kg": 1200.0, "Volume m3": 6.4})
    rows = {"Orders": [shipped_order(lc=True, Incoterm="FCA")], "Lines": lines, "Shipments": [ship]}
    build_template(path, rows, SETTINGS)
    generate_file(path, ["PO-1001"], DOCS, now=NOW, backup=False)
    return path


def doc_findings(path: Path) -> Found:
    report = check_path(path, TODAY)
    assert report.error is None
    return [(f.code, f.sheet, f.row, f.column, f.cell) for f in report.findings if f.code.startswith(CODES)]


def test_a_freshly_generated_book_has_no_document_finding(clean: Path) -> None:
    assert doc_findings(clean) == []


Edit = Callable[[Path], None]
CASES: dict[str, tuple[Edit, Found]] = {
    "order changed after generation": (
        lambda p: set_cell(p, "Lines", "G2", 1000.0),
        [("doc-stale", "Documents", r, "Amount", f"G{r}") for r in (2, 3, 4, 5)],
    ),
    "invoice total typed over": (
        lambda p: set_cell(p, "CI PO-1001", "H21", 9999.0),
        [("doc-invoice-arithmetic", "CI PO-1001", 21, "Amount", "H21"),
         ("doc-totals-mismatch", "CI PO-1001", 21, "Amount", "H21")],
    ),
    "unit price typed over": (
        lambda p: set_cell(p, "CI PO-1001", "G19", 3.6),
        [("doc-invoice-arithmetic", "CI PO-1001", 19, "Amount", "H19")],
    ),
    "packages shipped differ from the packing list": (
        lambda p: set_cell(p, "Shipments", "H2", 70.0),
        [("doc-packing-mismatch", "PL PO-1001", 20, "Packages", "C20")],
    ),
    "packing list gross typed over": (
        lambda p: set_cell(p, "PL PO-1001", "G20", 1400.0),
        [("doc-totals-mismatch", "PL PO-1001", 20, "Gross kg", "G20")],
    ),
    "consignee typed over": (
        lambda p: set_cell(p, "CI PO-1001", "B5", "Baltic Trading GmbH"),
        [("doc-party-mismatch", "CI PO-1001", 5, "Consignee", "B5")],
    ),
    "consignee abbreviated": (lambda p: set_cell(p, "CI PO-1001", "B5", "NORDIC HOME AB."), []),
    "port typed over": (
        lambda p: set_cell(p, "CI PO-1001", "B11", "Hamburg"),
        [("doc-port-mismatch", "CI PO-1001", 11, "Port of Discharge", "B11")],
    ),
    "port written as a name": (lambda p: set_cell(p, "CI PO-1001", "B11", "Gothenburg, Sweden"), []),
    "HS code typed over": (
        lambda p: set_cell(p, "CI PO-1001", "C19", "6305.10"),
        [("doc-hs-mismatch", "CI PO-1001", 19, "HS Code", "C19")],
    ),
    "HS code with more digits": (lambda p: set_cell(p, "CI PO-1001", "C19", "6304.92.0000"), []),
    "origin typed over": (
        lambda p: set_cell(p, "CO PO-1001", "D13", "VN"),
        [("doc-origin-mismatch", "CO PO-1001", 13, "Origin", "D13")],
    ),
    "currency typed over": (
        lambda p: set_cell(p, "CI PO-1001", "F15", "EUR"),
        [("doc-currency-mismatch", "CI PO-1001", 15, "Currency", "F15")],
    ),
    "description typed over": (
        lambda p: set_cell(p, "CI PO-1001", "B19", "Polyester cushion"),
        [("doc-description-mismatch", "CI PO-1001", 19, "Description", "B19")],
    ),
    "description in other case": (
        lambda p: set_cell(p, "CI PO-1001", "B19", "COTTON CUSHION COVER 45X45 CM"), [],
    ),
    "description a live formula shows differs from the line (T vs O)": (
        lambda p: set_cached(p, "CI PO-1001", "B20", "Cotton cushion cover 45x45 cm"),
        [("doc-description-mismatch", "CI PO-1001", 20, "Description", "B20")],
    ),
    "description a live formula shows is blank (its line lost)": (
        lambda p: set_cached(p, "CI PO-1001", "B19", ""),
        [("doc-description-mismatch", "CI PO-1001", 19, "Description", "B19")],
    ),
    "description a live formula shows differs in spaces and case only": (
        lambda p: set_cached(p, "CI PO-1001", "B19", "  COTTON cushion   cover 45X45 CM "), [],
    ),
    "description changed in Lines, the invoice not yet recalculated": (
        lambda p: set_cell(p, "Lines", "D2", "Polyester cushion cover"),
        [("doc-description-mismatch", "CI PO-1001", 19, "Description", "B19")],
    ),
    "description typed over on the packing list (checked on the invoice only)": (
        lambda p: set_cell(p, "PL PO-1001", "B18", "Polyester cushion"), [],
    ),
    "invoice retitled pro-forma": (
        lambda p: set_cell(p, "CI PO-1001", "A1", "PRO-FORMA INVOICE"),
        [("doc-proforma-as-invoice", "CI PO-1001", 1, "Title", "A1")],
    ),
    "invoice issued by someone else": (
        lambda p: (set_cell(p, "CI PO-1001", "B3", "Other Exporter Co"),
                   set_cell(p, "CI PO-1001", "F7", "X AB")),
        [("doc-invoice-parties", "CI PO-1001", 3, "Exporter", "B3"),
         ("doc-invoice-parties", "CI PO-1001", 7, "Buyer", "F7")],
    ),
    "freight term against the Incoterm": (
        lambda p: set_cell(p, "SI PO-1001", "F12", "Prepaid"),
        [("trade-freight-term", "SI PO-1001", 12, "Freight", "F12")],
    ),
    "a register row whose tab is gone, of an order that is gone": (
        lambda p: (set_cell(p, "Documents", "E3", "PL PO-9999"), set_cell(p, "Documents", "C3", "PO-9999")),
        [],  # schema-unknown-ref reports both (below)
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_each_document_rule_finds_exactly_what_was_changed(case: str, clean: Path, tmp_path: Path) -> None:
    edit, expected = CASES[case]
    book = tmp_path / "book.xlsx"
    book.write_bytes(clean.read_bytes())
    edit(book)
    assert doc_findings(book) == expected


def test_a_missing_tab_and_a_missing_order_are_unknown_references(clean: Path, tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    book.write_bytes(clean.read_bytes())
    set_cell(book, "Documents", "E3", "PL PO-9999")
    set_cell(book, "Documents", "C3", "PO-9999")
    found = [
        (f.code, f.sheet, f.row, f.column) for f in check_path(book, TODAY).findings if f.sheet == "Documents"
    ]
    assert found == [
        ("schema-unknown-ref", "Documents", 3, "Order No"),
        ("schema-unknown-ref", "Documents", 3, "Sheet"),
    ]


def test_a_shipped_lc_shipment_without_documents_is_reported(tmp_path: Path) -> None:
    rows = {
        "Orders": [shipped_order(lc=True, Incoterm="FCA")],
        "Lines": [line()],
        "Shipments": [departed_shipment()],
    }
    path = build_template(tmp_path / "book.xlsx", rows, SETTINGS)
    assert doc_findings(path) == []  # the register is not in use: nothing to remind
    generate_file(path, ["PO-1001"], ["proforma"], now=NOW, backup=False)
    assert doc_findings(path) == [("doc-not-generated", "Shipments", 2, "Shipment No", "A2")]
    generate_file(path, ["PO-1001"], ["invoice", "packing-list"], now=NOW, backup=False)
    assert doc_findings(path) == []


def test_an_issued_document_is_frozen_numbered_and_judged_stale_never_wrong(
    clean: Path, tmp_path: Path
) -> None:
    book = tmp_path / "book.xlsx"
    book.write_bytes(clean.read_bytes())
    done = issue_file(book, "CI PO-1001 R1", tmp_path / "pdf", backup=False, now=NOW, pdf=False)
    assert (done.old_no, done.doc_no, done.tab) == ("CI PO-1001 R1", "CI-00001", "CI PO-1001")
    tab = read_tabs(book, ["CI PO-1001"])[
        "CI PO-1001"
    ]  # the whole tab (the check reads only what it compares)
    assert tab.formulas == frozenset() and tab.cells["F3"] == "CI-00001" and tab.cells["H21"] == 7875
    register = read_book(book).sheets["Documents"].frame
    assert register.loc[2, ["doc_no", "issued"]].tolist() == ["CI-00001", pd.Timestamp(NOW.date())]
    assert doc_findings(book) == []
    moved = tmp_path / "moved.xlsx"
    moved.write_bytes(book.read_bytes())
    set_cell(moved, "Orders", "K2", "DEHAM")  # the order now discharges elsewhere: the issued CI is stale
    assert doc_findings(moved) == [("doc-stale", "Documents", 2, "Sheet", "E2")]
    set_cell(book, "Lines", "G2", 1000.0)
    assert doc_findings(book) == [("doc-stale", "Documents", r, "Amount", f"G{r}") for r in (2, 3, 4, 5)]
    with pytest.raises(PlanError, match="was issued on 2026-11-25"):
        issue_file(book, "CI-00001", backup=False, pdf=False)
    regenerated = generate_file(book, ["PO-1001"], ["invoice"], now=NOW, backup=False)
    assert regenerated.plan.documents == [] and regenerated.plan.skipped == [
        "CI-00001 was issued on 2026-11-25; it stays as sent."
    ]


def test_the_doc_no_series_counts_on_from_the_register() -> None:
    assert (
        series_number("INV-2026-{n:04d}", "CI", ["INV-2026-0007", "INV-2026-0002", "CI-00009"])
        == "INV-2026-0008"
    )
    assert series_number("", "PL", ["PL-00003"]) == "PL-00004"
    assert series_number("{prefix}/{n}", "CO", []) == "CO/1"
    with pytest.raises(PlanError, match="exactly one"):
        series_number("INV-2026", "CI", [])


@pytest.mark.libreoffice
def test_a_description_changed_in_lines_and_recalculated_is_not_a_mismatch(
    clean: Path, tmp_path: Path, soffice: Path
) -> None:
    """The invoice's live formula follows the line once the book is calculated: T = O, no finding."""
    book = tmp_path / "book.xlsx"
    book.write_bytes(clean.read_bytes())
    set_cell(book, "Lines", "D2", "Polyester cushion cover")
    recalculated = libreoffice_copy(soffice, book, tmp_path / "lo", recalc=True)
    assert read_book(recalculated).tabs["CI PO-1001"].value("B19") == "Polyester cushion cover"
    assert doc_findings(recalculated) == []

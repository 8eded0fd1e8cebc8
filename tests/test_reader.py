"""The tolerant reader: messy-but-valid books read the same as clean ones; bad cells are located."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from helpers import d, line, order, rows_of, shipment, write_book
from sheetsync.book import Book
from sheetsync.contract import LINES, ORDERS
from sheetsync.io.ooxml.package import Package
from sheetsync.io.read.reader import read_book
from sheetsync.io.read.sheet_head import OTHER, head_rows

ORDER_2 = {"Order No": "PO-1002", "Buyer": "Casa Viva S.L.", "Buyer Country": "ES", "Currency": "EUR"}


def clean_book(path: Path) -> Path:
    return write_book(
        path,
        [order(), order(**ORDER_2)],
        [
            line(),
            line(**{"Line": 2, "Quantity": 1250.5, "Unit Price": 1234.56, "Amount": 1543817.28}),
            line(**{"Order No": "PO-1002", "HS Code": "9403.60.10", "Unit": "SET", "Cartons": 12}),
        ],
        [shipment()],
    )


def messy_book(path: Path) -> Path:
    """The same data as clean_book, typed the way real teams type it."""
    wb = Workbook()
    wb.remove(wb.active)
    orders = wb.create_sheet("Orders")
    orders.append(["NORDIC EXPORTS — ORDER BOOK 2026"])
    orders.append(["printed 2026-11-25", None, "do not sort"])
    headers = [c.header for c in ORDERS.columns]
    renamed = {"Order No": "PO #", "Order Date": "  order   date ", "Buyer Country": "BUYER COUNTRY"}
    orders.append([renamed.get(h, h) for h in headers] + ["Internal note"])
    for i, row in enumerate([order(), order(**ORDER_2)]):
        cells = [row.get(h) for h in headers]
        cells[headers.index("Order Date")] = "2026-09-01" if i == 0 else "1 Sep 2026"
        cells[headers.index("Deposit %")] = "30%"
        cells[headers.index("Sample Approved Plan")] = 46275  # 2026-09-10 as an Excel serial
        cells[headers.index("Buyer")] = f"  {row['Buyer']}\u00a0"
        orders.append([*cells, "call buyer"])
        orders.append([])  # blank rows between blocks
    lines = wb.create_sheet("Lines")
    order_of = [
        "SKU",
        "PO No",
        "Line",
        "Description",
        "HS",
        "Origin",
        "Qty",
        "Unit",
        "U/Price",
        "Amt",
        "Ctns",
        "N.W.",
        "G.W.",
        "CBM",
        "Shipment No",
        "Colour",
    ]
    lines.append(order_of)
    lines.append(
        [
            "NH-CUSH-01",
            "PO-1001",
            1.0,
            "Cotton cushion cover 45x45 cm",
            "6304.92",
            "CN",
            "1,200.00",
            "H87",
            "$3.50",
            "USD 4,200.00",
            50,
            540,
            600,
            3.2,
            None,
            "ivory",
        ]
    )
    lines.append(
        [
            "NH-CUSH-01",
            "PO-1001",
            "2",
            "Cotton cushion cover 45x45 cm",
            "6304.92",
            "CN",
            "1,250.5",
            "H87",
            "1,234.56",
            "1,543,817.28",
            50,
            540,
            600,
            3.2,
            None,
            "grey",
        ]
    )
    lines.append(
        [
            "NH-CUSH-01",
            "PO-1002",
            1,
            "Cotton cushion cover 45x45 cm ",
            "9403.60.10",
            "CN",
            1200,
            "H87",
            3.5,
            4200,
            "12",
            540,
            600,
            3.2,
            None,
            None,
        ]
    )
    lines.cell(row=4, column=8, value="SET")
    shipments = wb.create_sheet("Shipments")
    shipments.append(list(shipment()))
    shipments.append(list(shipment().values()))
    settings = wb.create_sheet("Settings")
    settings.append(["Setting", "Value"])
    settings.append(["today", "2026-11-25"])
    wb.save(path)
    return path


def test_messy_book_reads_the_same_as_the_clean_one(tmp_path: Path) -> None:
    clean = read_book(clean_book(tmp_path / "clean.xlsx"))
    messy = read_book(messy_book(tmp_path / "messy.xlsx"))
    assert messy.findings == []
    assert messy.settings.today == dt.date(2026, 11, 25)
    for name in ("Orders", "Lines", "Shipments"):
        a = clean.sheets[name].frame.reset_index(drop=True)
        b = messy.sheets[name].frame.reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b)
    orders = messy.sheets["Orders"]
    assert orders.header_row == 3
    assert list(orders.frame.index) == [4, 6]
    assert orders.columns["order_no"].header == "PO #"
    assert orders.cell(6, "order_date") == "B6"
    assert orders.extra_headers == ["Internal note"]
    assert messy.sheets["Lines"].extra_headers == ["Colour"]
    assert messy.sheets["Lines"].cell(3, "quantity") == "G3"


def test_exact_typed_values(tmp_path: Path) -> None:
    book = read_book(messy_book(tmp_path / "messy.xlsx"))
    o = book.sheets["Orders"].frame
    assert o.loc[4, "order_date"] == pd.Timestamp("2026-09-01")
    assert o.loc[6, "order_date"] == pd.Timestamp("2026-09-01")
    assert o.loc[4, "sample_approved_plan"] == pd.Timestamp("2026-09-10")
    assert o.loc[4, "deposit_pct"] == 30.0
    assert o.loc[4, "buyer"] == "Nordic Home AB"
    assert o["lc_no"].isna().loc[4]
    li = book.sheets["Lines"].frame
    assert li["quantity"].tolist() == [1200.0, 1250.5, 1200.0]
    assert li["unit_price"].tolist() == [3.5, 1234.56, 3.5]
    assert li["amount"].tolist() == [4200.0, 1543817.28, 4200.0]
    assert li["line"].tolist() == [1.0, 2.0, 1.0]
    assert li["hs_code"].tolist() == ["6304.92", "6304.92", "9403.60.10"]
    assert li["unit"].tolist() == ["H87", "H87", "SET"]


def test_bad_cells_are_located_and_reported_once(tmp_path: Path) -> None:
    path = write_book(
        tmp_path / "bad.xlsx",
        [
            order(
                **{
                    "Order Date": "04/03/2026",
                    "Deposit %": "thirty",
                    "Cargo Ready Plan": "TBD",
                    "Inspection Plan": "N/A",
                    "Buyer Country": "NA",
                }
            )
        ],
        [line(**{"Quantity": "1,234", "Line": 1.5, "Cartons": "12.0"})],
    )
    book = read_book(path)
    assert rows_of(book.findings) == [
        ("schema-date-ambiguous", "Orders", 2, "Order Date"),
        ("schema-date-placeholder", "Orders", 2, "Cargo Ready Plan"),
        ("schema-number-ambiguous", "Lines", 2, "Quantity"),
        ("schema-type", "Lines", 2, "Line"),
        ("schema-type", "Orders", 2, "Deposit %"),
    ]
    cells = {(f.code, f.sheet, f.column): (f.cell, f.order, f.value) for f in book.findings}
    assert cells[("schema-type", "Orders", "Deposit %")] == ("N2", "PO-1001", "thirty")
    assert cells[("schema-type", "Lines", "Line")] == ("B2", "PO-1001", "1.5")
    assert cells[("schema-date-ambiguous", "Orders", "Order Date")] == ("B2", "PO-1001", "04/03/2026")
    orders = book.sheets["Orders"]
    assert orders.bad_cells == {(2, "order_date"), (2, "deposit_pct")}
    assert orders.not_applicable == {(2, "inspection_plan")}
    assert orders.frame.loc[2, "buyer_country"] == "NA"  # Namibia, not missing
    assert book.sheets["Lines"].frame.loc[2, "quantity"] == 1234.0
    assert book.sheets["Lines"].frame.loc[2, "cartons"] == 12.0


@pytest.mark.parametrize(("order_setting", "expected"), [("DMY", "2026-03-04"), ("MDY", "2026-04-03")])
def test_date_order_setting_settles_ambiguous_dates(
    tmp_path: Path, order_setting: str, expected: str
) -> None:
    path = write_book(
        tmp_path / "b.xlsx",
        [order(**{"Order Date": "04/03/2026"})],
        [line()],
        settings={"Date Order": order_setting},
    )
    book = read_book(path)
    assert book.findings == []
    assert book.sheets["Orders"].frame.loc[2, "order_date"] == pd.Timestamp(expected)


def test_unambiguous_text_dates(tmp_path: Path) -> None:
    texts = [
        "25/03/2026",
        "03/25/2026",
        "4 Mar 2026",
        "Mar 4, 2026",
        "04-Mar-26",
        "2026/03/04",
        "2026-03-04 10:30",
    ]
    orders = [order(**{"Order No": f"PO-{i}", "Order Date": t}) for i, t in enumerate(texts)]
    book = read_book(write_book(tmp_path / "b.xlsx", orders, [line()]))
    assert book.findings == []
    assert [str(v.date()) for v in book.sheets["Orders"].frame["order_date"]] == [
        "2026-03-25",
        "2026-03-25",
        "2026-03-04",
        "2026-03-04",
        "2026-03-04",
        "2026-03-04",
        "2026-03-04",
    ]


def test_numeric_order_no_and_hs_stored_as_number(tmp_path: Path) -> None:
    path = write_book(
        tmp_path / "b.xlsx", [order(**{"Order No": 1001})], [line(**{"Order No": "1001", "HS Code": 61091})]
    )
    book = read_book(path)
    assert book.sheets["Orders"].frame.loc[2, "order_no"] == "1001"
    assert book.sheets["Lines"].frame.loc[2, "hs_code"] == "61091"
    assert book.sheets["Lines"].numeric_text == {"hs_code": {2}}


def test_sheet_and_header_problems(tmp_path: Path) -> None:
    headers = [c.header for c in LINES.columns if c.header != "Quantity"] + ["SKU"]
    no_quantity = {k: v for k, v in line().items() if k != "Quantity"}
    path = write_book(tmp_path / "b.xlsx", [order()], [no_quantity], headers={"Lines": headers})
    book = read_book(path)
    assert rows_of(book.findings) == [
        ("schema-header-duplicate", "Lines", 1, "SKU"),
        ("schema-header-missing", "Lines", 1, "Quantity"),
    ]
    dup = next(f for f in book.findings if f.code == "schema-header-duplicate")
    assert dup.cell == "O1"
    assert book.sheets["Lines"].frame["quantity"].isna().all()


def test_missing_sheet_and_unfindable_header(tmp_path: Path) -> None:
    path = write_book(tmp_path / "b.xlsx", [order()], [line()], omit=["Lines"])
    wb = load_workbook(path)
    wb["Orders"].delete_rows(1)  # the header row is gone
    wb.save(path)
    book = read_book(path)
    assert rows_of(book.findings) == [
        ("schema-header-missing", "Orders", None, None),
        ("schema-sheet-missing", "Lines", None, None),
    ]
    assert "Orders" not in book.sheets


def test_1904_date_system(tmp_path: Path) -> None:
    path = write_book(tmp_path / "b.xlsx", [order(**{"Order Date": 44808})], [line()])
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"<workbookPr />", b'<workbookPr date1904="1" />'
    )
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    book = read_book(path)
    # 44808 days after 1904-01-01 is 2026-09-05 (in the 1900 system it would be 2022-09-04).
    assert book.sheets["Orders"].frame.loc[2, "order_date"] == pd.Timestamp(d("2026-09-05"))


def test_rows_holding_only_a_dragged_down_formula_result_are_blank(tmp_path: Path) -> None:
    path = write_book(
        tmp_path / "b.xlsx", [order()], [line(), {"Amount": 0}, {"Amount": ""}, {"Amount": 12.5}]
    )
    lines = read_book(path).sheets["Lines"]
    assert list(lines.frame.index) == [2, 5]
    assert lines.frame.loc[5, "amount"] == 12.5


# --- The typed fast path (io/fast.py) must give exactly the Book of the cell-by-cell path ---


def assert_same_book(fast: Book, slow: Book) -> None:
    assert fast.findings == slow.findings
    assert fast.settings == slow.settings
    assert list(fast.sheets) == list(slow.sheets)
    for name, a in fast.sheets.items():
        b = slow.sheets[name]
        pd.testing.assert_frame_equal(a.frame, b.frame)
        assert (a.header_row, a.columns, a.extra_headers) == (b.header_row, b.columns, b.extra_headers)
        assert (a.bad_cells, a.numeric_text, a.not_applicable) == (
            b.bad_cells,
            b.numeric_text,
            b.not_applicable,
        )


def read_both(path: Path) -> tuple[Book, Book]:
    fast, slow = read_book(path), read_book(path, fast=False)
    assert not any(s.fast_path for s in slow.sheets.values())
    assert_same_book(fast, slow)
    return fast, slow


def fast_sheets(book: Book) -> list[str]:
    return [name for name, s in book.sheets.items() if s.fast_path]


def test_clean_book_takes_the_fast_path_and_reads_the_same(tmp_path: Path) -> None:
    fast, _ = read_both(clean_book(tmp_path / "clean.xlsx"))
    assert fast_sheets(fast) == ["Orders", "Lines", "Shipments"]
    assert fast.findings == []


def test_messy_book_falls_back_where_columns_mix_types(tmp_path: Path) -> None:
    fast, _ = read_both(messy_book(tmp_path / "messy.xlsx"))
    # Lines mixes "1,200.00" and numbers in Quantity: that sheet is read cell by cell.
    assert fast_sheets(fast) == ["Orders", "Shipments"]  # Order Date: all text, parsed cell by cell


def offset_book(path: Path) -> Path:
    """Used range starting at C3, header at B5, blank and zero-only rows, typed oddities."""
    wb = Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet("Orders")
    ws["C3"] = "Order book"
    headers = [c.header for c in ORDERS.columns] + ["Internal note"]
    for j, header in enumerate(headers):
        ws.cell(row=5, column=2 + j, value=header)
    rows = [
        order(**{"Order Date": d("2026-09-01") + dt.timedelta(hours=10, minutes=30), "ETA Actual": 46401}),
        order(**{"Order No": "PO-1002", "Buyer": " Casa\u00a0Viva ", "ETA Actual": 46400.0}),
        order(**{"Order No": "PO-1003", "Deposit %": 0, "ETA Actual": 3000000.0, "Coordinator": "Ｌｉｎ"}),
    ]
    for i, row in enumerate(rows):
        for j, header in enumerate(headers):
            ws.cell(row=6 + 2 * i, column=2 + j, value=row.get(header))
    ws.cell(row=12, column=2 + headers.index("Deposit %"), value=0)  # a dragged-down formula's 0
    ws.cell(row=13, column=2 + headers.index("Internal note"), value="only an unknown column")
    lines = wb.create_sheet("Lines")
    lheaders = [c.header for c in LINES.columns]
    lines.append(lheaders)
    extras: list[dict[str, float]] = [
        {"Line": 1.5, "HS Code": 630492},
        {"HS Code": 61091, "Cartons": 12.0},
        {"HS Code": 940360},
    ]
    for i, extra in enumerate(extras):
        lines.append([line(**{"Line": i + 1, **extra}).get(h) for h in lheaders])
    lines.append([None] * len(lheaders))
    lines.append([0 if h == "Cartons" else None for h in lheaders])
    wb.save(path)
    return path


def test_offset_ranges_serials_and_number_codes_read_the_same(tmp_path: Path) -> None:
    fast, _ = read_both(offset_book(tmp_path / "offset.xlsx"))
    assert fast_sheets(fast) == ["Orders", "Lines"]
    orders = fast.sheets["Orders"]
    assert (orders.header_row, list(orders.frame.index)) == (5, [6, 8, 10])
    assert orders.cell(8, "order_no") == "B8"
    assert orders.frame.loc[6, "order_date"] == pd.Timestamp("2026-09-01")
    assert orders.frame.loc[8, "eta_actual"] == pd.Timestamp("2027-01-13")
    assert orders.frame.loc[8, "buyer"] == "Casa Viva"
    assert orders.frame.loc[10, "coordinator"] == "Lin"
    lines = fast.sheets["Lines"]
    assert list(lines.frame.index) == [2, 3, 4]
    assert lines.numeric_text == {"hs_code": {2, 3, 4}}
    assert lines.frame["hs_code"].tolist() == ["630492", "61091", "940360"]
    assert rows_of(fast.findings) == [
        ("schema-type", "Lines", 2, "Line"),
        ("schema-type", "Orders", 10, "ETA Actual"),
    ]


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("Quantity", True),  # a boolean among numbers
        ("Quantity", "#N/A"),  # an error cell
        ("Quantity", d("2026-01-02")),  # a date in a number column
        ("HS Code", d("2026-01-02")),  # a date in a code column
        ("HS Code", "#N/A"),  # an error cell in a code column
        ("Order No", 1001),  # a number among text
    ],
)
def test_mixed_columns_read_the_same(tmp_path: Path, cell: str, value: object) -> None:
    lines = [line(), line(**{"Line": 2, cell: value})]
    fast, _ = read_both(write_book(tmp_path / "b.xlsx", [order()], lines))
    assert "Orders" in fast_sheets(fast)


def test_1904_serials_and_placeholders_read_the_same(tmp_path: Path) -> None:
    path = write_book(
        tmp_path / "b.xlsx",
        [order(**{"Order Date": 44808, "Cargo Ready Plan": "TBD", "Inspection Plan": "N/A"})],
        [line(**{"Quantity": "1,234", "Line": 1.5})],
        title_rows=2,
    )
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"<workbookPr />", b'<workbookPr date1904="1" />'
    )
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    fast, _ = read_both(path)
    assert fast.sheets["Orders"].frame.loc[4, "order_date"] == pd.Timestamp("2026-09-05")


def test_header_problems_read_the_same(tmp_path: Path) -> None:
    headers = [c.header for c in LINES.columns if c.header != "Quantity"] + ["SKU"]
    no_quantity = {k: v for k, v in line().items() if k != "Quantity"}
    path = write_book(tmp_path / "b.xlsx", [order()], [no_quantity], headers={"Lines": headers})
    fast, _ = read_both(path)
    assert fast_sheets(fast) == ["Orders", "Lines"]


def test_sheet_head_reads_the_first_rows_from_the_xml(tmp_path: Path) -> None:
    path = offset_book(tmp_path / "offset.xlsx")
    package = Package(path)
    try:
        part = package.sheet("Orders")
        assert part is not None
        first, rows = head_rows(package, part.part, 4)
    finally:
        package.close()
    assert first == 2  # C3, the title, is the first cell holding a value
    assert rows[0] == [None, None, "Order book"]
    assert rows[1] == []
    assert rows[2][:3] == [None, "Order No", "Order Date"]
    assert rows[3][1:3] == ["PO-1001", OTHER]  # a date is not text

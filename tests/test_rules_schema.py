"""Schema rules (RULES.md §2) end to end: real workbooks, exact (code, sheet, row, column)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import TODAY, d, lc_order, line, order, rows_of, shipment, write_book
from sheetsync.actions.check import check_path
from sheetsync.findings import Finding

FAMILIES = ("schema-", "code-")


def ours(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code.startswith(FAMILIES)]


def check(path: Path, **rows: Any) -> list[Finding]:
    report = check_path(write_book(path, **rows), today=TODAY)
    assert report.error is None
    return ours(report.findings)


def document(**overrides: Any) -> dict[str, Any]:
    """A register row for an invoice tab of PO-1001 that exists (the Orders sheet stands in)."""
    base = {
        "Doc No": "CI-1001-1",
        "Type": "Commercial Invoice",
        "Order No": "PO-1001",
        "Shipment No": "SH-1001-1",
        "Sheet": "Orders",
        "Generated": d("2026-11-20T10:00:00"),
        "Amount": 4200.0,
        "Quantity": 1200,
        "Packages": 50,
        "Net kg": 540.0,
        "Gross kg": 600.0,
    }
    return base | overrides


def test_clean_book_has_no_schema_findings(tmp_path: Path) -> None:
    orders = [order(), lc_order(**{"Order No": "PO-1002", "Incoterm": "CIF", "Insurance %": 110})]
    lines = [line(), line(**{"Order No": "PO-1002"})]
    shipments = [shipment(**{"ATD": d("2026-11-20"), "B/L or AWB No": "MAEU123456"})]
    found = check(
        tmp_path / "book.xlsx", orders=orders, lines=lines, shipments=shipments, documents=[document()]
    )
    assert rows_of(found) == []


def test_messy_but_valid_book_gives_only_notes(tmp_path: Path) -> None:
    orders = [
        order(
            **{
                "Order No": 1001,
                "Status": "in production",
                "Transport Mode": "Ocean",
                "Payment Terms": "TT",
                "Order Date": "2026-09-01",
                "Coordinator": "Lin Wei  ",
            }
        ),
        lc_order(**{"Order No": "PO-1002", "Payment Terms": "l/c at sight", "Status": "canceled"}),
    ]
    lines = [
        line(**{"Order No": "1001", "Line": 1.0}),
        line(**{"Order No": " 1001 ", "Line": "2", "Quantity": "1,200.50"}),
    ]
    found = check(tmp_path / "book.xlsx", orders=orders, lines=lines, title_rows=2)
    assert rows_of(found) == [
        ("code-normalised", "Orders", 4, "Payment Terms"),
        ("code-normalised", "Orders", 4, "Transport Mode"),
        ("code-normalised", "Orders", 5, "Status"),
    ]


def test_required_cells_including_conditional_ones(tmp_path: Path) -> None:
    orders = [
        order(Buyer=None),
        lc_order(**{"Order No": "PO-1002", "L/C No": None, "Latest Shipment": None}),
        order(**{"Order No": "PO-1003", "Port of Loading": None, "Transport Mode": "Air"}),
        order(**{"Order No": "PO-1004", "Port of Loading": None, "Transport Mode": "Road"}),
        order(**{"Order No": "PO-1005", "Incoterm": "CIP", "Insurance %": None}),
        order(**{"Order No": "PO-1006", "Order Date": "soon", "Status": "Cancelled", "SKU": None}),
    ]
    lines = [line(**{"Order No": f"PO-100{i}"}) for i in range(1, 6)] + [
        line(**{"Order No": "PO-1006", "SKU": None})
    ]
    shipments = [shipment(**{"ATD": d("2026-11-20")}), shipment(**{"Shipment No": "SH-2"})]
    found = check(tmp_path / "book.xlsx", orders=orders, lines=lines, shipments=shipments)
    assert rows_of(found) == [
        ("schema-required", "Lines", 7, "SKU"),
        ("schema-required", "Orders", 2, "Buyer"),
        ("schema-required", "Orders", 3, "L/C No"),
        ("schema-required", "Orders", 3, "Latest Shipment"),
        ("schema-required", "Orders", 4, "Port of Loading"),
        ("schema-required", "Orders", 6, "Insurance %"),
        ("schema-required", "Shipments", 2, "B/L or AWB No"),
        ("schema-type", "Orders", 7, "Order Date"),  # the reader's; no schema-required on top
    ]
    assert next(f for f in found if f.column == "Buyer").message == "Fill Buyer."


def test_required_conditional_column_absent(tmp_path: Path) -> None:
    without = {h: v for h, v in lc_order().items() if h != "L/C No"}
    found = check(tmp_path / "book.xlsx", orders=[without], lines=[line()], headers={"Orders": list(without)})
    assert [(f.code, f.row, f.column, f.cell) for f in found] == [("schema-required", 2, "L/C No", None)]


def test_ranges(tmp_path: Path) -> None:
    orders = [lc_order(**{"Deposit %": 120, "Tolerance %": 11, "Presentation Days": 0})]
    lines = [
        line(**{"Quantity": 0, "Unit Price": -1, "Amount": 0}),
        line(**{"Line": 0, "Cartons": -2}),
        line(**{"Line": 3, "Quantity": 0.001, "Unit Price": 0, "Amount": 0, "Volume m3": None}),
    ]
    found = check(tmp_path / "book.xlsx", orders=orders, lines=lines)
    assert rows_of(found) == [
        ("schema-range", "Lines", 2, "Quantity"),
        ("schema-range", "Lines", 2, "Unit Price"),
        ("schema-range", "Lines", 3, "Cartons"),
        ("schema-range", "Lines", 3, "Line"),
        ("schema-range", "Orders", 2, "Deposit %"),
        ("schema-range", "Orders", 2, "Presentation Days"),
        ("schema-range", "Orders", 2, "Tolerance %"),
    ]
    messages = {f.column: f.message for f in found}
    assert messages["Deposit %"] == "Deposit % must be 0–100."
    assert messages["Quantity"] == "Quantity must be > 0."
    assert messages["Line"] == "Line must be ≥ 1."


def test_enums_after_aliases(tmp_path: Path) -> None:
    orders = [
        order(**{"Status": "Pending", "Transport Mode": "Boat", "Payment Terms": "Barter"}),
        order(
            **{"Order No": "PO-1002", "Status": "shipped", "Transport Mode": "by air", "Payment Terms": "D/P"}
        ),
    ]
    lines = [line(), line(**{"Order No": "PO-1002"})]
    documents = [document(Type="Memo"), document(**{"Doc No": "PL-1001-1", "Type": "packing-list"})]
    found = check(
        tmp_path / "book.xlsx", orders=orders, lines=lines, shipments=[shipment()], documents=documents
    )
    assert rows_of(found) == [
        ("code-normalised", "Documents", 3, "Type"),
        ("code-normalised", "Orders", 3, "Transport Mode"),
        ("schema-enum", "Documents", 2, "Type"),
        ("schema-enum", "Orders", 2, "Payment Terms"),
        ("schema-enum", "Orders", 2, "Status"),
        ("schema-enum", "Orders", 2, "Transport Mode"),
    ]


def test_duplicate_keys_trimmed_and_ignoring_case(tmp_path: Path) -> None:
    orders = [order(), order(**{"Order No": " po-1001 "}), order(**{"Order No": "PO-1001"})]
    lines = [line(), line(Line=2), line(**{"Order No": "po-1001", "Line": 1.0})]
    shipments = [shipment(), shipment(**{"Shipment No": "sh-1001-1"})]
    documents = [document(), document(**{"Doc No": "ci-1001-1 "})]
    found = check(
        tmp_path / "book.xlsx", orders=orders, lines=lines, shipments=shipments, documents=documents
    )
    assert rows_of(found) == [
        ("schema-duplicate-key", "Documents", 3, "Doc No"),
        ("schema-duplicate-key", "Lines", 4, "Line"),
        ("schema-duplicate-key", "Orders", 3, "Order No"),
        ("schema-duplicate-key", "Orders", 4, "Order No"),
        ("schema-duplicate-key", "Shipments", 3, "Shipment No"),
    ]
    assert {f.message for f in found} == {"Already used in row 2."}


def test_unknown_references(tmp_path: Path) -> None:
    lines = [line(), line(**{"Order No": "PO-9999"}), line(**{"Line": 2, "Shipment No": "SH-404"})]
    shipments = [shipment(), shipment(**{"Shipment No": "SH-2", "Order No": "PO-8888"})]
    documents = [document(), document(**{"Doc No": "CI-2", "Sheet": "CI PO-1001 gone"})]
    found = check(
        tmp_path / "book.xlsx", orders=[order()], lines=lines, shipments=shipments, documents=documents
    )
    assert rows_of(found) == [
        ("schema-unknown-ref", "Documents", 3, "Sheet"),
        ("schema-unknown-ref", "Lines", 3, "Order No"),
        ("schema-unknown-ref", "Lines", 4, "Shipment No"),
        ("schema-unknown-ref", "Shipments", 3, "Order No"),
    ]
    assert next(f for f in found if f.value == "PO-9999").message == "Fix Order No or add PO-9999."


def test_live_order_without_lines(tmp_path: Path) -> None:
    orders = [
        order(),
        order(**{"Order No": "PO-1002"}),
        order(**{"Order No": "PO-1003", "Status": "Cancelled"}),
        order(**{"Order No": 1004}),
    ]
    lines = [line(), line(**{"Order No": "1004"})]
    found = check(tmp_path / "book.xlsx", orders=orders, lines=lines)
    assert rows_of(found) == [("schema-order-no-lines", "Orders", 3, "Order No")]


def test_implausible_dates(tmp_path: Path) -> None:
    orders = [
        order(**{"Order Date": d("1999-12-31"), "ETA Plan": d("2032-01-01"), "ETD Plan": d("2031-12-31")})
    ]
    shipments = [shipment(**{"ETA": d("2100-01-01")})]
    found = check(tmp_path / "book.xlsx", orders=orders, lines=[line()], shipments=shipments)
    assert rows_of(found) == [
        ("schema-date-implausible", "Orders", 2, "ETA Plan"),
        ("schema-date-implausible", "Orders", 2, "Order Date"),
        ("schema-date-implausible", "Shipments", 2, "ETA"),
    ]
    assert next(f for f in found if f.column == "Order Date").message == "Check 1999-12-31."

"""lc-* rules (RULES.md §6), end to end on workbooks written in the test.

TODAY is 2026-11-25. `shipped_order(lc=True)` left on 2026-10-30 (deadline 2026-11-20) and
sent its documents on 2026-11-04; `lc_order()` plans ETD 2027-01-05, Latest Shipment
2027-01-31, expiry 2027-02-28.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from helpers import (
    TODAY,
    d,
    departed_shipment,
    lc_order,
    line,
    order,
    rows_of,
    shipment,
    shipped_order,
    write_book,
)
from sheetsync.actions.check import check_path
from sheetsync.findings import Finding

Rows = Iterable[Mapping[str, Any]]


def report(tmp_path: Path, orders: Rows, lines: Rows | None = None, **kw: Any) -> list[Finding]:
    orders = list(orders)
    if lines is None:
        lines = [line(**{"Order No": o["Order No"]}) for o in orders]
    path = write_book(tmp_path / "book.xlsx", orders, lines, **kw)
    if kw.get("documents"):
        wb = load_workbook(path)
        for doc in kw["documents"]:
            wb.create_sheet(doc["Sheet"])
        wb.save(path)
    result = check_path(path, today=TODAY)
    assert result.error is None
    return result.findings


def check(tmp_path: Path, orders: Rows, lines: Rows | None = None, **kw: Any) -> list[Any]:
    return rows_of(report(tmp_path, orders, lines, **kw))


def numbered(*orders: dict[str, Any]) -> list[dict[str, Any]]:
    """Give each order its own Order No: PO-1001, PO-1002, ..."""
    return [{**o, "Order No": f"PO-{1001 + i}"} for i, o in enumerate(orders)]


def invoice(
    quantity: float, amount: float, order_no: str = "PO-1001", n: int = 1, **overrides: Any
) -> dict[str, Any]:
    """Commercial Invoice number `n` in the register for `order_no`, its first shipment."""
    number = order_no.removeprefix("PO-")
    row = {
        "Doc No": f"CI-{number}-{n}", "Type": "Commercial Invoice", "Order No": order_no,
        "Shipment No": f"SH-{number}-1", "Sheet": f"CI-{number}-{n}", "Generated": d("2026-10-31T10:00"),
        "Amount": amount, "Quantity": quantity, "Packages": 50, "Net kg": 540.0, "Gross kg": 600.0,
    }  # fmt: skip
    return {**row, **overrides}


def first_shipments(orders: Rows) -> list[dict[str, Any]]:
    """One departed shipment per order: SH-1001-1, SH-1002-1, ..."""
    nos = [o["Order No"] for o in orders]
    return [departed_shipment(**{"Order No": no, "Shipment No": f"SH-{no[3:]}-1"}) for no in nos]


def fca(**overrides: Any) -> dict[str, Any]:
    """A shipped FCA L/C order (FCA: containerised shipments raise no Incoterm note)."""
    return shipped_order(lc=True, Incoterm="FCA", **overrides)


# lc-amount-exceeded ----------------------------------------------------------------------------


def test_order_total_over_the_credit(tmp_path: Path) -> None:
    orders = numbered(lc_order(**{"L/C Amount": 4000}), lc_order(**{"L/C Amount": 4000, "Tolerance %": 4}))
    found = report(tmp_path, orders)
    assert rows_of(found) == [
        ("lc-amount-exceeded", "Orders", 2, "L/C Amount"),
        ("lc-amount-exceeded", "Orders", 3, "L/C Amount"),
    ]
    assert [f.message for f in found] == [
        "USD 4,200.00 exceeds L/C USD 4,000.00: amend the L/C or the order.",
        "USD 4,200.00 exceeds L/C USD 4,160.00: amend the L/C or the order.",
    ]


def test_total_within_the_ceiling_does_not_fire(tmp_path: Path) -> None:
    orders = numbered(
        lc_order(**{"L/C Amount": 4200}),
        lc_order(**{"L/C Amount": 4000, "Tolerance %": 5}),
        order(**{"L/C Amount": 100}),  # T/T: no lc-* rule
        lc_order(Status="Cancelled", **{"L/C Amount": 100}),
    )
    assert check(tmp_path, orders) == []


def test_invoiced_total_over_the_credit(tmp_path: Path) -> None:
    orders = [fca(**{"L/C Amount": 4250})]
    documents = [invoice(1200, 4300)]
    assert check(tmp_path, orders, shipments=[departed_shipment()], documents=documents) == [
        ("lc-amount-exceeded", "Orders", 2, "L/C Amount"),
    ]


def test_a_regenerated_invoice_replaces_the_earlier_one(tmp_path: Path) -> None:
    orders = [fca(**{"L/C Amount": 4250})]
    documents = [
        invoice(1200, 4300),
        invoice(1200, 4200, n=2, Generated=d("2026-11-01")),
    ]
    assert check(tmp_path, orders, shipments=[departed_shipment()], documents=documents) == []


# lc-quantity-over / lc-quantity-short ----------------------------------------------------------


def kg_line(order_no: str) -> dict[str, Any]:
    return line(**{"Order No": order_no, "Unit": "KGM", "Quantity": 1000, "Unit Price": 4.2})


def test_invoiced_quantity_beyond_tolerance(tmp_path: Path) -> None:
    orders = numbered(fca(), fca(), fca(**{"Tolerance %": 2}))
    lines = [line(), kg_line("PO-1002"), line(**{"Order No": "PO-1003"})]
    shipments = first_shipments(orders)
    documents = [
        invoice(1201, 4200),  # counted: t = 0
        invoice(1051, 4200, "PO-1002"),  # kg: t = 5
        invoice(1000, 3500, "PO-1003"),  # short, beyond the 2 % entered
    ]
    found = report(tmp_path, orders, lines, shipments=shipments, documents=documents)
    assert rows_of(found) == [
        ("lc-quantity-over", "Orders", 2, None),
        ("lc-quantity-over", "Orders", 3, None),
        ("lc-quantity-short", "Orders", 4, None),
    ]
    assert [f.message for f in found][:2] == ["Over-shipped beyond 0 %.", "Over-shipped beyond 5 %."]


def test_quantity_within_tolerance_does_not_fire(tmp_path: Path) -> None:
    orders = numbered(fca(), fca(**{"Tolerance %": 10}), lc_order(Incoterm="FCA"))
    lines = [kg_line("PO-1001"), line(**{"Order No": "PO-1002"}), line(**{"Order No": "PO-1003"})]
    shipments = [
        departed_shipment(),
        departed_shipment(**{"Order No": "PO-1002", "Shipment No": "SH-1002-1"}),
        shipment(**{"Order No": "PO-1003", "Shipment No": "SH-1003-1"}),
    ]
    documents = [
        invoice(950, 3990),  # kg, 5 % under: within t
        invoice(1320, 4620, "PO-1002"),  # within the 10 % entered
        invoice(600, 2100, "PO-1003"),  # a partial invoice before shipping
    ]
    assert check(tmp_path, orders, lines, shipments=shipments, documents=documents) == []


# lc-shipment-late / lc-shipment-at-risk --------------------------------------------------------


def test_shipped_after_latest_shipment(tmp_path: Path) -> None:
    late = {"Latest Shipment": d("2026-10-29")}
    orders = numbered(fca(**late), fca(**late), lc_order(**{"Latest Shipment": d("2026-11-20")}))
    shipments = [departed_shipment()]  # PO-1002 has no Shipments row: its ETD Actual counts
    assert check(tmp_path, orders, shipments=shipments) == [
        ("lc-shipment-at-risk", "Orders", 4, "ETD Plan"),
        ("lc-shipment-late", "Orders", 3, "ETD Actual"),
        ("lc-shipment-late", "Orders", 4, "Latest Shipment"),
        ("lc-shipment-late", "Shipments", 2, "ATD"),
    ]


def test_shipped_on_latest_shipment_does_not_fire(tmp_path: Path) -> None:
    on_the_day = {"ETD Plan": d("2027-01-31"), "Docs Sent Plan": d("2027-02-05")}
    orders = numbered(fca(**{"Latest Shipment": d("2026-10-30")}), lc_order(**on_the_day))
    assert check(tmp_path, orders, shipments=[departed_shipment()]) == []


def test_planned_etd_after_latest_shipment(tmp_path: Path) -> None:
    orders = [lc_order(**{"ETD Plan": d("2027-02-05"), "Docs Sent Plan": d("2027-02-10")})]
    found = report(tmp_path, orders)
    assert rows_of(found) == [("lc-shipment-at-risk", "Orders", 2, "ETD Plan")]
    assert found[0].message == "Pull ETD before 2027-01-31."


# lc-presentation-late / lc-presentation-at-risk ------------------------------------------------


def test_documents_presented_late(tmp_path: Path) -> None:
    orders = numbered(
        fca(**{"Docs Sent Plan": d("2026-11-21"), "Docs Sent Actual": d("2026-11-21")}),
        fca(**{"Docs Sent Actual": None, "Docs Sent Plan": d("2026-11-20")}),
    )
    found = report(tmp_path, orders)
    assert rows_of(found) == [
        ("lc-presentation-late", "Orders", 2, "Docs Sent Actual"),
        ("lc-presentation-late", "Orders", 3, "Docs Sent Actual"),
        ("milestone-overdue", "Orders", 3, "Docs Sent Plan"),
    ]
    assert found[0].message == "Late presentation: documents were due 2026-11-20."


def test_deadline_at_expiry_or_own_presentation_days_does_not_fire(tmp_path: Path) -> None:
    on_expiry = {"Docs Sent Plan": d("2026-11-15"), "Docs Sent Actual": d("2026-11-15")}
    day_24 = {"Docs Sent Plan": d("2026-11-24"), "Docs Sent Actual": d("2026-11-24")}
    orders = numbered(
        fca(**{"L/C Expiry": d("2026-11-15"), "Latest Shipment": d("2026-11-01"), **on_expiry}),
        fca(**{"Presentation Days": 30, **day_24}),  # 21 days would end on 2026-11-20
    )
    assert check(tmp_path, orders) == []


def test_presentation_at_risk(tmp_path: Path) -> None:
    soon = {"ETD Plan": d("2026-11-08"), "ETD Actual": d("2026-11-08"), "Docs Sent Plan": d("2026-11-27"),
            "Docs Sent Actual": None}  # fmt: skip
    orders = numbered(lc_order(**{"Docs Sent Plan": d("2027-01-27")}), fca(**soon))
    found = report(tmp_path, orders)
    assert rows_of(found) == [
        ("lc-presentation-at-risk", "Orders", 2, "Docs Sent Plan"),
        ("lc-presentation-at-risk", "Orders", 3, "Docs Sent Actual"),
        ("milestone-due-soon", "Orders", 3, "Docs Sent Plan"),
    ]
    assert [f.message for f in found][:2] == ["Present by 2027-01-26.", "Present by 2026-11-29."]


def test_presentation_comfortably_ahead_does_not_fire(tmp_path: Path) -> None:
    orders = numbered(
        lc_order(**{"Docs Sent Plan": d("2027-01-26")}),
        fca(**{"ETD Plan": d("2026-11-12"), "ETD Actual": d("2026-11-12"), "Docs Sent Plan": d("2026-12-03"),
               "Docs Sent Actual": None}),  # deadline 2026-12-03: beyond the 7-day window
    )  # fmt: skip
    assert check(tmp_path, orders) == []


# lc-expired ------------------------------------------------------------------------------------


def test_credit_expired_before_shipment(tmp_path: Path) -> None:
    orders = [lc_order(**{"L/C Expiry": d("2026-11-20"), "Latest Shipment": d("2026-11-20")})]
    assert check(tmp_path, orders) == [
        ("lc-expired", "Orders", 2, "L/C Expiry"),
        ("lc-presentation-at-risk", "Orders", 2, "Docs Sent Plan"),
        ("lc-shipment-at-risk", "Orders", 2, "ETD Plan"),
        ("lc-shipment-late", "Orders", 2, "Latest Shipment"),
    ]


def test_expiry_after_shipment_or_today_does_not_fire(tmp_path: Path) -> None:
    orders = numbered(
        fca(**{"L/C Expiry": d("2026-11-20"), "Latest Shipment": d("2026-11-01")}),
        fca(Status="Ready", **{"L/C Expiry": d("2026-11-25"), "Latest Shipment": d("2026-11-25"),
                               "ETD Plan": d("2026-11-25"), "ETD Actual": None,
                               "Docs Sent Plan": d("2026-11-25"), "Docs Sent Actual": None}),
    )  # fmt: skip
    assert check(tmp_path, orders) == [  # expiring today is not expired
        ("milestone-due-soon", "Orders", 3, "Docs Sent Plan"),
        ("milestone-due-soon", "Orders", 3, "ETD Plan"),
    ]


# lc-dates-inconsistent -------------------------------------------------------------------------


def test_credit_dates_inconsistent(tmp_path: Path) -> None:
    orders = numbered(
        lc_order(**{"Latest Shipment": d("2027-03-01")}),
        fca(
            **{
                "Order Date": d("2026-12-01"),
                "L/C Expiry": d("2026-11-30"),
                "Latest Shipment": d("2026-10-31"),
            }
        ),
    )
    assert check(tmp_path, orders) == [
        ("lc-dates-inconsistent", "Orders", 2, "Latest Shipment"),
        ("lc-dates-inconsistent", "Orders", 3, "L/C Expiry"),
    ]


def test_latest_shipment_on_expiry_does_not_fire(tmp_path: Path) -> None:
    orders = [lc_order(**{"Latest Shipment": d("2027-02-28")})]
    assert check(tmp_path, orders) == []


# lc-partial-shipment ---------------------------------------------------------------------------


def half(**overrides: Any) -> dict[str, Any]:
    return departed_shipment(**{"Packages": 25, "Gross Weight kg": 300.0, **overrides})


def test_shipments_on_two_vessels(tmp_path: Path) -> None:
    shipments = [half(), half(**{"Shipment No": "SH-1001-2", "Vessel / Flight": "MSC ANNA 612E"})]
    found = report(tmp_path, [fca()], shipments=shipments)
    assert rows_of(found) == [("lc-partial-shipment", "Orders", 2, None)]
    assert found[0].message == "Partial shipment: check that the credit allows it."


def test_several_bls_on_one_vessel_do_not_fire(tmp_path: Path) -> None:
    same_vessel = {
        "Shipment No": "SH-1001-2",
        "Vessel / Flight": " maersk  edmonton 447w",
        "B/L or AWB No": "X2",
    }
    tt_order = shipped_order(Incoterm="FCA", **{"Order No": "PO-1002"})
    shipments = [
        half(),
        half(**same_vessel),
        half(**{"Order No": "PO-1002", "Shipment No": "SH-1002-1"}),
        half(**{"Order No": "PO-1002", "Shipment No": "SH-1002-2", "Vessel / Flight": "MSC ANNA 612E"}),
    ]
    assert check(tmp_path, [fca(), tt_order], shipments=shipments) == []


# scope: messy-but-valid values, cells that failed schema-type ---------------------------------


def test_messy_but_valid_values_are_joined_and_read(tmp_path: Path) -> None:
    messy = {"Order No": 1001, "Payment Terms": "L/C AT SIGHT", "Incoterm": "fob", "Transport Mode": "SEA"}
    orders = [lc_order(**messy, **{"L/C Amount": 4000}), lc_order(**{"Order No": "PO-7", "L/C Amount": 4000})]
    lines = [line(**{"Order No": " 1001"}), line(**{"Order No": "po-7 "})]
    assert check(tmp_path, orders, lines) == [
        ("lc-amount-exceeded", "Orders", 2, "L/C Amount"),
        ("lc-amount-exceeded", "Orders", 3, "L/C Amount"),
    ]


def test_a_cell_that_failed_schema_type_causes_no_lc_finding(tmp_path: Path) -> None:
    late_if_21_days = {"Presentation Days": "thirty", "Docs Sent Plan": d("2026-11-24"),
                       "Docs Sent Actual": d("2026-11-24")}  # fmt: skip
    orders = numbered(lc_order(**{"L/C Amount": 4100, "Tolerance %": "five"}), fca(**late_if_21_days))
    assert check(tmp_path, orders) == [
        ("schema-type", "Orders", 2, "Tolerance %"),
        ("schema-type", "Orders", 3, "Presentation Days"),
    ]
